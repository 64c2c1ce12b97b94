"""pytest collects every runnable spec under claims/ as a test item named ``claim[<id>]``.

    pytest -k claim                      # every claim and hypothesis on the smoke profile
    pytest -k "claim and pawsx"          # a subset
    pytest -n 2 -k claim                 # pytest-xdist: runs shared by claims train once (file locks)
    pytest -k claim --profile=full --seeds=5 --report=reports/full

The flow is :mod:`repro.pipeline`'s, as for ``repro run``: the selected specs are planned, every
run they need trains once per process (side by side), and each item judges its spec from the
store. An item fails when a run crashed; on a profile whose verdicts count (full) it fails on a
verdict against the paper, and is an expected failure when inconclusive. On a profile that is a
scale analog (smoke) a claim's item checks that its runs and verdict were produced, asserts no
verdict, and the terminal summary counts those items; the controls' items assert their known
answer on every profile. A spec the profile cannot run is skipped as "not run: needs ...".
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
CLAIMS_DIR = ROOT / "claims"
# spec id -> whether its item asserted a verdict, from every item's report (under xdist the workers'
# reports reach the controller, which holds no items itself)
CLAIMS_RAN: dict[str, bool | None] = {}


def pytest_addoption(parser):
    group = parser.getgroup("xlt-repro")
    group.addoption("--profile", default="smoke", help="profile the claim items run on (default: smoke)")
    group.addoption("--seeds", type=int, default=None, help="seeds per claim (default: the profile's)")
    group.addoption("--report", default=None, help="report folder (default: reports/<profile>)")
    group.addoption("--store", default=None, help="run store root (default: ./store)")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: trains models or builds the encoder (minutes); "
                                       "deselect with -m 'not slow'")


class ClaimFile(pytest.File):
    def collect(self):
        from repro.spec import parse_file

        # a spec that fails to parse is a collection error, never a silent skip
        for spec in parse_file(self.path):
            if spec.kind != "background":
                yield ClaimItem.from_parent(self, name=f"claim[{spec.id}]", spec=spec)


class ClaimItem(pytest.Item):
    def __init__(self, *, spec, **kwargs):
        super().__init__(**kwargs)
        self.spec = spec
        # so that `-k "claim and pawsx"` selects by target task, and `-k hypothesis` by kind
        self.extra_keyword_matches.update({t.task for t in spec.targets} | {spec.kind})
        self.add_marker(pytest.mark.slow)

    def runtest(self):
        from repro import verify

        session = _claims_session(self.session)
        plan = session.plan_of(self.spec.id)
        self.user_properties.append(("spec_id", self.spec.id))
        if plan.not_run:
            pytest.skip(f"not run: {plan.not_run}")
        result = verify.verify(plan, session.results, session.profile.comparable,
                               rehearsal=session.profile.rehearsal)
        asserted = result.asserted
        self.user_properties += [("verdict", result.verdict), ("reason", result.reason),
                                 ("effect", None if result.effect is None else result.effect["mean"]),
                                 ("asserted", asserted)]
        if result.verdict == "error":
            raise ClaimFailure(result)
        if not asserted:
            return  # a scale analog: the runs and the verdict exist, which is what is checked
        if result.verdict == "inconclusive" and self.spec.kind != "control":
            pytest.xfail(f"inconclusive: {result.reason}")
        if result.failed:
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


def _claims_session(session):
    """Once per process: plan every selected spec and train every run they need, side by side (one
    claim alone rarely has enough independent runs to use the profile's workers). Under
    pytest-xdist each process trains one run at a time and the store's locks share the work."""
    if getattr(session, "_xlt_session", None) is None:
        from repro import pipeline

        config = session.config
        ids = {item.spec.id for item in session.items if isinstance(item, ClaimItem)}
        claims = pipeline.prepare(config.getoption("--profile"), seeds=config.getoption("--seeds"),
                                  select=ids.__contains__, store_root_dir=config.getoption("--store"))
        pipeline.check_resources(claims)  # offline without the data: every item fails, naming `repro prefetch`
        pipeline.build_models(claims, progress=False)
        pipeline.train(claims, progress=False, workers=1 if hasattr(config, "workerinput") else None)
        session._xlt_session = claims
    return session._xlt_session


class ClaimFailure(Exception):
    def __init__(self, result):
        super().__init__(result.reason)
        self.result = result


def pytest_collect_file(parent, file_path):
    if file_path.suffix in (".yaml", ".yml") and file_path.parent == CLAIMS_DIR:
        return ClaimFile.from_parent(parent, path=file_path)
    return None


def pytest_runtest_logreport(report):
    """Remember every claim item that ran, in this process or (under xdist) in a worker."""
    if report.when != "call" and not (report.when == "setup" and report.skipped):
        return
    properties = dict(report.user_properties)
    if "spec_id" in properties:
        CLAIMS_RAN[properties["spec_id"]] = properties.get("asserted")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Render the report once, on the controller, from what the claim items stored."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return  # an xdist worker: the controller reports
    ids = set(CLAIMS_RAN)
    if not ids:
        return
    from repro.pipeline import run_claims

    report_dir = config.getoption("--report")
    outcome = run_claims(config.getoption("--profile"), seeds=config.getoption("--seeds"), select=ids.__contains__,
                         store_root=config.getoption("--store"), report_dir=Path(report_dir) if report_dir else None,
                         progress=False, train_runs=False)
    config._xlt_report = outcome.report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    claims = CLAIMS_RAN
    if not claims:
        return
    unasserted = sorted(spec_id for spec_id, asserted in claims.items() if asserted is False)
    if unasserted:
        terminalreporter.write_line(
            f"xlt-repro: {len(unasserted)} claim item(s) ran without an asserted verdict "
            f"({config.getoption('--profile')} is a scale analog: their runs and verdicts were produced, "
            f"the verdicts are not evidence about the papers)")
    report = getattr(config, "_xlt_report", None)
    if report:
        terminalreporter.write_line(f"xlt-repro report: {report['html']}")
