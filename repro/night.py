"""The command line of a night on many GPUs: ``repro run``'s scale options, ``repro plan``'s simulated
schedule and disk, ``repro store merge``. Imports nothing heavy: the CLI loads it for every command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from repro.cost import DEFAULT_GPU, DEFAULT_MFU, run_cost
from repro.disk import night_disk
from repro.schedule import parse_shard, simulate

DEFAULT_PLAN_GPUS = (1, 8, 64)


def _shard(text: str) -> tuple[int, int]:
    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value
    return parse


def add_scale_options(parser: argparse.ArgumentParser) -> None:
    """``repro run``'s options for many GPUs, shards and batch jobs."""
    parser.add_argument("--gpus", type=_positive(int), metavar="N",
                        help="train N runs side by side, one GPU each (default: every visible GPU); on a machine "
                             "without GPUs, N CPU worker processes (default: the profile's)")
    parser.add_argument("--runs-per-gpu", type=_positive(int), default=1, metavar="K",
                        help="runs sharing one GPU (default 1; raise it only where a measurement shows it helps)")
    parser.add_argument("--checkpoint-minutes", type=_positive(float), metavar="M",
                        help="minutes of training between checkpoints (default: the profile's, 30)")
    parser.add_argument("--shard", type=_shard, metavar="I/N",
                        help="train only shard I of N of the runs (a target with its intermediate run); no report: "
                             "`repro store merge` the shards' stores, then `repro run` reports")
    parser.add_argument("--executor", choices=["slurm", "local"],
                        help="one batch job per run through submitit: slurm, or submitit's local executor "
                             "(jobs on this machine, to check the batch path)")
    parser.add_argument("--partition", help="Slurm partition of the jobs")
    parser.add_argument("--gpus-per-job", type=_positive(int), default=1, metavar="G",
                        help="GPUs (and processes, data-parallel) per job (default 1)")
    parser.add_argument("--timeout-min", type=_positive(int), default=24 * 60, metavar="MIN",
                        help="time limit per job in minutes; a run that needs longer is requeued and resumes")


def schedule_summary(runs: list, *, gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU,
                     gpus: list[int] | tuple[int, ...] | None = None) -> list[dict]:
    """Makespan (hours), GPU utilisation and peak disk of the plan's runs on each GPU count."""
    hours = {run.key: run_cost(run).gpu_hours(gpu, mfu) for run in runs}
    rows = []
    for count in gpus or DEFAULT_PLAN_GPUS:
        makespan, utilisation = simulate(runs, hours, count)
        rows.append({"gpus": count, "makespan_hours": makespan, "utilisation": utilisation,
                     "disk": night_disk(runs, count)})
    return rows


def _gb(size: int) -> str:
    return f"{size / 1e9:,.0f} GB"


def print_schedule(runs: list, *, gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU,
                   gpus: list[int] | None = None) -> None:
    """Print the simulated night (list scheduling in DAG order) and its disk for each GPU count."""
    rows = schedule_summary(runs, gpu=gpu, mfu=mfu, gpus=gpus)
    print(f"\nthe night on N GPUs ({gpu}, list scheduling in DAG order, one run per GPU; repro.schedule.simulate):")
    print(f"  {'GPUs':>5}  {'makespan':>12}  {'utilisation':>11}  {'peak disk':>12}")
    for row in rows:
        print(f"  {row['gpus']:>5}  {row['makespan_hours']:>10.1f} h  {row['utilisation']:>11.1%}  "
              f"{_gb(row['disk']['total_bytes']):>12}")
    disk = rows[0]["disk"]
    print(f"disk (repro.disk): the largest run needs {_gb(disk['largest_run_bytes'])} (two checkpoints of fp32 "
          f"weights + AdamW state while the newer one is written, selected weights, the encoders it writes and "
          f"starts from); the store keeps {_gb(disk['encoders_bytes'])} of intermediate encoders; peak disk adds "
          f"one largest checkpoint set per GPU")


def cmd_store_merge(args) -> int:
    from repro.store_merge import MergeConflict, merge_stores

    try:
        report = merge_stores(args.sources, args.into)
    except (MergeConflict, FileNotFoundError, ValueError) as exc:
        print(f"store merge: {exc}", file=sys.stderr)
        return 1
    print(f"merged {len(args.sources)} store(s) into {args.into}: {len(report.added)} run(s) added, "
          f"{len(report.replaced)} failed result(s) replaced by successful ones, {len(report.same)} already there")
    for line in report.untrusted:  # repro run trains these runs again
        print(f"store merge: left out {line}", file=sys.stderr)
    return 0


def register_store_cli(sub) -> None:
    """``repro store merge DIR... --into DIR``."""
    store = sub.add_parser("store", help="work with run stores")
    store_sub = store.add_subparsers(dest="store_cmd", required=True)
    p = store_sub.add_parser("merge", help="merge run stores (the shards of a night) into one")
    p.add_argument("sources", nargs="+", type=Path, metavar="DIR", help="stores to merge (store/<profile> folders)")
    p.add_argument("--into", type=Path, required=True, metavar="DIR", help="the store they go into")
    p.set_defaults(func=cmd_store_merge)
