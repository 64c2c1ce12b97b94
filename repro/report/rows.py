"""What the report shows, as plain data (no plotting, no HTML): the forest plot's rows grouped by paper,
the summary table's rows, the research questions' answers in words, effects grouped by language
family, script and resource class, and the clean and attacked scores of an attack reading.

Everything reads verify's results (:class:`repro.verify.ClaimResult` and its readings' dicts), the
specs, the plans and the stored runs; nothing here changes a number.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import TypeGuard

from repro import catalog
from repro.embedded import EMBEDDED_LANGUAGES
from repro.languages import load_languages
from repro.report.text import interval, signed
from repro.verify import language_scores

RESEARCH_QUESTIONS = "research-questions"
CONTROLS = "controls"
# the language groupings of the research questions' figures: label -> metadata field
GROUPINGS = {"family": "family", "script": "script", "resource class": "resource"}


def finite(value) -> TypeGuard[float]:
    """Whether ``value`` is a real, finite number (not None, NaN, infinite or a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_research_question(spec) -> bool:
    return spec.kind == "hypothesis" and bool(getattr(spec, "seed_document", None))


def paper_of(spec) -> str:
    """The group a spec's rows sit in: its arXiv id, the research questions, or the controls."""
    if spec.kind == "control":
        return CONTROLS
    if is_research_question(spec):
        return RESEARCH_QUESTIONS
    return str(spec.source.arxiv)


def paper_title(key: str, sources: dict) -> str:
    if key == RESEARCH_QUESTIONS:
        return "Research questions of the seed documents"
    if key == CONTROLS:
        return "Controls (known answers)"
    title = (sources.get(key) or {}).get("title")
    if not title:
        return f"arXiv:{key}"
    short = title if len(title) <= 60 else title[:57].rstrip() + "…"
    return f"arXiv:{key}: {short}"


@dataclass
class ForestRow:
    """One row of the forest plot: a spec (or one of its readings) with what it is compared against."""

    label: str
    spec_id: str
    reading: str | None = None
    indent: bool = False
    header: bool = False  # the spec's own row above its readings: no interval of its own
    reported: float | None = None
    tolerance: float | None = None
    expected: str | None = None
    margin: float | None = None
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    colour: str = "not run"  # the verdict that colours the row
    note: str = ""  # the text at the row's right end


@dataclass
class ForestGroup:
    key: str
    title: str
    rows: list[ForestRow] = field(default_factory=list)


def _colour_and_note(verdict: str, measured: str | None, counts: bool) -> tuple[str, str]:
    if counts or verdict in ("error", "not run") or not measured:
        return verdict, verdict
    return measured, f"measured: {measured}"


def _effect_fields(effect: dict | None) -> dict:
    if not effect:
        return {}
    low, high = effect.get("ci_low"), effect.get("ci_high")
    return {"mean": effect.get("mean"), "low": low if finite(low) else None, "high": high if finite(high) else None}


def forest_groups(results: list, specs_by_id: dict, sources: dict) -> list[ForestGroup]:
    """The forest plot's rows, grouped by paper (specs in their given order; the research questions in a
    group of their own, the controls in another). A spec read several ways gets a header row and one
    indented row per reading."""
    groups: dict[str, ForestGroup] = {}
    for result in results:
        spec = specs_by_id[result.id]
        key = paper_of(spec)
        group = groups.setdefault(key, ForestGroup(key, paper_title(key, sources)))
        counts = result.asserted
        target = {"reported": result.reported, "tolerance": result.tolerance, "expected": result.expected,
                  "margin": result.margin}
        readings = result.readings or []
        if len(readings) <= 1:
            colour, note = _colour_and_note(result.verdict, result.measured_verdict, counts)
            group.rows.append(ForestRow(result.id, result.id, colour=colour, note=note, **target,
                                        **_effect_fields(result.effect)))
            continue
        colour, note = _colour_and_note(result.verdict, None, counts)
        group.rows.append(ForestRow(result.id, result.id, header=True, colour=colour,
                                    note=note if counts else f"{len(readings)} readings", **target))
        for reading in readings:
            colour, note = _colour_and_note(reading["verdict"], reading.get("measured_verdict"), counts)
            group.rows.append(ForestRow(reading["name"], result.id, reading=reading["name"], indent=True,
                                        colour=colour, note=note, **target, **_effect_fields(reading.get("effect"))))
    order = [k for k in groups if k not in (RESEARCH_QUESTIONS, CONTROLS)] + \
            [k for k in (RESEARCH_QUESTIONS, CONTROLS) if k in groups]
    return [groups[k] for k in order]


def target_phrase(spec) -> str:
    return ", ".join(f"{t.task} ({t.metric})" for t in spec.targets)


def expected_text(result) -> str:
    if result.reported is not None:
        return f"{result.reported:+.1f} ± {result.tolerance:g}" if result.tolerance else f"{result.reported:+.1f}"
    if result.expected == "no_difference":
        return f"no difference (±{result.margin:g})"
    return (result.expected or "–").replace("_", " ")


def summary_row(result, spec, sources: dict) -> dict:
    """One row of the sortable summary table, with the values its filters and sort keys read."""
    effect = result.effect or {}
    paper = paper_of(spec)
    counts = result.asserted
    return {
        "id": result.id, "kind": result.kind, "paper": paper,
        "paper_label": {RESEARCH_QUESTIONS: "research question", CONTROLS: "control"}.get(paper, f"arXiv:{paper}"),
        "paper_title": paper_title(paper, sources),
        "tasks": [t.task for t in spec.targets], "targets": target_phrase(spec),
        "generalized": getattr(spec, "setting", None) == "generalized",
        "expected": expected_text(result), "expected_sort": result.reported if result.reported is not None else "",
        "effect": interval(result.effect), "effect_sort": effect.get("mean") if finite(effect.get("mean")) else "",
        "seeds": len(result.seeds), "verdict": result.verdict,
        "measured": None if counts else result.measured_verdict, "reason": result.reason,
    }


# --- research questions in words -------------------------------------------------------------------

def _measure_phrase(spec, reading: dict) -> str:
    runnable = [t for t in spec.targets if t.task not in (reading.get("skipped_targets") or {})]
    if len(runnable) == 1:
        score = f"the {catalog.task(runnable[0].task).title} {runnable[0].metric.replace('_', ' ')}"
    else:
        score = f"the average over its {len(runnable)} target tasks"
        if reading.get("skipped_targets"):
            score += f" that this profile runs (of {len(spec.targets)})"
    attack = reading.get("attack")
    if not attack:
        return score
    if attack.get("measure") == "attacked":
        return f"{score} under the {reading['name']} attack"
    return f"the {reading['name']} attack's effect on {score} (attacked \u2212 clean)"


def _conclusion(result, effect: dict, measured: str | None) -> str:
    low, high = effect.get("ci_low"), effect.get("ci_high")
    if not (finite(low) and finite(high)):
        return "one seed only, so no interval and no conclusion"
    if result.expected == "no_difference" and measured == "supported":
        return f"no difference larger than ±{result.margin:g} points (the 90% interval lies within that margin)"
    if low > 0:
        return "higher with the treatment (the 95% interval excludes 0)"
    if high < 0:
        return "lower with the treatment (the 95% interval excludes 0)"
    return "no clear difference (the 95% interval contains 0)"


def answer_sentence(result, spec, profile, reading: dict | None = None) -> str:
    """One plain sentence with what a research question's measurement found, on which profile, and no
    more than its interval allows."""
    reading = reading or (result.readings[0] if result.readings else {"name": "", "effect": result.effect})
    where = f"On the {profile.name} profile" + ("" if profile.comparable else " (a scale analog)")
    effect = reading.get("effect")
    if not effect or not finite(effect.get("mean")):
        why = reading.get("reason") or result.reason or "nothing was measured"
        return f"{where}, this question was not answered: {why.rstrip('.')}."
    # a reading may replace the treatment (the medical arm of the domain question): name its own
    declared = next((r for r in spec.reading_list() if r.name == reading.get("name")), None)
    treatment = declared.treatment if declared is not None and declared.treatment is not None else spec.treatment
    change = (f"{treatment.label or 'the treatment'} instead of {spec.baseline.label or 'the baseline'} "
              f"changed {_measure_phrase(spec, reading)}")
    low, high = effect.get("ci_low"), effect.get("ci_high")
    bounds = f" [{signed(low)}, {signed(high)}]" if finite(low) and finite(high) else ""
    conclusion = _conclusion(result, effect, reading.get("measured_verdict"))
    return f"{where}, {change} by {signed(effect['mean'])} points{bounds}: {conclusion}."


def question_answers(results: list, specs_by_id: dict, profile) -> list[dict]:
    """The map of the research questions to their answers: per question, the measured answer of its
    primary reading and a sentence, and the same for every other reading."""
    answers = []
    for result in results:
        spec = specs_by_id[result.id]
        if not is_research_question(spec):
            continue
        readings = [r for r in result.readings if r.get("effect")] or result.readings[:1]
        primary = readings[0] if readings else None
        answers.append({
            "id": result.id, "question": spec.question, "seed": spec.seed_document,
            "answer": interval(primary.get("effect") if primary else result.effect, 1),
            "sentence": answer_sentence(result, spec, profile, primary),
            "readings": [{"name": r["name"], "answer": interval(r.get("effect"), 1),
                          "sentence": answer_sentence(result, spec, profile, r)} for r in readings[1:]],
        })
    return answers


# --- languages -------------------------------------------------------------------------------------

def language_metadata(code: str, profile) -> dict[str, str]:
    """Family, script and resource class of a language: the embedded benchmark's own typology on an
    embedded profile, repro/data/languages.yaml otherwise ("unknown" where neither says)."""
    if profile.task_source == "embedded" and code in EMBEDDED_LANGUAGES:
        lang = EMBEDDED_LANGUAGES[code]
        return {"family": lang.family, "script": lang.script, "resource": f"{lang.resource} resource"}
    known = load_languages().get(code)
    if known is None:
        return {"family": "unknown", "script": "unknown", "resource": "unknown"}
    return {"family": known.group("family"), "script": known.group("script"),
            "resource": f"class {known.group('resource_class')}"}


def effects_by_group(per_language: list[dict], profile) -> dict[str, list[dict]]:
    """Per grouping (family, script, resource class): each group's mean effect over its languages, in
    points, and the languages' own effects (a language's effect: its mean over the targets). Pairs of
    the generalized setting are not grouped (empty result)."""
    by_language: dict[str, list[float]] = {}
    for row in per_language:
        if "|" in row["language"] or not finite(row.get("effect")):
            continue
        by_language.setdefault(row["language"], []).append(row["effect"])
    effects = {lang: statistics.fmean(values) for lang, values in by_language.items()}
    if not effects:
        return {}
    meta = {lang: language_metadata(lang, profile) for lang in effects}
    out = {}
    for label, key in GROUPINGS.items():
        members: dict[str, list[str]] = {}
        for lang in sorted(effects):
            members.setdefault(meta[lang][key], []).append(lang)
        names = sorted(g for g in members if g != "unknown") + (["unknown"] if "unknown" in members else [])
        out[label] = [{"group": name, "mean": statistics.fmean(effects[lang] for lang in members[name]),
                       "languages": {lang: effects[lang] for lang in members[name]}} for name in names]
    return out


def attack_scores(reading_plan, reading: dict, runs: dict[str, dict], metric_of: dict[str, str]) -> dict:
    """Clean and attacked scores (points, mean over seeds) per target, arm and language of an attack
    reading, from the stored runs: ``{target: {arm: {language: (clean, attacked)}}}``. A selection arm
    reads the candidate verify chose for the target; languages left unattacked are left out."""
    averaging = reading_plan.averaging
    attacked_scores = reading_plan.attack.model_copy(update={"measure": "attacked"})  # the score, not the change
    out: dict[str, dict] = {}
    for arm_name, arm in reading_plan.arms.items():
        per_target = arm.runs
        if arm.candidates and reading.get("selection"):
            per_target = {t: arm.candidates[choice["chosen"]][t] for t, choice in reading["selection"].items()
                          if choice.get("chosen") in arm.candidates}
        for target, target_runs in per_target.items():
            cells: dict[str, list[tuple[float, float]]] = {}
            for run in target_runs:
                metrics = (runs.get(run.key) or {}).get("metrics") or {}
                if attacked_scores.name not in (metrics.get("attacked") or {}):
                    continue  # a failed or missing run: verify says why
                clean = language_scores(metrics, metric_of[target], "zero_shot", averaging)
                attacked = language_scores(metrics, metric_of[target], "zero_shot", averaging, attack=attacked_scores)
                for lang, score in attacked.items():
                    if finite(score) and finite(clean.get(lang)):
                        cells.setdefault(lang, []).append((clean[lang], score))
            if cells:
                out.setdefault(target, {})[arm_name] = {
                    lang: (statistics.fmean(c for c, _ in pairs), statistics.fmean(a for _, a in pairs))
                    for lang, pairs in sorted(cells.items())}
    return out
