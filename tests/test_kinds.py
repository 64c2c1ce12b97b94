"""What the kinds build around the metrics: the generalized matrix, and scoring by the task's script."""

import pytest
from datasets import Dataset

from repro.kinds.pair import generalized_pairs
from repro.kinds.qa import QAKind


def _parallel(labels, langs=("en", "de", "fr")):
    return {lang: Dataset.from_dict({"sentence1": [f"{lang}-a{i}" for i in range(len(labels))],
                                     "sentence2": [f"{lang}-b{i}" for i in range(len(labels))],
                                     "label": list(labels)}) for lang in langs}


def test_generalized_pairs_mix_languages_in_documented_order():
    pairs = generalized_pairs(_parallel([0, 1]), same_language=False)
    assert set(pairs) == {(a, b) for a in ("en", "de", "fr") for b in ("en", "de", "fr") if a != b}
    assert pairs[("de", "fr")]["sentence1"] == ["de-a0", "de-a1"]
    assert pairs[("de", "fr")]["sentence2"] == ["fr-b0", "fr-b1"]
    assert len(generalized_pairs(_parallel([0, 1]))) == 9


def test_generalized_pairs_refuse_non_parallel_sets():
    data = _parallel([0, 1])
    data["fr"] = Dataset.from_dict({"sentence1": ["x", "y"], "sentence2": ["x", "y"], "label": [1, 1]})
    with pytest.raises(ValueError, match="not parallel"):
        generalized_pairs(data)


def _answers(*golds):
    return Dataset.from_dict({"answers": [{"text": list(g), "answer_start": [0] * len(g)} for g in golds]})


def test_qa_scores_follow_the_tasks_script():
    # "la casa" vs gold "casa": MLQA's Spanish rules drop the article "la" (exact match), SQuAD v1.1's
    # English rules keep it (F1 2/3: precision 1/2, recall 1)
    dataset = _answers(["casa"])
    mlqa = QAKind.metrics(["la casa"], dataset, language="es", scoring="mlqa")
    squad = QAKind.metrics(["la casa"], dataset, language="es", scoring="squad_v1")
    assert mlqa["exact_match"] == 1.0 and mlqa["f1"] == 1.0
    assert squad["exact_match"] == 0.0 and squad["f1"] == pytest.approx(2 / 3)
    assert squad["qa_score"] == pytest.approx((2 / 3 + 0) / 2)  # XTREME's and jiant's (F1 + EM) / 2


def test_squad_v2_scores_an_empty_prediction_right_on_a_no_answer_question():
    dataset = _answers([], ["Paris"])
    scores = QAKind.metrics(["", ""], dataset, language="en", scoring="squad_v2")
    assert scores["exact_match"] == 0.5 and scores["f1"] == 0.5
    with pytest.raises(ValueError, match="unknown QA scoring"):
        QAKind.metrics([""], _answers(["a"]), language="en", scoring="bleu")
