"""Beyond one machine: one batch job per run through submitit (Slurm, or submitit's local executor).

``repro run --executor slurm --partition P --gpus-per-job 1`` submits the runs the store lacks, in
DAG order, one job each; a target's job waits on its intermediate run's job with a Slurm
dependency (``afterok``; ``kill_on_invalid_dep`` cancels it if that job dies, instead of leaving it
pending forever). A job trains its run into the shared store (:func:`repro.runner.ensure`: a lock per
run, a failure stored as data, so a failed run ends its job normally and its targets store
"its intermediate run did not complete").

Preemption and time limits: submitit signals the job before it is stopped and calls the job's
``checkpoint`` (:class:`StoredRun` is a ``submitit.helpers.Checkpointable``), which resubmits the
same call; Slurm requeues it under the same job id, so dependencies hold. The requeued job resumes
from the run's newest complete Trainer checkpoint in the store (elapsed-time checkpoints,
:mod:`repro.training.checkpointing`), losing at most ``checkpoint_minutes`` of training.

submitit's local executor has no dependencies: there, a target is submitted once its intermediate
run's job has ended (the same DAG order), at most ``max_running`` jobs at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import submitit

from repro.progress import quiet_libraries
from repro.runspec import RunSpec
from repro.schedule import DagQueue, dag_order
from repro.store import Store
from repro.training.checkpointing import checkpoint_interval, checkpoint_minutes

CLUSTERS = ("slurm", "local")
DEFAULT_TIMEOUT_MIN = 24 * 60  # Slurm's time limit per job; a longer run is requeued and resumes


class StoredRun(submitit.helpers.Checkpointable):
    """One run as a job: trains it into the store (resuming from its checkpoint) and returns its status.

    In a job of several tasks (``--gpus-per-job`` > 1) every task is one process of a launched job
    (data-parallel, :mod:`repro.launch`): submitit's ``TorchDistributedEnvironment`` sets the
    variables ``torchrun`` would.
    """

    def __init__(self, runspec: dict, store_root: str, minutes: float | None = None):
        self.runspec, self.store_root, self.minutes = runspec, store_root, minutes

    def __call__(self) -> dict:
        from repro.runner import ensure  # the job's process imports the trainer, the submitter need not

        environment = submitit.JobEnvironment()
        if environment.num_tasks > 1:
            submitit.helpers.TorchDistributedEnvironment().export(set_cuda_visible_devices=False, overwrite=True)
        run = RunSpec.from_json(self.runspec)
        with checkpoint_interval(self.minutes), quiet_libraries():
            result = ensure(run, Store(self.store_root), progress=False)
        return {"key": run.key, "status": result["status"], "error": result.get("error")}

    def checkpoint(self, *args, **kwargs) -> submitit.helpers.DelayedSubmission:
        """Called by submitit when the job is preempted or about to time out: the same call again,
        which resumes from the newest complete checkpoint the Trainer left in the store."""
        return submitit.helpers.DelayedSubmission(StoredRun(self.runspec, self.store_root, self.minutes))


def job_parameters(cluster: str, run: RunSpec, *, partition: str | None, gpus_per_job: int, timeout_min: int,
                   parent_job_id: str | None = None, cpus_per_task: int | None = None) -> dict:
    """The parameters of ``update_parameters`` for one run's job (AutoExecutor names; ``slurm_`` ones for Slurm)."""
    if cluster not in CLUSTERS:
        raise ValueError(f"unknown executor {cluster!r}; expected one of {CLUSTERS}")
    if gpus_per_job < 1:
        raise ValueError(f"gpus_per_job must be at least 1, got {gpus_per_job}")
    parameters = {"name": f"repro-{run.stage}-{run.key}", "timeout_min": int(timeout_min), "nodes": 1,
                  "tasks_per_node": gpus_per_job, "gpus_per_node": gpus_per_job}
    if cpus_per_task:
        parameters["cpus_per_task"] = cpus_per_task
    if cluster == "local":
        parameters["gpus_per_node"] = 0  # submitit's local jobs on a CPU: no devices to hand out
        return parameters
    if partition:
        parameters["slurm_partition"] = partition
    if parent_job_id is not None:
        parameters["slurm_dependency"] = f"afterok:{parent_job_id}"
        parameters["slurm_additional_parameters"] = {"kill_on_invalid_dep": "yes"}
    return parameters


def make_executor(cluster: str, folder: Path):
    """A fresh executor for one submission (parameters such as a dependency must not carry over)."""
    return submitit.AutoExecutor(folder=folder, cluster=cluster)


def submit_runs(runs: Sequence[RunSpec], store: Store, *, cluster: str, folder: Path, partition: str | None = None,
                gpus_per_job: int = 1, timeout_min: int = DEFAULT_TIMEOUT_MIN, max_running: int = 2,
                poll_seconds: float = 2.0, minutes: float | None = None,
                executor_factory: Callable[[str, Path], Any] = make_executor,
                log: Callable[[str], None] = print) -> dict[str, dict]:
    """Submit every run the store lacks (one job each), wait for the jobs, return every run's stored result.

    Slurm gets every job at once, each target held by ``afterok`` on its intermediate run's job. The
    local executor gets a job once its parent's job has ended, ``max_running`` at a time. A job that
    ended without storing a result (killed, out of memory) is stored as failed with the reason.
    """
    minutes = checkpoint_minutes() if minutes is None else minutes
    todo = [r for r in dag_order(list(runs)) if not store.has_success(r)]
    queue = DagQueue(todo)
    jobs: dict[str, Any] = {}
    running: dict[str, Any] = {}
    by_dependency = cluster == "slurm"
    while True:
        while (by_dependency or len(running) < max_running) and (run := queue.pop()) is not None:
            parent_job = jobs.get(run.parent) if run.parent else None
            executor = executor_factory(cluster, folder)
            executor.update_parameters(**job_parameters(
                cluster, run, partition=partition, gpus_per_job=gpus_per_job, timeout_min=timeout_min,
                parent_job_id=parent_job.job_id if by_dependency and parent_job is not None else None))
            job = executor.submit(StoredRun(run.to_json(), str(store.root), minutes))
            jobs[run.key] = running[run.key] = job
            log(f"submitted job {job.job_id}: {run.describe()[:80]}")
            if by_dependency:  # Slurm holds the dependants: submit them now
                queue.finish(run.key)
        if by_dependency or not running:
            break
        time.sleep(poll_seconds)
        for key in [k for k, job in running.items() if job.done()]:
            running.pop(key)
            queue.finish(key)
    return {run.key: _outcome(run, jobs.get(run.key), store) for run in runs}


def _outcome(run: RunSpec, job, store: Store) -> dict:
    """The run's stored result once its job (if any) has ended; a job that stored nothing is a failure."""
    if job is not None:
        try:
            job.result()
        except Exception as exc:  # noqa: BLE001 - the job's failure becomes the run's reason
            if store.get(run) is None:
                store.put(run, {"status": "failed", "seconds": 0.0, "runspec": run.to_json(),
                                "error": f"job {job.job_id} ended without a result: {exc}"})
    result = store.get(run)
    if result is None:
        raise RuntimeError(f"run {run.key} has no result in {store.root} after its job")
    return result


def train_session(session, *, cluster: str, folder: Path | None = None, **options) -> dict[str, dict]:
    """``pipeline.run_claims``' executor: the session's runs as batch jobs (see :func:`submit_runs`).
    submitit keeps its job files and logs in ``folder`` (default: ``<store>/.submitit``)."""
    folder = Path(folder) if folder else session.store.root / ".submitit"
    return submit_runs(session.runs, session.store, cluster=cluster, folder=folder, **options)
