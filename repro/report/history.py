"""Verdicts and effects across reports: what changed between two runs (``repro diff``) and over many
(``repro report --history``).

Each report's ``results.json`` is a snapshot. A spec's row is keyed by its id, and a spec read
several ways also has one row per reading (``id/reading``). Between two consecutive snapshots a row

- *flips* when its verdict changes, or, on a scale analog where every spec reads "not comparable",
  when the verdict rule's answer to the measurement (``measured_verdict``) changes;
- *moves* when its effect changes by more than the 95% interval allows: each run's mean lies outside
  the other's interval (the change exceeds the half-width of both intervals; of the one interval
  there is, when the other run had one seed). Without any interval a move cannot be judged.

Older results.json files (before ``schema_version``) are read too: their time and commit come from
their ``environment``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from repro.io import write_text
from repro.report.schema import ResultsFileError, read_results, results_path
from repro.report.templating import templates
from repro.report.text import interval


@dataclass(frozen=True)
class Entry:
    """One row of one snapshot: a spec, or one reading of it."""

    id: str
    reading: str | None
    kind: str
    verdict: str
    measured: str | None
    mean: float | None
    low: float | None
    high: float | None

    @property
    def key(self) -> str:
        return self.id if self.reading is None else f"{self.id}/{self.reading}"

    @property
    def half_width(self) -> float | None:
        if self.mean is None or self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2

    def effect_text(self) -> str:
        if self.mean is None:
            return "–"
        return interval({"mean": self.mean, "ci_low": self.low, "ci_high": self.high})

    def verdict_text(self) -> str:
        if self.verdict == "not comparable" and self.measured:
            return f"not comparable (measured: {self.measured})"
        return self.verdict


@dataclass
class Snapshot:
    """One report's results, reduced to what the history compares."""

    source: str
    generated: str
    commit: str
    profile: str
    comparable: bool
    entries: dict[str, Entry] = field(default_factory=dict)
    when: datetime | None = None


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def _entry(claim: dict, reading: dict | None) -> Entry:
    source = reading if reading is not None else claim
    effect = source.get("effect") or {}
    return Entry(claim["id"], reading["name"] if reading is not None else None, claim.get("kind", "claim"),
                 source.get("verdict", "unknown"), source.get("measured_verdict"), _number(effect.get("mean")),
                 _number(effect.get("ci_low")), _number(effect.get("ci_high")))


def _parse_time(text: str) -> datetime | None:
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M UTC"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=timezone.utc)
        except (TypeError, ValueError):
            continue
    return None


def snapshot(data: dict, source: str) -> Snapshot:
    """A snapshot of a parsed results.json (any schema version)."""
    env = data.get("environment") or {}
    generated = data.get("generated") or env.get("generated") or "unknown time"
    commit = data.get("git_commit") or str(env.get("git_commit", "unknown")).split(" ")[0]
    if data.get("git_dirty") or str(env.get("git_commit", "")).endswith("(uncommitted changes)"):
        commit += "+dirty"
    snap = Snapshot(source, generated, commit, str(data.get("profile", "unknown")), bool(data.get("comparable")),
                    when=_parse_time(generated))
    for claim in data["claims"]:
        entries = [_entry(claim, None)]
        readings = claim.get("readings") or []
        if len(readings) > 1:
            entries += [_entry(claim, reading) for reading in readings]
        for entry in entries:
            snap.entries[entry.key] = entry
    return snap


def load_snapshot(path: Path | str) -> Snapshot:
    """The snapshot of a results.json file or a report folder."""
    file = results_path(path)
    return snapshot(read_results(file), str(file))


def expand_paths(paths: list[Path | str]) -> list[Path]:
    """Every results.json that ``paths`` name: a file, a report folder, or a folder of report folders.

    Raises:
        ResultsFileError: for a path that holds no results.json at all.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_file() or (path / "results.json").is_file():
            found.append(results_path(path))
        elif path.is_dir() and (below := sorted(path.rglob("results.json"))):
            found += below
        else:
            raise ResultsFileError(f"{path}: expected a results.json file, a report folder, or a folder of them")
    return list(dict.fromkeys(found))


def load_history(paths: list[Path | str]) -> list[Snapshot]:
    """The snapshots ``paths`` name, oldest first (by their generated time; unknown times keep their order
    ahead of the dated ones)."""
    snaps = [load_snapshot(p) for p in expand_paths(paths)]
    undated = [s for s in snaps if s.when is None]
    dated = sorted((s for s in snaps if s.when is not None), key=lambda s: s.when or datetime.min)
    return undated + dated


@dataclass(frozen=True)
class Change:
    """How one row changed from one snapshot to the next."""

    key: str
    old: Entry | None
    new: Entry | None
    flip: bool
    moved: bool | None  # None: no interval to judge by, or a side is missing

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        if self.flip:
            return "verdict flip"
        if self.moved:
            return "effect moved"
        return "unchanged"

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None or self.old.mean is None or self.new.mean is None:
            return None
        return self.new.mean - self.old.mean


def is_flip(old: Entry, new: Entry) -> bool:
    if old.verdict != new.verdict:
        return True
    return (old.verdict == "not comparable" and old.measured is not None and new.measured is not None
            and old.measured != new.measured)


def has_moved(old: Entry, new: Entry) -> bool | None:
    if old.mean is None or new.mean is None:
        return None
    widths = [w for w in (old.half_width, new.half_width) if w is not None]
    if not widths:
        return None
    return abs(new.mean - old.mean) > max(widths)


def compare(old: Snapshot, new: Snapshot) -> list[Change]:
    """Every row of either snapshot (the new one's order, then rows only the old one has)."""
    keys = list(new.entries) + [k for k in old.entries if k not in new.entries]
    changes = []
    for key in keys:
        before, after = old.entries.get(key), new.entries.get(key)
        if before is None or after is None:
            changes.append(Change(key, before, after, flip=False, moved=None))
        else:
            changes.append(Change(key, before, after, flip=is_flip(before, after), moved=has_moved(before, after)))
    return changes


_MARKS = {"verdict flip": "!", "effect moved": "~", "added": "+", "removed": "-", "unchanged": " "}


def summary_line(changes: list[Change]) -> str:
    counts = {status: sum(c.status == status for c in changes) for status in _MARKS}
    return (f"{counts['verdict flip']} verdict flip(s), {counts['effect moved']} effect(s) moved beyond their "
            f"intervals, {counts['added']} added, {counts['removed']} removed, {counts['unchanged']} unchanged")


def _describe(snap: Snapshot) -> str:
    return f"{snap.source} ({snap.profile} profile, {snap.generated}, commit {snap.commit})"


def diff_text(old: Snapshot, new: Snapshot, changes: list[Change]) -> str:
    """The terminal view of :func:`compare`: one line per row, marked ``!`` (verdict flip), ``~`` (effect
    moved beyond its interval), ``+`` (added) or ``-`` (removed)."""
    lines = [f"old: {_describe(old)}", f"new: {_describe(new)}"]
    if old.profile != new.profile:
        lines.append(f"note: the profiles differ ({old.profile} vs {new.profile}): their numbers are not comparable")
    width = max((len(c.key) for c in changes), default=10)
    for change in changes:
        mark = _MARKS[change.status]
        if change.old is None or change.new is None:
            entry = change.new or change.old
            assert entry is not None  # compare() makes a row from an entry on at least one side
            lines.append(f"{mark} {change.key:<{width}}  {change.status}: {entry.verdict_text()}, "
                         f"{entry.effect_text()}")
            continue
        verdict = change.new.verdict_text() if not change.flip else \
            f"{change.old.verdict_text()} -> {change.new.verdict_text()}"
        delta = ""
        if change.delta is not None:
            judged = {True: ", beyond the intervals", False: "", None: ", no interval to judge by"}[change.moved]
            delta = f"  (change {change.delta:+.2f}{judged})"
        lines.append(f"{mark} {change.key:<{width}}  {verdict}; {change.old.effect_text()} -> "
                     f"{change.new.effect_text()}{delta}")
    lines.append(summary_line(changes))
    return "\n".join(lines)


@dataclass
class HistoryRow:
    key: str
    indent: bool
    cells: list[dict]  # per snapshot: {"entry": Entry | None, "status": str}


def history_rows(snaps: list[Snapshot]) -> list[HistoryRow]:
    """Per row, its entry in every snapshot with its change from the snapshot before."""
    keys: list[str] = []
    for snap in reversed(snaps):  # the newest run's order first, then rows only older runs have
        keys += [k for k in snap.entries if k not in keys]
    out = []
    for key in keys:
        cells, previous = [], None
        for snap in snaps:
            entry = snap.entries.get(key)
            status = "" if entry is None else "first" if previous is None else \
                Change(key, previous, entry, is_flip(previous, entry), has_moved(previous, entry)).status
            cells.append({"entry": entry, "status": status})
            previous = entry if entry is not None else previous
        out.append(HistoryRow(key, "/" in key, cells))
    return out


def history_text(snaps: list[Snapshot]) -> str:
    """The terminal view of a history: per row, one line per run, marked as in :func:`diff_text`."""
    lines = [f"{len(snaps)} report(s), oldest first:"]
    lines += [f"  [{i + 1}] {_describe(s)}" for i, s in enumerate(snaps)]
    for row in history_rows(snaps):
        lines.append(("  " if row.indent else "") + row.key)
        for i, cell in enumerate(row.cells):
            entry = cell["entry"]
            if entry is None:
                continue
            mark = _MARKS.get(cell["status"], " ")
            note = f"  <- {cell['status']}" if cell["status"] in ("verdict flip", "effect moved") else ""
            lines.append(f"  {mark} [{i + 1}] {snaps[i].generated} {snaps[i].commit:<14} "
                         f"{entry.verdict_text():<40} {entry.effect_text()}{note}")
    return "\n".join(lines)


def write_history(snaps: list[Snapshot], out_dir: Path | str) -> dict[str, Path]:
    """Write ``history.html`` and ``history.md`` (a table: rows by spec and reading, columns by run,
    changes marked) into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = {"snaps": snaps, "rows": history_rows(snaps), "marks": _MARKS,
               "changes": compare(snaps[-2], snaps[-1]) if len(snaps) > 1 else []}
    paths = {"html": out_dir / "history.html", "markdown": out_dir / "history.md"}
    write_text(paths["html"], templates(True).get_template("history.html.j2").render(**context))
    write_text(paths["markdown"], templates(False).get_template("history.md.j2").render(**context))
    return paths
