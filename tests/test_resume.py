"""A run killed half-way resumes from its last checkpoint and ends with the metrics of a run that
was never interrupted (a real training process, killed with SIGKILL)."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

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
