"""Task registry: one loader per source, every loader returning the TaskData schema."""

from __future__ import annotations

from functools import lru_cache

from repro.tasks.base import TaskData


@lru_cache(maxsize=32)
def load_task(source: str, name: str, seed: int = 0) -> TaskData:
    """Load a task by source ("embedded" or "hub") and name; embedded data is generated from seed."""
    if source == "embedded":
        from repro.tasks.embedded import load_embedded_task

        return load_embedded_task(name, seed=seed)
    if source == "hub":
        from repro.tasks.hub import load_hub_task

        return load_hub_task(name)
    raise ValueError(f"unknown task source {source!r}; expected 'embedded' or 'hub'")
