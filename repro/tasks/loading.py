"""One entry point for a task's data, whatever its source (the embedded benchmark or the hub)."""

from __future__ import annotations

from functools import lru_cache

from repro.embedded import load_embedded_task
from repro.embedded import task_revision as embedded_task_revision
from repro.tasks.base import TaskData
from repro.tasks.hub import hub_task_revision, load_hub_task

SOURCES = ("embedded", "hub")


@lru_cache(maxsize=32)
def load_task(source: str, name: str, seed: int = 0, train_languages: tuple[str, ...] = ()) -> TaskData:
    """Load a task by source ("embedded" or "hub") and name; embedded data is generated from ``seed``
    (in every embedded language); a hub task adds the translated training sets of ``train_languages``."""
    if source == "embedded":
        return load_embedded_task(name, seed=seed)
    if source == "hub":
        return load_hub_task(name, train_languages=list(train_languages))
    raise ValueError(f"unknown task source {source!r}; expected one of {SOURCES}")


def task_revision(source: str, name: str, seed: int = 0) -> str:
    """What identifies the task's data, without loading it (the embedded generator's content hash,
    or the hub datasets' ids and revisions)."""
    if source == "embedded":
        return embedded_task_revision(name, seed)
    if source == "hub":
        return hub_task_revision(name)
    raise ValueError(f"unknown task source {source!r}; expected one of {SOURCES}")
