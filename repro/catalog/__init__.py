"""The catalogue: the one list of tasks, kinds, metrics, objectives, models and data sources.

The schema's allowed values, the profiles, the planner, the trainer's selection and the report
read it; nothing else lists tasks. It imports nothing above it (only its own data modules), and
heavy implementations (a kind's tokenization and scoring) are named as "module:attribute" and
imported by :func:`resolve` only when a run needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

from repro.catalog.hub_sources import HUB_TASKS, HubTaskSource
from repro.catalog.kinds import KINDS, KindDef
from repro.catalog.metrics import METRICS, MetricDef
from repro.catalog.models import EMBEDDED_MODELS, HUB_MODELS, MODEL_NAMES, HubModel
from repro.catalog.objectives import OBJECTIVES, ObjectiveDef
from repro.catalog.tasks import INTERMEDIATE, TARGET, TASKS, TaskDef, intermediate_tasks, target_tasks

__all__ = [
    "EMBEDDED_MODELS", "HUB_MODELS", "HUB_TASKS", "INTERMEDIATE", "KINDS", "METRICS", "MODEL_NAMES", "OBJECTIVES",
    "TARGET", "TASKS", "HubModel", "HubTaskSource", "KindDef", "MetricDef", "ObjectiveDef", "TaskDef",
    "hub_source", "intermediate_tasks", "kind", "kind_of_task", "metric", "objective", "resolve", "target_tasks",
    "task", "task_metrics",
]


def _get(table: dict, name: str, what: str):
    if name not in table:
        raise KeyError(f"unknown {what} {name!r}; expected one of {sorted(table)}")
    return table[name]


def task(name: str) -> TaskDef:
    return _get(TASKS, name, "task")


def kind(name: str) -> KindDef:
    return _get(KINDS, name, "task kind")


def metric(name: str) -> MetricDef:
    return _get(METRICS, name, "metric")


def objective(name: str) -> ObjectiveDef:
    return _get(OBJECTIVES, name, "objective")


def kind_of_task(name: str) -> KindDef:
    return kind(task(name).kind)


def task_metrics(name: str) -> tuple[str, ...]:
    """The spec metrics a task can be scored with."""
    definition = task(name)
    return definition.metrics or kind(definition.kind).metrics


def hub_source(name: str) -> HubTaskSource | None:
    """The hub dataset that serves a task on the full profile (None: none that the loader supports)."""
    key = task(name).hub
    if key is None or key not in HUB_TASKS or not HUB_TASKS[key].supported:
        return None
    return HUB_TASKS[key]


def resolve(reference: str) -> Any:
    """Import "package.module:attribute" and return the attribute (the lazy half of the catalogue)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)
