"""Batch jobs through submitit: Slurm jobs carry afterok dependencies from the DAG (checked with a
recording stand-in for submitit's executor); submitit's local executor trains a micro DAG, and a
job preempted mid-run is requeued and resumes from its Trainer checkpoint (slow: real processes)."""

import dataclasses
import os
import time
from pathlib import Path

import pytest

from repro import plan as planner
from repro.profiles import get_profile
from repro.runspec import ModelRef, RunSpec, as_items
from repro.spec import load_specs
from repro.store import Store
from repro.submit import job_parameters, submit_runs


def _run(key_hint, stage="finetune", parent=None):
    return RunSpec(stage=stage, model=ModelRef("hub", "m", "r"), task=key_hint, task_source="hub", task_revision="r",
                   seed=0, data_seed=0, hyperparameters=as_items({"batch_size": 32}), parent=parent)


class FakeJob:
    def __init__(self, job_id, call, store, fail):
        self.job_id, self.call, self.store, self.fail, self.polls = job_id, call, store, fail, 0

    def done(self):
        self.polls += 1
        return self.polls > 1  # running at the first look, ended at the second

    def result(self):
        if self.fail:
            raise RuntimeError("out of memory")
        run = RunSpec.from_json(self.call.runspec)
        self.store.put(run, {"status": "ok", "metrics": {"job": self.job_id}})
        return {"status": "ok"}


class FakeExecutors:
    """Records each executor's parameters and submission, in order."""

    def __init__(self, store, fail=()):
        self.store, self.fail, self.submitted, self.log = store, set(fail), [], []

    def __call__(self, cluster, folder):
        fake = self

        class Executor:
            def update_parameters(self, **parameters):
                self.parameters = parameters

            def submit(self, call):
                job = FakeJob(str(100 + len(fake.submitted)), call, fake.store, call.runspec["task"] in fake.fail)
                running = [j for j, _ in fake.submitted if j.polls <= 1]
                ended = {j.call.runspec["task"] for j, _ in fake.submitted if j.polls > 1}
                fake.submitted.append((job, self.parameters))
                fake.log.append((call.runspec["task"], len(running), ended))
                return job

        return Executor()


def test_slurm_jobs_follow_the_dag_with_afterok(tmp_path):
    store = Store(tmp_path / "store")
    inter = _run("inter", "intermediate")
    t1, t2, plain = _run("t1", parent=inter.key), _run("t2", parent=inter.key), _run("plain")
    done_before = _run("stored")
    store.put(done_before, {"status": "ok", "metrics": {}})
    fake = FakeExecutors(store)
    results = submit_runs([t1, inter, plain, t2, done_before], store, cluster="slurm", folder=tmp_path / "jobs",
                          partition="gpu", executor_factory=fake, log=lambda _: None)
    order = [params["name"] for _, params in fake.submitted]
    # DAG order in list order: inter is the first ready run; its submission releases t1 and t2 at
    # once (Slurm holds them), and t1 comes before plain in the list. The stored run is not submitted.
    assert order == [f"repro-intermediate-{inter.key}", f"repro-finetune-{t1.key}",
                     f"repro-finetune-{plain.key}", f"repro-finetune-{t2.key}"]
    params = {p["name"].rsplit("-", 1)[1]: p for _, p in fake.submitted}
    inter_job = fake.submitted[0][0].job_id
    for target in (t1, t2):
        assert params[target.key]["slurm_dependency"] == f"afterok:{inter_job}"
        assert params[target.key]["slurm_additional_parameters"] == {"kill_on_invalid_dep": "yes"}
    assert "slurm_dependency" not in params[inter.key] and "slurm_dependency" not in params[plain.key]
    assert all(p["slurm_partition"] == "gpu" and p["gpus_per_node"] == 1 for p in params.values())
    assert {k: r["status"] for k, r in results.items()} == {r.key: "ok" for r in (t1, inter, plain, t2, done_before)}


def test_a_job_that_dies_is_stored_as_failed_with_the_reason(tmp_path):
    store = Store(tmp_path / "store")
    run = _run("crashes")
    results = submit_runs([run], store, cluster="slurm", folder=tmp_path,
                          executor_factory=FakeExecutors(store, ["crashes"]), log=lambda _: None)
    assert results[run.key]["status"] == "failed"
    assert "job 100 ended without a result: out of memory" in results[run.key]["error"]


def test_local_executor_submits_a_target_after_its_parent_job_ended(tmp_path):
    store = Store(tmp_path / "store")
    inter = _run("inter", "intermediate")
    runs = [inter, _run("a"), _run("b"), _run("t", parent=inter.key)]
    fake = FakeExecutors(store)
    submit_runs(runs, store, cluster="local", folder=tmp_path, max_running=2, poll_seconds=0,
                executor_factory=fake, log=lambda _: None)
    ended_when_submitted = {task: ended for task, _, ended in fake.log}
    assert "inter" in ended_when_submitted["t"]  # the parent's job had ended when t was submitted
    assert all(running < 2 for _, running, _ in fake.log)  # never more than max_running at once
    assert all("slurm_dependency" not in p for _, p in fake.submitted)


def test_job_parameters_refuse_what_they_cannot_do():
    run = _run("x")
    with pytest.raises(ValueError, match="unknown executor"):
        job_parameters("kubernetes", run, partition=None, gpus_per_job=1, timeout_min=10)
    with pytest.raises(ValueError, match="at least 1"):
        job_parameters("slurm", run, partition=None, gpus_per_job=0, timeout_min=10)
    two = job_parameters("slurm", run, partition="p", gpus_per_job=2, timeout_min=10)
    assert two["tasks_per_node"] == two["gpus_per_node"] == 2  # one process per GPU: data-parallel


# --- real jobs with submitit's local executor ----------------------------------------------------------


def _micro_dag():
    """One intermediate run of the micro profile and two targets that start from it."""
    spec = next(s for s in load_specs() if s.id == "x-stilts-squad-xtreme")
    _, runs = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    inter = next(r for r in runs if r.stage == "intermediate")
    return [inter, *[r for r in runs if r.parent == inter.key and r.task in ("xnli", "pawsx")]]


@pytest.mark.slow
def test_local_executor_trains_a_micro_dag(tmp_path):
    store = Store(tmp_path / "store")
    runs = _micro_dag()
    assert len(runs) == 3 and runs[1].parent == runs[0].key
    results = submit_runs(runs, store, cluster="local", folder=tmp_path / "jobs", timeout_min=20, max_running=2,
                          log=lambda _: None)
    # a target that started before its intermediate run was stored would hold "did not complete"
    assert {key: r["status"] for key, r in results.items()} == {r.key: "ok" for r in runs}, results
    assert store.encoder_dir(runs[0]).is_dir()


def _task_pid(controller_pid: int, deadline: float) -> int:
    children = Path(f"/proc/{controller_pid}/task/{controller_pid}/children")
    while time.time() < deadline:
        pids = children.read_text().split() if children.exists() else []
        if pids:
            return int(pids[0])
        time.sleep(0.1)
    raise AssertionError("the job's task process did not start")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the job's process through /proc (Linux)")
def test_a_preempted_job_is_requeued_and_resumes_from_its_checkpoint(tmp_path):
    import submitit

    spec = next(s for s in load_specs() if s.id == "robust-xlt-xnli")
    _, runs = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    run = next(r for r in runs if r.objective_config["name"] == "plain" and r.model.name == "micro-xlmr")
    # 400 steps: a checkpoint every 100 (the step floor of fixed budgets)
    run = dataclasses.replace(run, hyperparameters=as_items(dict(run.hyperparameters, max_steps=400)))
    store = Store(tmp_path / "store")
    from repro.submit import StoredRun

    executor = submitit.AutoExecutor(folder=tmp_path / "jobs", cluster="local")
    executor.update_parameters(timeout_min=20, gpus_per_node=0)
    job = executor.submit(StoredRun(run.to_json(), str(store.root)))
    deadline = time.time() + 300
    checkpoints = store.checkpoint_dir(run)
    while time.time() < deadline and not job.done():
        if checkpoints.is_dir() and any((p / "trainer_state.json").exists() for p in checkpoints.glob("checkpoint-*")):
            break
        time.sleep(0.05)
    assert not job.done(), "the run ended before it could be preempted"
    # what Slurm sends before preempting: submitit's signal (USR2), to the job's task process
    os.kill(_task_pid(job._process.pid, deadline), submitit.JobEnvironment._usr_sig())
    outcome = job.result()
    assert outcome["status"] == "ok", outcome
    result = store.get(run)
    assert result["metrics"]["train"]["resumed_from"] is not None
    assert result["metrics"]["train"]["steps"] == 400
    assert "preempted" in (job.stderr() or "") + (job.stdout() or "")
