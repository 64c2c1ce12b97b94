"""Store: run results keyed by RunSpec hash; atomic writes; one lock per run; checksummed results.

Layout: ``<root>/<key>/result.json`` (metrics, or the failure and its reason),
``<root>/<key>/runspec.json``, and for intermediate runs ``<root>/<key>/encoder/`` (the
checkpoint every target task that starts from it reuses). A result file appears only complete:
it is written to a temporary file and renamed, so a crash never leaves half a result.

Every result carries ``checksum``: the SHA-256 of the canonical JSON of everything else in it
(:func:`result_checksum`). :meth:`Store.get` reads a result only when it parses, its checksum
matches and it belongs to the run asked for; a truncated, corrupt or hand-edited file is reported
(a warning naming the file) and treated as absent, so the run trains again and :meth:`Store.put`
keeps the rejected file beside the new one (``result.rejected-<id>.json``). Nothing unverified is
ever read as complete.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import Timeout

from repro.io import dumps_json, lock_for, probe_writable, read_json, store_root, strict_json, write_bytes, write_json
from repro.runspec import RunSpec

log = logging.getLogger(__name__)

CHECKSUM = "checksum"
RESULT = "result.json"
# a key names one folder of the store: a plain name, never a path (RunSpec keys are 16 hex digits)
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class StoreWriteError(RuntimeError):
    """The store could not be written (read-only, full, no permission); the message names the path."""


def result_checksum(result: dict) -> str:
    """``sha256:<hex>`` of the canonical JSON (sorted keys, no spaces, NaN as null) of ``result``
    without its ``checksum`` field."""
    body = {k: v for k, v in result.items() if k != CHECKSUM}
    canonical = json.dumps(strict_json(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           allow_nan=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def result_problem(result, key: str) -> str | None:
    """Why a parsed result.json cannot be trusted as the result of run ``key``; None when it can."""
    if not isinstance(result, dict):
        return f"not a JSON object (a {type(result).__name__})"
    if CHECKSUM not in result:
        return "without a checksum (written by hand or by an older version)"
    if result[CHECKSUM] != result_checksum(result):
        return "changed since it was written (its checksum does not match its content)"
    if result.get("status") not in ("ok", "failed"):
        return f"of unknown status {result.get('status')!r}"
    stored_key = (result.get("runspec") or {}).get("key") if isinstance(result.get("runspec"), dict) else None
    if stored_key is not None and stored_key != key:
        return f"the result of another run ({stored_key})"
    return None


def describe_os_error(exc: OSError) -> str:
    """An OSError as a user reads it: what happened and where."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
              errno.EPERM: "permission denied", errno.ENOTDIR: "a file is in the way, not a folder",
              errno.EEXIST: "a file is in the way, not a folder"}.get(exc.errno or 0, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{reason}{where}"


class Store:
    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else store_root()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreWriteError(f"cannot create the store folder {self.root}: {describe_os_error(exc)}; "
                                  f"choose another with --store or $XLT_REPRO_STORE") from exc
        self._reported: set[tuple] = set()

    def run_dir(self, run: RunSpec | str) -> Path:
        key = run if isinstance(run, str) else run.key
        if not _KEY.fullmatch(key):
            raise ValueError(f"store key {key!r} is not a plain name (expected a RunSpec key, 16 hex digits)")
        return self.root / key

    def encoder_dir(self, run: RunSpec | str) -> Path:
        return self.run_dir(run) / "encoder"

    def checkpoint_dir(self, run: RunSpec | str) -> Path:
        """Where the trainer keeps resumable checkpoints while a run is in progress."""
        return self.run_dir(run) / "checkpoints"

    def result_path(self, run: RunSpec | str) -> Path:
        return self.run_dir(run) / RESULT

    def get(self, run: RunSpec | str) -> dict | None:
        """The run's verified result, or None: absent, or present but not trustworthy (reported once)."""
        path = self.result_path(run)
        if not path.exists():
            return None
        try:
            result = read_json(path)
        except (ValueError, OSError) as exc:
            self._report(path, f"unreadable: {exc}")
            return None
        problem = result_problem(result, path.parent.name)
        if problem:
            self._report(path, problem)
            return None
        return result

    def _report(self, path: Path, problem: str) -> None:
        seen: tuple[str, int | None, int | None]
        try:
            stat = path.stat()
            seen = (str(path), stat.st_mtime_ns, stat.st_size)
        except OSError:
            seen = (str(path), None, None)
        if seen not in self._reported:  # get() is asked several times per run: say it once
            self._reported.add(seen)
            log.warning("store: ignoring %s: %s; the run is treated as not done and trains again", path, problem)

    def has_success(self, run: RunSpec | str) -> bool:
        result = self.get(run)
        return result is not None and result.get("status") == "ok"

    def put(self, run: RunSpec, result: dict) -> None:
        """Write the run's result (with its checksum) atomically; a result already there that does
        not verify is kept as ``result.rejected-<id>.json``. Raises StoreWriteError naming the file."""
        record = json.loads(dumps_json(result))  # exactly what a reader will parse back
        record[CHECKSUM] = result_checksum(record)
        path = self.result_path(run)
        try:
            self._set_aside_unverified(path)
            write_json(self.run_dir(run) / "runspec.json", run.to_json())
            write_bytes(path, (dumps_json(record) + "\n").encode("utf-8"))
        except OSError as exc:
            raise StoreWriteError(f"cannot write the result of run {run.key} to the store: "
                                  f"{describe_os_error(exc)}") from exc

    def _set_aside_unverified(self, path: Path) -> None:
        if not path.exists():
            return
        try:
            problem = result_problem(read_json(path), path.parent.name)
        except (ValueError, OSError):
            problem = "unreadable"
        if problem:
            os.replace(path, path.with_name(f"result.rejected-{uuid.uuid4().hex[:8]}.json"))

    def check_writable(self) -> None:
        """Raise StoreWriteError when a file cannot be created in the store (read-only, full)."""
        try:
            probe_writable(self.root)
        except OSError as exc:
            raise StoreWriteError(f"the store {self.root} cannot be written: {describe_os_error(exc)}; "
                                  f"choose another with --store or $XLT_REPRO_STORE") from exc

    @contextmanager
    def lock(self, run: RunSpec | str, timeout: float = -1) -> Iterator[None]:
        """Held while a run trains, so parallel workers that need the same run train it once."""
        lock = None
        try:
            lock = lock_for(self.run_dir(run), timeout=timeout)
            lock.acquire()
        except Timeout:
            raise
        except OSError as exc:
            raise StoreWriteError(f"cannot take the lock of run {run if isinstance(run, str) else run.key} in "
                                  f"the store: {describe_os_error(exc)}") from exc
        try:
            yield
        finally:
            lock.release()
