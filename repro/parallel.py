"""Run-level parallelism on one machine: N worker processes kept busy in DAG order.

Each worker is a process of its own that trains one run at a time. On a GPU machine every worker
sees one device (``CUDA_VISIBLE_DEVICES`` set before it touches CUDA), so N GPUs train N runs side
by side; on a CPU the workers are the profile's side-by-side processes. A run's targets are handed
out as soon as the run has finished (:class:`repro.schedule.DagQueue`), never in waves.

Several runs on one GPU (``runs_per_gpu`` > 1) is a hook, default 1: raise it only where a
measurement shows that small runs sharing a device finish sooner than one after another (memory
and throughput of the run sizes at hand), not by guess.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from repro.lifecycle import die_with_parent
from repro.schedule import DagQueue, N, device_slots


def visible_gpus() -> list[str]:
    """The GPUs this process may use, as ``CUDA_VISIBLE_DEVICES`` names them (ids or UUIDs);
    an empty list without CUDA."""
    import torch

    if not torch.cuda.is_available():
        return []
    count = torch.cuda.device_count()
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed:  # the parent's own restriction: workers take from it, by the names it uses
        names = [name.strip() for name in listed.split(",") if name.strip()]
        return names[:count]
    return [str(i) for i in range(count)]


def worker_devices(gpus: int | None, runs_per_gpu: int = 1, visible: Sequence[str] | None = None) -> list[str]:
    """The device of each worker for ``repro run --gpus N``: every visible GPU when ``gpus`` is
    None, else the first ``gpus`` of them (an error naming what is visible when there are fewer).
    Empty on a machine without GPUs: the caller keeps the profile's CPU workers."""
    visible = list(visible_gpus() if visible is None else visible)
    if not visible:
        return []
    wanted = len(visible) if gpus is None else gpus
    if not 1 <= wanted <= len(visible):
        raise ValueError(f"--gpus {wanted}: this machine shows {len(visible)} GPU(s) ({','.join(visible)}); "
                         f"ask for 1 to {len(visible)}")
    return device_slots(visible[:wanted], runs_per_gpu)


def _take_slot(slots, parent_pid: int) -> None:
    """Worker initializer: die with the parent (no orphan keeps training when ``repro run`` is
    killed), then take one device from the queue and keep to it (before CUDA starts)."""
    die_with_parent(parent_pid)
    device = slots.get()
    if device is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = device


def run_dag(runs: Sequence[N], work: Callable[[N], dict], *, workers: int,
            devices: Sequence[str] = ()) -> Iterator[tuple[N, dict]]:
    """Yield ``(run, work(run))`` as runs finish, with at most ``workers`` in flight.

    ``work`` runs in spawned worker processes (picklable, module-level). ``devices`` lists one
    device per worker (:func:`worker_devices`); empty: workers are not pinned. A run is submitted
    only when a worker is free, so the queue's order, not the pool's, decides what runs next.
    """
    if devices and len(devices) != workers:
        raise ValueError(f"one device per worker expected: {workers} workers, {len(devices)} devices")
    queue = DagQueue(runs)
    context = multiprocessing.get_context("spawn")  # forking a process with OpenMP started can hang
    slots = context.Queue()
    pinned: list[str | None] = list(devices) or [None] * workers
    for device in pinned:
        slots.put(device)
    running: dict[Future, N] = {}
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_take_slot,
                             initargs=(slots, os.getpid())) as pool:
        while True:
            while len(running) < workers and (run := queue.pop()) is not None:
                running[pool.submit(work, run)] = run
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                run = running.pop(future)
                result = future.result()
                queue.finish(run.key)
                yield run, result
    if len(queue):
        raise ValueError(f"runs whose parents form a cycle: {sorted(queue.stuck())}")
