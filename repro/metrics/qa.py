"""Extractive QA scores, each following one official evaluation script.

- ``squad_v1``: SQuAD v1.1's ``evaluate-v1.1.py``, which XTREME copies as
  ``third_party/evaluate_squad.py`` and uses for XQuAD and TyDiQA-GoldP (``scripts/eval_qa.sh``,
  ``evaluate.py``: ``squad_em_f1``).
- ``squad_v2``: SQuAD v2.0's ``evaluate-v2.0.py`` (no-answer questions; gold answers that normalise
  to nothing are dropped).
- ``mlqa``: MLQA's ``mlqa_evaluation_v1.py`` (facebookresearch/MLQA, identical to XTREME's
  ``third_party/evaluate_mlqa.py``), called with the context language as XTREME does.

Every function returns fractions in [0, 1] (the scripts print percentages): per question the
maximum over its gold answers, then the mean over questions. The scripts' input is a dataset JSON
and a prediction dict; here it is a list of predicted strings and, aligned with it, a list of gold
answer lists. A question the scripts find unanswered scores 0 there; here every question has a
prediction by construction.

XTREME reports F1 and exact match per language; its one number for a QA task (``avg_metric`` in
XTREME's ``evaluate.py``) is the mean of the language-averaged F1 and the language-averaged EM.
"""

from __future__ import annotations

import collections
import re
import string
import unicodedata
from collections.abc import Callable, Sequence

# --- SQuAD v1.1 / v2.0 ------------------------------------------------------------------------

_SQUAD_PUNCTUATION = frozenset(string.punctuation)  # ASCII only: « » 。 ¿ are kept
_ENGLISH_ARTICLES = re.compile(r"\b(a|an|the)\b")


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation (identical in v1.1 and v2.0): lower case, drop ASCII
    punctuation (``string.punctuation``), replace the English articles a/an/the by a space,
    collapse whitespace.

    Non-ASCII punctuation (« » 。 ¿ ...) is kept, as the scripts keep it.
    """
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _SQUAD_PUNCTUATION)
    text = _ENGLISH_ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _overlap_f1(prediction_tokens: list[str], gold_tokens: list[str]) -> float:
    """Token-overlap F1 of the SQuAD scripts; no shared token (also: either side empty) gives 0."""
    common = collections.Counter(prediction_tokens) & collections.Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(prediction_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def squad_v1_f1(prediction: str, gold: str) -> float:
    """F1 of one prediction against one gold answer (SQuAD v1.1 ``f1_score``).

    Both sides normalising to nothing scores 0 (no shared token), unlike SQuAD v2.0.
    """
    return _overlap_f1(squad_normalize(prediction).split(), squad_normalize(gold).split())


def squad_v1_exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are equal (SQuAD v1.1 ``exact_match_score``); both
    normalising to nothing counts as equal."""
    return float(squad_normalize(prediction) == squad_normalize(gold))


def _squad_v2_tokens(text: str) -> list[str]:
    return squad_normalize(text).split() if text else []


def squad_v2_f1(prediction: str, gold: str) -> float:
    """F1 of one prediction against one gold answer (SQuAD v2.0 ``compute_f1``): when either side
    has no token, 1.0 if both have none (a correct no-answer), else 0."""
    prediction_tokens, gold_tokens = _squad_v2_tokens(prediction), _squad_v2_tokens(gold)
    if not prediction_tokens or not gold_tokens:
        return float(prediction_tokens == gold_tokens)
    return _overlap_f1(prediction_tokens, gold_tokens)


def squad_v2_exact_match(prediction: str, gold: str) -> float:
    """SQuAD v2.0 ``compute_exact``: equality of the normalised strings."""
    return float(squad_normalize(prediction) == squad_normalize(gold))


# --- MLQA -----------------------------------------------------------------------------------

MLQA_LANGUAGES = ("en", "es", "de", "ar", "hi", "vi", "zh")

# The script removes these after lower-casing and punctuation removal (``remove_articles``).
_MLQA_ARTICLES = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(un|una|unos|unas|el|la|los|las)\b"),
    "vi": re.compile(r"\b(của|là|cái|chiếc|những)\b"),
    "de": re.compile(r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b"),
    # The script's pattern is '\sال^|ال'; its first branch can never match (``^`` after three
    # characters), so every ال becomes a space, inside words too ("المدينة" -> " مدينة").
    "ar": re.compile("ال"),
}
_CJK = re.compile("[\u4e00-\u9fa5]")  # the script's range for characters split one by one


def is_mlqa_punctuation(char: str) -> bool:
    """MLQA's ``PUNCT``: every Unicode character of a punctuation category (P*), plus ASCII
    ``string.punctuation`` (which adds the symbols $ + < = > ^ ` | ~)."""
    return char in _SQUAD_PUNCTUATION or unicodedata.category(char).startswith("P")


def mixed_segmentation(text: str) -> list[str]:
    """MLQA's ``mixed_segmentation`` (used for Chinese): each CJK character (U+4E00..U+9FA5) and
    each punctuation character is a token of its own; runs of other characters are split on
    whitespace ("北京大学abc def" -> 北 京 大 学 abc def)."""
    tokens: list[str] = []
    pending = ""
    for char in text:
        if _CJK.match(char) or is_mlqa_punctuation(char):
            tokens.extend(pending.split())
            pending = ""
            tokens.append(char)
        else:
            pending += char
    tokens.extend(pending.split())
    return tokens


def _check_mlqa_language(language: str) -> None:
    if language not in MLQA_LANGUAGES:
        raise ValueError(f"MLQA's script knows the languages {', '.join(MLQA_LANGUAGES)}; got {language!r}")


def mlqa_normalize(text: str, language: str) -> str:
    """MLQA's ``normalize_answer(s, lang)``: lower case, drop Unicode and ASCII punctuation, drop
    the language's articles (none for hi and zh), then split on whitespace (mixed segmentation
    for zh) and join the tokens with single spaces.

    Args:
        text: an answer string.
        language: the context language, one of ``MLQA_LANGUAGES``.
    """
    _check_mlqa_language(language)
    text = "".join(ch for ch in text.lower() if not is_mlqa_punctuation(ch))
    if language in _MLQA_ARTICLES:
        text = _MLQA_ARTICLES[language].sub(" ", text)
    tokens = mixed_segmentation(text) if language == "zh" else text.split()
    return " ".join(t for t in tokens if t.strip())


def mlqa_f1(prediction: str, gold: str, language: str) -> float:
    """F1 of one prediction against one gold answer (MLQA ``f1_score``); as in SQuAD v1.1, both
    sides normalising to nothing scores 0."""
    return _overlap_f1(mlqa_normalize(prediction, language).split(), mlqa_normalize(gold, language).split())


def mlqa_exact_match(prediction: str, gold: str, language: str) -> float:
    """MLQA ``exact_match_score``: equality of the normalised strings."""
    return float(mlqa_normalize(prediction, language) == mlqa_normalize(gold, language))


# --- dataset scores -----------------------------------------------------------------------------


def _check_aligned(predictions: Sequence[str], answers: Sequence[Sequence[str]]) -> None:
    if len(predictions) != len(answers):
        raise ValueError(f"expected one prediction per question: {len(predictions)} predictions, "
                         f"{len(answers)} questions")
    if len(answers) == 0:
        raise ValueError("QA scores of an empty set of questions are undefined")
    for i, (prediction, golds) in enumerate(zip(predictions, answers, strict=True)):
        if not isinstance(prediction, str):
            raise TypeError(f"question {i}: expected the predicted answer as a str, got {type(prediction).__name__}")
        if isinstance(golds, str):
            raise TypeError(f"question {i}: expected a list of gold answers, got the str {golds!r}")
        if any(not isinstance(g, str) for g in golds):
            raise TypeError(f"question {i}: expected every gold answer to be a str")


def _mean_of_max(predictions, answers, f1: Callable[[str, str], float],
                 exact: Callable[[str, str], float]) -> dict[str, float]:
    f1_total = exact_total = 0.0
    for prediction, golds in zip(predictions, answers, strict=True):
        f1_total += max(f1(prediction, g) for g in golds)
        exact_total += max(exact(prediction, g) for g in golds)
    return {"f1": f1_total / len(answers), "exact_match": exact_total / len(answers)}


def _require_gold(answers: Sequence[Sequence[str]], script: str) -> None:
    for i, golds in enumerate(answers):
        if len(golds) == 0:
            raise ValueError(f"question {i} has no gold answer; {script} needs at least one per question")


def squad_v1(predictions: Sequence[str], answers: Sequence[Sequence[str]]) -> dict[str, float]:
    """F1 and exact match as SQuAD v1.1's ``evaluate-v1.1.py`` computes them (XTREME's
    ``third_party/evaluate_squad.py``, used for XQuAD and TyDiQA-GoldP).

    Args:
        predictions: the predicted answer string of each question.
        answers: for each question, its gold answer strings (at least one).

    Returns:
        ``{"f1", "exact_match"}``: per question the maximum over its gold answers, averaged over
        questions, as fractions in [0, 1].

    Raises:
        ValueError: on different lengths, no questions, or a question without gold answers.
    """
    _check_aligned(predictions, answers)
    _require_gold(answers, "SQuAD v1.1")
    return _mean_of_max(predictions, answers, squad_v1_f1, squad_v1_exact_match)


def squad_v2(predictions: Sequence[str], answers: Sequence[Sequence[str]]) -> dict[str, float]:
    """F1 and exact match as SQuAD v2.0's ``evaluate-v2.0.py`` computes them (``get_raw_scores``).

    Gold answers that normalise to nothing are dropped; a question left without gold answers
    (an unanswerable one: pass ``[]``) has the empty string as its only answer, so only an
    empty prediction (after normalisation) is right. The script's optional no-answer probability
    threshold (``--na-prob-file``) is not applied: pass the final answers, ``""`` for no answer.

    Args:
        predictions: the predicted answer string of each question, ``""`` for no answer.
        answers: for each question, its gold answer strings (empty for an unanswerable one).

    Returns:
        ``{"f1", "exact_match"}`` as fractions in [0, 1].

    Raises:
        ValueError: on different lengths or no questions.
    """
    _check_aligned(predictions, answers)
    kept = [[g for g in golds if squad_normalize(g)] or [""] for golds in answers]
    return _mean_of_max(predictions, kept, squad_v2_f1, squad_v2_exact_match)


def mlqa(predictions: Sequence[str], answers: Sequence[Sequence[str]], language: str) -> dict[str, float]:
    """F1 and exact match as MLQA's ``mlqa_evaluation_v1.py`` computes them, with the language's
    articles and, for Chinese, mixed segmentation.

    XTREME (``scripts/eval_qa.sh``, ``evaluate.py``) passes the language of the test file, which
    is the context language (MLQA's README: the "answer language").

    Args:
        predictions: the predicted answer string of each question.
        answers: for each question, its gold answer strings (at least one).
        language: the context language, one of ``MLQA_LANGUAGES``.

    Returns:
        ``{"f1", "exact_match"}`` as fractions in [0, 1].

    Raises:
        ValueError: on different lengths, no questions, a question without gold answers, or a
            language the script does not know (the script raises too).
    """
    _check_mlqa_language(language)
    _check_aligned(predictions, answers)
    _require_gold(answers, "MLQA's script")
    return _mean_of_max(predictions, answers,
                        lambda p, g: mlqa_f1(p, g, language), lambda p, g: mlqa_exact_match(p, g, language))
