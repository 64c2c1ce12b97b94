"""Tatoeba and BUCC as XTREME computes them, on cases worked out by hand.

- Tatoeba (XTREME ``evaluate_retrieval.py``): each English sentence searches the other language's
  sentences by cosine; right when it finds row i for English row i.
- BUCC mining (``mine_bitext``: ratio margin, k nearest, ``max`` retrieval): neighbourhood means
  m_x(i) = mean of the k largest cos(x_i, .), m_y(j) likewise; score(i, j) = cos / ((m_x(i) +
  m_y(j)) / 2) over each side's k cosine-nearest neighbours; forward and backward best pairs,
  by descending score, taken when both sentences are still free; only scores > 0 are kept.
- BUCC threshold (``bucc_optimize``): walk the candidates by descending score, keep the point of
  best F1 and put the threshold halfway to the next lower score; extract scores >= threshold.

The similarity matrices are built exactly: sources are unit vectors e_i, target j is column j of
the matrix S plus one extra coordinate that makes it a unit vector, so cos(x_i, y_j) = S[i, j].
"""

from __future__ import annotations

import numpy as np
import pytest

from repro import metrics
from repro.metrics import retrieval


def _realise(similarities) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings whose cosine matrix is ``similarities`` (columns of norm <= 1)."""
    s = np.asarray(similarities, dtype=np.float64)
    source = np.hstack([np.eye(len(s)), np.zeros((len(s), 1))])
    target = np.hstack([s.T, np.sqrt(1 - (s**2).sum(axis=0))[:, None]])
    return source, target


# --- Tatoeba ------------------------------------------------------------------------------


def test_tatoeba_searches_from_english_to_the_other_language():
    english = np.array([[1.0, 0.0], [0.0, 1.0]])
    other = np.array([[1.0, 0.2], [1.0, 0.8]])
    # English 0: cos with other 0 = 1/sqrt(1.04) = 0.981, with other 1 = 1/sqrt(1.64) = 0.781 -> 0, right
    # English 1: 0.2/sqrt(1.04) = 0.196 vs 0.8/sqrt(1.64) = 0.625 -> 1, right
    assert metrics.tatoeba_accuracy(english=english, other=other) == 1.0
    # the other direction: other 1 finds English 0 (0.781 > 0.625), wrong; other 0 finds English 0, right
    assert metrics.tatoeba_accuracy(english=other, other=english) == 0.5


def test_tatoeba_is_cosine_and_breaks_ties_towards_the_lower_index():
    english = np.array([[1.0, 0.0], [1.0, 0.0]])
    other = np.array([[2.0, 0.0], [1.0, 0.0]])  # equal directions: both cosines are 1
    # both English rows find other row 0 (faiss did too when we checked): row 0 right, row 1 wrong
    assert metrics.tatoeba_accuracy(english=english, other=other) == 0.5


def test_tatoeba_rejects_non_parallel_or_empty_input():
    with pytest.raises(ValueError, match="parallel"):
        metrics.tatoeba_accuracy(english=np.eye(3), other=np.eye(3)[:2])
    with pytest.raises(ValueError, match="dimension"):
        metrics.tatoeba_accuracy(english=np.eye(2), other=np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-empty"):
        metrics.tatoeba_accuracy(english=np.zeros((0, 2)), other=np.zeros((0, 2)))
    with pytest.raises(ValueError, match="finite"):
        metrics.tatoeba_accuracy(english=np.array([[np.nan, 1.0]]), other=np.array([[1.0, 1.0]]))
    with pytest.raises(TypeError):
        metrics.tatoeba_accuracy(np.eye(2), np.eye(2))  # keyword-only: the direction is named


# --- margin mining --------------------------------------------------------------------------

# cos(source i, target j); target 1 is a hub close to every source
HUB = [[0.5, 0.6, 0.1],
       [0.1, 0.55, 0.5],
       [0.0, 0.5, 0.2]]


def test_neighbourhood_means_average_the_k_nearest():
    source, target = _realise(HUB)
    source_means, target_means = metrics.neighbourhood_means(source, target, k=2)
    # rows, top 2: (0.6 + 0.5)/2, (0.55 + 0.5)/2, (0.5 + 0.2)/2
    assert source_means == pytest.approx([0.55, 0.525, 0.35])
    # columns, top 2: (0.5 + 0.1)/2, (0.6 + 0.55)/2, (0.5 + 0.2)/2
    assert target_means == pytest.approx([0.3, 0.575, 0.35])
    # k above the other side's size is capped (XTREME: min(k, n)): all three
    source_means, _ = metrics.neighbourhood_means(source, target, k=4)
    assert source_means == pytest.approx([1.2 / 3, 1.15 / 3, 0.7 / 3])


def test_ratio_margin_prefers_the_translation_over_the_hub():
    source, target = _realise(HUB)
    # margins cos / ((m_x + m_y)/2) over each sentence's 2 cosine-nearest neighbours:
    #   source 0: target 1 0.6/0.5625 = 1.0667, target 0 0.5/0.425 = 1.1765 -> target 0
    #   source 1: target 1 0.55/0.55 = 1.0,     target 2 0.5/0.4375 = 1.1429 -> target 2
    #   source 2: target 1 0.5/0.4625 = 1.0811, target 2 0.2/0.35 = 0.5714 -> target 1
    #   target 0 -> source 0 (1.1765), target 1 -> source 0 (1.0667), target 2 -> source 1 (1.1429)
    # by score: (0,0) 1.1765, (1,2) 1.1429, (2,1) 1.0811, then (0,1) 1.0667 finds source 0 taken
    mined = metrics.mine_candidates(source, target, k=2)
    assert [(c.source, c.target) for c in mined] == [(0, 0), (1, 2), (2, 1)]
    assert [c.score for c in mined] == pytest.approx([0.5 / 0.425, 0.5 / 0.4375, 0.5 / 0.4625])
    # plain cosine would have sent every source to the hub
    assert np.argmax(HUB, axis=1).tolist() == [1, 1, 1]


def test_mining_is_one_to_one_and_keeps_only_positive_scores():
    # k = 1: m_x = (-0.2, 0.9) (row maxima), m_y = (0.3, 0.9) (column maxima)
    #   forward: source 0 -> target 0: -0.2 / ((-0.2 + 0.3)/2) = -4; source 1 -> target 1: 0.9/0.9 = 1
    #   backward: target 0 -> source 1: 0.3 / ((0.3 + 0.9)/2) = 0.5; target 1 -> source 1: 1
    # by score: (1,1) 1 taken; (1,0) 0.5: source 1 taken; (0,0) -4: free, but not > 0
    source, target = _realise([[-0.2, -0.4], [0.3, 0.9]])
    mined = metrics.mine_candidates(source, target, k=1)
    assert [(c.source, c.target) for c in mined] == [(1, 1)]
    assert mined[0].score == pytest.approx(1.0)


def test_mining_in_blocks_gives_the_same_pairs(monkeypatch):
    rng = np.random.default_rng(0)
    base = rng.normal(size=(30, 8))
    source, target = base + 0.5 * rng.normal(size=(30, 8)), base[:25] + 0.5 * rng.normal(size=(25, 8))
    whole = metrics.mine_candidates(source, target)
    monkeypatch.setattr(retrieval, "_BLOCK_ELEMENTS", 60)  # blocks of 2 source rows
    assert metrics.mine_candidates(source, target) == whole
    assert len(whole) > 0


def test_mining_rejects_bad_input():
    with pytest.raises(ValueError, match="dimension"):
        metrics.mine_candidates(np.eye(2), np.ones((2, 3)))
    with pytest.raises(ValueError, match="k must be"):
        metrics.mine_candidates(np.eye(2), np.eye(2), k=0)
    with pytest.raises(ValueError, match="non-empty"):
        metrics.mine_candidates(np.zeros((0, 2)), np.eye(2))


# --- BUCC threshold and F1 ------------------------------------------------------------------

DEV = [("a", "A", 0.9), ("b", "X", 0.8), ("c", "C", 0.7), ("d", "D", 0.6), ("e", "Y", 0.5)]
DEV_GOLD = [("a", "A"), ("c", "C"), ("d", "D")]


def test_best_threshold_is_not_at_the_first_drop_in_precision():
    # F1 after each candidate (3 gold): 1 right of 1 -> 0.5; 1/2 -> 0.4; 2/3 -> 2/3;
    # 3/4 -> P 3/4, R 1, F1 6/7; 3/5 -> 0.75. Best after the 4th: halfway between 0.6 and 0.5
    assert metrics.bucc_threshold(DEV, DEV_GOLD) == pytest.approx(0.55)
    assert metrics.bucc_scores(DEV, DEV_GOLD, 0.55) == pytest.approx(
        {"f1": 6 / 7, "precision": 0.75, "recall": 1.0, "threshold": 0.55})


def test_dev_threshold_is_applied_to_test():
    test = [("p", "P", 0.95), ("q", "Q", 0.6), ("r", "Z", 0.56), ("s", "S", 0.52), ("t", "W", 0.3)]
    test_gold = [("p", "P"), ("q", "Q"), ("s", "S"), ("u", "U")]  # ("u", "U") was never mined
    threshold = metrics.bucc_threshold(DEV, DEV_GOLD)
    # 0.55 keeps p, q, r: 2 right of 3 extracted, 2 of 4 gold: F1 = 2 * (2/3) * (1/2) / (7/6) = 4/7
    assert metrics.bucc_scores(test, test_gold, threshold) == pytest.approx(
        {"f1": 4 / 7, "precision": 2 / 3, "recall": 0.5, "threshold": 0.55})
    # tuning on test instead would pick (0.52 + 0.3)/2 = 0.41: P = R = 3/4, F1 0.75
    assert metrics.bucc_threshold(test, test_gold) == pytest.approx(0.41)


@pytest.mark.parametrize("tied", [
    [("c", "C", 0.8), ("w1", "W1", 0.8), ("w2", "W2", 0.8), ("w3", "W3", 0.8), ("w4", "W4", 0.8)],
    [("w1", "W1", 0.8), ("w2", "W2", 0.8), ("w3", "W3", 0.8), ("w4", "W4", 0.8), ("c", "C", 0.8)],
])
def test_tied_scores_are_counted_together(tied):
    candidates = [("a", "A", 0.9), *tied, ("z", "Y", 0.7)]
    gold = [("a", "A"), ("c", "C"), ("m", "M")]
    # by score level: >= 0.9: 1 of 1 right, R 1/3, F1 0.5; >= 0.8: 2 of 6, R 2/3, F1 4/9;
    # >= 0.7: 2 of 7, F1 0.4. Best: 0.9, threshold (0.9 + 0.8)/2 = 0.85 in either order.
    # (The script, with "c" first, would stop inside the tie at F1 0.8 and set 0.8, which then
    # extracts all five tied pairs: F1 4/9.)
    assert metrics.bucc_threshold(candidates, gold) == pytest.approx(0.85)
    assert metrics.bucc_scores(candidates, gold, 0.85) == pytest.approx(
        {"f1": 0.5, "precision": 1.0, "recall": 1 / 3, "threshold": 0.85})
    # a threshold at the tied score takes the whole tie: 2 right of 6
    assert metrics.bucc_scores(candidates, gold, 0.8)["precision"] == pytest.approx(2 / 6)


def test_best_f1_at_the_lowest_score_puts_the_threshold_there():
    # the script indexes past its list here (IndexError); we keep every candidate
    both_right = [("a", "A", 0.9), ("b", "B", 0.5)]
    assert metrics.bucc_threshold(both_right, [("a", "A"), ("b", "B")]) == 0.5


def test_no_right_candidate_and_repeated_pairs():
    # no right candidate: the script's initial threshold 0, and all scores 0
    assert metrics.bucc_threshold([("a", "B", 0.9)], [("a", "A")]) == 0.0
    assert metrics.bucc_scores([("a", "B", 0.9)], [("a", "A")], 0.0) == {
        "f1": 0.0, "precision": 0.0, "recall": 0.0, "threshold": 0.0}
    # a pair listed twice keeps its higher score
    assert metrics.bucc_scores([("a", "A", 0.2), ("a", "A", 0.9)], [("a", "A")], 0.5)["f1"] == 1.0


def test_mined_candidates_feed_the_bucc_scores():
    source, target = _realise(HUB)
    ids = [(f"src-{c.source}", f"en-{c.target}", c.score) for c in metrics.mine_candidates(source, target, k=2)]
    gold = [("src-0", "en-0"), ("src-1", "en-2"), ("src-9", "en-9")]  # (2, 1) is not gold
    # by score: (0,0) right, F1 0.5; (1,2) right, P 1, R 2/3, F1 0.8; (2,1) wrong, F1 2/3.
    # Best after (1,2): halfway between its score 0.5/0.4375 and the next, 0.5/0.4625
    threshold = metrics.bucc_threshold(ids, gold)
    assert threshold == pytest.approx((0.5 / 0.4375 + 0.5 / 0.4625) / 2)
    assert metrics.bucc_scores(ids, gold, threshold) == pytest.approx(
        {"f1": 0.8, "precision": 1.0, "recall": 2 / 3, "threshold": threshold})


def test_bucc_rejects_empty_input():
    with pytest.raises(ValueError, match="candidate"):
        metrics.bucc_threshold([], [("a", "A")])
    with pytest.raises(ValueError, match="gold"):
        metrics.bucc_threshold([("a", "A", 1.0)], [])
    with pytest.raises(ValueError, match="candidate"):
        metrics.bucc_scores([], [("a", "A")], 0.5)
    with pytest.raises(ValueError, match="finite"):
        metrics.bucc_scores([("a", "A", 1.0)], [("a", "A")], float("nan"))
