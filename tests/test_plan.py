"""Planner: claims -> RunSpecs, deduplicated by a content hash of what changes the numbers."""

import dataclasses

from repro import plan as planner
from repro.profiles import get_profile
from repro.spec import load_specs

SMOKE = get_profile("smoke")


def _spec(spec_id):
    return next(s for s in load_specs() if s.id == spec_id)


def test_baseline_shared_by_two_claims_is_planned_once():
    specs = [_spec("robust-xlt-pawsx-zero-shot"), _spec("robust-xlt-pawsx-generalized")]
    plans, runs = planner.plan_all(specs, SMOKE, seeds=2)
    # the two settings evaluate the same training runs: 2 seeds x (baseline, RS-DA, control)
    assert len(runs) == 6
    keys = [{r.key for r in p.all_runs()} for p in plans]
    assert keys[0] == keys[1]


def test_hash_changes_with_what_changes_numbers_and_only_that():
    _, runs = planner.plan_claim(_spec("robust-xlt-pawsx-zero-shot"), SMOKE, seeds=1)
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
    plan, _ = planner.plan_claim(_spec("robust-xlt-xnli-zero-shot"), SMOKE, seeds=3)
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


def test_targets_the_profile_cannot_run_are_named_not_hidden():
    without_panx = dataclasses.replace(SMOKE, task_map={k: v for k, v in SMOKE.task_map.items() if k != "panx"})
    plan, _ = planner.plan_claim(_spec("x-stilts-squad-xtreme"), without_panx, seeds=1)
    assert plan.skipped_targets == {"panx": "needs a smoke-profile version of panx"}
    assert "panx" not in plan.runnable_targets and "xnli" in plan.runnable_targets


def test_token_classification_targets_run_on_the_embedded_and_hub_profiles():
    for profile in (SMOKE, get_profile("micro"), get_profile("full")):
        plan, _ = planner.plan_claim(_spec("x-stilts-squad-xtreme"), profile, seeds=1)
        assert plan.skipped_targets == {} and plan.not_run is None, profile.name
        assert {"panx", "udpos"} <= set(plan.runnable_targets)
    # the smoke profile fine-tunes its embedded analogs, named like the real tasks
    plan, _ = planner.plan_claim(_spec("x-stilts-squad-xtreme"), SMOKE, seeds=1)
    assert plan.arms["baseline"].runs["panx"][0].task == "panx"
    assert plan.arms["treatment"].runs["udpos"][0].stage == "finetune"


def test_claims_needing_attacks_are_not_run_with_the_reason():
    attacked = next(s for s in load_specs() if getattr(s, "attack", None) is not None)
    plan, runs = planner.plan_claim(attacked, SMOKE)
    assert runs == [] and plan.not_run.startswith("needs attacks")
