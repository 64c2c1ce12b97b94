"""``repro store merge``: the stores of several runners (the shards of a night) into one.

A store holds one folder per run, named by the RunSpec's key (:mod:`repro.store`). Merging copies
every run folder that has a ``result.json`` (with its ``runspec.json`` and, for intermediate runs,
its ``encoder/``), never a run's leftover ``checkpoints/`` (a resumable state that only the runner
that wrote it resumes).

Identical keys must hold identical results: two successful results of one key conflict when their
metrics differ, timings aside (keys ending in ``seconds`` and ``resumed_from``, which say how the run
went, not what it measured); a conflict stops the merge before anything is written, naming both
files. A successful result wins over a failed one (the failure was the machine's, the retry
worked); of two failed ones the first is kept. A result the store would not trust (no or a wrong
checksum, unreadable, another run's: :func:`repro.store.result_problem`) is left out and named, as
``repro run`` would retrain it.

Atomic: everything is checked first; each run folder is copied beside its place and renamed into
it, so a reader (or a crash) sees a run complete or not at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from repro.io import atomic_directory, read_json
from repro.store import RESULT, result_problem

SKIPPED = ("checkpoints",)  # run-folder entries a merge leaves behind
VOLATILE = ("resumed_from",)  # plus every key ending in "seconds"


class MergeConflict(ValueError):
    """Two stores hold different results for one run key."""


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)  # keys new to the target store
    same: list[str] = field(default_factory=list)  # keys the target already held, kept as they were
    replaced: list[str] = field(default_factory=list)  # failed results replaced by successful ones
    untrusted: list[str] = field(default_factory=list)  # "<result.json>: why", left out of the merge


def comparable(value):
    """A result's metrics without the fields that record timing or resumption (recursively)."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if not (k.endswith("seconds") or k in VOLATILE)}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def run_folders(store: Path, untrusted: list[str] | None = None) -> dict[str, tuple[Path, dict]]:
    """Every run folder of a store with a result the store trusts, by key, with that result (hidden
    folders and lock files skipped); the others go to ``untrusted`` as "<result.json>: why"."""
    if not store.is_dir():
        raise FileNotFoundError(f"no store folder at {store}")
    folders = {}
    for path in sorted(store.iterdir()):
        if path.is_dir() and not path.name.startswith(".") and (path / RESULT).is_file():
            runspec = path / "runspec.json"
            if runspec.is_file() and read_json(runspec).get("key", path.name) != path.name:
                raise ValueError(f"{runspec} names key {read_json(runspec)['key']!r}, not its folder's {path.name!r}")
            try:
                result = read_json(path / RESULT)
                problem = result_problem(result, path.name)
            except (ValueError, OSError) as exc:
                problem = f"unreadable: {exc}"
            if problem:
                if untrusted is not None:
                    untrusted.append(f"{path / RESULT}: {problem}")
                continue
            folders[path.name] = (path, result)
    return folders


def _choose(key: str, kept: tuple[Path, dict], incoming: tuple[Path, dict]) -> tuple[Path, dict]:
    """Which of two folders with one key (and their results) the merged store keeps; a conflict raises."""
    (kept_path, old), (incoming_path, new) = kept, incoming
    old_ok, new_ok = old.get("status") == "ok", new.get("status") == "ok"
    if old_ok and new_ok:
        if comparable(old.get("metrics")) != comparable(new.get("metrics")):
            raise MergeConflict(f"run {key}: {kept_path / RESULT} and {incoming_path / RESULT} hold different metrics")
        return kept
    return incoming if new_ok and not old_ok else kept


def merge_stores(sources: Iterable[Path | str], into: Path | str) -> MergeReport:
    """Merge the run folders of ``sources`` into the store ``into`` (created if missing).

    Raises:
        MergeConflict: two successful results of one key whose metrics differ (nothing is written).
        FileNotFoundError: a source that is not a folder.
    """
    into = Path(into)
    report = MergeReport()
    chosen: dict[str, tuple[Path, dict]] = {}
    existing = run_folders(into, report.untrusted) if into.exists() else {}
    for source in (Path(s) for s in sources):
        if source.resolve() == into.resolve():
            continue
        for key, found in run_folders(source, report.untrusted).items():
            current = chosen.get(key, existing.get(key))
            chosen[key] = found if current is None else _choose(key, current, found)
    into.mkdir(parents=True, exist_ok=True)
    for key, (folder, _) in sorted(chosen.items()):
        if key in existing and folder == existing[key][0]:
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
