"""Real task loaders for the full profile (Hugging Face hub datasets), normalised to TaskData.

What is read is data in :mod:`repro.catalog.hub_sources`; :mod:`.loader` reads it, and
:mod:`.normalizers` maps each dataset's columns onto the schema of :mod:`repro.tasks.base`.
"""

from repro.tasks.hub.loader import (
    dataset_cached,
    dataset_requirements,
    get_source,
    hub_task_revision,
    load_hub_task,
    supported_tasks,
    test_languages,
    training_languages,
)

__all__ = ["dataset_cached", "dataset_requirements", "get_source", "hub_task_revision", "load_hub_task",
           "supported_tasks", "test_languages", "training_languages"]
