"""Files the suite writes and where they live: one atomic writer, one lock rule, one cache root,
and the project folders (claims/, store/, reports/) found from where the user stands.

A leaf module: it imports nothing of ``repro``, so every other module may use it.

- Writes are atomic (a temporary file beside the target, then ``os.replace``) and get the
  permissions the user's umask gives a new file, so a report is readable by a web server or a
  colleague exactly when any other file the user creates would be.
- JSON is strict: NaN and infinities become ``null`` (strict parsers reject them), and
  ``write_json`` never writes them.
- A lock is a ``filelock.FileLock`` on ``<target>.lock`` beside what it protects.
- The suite's cache is ``$XLT_REPRO_CACHE``, else ``$XDG_CACHE_HOME/xlt-repro``, else
  ``~/.cache/xlt-repro`` (read when called, so a test can point it elsewhere).
- The project root is the nearest folder, from the current directory upwards, that holds a
  ``claims/`` folder (as git finds its repository), or ``$XLT_REPRO_PROJECT``. The store and the
  reports default to ``<root>/store`` and ``<root>/reports``; ``$XLT_REPRO_STORE`` and
  ``$XLT_REPRO_REPORTS`` or command-line options override them. Nothing is resolved from where
  the package is installed.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock

PROJECT_ENV = "XLT_REPRO_PROJECT"
CACHE_ENV = "XLT_REPRO_CACHE"
STORE_ENV = "XLT_REPRO_STORE"
REPORTS_ENV = "XLT_REPRO_REPORTS"


class ProjectNotFoundError(FileNotFoundError):
    """No folder from the current directory upwards holds a ``claims/`` folder."""


# --- permissions ------------------------------------------------------------------------------


def _umask() -> int:
    # os.umask can only be read by setting it; set it back at once (process-wide, not thread-safe,
    # so read it once at import)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def file_mode() -> int:
    """The mode a new regular file gets under the user's umask (0o644 under the usual 022)."""
    return 0o666 & ~_UMASK


def dir_mode() -> int:
    return 0o777 & ~_UMASK


# --- atomic writes ----------------------------------------------------------------------------


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: readers see the old file or all of the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, file_mode())  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path | str, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def strict_json(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (recursively), tuples as lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


def dumps_json(value: Any, *, indent: int | None = 2) -> str:
    """Strict JSON text (no NaN/Infinity), keys sorted, non-ASCII kept."""
    return json.dumps(strict_json(value), indent=indent, sort_keys=True, ensure_ascii=False, allow_nan=False,
                      default=str)


def write_json(path: Path | str, value: Any) -> Path:
    return write_text(path, dumps_json(value) + "\n")


def read_json(path: Path | str) -> Any:
    """Parse a JSON file; a file that is not valid JSON raises ValueError naming the file."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc})") from exc


def probe_writable(folder: Path | str) -> None:
    """Create ``folder`` if needed and write and remove a small file in it; raises the OSError a
    read-only, full or forbidden folder gives."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".write-check-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    write_bytes(probe, b"ok")
    probe.unlink()


@contextmanager
def atomic_directory(target: Path | str) -> Iterator[Path]:
    """Yield a temporary folder beside ``target`` that replaces ``target`` when the block succeeds.

    A crash leaves no half-written folder at ``target`` (the temporary one is removed).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{target.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(mode=dir_mode())
    try:
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# --- locks ------------------------------------------------------------------------------------


def lock_for(path: Path | str, timeout: float = -1) -> FileLock:
    """The lock that guards ``path``: ``<path>.lock`` beside it (waits forever unless ``timeout``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock", timeout=timeout)


# --- where things live ------------------------------------------------------------------------


def cache_root() -> Path:
    """The suite's own cache: embedded models, the synonym table, full texts of papers."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base).expanduser() if base else Path.home() / ".cache") / "xlt-repro"


def find_project_root(start: Path | str | None = None) -> Path | None:
    """The nearest folder from ``start`` (default: the current directory) upwards with a ``claims/``
    folder, or ``$XLT_REPRO_PROJECT`` when set; None when there is none."""
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV]).expanduser().resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "claims").is_dir():
            return folder
    return None


def project_root(start: Path | str | None = None) -> Path:
    root = find_project_root(start)
    if root is None:
        raise ProjectNotFoundError(
            f"no claims/ folder in {Path(start or Path.cwd()).resolve()} or any folder above it: run inside an "
            f"xlt-repro project, set ${PROJECT_ENV}, or give the spec files or folders explicitly")
    return root


def claims_dir() -> Path:
    return project_root() / "claims"


def _default_dir(env: str, name: str) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env]).expanduser()
    root = find_project_root()
    return (root if root is not None else Path.cwd()) / name


def store_root() -> Path:
    """``$XLT_REPRO_STORE``, else ``<project>/store`` (``./store`` outside a project)."""
    return _default_dir(STORE_ENV, "store")


def reports_root() -> Path:
    """``$XLT_REPRO_REPORTS``, else ``<project>/reports`` (``./reports`` outside a project)."""
    return _default_dir(REPORTS_ENV, "reports")
