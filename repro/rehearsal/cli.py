"""``repro rehearse mirror DIR`` and ``repro rehearse run DIR``: the offline rehearsal from the shell.

A rehearsal on a GPU runner reads the real hub (``repro run --profile full --rehearse``). Offline,
the libraries must read the mirror instead, and they read their cache variables once, at import:
``rehearse run`` therefore starts ``repro run --profile full --rehearse`` in a fresh process whose
environment points at the mirror (:func:`repro.rehearsal.environment`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from repro.rehearsal.mirror import build_mirror, environment


def _mirror(args):
    mirror = build_mirror(args.dir, rows=args.rows, seed=args.seed, synonym_table=args.synonym_table,
                          rebuild=getattr(args, "rebuild", False))
    if mirror.missing:
        print("the mirror lacks (runs that need them stop with a missing-resource error):", file=sys.stderr)
        for item in mirror.missing:
            print(f"  {item}", file=sys.stderr)
    return mirror


def cmd_mirror(args) -> int:
    mirror = _mirror(args)
    print(f"mirror at {mirror.root}: {len(mirror.datasets)} dataset configs, {len(mirror.models)} models, "
          f"Wikipedia shards in {len(mirror.mlm_languages)} languages, {len(mirror.muse)} MUSE dictionaries, "
          f"synonym table {'yes' if mirror.synonym_table else 'no'}")
    print("to read it in this shell (the variables must be set before Python starts):")
    for name, value in mirror.env.items():
        print(f"  export {name}={shlex.quote(value)}")
    print(f"or: repro rehearse run {shlex.quote(str(mirror.root))}")
    return 1 if mirror.missing else 0


def cmd_run(args) -> int:
    mirror = _mirror(args)
    command = [sys.executable, "-m", "repro.cli", "run", "--profile", args.profile, "--rehearse"]
    for option in ("seeds", "store", "report", "gpus"):
        if getattr(args, option) is not None:
            command += [f"--{option}", str(getattr(args, option))]
    command += (["--only", *args.only] if args.only else []) + (["--quiet"] if args.quiet else [])
    print(f"rehearsal of the {args.profile} profile, offline, on the mirror at {mirror.root}", flush=True)
    return subprocess.run(command, env={**os.environ, **environment(mirror.root)}, check=False).returncode


def register_cli(sub) -> None:
    """``repro rehearse {mirror,run}``."""
    rehearse = sub.add_parser("rehearse", help="the offline rehearsal of the full profile (a local mirror)")
    rehearse_sub = rehearse.add_subparsers(dest="rehearse_cmd", required=True)
    for name, help_text, func in (
        ("mirror", "build a local mirror of every dataset, model and table the full profile reads", cmd_mirror),
        ("run", "build the mirror if needed, then repro run --rehearse offline on it", cmd_run),
    ):
        p = rehearse_sub.add_parser(name, help=help_text)
        p.add_argument("dir", type=Path, metavar="DIR", help="where the mirror is (built there if absent)")
        p.add_argument("--rows", type=int, default=8, help="rows per split (default 8)")
        p.add_argument("--seed", type=int, default=0, help="seed of the made-up text, labels and weights")
        p.add_argument("--synonym-table", type=Path,
                       help="Robust-XLT's counterfitted_neighbors.json (default: the one in the suite's cache)")
        p.set_defaults(func=func)
        if name == "mirror":
            p.add_argument("--rebuild", action="store_true", help="build it again even if it is up to date")
        else:
            p.add_argument("--profile", default="full", help="the profile to rehearse (default: full)")
            # the options of `repro run` a rehearsal takes
            p.add_argument("--only", nargs="+", metavar="PATTERN", help="spec ids or glob patterns to run")
            p.add_argument("--seeds", type=int, help="seeds per claim (default: the rehearsal's, 1)")
            p.add_argument("--store", type=Path, help="where run results are kept (default: ./store)")
            p.add_argument("--report", type=Path, help="report folder (default: reports/<profile>-rehearsal)")
            p.add_argument("--gpus", type=int, metavar="N", help="runs side by side (default: the profile's)")
            p.add_argument("--quiet", action="store_true", help="no progress bars")

