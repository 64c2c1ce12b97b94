"""What the suite prints while it works: its own progress (a bar on a terminal, one line per finished
step in logs), and one switch that quiets the libraries' own bars and logs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm.auto import tqdm
from tqdm.std import tqdm as std_tqdm

format_interval = std_tqdm.format_interval


@contextmanager
def quiet_libraries(quiet: bool = True) -> Iterator[None]:
    """No per-run progress bars or load reports from transformers and datasets inside the block.

    The suite shows its own progress (one bar over the runs); the libraries' bars and warnings for
    every tokenization and checkpoint load would bury it. Restores the previous settings after.
    """
    import datasets
    from transformers.utils import logging as hf_logging

    if not quiet:
        yield
        return
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    datasets_bars, datasets_verbosity = datasets.is_progress_bar_enabled(), datasets.logging.get_verbosity()
    hf_logging.set_verbosity_error()
    datasets.logging.set_verbosity_error()  # "Using the latest cached version..." for every offline load
    hf_logging.disable_progress_bar()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        datasets.logging.set_verbosity(datasets_verbosity)
        if bars:
            hf_logging.enable_progress_bar()
        if datasets_bars:
            datasets.enable_progress_bars()


class LineProgress:
    """A progress report for logs that are not a terminal (CI, ``nohup``, a pipe): one line per
    finished step, with the count, the elapsed time and an estimate of the time left, instead of a
    bar redrawn with carriage returns. The subset of tqdm's interface the suite uses."""

    def __init__(self, total: int, desc: str, unit: str, file: TextIO | None = None):
        self.total, self.desc, self.unit, self.n = total, desc, unit, 0
        self.file = file or sys.stderr
        self.started = time.monotonic()
        self.postfix = ""

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def update(self, n: int = 1) -> None:
        self.n += n
        elapsed = time.monotonic() - self.started
        left = elapsed / self.n * (self.total - self.n) if self.n else 0.0
        what = f": {self.postfix}" if self.postfix else ""
        print(f"{self.desc} {self.n}/{self.total} ({self.n / max(self.total, 1):.0%}) {format_interval(elapsed)} "
              f"elapsed, ~{format_interval(left)} left{what}", file=self.file, flush=True)

    def close(self) -> None:
        pass


def progress_bar(total: int, desc: str, unit: str, enabled: bool = True):
    """A tqdm bar on a terminal (counts, rate, time left), one line per step elsewhere
    (:class:`LineProgress`), nothing when not ``enabled`` (``--quiet``)."""
    if not enabled:
        return tqdm(total=total, disable=True)
    if sys.stderr.isatty():
        return tqdm(total=total, desc=desc, unit=unit)
    return LineProgress(total, desc, unit)


def stage(message: str, enabled: bool = True) -> None:
    """One line saying what a long step is doing (the encoder build's corpus, tokenizer, pretraining)."""
    if enabled:
        print(message, file=sys.stderr, flush=True)
