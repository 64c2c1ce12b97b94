"""The metrics are pure functions: checked on small fixtures with known answers."""

import numpy as np
import pytest
from datasets import Dataset

from repro import evaluate as ev


def test_accuracy_counts_matches_and_rejects_empty():
    assert ev.accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    with pytest.raises(ValueError):
        ev.accuracy([], [])


def test_squad_normalisation_drops_case_punctuation_articles():
    assert ev.normalize_answer("The  Eiffel Tower!") == "eiffel tower"
    assert ev.normalize_answer("«Париж»") == "париж"  # Unicode punctuation, as MLQA's evaluation
    assert ev.qa_exact("an apple.", "Apple") == 1.0


def test_qa_f1_partial_overlap_and_max_over_gold_answers():
    assert ev.qa_f1("big red dog", "red dog") == pytest.approx(0.8)
    scores = ev.qa_scores(["red dog", "cat"], [["the red dog", "dog"], ["bird"]])
    assert scores["exact_match"] == 0.5
    assert scores["f1"] == 0.5
    assert scores["qa_score"] == 0.5
    with pytest.raises(ValueError):
        ev.qa_scores(["a"], [])


def test_tatoeba_accuracy_on_known_geometry():
    source = np.eye(3)
    target = np.array([[1.0, 0.1, 0], [0, 0, 1.0], [0, 1.0, 0]])  # rows 1 and 2 swapped
    assert ev.tatoeba_accuracy(source, target) == pytest.approx(1 / 3)


def test_bucc_threshold_search_drops_low_scoring_wrong_pairs():
    source = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    target = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.2]])
    # third source's nearest target is wrong but scores lower than the two right ones
    result = ev.bucc_f1(source, target)
    assert result["precision"] == 1.0
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(0.8)


def _parallel(labels, langs=("en", "de", "fr")):
    return {lang: Dataset.from_dict({"sentence1": [f"{lang}-a{i}" for i in range(len(labels))],
                                     "sentence2": [f"{lang}-b{i}" for i in range(len(labels))],
                                     "label": list(labels)}) for lang in langs}


def test_generalized_pairs_mix_languages_in_documented_order():
    pairs = ev.generalized_pairs(_parallel([0, 1]), same_language=False)
    assert set(pairs) == {(a, b) for a in ("en", "de", "fr") for b in ("en", "de", "fr") if a != b}
    assert pairs[("de", "fr")]["sentence1"] == ["de-a0", "de-a1"]
    assert pairs[("de", "fr")]["sentence2"] == ["fr-b0", "fr-b1"]
    assert len(ev.generalized_pairs(_parallel([0, 1]))) == 9


def test_generalized_pairs_refuse_non_parallel_sets():
    data = _parallel([0, 1])
    data["fr"] = Dataset.from_dict({"sentence1": ["x", "y"], "sentence2": ["x", "y"], "label": [1, 1]})
    with pytest.raises(ValueError, match="not parallel"):
        ev.generalized_pairs(data)


# --- token classification (hand-computed) -------------------------------------------------------


def test_iob2_entities_read_like_seqeval_default_mode():
    assert ev.iob2_entities(["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC", "O"]) == [
        ("PER", 0, 2), ("LOC", 3, 6)]
    # an I- without its B- starts an entity; a type change or a new B- ends the open one
    assert ev.iob2_entities(["O", "I-PER", "I-PER", "O", "I-LOC"]) == [("PER", 1, 3), ("LOC", 4, 5)]
    assert ev.iob2_entities(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    assert ev.iob2_entities(["B-PER", "B-PER", "I-PER"]) == [("PER", 0, 1), ("PER", 1, 3)]
    assert ev.iob2_entities(["O", "O"]) == []


def test_entity_scores_count_exact_matches_over_sentences():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "B-PER"]]
    pred = [["B-PER", "I-PER", "O", "O"], ["B-ORG", "O", "B-LOC"]]
    # gold: 4 entities; predicted: 3, of which 2 match (PER 0-2 in sentence 0, ORG in sentence 1)
    scores = ev.entity_scores(pred, gold)
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(1 / 2)
    assert scores["f1"] == pytest.approx(4 / 7)
    # a boundary error is a miss on both sides; no prediction at all scores 0, not an error
    assert ev.entity_scores([["B-PER", "O"]], [["B-PER", "I-PER"]]) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    assert ev.entity_scores([["O", "O"]], [["B-LOC", "O"]])["f1"] == 0.0
    # the same span in two sentences is two entities
    assert ev.entity_scores([["B-LOC"], ["O"]], [["B-LOC"], ["B-LOC"]])["recall"] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        ev.entity_scores([["O"]], [["O", "O"]])
    with pytest.raises(ValueError):
        ev.entity_scores([], [])


def test_tag_accuracy_is_per_word_and_tag_sets_are_told_apart():
    gold = [["NOUN", "NOUN", "PUNCT"], ["DET", "NOUN"]]
    pred = [["NOUN", "VERB", "PUNCT"], ["DET", "NOUN"]]
    assert ev.tag_accuracy(pred, gold) == pytest.approx(4 / 5)
    with pytest.raises(ValueError):
        ev.tag_accuracy([["NOUN"]], [["NOUN", "VERB"]])
    with pytest.raises(ValueError):
        ev.tag_accuracy([[]], [[]])
    assert ev.is_iob2(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])
    assert not ev.is_iob2(["ADJ", "ADP", "NOUN", "VERB"])
    assert not ev.is_iob2(None)
