"""`repro` command line: claims, sources, prefetch, run, report."""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

from repro import spec as specs_mod
from repro.cost import DEFAULT_GPU, DEFAULT_MFU, GPU_PEAK_TFLOPS
from repro.io import dumps_json, strict_json
from repro.night import add_scale_options, print_schedule, register_store_cli, schedule_summary
from repro.provenance import register_cli as register_sources_cli
from repro.rehearsal.cli import register_cli as register_rehearse_cli

# --- argument checks: a bad value stops argparse with a message and exit status 2 ------------


def seed_count(text: str) -> int:
    """``--seeds``: a whole number from 1 to spec.MAX_SEEDS."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= specs_mod.MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"expected a whole number of seeds from 1 to {specs_mod.MAX_SEEDS}, "
                                         f"got {text!r}")
    return value


def profile_name(text: str) -> str:
    """``--profile``: one of the profiles in repro.profiles."""
    from repro.profiles import PROFILES

    if text not in PROFILES:
        raise argparse.ArgumentTypeError(f"unknown profile {text!r}; expected one of {', '.join(sorted(PROFILES))}")
    return text


def _unwritable(args) -> str | None:
    """Why the store or the report folder cannot be written (read-only, full), checked before any
    training; None when both can."""
    from repro.io import probe_writable, reports_root, store_root
    from repro.profiles import get_profile
    from repro.store import describe_os_error

    profile = get_profile(args.profile, rehearse=getattr(args, "rehearse", False)).name  # as prepare() names it
    folders = {"store": (Path(args.store or store_root()) / profile, "--store or $XLT_REPRO_STORE"),
               "report folder": (Path(args.report or reports_root() / profile), "--report")}
    for what, (folder, option) in folders.items():
        try:
            probe_writable(folder)
        except OSError as exc:
            return f"the {what} {folder} cannot be written: {describe_os_error(exc)}; choose another with {option}"
    return None


EXIT_UNWRITABLE = 3  # the store or the report folder cannot be written
UNWRITABLE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _claims_rows(specs) -> list[dict]:
    rows = []
    for s in specs:
        runnable = s.kind != "background"
        rows.append({
            "id": s.id,
            "kind": s.kind,
            "arxiv": s.source.arxiv if s.kind != "control" else None,
            "version": s.source.version if s.kind != "control" else None,
            "title": s.title,
            "task": ",".join(t.task for t in s.targets) if runnable else None,
            "setting": s.setting if runnable else None,
            "reported": s.reported.value if s.kind == "claim" else None,
            "tolerance": s.tolerance if s.kind == "claim" else None,
            "expected": s.expected.direction if s.kind in ("hypothesis", "control") else None,
            "seeds": s.seeds if runnable else None,
            "treatment": (s.treatment.label or "treatment") if runnable else None,
        })
    return rows


def cmd_claims_list(args) -> int:
    specs = specs_mod.load_specs(args.paths or None)
    if args.kind:
        specs = [s for s in specs if s.kind == args.kind]
    rows = _claims_rows(specs)
    if args.format == "json":
        print(dumps_json(rows))
        return 0
    import pandas as pd

    table = pd.DataFrame(rows)[["id", "kind", "arxiv", "task", "setting", "reported", "tolerance", "seeds"]]
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 40):
        print(table.fillna("").to_string(index=False))
    return 0


def cmd_claims_show(args) -> int:
    specs = {s.id: s for s in specs_mod.load_specs(args.paths or None)}
    if args.id not in specs:
        close = [i for i in specs if args.id in i]
        print(f"no spec with id {args.id!r}" + (f"; did you mean one of {close}?" if close else ""),
              file=sys.stderr)
        return 2
    print(json.dumps(strict_json(specs[args.id].model_dump(mode="json", exclude_none=True)), indent=2,
                     ensure_ascii=False, allow_nan=False))
    return 0


def cmd_claims_validate(args) -> int:
    try:
        specs = specs_mod.load_specs(args.paths or None)
    except specs_mod.SpecError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    counts = {k: sum(s.kind == k for s in specs) for k in ("claim", "hypothesis", "control", "background")}
    print(f"ok: {len(specs)} specs ({', '.join(f'{v} {k}' for k, v in counts.items())})")
    return 0


def _check_selection(args) -> int | None:
    """Refuse a selection that matches no spec (instead of writing an empty report over the last one)."""
    select = _select(args.only)
    if select is None:
        return None
    ids = [s.id for s in specs_mod.load_specs() if s.kind != "background"]
    if any(select(i) for i in ids):
        return None
    close = [i for i in ids if any(p.strip("*").split("*")[0] in i for p in args.only)][:8]
    print(f"--only {' '.join(args.only)} matches no runnable spec" + (f"; did you mean {close}?" if close else
          "; `repro claims list` shows them"), file=sys.stderr)
    return 2


def cmd_run(args) -> int:
    from repro.launch import is_main_process
    from repro.lifecycle import new_invocation
    from repro.pipeline import run_claims

    refused = _check_selection(args)
    if refused is not None:
        return refused
    unwritable = _unwritable(args)
    if unwritable:
        print(f"repro: {unwritable}", file=sys.stderr)
        return EXIT_UNWRITABLE
    new_invocation()  # the runs this command trains are counted as its own
    executor = None
    if args.executor:
        from functools import partial

        from repro.submit import train_session

        executor = partial(train_session, cluster=args.executor, partition=args.partition,
                           gpus_per_job=args.gpus_per_job, timeout_min=args.timeout_min)
    outcome = run_claims(args.profile, seeds=args.seeds, select=_select(args.only), store_root=args.store,
                         rehearse=args.rehearse,
                         report_dir=args.report, progress=not args.quiet, gpus=args.gpus,
                         runs_per_gpu=args.runs_per_gpu, checkpoint_minutes=args.checkpoint_minutes,
                         shard=args.shard, executor=executor)
    if not is_main_process():  # the other processes of an `accelerate launch` job: rank 0 prints
        return 1 if any(r.verdict == "error" for r in outcome.results) else 0
    if args.shard:
        failed = sorted(key for key, result in outcome.runs.items() if result["status"] != "ok")
        print(f"shard {args.shard[0]}/{args.shard[1]}: {len(outcome.runs)} runs, {len(failed)} failed, "
              f"{outcome.trained} trained" + (f"; failed: {', '.join(failed)}" if failed else ""))
        return 1 if failed else 0
    for result in outcome.results:
        effect = f"{result.effect['mean']:+.2f}" if result.effect else "–"
        print(f"{result.verdict:>15}  {effect:>7}  {result.id}")
    if outcome.report:
        print(f"report: {outcome.report['html']}  ({_trained_counts(outcome)})")
    return 1 if any(r.verdict == "error" for r in outcome.results) else 0


def _trained_counts(outcome) -> str:
    """How many runs this command trained, and how many another command on the same store did meanwhile."""
    text = f"{outcome.trained} run(s) trained"
    if outcome.trained_elsewhere:
        text += f" here, {outcome.trained_elsewhere} by another process on the same store meanwhile"
    return text


def _select(patterns):
    import fnmatch

    if not patterns:
        return None
    return lambda spec_id: any(fnmatch.fnmatch(spec_id, pattern) for pattern in patterns)


def cmd_plan(args) -> int:
    """Print every unique run of the plan by stage, its steps and GPU-hours, per spec and in total."""
    from repro import cost
    from repro.pipeline import prepare

    session = prepare(args.profile, seeds=args.seeds, select=_select(args.only), rehearse=args.rehearse)
    summary = cost.summarize(session.plans, session.runs, gpu=args.gpu, mfu=args.mfu)
    if args.format == "json":
        if session.profile.model_source == "hub":
            summary["schedule"] = schedule_summary(session.runs, gpu=args.gpu, mfu=args.mfu, gpus=args.gpus)
        print(dumps_json(summary))
        return 0
    import pandas as pd

    rows = pd.DataFrame([{
        "stage": r["stage"], "model": r["model"].split("/")[-1], "task": r["task"], "source": r["source"],
        "languages": ",".join(r["languages"]) if len(r["languages"]) <= 4 else f"{len(r['languages'])} languages",
        "examples": r["examples"], "steps": r["steps"], "GPU-h": r["gpu_hours"]} for r in summary["runs"]])
    for column in ("examples", "steps"):  # whole numbers, "-" where a run has none (retrieval)
        rows[column] = rows[column].map(lambda v: "-" if v is None or v != v else f"{int(v):,}")
    gpu = session.profile.model_source == "hub"
    print(f"profile {session.profile.name}: {len(session.runs)} unique runs "
          f"({summary['total']['naive_runs']} if every spec trained its own)")
    with pd.option_context("display.max_rows", None, "display.width", 200):
        for stage in ("intermediate", "finetune", "encode"):
            part = rows[rows.stage == stage].drop(columns=[] if gpu else ["GPU-h"]) if len(rows) else rows
            if len(part):
                print(f"\n{stage} ({len(part)} runs)")
                print(part.drop(columns=["stage"]).fillna("-").to_string(index=False, float_format="%.2f"))
    print("\nper spec")
    for claim in summary["claims"]:
        state = f"not run: {claim['not_run']}" if claim["not_run"] else f"{claim['runs']} runs"
        hours = f", {claim['gpu_hours']:.1f} GPU-h" if gpu and not claim["not_run"] else ""
        skipped = f"; targets not run: {', '.join(claim['skipped_targets'])}" if claim["skipped_targets"] else ""
        print(f"  {claim['id']}: {state}{hours}{skipped}")
    if gpu:
        total = summary["total"]
        print(f"\ntotal: {total['gpu_hours']:.1f} GPU-hours on {args.gpu} at {args.mfu:.0%} of peak "
              f"({total['naive_gpu_hours']:.1f} if every spec trained its own runs); "
              "cost model: README, 'What a night costs'")
        print_schedule(session.runs, gpu=args.gpu, mfu=args.mfu, gpus=args.gpus)
    return 0


def cmd_prefetch(args) -> int:
    from repro.pipeline import prefetch_profile

    prefetch_profile(args.profile)
    return 0


def cmd_diff(args) -> int:
    """Print what changed between two reports; 1 on a verdict flip, 2 when a report cannot be read."""
    from repro.report.history import compare, diff_text, load_snapshot
    from repro.report.schema import ResultsFileError

    try:
        old, new = load_snapshot(args.old), load_snapshot(args.new)
    except ResultsFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    changes = compare(old, new)
    print(diff_text(old, new, changes))
    return 1 if any(c.flip for c in changes) else 0


def cmd_report(args) -> int:
    """Verdicts and effects across earlier reports (``--history``), in the terminal and, with ``--out``,
    as history.html and history.md."""
    from repro.report.history import history_text, load_history, write_history
    from repro.report.schema import ResultsFileError

    try:
        snaps = load_history(args.history)
    except ResultsFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(history_text(snaps))
    if args.out:
        paths = write_history(snaps, args.out)
        print(f"history: {paths['html']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repro", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    claims = sub.add_parser("claims", help="list, show and validate claim specs")
    claims_sub = claims.add_subparsers(dest="claims_cmd", required=True)
    p = claims_sub.add_parser("list", help="list specs")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--kind", choices=["claim", "hypothesis", "control", "background"])
    p.add_argument("paths", nargs="*", type=Path)
    p.set_defaults(func=cmd_claims_list)
    p = claims_sub.add_parser("show", help="show one spec as JSON")
    p.add_argument("id")
    p.add_argument("paths", nargs="*", type=Path)
    p.set_defaults(func=cmd_claims_show)
    p = claims_sub.add_parser("validate", help="validate spec files (default: claims/)")
    p.add_argument("paths", nargs="*", type=Path)
    p.set_defaults(func=cmd_claims_validate)

    p = sub.add_parser("run", help="train, evaluate and verify every runnable claim; write the report")
    p.add_argument("--profile", default="smoke", type=profile_name,
                   help="smoke (default, CPU, minutes) or full (GPU, the papers' setup)")
    p.add_argument("--seeds", type=seed_count, help="seeds per claim (default: the profile's, else the spec's)")
    p.add_argument("--only", nargs="+", metavar="PATTERN", help="spec ids or glob patterns to run")
    p.add_argument("--store", type=Path, help="where run results are kept (default: ./store)")
    p.add_argument("--report", type=Path, help="report folder (default: reports/<profile>)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--rehearse", action="store_true",
                   help="every run of the profile's plan at tiny scale, in a store and report of its own")
    add_scale_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("plan", help="every run a profile would train, with steps and estimated GPU-hours")
    p.add_argument("--profile", default="smoke", type=profile_name)
    p.add_argument("--seeds", type=seed_count, help="seeds per claim (default: the profile's, else the spec's)")
    p.add_argument("--only", nargs="+", metavar="PATTERN", help="spec ids or glob patterns")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--gpu", choices=sorted(GPU_PEAK_TFLOPS), default=DEFAULT_GPU, help="GPU kind for the estimate")
    p.add_argument("--mfu", type=float, default=DEFAULT_MFU, help="sustained share of the GPU's bf16 peak")
    p.add_argument("--rehearse", action="store_true", help="the plan of the profile's rehearsal")
    p.add_argument("--gpus", type=int, nargs="+", metavar="N",
                   help="simulate the night on N GPUs (default: 1, 8 and 64)")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("prefetch", help="download the datasets, models and tables a profile needs")
    p.add_argument("--profile", default="full", type=profile_name)
    p.set_defaults(func=cmd_prefetch)

    register_store_cli(sub)
    register_rehearse_cli(sub)

    p = sub.add_parser("diff", help="what changed between two reports (exit 1 on a verdict flip)")
    p.add_argument("old", type=Path, help="the earlier results.json, or its report folder")
    p.add_argument("new", type=Path, help="the later results.json, or its report folder")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("report", help="verdicts and effects across earlier reports")
    p.add_argument("--history", nargs="+", type=Path, required=True, metavar="PATH",
                   help="results.json files, report folders, or folders holding report folders")
    p.add_argument("--out", type=Path, help="also write history.html and history.md into this folder")
    p.set_defaults(func=cmd_report)

    sources_parser = sub.add_parser("sources", help="arXiv records behind the specs")
    register_sources_cli(sources_parser.add_subparsers(dest="sources_cmd", required=True))

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except specs_mod.SpecError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except Exception as exc:
        from repro.hub_access import MissingResourceError
        from repro.store import StoreWriteError, describe_os_error

        if isinstance(exc, MissingResourceError):
            print(exc, file=sys.stderr)
            return 2
        if isinstance(exc, StoreWriteError):
            print(f"repro: {exc}", file=sys.stderr)
            return EXIT_UNWRITABLE
        if isinstance(exc, OSError) and exc.errno in UNWRITABLE_ERRNOS:  # the report folder, a cache
            print(f"repro: cannot write: {describe_os_error(exc)}", file=sys.stderr)
            return EXIT_UNWRITABLE
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
