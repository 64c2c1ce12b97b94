"""The whole flow, written once for the CLI and for pytest: specs -> plans -> runs (store) -> verdicts -> report.

:class:`Session` holds one pass: the chosen specs, their plans on a profile, the deduplicated
runs and the store. Its steps are separate so that pytest can train once for the whole session
and judge each claim item from the store, while ``repro run`` does everything in one call
(:func:`run_claims`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from repro import plan as planner
from repro import runner, verify
from repro.io import reports_root, store_root
from repro.launch import is_main_process, launched_job
from repro.models import model_path
from repro.parallel import worker_devices
from repro.profiles import Profile, get_profile
from repro.report import render
from repro.resources import check_available, muse_languages, prefetch
from repro.runspec import RunSpec
from repro.schedule import select_shard
from repro.spec import load_specs
from repro.store import Store
from repro.training.checkpointing import checkpoint_interval


@dataclass
class Session:
    profile: Profile
    specs: list  # every spec loaded (background included: the report lists them)
    chosen: list  # the specs selected for this pass
    plans: list[planner.ClaimPlan]
    runs: list[RunSpec]  # deduplicated, dependencies first
    store: Store
    results: dict[str, dict] = field(default_factory=dict)

    def plan_of(self, spec_id: str) -> planner.ClaimPlan:
        return next(p for p in self.plans if p.spec.id == spec_id)


def prepare(profile_name: str = "smoke", *, seeds: int | None = None, paths=None,
            select: Callable[[str], bool] | None = None, store_root_dir: Path | None = None,
            rehearse: bool = False) -> Session:
    """Load the specs, choose those ``select`` accepts, plan them on the profile (or its rehearsal)."""
    profile = get_profile(profile_name, rehearse=rehearse)
    specs = load_specs(paths)
    chosen = [s for s in specs if select is None or select(s.id)]
    plans, runs = planner.plan_all(chosen, profile, seeds)
    store = Store(Path(store_root_dir or store_root()) / profile.name)
    return Session(profile, specs, chosen, plans, runs, store)


def needs(runs: list[RunSpec]) -> dict:
    """What a list of RunSpecs needs from outside, as keyword arguments of check_available and prefetch."""
    return {
        "task_names": sorted({name for r in runs for name in r.task.split("+")}),
        "model_names": sorted({r.model.name for r in runs}),
        # RS-DA trains on the counter-fitted table; the synonym attack perturbs English test sets with it
        "synonyms_table": any(r.objective_config.get("synonyms") == "counterfitted"
                              or any(a.get("resource") == "counterfitted" for a in r.hp.get("attacks") or ())
                              for r in runs),
        "mlm": any(dict(r.sampling).get("mlm_corpus") for r in runs),
        "muse": muse_languages(runs),
    }


def check_resources(session: Session) -> None:
    """Stop before any training when a dataset, model or table is neither reachable nor cached."""
    if session.profile.task_source == "hub":
        check_available(**needs(session.runs))


def build_models(session: Session, progress: bool = True) -> None:
    """Build the embedded encoders once, with every core, before runs start side by side."""
    if session.profile.model_source != "embedded":
        return
    for ref in sorted({r.model for r in session.runs}, key=lambda m: m.name):
        path = model_path(ref, progress=progress)  # says what it does when it has to build
        if progress:
            print(f"embedded encoder {ref.name}: {path}", flush=True)


def _checkpoints_every(minutes: float | None, session: Session):
    """Elapsed-time checkpoints every ``minutes`` (default: the profile's) in this process and the ones
    it starts (workers, batch jobs)."""
    return checkpoint_interval(minutes or session.profile.checkpoint_minutes)


def train(session: Session, *, progress: bool = True, workers: int | None = None, gpus: int | None = None,
          runs_per_gpu: int = 1, checkpoint_minutes: float | None = None) -> dict[str, dict]:
    """Train every run the store does not hold yet; the session's results are every run's result.

    On a GPU machine ``gpus`` workers (default: every visible GPU) each train one run on a GPU of
    their own (``runs_per_gpu`` > 1 shares a GPU: see :mod:`repro.parallel`); on a CPU, ``workers``
    (default: the profile's) train side by side. Elapsed-time checkpoints every
    ``checkpoint_minutes`` (default: the profile's).
    """
    devices = worker_devices(gpus, runs_per_gpu) if launched_job() is None else []
    if devices:
        workers = len(devices)
    elif workers is None:
        workers = gpus if gpus is not None else session.profile.workers
    with _checkpoints_every(checkpoint_minutes, session):
        session.results = runner.run_all(session.runs, session.store, progress=progress, workers=workers,
                                         devices=devices)
    return session.results


def collect(session: Session) -> dict[str, dict]:
    """The stored results of the session's runs, training nothing."""
    session.results = {r.key: result for r in session.runs if (result := session.store.get(r)) is not None}
    return session.results


def judge(session: Session) -> list[verify.ClaimResult]:
    return [verify.verify(p, session.results, session.profile.comparable, rehearsal=session.profile.rehearsal)
            for p in session.plans]


def write_report(session: Session, verdicts: list[verify.ClaimResult], report_dir: Path | None = None) -> dict:
    out = Path(report_dir or reports_root() / session.profile.name)
    return render(verdicts, session.plans, session.specs, session.profile, session.results, out)


@dataclass
class Outcome:
    results: list[verify.ClaimResult]
    plans: list[planner.ClaimPlan]
    report: dict | None
    trained: int  # runs this command trained itself (its workers and batch jobs included)
    # runs that were not in the store when this command started but that another command on the
    # same store trained meanwhile (two `repro run` at once each train a run once, and say so)
    trained_elsewhere: int = 0
    runs: dict[str, dict] = field(default_factory=dict)  # the results of the runs this pass covered


def run_claims(profile_name: str = "smoke", *, seeds: int | None = None, paths=None, select=None,
               store_root: Path | None = None, report_dir: Path | None | Literal[False] = None, progress: bool = True,
               train_runs: bool = True, rehearse: bool = False, gpus: int | None = None, runs_per_gpu: int = 1,
               checkpoint_minutes: float | None = None, shard: tuple[int, int] | None = None,
               executor: Callable[[Session], dict[str, dict]] | None = None) -> Outcome:
    """Run every runnable spec (or those whose id ``select`` accepts) and write the report.

    With ``train_runs=False`` nothing trains: the verdicts read what the store holds (pytest's report).
    ``report_dir=False`` writes no report. ``shard=(i, n)`` trains shard i of n of the runs
    (:func:`repro.schedule.select_shard`) and judges nothing: the merged stores of all shards make
    the report. ``executor`` trains the session's runs in its own way (batch jobs) instead of
    :func:`train` on this machine.
    """
    session = prepare(profile_name, seeds=seeds, paths=paths, select=select, store_root_dir=store_root,
                      rehearse=rehearse)
    if shard is not None:
        session.runs = select_shard(session.runs, *shard)
    before = {r.key for r in session.runs if session.store.has_success(r)}
    runner.invocation_id()  # before any worker or batch job starts: they inherit it
    if train_runs:
        session.store.check_writable()  # a read-only or full store stops here, before any training
        check_resources(session)
        build_models(session, progress)
        if executor is not None:
            with _checkpoints_every(checkpoint_minutes, session):  # batch jobs inherit it
                session.results = executor(session)
        else:
            train(session, progress=progress, gpus=gpus, runs_per_gpu=runs_per_gpu,
                  checkpoint_minutes=checkpoint_minutes)
    else:
        collect(session)
    done_now = [session.results.get(r.key) for r in session.runs if r.key not in before]
    done_now = [result for result in done_now if result is not None and result.get("status") == "ok"]
    trained = sum(runner.trained_here(result) for result in done_now)
    elsewhere = len(done_now) - trained
    if shard is not None:
        return Outcome(results=[], plans=session.plans, report=None, trained=trained, trained_elsewhere=elsewhere,
                       runs=session.results)
    verdicts = judge(session)
    report = None
    if report_dir is not False and is_main_process():  # in a launched job, rank 0 reports
        report = write_report(session, verdicts, report_dir or None)
    return Outcome(results=verdicts, plans=session.plans, report=report, trained=trained,
                   trained_elsewhere=elsewhere, runs=session.results)


def prefetch_profile(profile_name: str, paths=None) -> None:
    """Download everything the profile's runs need (run online, before going offline)."""
    profile = get_profile(profile_name)
    if profile.task_source != "hub":
        print(f"the {profile.name} profile is built offline; nothing to fetch")
        return
    _, runs = planner.plan_all(load_specs(paths), profile)
    prefetch(**needs(runs))
