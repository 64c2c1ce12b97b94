"""Checkpoints by elapsed time: a long run loses at most ``checkpoint_minutes`` of work when it is
killed or preempted, whatever its step rate, and writes few multi-gigabyte checkpoints.

The Trainer keeps only the newest checkpoint (``save_total_limit=1``) and deletes the older one
after the new one is written; the runner deletes the last one once the run's result is stored
(``repro.runner._keep``). The Trainer writes a checkpoint's ``trainer_state.json`` last
(``Trainer._save_checkpoint`` in transformers 5.x), so a folder that has it is complete:
:func:`complete_checkpoint` resumes from the newest such folder, and a process killed half-way
through a save resumes from the one before.

The interval travels in ``$XLT_REPRO_CHECKPOINT_MINUTES`` (set by :func:`checkpoint_interval`), so
it reaches worker processes and batch jobs without entering the RunSpec: it changes no number.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from transformers import TrainerCallback

CHECKPOINT_MINUTES_ENV = "XLT_REPRO_CHECKPOINT_MINUTES"
DEFAULT_CHECKPOINT_MINUTES = 30.0
# what the Trainer writes last into a checkpoint folder
COMPLETE_MARKER = "trainer_state.json"
_CHECKPOINT_NAME = re.compile(r"^checkpoint-(\d+)$")


def checkpoint_minutes() -> float:
    """The interval in force: ``$XLT_REPRO_CHECKPOINT_MINUTES``, else 30 minutes."""
    text = os.environ.get(CHECKPOINT_MINUTES_ENV)
    if not text:
        return DEFAULT_CHECKPOINT_MINUTES
    try:
        minutes = float(text)
    except ValueError:
        raise ValueError(f"${CHECKPOINT_MINUTES_ENV} must be a number of minutes, got {text!r}") from None
    if not minutes > 0:
        raise ValueError(f"${CHECKPOINT_MINUTES_ENV} must be positive, got {text!r}")
    return minutes


@contextmanager
def checkpoint_interval(minutes: float | None) -> Iterator[None]:
    """Set the interval for this process and the processes it starts; restore it afterwards.
    None leaves what is set."""
    if minutes is None:
        yield
        return
    if not minutes > 0:
        raise ValueError(f"checkpoint_minutes must be positive, got {minutes}")
    before = os.environ.get(CHECKPOINT_MINUTES_ENV)
    os.environ[CHECKPOINT_MINUTES_ENV] = str(minutes)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CHECKPOINT_MINUTES_ENV, None)
        else:
            os.environ[CHECKPOINT_MINUTES_ENV] = before


class TimedCheckpoints(TrainerCallback):
    """Ask the Trainer to save when ``minutes`` have passed since training began or since the last save.

    In a launched job every rank must agree on a save: rank 0's clock decides, broadcast each step.
    """

    def __init__(self, minutes: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.seconds = 60.0 * (checkpoint_minutes() if minutes is None else minutes)
        if not self.seconds > 0:
            raise ValueError(f"checkpoint minutes must be positive, got {minutes}")
        self.clock = clock
        self.last = clock()

    def on_train_begin(self, args, state, control, **kwargs):
        self.last = self.clock()  # loading and tokenizing do not count: no training to lose yet

    def on_step_end(self, args, state, control, **kwargs):
        due = self.clock() - self.last >= self.seconds
        if _agree(due, args):
            control.should_save = True
        return control

    def on_save(self, args, state, control, **kwargs):
        self.last = self.clock()


def _agree(flag: bool, args) -> bool:
    """Rank 0's ``flag`` on every rank of a launched job (the same value in a single process)."""
    if getattr(args, "world_size", 1) <= 1:
        return flag
    import torch
    import torch.distributed as dist

    if not dist.is_available() or not dist.is_initialized():
        return flag
    value = torch.tensor([int(flag)], device=args.device)
    dist.broadcast(value, src=0)
    return bool(value.item())


def complete_checkpoint(directory: Path | str) -> str | None:
    """The newest complete Trainer checkpoint under ``directory`` (one with ``trainer_state.json``),
    or None. A folder without it was being written when the process died."""
    directory = Path(directory)
    if not directory.is_dir():
        return None
    found = [(int(m.group(1)), path) for path in directory.iterdir()
             if path.is_dir() and (m := _CHECKPOINT_NAME.match(path.name)) and (path / COMPLETE_MARKER).exists()]
    return str(max(found)[1]) if found else None
