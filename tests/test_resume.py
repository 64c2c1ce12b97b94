"""A run killed half-way resumes from its last checkpoint and ends with the metrics of a run that
was never interrupted (a real training process, killed with SIGKILL): killed while it trains, while
it writes a checkpoint, while it evaluates after training, and while the store writes its result."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from repro import plan as planner
from repro import runner
from repro.profiles import get_profile
from repro.runspec import RunSpec
from repro.spec import load_specs
from repro.store import Store

CHILD = """
import json, sys
from repro import runner
from repro.runspec import RunSpec
from repro.store import Store
run = RunSpec.from_json(json.loads(sys.argv[1]))
runner.ensure(run, Store(sys.argv[2]), progress=False)
"""


def _run() -> RunSpec:
    spec = next(s for s in load_specs() if s.id == "robust-xlt-xnli")
    _, runs = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    run = next(r for r in runs if r.objective_config["name"] == "plain" and r.model.name == "micro-xlmr")
    hp = dict(run.hyperparameters, max_steps=400)  # checkpoints every 100 steps
    return dataclasses.replace(run, hyperparameters=tuple(sorted(hp.items())))


def test_runspec_json_round_trip_keeps_the_key():
    run = _run()
    assert RunSpec.from_json(json.loads(json.dumps(run.to_json()))).key == run.key


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_metrics(tmp_path):
    run = _run()
    reference = runner.ensure(run, Store(tmp_path / "reference"), progress=False)
    assert reference["status"] == "ok"
    # the model learned something, so equal metrics below are not two constant predictors
    assert len({v["accuracy"] for v in reference["metrics"]["per_language"].values()}) > 1

    store = Store(tmp_path / "interrupted")
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(run.to_json()), str(store.root)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    checkpoints = store.checkpoint_dir(run)
    while time.time() < deadline and child.poll() is None:
        if checkpoints.is_dir() and any((p / "trainer_state.json").exists() for p in checkpoints.glob("checkpoint-*")):
            break
        time.sleep(0.05)
    assert child.poll() is None, "the run ended before it could be interrupted"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert store.get(run) is None  # killed: no result, only checkpoints

    resumed = runner.ensure(run, store, progress=False)
    assert resumed["status"] == "ok"
    assert resumed["metrics"]["train"]["resumed_from"] is not None
    assert resumed["metrics"]["train"]["steps"] == reference["metrics"]["train"]["steps"] == 400
    assert resumed["metrics"]["per_language"] == reference["metrics"]["per_language"]
    assert resumed["metrics"]["dev"] == reference["metrics"]["dev"]


# A child that trains the run and stops at one point (writing a marker file, then sleeping) so that
# the test kills it there and not a moment earlier or later.
KILLED_CHILD = """
import json, os, pathlib, sys, time
from repro import runner
from repro.runspec import RunSpec
from repro.store import Store

point, marker = sys.argv[3], pathlib.Path(sys.argv[4])

def stop_here():
    marker.touch()
    time.sleep(600)

if point == "training":  # inside the optimisation step after step KILL_STEP
    from repro.training.objectives import RecipeTrainer
    step = RecipeTrainer.training_step
    def training_step(self, *args, **kwargs):
        if self.state.global_step == int(sys.argv[5]):
            stop_here()
        return step(self, *args, **kwargs)
    RecipeTrainer.training_step = training_step
elif point == "checkpoint":  # the weights of checkpoint 16 are written, its trainer state not yet
    from transformers import Trainer
    save_rng = Trainer._save_rng_state
    def save_rng_state(self, output_dir):
        if self.state.global_step == 2 * int(sys.argv[6]):
            stop_here()
        return save_rng(self, output_dir)
    Trainer._save_rng_state = save_rng_state
elif point == "evaluation":  # training has ended (its last checkpoint is written), scoring starts
    import repro.training.finetune as finetune
    kind_of = finetune.kind_of
    def killed_kind(task):
        return type("Killed", (kind_of(task),), {"evaluate": staticmethod(lambda *a, **k: stop_here())})
    finetune.kind_of = killed_kind
elif point == "store":  # result.json is written to its temporary file, not yet renamed into place
    replace = os.replace
    def slow_replace(src, dst, *args, **kwargs):
        if os.path.basename(dst) == "result.json":
            stop_here()
        return replace(src, dst, *args, **kwargs)
    os.replace = slow_replace
run = RunSpec.from_json(json.loads(sys.argv[1]))
runner.ensure(run, Store(sys.argv[2]), progress=False)
"""
SHORT_STEPS, SAVE_EVERY, KILL_STEP = 24, 8, 13
VOLATILE = {"seconds", "eval_seconds", "resumed_from"}


def _short_run() -> RunSpec:
    """The micro profile's run with 24 steps and a checkpoint every 8 (the profile's own 6-step runs
    checkpoint only at their last step: the evaluation and store cases below are theirs)."""
    run = _run()
    hp = dict(run.hyperparameters, max_steps=SHORT_STEPS, save_steps=SAVE_EVERY)
    return dataclasses.replace(run, hyperparameters=tuple(sorted(hp.items())))


def _stable(metrics):
    """Metrics without what differs between any two runs (timings, where a run resumed from)."""
    if isinstance(metrics, dict):
        return {k: _stable(v) for k, v in metrics.items() if k not in VOLATILE}
    return metrics


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    run = _short_run()
    result = runner.ensure(run, Store(tmp_path_factory.mktemp("uninterrupted")), progress=False)
    assert result["status"] == "ok"
    return result


@pytest.mark.slow
@pytest.mark.parametrize("point, resumed_at", [("training", SAVE_EVERY), ("checkpoint", SAVE_EVERY),
                                               ("evaluation", SHORT_STEPS), ("store", SHORT_STEPS)])
def test_killed_at_any_point_reruns_to_the_uninterrupted_result(tmp_path, uninterrupted, point, resumed_at):
    run = _short_run()
    store = Store(tmp_path / "store")
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, json.dumps(run.to_json()), str(store.root),
                              point, str(marker), str(KILL_STEP), str(SAVE_EVERY)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while not marker.exists() and child.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert marker.exists() and child.poll() is None, f"the child never reached {point} (exit {child.poll()})"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert store.get(run) is None  # killed before its result was in place: nothing complete is there

    rerun = runner.ensure(run, store, progress=False)
    assert rerun["status"] == "ok", rerun.get("error")
    train, reference = rerun["metrics"]["train"], uninterrupted["metrics"]["train"]
    assert train["resumed_from"].endswith(f"checkpoint-{resumed_at}")
    # the planned number of steps, not one more (resuming a finished checkpoint trained a 25th step),
    # and the loss over all of them (a resumed Trainer reports the mean over its own steps only)
    assert train["steps"] == reference["steps"] == SHORT_STEPS
    assert train["loss"] == reference["loss"]
    assert _stable(rerun["metrics"]) == _stable(uninterrupted["metrics"])
    assert store.get(run)["metrics"] == rerun["metrics"]
    assert not store.checkpoint_dir(run).exists()  # a complete result needs no checkpoints
