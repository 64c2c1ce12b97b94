"""Faults while training: a diverging loss, a device out of memory, a killed `repro run` whose pool
workers must not train on as orphans. Each is a real micro-profile run; the fault is planted."""

from __future__ import annotations

import dataclasses
import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from repro import plan as planner
from repro import profiles, runner
from repro.pipeline import run_claims
from repro.profiles import get_profile
from repro.spec import load_specs
from repro.store import Store
from repro.training.objectives import RecipeTrainer

REPO = Path(__file__).resolve().parents[1]
SPEC = "robust-xlt-pawsx-adversarial"  # 3 runs a seed on micro: baseline, adversarial, control


def _micro_run():
    spec = next(s for s in load_specs() if s.id == "robust-xlt-xnli")
    _, runs = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    return next(r for r in runs if r.objective_config["name"] == "plain" and r.model.name == "micro-xlmr")


def _nan_from_step(monkeypatch, step: int) -> None:
    """Every training loss from optimisation step ``step`` (1-based) on is NaN."""
    compute_loss = RecipeTrainer.compute_loss

    def poisoned(self, model, inputs, *args, **kwargs):
        loss = compute_loss(self, model, inputs, *args, **kwargs)
        if self.state.global_step + 1 >= step:
            return (loss[0] * float("nan"), *loss[1:]) if isinstance(loss, tuple) else loss * float("nan")
        return loss

    monkeypatch.setattr(RecipeTrainer, "compute_loss", poisoned)


def test_a_nan_loss_stops_the_run_at_its_step_and_stores_the_reason(tmp_path, monkeypatch):
    _nan_from_step(monkeypatch, 4)
    run = _micro_run()
    store = Store(tmp_path)
    result = runner.ensure(run, store, progress=False)
    assert result["status"] == "failed"
    # micro logs every step (6 steps, logging every max(1, 6 // 10)): the first NaN is at step 4
    last_line = result["error"].strip().splitlines()[-1]
    assert last_line.startswith("repro.training.guards.TrainingDiverged: training diverged: the training loss "
                                "was nan at step 4 (of 6)"), last_line
    assert store.get(run)["status"] == "failed"  # stored, with its reason, for the report


def test_a_diverged_run_makes_its_claim_an_error_with_the_reason(tmp_path, monkeypatch):
    _nan_from_step(monkeypatch, 2)
    # one process: the planted fault lives in this one (spawned workers would not have it)
    monkeypatch.setitem(profiles.PROFILES, "micro", dataclasses.replace(profiles.PROFILES["micro"], workers=1))
    outcome = run_claims("micro", seeds=1, select={SPEC}.__contains__, store_root=tmp_path / "store",
                         report_dir=tmp_path / "report", progress=False)
    (result,) = outcome.results
    assert result.verdict == "error"
    assert "training diverged: the training loss was nan at step 2" in result.reason
    assert outcome.trained == 0  # nothing trained successfully
    assert "training diverged" in (tmp_path / "report" / "index.html").read_text()


@pytest.mark.parametrize("error", [torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB"),
                                   RuntimeError("CUDA error: out of memory")])
def test_out_of_memory_names_the_per_device_batch_and_accumulation_to_change(tmp_path, monkeypatch, error):
    from transformers import XLMRobertaForSequenceClassification  # the micro encoder's pair classifier

    @functools.wraps(XLMRobertaForSequenceClassification.forward)  # the Trainer reads its signature
    def forward(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(XLMRobertaForSequenceClassification, "forward", forward)
    result = runner.ensure(_micro_run(), Store(tmp_path), progress=False)
    assert result["status"] == "failed"
    last_line = result["error"].strip().splitlines()[-1]
    # micro: effective batch 8 on one process, at most 32 a device step: 8 x 1 accumulation step
    assert "DeviceOutOfMemory: out of memory while training with a per-device batch of 8 and 1 gradient " \
           "accumulation step(s) on 1 process(es) (effective batch 8): set XLT_REPRO_MAX_DEVICE_BATCH=4" in last_line
    assert str(error) in result["error"]  # the original error stays in the traceback


# --- a killed `repro run` and its workers ------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited


def _is_pool_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_killing_repro_run_ends_its_pool_workers(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    main = subprocess.Popen(
        [sys.executable, "-m", "repro.cli", "run", "--profile", "micro", "--only", SPEC, "--seeds", "3",
         "--store", str(tmp_path / "store"), "--report", str(tmp_path / "report"), "--quiet"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.time() + 240
    try:
        while time.time() < deadline and main.poll() is None:
            workers = [pid for pid in _children(main.pid) if _is_pool_worker(pid)]
            if len(workers) >= 2 and any((tmp_path / "store").rglob("checkpoints")):
                break  # both workers exist and training has started
            time.sleep(0.1)
        assert main.poll() is None and len(workers) >= 2, "the run ended before its workers could be seen"
        os.kill(main.pid, signal.SIGKILL)
        main.wait()
        deadline = time.time() + 5
        while time.time() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        orphans = [pid for pid in workers if _alive(pid)]
        assert not orphans, f"workers {orphans} outlived the killed main process"
    finally:
        for pid in [main.pid, *workers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_training_arguments_let_a_nan_through_and_bound_waiting_on_other_ranks(tmp_path):
    from repro.launch import DDP_TIMEOUT_SECONDS
    from repro.training.arguments import training_arguments

    args = training_arguments({"batch_size": 8, "learning_rate": 1e-3, "max_steps": 6}, tmp_path, 0, n_train=64,
                              progress=False)
    # the Trainer's filter would replace a NaN step loss by the mean of the earlier ones
    assert args.logging_nan_inf_filter is False
    # a rank that failed leaves the others in a collective: they give up after this long (10 minutes)
    assert args.ddp_timeout == DDP_TIMEOUT_SECONDS == 600
