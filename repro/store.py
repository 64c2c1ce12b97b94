"""Store: run results keyed by RunSpec hash; atomic writes; one lock per run.

Layout: ``<root>/<key>/result.json`` (metrics, or the failure and its reason),
``<root>/<key>/runspec.json``, and for intermediate runs ``<root>/<key>/encoder/`` (the
checkpoint every target task that starts from it reuses). A result file appears only complete:
it is written to a temporary file and renamed, so a crash never leaves half a result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from repro.io import lock_for, read_json, store_root, write_json
from repro.runspec import RunSpec


class Store:
    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else store_root()
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
        return read_json(path)

    def has_success(self, run: RunSpec | str) -> bool:
        result = self.get(run)
        return result is not None and result.get("status") == "ok"

    def put(self, run: RunSpec, result: dict) -> None:
        write_json(self.run_dir(run) / "runspec.json", run.to_json())
        write_json(self.run_dir(run) / "result.json", result)

    @contextmanager
    def lock(self, run: RunSpec | str, timeout: float = -1) -> Iterator[None]:
        """Held while a run trains, so parallel workers that need the same run train it once."""
        with lock_for(self.run_dir(run), timeout=timeout):
            yield
