"""`pytest -n 2 -k claim` (pytest-xdist) gives the serial run's numbers and writes the report.

The controller of an xdist session holds no items, so the report is rendered from the items'
reports that reach it; this runs two PAWS-X claims that share their baseline runs on the micro
profile both ways, in fresh pytest processes, and compares what each wrote. (On micro a claim's item
asserts no verdict, so both sessions pass whatever the numbers.)
"""

import json
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from helpers import REPO

pytestmark = pytest.mark.slow  # trains on the micro profile, builds an encoder or starts processes

CLAIMS = ("robust-xlt-pawsx-adversarial", "robust-xlt-pawsx-random-perturbation")


def _claims_pytest(root, *extra):
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", " or ".join(CLAIMS),
               "--profile=micro", f"--store={root / 'store'}", f"--report={root / 'report'}",
               "claims/robust-xlt.yaml", *extra]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, json.loads((root / "report" / "results.json").read_text())


def _by_claim(results):
    return {claim["id"]: (claim["verdict"], claim["effect"]) for claim in results["claims"]}


def test_xdist_writes_the_report_with_the_serial_numbers(tmp_path):
    serial_out, serial = _claims_pytest(tmp_path / "serial", f"--junitxml={tmp_path / 'junit.xml'}")
    parallel_out, parallel = _claims_pytest(tmp_path / "xdist", "-n", "2")
    assert "xlt-repro report:" in serial_out and "xlt-repro report:" in parallel_out
    assert (tmp_path / "xdist" / "report" / "index.html").is_file()
    assert set(_by_claim(parallel)) == set(CLAIMS)
    assert _by_claim(parallel) == _by_claim(serial)
    # the runs the two claims share (the plain baseline) trained once: one result per run
    assert parallel["runs"].keys() == serial["runs"].keys()
    assert len(list((tmp_path / "xdist" / "store").rglob("result.json"))) == len(parallel["runs"])
    # JUnit XML for CI: each claim item carries its verdict and effect as properties
    cases = ElementTree.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    properties = {case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")} for case in cases}
    for claim_id, (verdict, effect) in _by_claim(serial).items():
        item = properties[f"claim[{claim_id}]"]
        assert item["verdict"] == verdict and float(item["effect"]) == pytest.approx(effect["mean"])
