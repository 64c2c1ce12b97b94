"""Store: run results keyed by RunSpec hash; atomic writes; one lock per run.

Layout: ``<root>/<key>/result.json`` (metrics, or the failure and its reason),
``<root>/<key>/runspec.json``, and for intermediate runs ``<root>/<key>/encoder/`` (the
checkpoint every target task that starts from it reuses). A result file appears only complete:
it is written to a temporary file and renamed, so a crash never leaves half a result.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from repro.plan import RunSpec

DEFAULT_ROOT = Path(os.environ.get("XLT_REPRO_STORE", Path(__file__).resolve().parent.parent / "store"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: readers see all of it or none."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


class Store:
    def __init__(self, root: Path | str = DEFAULT_ROOT):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def run_dir(self, run: RunSpec | str) -> Path:
        key = run if isinstance(run, str) else run.key
        return self.root / key

    def encoder_dir(self, run: RunSpec | str) -> Path:
        return self.run_dir(run) / "encoder"

    def checkpoint_dir(self, run: RunSpec | str) -> Path:
        """Where the trainer keeps resumable checkpoints while a run is in progress."""
        return self.run_dir(run) / "checkpoints"

    def get(self, run: RunSpec | str) -> dict | None:
        path = self.run_dir(run) / "result.json"
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def has_success(self, run: RunSpec | str) -> bool:
        result = self.get(run)
        return result is not None and result.get("status") == "ok"

    def put(self, run: RunSpec, result: dict) -> None:
        atomic_write_json(self.run_dir(run) / "runspec.json", run.to_json())
        atomic_write_json(self.run_dir(run) / "result.json", result)

    @contextmanager
    def lock(self, run: RunSpec | str, timeout: float = -1):
        """Held while a run trains, so parallel workers that need the same run train it once."""
        key = run if isinstance(run, str) else run.key
        self.root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / f"{key}.lock"), timeout=timeout):
            yield
