"""Sequence-tagging scores: seqeval's entity (chunk) F1 and per-word tag accuracy.

XTREME's ``evaluate.py`` (and ``third_party/run_tag.py``) score both PAN-X (IOB2 NER tags) and
UDPOS (prefix-less UPOS tags) with seqeval's ``f1_score``, ``precision_score`` and
``recall_score`` in their default (conlleval-compatible, non-strict) mode and micro average.
seqeval reads any tag's first character as its chunk prefix and the rest as its type, so a UPOS
tag is read as a chunk too: ``NOUN`` is prefix ``N``, type ``OUN``; a run of identical tags is one
chunk; ``SCONJ`` and ``SYM`` (prefix ``S``, "single") are one-word chunks; ``INTJ`` (prefix ``I``)
behaves like an inside tag. ``get_entities`` reproduces that reading for any tag strings.

Two seqeval rules for the type exist (chakki-works/seqeval, ``seqeval/metrics/
sequence_labeling.py``):

- ``"1.2.2"`` (releases 0.0.16 to 1.2.2, what ``pip install seqeval`` gives since October 2020):
  ``type = tag[1:].split("-", 1)[-1] or "_"``;
- ``"0.0.12"`` (releases up to 0.0.15, the one current when XTREME was released in 2020):
  ``type = tag.split("-")[-1]``.

They agree on IOB2 tags whose type has no hyphen; on UPOS they differ where types collide under
one rule only: ``CCONJ``/``SCONJ`` share the type ``CONJ`` under 1.2.2, and ``X`` shares the type
``_`` with ``O`` (the separator seqeval puts after every sentence) under 1.2.2.

Which rule XTREME's numbers used: the expected UDPOS averages in XTREME's ``evaluate_test.py``
(F1 70.2175 on ``mock_test_data``) come out with the 0.0.12 rule (1.2.2 gives 70.3981); PAN-X's
are the same under both. A run's report should name the rule it used for UDPOS.
"""

from __future__ import annotations

from collections.abc import Sequence

SEQEVAL_VERSIONS = ("1.2.2", "0.0.12")

# seqeval's end_of_chunk / start_of_chunk transition tables, on the tags' first characters.
_ENDS_BEFORE = {("B", "B"), ("B", "S"), ("B", "O"), ("I", "B"), ("I", "S"), ("I", "O")}
_STARTS_AFTER = {("E", "E"), ("E", "I"), ("S", "E"), ("S", "I"), ("O", "E"), ("O", "I")}


def _split_tag(tag: str, seqeval_version: str) -> tuple[str, str]:
    """A tag's (prefix, type) as seqeval reads it (non-suffix mode)."""
    if seqeval_version == "1.2.2":
        return tag[0], tag[1:].split("-", maxsplit=1)[-1] or "_"
    return tag[0], tag.split("-")[-1]


def _chunk_ends(prev_prefix: str, prefix: str, prev_type: str, type_: str) -> bool:
    """Seqeval's ``end_of_chunk``: whether the chunk open at the previous word ends before this one."""
    return (prev_prefix in ("E", "S") or (prev_prefix, prefix) in _ENDS_BEFORE
            or (prev_prefix not in ("O", ".") and prev_type != type_))


def _chunk_starts(prev_prefix: str, prefix: str, prev_type: str, type_: str) -> bool:
    """Seqeval's ``start_of_chunk``: whether a chunk starts at this word."""
    return (prefix in ("B", "S") or (prev_prefix, prefix) in _STARTS_AFTER
            or (prefix not in ("O", ".") and prev_type != type_))


def _check_version(seqeval_version: str) -> None:
    if seqeval_version not in SEQEVAL_VERSIONS:
        raise ValueError(f"seqeval_version must be one of {SEQEVAL_VERSIONS}, got {seqeval_version!r}")


def _flatten(tags) -> list[str]:
    """A flat list of tags, or sentences joined as seqeval joins them: an ``O`` after each."""
    if isinstance(tags, str):
        raise TypeError("expected a sequence of tags (or of sentences of tags), got a single str")
    items = list(tags)
    nested = [not isinstance(t, str) for t in items]
    if any(nested) and not all(nested):
        raise TypeError("expected either tags (str) or sentences (sequences of tags), not a mix")
    flat = [tag for sentence in items for tag in [*sentence, "O"]] if any(nested) else items
    for tag in flat:
        if not isinstance(tag, str) or not tag:
            raise ValueError(f"every tag must be a non-empty str, got {tag!r}")
    return flat


def get_entities(tags, *, seqeval_version: str = "1.2.2") -> list[tuple[str, int, int]]:
    """The chunks seqeval's ``get_entities`` finds, as (type, first index, last index), both inclusive.

    Follows ``seqeval.metrics.sequence_labeling.get_entities`` (non-suffix mode) for any tag
    strings, including seqeval's quirks: a prefix ``.`` neither starts nor ends a chunk; a chunk
    whose end the rules never signal is dropped.

    Args:
        tags: one sequence of tags, or a sequence of sentences (each a sequence of tags). Sentences
            are joined as seqeval joins them, with an ``O`` after each, and indices count in that
            joined sequence.
        seqeval_version: ``"1.2.2"`` or ``"0.0.12"``: which seqeval rule reads a tag's type
            (see the module docstring).

    Raises:
        ValueError: on an empty tag (seqeval fails on it) or an unknown version.
    """
    _check_version(seqeval_version)
    chunks = []
    prev_prefix, prev_type, begin = "O", "", 0
    for i, tag in enumerate([*_flatten(tags), "O"]):  # the final O closes a chunk at the end
        prefix, type_ = _split_tag(tag, seqeval_version)
        if _chunk_ends(prev_prefix, prefix, prev_type, type_):
            chunks.append((prev_type, begin, i - 1))
        if _chunk_starts(prev_prefix, prefix, prev_type, type_):
            begin = i
        prev_prefix, prev_type = prefix, type_
    return chunks


def _check_sentences(predictions, references) -> None:
    if isinstance(predictions, str) or isinstance(references, str):
        raise TypeError("expected sentences of tags, got a str")
    if len(predictions) != len(references):
        raise ValueError(f"expected one predicted sentence per gold sentence: {len(predictions)} predicted, "
                         f"{len(references)} gold")
    if len(references) == 0:
        raise ValueError("tagging scores of an empty set of sentences are undefined")
    for i, (pred, ref) in enumerate(zip(predictions, references, strict=True)):
        if isinstance(pred, str) or isinstance(ref, str):
            raise TypeError(f"sentence {i}: expected a sequence of tags, got a str")
        if len(pred) != len(ref):
            raise ValueError(f"sentence {i}: expected one predicted tag per word: {len(pred)} predicted, "
                             f"{len(ref)} gold")
    if sum(len(ref) for ref in references) == 0:
        raise ValueError("tagging scores of sentences without words are undefined")


def entity_scores(predictions: Sequence[Sequence[str]], references: Sequence[Sequence[str]], *,
                  seqeval_version: str = "1.2.2") -> dict[str, float]:
    """Micro precision, recall and F1 over exact chunk matches, as seqeval's ``f1_score``,
    ``precision_score`` and ``recall_score`` (default mode, micro average) compute them on
    lists of sentences: XTREME's PAN-X and UDPOS metric.

    A chunk is right when its type and both ends match. No predicted chunk gives precision 0, no
    gold chunk recall 0, and precision + recall = 0 gives F1 0 (seqeval's default
    ``zero_division``, which also warns).

    Args:
        predictions: predicted tags, one sequence per sentence.
        references: gold tags, aligned with ``predictions``.
        seqeval_version: see ``get_entities``.

    Returns:
        ``{"f1", "precision", "recall"}`` as fractions in [0, 1].

    Raises:
        ValueError: on different numbers of sentences or of words in a sentence (seqeval raises
            too), no sentences, or no words.
    """
    _check_sentences(predictions, references)
    predicted = set(get_entities([list(s) for s in predictions], seqeval_version=seqeval_version))
    gold = set(get_entities([list(s) for s in references], seqeval_version=seqeval_version))
    correct = len(predicted & gold)
    precision = correct / len(predicted) if predicted else 0.0
    recall = correct / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def tag_accuracy(predictions: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> float:
    """Share of words whose predicted tag equals the gold tag, over all words of all sentences
    (seqeval's ``accuracy_score`` on lists of sentences).

    Args:
        predictions: predicted tags, one sequence per sentence.
        references: gold tags, aligned with ``predictions``.

    Raises:
        ValueError: on different numbers of sentences or of words in a sentence, no sentences,
            or no words.
    """
    _check_sentences(predictions, references)
    pairs = zip(predictions, references, strict=True)
    right = sum(p == r for pred, ref in pairs for p, r in zip(pred, ref, strict=True))
    return right / sum(len(ref) for ref in references)
