"""Task kinds: how each kind is tokenized, collated, predicted and scored (one module per kind).

Which class implements a kind is data in :mod:`repro.catalog.kinds`; :func:`kind_of` imports it
only when a run needs it.
"""

from __future__ import annotations

from repro import catalog
from repro.tasks.base import TaskData


def kind_of(task: TaskData):
    """The class that trains and scores ``task``'s kind."""
    definition = catalog.kind(task.kind)
    if not definition.trainable:
        raise ValueError(f"{task.kind} tasks are not trained (task {task.name}); score them with the encoder")
    return catalog.resolve(definition.implementation)
