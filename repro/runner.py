"""Runner: executes the RunSpecs that are not in the store yet, one lock per run.

A run that raises is stored as failed with its traceback (the claim shows "error" with the
reason); a run that is interrupted leaves its Trainer checkpoints behind and resumes from them.
"""

from __future__ import annotations

import logging
import platform
import time
import traceback

from tqdm.auto import tqdm

from repro.plan import RunSpec
from repro.store import Store

log = logging.getLogger(__name__)


def execute(run: RunSpec, store: Store, *, progress: bool = True) -> dict:
    """Train and evaluate one RunSpec; returns its metrics."""
    from repro import train

    if run.stage == "finetune":
        return train.finetune(run, store, progress=progress)
    if run.stage == "intermediate":
        return train.intermediate(run, store, progress=progress)
    if run.stage == "encode":
        return train.encode(run, store)
    raise ValueError(f"unknown stage {run.stage!r}")


def ensure(run: RunSpec, store: Store, *, progress: bool = True, retry_failed: bool = True) -> dict:
    """The stored result of ``run``, training it first if needed. Parallel callers train it once."""
    result = store.get(run)
    if result is not None and (result["status"] == "ok" or not retry_failed):
        return result
    with store.lock(run):
        result = store.get(run)  # another worker may have finished it while we waited
        if result is not None and (result["status"] == "ok" or not retry_failed):
            return result
        if run.parent and not store.has_success(run.parent):
            result = {"status": "failed", "error": f"its intermediate run {run.parent} did not complete"}
        else:
            started = time.perf_counter()
            try:
                metrics = execute(run, store, progress=progress)
                result = {"status": "ok", "metrics": metrics}
            except KeyboardInterrupt:
                raise  # keep checkpoints; the next run resumes
            except Exception as exc:  # noqa: BLE001 - a failed run is data for the report
                log.exception("run %s failed", run.key)
                result = {"status": "failed", "error": "".join(traceback.format_exception(exc))}
            result["seconds"] = time.perf_counter() - started
        result["runspec"] = run.to_json()
        result["host"] = platform.node()
        store.put(run, result)
        return result


def run_all(runs: list[RunSpec], store: Store, *, progress: bool = True) -> dict[str, dict]:
    """Ensure every run (dependencies come first in ``runs``); returns results by key."""
    results = {}
    todo = [r for r in runs if not store.has_success(r)]
    bar = tqdm(total=len(todo), desc="runs", unit="run", disable=not progress or not todo)
    for run in runs:
        if store.has_success(run):
            results[run.key] = store.get(run)
            continue
        bar.set_postfix_str(run.describe()[:60])
        results[run.key] = ensure(run, store, progress=False)
        bar.update(1)
    bar.close()
    return results
