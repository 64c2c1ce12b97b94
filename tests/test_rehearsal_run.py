"""The offline rehearsal of the whole full profile: every run of its plan executed on the CPU, with
the network off, on a local mirror of the hub data and models, through the loaders that read the hub.

This is the check that a night on GPU runners will run: each executed run is one of the plan's, none
ends in error, every spec of the report has a verdict or a plan-time "not run", and the report says
on every page that it is a rehearsal. About 5 minutes on 2 cores (the mirror, 15-40 s, included).
"""

from __future__ import annotations

import json
import os

import pytest

from helpers import needs_shared, repro_cli, shared_path

pytestmark = [pytest.mark.slow, needs_shared("data/counterfitted_neighbors.json", "REPRO_SYNONYM_TABLE")]


def _repro(*args, env=None, timeout=1800):
    done = repro_cli(*args, env=env, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    root = tmp_path_factory.mktemp("rehearsal")
    # nothing of this process's caches may leak in: the rehearsal reads the mirror alone
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "XLT_REPRO", "TRANSFORMERS_"))}
    table = shared_path("data/counterfitted_neighbors.json", "REPRO_SYNONYM_TABLE")
    rc, out, err = _repro("rehearse", "run", str(root / "mirror"), "--synonym-table", str(table),
                          "--store", str(root / "store"), "--report", str(root / "report"), "--quiet", env=env)
    return root, rc, out, err


def test_every_planned_run_executes_offline_and_none_fails(rehearsal):
    root, rc, out, err = rehearsal
    assert rc == 0, out[-3000:] + err[-5000:]
    rc, plan_json, plan_err = _repro("plan", "--profile", "full", "--rehearse", "--format", "json")
    assert rc == 0, plan_err[-3000:]
    planned = {run["key"] for run in json.loads(plan_json)["runs"]}
    stored = {path.parent.name: json.loads(path.read_text())
              for path in (root / "store" / "full-rehearsal").glob("*/result.json")}
    assert set(stored) == planned  # one to one: nothing left out, nothing extra
    failed = {key: result.get("error", "")[-500:] for key, result in stored.items() if result["status"] != "ok"}
    assert not failed
    # the rehearsal is in every RunSpec, so no real profile's run is among these
    assert all(result["runspec"]["hyperparameters"].get("rehearsal") for result in stored.values())
    assert f"({len(planned)} run(s) trained)" in out


def test_the_report_gives_every_spec_a_verdict_and_says_rehearsal(rehearsal):
    root, rc, out, err = rehearsal
    assert rc == 0, err[-3000:]
    data = json.loads((root / "report" / "results.json").read_text())
    assert data["profile"] == "full-rehearsal" and data["rehearsal"] is True and data["comparable"] is False
    verdicts = {claim["id"]: claim["verdict"] for claim in data["claims"]}
    assert "error" not in verdicts.values()
    # a spec that does not run says at plan time what it needs
    assert all("needs" in claim["reason"] for claim in data["claims"] if claim["verdict"] == "not run")
    assert set(data["runs"]) and all(run["status"] == "ok" for run in data["runs"].values())
    html = (root / "report" / "index.html").read_text()
    markdown = (root / "report" / "report.md").read_text()
    assert "Rehearsal: these are not results." in html and "Rehearsal: these are not results." in markdown
    for claim_id in verdicts:
        assert f'id="claim-{claim_id}"' in html
