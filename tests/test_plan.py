"""Planner: claims -> RunSpecs, deduplicated by a content hash of what changes the numbers."""

import dataclasses

from repro import plan as planner
from repro.profiles import get_profile
from repro.spec import load_specs

SMOKE = get_profile("smoke")


def _spec(spec_id):
    return next(s for s in load_specs() if s.id == spec_id)


def test_runs_shared_by_readings_and_specs_are_planned_once():
    claim, hypothesis = _spec("robust-xlt-pawsx"), _spec("robust-xlt-pawsx-generalized-improves")
    plans, runs = planner.plan_all([claim, hypothesis], SMOKE, seeds=2)
    # six readings (two settings x three methods) train 2 seeds x (baseline, RS-DA, AT, RS-RP, control);
    # the settings share their runs, and the hypothesis reads the RS-DA ones
    assert len(runs) == 10
    zero_shot, generalized = plans[0].readings[0], plans[0].readings[1]
    assert {r.key for r in zero_shot.all_runs()} == {r.key for r in generalized.all_runs()}
    assert {r.key for r in plans[1].all_runs()} <= {r.key for r in plans[0].all_runs()}


def test_hash_changes_with_what_changes_numbers_and_only_that():
    _, runs = planner.plan_claim(_spec("robust-xlt-pawsx"), SMOKE, seeds=1)
    run = runs[0]
    assert run.key == dataclasses.replace(run).key  # pure data: equal content, equal key
    changed = [
        dataclasses.replace(run, seed=1),
        dataclasses.replace(run, task_revision="other-data"),
        dataclasses.replace(run, hyperparameters=tuple((k, 99 if k == "max_length" else v)
                                                       for k, v in run.hyperparameters)),
        dataclasses.replace(run, model=dataclasses.replace(run.model, revision="other-tokenizer")),
        dataclasses.replace(run, code_version="other-code"),
    ]
    assert len({run.key} | {c.key for c in changed}) == 1 + len(changed)


def test_seeds_pair_arms_and_treatment_carries_its_objective():
    plan, _ = planner.plan_claim(_spec("robust-xlt-xnli"), SMOKE, seeds=3)
    assert plan.seeds == [0, 1, 2]
    treatment = plan.arms["treatment"].runs["xnli"]
    assert [r.seed for r in treatment] == [0, 1, 2]
    objective = treatment[0].objective_config
    assert objective["name"] == "data_augmentation" and objective["synonyms"] == "embedded"
    control = plan.arms["control"].runs["xnli"][0]
    assert control.model.name == "tiny-xlmr-nopretrain" and control.objective_config["name"] == "plain"


def test_intermediate_runs_come_first_and_targets_point_to_them():
    plans, runs = planner.plan_all([_spec("x-stilts-squad-xtreme")], SMOKE, seeds=1)
    stages = [r.stage for r in runs]
    assert stages.index("finetune") > stages.index("intermediate")
    keys = {r.key for r in runs if r.stage == "intermediate"}
    treatment = plans[0].arms["treatment"].runs
    assert all(run.parent in keys for runs_ in treatment.values() for run in runs_)
    assert all(run.parent is None for runs_ in plans[0].arms["baseline"].runs.values() for run in runs_)
    # retrieval targets score the encoder directly, with no training of their own
    assert treatment["tatoeba"][0].stage == "encode"


def test_targets_the_profile_cannot_run_are_named_not_hidden(monkeypatch):
    # a target task whose hub source is gone: the full profile names it and plans the other targets
    from repro import catalog

    monkeypatch.setitem(catalog.TASKS, "copa", dataclasses.replace(catalog.TASKS["copa"], hub=None,
                                                                   hub_missing="no public copy (test)"))
    spec = _spec("rq-multilingual-vs-english-intermediate-xtreme-r")
    plan, runs = planner.plan_claim(spec, get_profile("full"), seeds=1)
    assert plan.skipped_targets == {"copa": "needs XCOPA (train: COPA) (no public copy (test))"}
    assert "copa" not in plan.runnable_targets and "xnli" in plan.runnable_targets and runs


def test_a_multi_task_set_leaves_out_what_no_source_serves_and_names_it():
    plan, runs = planner.plan_claim(_spec("x-stilts-multitask-xtreme"), get_profile("full"), seeds=1)
    assert plan.not_run is None and "ccg" in plan.readings[0].left_out and "LDC" in plan.readings[0].left_out["ccg"]
    inter = next(r for r in runs if r.stage == "intermediate")
    assert "ccg" not in inter.task.split("+") and {"anli", "snli", "mnli", "swag", "sst2"} <= set(inter.task.split("+"))


def test_a_selection_plans_every_servable_candidate_and_names_the_others():
    plan, _ = planner.plan_claim(_spec("x-stilts-best-per-target-xtreme"), SMOKE, seeds=1)
    arm = plan.arms["treatment"]
    assert len(arm.candidates) == 8 and "SST-2" not in arm.candidates and not arm.runs
    assert "candidate SST-2" in plan.readings[0].left_out


def test_training_languages_come_from_a_named_source_or_stop_the_spec():
    spec = _spec("x-stilts-translated-intermediate-xtreme")
    plan, runs = planner.plan_claim(spec, get_profile("full"), seeds=1)
    inter = next(r for r in runs if r.stage == "intermediate" and len(r.languages) > 1)
    assert inter.languages == ("en", "ar", "de", "es", "hi", "vi", "zh") and "facebook/mlqa" in inter.task_revision
    baseline = spec.baseline.model_copy(update={"intermediate": spec.baseline.intermediate.model_copy(
        update={"languages": ["en", "el"]})})
    plan, runs = planner.plan_claim(spec.model_copy(update={"baseline": baseline}), get_profile("full"), seeds=1)
    assert runs == [] and plan.not_run.startswith("needs SQuAD v1.1 training data in el")


def test_low_resource_languages_are_chosen_by_the_specs_rule():
    plan, runs = planner.plan_claim(_spec("rq-low-resource-diversity-intermediate-xtreme-r"), get_profile("full"),
                                    seeds=1)
    languages = {r.languages for r in runs if r.stage == "intermediate"}
    high = ("en", "ar", "de", "es", "fr", "hi", "ru", "tr", "vi", "zh")
    assert languages == {high, high + ("sw", "ur", "th")}
    assert all(dict(r.sampling)["examples"] == 392702 for r in runs if r.stage == "intermediate")


def test_a_language_rule_without_high_or_low_takes_every_language_with_training_data():
    plan, runs = planner.plan_claim(_spec("rq-multilingual-vs-english-intermediate-xtreme-r"), get_profile("full"),
                                    seeds=1)
    languages = {r.languages for r in runs if r.stage == "intermediate"}
    # English MNLI, and MNLI with XNLI's 14 translate-train languages
    assert languages == {("en",), ("en", "ar", "bg", "de", "el", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur",
                                   "vi", "zh")}


def test_arms_that_resolve_to_the_same_runs_are_not_run_with_the_reason():
    spec = _spec("rq-multilingual-vs-english-intermediate-xtreme-r")
    same = spec.model_copy(update={"treatment": spec.baseline.model_copy(update={"label": "also English"})})
    plan, runs = planner.plan_claim(same, get_profile("full"), seeds=1)
    assert runs == [] and plan.not_run == "its baseline and treatment resolve to the same runs on this profile"
    # no committed spec compares a run with itself on any profile (a null effect by construction)
    from repro.profiles import PROFILES

    for profile in PROFILES.values():
        plans, _ = planner.plan_all(load_specs(), profile)
        assert not [(p.spec.id, r.name) for p in plans for r in p.readings
                    if r.not_run and "resolve to the same runs" in r.not_run], profile.name


def test_an_intermediate_task_without_a_source_stops_the_spec_at_plan_time():
    spec = _spec("x-stilts-squad-xtreme")
    treatment = spec.treatment.model_copy(update={"intermediate": spec.treatment.intermediate.model_copy(
        update={"tasks": ["sst2"]})})
    plan, runs = planner.plan_claim(spec.model_copy(update={"treatment": treatment}), SMOKE, seeds=1)
    assert runs == [] and "SST-2" in plan.not_run and "smoke" in plan.not_run


def test_every_spec_plans_on_every_profile_without_raising():
    from repro.profiles import PROFILES

    specs = load_specs()
    for profile in PROFILES.values():
        plans, runs = planner.plan_all(specs, profile)
        assert len(plans) == sum(s.kind != "background" for s in specs), profile.name
        for plan in plans:
            assert plan.not_run or plan.all_runs(), (profile.name, plan.spec.id)


def test_token_classification_targets_run_on_the_embedded_and_hub_profiles():
    for profile in (SMOKE, get_profile("micro"), get_profile("full")):
        plan, _ = planner.plan_claim(_spec("x-stilts-squad-xtreme"), profile, seeds=1)
        assert plan.skipped_targets == {} and plan.not_run is None, profile.name
        assert {"panx", "udpos"} <= set(plan.runnable_targets)
    # the smoke profile fine-tunes its embedded analogs, named like the real tasks
    plan, _ = planner.plan_claim(_spec("x-stilts-squad-xtreme"), SMOKE, seeds=1)
    assert plan.arms["baseline"].runs["panx"][0].task == "panx"
    assert plan.arms["treatment"].runs["udpos"][0].stage == "finetune"


def test_attacked_readings_share_one_training_run_that_evaluates_every_attack():
    spec = _spec("rq-adversarial-robustness-multilingual-intermediate-xnli-copa")
    plan, runs = planner.plan_claim(spec, SMOKE, seeds=1)
    assert [r.name for r in plan.readings] == ["character-noise", "synonyms", "code-switching"]
    finetune = [r for r in runs if r.stage == "finetune"]
    attacks = {a["kind"] for a in finetune[0].hp["attacks"]}
    assert attacks == {"char_noise", "synonym", "code_switch"}
    assert {r.key for r in plan.readings[0].all_runs()} == {r.key for r in plan.readings[2].all_runs()}


def test_an_attack_no_test_language_can_take_skips_the_target_with_the_reason():
    plan, _ = planner.plan_claim(_spec("rq-adversarial-robustness-multilingual-intermediate-xnli-copa"),
                                 get_profile("full"), seeds=1)
    readings = {r.name: r for r in plan.readings}
    # the counter-fitted table is English only, and XCOPA has no English test set
    assert list(readings["synonyms"].skipped_targets) == ["copa"]
    assert "none has one" in readings["synonyms"].skipped_targets["copa"]
    # MUSE has dictionaries into English for some XCOPA languages (et, id, it, ...): copa stays
    assert readings["code-switching"].skipped_targets == {} and readings["character-noise"].skipped_targets == {}
    # the embedded benchmark has a table and a dictionary for every language
    plan, _ = planner.plan_claim(_spec("rq-adversarial-robustness-multilingual-intermediate-xnli-copa"), SMOKE,
                                 seeds=1)
    assert all(not r.skipped_targets for r in plan.readings)
