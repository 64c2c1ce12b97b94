"""pytest collects every runnable claim spec under claims/ as a test item named ``claim[<id>]``.

    pytest -k claim                      # every claim and hypothesis on the smoke profile
    pytest -k "claim and pawsx"          # a subset
    pytest -n 2 -k claim                 # pytest-xdist: runs shared by claims train once (file lock)
    pytest -k claim --profile=full --seeds=5 --report=reports/full

An item passes when its runs completed and its verdict is not a failure for the profile; a
crashed run fails it with the reason; a claim the profile cannot run is skipped as "not run".
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
CLAIMS_DIR = ROOT / "claims"


def pytest_addoption(parser):
    group = parser.getgroup("xlt-repro")
    group.addoption("--profile", default="smoke", help="profile the claim items run on (default: smoke)")
    group.addoption("--seeds", type=int, default=None, help="seeds per claim (default: the profile's)")
    group.addoption("--report", default=None, help="report folder (default: reports/<profile>)")
    group.addoption("--store", default=None, help="run store root (default: ./store)")


class ClaimFile(pytest.File):
    def collect(self):
        from repro.spec import parse_file

        # a spec that fails to parse is a collection error, never a silent skip
        for spec in parse_file(self.path):
            if spec.kind in ("claim", "hypothesis"):
                yield ClaimItem.from_parent(self, name=f"claim[{spec.id}]", spec=spec)


class ClaimItem(pytest.Item):
    def __init__(self, *, spec, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec
        # so that `-k "claim and pawsx"` selects by target task, and `-k hypothesis` by kind
        self.extra_keyword_matches.update({t.task for t in spec.targets} | {spec.kind})

    def runtest(self):
        from repro import plan as planner
        from repro import runner, verify
        from repro.profiles import get_profile
        from repro.store import DEFAULT_ROOT, Store

        config = self.config
        profile = get_profile(config.getoption("--profile"))
        plan, runs = planner.plan_claim(self.spec, profile, config.getoption("--seeds"))
        if plan.not_run:
            pytest.skip(f"not run: {plan.not_run}")
        store = Store(Path(config.getoption("--store") or DEFAULT_ROOT) / profile.name)
        _prepare_session(self.session, profile, store)
        results = runner.run_all(runs, store, progress=False)
        result = verify.verify(plan, results, profile.comparable)
        self.user_properties.append(("verdict", result.verdict))
        self.user_properties.append(("reason", result.reason))
        if result.verdict == "error":
            raise ClaimFailure(result)
        if result.verdict == "inconclusive":
            pytest.xfail(f"inconclusive: {result.reason}")
        if result.verdict in verify.FAILING_VERDICTS:
            raise ClaimFailure(result)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ClaimFailure):
            result = excinfo.value.result
            lines = [f"{result.id}: {result.verdict}: {result.reason}"]
            for failure in result.failures[:3]:
                lines += [f"--- {failure['describe']}", failure["error"].strip()[-2000:]]
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"claim[{self.spec.id}]"


def _prepare_session(session, profile, store) -> None:
    """Once per process: train every run the selected claims need, side by side, so that the
    profile's parallel workers are used (one claim alone rarely has enough independent runs).
    Under pytest-xdist each process trains one run at a time and the locks share the work."""
    if getattr(session, "_xlt_prepared", False):
        return
    session._xlt_prepared = True
    from repro import plan as planner
    from repro import runner
    from repro.pipeline import build_models, resources

    specs = [item.spec for item in session.items if isinstance(item, ClaimItem)]
    _, runs = planner.plan_all(specs, profile, session.config.getoption("--seeds"))
    if profile.task_source == "hub":  # offline without the data: every claim fails, naming `repro prefetch`
        from repro.prefetch import check_available

        check_available(**resources(runs))
    if profile.model_source == "embedded":
        build_models(runs, progress=False)
    workers = 1 if hasattr(session.config, "workerinput") else profile.workers
    runner.run_all(runs, store, progress=False, workers=workers)


class ClaimFailure(Exception):
    def __init__(self, result):
        super().__init__(result.reason)
        self.result = result


def pytest_collect_file(parent, file_path):
    if file_path.suffix in (".yaml", ".yml") and file_path.parent == CLAIMS_DIR:
        return ClaimFile.from_parent(parent, path=file_path)
    return None


def pytest_sessionfinish(session, exitstatus):
    """Render the report once, on the controller, from what the claim items stored."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller reports
        return
    ids = [item.spec.id for item in session.items if isinstance(item, ClaimItem)]
    if not ids or session.config.option.collectonly:
        return
    from repro.pipeline import run_claims

    config = session.config
    report_dir = config.getoption("--report")
    outcome = run_claims(config.getoption("--profile"), seeds=config.getoption("--seeds"),
                         select=set(ids).__contains__, store_root=config.getoption("--store"),
                         report_dir=Path(report_dir) if report_dir else None, progress=False, train=False)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and outcome.report:
        reporter.ensure_newline()
        reporter.write_line(f"xlt-repro report: {outcome.report['html']}")
