"""What the suite prints while it works: one switch that quiets the libraries' own bars and logs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


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
