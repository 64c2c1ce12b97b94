"""The effect computation and how verify applies the verdict rules, on stored results built by hand.

The rules themselves are tested in test_statistics.py.
"""

import pytest

from repro import verify
from repro.plan import ArmPlan, ClaimPlan, ReadingPlan
from repro.runspec import ModelRef, RunSpec
from repro.spec import Averaging, Reading, load_specs


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


def _plan_n(spec, n, profile="smoke"):
    arms = {name: ArmPlan(name=name, label=name, recipe=None, runs={"pawsx": [_run(name, i) for i in range(n)]})
            for name in ("baseline", "treatment")}
    reading = ReadingPlan(reading=Reading(name="as-written", description="the spec as written"), setting=spec.setting,
                          averaging=spec.averaging, split="test", attack=None, arms=arms, skipped_targets={},
                          targets=["pawsx"])
    return ClaimPlan(spec=spec, profile=profile, seeds=list(range(n)), readings=[reading])


def _plan(spec):
    return _plan_n(spec, 2)


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
    # two seeds: t(1) = 12.7 makes the 95% interval contain 0, whatever the mean
    assert result.verdict == "inconclusive" and result.seeds_needed is not None
    assert {row["language"] for row in result.per_language} == {"de", "fr"}
    assert verify.verify(plan, results, comparable=False).verdict == "not comparable"


def test_a_failed_run_is_an_error_with_its_reason(pawsx_claim):
    plan = _plan(pawsx_claim)
    results = {key: _metrics(0.9, 0.6, 0.5) for key in (r.key for r in plan.all_runs())}
    results[_run("treatment", 1).key] = {"status": "failed", "error": "Traceback...\nRuntimeError: out of memory\n"}
    result = verify.verify(plan, results, comparable=False)
    assert result.verdict == "error"
    assert "out of memory" in result.reason


def _effects(plan, baseline: list[float], treatment: list[float]) -> dict:
    """Stored results whose de and fr scores give the arms these per-seed means (points/100)."""
    results = {}
    for arm, values in (("baseline", baseline), ("treatment", treatment)):
        for seed, value in enumerate(values):
            results[_run(arm, seed).key] = _metrics(0.9, value, value)
    return results


def test_an_opposite_effect_is_contradicted_never_weaker(pawsx_claim):
    plan = _plan_n(pawsx_claim, 3)
    result = verify.verify(plan, _effects(plan, [0.60, 0.61, 0.62], [0.59, 0.598, 0.612]), comparable=True)
    assert result.effect["mean"] < 0 and result.effect["ci_high"] < 0
    assert result.verdict == "contradicted" and result.failed


def test_a_null_effect_cannot_be_reproduced(pawsx_claim):
    # the mean is the reported 2.1 points, but the seeds disagree on the sign
    plan = _plan_n(pawsx_claim, 3)
    result = verify.verify(plan, _effects(plan, [0.50, 0.50, 0.50], [0.55, 0.463, 0.55]), comparable=True)
    assert result.effect["mean"] == pytest.approx(2.1)
    assert result.verdict == "inconclusive" and not result.failed


def test_skipped_targets_are_not_judged_unless_the_spec_says_the_rest_stand_for_the_average(pawsx_claim):
    plan = _plan_n(pawsx_claim, 3)
    plan.readings[0].skipped_targets = {"xnli": "needs XNLI"}
    results = _effects(plan, [0.50, 0.51, 0.52], [0.52, 0.53, 0.54])
    assert verify.verify(plan, results, comparable=True).verdict == "not run"
    stands = Averaging(remaining_targets_stand_for_average=True)
    plan.spec = pawsx_claim.model_copy(update={"averaging": stands})
    plan.readings[0].averaging = stands
    assert verify.verify(plan, results, comparable=True).verdict == "reproduced"


def test_a_control_asserts_its_known_answer_on_any_profile():
    control = next(s for s in load_specs() if s.kind == "control" and s.expected.direction == "treatment_better")
    plan = _plan_n(control.model_copy(update={"averaging": Averaging(include_english=False)}), 3)
    found = verify.verify(plan, _effects(plan, [0.50, 0.51, 0.52], [0.60, 0.62, 0.61]), comparable=False)
    assert found.asserted and found.verdict == "supported" and not found.failed
    missed = verify.verify(plan, _effects(plan, [0.50, 0.51, 0.52], [0.52, 0.49, 0.53]), comparable=False)
    assert missed.verdict == "inconclusive" and missed.failed  # a planted effect must be found


def test_attack_readings_compare_attacked_scores_or_their_change():
    from repro.spec import Attack

    metrics = {"per_language": {"en": {"accuracy": 0.80}, "de": {"accuracy": 0.70}},
               "attacked": {"character_noise-0.2": {"per_language": {"de": {"accuracy": 0.55}}}}}
    averaging = Averaging(include_english=False)
    attacked = Attack(kind="character_noise", rate=0.2, measure="attacked")
    change = Attack(kind="character_noise", rate=0.2, measure="change")
    assert verify.language_scores(metrics, "accuracy", "zero_shot", averaging, attack=attacked) == pytest.approx(
        {"de": 55.0})
    assert verify.language_scores(metrics, "accuracy", "zero_shot", averaging, attack=change) == pytest.approx(
        {"de": -15.0})


def test_a_rehearsal_asserts_not_even_the_controls():
    control = next(s for s in load_specs() if s.kind == "control" and s.expected.direction == "treatment_better")
    plan = _plan_n(control, 3, profile="full-rehearsal")
    results = {**{_run("baseline", i).key: _metrics(0.5, 0.5, 0.5) for i in range(3)},
               **{_run("treatment", i).key: _metrics(0.5, 0.5, 0.5) for i in range(3)}}
    # the planted effect not found: a failed control on any profile ...
    judged = verify.verify(plan, results, comparable=False)
    assert judged.asserted and judged.failed
    # ... but two optimisation steps of a rehearsal cannot find it: shown as measured, not asserted
    rehearsed = verify.verify(plan, results, comparable=False, rehearsal=True)
    assert not rehearsed.asserted and rehearsed.verdict == "not comparable"
    assert rehearsed.reason.startswith("full-rehearsal profile is a rehearsal; measured")
