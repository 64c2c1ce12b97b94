"""The night's schedule as pure functions: runs in DAG order, a simulated makespan, and shards.

A run's only dependency is its ``parent`` (the intermediate run whose encoder it starts from,
:class:`repro.runspec.RunSpec`). :class:`DagQueue` hands out runs in the order of the list it was
given (the plan's order: intermediate runs first) as soon as their parent has finished; the local
runner (:mod:`repro.parallel`) and :func:`simulate` use the same queue, so the simulated schedule
is the one ``repro run --gpus N`` follows. A leaf module: it reads only ``.key`` and ``.parent``
and imports nothing of ``repro``.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, Protocol, TypeVar


class Node(Protocol):
    """What the schedule reads of a run: its key and its parent's key (None without one)."""

    @property
    def key(self) -> str: ...

    @property
    def parent(self) -> str | None: ...


N = TypeVar("N", bound=Node)


class DagQueue(Generic[N]):
    """Runs in list order, each handed out once its parent (if it is in the list) has finished.

    A parent that is not in the list counts as finished (it is already in the store). Runs whose
    parent's run failed are still handed out: the runner stores them as failed with the reason.
    """

    def __init__(self, runs: Sequence[N]):
        self._runs = list(runs)
        keys = [r.key for r in self._runs]
        if len(set(keys)) != len(keys):
            raise ValueError("runs must have unique keys; deduplicate them first (plan_all does)")
        present = set(keys)
        self._children: dict[str, list[int]] = {}
        self._ready: list[int] = []  # a heap of positions in the list: earlier first
        self._waiting = 0
        for index, run in enumerate(self._runs):
            if run.parent is not None and run.parent in present:
                self._children.setdefault(run.parent, []).append(index)
                self._waiting += 1
            else:
                heapq.heappush(self._ready, index)
        self._handed_out = 0

    def __len__(self) -> int:
        """Runs not handed out yet (ready or waiting on a parent)."""
        return len(self._runs) - self._handed_out

    def pop(self) -> N | None:
        """The earliest ready run, or None when none is ready now."""
        if not self._ready:
            return None
        self._handed_out += 1
        return self._runs[heapq.heappop(self._ready)]

    def finish(self, key: str) -> list[N]:
        """Mark a handed-out run finished; returns the runs this releases."""
        released = self._children.pop(key, [])
        for index in released:
            heapq.heappush(self._ready, index)
        self._waiting -= len(released)
        return [self._runs[i] for i in released]

    def stuck(self) -> list[str]:
        """Keys of runs that can never be handed out (their parent never finishes: a cycle)."""
        return [self._runs[i].key for waiting in self._children.values() for i in waiting]


def dag_order(runs: Sequence[N]) -> list[N]:
    """``runs`` in the order one worker runs them: list order, each after its parent."""
    queue, ordered = DagQueue(runs), []
    while (run := queue.pop()) is not None:
        ordered.append(run)
        queue.finish(run.key)
    if len(ordered) != len(runs):
        raise ValueError(f"runs whose parents form a cycle: {sorted(queue.stuck())}")
    return ordered


def simulate(runs: Sequence[Node], durations: Mapping[str, float], gpus: int) -> tuple[float, float]:
    """List scheduling of ``runs`` on ``gpus`` identical devices, in the order :class:`DagQueue` gives.

    Whenever a device is free it takes the earliest ready run; a run is ready when its parent has
    finished. Returns ``(makespan, utilisation)``: the time the last run finishes (in the unit of
    ``durations``) and the busy share of ``gpus x makespan`` (0.0 when the makespan is 0).
    """
    if gpus < 1:
        raise ValueError(f"gpus must be at least 1, got {gpus}")
    missing = [r.key for r in runs if r.key not in durations]
    if missing:
        raise KeyError(f"no duration for run(s) {missing[:5]}")
    queue = DagQueue(runs)
    running: list[tuple[float, int, str]] = []  # (finish time, tie-break, key)
    now, free, started = 0.0, gpus, 0
    while True:
        while free and (run := queue.pop()) is not None:
            heapq.heappush(running, (now + float(durations[run.key]), started, run.key))
            started += 1
            free -= 1
        if not running:
            break
        now, _, key = heapq.heappop(running)
        free += 1
        queue.finish(key)
        # every run ending at the same instant frees its device before the next choice
        while running and running[0][0] == now:
            queue.finish(heapq.heappop(running)[2])
            free += 1
    if len(queue):
        raise ValueError(f"runs whose parents form a cycle: {sorted(queue.stuck())}")
    busy = sum(float(durations[r.key]) for r in runs)
    return now, (busy / (gpus * now) if now > 0 else 0.0)


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` (1 <= I <= N, as Playwright and Jest count shards) as ``(I, N)``."""
    parts = text.split("/")
    try:
        index, count = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"a shard is written I/N with whole numbers, e.g. 2/8; got {text!r}") from None
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"a shard I/N needs 1 <= I <= N; got {text!r}")
    return index, count


def root_key(run: Node, by_key: Mapping[str, Node]) -> str:
    """The key that decides a run's shard: its earliest ancestor's (a target's intermediate run's),
    else its own. A parent that is not in ``by_key`` still counts (its key is known)."""
    key, parent, seen = run.key, run.parent, set()
    while parent is not None and parent not in seen:
        seen.add(parent)
        key = parent
        parent = by_key[parent].parent if parent in by_key else None
    return key


def shard_of(key: str, count: int) -> int:
    """The shard (1..count) of a root key: a hash stable across machines and Python processes."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % count + 1


def select_shard(runs: Sequence[N], index: int, count: int) -> list[N]:
    """The runs of shard ``index`` of ``count``, in their order; a target always lands in the shard
    of its intermediate run, so every shard can run alone."""
    by_key = {r.key: r for r in runs}
    return [r for r in runs if shard_of(root_key(r, by_key), count) == index]


def device_slots(devices: Iterable[str], runs_per_gpu: int = 1) -> list[str]:
    """One entry per worker: the device it runs on, interleaved so that the first workers started
    take different devices (``["0", "1", "0", "1"]`` for two devices and two runs each)."""
    if runs_per_gpu < 1:
        raise ValueError(f"runs_per_gpu must be at least 1, got {runs_per_gpu}")
    devices = list(devices)
    return [d for _ in range(runs_per_gpu) for d in devices]
