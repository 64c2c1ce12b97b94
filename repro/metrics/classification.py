"""Classification and multiple-choice accuracy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _as_list(values, name: str) -> list:
    if isinstance(values, str):
        raise TypeError(f"{name}: expected a sequence of labels, got a str")
    if np.ndim(values) != 1:
        raise ValueError(f"{name}: expected a 1-D sequence of labels, got {np.ndim(values)} dimensions")
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def accuracy(predictions: Sequence | np.ndarray, labels: Sequence | np.ndarray) -> float:
    """Share of predictions equal to their label, compared one by one.

    Follows ``accuracy`` in XTREME's ``evaluate.py`` (used for XNLI, PAWS-X, Tatoeba, XCOPA),
    whose caller ``evaluate_one_task`` first asserts that both files have as many lines; returns
    a fraction in [0, 1] where XTREME prints a percentage. Nothing is broadcast: a prediction
    matches only the label at its own position.

    Args:
        predictions: predicted labels, one per example.
        labels: gold labels, aligned with ``predictions``.

    Raises:
        ValueError: on different lengths, no examples, or input that is not one-dimensional.
    """
    predictions, labels = _as_list(predictions, "predictions"), _as_list(labels, "labels")
    if len(predictions) != len(labels):
        raise ValueError(f"expected one prediction per label: {len(predictions)} predictions, {len(labels)} labels")
    if not labels:
        raise ValueError("accuracy of an empty set is undefined")
    return sum(bool(p == g) for p, g in zip(predictions, labels, strict=True)) / len(labels)
