"""accuracy as XTREME's evaluate.py computes it: matches counted position by position.

Golden values are counted by hand: matching positions over the number of examples.
"""

from __future__ import annotations

import numpy as np
import pytest

from repro import metrics


def test_accuracy_counts_positions_that_match():
    # positions 0, 1 and 3 match: 3 of 4
    assert metrics.accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    # XTREME reads labels as strings from its files: compared as they are
    predicted, gold = ["entailment", "neutral", "contradiction"], ["entailment", "neutral", "neutral"]
    assert metrics.accuracy(predicted, gold) == pytest.approx(2 / 3)
    assert metrics.accuracy(np.array([1, 0, 1]), np.array([1, 1, 1])) == pytest.approx(2 / 3)


@pytest.mark.parametrize("predictions, labels", [
    ([1], [1, 1]),          # numpy broadcasting would have called this 1.0
    ([1, 1], [1]),
    ([1, 0, 1], [1, 0]),
])
def test_accuracy_rejects_lists_of_different_lengths(predictions, labels):
    with pytest.raises(ValueError, match="one prediction per label"):
        metrics.accuracy(predictions, labels)


def test_accuracy_rejects_empty_and_malformed_input():
    with pytest.raises(ValueError, match="empty"):
        metrics.accuracy([], [])
    with pytest.raises(ValueError, match="1-D"):
        metrics.accuracy(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(TypeError):
        metrics.accuracy("ab", "ab")
