"""Verdict rules and the effect computation, on stored results built by hand."""

import math

import pytest

from repro import verify
from repro.plan import ArmPlan, ClaimPlan, ModelRef, RunSpec
from repro.spec import Averaging, load_specs


def test_confidence_interval_uses_student_t():
    mean, stderr, lo, hi = verify.mean_ci([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert stderr == pytest.approx(1 / math.sqrt(3))
    assert hi - mean == pytest.approx(4.303 / math.sqrt(3), rel=1e-3)
    assert math.isnan(verify.mean_ci([1.0])[2])


@pytest.mark.parametrize("mean, lo, hi, verdict", [
    (2.0, 1.0, 3.0, "reproduced"),
    (-1.5, -2.5, -0.5, "contradicted"),
    (0.2, -0.4, 0.8, "weaker"),
    (5.5, 4.8, 6.2, "stronger"),
    (4.0, -1.0, 9.0, "inconclusive"),
])
def test_claim_verdicts(mean, lo, hi, verdict):
    assert verify.judge_claim(mean, lo, hi, reported=2.1, tolerance=1.0)[0] == verdict


@pytest.mark.parametrize("lo, hi, expected, verdict", [
    (0.5, 2.0, "treatment_better", "supported"),
    (-2.0, -0.5, "treatment_better", "contradicted"),
    (-0.5, 2.0, "treatment_better", "inconclusive"),
    (-2.0, -0.5, "treatment_worse", "supported"),
])
def test_hypothesis_verdicts(lo, hi, expected, verdict):
    assert verify.judge_hypothesis(lo, hi, expected)[0] == verdict


def _run(tag: str, seed: int) -> RunSpec:
    return RunSpec(stage="finetune", model=ModelRef("embedded", "tiny", "r"), task=f"pawsx-{tag}",
                   task_source="embedded", task_revision="r", seed=seed, data_seed=0)


def _metrics(en, de, fr):
    return {"status": "ok", "metrics": {
        "per_language": {"en": {"accuracy": en}, "de": {"accuracy": de}, "fr": {"accuracy": fr}},
        "generalized": {"en|de": {"accuracy": 0.5}, "de|fr": {"accuracy": de - 0.1},
                        "fr|de": {"accuracy": fr - 0.1}},
    }}


@pytest.fixture
def pawsx_claim():
    spec = next(s for s in load_specs() if s.kind == "claim" and s.targets[0].task == "pawsx"
                and s.setting == "zero_shot")
    return spec.model_copy(update={"averaging": Averaging(include_english=False)})


def _plan(spec):
    arms = {name: ArmPlan(name=name, label=name, recipe=None,
                          runs={"pawsx": [_run(name, 0), _run(name, 1)]}) for name in ("baseline", "treatment")}
    return ClaimPlan(spec=spec, profile="smoke", seeds=[0, 1], arms=arms, skipped_targets={})


def test_effect_is_paired_by_seed_and_excludes_english(pawsx_claim):
    plan = _plan(pawsx_claim)
    results = {
        _run("baseline", 0).key: _metrics(0.9, 0.60, 0.50), _run("baseline", 1).key: _metrics(0.9, 0.62, 0.52),
        _run("treatment", 0).key: _metrics(0.1, 0.64, 0.54), _run("treatment", 1).key: _metrics(0.1, 0.65, 0.55),
    }
    result = verify.verify(plan, results, comparable=True)
    # English collapsed in the treatment but is excluded from the average: +4 and +3 points
    assert result.effect["per_seed"] == pytest.approx([4.0, 3.0])
    assert result.effect["mean"] == pytest.approx(3.5)
    assert result.verdict in ("stronger", "inconclusive")
    assert {row["language"] for row in result.per_language} == {"de", "fr"}
    assert verify.verify(plan, results, comparable=False).verdict == "not comparable"


def test_a_failed_run_is_an_error_with_its_reason(pawsx_claim):
    plan = _plan(pawsx_claim)
    results = {key: _metrics(0.9, 0.6, 0.5) for key in (r.key for r in plan.all_runs())}
    results[_run("treatment", 1).key] = {"status": "failed", "error": "Traceback...\nRuntimeError: out of memory\n"}
    result = verify.verify(plan, results, comparable=False)
    assert result.verdict == "error"
    assert "out of memory" in result.reason
