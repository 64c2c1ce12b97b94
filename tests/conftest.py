"""Fixtures the tests share (helpers that are plain functions live in ``helpers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers import CLAIMS_DIR, assert_valid_results


@pytest.fixture(scope="session")
def committed_specs():
    """Every spec under the project's claims/, loaded once."""
    from repro.spec import load_specs

    return load_specs([CLAIMS_DIR])



# every results.json the tests of this process write, and how many of them were checked
_RESULTS: dict = {"written": [], "checked": 0, "wrapped": False}


def _record_results_writes() -> None:
    """Wrap repro.report.writer.write_results so that each results.json written is recorded, once the
    module is imported (test modules that render reports import it at collection; importing it here
    would slow every other test run by seconds)."""
    writer = sys.modules.get("repro.report.writer")
    if writer is None or _RESULTS["wrapped"]:
        return
    original = writer.write_results

    def recording(path, payload):
        out = original(path, payload)
        _RESULTS["written"].append(Path(out))
        return out

    writer.write_results = recording
    _RESULTS["wrapped"] = True


@pytest.fixture(scope="session", autouse=True)
def _record_results_for_the_session():
    """Set up before any module-scoped fixture, so that reports written by those are recorded too."""
    _record_results_writes()


@pytest.fixture(autouse=True)
def _results_follow_the_schema():
    """After each test, every results.json written since the last check (by the test or by a fixture it
    used) must be strict JSON that follows repro/data/results.schema.json (tests/helpers.py)."""
    _record_results_writes()
    yield
    _record_results_writes()
    new = _RESULTS["written"][_RESULTS["checked"]:]
    _RESULTS["checked"] = len(_RESULTS["written"])
    for path in new:
        if path.exists():
            assert_valid_results(path)


# the specs of the made-up report: several readings and generalized pairs (robust-xlt-pawsx), attack
# readings (the adversarial research question), eight targets and language groups (the XTREME-R question),
# a selection (x-stilts-best-per-target-xtreme), equivalence (x-stilts-xnli-no-benefit), failing runs
# (robust-xlt-xnli-generalized-improves) and a control
FAKE_REPORT_SPECS = ("robust-xlt-pawsx", "robust-xlt-xnli-generalized-improves", "x-stilts-best-per-target-xtreme",
                     "x-stilts-xnli-no-benefit", "rq-multilingual-vs-english-intermediate-xtreme-r",
                     "rq-adversarial-robustness-multilingual-intermediate-xnli-copa",
                     "control-planted-label-noise-pawsx")


@pytest.fixture(scope="session")
def fake_report(tmp_path_factory):
    """A whole report from made-up run results (tests/report_fakes.py), written once per session (seconds of
    plotting, no training): ``(FakeReport, {"html", "markdown", "json"} paths)``."""
    from report_fakes import write_fake_report

    return write_fake_report(tmp_path_factory.mktemp("fake-report"), FAKE_REPORT_SPECS,
                             failing=frozenset({"robust-xlt-xnli-generalized-improves"}))
