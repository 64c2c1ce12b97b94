"""Verify: per-seed effect = treatment - baseline, its mean and confidence interval, a verdict.

Scores are in points (metric x 100), as papers report them. For one seed, a target's score is
the unweighted mean over languages (English excluded unless the spec includes it); in the
generalized setting it is the mean over ordered pairs of different languages (pairs with English
on either side excluded unless the spec includes English); a claim's score is the mean over its
runnable targets. Baseline and treatment are paired by seed.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field

from repro.plan import ClaimPlan

# Two-sided 95% Student-t quantiles by degrees of freedom: confidence intervals over few seeds
# need the t distribution, and this table is all of it that we use.
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
         18: 2.101, 19: 2.093, 20: 2.086, 25: 2.060, 30: 2.042}

FAILING_VERDICTS = {"weaker", "stronger", "contradicted", "error"}
VERDICT_HELP = {
    "reproduced": "measured effect within tolerance of the reported value",
    "weaker": "same sign, smaller than reported beyond the tolerance",
    "stronger": "same sign, larger than reported beyond the tolerance",
    "contradicted": "the confidence interval excludes 0 on the side opposite to the reported effect",
    "inconclusive": "the confidence interval is too wide to decide",
    "supported": "the confidence interval excludes 0 in the expected direction",
    "not comparable": "this profile is a scale analog: the measured effect is not evidence about the paper",
    "not run": "this profile cannot run the claim yet",
    "error": "a run failed",
}


def t_quantile(df: int) -> float:
    if df < 1:
        return float("nan")
    if df in _T975:
        return _T975[df]
    smaller = max(k for k in _T975 if k <= df)
    return _T975[smaller] if df <= 30 else 1.96


def mean_ci(values: list[float]) -> tuple[float, float, float, float]:
    """Mean, standard error and the 95% interval (t distribution; degenerate for one seed)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, float("nan"), float("nan"), float("nan")
    stderr = statistics.stdev(values) / math.sqrt(len(values))
    half = t_quantile(len(values) - 1) * stderr
    return mean, stderr, mean - half, mean + half


def _metric_key(metric: str) -> str:
    return {"retrieval_accuracy": "accuracy"}.get(metric, metric)


def language_scores(metrics: dict, metric: str, setting: str, averaging) -> dict[str, float]:
    """Per-language (or per-pair 'A|B') scores in points for one run."""
    key = _metric_key(metric)
    if setting == "generalized":
        scores = {}
        for pair, values in metrics["generalized"].items():
            a, b = pair.split("|")
            if not averaging.include_english and "en" in (a, b):
                continue
            scores[pair] = 100 * values[key]
        if averaging.same_language_pairs:
            for lang, values in metrics["per_language"].items():
                if averaging.include_english or lang != "en":
                    scores[f"{lang}|{lang}"] = 100 * values[key]
        return scores
    return {lang: 100 * values[key] for lang, values in metrics["per_language"].items()
            if averaging.include_english or lang != "en"}


@dataclass
class ClaimResult:
    id: str
    kind: str
    profile: str
    comparable: bool
    verdict: str
    reason: str
    reported: float | None = None
    tolerance: float | None = None
    expected: str | None = None
    seeds: list[int] = field(default_factory=list)
    effect: dict | None = None  # mean, stderr, ci_low, ci_high, per_seed
    arms: dict = field(default_factory=dict)  # arm -> {"label", "per_seed", "mean"}
    per_language: list[dict] = field(default_factory=list)
    skipped_targets: dict = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    measured_direction: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def judge_claim(mean: float, lo: float, hi: float, reported: float, tolerance: float) -> tuple[str, str]:
    if not math.isnan(lo) and ((hi < 0 < reported) or (lo > 0 > reported)):
        return "contradicted", f"95% CI [{lo:.2f}, {hi:.2f}] excludes 0 on the other side of {reported:+.2f}"
    if abs(mean - reported) <= tolerance:
        return "reproduced", f"{mean:+.2f} is within {tolerance} of {reported:+.2f}"
    if math.isnan(lo) or lo <= reported <= hi:
        return "inconclusive", f"{mean:+.2f} is outside the tolerance, but the CI [{lo:.2f}, {hi:.2f}] contains {reported:+.2f}"
    if abs(mean) < abs(reported):
        return "weaker", f"{mean:+.2f} is weaker than {reported:+.2f} beyond ±{tolerance}"
    return "stronger", f"{mean:+.2f} is stronger than {reported:+.2f} beyond ±{tolerance}"


def direction(lo: float, hi: float) -> str:
    if math.isnan(lo):
        return "undetermined (one seed)"
    if lo > 0:
        return "treatment better (CI excludes 0)"
    if hi < 0:
        return "treatment worse (CI excludes 0)"
    return "no clear difference (CI contains 0)"


def judge_hypothesis(lo: float, hi: float, expected: str) -> tuple[str, str]:
    found = direction(lo, hi)
    wanted = {"treatment_better": "treatment better", "treatment_worse": "treatment worse",
              "no_difference": "no clear difference"}[expected]
    if found.startswith("undetermined"):
        return "inconclusive", "one seed gives no interval"
    if found.startswith(wanted):
        return "supported", f"measured: {found}"
    if found.startswith("no clear difference"):
        return "inconclusive", f"measured: {found}"
    return "contradicted", f"measured: {found}; expected {wanted}"


def verify(plan: ClaimPlan, results: dict[str, dict], comparable: bool) -> ClaimResult:
    """Turn stored run results (by RunSpec key) into the claim's verdict."""
    spec = plan.spec
    base = ClaimResult(
        id=spec.id, kind=spec.kind, profile=plan.profile, comparable=comparable, verdict="not run", reason="",
        reported=spec.reported.value if spec.kind == "claim" else None,
        tolerance=spec.tolerance if spec.kind == "claim" else None,
        expected=spec.expected.direction if spec.kind == "hypothesis" else None,
        seeds=plan.seeds, skipped_targets=plan.skipped_targets,
    )
    if plan.not_run:
        base.reason = f"not run: {plan.not_run}"
        return base
    failures = []
    for arm in plan.arms.values():
        for runs in arm.runs.values():
            for run in runs:
                result = results.get(run.key)
                if result is None or result.get("status") != "ok":
                    failures.append({"run": run.key, "describe": run.describe(),
                                     "error": (result or {}).get("error", "no result in the store")})
    if failures:
        base.verdict, base.failures = "error", failures
        base.reason = f"{len(failures)} run(s) failed: {failures[0]['error'].strip().splitlines()[-1]}"
        return base

    metric_of = {t.task: t.metric for t in spec.targets}
    # arm -> seed index -> claim score; and per-language rows
    per_seed: dict[str, list[float]] = {}
    cells: dict[tuple[str, str], dict[str, list[float]]] = {}
    for arm_name, arm in plan.arms.items():
        seed_scores = [[] for _ in plan.seeds]
        for target, runs in arm.runs.items():
            for i, run in enumerate(runs):
                scores = language_scores(results[run.key]["metrics"], metric_of[target], spec.setting, spec.averaging)
                seed_scores[i].append(statistics.fmean(scores.values()))
                for lang, value in scores.items():
                    cells.setdefault((target, lang), {}).setdefault(arm_name, []).append(value)
        per_seed[arm_name] = [statistics.fmean(s) for s in seed_scores]
    effects = [t - b for t, b in zip(per_seed["treatment"], per_seed["baseline"])]
    mean, stderr, lo, hi = mean_ci(effects)
    base.effect = {"mean": mean, "stderr": stderr, "ci_low": lo, "ci_high": hi, "per_seed": effects}
    base.arms = {name: {"label": plan.arms[name].label, "per_seed": scores, "mean": statistics.fmean(scores)}
                 for name, scores in per_seed.items()}
    for (target, lang), arms in sorted(cells.items()):
        row = {"target": target, "language": lang}
        for arm_name, values in arms.items():
            row[arm_name] = statistics.fmean(values)
        row["effect"] = row["treatment"] - row["baseline"]
        base.per_language.append(row)
    base.measured_direction = direction(lo, hi)

    if not comparable:
        base.verdict = "not comparable"
        base.reason = (f"{plan.profile} profile is a scale analog; measured effect {mean:+.2f} points "
                       f"({base.measured_direction})")
    elif spec.kind == "claim":
        base.verdict, base.reason = judge_claim(mean, lo, hi, spec.reported.value, spec.tolerance)
    else:
        base.verdict, base.reason = judge_hypothesis(lo, hi, spec.expected.direction)
    return base
