"""The multi-GPU path on the CPU: a real two-process data-parallel job (torchrun, gloo backend) with
gradient accumulation, through the runner and the trainer that `accelerate launch` uses on GPU
runners."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from repro import plan as planner
from repro.profiles import get_profile
from repro.runspec import as_items
from repro.spec import load_specs

pytestmark = pytest.mark.slow  # trains on the micro profile, builds an encoder or starts processes

HERE = Path(__file__).resolve().parent
ADVERSARIAL_CLAIM = "robust-xlt-pawsx-adversarial"


def _runs():
    """A multi-task intermediate run with continued MLM, a QA target that starts from it, and an
    adversarial fine-tuning run: the stages whose per-process code differs from a single process."""
    specs = {s.id: s for s in load_specs()}
    profile = get_profile("micro")
    _, mlm_runs = planner.plan_claim(specs["x-stilts-continued-mlm-xtreme"], profile, seeds=1)
    intermediate = next(r for r in mlm_runs if r.stage == "intermediate" and dict(r.sampling).get("continued_mlm"))
    qa = next(r for r in mlm_runs if r.parent == intermediate.key and r.task == "tydiqa")
    _, robust_runs = planner.plan_claim(specs[ADVERSARIAL_CLAIM], profile, seeds=1)
    adversarial = next(r for r in robust_runs if r.objective_config["name"] == "adversarial")
    return [intermediate, qa, adversarial]


def _odd_batch(run):
    """The run with a batch of 3, which two processes cannot share evenly (as X-STILTs' 4 on 8 GPUs)."""
    return dataclasses.replace(run, hyperparameters=as_items({**run.hp, "batch_size": 3}))


def _scores(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k in ("per_language", "dev", "generalized")}


def test_two_processes_train_each_run_together_and_rank0_writes(tmp_path):
    runs = _runs()
    odd = _odd_batch(runs[-1])
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"runs": [r.to_json() for r in [*runs, odd]], "claims": [ADVERSARIAL_CLAIM]}))
    # at most 2 examples per device step: the batch of 8 becomes 2 per step x 2 accumulated x 2
    # processes, the layout large batches take on GPU runners
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo", "XLT_REPRO_MAX_DEVICE_BATCH": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         str(HERE / "launched_job.py"), str(job), str(tmp_path / "store"), str(tmp_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=400)
    except subprocess.TimeoutExpired:  # a deadlocked job: end the launcher and both ranks
        import psutil

        for process in [*psutil.Process(proc.pid).children(recursive=True), psutil.Process(proc.pid)]:
            process.kill()  # the launcher starts its workers in sessions of their own
        output, _ = proc.communicate()
        raise AssertionError("the two-process job did not finish in 400 s:\n" + output[-3000:]) from None
    assert proc.returncode == 0, output[-4000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]

    # the processes split the data: no batch was trained on by both
    batches = [set(rank["batches"]) for rank in ranks]
    assert batches[0] and batches[1] and not batches[0] & batches[1]
    for run in runs:
        mine = [rank["results"][run.key] for rank in ranks]
        assert [m["status"] for m in mine] == ["ok", "ok"], [m.get("error", "")[-800:] for m in mine]
        train = mine[0]["metrics"]["train"]
        # the spec's effective batch, split over the two processes rather than doubled
        assert train["world_size"] == 2 and train["accumulation"] == 2
        assert train["per_device_batch"] * train["accumulation"] * 2 == run.hp["batch_size"]
        if run.stage == "finetune":
            # each process scored its own copy of the model: equal only if the gradients were
            # averaged every step (each process saw other batches)
            assert _scores(mine[0]["metrics"]) == _scores(mine[1]["metrics"])
            assert mine[0]["metrics"]["per_language"]
    # the odd batch: rank 0 trained it alone, in a process of its own, with the spec's batch of 3;
    # both ranks read the same stored result
    alone = [rank["results"][odd.key] for rank in ranks]
    assert alone[0] == alone[1] and alone[0]["status"] == "ok", alone[0].get("error", "")[-800:]
    train = alone[0]["metrics"]["train"]
    assert train["world_size"] == 1 and train["per_device_batch"] * train["accumulation"] == 3
    # every run's folder holds its result, and the intermediate encoder the QA run read
    store = tmp_path / "store" / "micro"
    assert sorted(p.name for p in store.glob("*/result.json")) == ["result.json"] * len(list(store.glob("*/")))
    assert (store / runs[0].key / "encoder" / "config.json").exists()
    assert not list(store.glob("*/checkpoints"))  # removed once each result was stored

    # the pipeline under the job: both ranks reach the same verdict, rank 0 alone reports
    assert ranks[0]["effects"] == ranks[1]["effects"] and ranks[0]["effects"][ADVERSARIAL_CLAIM]
    assert ranks[0]["verdicts"][ADVERSARIAL_CLAIM] == "not comparable"
    assert [rank["reported"] for rank in ranks] == [True, False]
    assert (tmp_path / "report" / "index.html").exists()
