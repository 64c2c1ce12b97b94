"""The plan's cost model: steps, tokens, FLOPs and GPU-hours, on hand-built RunSpecs."""

import math

import pytest

from repro import catalog, cost
from repro import plan as planner
from repro.profiles import get_profile
from repro.runspec import ModelRef, RunSpec, as_items
from repro.spec import load_specs

XLMR = catalog.HUB_MODELS["xlm-roberta-large"]


def _run(stage="finetune", task="xnli", hp=None, objective=None, languages=("en",), sampling=None, seed=0):
    hp = {"batch_size": 32, "epochs": 2, "max_length": 256, **(hp or {})}
    return RunSpec(stage=stage, model=ModelRef("hub", XLMR.hub_id, XLMR.revision), task=task, task_source="hub",
                   task_revision=f"facebook/{task}@abc", seed=seed, data_seed=0, hyperparameters=as_items(hp),
                   objective=as_items(objective or {"name": "plain"}), languages=languages,
                   sampling=as_items(sampling or {}))


def test_training_flops_are_six_times_parameters_times_tokens():
    run = _run(hp={"select_on": "last"})
    costed = cost.run_cost(run)
    task = catalog.task("xnli")
    steps = math.ceil(2 * task.train_examples / 32)
    assert costed.steps == steps and costed.examples == task.train_examples
    assert costed.train_tokens == steps * 32 * task.mean_tokens
    # evaluation: 2 x parameters x every test language's tokens (15 XNLI languages)
    assert costed.eval_tokens == 15 * task.test_examples * task.mean_tokens
    assert costed.flops == pytest.approx(6 * XLMR.parameters * costed.train_tokens
                                         + 2 * XLMR.parameters * costed.eval_tokens)


def test_gpu_hours_divide_by_the_sustained_peak():
    assert cost.gpu_hours(989e12 * 0.5 * 3600, "H100", 0.5) == pytest.approx(1.0)
    assert cost.gpu_hours(312e12 * 3600, "A100", 1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown GPU kind"):
        cost.gpu_hours(1.0, "TPU")
    with pytest.raises(ValueError, match="sustained share"):
        cost.gpu_hours(1.0, "H100", 0)


def test_augmentation_adversarial_steps_and_size_matching_change_the_count():
    plain = cost.run_cost(_run(hp={"select_on": "last"}))
    copies = cost.run_cost(_run(hp={"select_on": "last"}, objective={"name": "data_augmentation", "copies": 3}))
    assert copies.examples == 3 * plain.examples
    adversarial = cost.run_cost(_run(hp={"select_on": "last"}, objective={"name": "adversarial", "steps": 3}))
    training = 6 * XLMR.parameters * plain.train_tokens
    assert adversarial.flops - plain.flops == pytest.approx(3 * training)  # K extra passes
    languages = ("en", "de", "fr")
    matched = cost.run_cost(_run("intermediate", "mnli", languages=languages, sampling={"examples": 1000}))
    assert matched.examples == 1000 and matched.steps == math.ceil(2 * 1000 / 32)
    unmatched = cost.run_cost(_run("intermediate", "mnli", languages=languages))
    assert unmatched.examples == 3 * catalog.task("mnli").train_examples


def test_summary_counts_each_run_once_beside_the_naive_count():
    specs = [s for s in load_specs() if s.id in ("x-stilts-squad-xtreme", "x-stilts-mnli-xtreme")]
    plans, runs = planner.plan_all(specs, get_profile("full"))
    summary = cost.summarize(plans, runs)
    # the two claims share their baseline runs: the naive count trains them twice
    assert summary["total"]["runs"] == len(runs) < summary["total"]["naive_runs"]
    assert summary["total"]["gpu_hours"] < summary["total"]["naive_gpu_hours"]
    assert sum(summary["total"]["by_stage"].values()) == len(runs)
    assert all(r["source"] != "" for r in summary["runs"])
