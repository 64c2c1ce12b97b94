"""``repro store merge``: the stores of several runners (the shards of a night) into one.

A store holds one folder per run, named by the RunSpec's key (:mod:`repro.store`). Merging copies
every run folder that has a ``result.json`` (with its ``runspec.json`` and, for intermediate runs,
its ``encoder/``), never a run's leftover ``checkpoints/`` (a resumable state that only the runner
that wrote it resumes).

Identical keys must hold identical results: two successful results of one key conflict when their
metrics differ, timings aside (keys ending in ``seconds`` and ``resumed_from``, which say how the run
went, not what it measured); a conflict stops the merge before anything is written, naming both
files. A successful result wins over a failed one (the failure was the machine's, the retry
worked); of two failed ones the first is kept.

Atomic: everything is checked first; each run folder is copied beside its place and renamed into
it, so a reader (or a crash) sees a run complete or not at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from repro.io import atomic_directory, read_json

RESULT = "result.json"
SKIPPED = ("checkpoints",)  # run-folder entries a merge leaves behind
VOLATILE = ("resumed_from",)  # plus every key ending in "seconds"


class MergeConflict(ValueError):
    """Two stores hold different results for one run key."""


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)  # keys new to the target store
    same: list[str] = field(default_factory=list)  # keys the target already held, kept as they were
    replaced: list[str] = field(default_factory=list)  # failed results replaced by successful ones


def comparable(value):
    """A result's metrics without the fields that record timing or resumption (recursively)."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if not (k.endswith("seconds") or k in VOLATILE)}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def run_folders(store: Path) -> dict[str, Path]:
    """Every run folder of a store that holds a result, by key (hidden folders and lock files skipped)."""
    if not store.is_dir():
        raise FileNotFoundError(f"no store folder at {store}")
    folders = {}
    for path in sorted(store.iterdir()):
        if path.is_dir() and not path.name.startswith(".") and (path / RESULT).is_file():
            runspec = path / "runspec.json"
            if runspec.is_file() and read_json(runspec).get("key", path.name) != path.name:
                raise ValueError(f"{runspec} names key {read_json(runspec)['key']!r}, not its folder's {path.name!r}")
            folders[path.name] = path
    return folders


def _choose(key: str, kept: Path, incoming: Path) -> Path:
    """Which of two folders with one key the merged store keeps; a conflict raises."""
    old, new = read_json(kept / RESULT), read_json(incoming / RESULT)
    old_ok, new_ok = old.get("status") == "ok", new.get("status") == "ok"
    if old_ok and new_ok:
        if comparable(old.get("metrics")) != comparable(new.get("metrics")):
            raise MergeConflict(f"run {key}: {kept / RESULT} and {incoming / RESULT} hold different metrics")
        return kept
    return incoming if new_ok and not old_ok else kept


def merge_stores(sources: Iterable[Path | str], into: Path | str) -> MergeReport:
    """Merge the run folders of ``sources`` into the store ``into`` (created if missing).

    Raises:
        MergeConflict: two successful results of one key whose metrics differ (nothing is written).
        FileNotFoundError: a source that is not a folder.
    """
    into = Path(into)
    chosen: dict[str, Path] = {}
    existing = run_folders(into) if into.exists() else {}
    for source in (Path(s) for s in sources):
        if source.resolve() == into.resolve():
            continue
        for key, folder in run_folders(source).items():
            current = chosen.get(key, existing.get(key))
            chosen[key] = folder if current is None else _choose(key, current, folder)
    report = MergeReport()
    into.mkdir(parents=True, exist_ok=True)
    for key, folder in sorted(chosen.items()):
        if key in existing and folder == existing[key]:
            report.same.append(key)
            continue
        (report.replaced if key in existing else report.added).append(key)
        with atomic_directory(into / key) as tmp:
            for entry in folder.iterdir():
                if entry.name in SKIPPED:
                    continue
                if entry.is_dir():
                    shutil.copytree(entry, tmp / entry.name)
                else:
                    shutil.copy2(entry, tmp / entry.name)
    return report
