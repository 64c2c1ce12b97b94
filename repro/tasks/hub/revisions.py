"""The commits unpinned hub datasets resolve to, recorded so that they can be part of a RunSpec.

A dataset pinned to a full commit id is its own record. One read at a branch ("main",
"refs/convert/parquet") would let an upstream change pass unnoticed, so ``repro prefetch`` asks
the hub which commit the branch points to and records it in the suite's cache
(``<cache>/hub-revisions.json``); planning then keys every run on that commit (a new commit
upstream means new runs after the next prefetch), and offline planning reads the record.
"""

from __future__ import annotations

import re

from repro.io import cache_root, lock_for, read_json, write_json

FULL_COMMIT = re.compile(r"^[0-9a-f]{40}$")


def _record_path():
    return cache_root() / "hub-revisions.json"


def _records() -> dict[str, str]:
    path = _record_path()
    if not path.exists():
        return {}
    try:
        data = read_json(path)
    except ValueError:  # a damaged record is as good as none: the next prefetch rewrites it
        return {}
    return data if isinstance(data, dict) else {}


def resolved_commit(dataset_id: str, revision: str) -> str | None:
    """The commit ``revision`` of ``dataset_id`` stands for: itself when it is a full commit id,
    else the one ``repro prefetch`` recorded (None before any prefetch)."""
    if FULL_COMMIT.match(revision):
        return revision
    return _records().get(f"{dataset_id}@{revision}")


def record_commit(dataset_id: str, revision: str, commit: str) -> None:
    """Remember the commit a branch of a dataset resolved to (prefetch calls this online)."""
    if not FULL_COMMIT.match(commit):
        raise ValueError(f"{dataset_id}@{revision}: {commit!r} is not a full commit id")
    path = _record_path()
    with lock_for(path):
        records = _records()
        records[f"{dataset_id}@{revision}"] = commit
        write_json(path, records)


def resolve_online(dataset_id: str, revision: str) -> str:
    """Ask the hub which commit a branch of a dataset points to now (needs network)."""
    from huggingface_hub import HfApi

    info = HfApi().dataset_info(dataset_id, revision=revision)
    if not info.sha:
        raise ValueError(f"the hub gave no commit for {dataset_id}@{revision}")
    return info.sha


def describe(dataset_id: str, revision: str) -> str:
    """How a dataset's revision appears in a RunSpec: ``id@commit``, ``id@branch(commit)`` once
    resolved, ``id@branch(unresolved)`` before the first prefetch."""
    commit = resolved_commit(dataset_id, revision)
    if commit == revision:
        return f"{dataset_id}@{revision}"
    return f"{dataset_id}@{revision}({commit or 'unresolved'})"
