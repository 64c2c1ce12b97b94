"""Which figures the report shows, each with its alt text and a caption that says what is compared and
on which profile: the forest plots, per spec its per-target small multiples (or the generalized
setting's pair matrices), per attack reading the clean and attacked scores, and per research
question its effects grouped by language family, script and resource class."""

from __future__ import annotations

from dataclasses import dataclass

from repro.report import figures
from repro.report.rows import (
    RESEARCH_QUESTIONS,
    attack_scores,
    effects_by_group,
    forest_groups,
    is_research_question,
    paper_of,
)


@dataclass
class Figure:
    id: str  # the anchor of the <figure>
    png: str  # base64
    alt: str
    caption: str


def profile_phrase(profile) -> str:
    analog = "" if profile.comparable else " (a scale analog: not evidence about the papers)"
    return f"{profile.name} profile{analog}"


def forest_figure(results: list, specs_by_id: dict, sources: dict, profile, *, controls: bool) -> Figure | None:
    """The forest plot of the claims and hypotheses, or (``controls``) of the controls."""
    chosen = [r for r in results if (specs_by_id[r.id].kind == "control") == controls]
    if not chosen:
        return None
    groups = forest_groups(chosen, specs_by_id, sources)
    # a control's verdict counts on every profile; the claims' only where the profile is comparable
    measured = not all(r.asserted for r in chosen)
    what = "controls" if controls else "claims and hypotheses"
    colour = "the measured verdict (not comparable)" if measured else "the verdict"
    title = f"{what.capitalize()}, {profile.name} profile: colour = {colour}"
    image = figures.forest(groups, title=title, measured=measured)
    if image is None:
        return None
    rows = sum(len(g.rows) for g in groups)
    caption = (f"Forest plot of the {what} on the {profile_phrase(profile)}: one row per spec, and one indented "
               f"row per reading where a spec is read several ways ({rows} rows, grouped by "
               f"{'control' if controls else 'paper; the research questions apart'}). Grey band and diamond: the "
               "reported value and its tolerance; arrow or hatched band: the expected direction (or equivalence "
               "margin) of a hypothesis; dot and line: the measured effect, treatment \u2212 baseline in points, "
               f"with its 95% interval (a hollow dot: one seed, no interval). Colour: {colour}.")
    alt = (f"Forest plot of {rows} rows: measured effects with 95% intervals against reported values or expected "
           f"directions, {profile.name} profile")
    return Figure("forest-controls" if controls else "forest", image, alt, caption)


def _arm_labels(reading: dict, result) -> dict[str, str]:
    arms = reading.get("arms") or result.arms or {}
    return {name: arm.get("label", name) for name, arm in arms.items()}


def _seeds(result) -> str:
    count = len(result.seeds)
    return f"mean over {count} seed{'s' if count != 1 else ''}"


def _metric_of(spec) -> dict[str, str]:
    return {t.task: t.metric for t in spec.targets}


def reading_figures(result, spec, reading: dict, reading_plan, runs: dict, profile, *, primary: bool) -> list[Figure]:
    """The figures of one reading: pair matrices (generalized), clean vs attacked scores (an attack),
    or, for the primary reading only, per-target small multiples."""
    rows = reading.get("per_language") or []
    if not rows:
        return []
    labels = _arm_labels(reading, result)
    name = reading["name"]
    where = f"{result.id}, reading {name}" if len(result.readings) > 1 else result.id
    anchor = f"fig-{result.id}-{name}"
    out = []
    if reading.get("setting") == "generalized":
        image = figures.pair_heatmaps(rows, labels)
        if image:
            out.append(Figure(f"{anchor}-pairs", image,
                              f"Heatmaps of scores per language pair for {labels.get('baseline')}, "
                              f"{labels.get('treatment')} and their difference ({where})",
                              f"{where}: the generalized setting's language-pair matrix (row: the language of "
                              "sentence 1, column: of sentence 2), score in points, for "
                              f"{labels.get('baseline')} (baseline), {labels.get('treatment')} (treatment) and "
                              f"their difference, treatment \u2212 baseline; {_seeds(result)}, "
                              f"{profile_phrase(profile)}."))
    elif reading.get("attack") and reading_plan is not None:
        scores = attack_scores(reading_plan, reading, runs, _metric_of(spec))
        image = figures.attack_panels(scores, labels)
        if image:
            attack = reading["attack"]
            compared = ("the line between them is the change the reading compares (attacked \u2212 clean)"
                        if attack.get("measure") == "change" else "the reading compares the attacked scores")
            out.append(Figure(f"{anchor}-attack", image,
                              f"Clean and attacked scores per language for each arm ({where})",
                              f"{where}: per target and language, each arm's clean score (circle) and its score "
                              f"under the {attack.get('kind', '').replace('_', ' ')} attack at rate "
                              f"{attack.get('rate')} (triangle), points; {compared}. "
                              f"{labels.get('baseline')} vs {labels.get('treatment')}; "
                              f"{_seeds(result)}, {profile_phrase(profile)}."))
    elif primary:
        image = figures.target_panels(rows, labels)
        if image:
            arms = ", ".join(labels.values())
            out.append(Figure(f"{anchor}-targets", image, f"Scores per language and effect per target task ({where})",
                              f"{where}: one panel per target task: the score of each arm ({arms}) per language "
                              "(top) and the effect, treatment \u2212 baseline, per language (bottom), in points; "
                              f"{_seeds(result)}, {profile_phrase(profile)}."))
    return out


def group_figure(result, reading: dict, profile) -> Figure | None:
    groups = effects_by_group(reading.get("per_language") or [], profile)
    image = figures.group_bars(groups)
    if image is None:
        return None
    where = f"{result.id}, reading {reading['name']}" if len(result.readings) > 1 else result.id
    source = ("the embedded benchmark's own typology" if profile.task_source == "embedded"
              else "repro/data/languages.yaml (resource class: Joshi et al. 2020)")
    measure = "change under attack" if reading.get("attack") else "effect"
    return Figure(f"fig-{result.id}-groups", image,
                  f"Mean {measure} by language family, script and resource class ({where})",
                  f"{where}: the {measure} (treatment \u2212 baseline, points) grouped by language family, script "
                  "and resource class; bar: the unweighted mean over the group's languages, dots: each language "
                  f"(its mean over the target tasks), n: languages in the group. Groups from {source}; "
                  f"{_seeds(result)}, {profile_phrase(profile)}. Groups of one or two languages say little.")


def claim_figures(result, spec, plan, runs: dict, profile) -> list[Figure]:
    """Every figure of a spec's section, primary reading first."""
    plans = {rp.name: rp for rp in plan.readings} if plan is not None else {}
    readings = result.readings or []
    primary = next((r for r in readings if r.get("effect")), None)
    out: list[Figure] = []
    for reading in readings:
        out += reading_figures(result, spec, reading, plans.get(reading["name"]), runs, profile,
                               primary=reading is primary)
    if primary is not None and is_research_question(spec):
        group = group_figure(result, primary, profile)
        if group:
            out.append(group)
    return out


def grouped_sections(claims: list[dict], sources_title) -> list[dict]:
    """The claim sections grouped as the forest plot groups them: per paper, then the research questions."""
    sections: dict[str, dict] = {}
    for claim in claims:
        key = paper_of(claim["spec"])
        sections.setdefault(key, {"key": key, "title": sources_title(key), "claims": [],
                                  "questions": key == RESEARCH_QUESTIONS})["claims"].append(claim)
    order = [k for k in sections if k != RESEARCH_QUESTIONS] + ([RESEARCH_QUESTIONS] if RESEARCH_QUESTIONS in sections
                                                                else [])
    return [sections[k] for k in order]
