"""Helpers the tests share: where the project and the steering folder's data are.

The seed documents, the arXiv metadata and Robust-XLT's synonym table live outside the repository
(``../shared``); tests that need them are skipped, with the reason, where they are missing (set
REPRO_SEEDS_DIR / REPRO_ARXIV_METADATA / REPRO_SYNONYM_TABLE to point at them).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CLAIMS_DIR = REPO / "claims"


def repro_cli(*args, env: dict | None = None, cwd: Path | str = REPO,
              timeout: float = 600) -> subprocess.CompletedProcess:
    """``repro ARGS`` in a new process (``python -m repro.cli``), with its output captured as text."""
    return subprocess.run([sys.executable, "-m", "repro.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def shared_path(name: str, env: str | None = None) -> Path | None:
    """``name`` under the steering folder's shared/ (beside the repository, or inside it), or the path
    an environment variable gives; None when neither exists."""
    candidates = [os.environ.get(env) if env else None]
    for folder in (REPO, *REPO.parents):
        candidates.append(str(folder / "shared" / name))
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def needs_shared(name: str, env: str):
    """A skip marker for a test that needs ``shared/<name>``."""
    return pytest.mark.skipif(shared_path(name, env) is None,
                              reason=f"shared/{name} not found: set {env} to point at it")


def assert_valid_results(path: Path | str) -> dict:
    """Check a report's results.json: strict JSON (no NaN or Infinity) and, where the ``jsonschema``
    package is installed (the test extra), valid against repro/data/results.schema.json. Returns it."""
    from repro.report.schema import loads_strict, schema_problems

    data = loads_strict(Path(path).read_text(encoding="utf-8"))
    try:
        problems = schema_problems(data)
    except ImportError:
        return data
    assert not problems, f"{path} breaks the results.json schema:\n" + "\n".join(problems[:20])
    return data
