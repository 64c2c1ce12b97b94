"""The whole flow in one call: specs -> plans -> runs (store) -> verdicts -> report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from repro import plan as planner
from repro import runner, verify
from repro.launch import is_main_process
from repro.profiles import get_profile
from repro.spec import load_specs
from repro.store import DEFAULT_ROOT, Store

REPORTS_DIR = Path(__file__).resolve().parent.parent / "reports"


@dataclass
class Outcome:
    results: list[verify.ClaimResult]
    plans: list[planner.ClaimPlan]
    report: dict | None
    trained: int


def run_claims(profile_name: str = "smoke", *, seeds: int | None = None, paths=None, select=None,
               store_root: Path | None = None, report_dir: Path | None = None, progress: bool = True,
               train: bool = True) -> Outcome:
    """Run every runnable spec (or those whose id ``select`` accepts) and write the report.

    With ``train=False`` nothing trains: the verdicts read what the store holds (pytest's report).
    """
    profile = get_profile(profile_name)
    specs = load_specs(paths)
    chosen = [s for s in specs if select is None or select(s.id)]
    plans, runs = planner.plan_all(chosen, profile, seeds)
    if train and profile.task_source == "hub":
        # stop before any training when a dataset, model or table is neither reachable nor cached
        from repro.prefetch import check_available

        check_available(**resources(runs))
    store = Store(Path(store_root or DEFAULT_ROOT) / profile.name)
    before = sum(store.has_success(r) for r in runs)
    if train and profile.model_source == "embedded":
        build_models(runs, progress)
    if train:
        results = runner.run_all(runs, store, progress=progress, workers=profile.workers)
    else:
        results = {r.key: store.get(r) for r in runs if store.get(r) is not None}
    verdicts = [verify.verify(p, results, profile.comparable) for p in plans]
    report = None
    if report_dir is not False and is_main_process():  # in a launched job, rank 0 reports
        from repro.report import render

        out = Path(report_dir or REPORTS_DIR / profile.name)
        report = render(verdicts, plans, chosen, profile, results, out)
    return Outcome(results=verdicts, plans=plans, report=report, trained=len(runs) - before)


def resources(runs) -> dict:
    """What a list of RunSpecs needs from outside, as keyword arguments of check_available and prefetch."""
    return {
        "task_names": sorted({name for r in runs for name in r.task.split("+")}),
        "model_names": sorted({r.model.name for r in runs}),
        "synonyms": any(r.objective_config.get("synonyms") == "counterfitted" for r in runs),
        "mlm_corpus": any(dict(r.sampling).get("mlm_corpus") for r in runs),
    }


def prefetch_profile(profile_name: str, paths=None) -> None:
    """Download everything the profile's runs need (run online, before going offline)."""
    from repro.prefetch import prefetch

    profile = get_profile(profile_name)
    if profile.task_source != "hub":
        print(f"the {profile.name} profile is built offline; nothing to fetch")
        return
    _, runs = planner.plan_all(load_specs(paths), profile)
    prefetch(**resources(runs))


def build_models(runs, progress: bool = True) -> None:
    """Build the embedded encoders once, with every core, before runs start side by side."""
    from repro.models import model_path

    for ref in sorted({r.model for r in runs}, key=lambda m: m.name):
        if progress:
            print(f"embedded encoder {ref.name}: ", end="", flush=True)
        path = model_path(ref)
        if progress:
            print(path)
