"""Runner: executes the RunSpecs that are not in the store yet, one lock per run.

A run that raises is stored as failed with its traceback (the claim shows "error" with the
reason); a run that is interrupted leaves its Trainer checkpoints behind and resumes from them.
"""

from __future__ import annotations

import json
import logging
import platform
import shutil
import time
import traceback
from collections.abc import Sequence
from contextlib import nullcontext
from functools import partial
from typing import TypeGuard

from accelerate.utils import broadcast_object_list

from repro.launch import launched_job, run_alone
from repro.lifecycle import invocation_id
from repro.parallel import run_dag
from repro.progress import progress_bar, quiet_libraries
from repro.runspec import RunSpec
from repro.schedule import dag_order
from repro.store import Store
from repro.training import STAGES

log = logging.getLogger(__name__)


def execute(run: RunSpec, store: Store, *, progress: bool = True) -> dict:
    """Train and evaluate one RunSpec; returns its metrics."""
    if run.stage not in STAGES:
        raise ValueError(f"unknown stage {run.stage!r}; expected one of {sorted(STAGES)}")
    return STAGES[run.stage](run, store, progress=progress)


def ensure(run: RunSpec, store: Store, *, progress: bool = True, retry_failed: bool = True) -> dict:
    """The stored result of ``run``, training it first if needed. Parallel callers train it once."""
    job = launched_job()
    if job is not None:
        return _ensure_together(run, store, job, progress=progress, retry_failed=retry_failed)
    result = store.get(run)
    if _reusable(result, retry_failed):
        return result
    with store.lock(run):
        result = store.get(run)  # another worker may have finished it while we waited
        if _reusable(result, retry_failed):
            return result
        result = _train(run, store, progress)
        _keep(run, store, result)
        return result


def _ensure_together(run: RunSpec, store: Store, job, *, progress: bool, retry_failed: bool) -> dict:
    """``ensure`` for every process of a launched job at once: all train, rank 0 locks and writes."""
    with store.lock(run) if job.is_main_process else nullcontext():
        # rank 0 reads the store (another job may have finished the run) and every rank follows it
        decision = [store.get(run) if job.is_main_process else None]
        broadcast_object_list(decision, from_process=0)
        if _reusable(decision[0], retry_failed):
            return decision[0]
        if not splittable(run, job.num_processes):
            # a batch the processes cannot share (X-STILTs' intermediate batch of 4 on 8 GPUs): rank 0
            # trains the run in a process of its own, with the spec's batch, while the others wait
            if job.is_main_process:
                run_alone(_TRAIN_ALONE, json.dumps(run.to_json()), str(store.root))
            job.wait_for_everyone()
            stored: list = [_stored_or_lost(run, store) if job.is_main_process else None]
            broadcast_object_list(stored, from_process=0)  # the other ranks receive rank 0's dict
            return stored[0]
        result = _train(run, store, progress and job.is_main_process)
        job.wait_for_everyone()
        if job.is_main_process:
            _keep(run, store, result)
        job.wait_for_everyone()  # the next run may start from this one's encoder: it must be written
        return result


def splittable(run: RunSpec, world: int) -> bool:
    """Whether ``world`` processes can share the run's effective batch evenly (data-parallel)."""
    batch = run.hp.get("batch_size")
    return not batch or world <= 1 or batch % world == 0


_TRAIN_ALONE = "import sys; from repro.runner import train_alone; train_alone(sys.argv[1], sys.argv[2])"


def train_alone(runspec_json: str, root: str) -> None:
    """Train and store one run in this process alone (outside any launched job's process group).
    The caller holds the run's lock."""
    run = RunSpec.from_json(json.loads(runspec_json))
    store = Store(root)
    with quiet_libraries():
        _keep(run, store, _train(run, store, progress=False))


def _stored_or_lost(run: RunSpec, store: Store) -> dict:
    """The run's stored result, or a failure saying that the process training it wrote none."""
    result = store.get(run)
    if result is None:
        result = {"status": "failed", "error": "the process that trained it alone exited without a result",
                  "seconds": 0.0, "runspec": run.to_json(), "host": platform.node()}
    return result


def _reusable(result: dict | None, retry_failed: bool) -> TypeGuard[dict]:
    return result is not None and (result["status"] == "ok" or not retry_failed)


def _train(run: RunSpec, store: Store, progress: bool) -> dict:
    """Train and evaluate the run; a failure becomes a result that carries its reason."""
    if run.parent and not store.has_success(run.parent):
        result = {"status": "failed", "error": f"its intermediate run {run.parent} did not complete",
                  "seconds": 0.0}
    else:
        started = time.perf_counter()
        try:
            metrics = execute(run, store, progress=progress)
            result = {"status": "ok", "metrics": metrics}
        except (KeyboardInterrupt, SystemExit):
            raise  # keep checkpoints; the next run resumes
        except BaseException as exc:  # noqa: BLE001 - a failed run is data for the report
            # (BaseException: a Rust panic inside tokenizers is not an Exception)
            log.exception("run %s failed", run.key)
            result = {"status": "failed", "error": "".join(traceback.format_exception(exc))}
        result["seconds"] = time.perf_counter() - started
    result["runspec"] = run.to_json()
    result["host"] = platform.node()
    result["trained_by"] = invocation_id()  # which command trained it (see trained_here)
    return result


def trained_here(result: dict | None) -> bool:
    """Whether this command (its main process or its workers) trained the run of ``result``, rather
    than finding it done by another command on the same store."""
    return result is not None and result.get("trained_by") == invocation_id()


def _keep(run: RunSpec, store: Store, result: dict) -> None:
    store.put(run, result)
    if result["status"] == "ok":  # resumable checkpoints are only needed until the result exists
        shutil.rmtree(store.checkpoint_dir(run), ignore_errors=True)


def _ensure_in_worker(run: RunSpec, root: str) -> dict:
    with quiet_libraries():
        return ensure(run, Store(root), progress=False)


def run_all(runs: list[RunSpec], store: Store, *, progress: bool = True, workers: int = 1,
            devices: Sequence[str] = ()) -> dict[str, dict]:
    """Ensure every run; returns results by key.

    Runs go in DAG order (:mod:`repro.schedule`): an intermediate run before the targets that start
    from its encoder, and those targets as soon as it is stored. With ``workers`` > 1, runs train in
    worker processes side by side (:func:`repro.parallel.run_dag`), each pinned to its entry of
    ``devices`` (one GPU per worker) where given: on a CPU, two one-thread runs side by side use two
    cores far better than one run with two threads (tiny matrices, thread barriers).
    """
    invocation_id()  # before any worker starts: they inherit it
    job = launched_job()
    if job is not None:  # a launched job: its processes train each run together, one after another
        workers, devices, progress = 1, (), progress and job.is_main_process
        results: dict[str, dict] = {}
        todo = list(runs)  # every rank walks the same list; rank 0 decides what the store already has
    else:
        results = {r.key: result for r in runs if (result := store.get(r)) is not None and result["status"] == "ok"}
        todo = [r for r in runs if r.key not in results]
    bar = progress_bar(len(todo), "runs", "run", enabled=progress and bool(todo))
    # with devices, even one run goes to a pinned worker: this process sees every GPU, and a Trainer
    # that sees several without a launcher splits each batch over them (nn.DataParallel)
    if not todo or ((workers <= 1 or len(todo) <= 1) and not devices):
        with quiet_libraries(bool(todo)):
            for run in dag_order(todo):
                bar.set_postfix_str(run.describe()[:60])
                results[run.key] = ensure(run, store, progress=False)
                bar.update(1)
    else:
        work = partial(_ensure_in_worker, root=str(store.root))
        for run, result in run_dag(todo, work, workers=len(devices) or workers, devices=devices):
            results[run.key] = result
            bar.set_postfix_str(run.describe()[:60])
            bar.update(1)
    bar.close()
    return results
