"""The local DAG runner with real worker processes: targets start as soon as their intermediate
run is done (not in waves), every worker keeps to its own device, and the device list for --gpus."""

import os
import time
from dataclasses import dataclass

import pytest

from repro.parallel import run_dag, worker_devices


@dataclass(frozen=True)
class Run:
    key: str
    parent: str | None = None
    seconds: float = 0.0


def timed(run: Run) -> dict:
    """A stand-in for training: sleep, and say when, where and on which device."""
    start = time.time()
    time.sleep(run.seconds)
    return {"start": start, "end": time.time(), "device": os.environ.get("CUDA_VISIBLE_DEVICES"), "pid": os.getpid()}


@pytest.mark.slow
def test_a_target_starts_while_another_intermediate_still_trains():
    # I1 (short) -> T1; I2 (long) -> T2; 2 workers. In waves T1 would wait for I2; here it starts
    # when I1 ends, while I2 is still running.
    runs = [Run("I1", seconds=0.1), Run("I2", seconds=3.0), Run("T1", "I1", 0.1), Run("T2", "I2", 0.1)]
    got = dict((run.key, result) for run, result in run_dag(runs, timed, workers=2))
    assert got["T1"]["start"] >= got["I1"]["end"]
    assert got["T2"]["start"] >= got["I2"]["end"]
    assert got["T1"]["end"] < got["I2"]["end"]


def test_each_worker_keeps_to_one_device_and_both_devices_work():
    runs = [Run(f"r{i}", seconds=0.3) for i in range(6)]
    got = [result for _, result in run_dag(runs, timed, workers=2, devices=["gpu-a", "gpu-b"])]
    assert {r["device"] for r in got} == {"gpu-a", "gpu-b"}
    by_pid = {}
    for result in got:
        by_pid.setdefault(result["pid"], set()).add(result["device"])
    assert all(len(devices) == 1 for devices in by_pid.values())


def test_unpinned_workers_leave_the_device_setting_alone(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "7")
    (_, result), = run_dag([Run("a")], timed, workers=2)
    assert result["device"] == "7"


def test_one_device_per_worker_is_checked():
    with pytest.raises(ValueError, match="one device per worker"):
        list(run_dag([Run("a")], timed, workers=2, devices=["0"]))


def test_worker_devices_for_gpus_option():
    visible = ["0", "1", "2", "3"]
    assert worker_devices(None, visible=visible) == visible  # default: every visible GPU
    assert worker_devices(2, visible=visible) == ["0", "1"]
    assert worker_devices(2, runs_per_gpu=2, visible=visible) == ["0", "1", "0", "1"]
    assert worker_devices(None, visible=[]) == []  # no GPU: the caller keeps the profile's CPU workers
    assert worker_devices(3, visible=[]) == []
    with pytest.raises(ValueError, match="shows 4 GPU"):
        worker_devices(5, visible=visible)


def _fake_run_all(calls):
    def run_all(runs, store, *, progress, workers, devices):
        calls.append({"workers": workers, "devices": list(devices),
                      "minutes": os.environ.get("XLT_REPRO_CHECKPOINT_MINUTES")})
        return {}
    return run_all


def test_train_uses_every_visible_gpu_by_default_and_the_profile_workers_on_a_cpu(monkeypatch, tmp_path):
    from repro import parallel, pipeline, runner
    from repro.profiles import get_profile
    from repro.store import Store

    calls = []
    monkeypatch.setattr(runner, "run_all", _fake_run_all(calls))
    monkeypatch.delenv("XLT_REPRO_CHECKPOINT_MINUTES", raising=False)
    session = pipeline.Session(get_profile("micro"), [], [], [], [], Store(tmp_path))
    monkeypatch.setattr(parallel, "visible_gpus", lambda: ["0", "1", "2"])
    pipeline.train(session, progress=False)
    pipeline.train(session, progress=False, gpus=2, runs_per_gpu=2, checkpoint_minutes=5)
    monkeypatch.setattr(parallel, "visible_gpus", lambda: [])
    pipeline.train(session, progress=False)
    pipeline.train(session, progress=False, gpus=3)
    assert calls == [
        {"workers": 3, "devices": ["0", "1", "2"], "minutes": "30.0"},  # the profile's interval
        {"workers": 4, "devices": ["0", "1", "0", "1"], "minutes": "5"},
        {"workers": get_profile("micro").workers, "devices": [], "minutes": "30.0"},  # a CPU: the profile's
        {"workers": 3, "devices": [], "minutes": "30.0"},
    ]
    assert "XLT_REPRO_CHECKPOINT_MINUTES" not in os.environ  # restored after training


def test_run_all_sends_even_a_single_run_to_a_pinned_worker(monkeypatch, tmp_path):
    from repro import runner
    from repro.runspec import ModelRef, RunSpec
    from repro.store import Store

    calls = []

    def fake_run_dag(todo, work, *, workers, devices):
        calls.append((len(todo), workers, list(devices)))
        yield from ((run, {"status": "ok"}) for run in todo)

    monkeypatch.setattr(runner, "run_dag", fake_run_dag)
    run = RunSpec(stage="finetune", model=ModelRef("hub", "m", "r"), task="t", task_source="hub", task_revision="r",
                  seed=0, data_seed=0)
    # one run on an 8-GPU machine: in this process the Trainer would see all 8 and split batches
    results = runner.run_all([run], Store(tmp_path), progress=False, workers=1, devices=["3"])
    assert results == {run.key: {"status": "ok"}}
    assert calls == [(1, 1, ["3"])]
