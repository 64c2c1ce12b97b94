"""Metrics as pure functions (no model in here), and the test sets the evaluation builds.

- accuracy for classification and multiple choice;
- SQuAD-style answer normalisation, F1 and exact match, and XTREME's QA score (mean of both);
- retrieval: Tatoeba accuracy (nearest neighbour by cosine) and BUCC F1 with XTREME's threshold
  search over the mined pairs' scores;
- the generalized setting: sentence 1 in language A, sentence 2 in language B, every ordered pair;
- token classification: entity-level F1 over IOB2 tags (NER, as seqeval scores PAN-X for XTREME)
  and per-word tag accuracy (POS).
"""

from __future__ import annotations

import collections
import re
import string
import unicodedata

import numpy as np
from datasets import Dataset

# --- classification ---------------------------------------------------------------------------


def accuracy(predictions, labels) -> float:
    predictions, labels = np.asarray(predictions), np.asarray(labels)
    if len(labels) == 0:
        raise ValueError("accuracy of an empty set is undefined")
    return float((predictions == labels).mean())


def generalized_pairs(test: dict[str, Dataset], languages: list[str] | None = None,
                      same_language: bool = True) -> dict[tuple[str, str], Dataset]:
    """Every ordered pair (A, B): sentence1 from A's row i, sentence2 from B's row i, B's label.

    The test sets must be parallel (row i is the same item in every language); the labels are
    checked to agree, so a non-parallel input fails loudly instead of giving a wrong matrix.
    """
    languages = languages or list(test)
    n = len(test[languages[0]])
    for lang in languages:
        if len(test[lang]) != n:
            raise ValueError(f"test sets are not parallel: {languages[0]} has {n} rows, {lang} {len(test[lang])}")
    labels = test[languages[0]]["label"][:]
    for lang in languages[1:]:
        if test[lang]["label"][:] != labels:
            raise ValueError(f"test sets are not parallel: labels of {lang} differ from {languages[0]}")
    pairs = {}
    for a in languages:
        for b in languages:
            if a == b and not same_language:
                continue
            pairs[(a, b)] = Dataset.from_dict({
                "sentence1": test[a]["sentence1"][:], "sentence2": test[b]["sentence2"][:], "label": labels,
            })
    return pairs


# --- token classification ---------------------------------------------------------------------


def is_iob2(label_names) -> bool:
    """Whether a tag set is IOB2 (``O``, ``B-X``, ``I-X``): scored by entities, not by words."""
    names = list(label_names or [])
    return bool(names) and "O" in names and all(n == "O" or n[:2] in ("B-", "I-") for n in names)


def iob2_entities(tags) -> list[tuple[str, int, int]]:
    """The entities (type, first word, last word + 1) of one IOB2 tag sequence.

    As seqeval's default (conlleval) mode reads it: ``B-X`` starts an entity; ``I-X`` continues
    an open entity of type X and otherwise starts one (an ``I-X`` after ``O`` or after another
    type is not dropped); ``O`` closes the open entity.
    """
    entities, open_type, start = [], None, 0
    for i, tag in enumerate([*tags, "O"]):  # the sentinel closes an entity at the end
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == open_type
        if open_type is not None and not continues:
            entities.append((open_type, start, i))
            open_type = None
        if prefix in ("B", "I") and not continues:
            open_type, start = kind, i
    return entities


def entity_scores(predictions, references) -> dict[str, float]:
    """Micro precision, recall and F1 over exact entity matches (type and both boundaries), summed
    over sentences: the seqeval ``f1_score`` XTREME reports for PAN-X. No entity predicted (or none
    in the gold tags) gives 0 for that side, as seqeval's default does."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predicted sentences for {len(references)} gold ones")
    if not references:
        raise ValueError("entity scores of an empty set are undefined")
    predicted, gold = set(), set()
    for i, (pred, ref) in enumerate(zip(predictions, references)):
        if len(pred) != len(ref):
            raise ValueError(f"sentence {i}: {len(pred)} predicted tags for {len(ref)} words")
        predicted.update((i, *e) for e in iob2_entities(pred))
        gold.update((i, *e) for e in iob2_entities(ref))
    correct = len(predicted & gold)
    precision = correct / len(predicted) if predicted else 0.0
    recall = correct / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def tag_accuracy(predictions, references) -> float:
    """Share of words whose tag is right, over all words of all sentences (POS tagging).

    With one tag per word this is also the micro F1 over words, which is how we report UDPOS's
    "f1". XTREME instead ran seqeval on the prefix-less UPOS tags: seqeval reads a tag's first
    letter as its chunk prefix, so a run of identical tags (NOUN NOUN) becomes one chunk (SCONJ
    and SYM, read as S-ingle, stay single words) and chunks are scored. Its UDPOS F1 therefore
    differs from this accuracy; we have not measured by how much.
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predicted sentences for {len(references)} gold ones")
    right = total = 0
    for i, (pred, ref) in enumerate(zip(predictions, references)):
        if len(pred) != len(ref):
            raise ValueError(f"sentence {i}: {len(pred)} predicted tags for {len(ref)} words")
        right += sum(p == r for p, r in zip(pred, ref))
        total += len(ref)
    if total == 0:
        raise ValueError("tag accuracy of an empty set is undefined")
    return right / total


# --- extractive QA (SQuAD / XTREME conventions) -----------------------------------------------

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation (lower case, no punctuation, no English articles, single spaces),
    extended as MLQA does to Unicode punctuation so that non-Latin scripts are treated alike."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCT and not unicodedata.category(ch).startswith("P"))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def qa_f1(prediction: str, truth: str) -> float:
    pred_tokens, true_tokens = normalize_answer(prediction).split(), normalize_answer(truth).split()
    if not pred_tokens or not true_tokens:
        return float(pred_tokens == true_tokens)
    common = collections.Counter(pred_tokens) & collections.Counter(true_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(true_tokens)
    return 2 * precision * recall / (precision + recall)


def qa_exact(prediction: str, truth: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(truth))


def qa_scores(predictions: list[str], answers: list[list[str]]) -> dict[str, float]:
    """F1 and EM as percentages-in-[0,1], max over the gold answers; qa_score = their mean."""
    if len(predictions) != len(answers):
        raise ValueError(f"{len(predictions)} predictions for {len(answers)} questions")
    if not answers:
        raise ValueError("QA scores of an empty set are undefined")
    f1 = np.mean([max(qa_f1(p, t) for t in truths) for p, truths in zip(predictions, answers)])
    em = np.mean([max(qa_exact(p, t) for t in truths) for p, truths in zip(predictions, answers)])
    return {"f1": float(f1), "exact_match": float(em), "qa_score": float((f1 + em) / 2)}


# --- retrieval --------------------------------------------------------------------------------


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


def tatoeba_accuracy(source: np.ndarray, target: np.ndarray) -> float:
    """Row i of source and target are translations; accuracy of cosine nearest-neighbour search."""
    sims = _normalise_rows(source) @ _normalise_rows(target).T
    return float((sims.argmax(axis=1) == np.arange(len(source))).mean())


def bucc_f1(source: np.ndarray, target: np.ndarray, gold: set[tuple[int, int]] | None = None) -> dict[str, float]:
    """Mine one candidate per source sentence (cosine nearest neighbour), then choose the score
    threshold that maximises F1 against the gold pairs, as XTREME's BUCC evaluation does.

    By default the gold pairs are (i, i). Returns f1, precision, recall and the threshold.
    """
    sims = _normalise_rows(source) @ _normalise_rows(target).T
    best = sims.argmax(axis=1)
    scores = sims[np.arange(len(source)), best]
    gold = gold if gold is not None else {(i, i) for i in range(min(len(source), len(target)))}
    if not gold:
        raise ValueError("BUCC F1 needs at least one gold pair")
    order = np.argsort(-scores)
    correct = np.array([(int(i), int(best[i])) in gold for i in order], dtype=np.float64)
    tp = np.cumsum(correct)
    predicted = np.arange(1, len(order) + 1)
    precision, recall = tp / predicted, tp / len(gold)
    f1 = np.where(tp > 0, 2 * precision * recall / np.clip(precision + recall, 1e-12, None), 0.0)
    k = int(f1.argmax())
    return {"f1": float(f1[k]), "precision": float(precision[k]), "recall": float(recall[k]),
            "threshold": float(scores[order[k]])}
