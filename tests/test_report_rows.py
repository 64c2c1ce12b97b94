"""What the report shows, as data: forest rows, the research questions' sentences, effects by language
group and the clean/attacked scores of an attack reading. Golden values are worked out by hand."""

from types import SimpleNamespace

import pytest

from repro import plan as planner
from repro.profiles import get_profile
from repro.report import rows
from repro.verify import ClaimResult

SMOKE = SimpleNamespace(name="smoke", comparable=False, task_source="embedded")
FULL = SimpleNamespace(name="full", comparable=True, task_source="hub")


def _effect(mean, low, high):
    return {"mean": mean, "sd": 1.0, "stderr": 0.5, "ci_low": low, "ci_high": high, "per_seed": [mean]}


def _reading(name, effect, verdict="inconclusive", measured="inconclusive", **extra):
    return {"name": name, "description": name, "setting": "zero_shot", "split": "test", "attack": None,
            "skipped_targets": {}, "verdict": verdict, "reason": "", "effect": effect, "arms": {}, "per_language": [],
            "failures": [], "selection": {}, "measured_verdict": measured, **extra}


def _question(targets=("xnli", "copa"), readings=()):
    return SimpleNamespace(
        id="rq-x", kind="hypothesis", seed_document="000.txt", question="Does it help?", setting="zero_shot",
        targets=[SimpleNamespace(task=t, metric="accuracy") for t in targets],
        treatment=SimpleNamespace(label="multilingual MNLI"), baseline=SimpleNamespace(label="English MNLI"),
        source=SimpleNamespace(arxiv="2104.08645"), reading_list=lambda: list(readings))


def _result(readings, expected="treatment_better", margin=None, comparable=False, kind="hypothesis", **extra):
    fields = {"reported": None, "tolerance": None, **extra}
    return ClaimResult(id="rq-x", kind=kind, profile="smoke", comparable=comparable,
                       verdict="not comparable" if not comparable else readings[0]["verdict"], reason="r",
                       expected=expected, margin=margin, seeds=[0, 1, 2], effect=readings[0]["effect"],
                       measured_verdict=readings[0]["measured_verdict"], readings=readings, **fields)


def test_answer_sentence_says_profile_numbers_and_no_more_than_the_interval():
    result = _result([_reading("as-written", _effect(0.4, -1.2, 2.0))])
    assert rows.answer_sentence(result, _question(), SMOKE) == (
        "On the smoke profile (a scale analog), multilingual MNLI instead of English MNLI changed the average over "
        "its 2 target tasks by +0.4 points [\u22121.2, +2.0]: no clear difference (the 95% interval contains 0).")
    higher = _result([_reading("as-written", _effect(1.5, 0.25, 2.75))])
    assert rows.answer_sentence(higher, _question(("tydiqa",)), FULL) == (
        "On the full profile, multilingual MNLI instead of English MNLI changed the TyDiQA-GoldP accuracy by +1.5 "
        "points [+0.2, +2.8]: higher with the treatment (the 95% interval excludes 0).")
    lower = _result([_reading("as-written", _effect(-3.0, -4.0, -2.0))])
    assert "lower with the treatment (the 95% interval excludes 0)" in rows.answer_sentence(lower, _question(), FULL)


def test_a_reading_that_replaces_the_treatment_is_named_by_its_own_label():
    medical = SimpleNamespace(name="medical", treatment=SimpleNamespace(label="medical (MedQA)"))
    legal = SimpleNamespace(name="legal", treatment=None)
    spec = _question(readings=(legal, medical))
    result = _result([_reading("legal", _effect(0.4, -1.2, 2.0)), _reading("medical", _effect(0.7, -2.2, 3.6))])
    assert "multilingual MNLI instead of English MNLI" in rows.answer_sentence(result, spec, SMOKE)
    sentence = rows.answer_sentence(result, spec, SMOKE, result.readings[1])
    assert "medical (MedQA) instead of English MNLI changed" in sentence and "+0.7 points" in sentence


def test_answer_sentence_for_equivalence_one_seed_and_nothing_measured():
    same = _result([_reading("as-written", _effect(0.1, -0.5, 0.7), measured="supported")], expected="no_difference",
                   margin=1.0)
    assert rows.answer_sentence(same, _question(), SMOKE).endswith(
        ": no difference larger than ±1 points (the 90% interval lies within that margin).")
    single = _result([_reading("as-written", _effect(0.1, None, None))])
    assert rows.answer_sentence(single, _question(), SMOKE).endswith(
        "by +0.1 points: one seed only, so no interval and no conclusion.")
    failed = _result([_reading("as-written", None, verdict="error", measured=None, reason="2 run(s) failed: boom")])
    assert rows.answer_sentence(failed, _question(), SMOKE) == (
        "On the smoke profile (a scale analog), this question was not answered: 2 run(s) failed: boom.")


def test_attack_reading_sentence_names_the_attack_and_the_change():
    reading = _reading("character-noise", _effect(2.0, 1.0, 3.0), attack={"kind": "character_noise", "rate": 0.2,
                                                                           "measure": "change"})
    sentence = rows.answer_sentence(_result([reading]), _question(("xnli",)), SMOKE)
    assert ("changed the character-noise attack's effect on the XNLI (train: MNLI) accuracy "
            "(attacked \u2212 clean) by +2.0 points [+1.0, +3.0]") in sentence


def test_question_answers_list_every_reading_after_the_first_measured_one():
    readings = [_reading("a", None, verdict="not run", measured=None), _reading("b", _effect(1.0, -1.0, 3.0)),
                _reading("c", _effect(-1.0, -2.0, -0.5))]
    spec = _question()
    answers = rows.question_answers([_result(readings)], {"rq-x": spec}, SMOKE)
    assert [a["id"] for a in answers] == ["rq-x"]
    assert answers[0]["answer"] == "+1.0 [-1.0, +3.0]"
    assert [r["name"] for r in answers[0]["readings"]] == ["c"]


def test_forest_groups_by_paper_with_questions_last_and_readings_indented():
    claim_spec = SimpleNamespace(id="c1", kind="claim", source=SimpleNamespace(arxiv="2005.13013"))
    question = _question()
    claim = ClaimResult(id="c1", kind="claim", profile="full", comparable=True, verdict="weaker", reason="",
                        reported=5.0, tolerance=1.0, effect=_effect(2.0, 1.0, 3.0), measured_verdict="weaker",
                        readings=[_reading("dev", _effect(2.0, 1.0, 3.0), verdict="weaker", measured="weaker"),
                                  _reading("test", None, verdict="not run", measured=None)])
    groups = rows.forest_groups([_result([_reading("as-written", _effect(0.4, -1.0, 1.0))]), claim],
                                {"rq-x": question, "c1": claim_spec},
                                {"2005.13013": {"title": "English Intermediate-Task Training"}})
    assert [g.key for g in groups] == ["2005.13013", rows.RESEARCH_QUESTIONS]
    assert groups[0].title == "arXiv:2005.13013: English Intermediate-Task Training"
    header, dev, test = groups[0].rows
    assert header.header and not header.indent and header.mean is None and header.reported == 5.0
    assert (dev.indent, dev.reading, dev.mean, dev.low, dev.high, dev.colour) == (True, "dev", 2.0, 1.0, 3.0, "weaker")
    assert test.colour == "not run" and test.mean is None
    # a scale analog colours by the rule's answer to the measurement and says so
    (row,) = groups[1].rows
    assert (row.colour, row.note, row.expected) == ("inconclusive", "measured: inconclusive", "treatment_better")


def test_effects_by_group_average_languages_then_groups():
    # embedded typology: en and vel Westic/Latin/high, thl Southic/Greek/low. en's effect is the mean of its two
    # targets, (1 + 3) / 2 = 2; Westic = (2 + 4) / 2 = 3; pairs are left out
    per_language = [{"target": t, "language": lang, "effect": e} for t, lang, e in (
        ("a", "en", 1.0), ("b", "en", 3.0), ("a", "vel", 4.0), ("a", "thl", -2.0), ("a", "en|vel", 100.0))]
    groups = rows.effects_by_group(per_language, SMOKE)
    assert [(g["group"], g["mean"]) for g in groups["family"]] == [("Southic", -2.0), ("Westic", 3.0)]
    assert [(g["group"], g["mean"]) for g in groups["script"]] == [("Greek", -2.0), ("Latin", 3.0)]
    assert [(g["group"], g["mean"]) for g in groups["resource class"]] == [("high resource", 3.0),
                                                                           ("low resource", -2.0)]
    assert groups["family"][1]["languages"] == {"en": 2.0, "vel": 4.0}


def test_effects_by_group_reads_the_language_file_on_a_real_profile():
    # repro/data/languages.yaml: sw Atlantic-Congo, Latn, Joshi class 2; de Indo-European, Latn, class 5
    groups = rows.effects_by_group([{"target": "x", "language": "sw", "effect": 1.0},
                                    {"target": "x", "language": "de", "effect": 3.0},
                                    {"target": "x", "language": "zz", "effect": 5.0}], FULL)
    assert [(g["group"], g["mean"]) for g in groups["script"]] == [("Latn", 2.0), ("unknown", 5.0)]
    assert [g["group"] for g in groups["resource class"]] == ["class 2", "class 5", "unknown"]


def test_attack_scores_are_means_over_seeds_of_clean_and_attacked_points(committed_specs):
    spec = next(s for s in committed_specs if s.id == "rq-adversarial-robustness-multilingual-intermediate-xnli-copa")
    plan, _ = planner.plan_claim(spec, get_profile("micro"), seeds=2)
    reading_plan = plan.readings[0]
    name = reading_plan.attack.name
    runs = {}
    for arm in reading_plan.arms.values():
        for target_runs in arm.runs.values():
            for i, run in enumerate(target_runs):
                # seed 0: clean 0.8, attacked 0.5; seed 1: clean 0.6, attacked 0.4 -> means 70 and 45 points
                clean, attacked = (0.8, 0.5) if i == 0 else (0.6, 0.4)
                runs[run.key] = {"status": "ok", "metrics": {
                    "per_language": {"en": {"accuracy": clean}, "thl": {"accuracy": clean}},
                    "attacked": {name: {"per_language": {"thl": {"accuracy": attacked}}}}}}
    scores = rows.attack_scores(reading_plan, {"selection": {}}, runs, {t.task: t.metric for t in spec.targets})
    assert set(scores) == {"xnli", "copa"}
    assert set(scores["xnli"]) == set(reading_plan.arms)
    # only the attacked language is shown: English was not attacked
    assert scores["xnli"]["baseline"] == {"thl": pytest.approx((70.0, 45.0))}
    # a score stored as null (NaN when measured) is left out of the mean instead of breaking the report
    for run in reading_plan.arms["baseline"].runs["xnli"][1:]:
        runs[run.key]["metrics"]["attacked"][name]["per_language"]["thl"]["accuracy"] = None
    scores = rows.attack_scores(reading_plan, {"selection": {}}, runs, {t.task: t.metric for t in spec.targets})
    assert scores["xnli"]["baseline"] == {"thl": pytest.approx((80.0, 50.0))}
