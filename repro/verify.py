"""Verify: per-seed effect = treatment - baseline, its interval, and a verdict per reading and per spec.

Scores are in points (metric x 100), as papers report them. For one seed, a target's score is
the unweighted mean over languages (English excluded unless the spec includes it) on the split the
spec scores (test, or dev where the paper's number is a dev-set average); in the generalized
setting it is the mean over ordered pairs of different languages (pairs with English on either
side excluded unless the spec includes English); under an attack it is the score on the attacked
test sets, or the drop from the clean score; a spec's score is the mean over its runnable targets.
Baseline and treatment are paired by seed. The verdict rules are :data:`VERDICT_RULES`
(:mod:`repro.statistics`); a spec read several ways is judged under each reading, and its verdict
names the readings that reproduce and those that do not.
"""

from __future__ import annotations

import math
import statistics as stats
from dataclasses import asdict, dataclass, field
from typing import Any

from repro import catalog
from repro import statistics as verdicts
from repro.plan import ArmPlan, ClaimPlan, ReadingPlan

# verdicts that fail a claim's item on a profile whose verdicts count
FAILING_VERDICTS = {"weaker", "stronger", "contradicted", "error"}
# how readings rank when a spec's verdict is the best of its readings'
_RANK = ["reproduced", "supported", "inconclusive", "weaker", "stronger", "contradicted", "not run", "error"]
VERDICT_HELP = {
    "reproduced": "the sign is established (95% CI excludes 0 on the reported side) and the mean is within "
                  "the tolerance of the reported value, compared at the reported precision",
    "weaker": "the reported sign is established, but the effect is smaller than reported beyond the tolerance",
    "stronger": "the reported sign is established, but the effect is larger than reported beyond the tolerance",
    "contradicted": "the 95% CI excludes 0 on the side opposite to the reported or expected effect",
    "inconclusive": "the 95% CI contains 0 (or only one seed ran): more seeds are needed to decide",
    "supported": "a hypothesis: the 95% CI excludes 0 in the expected direction, or (no difference) the 90% CI "
                 "lies within the stated margin",
    "not comparable": "this profile is a scale analog: the measured effect is not evidence about the paper",
    "not run": "this profile cannot run the spec: it needs what the reason names",
    "error": "a run failed",
}
VERDICT_RULES = verdicts.VERDICT_RULES


def _points(value) -> float:
    """A stored score in points. A score stored as null (it was NaN or infinite when measured, and
    strict JSON has neither) is NaN here, and :func:`verify_reading` turns it into an error."""
    return float("nan") if value is None else 100 * value


def language_scores(metrics: dict, metric: str, setting: str, averaging, split: str = "test",
                    attack=None) -> dict[str, float]:
    """Per-language (or per-pair 'A|B') scores in points for one run."""
    key = catalog.metric(metric).key

    def keep(lang: str) -> bool:
        return averaging.include_english or lang != "en"

    if attack is not None:
        clean = metrics["per_language"]
        attacked = metrics["attacked"][attack.name]["per_language"]
        if attack.measure == "change":  # attacked - clean: negative where the attack costs points
            return {lang: _points(values[key]) - _points(clean[lang][key])
                    for lang, values in attacked.items() if keep(lang) and key in values}
        return {lang: _points(values[key]) for lang, values in attacked.items() if keep(lang) and key in values}
    if setting == "generalized":
        scores = {}
        for pair, values in metrics["generalized"].items():
            a, b = pair.split("|")
            if not averaging.include_english and "en" in (a, b):
                continue
            scores[pair] = _points(values[key])
        if averaging.same_language_pairs:
            for lang, values in metrics["per_language"].items():
                if keep(lang):
                    scores[f"{lang}|{lang}"] = _points(values[key])
        return scores
    # a dev reading reads the per-language dev sets; a task whose only labelled evaluation set is its
    # test set (XQuAD, TyDiQA-GoldP, Tatoeba: jiant's validation phase scores the same data) reads that
    per_language = metrics.get("dev_per_language") if split == "dev" else None
    return {lang: _points(values[key]) for lang, values in (per_language or metrics["per_language"]).items()
            if keep(lang)}


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
    margin: float | None = None
    seeds: list[int] = field(default_factory=list)
    # the primary reading's numbers (the first reading that ran), for tables that show one row
    effect: dict | None = None  # mean, sd, stderr, ci_low, ci_high, per_seed
    arms: dict = field(default_factory=dict)  # arm -> {"label", "per_seed", "mean"}
    per_language: list[dict] = field(default_factory=list)
    skipped_targets: dict = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    measured_direction: str | None = None
    # what the measured effect says in the spec's own terms, on any profile (the verdict's rule applied)
    measured_verdict: str | None = None
    seeds_needed: int | None = None
    seeds_needed_basis: str | None = None
    selection: dict = field(default_factory=dict)  # target -> the candidate chosen, and why
    readings: list[dict] = field(default_factory=list)  # every reading's own result
    # False on a rehearsal: a few optimisation steps cannot find even the planted effect
    controls_asserted: bool = True

    @property
    def asserted(self) -> bool:
        """Whether this verdict is asserted: on a profile whose verdicts count, or for a control
        (except in a rehearsal)."""
        return self.comparable or (self.kind == "control" and self.controls_asserted)

    @property
    def failed(self) -> bool:
        """A failure for the item: a verdict against the paper, or a control missing its known answer
        (a planted effect must be found; a null one must not be called better or worse)."""
        if self.kind == "control" and self.verdict != "error":
            return self.verdict not in ({"supported", "inconclusive"} if self.expected == "no_difference"
                                        else {"supported"})
        return self.verdict in FAILING_VERDICTS

    def to_json(self) -> dict:
        return asdict(self)


def direction(lo: float, hi: float) -> str:
    if lo != lo:  # NaN: one seed
        return "undetermined (one seed)"
    if lo > 0:
        return "treatment better (95% CI excludes 0)"
    if hi < 0:
        return "treatment worse (95% CI excludes 0)"
    return "no clear difference (95% CI contains 0)"


def judge(spec, effects: list[float]) -> verdicts.Verdict:
    """The spec's verdict rule applied to per-seed effects (see ``VERDICT_RULES``)."""
    if spec.kind == "claim":
        return verdicts.judge_claim(effects, spec.reported.value, spec.tolerance)
    if spec.expected.direction == "no_difference":
        return verdicts.judge_equivalence(effects, spec.expected.margin)
    return verdicts.judge_direction(effects, spec.expected.direction)


def _failures(reading: ReadingPlan, results: dict[str, dict]) -> list[dict]:
    failures = []
    for run in reading.all_runs():
        result = results.get(run.key)
        if result is None or result.get("status") != "ok":
            failures.append({"run": run.key, "describe": run.describe(),
                             "error": (result or {}).get("error", "no result in the store")})
    return failures


def _dev_score(results: dict, runs, metric: str) -> float | None:
    """Mean English dev score of a candidate's runs for one target (None: no dev set was scored)."""
    key = catalog.metric(metric).key
    values = []
    for run in runs:
        metrics = results[run.key]["metrics"]
        if "dev" in metrics and key in metrics["dev"]:
            values.append(metrics["dev"][key])
    return stats.fmean(values) if values else None


def choose_candidates(arm: ArmPlan, results: dict, metric_of: dict[str, str]) -> tuple[dict, dict]:
    """Per target, the candidate with the best English dev score (mean over seeds): its runs, and a
    record of every candidate's dev score and the choice. A target without an English dev set (the
    retrieval tasks) takes the candidate best on the other targets' dev scores on average."""
    runs, record = {}, {}
    dev = {label: {t: _dev_score(results, per_target[t], metric_of[t]) for t in per_target}
           for label, per_target in arm.candidates.items()}
    for target in next(iter(arm.candidates.values())):
        scored: dict[str, float] = {label: v for label, d in dev.items() if (v := d[target]) is not None}
        how = "best English dev score"
        if not scored:  # fall back to the mean over the targets that have a dev set
            scored = {label: stats.fmean(known) for label, d in dev.items()
                      if (known := [v for v in d.values() if v is not None])}
            how = "no dev set: best mean English dev score over the other targets"
        chosen = max(scored, key=lambda label: scored[label]) if scored else next(iter(arm.candidates))
        runs[target] = arm.candidates[chosen][target]
        record[target] = {"chosen": chosen, "how": how, "dev_scores": {k: 100 * v for k, v in scored.items()}}
    return runs, record


def verify_reading(spec: Any, reading: ReadingPlan, seeds: list[int], results: dict[str, dict]) -> dict:
    """One reading's effect, interval and verdict (by the spec's rule), as a dict."""
    out: dict[str, Any] = {"name": reading.name, "description": reading.reading.description, "setting": reading.setting,
           "split": reading.split, "attack": reading.attack.model_dump() if reading.attack else None,
           "skipped_targets": dict(reading.skipped_targets), "verdict": "not run", "reason": "",
           "effect": None, "arms": {}, "per_language": [], "failures": [], "selection": {}}
    if reading.not_run:
        out["reason"] = f"not run: {reading.not_run}"
        return out
    failures = _failures(reading, results)
    if failures:
        out.update(verdict="error", failures=failures,
                   reason=f"{len(failures)} run(s) failed: {failures[0]['error'].strip().splitlines()[-1]}")
        return out
    metric_of = {t.task: t.metric for t in spec.targets}
    per_seed: dict[str, list[float]] = {}
    cells: dict[tuple[str, str], dict[str, list[float]]] = {}
    for arm_name, arm in reading.arms.items():
        runs = arm.runs
        if arm.candidates:
            runs, out["selection"] = choose_candidates(arm, results, metric_of)
        seed_scores: list[list[float]] = [[] for _ in seeds]
        for target, target_runs in runs.items():
            for i, run in enumerate(target_runs):
                scores = language_scores(results[run.key]["metrics"], metric_of[target], reading.setting,
                                         reading.averaging, reading.split, reading.attack)
                unusable = sorted(lang for lang, value in scores.items() if not math.isfinite(value))
                if unusable or not scores:  # never averaged over fewer languages, never a NaN verdict
                    error = f"no finite {metric_of[target]} score for {unusable or 'any language'}"
                    out.update(verdict="error", reason=f"a run has no usable score: {run.describe()}: {error}",
                               failures=[{"run": run.key, "describe": run.describe(), "error": error}])
                    return out
                seed_scores[i].append(stats.fmean(scores.values()))
                for lang, value in scores.items():
                    cells.setdefault((target, lang), {}).setdefault(arm_name, []).append(value)
        per_seed[arm_name] = [stats.fmean(s) for s in seed_scores]
    effects = [t - b for t, b in zip(per_seed["treatment"], per_seed["baseline"])]
    judged = judge(spec, effects)
    ci = judged.interval
    out["effect"] = {"mean": ci.mean, "sd": ci.sd, "stderr": ci.stderr, "ci_low": ci.low, "ci_high": ci.high,
                     "per_seed": effects}
    out["arms"] = {name: {"label": reading.arms[name].label, "per_seed": scores, "mean": stats.fmean(scores)}
                   for name, scores in per_seed.items()}
    for (target, lang), arms in sorted(cells.items()):
        means = {arm: stats.fmean(v) for arm, v in arms.items()}
        row: dict[str, Any] = {"target": target, "language": lang, **means,
                               "effect": means["treatment"] - means["baseline"]}
        out["per_language"].append(row)
    out.update(measured_direction=direction(ci.low, ci.high), measured_verdict=judged.verdict,
               seeds_needed=judged.seeds_needed, seeds_needed_basis=judged.seeds_needed_basis)
    if reading.skipped_targets and not reading.averaging.remaining_targets_stand_for_average:
        missing = "; ".join(f"{t}: {why}" for t, why in reading.skipped_targets.items())
        out.update(verdict="not run", reason=(
            f"not run: the reported average covers targets this profile cannot serve ({missing}); measured over "
            f"the others: {ci.mean:+.2f} points"))
    else:
        out.update(verdict=judged.verdict, reason=judged.reason)
    return out


def _combine(readings: list[dict]) -> tuple[str, str]:
    """A spec's verdict from its readings': an error anywhere is an error; otherwise the best reading's
    verdict, with the reason naming what each reading gave."""
    if any(r["verdict"] == "error" for r in readings):
        failed = next(r for r in readings if r["verdict"] == "error")
        return "error", failed["reason"]
    if len(readings) == 1:
        return readings[0]["verdict"], readings[0]["reason"]
    best = min(readings, key=lambda r: _RANK.index(r["verdict"]))
    by_verdict: dict[str, list[str]] = {}
    for r in readings:
        by_verdict.setdefault(r["verdict"], []).append(r["name"])
    summary = "; ".join(f"{verdict} under {', '.join(names)}" for verdict, names in
                        sorted(by_verdict.items(), key=lambda kv: _RANK.index(kv[0])))
    return best["verdict"], f"{summary} ({best['name']}: {best['reason']})"


def verify(plan: ClaimPlan, results: dict[str, dict], comparable: bool, *, rehearsal: bool = False) -> ClaimResult:
    """Turn stored run results (by RunSpec key) into the spec's verdict. ``comparable``: the profile's
    verdicts count; ``rehearsal``: not even the controls' do (see :class:`ClaimResult`)."""
    spec: Any = plan.spec
    readings = [verify_reading(spec, reading, plan.seeds, results) for reading in plan.readings]
    primary = next((r for r in readings if r["effect"] is not None), readings[0])
    result = ClaimResult(
        id=spec.id, kind=spec.kind, profile=plan.profile, comparable=comparable, verdict="not run", reason="",
        reported=spec.reported.value if spec.kind == "claim" else None,
        tolerance=spec.tolerance if spec.kind == "claim" else None,
        expected=spec.expected.direction if spec.kind != "claim" else None,
        margin=spec.expected.margin if spec.kind != "claim" else None,
        seeds=plan.seeds, effect=primary["effect"], arms=primary["arms"], per_language=primary["per_language"],
        skipped_targets=primary["skipped_targets"], failures=[f for r in readings for f in r["failures"]],
        measured_direction=primary.get("measured_direction"), measured_verdict=primary.get("measured_verdict"),
        seeds_needed=primary.get("seeds_needed"), seeds_needed_basis=primary.get("seeds_needed_basis"),
        selection=primary["selection"], readings=readings, controls_asserted=not rehearsal,
    )
    verdict, reason = _combine(readings)
    if verdict in ("error", "not run") or result.asserted:
        result.verdict, result.reason = verdict, reason
    else:
        measured = ", ".join(f"{r['name']}: {r['effect']['mean']:+.2f} points, by the rule {r['measured_verdict']}"
                             for r in readings if r["effect"] is not None)
        result.verdict = "not comparable"
        what = "a rehearsal" if rehearsal else "a scale analog"
        result.reason = f"{plan.profile} profile is {what}; measured {measured}"
    return result
