"""Runner: executes the RunSpecs that are not in the store yet, one lock per run.

A run that raises is stored as failed with its traceback (the claim shows "error" with the
reason); a run that is interrupted leaves its Trainer checkpoints behind and resumes from them.
"""

from __future__ import annotations

import logging
import platform
import shutil
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
            result = {"status": "failed", "error": f"its intermediate run {run.parent} did not complete",
                      "seconds": 0.0}
        else:
            started = time.perf_counter()
            try:
                metrics = execute(run, store, progress=progress)
                result = {"status": "ok", "metrics": metrics}
            except (KeyboardInterrupt, SystemExit):
                raise  # keep checkpoints; the next run resumes
            except BaseException as exc:  # noqa: BLE001 - a failed run is data for the report
                # (BaseException: a Rust panic inside tokenizers is not an Exception)
                log.exception("run %s failed", run.key)
                result = {"status": "failed", "error": "".join(traceback.format_exception(exc))}
            result["seconds"] = time.perf_counter() - started
        result["runspec"] = run.to_json()
        result["host"] = platform.node()
        store.put(run, result)
        if result["status"] == "ok":  # resumable checkpoints are only needed until the result exists
            shutil.rmtree(store.checkpoint_dir(run), ignore_errors=True)
        return result


def quiet_libraries() -> None:
    """No per-run progress bars or load reports from the libraries: the runner shows one bar."""
    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _ensure_in_worker(run: RunSpec, root: str) -> dict:
    quiet_libraries()
    return ensure(run, Store(root), progress=False)


def run_all(runs: list[RunSpec], store: Store, *, progress: bool = True, workers: int = 1) -> dict[str, dict]:
    """Ensure every run; returns results by key.

    Intermediate runs go first (targets start from their checkpoints). With ``workers`` > 1,
    independent runs train in parallel processes: on a CPU, two one-thread runs side by side use
    two cores far better than one run with two threads (tiny matrices, thread barriers).
    """
    results = {r.key: store.get(r) for r in runs if store.has_success(r)}
    todo = [r for r in runs if r.key not in results]
    bar = tqdm(total=len(todo), desc="runs", unit="run", disable=not progress or not todo)
    waves = [[r for r in todo if r.stage == "intermediate"], [r for r in todo if r.stage != "intermediate"]]
    if workers <= 1 or len(todo) <= 1:
        if todo:
            quiet_libraries()
        for run in (r for wave in waves for r in wave):
            bar.set_postfix_str(run.describe()[:60])
            results[run.key] = ensure(run, store, progress=False)
            bar.update(1)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn, not fork: forking a process whose OpenMP runtime is initialised can hang the child
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for wave in waves:
                futures = {pool.submit(_ensure_in_worker, run, str(store.root)): run for run in wave}
                for future in as_completed(futures):
                    run = futures[future]
                    results[run.key] = future.result()
                    bar.set_postfix_str(run.describe()[:60])
                    bar.update(1)
    bar.close()
    return results
