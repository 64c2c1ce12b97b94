"""Attacks on extractive QA rows that keep every gold answer at its (shifted) offset.

Rows follow the ``qa`` schema of :mod:`repro.tasks.base`: ``id``, ``question``, ``context``,
``answers`` = ``{"text": [...], "answer_start": [...]}``. After any attack here,
``context[start:start + len(text)] == text`` still holds for every gold answer.

Distractor (:func:`add_distractor`, in the spirit of adversarial SQuAD's added sentences, but
drawn from real text): one sentence from another item's context of the same test set (so the
same language) is inserted at a sentence boundary of the context. A candidate sentence must not
occur in the row's own context and must not contain any of the row's answer texts (compared
case-folded). Candidates are the sentences of all the rows' contexts, once each, in row order.
Insertion points are the start of the context, the start of each later sentence and the end,
except points strictly inside a gold answer (a splitter can cut "U.S. Army" after "U.S.").
Draws: the sentence, then the insertion point. Inserted before position ``p``, the text is
``distractor + " "``; at the end, ``" " + distractor`` (no space when the context already ends
in whitespace); answers at or after ``p`` move by the inserted length.

Sentences end at a run of ``. ! ? ؟`` (with closing quotes or brackets) followed by whitespace,
or at a run of ``。 ！ ？ । ॥``, which need no space after them.

Context perturbation (:func:`perturb_context`): a word attack on the words of the context that
do not overlap any gold answer; answer starts move by the change in length before them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

from repro.attacks.words import WordAttack, check_rate, perturb_word

_SENTENCE_END = re.compile(r"[.!?\u061f]+[\"'\u201d\u2019)\]]*\s+|[\u3002\uff01\uff1f\u0964\u0965]+\s*")
_WORD = re.compile(r"\S+")


def sentence_starts(text: str) -> list[int]:
    """Offsets where a sentence begins after the first (each just past a sentence end)."""
    return [m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text)]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, empty ones dropped."""
    bounds = [0, *sentence_starts(text), len(text)]
    pieces = (text[a:b].strip() for a, b in zip(bounds[:-1], bounds[1:], strict=True))
    return [p for p in pieces if p]


def _answer_spans(row: Mapping) -> list[tuple[int, int]]:
    answers = row["answers"]
    texts, starts = list(answers["text"]), list(answers["answer_start"])
    if len(texts) != len(starts):
        raise ValueError(f"row {row.get('id')!r}: {len(texts)} answer texts but {len(starts)} answer_start values")
    context = row["context"]
    spans = []
    for text, start in zip(texts, starts, strict=True):
        if context[start:start + len(text)] != text:
            raise ValueError(
                f"row {row.get('id')!r}: answer {text!r} is not at answer_start {start} of its context "
                f"(found {context[start:start + len(text)]!r}); expected a valid SQuAD-style span"
            )
        spans.append((start, start + len(text)))
    return spans


def _with_context(row: Mapping, context: str, starts: Sequence[int]) -> dict:
    out = dict(row)
    out["context"] = context
    out["answers"] = {**row["answers"], "text": list(row["answers"]["text"]), "answer_start": list(starts)}
    return out


def distractor_pool(rows: Sequence[Mapping]) -> list[str]:
    """Every sentence of the rows' contexts, once, in row order: where distractors come from."""
    pool: dict[str, None] = {}
    for row in rows:
        for sentence in split_sentences(row["context"]):
            pool.setdefault(sentence, None)
    return list(pool)


def distractor_candidates(row: Mapping, pool: Sequence[str]) -> list[str]:
    """The pool's sentences that may be inserted into ``row``: from elsewhere, without its answers."""
    context = row["context"]
    answers = [a.casefold() for a in row["answers"]["text"] if a]
    return [s for s in pool if s not in context and not any(a in s.casefold() for a in answers)]


def add_distractor(row: Mapping, pool: Sequence[str], rng: random.Random) -> dict:
    """Insert one distractor sentence from ``pool`` into the row's context (see the module notes).

    Raises ``ValueError`` naming the row when no sentence of the pool qualifies.
    """
    spans = _answer_spans(row)
    candidates = distractor_candidates(row, pool)
    if not candidates:
        raise ValueError(
            f"row {row.get('id')!r}: no distractor sentence available (the pool has {len(pool)} sentence(s), "
            "none from another context without this row's answers); expected a test set with several contexts"
        )
    distractor = candidates[rng.randrange(len(candidates))]
    context = row["context"]
    points = [p for p in [0, *sentence_starts(context), len(context)] if not any(a < p < b for a, b in spans)]
    point = points[rng.randrange(len(points))]
    if point == len(context):
        separator = "" if context[-1:].isspace() else " "
        new_context, inserted = context + separator + distractor, 0
    else:
        new_context = context[:point] + distractor + " " + context[point:]
        inserted = len(distractor) + 1
    starts = [s + inserted if s >= point else s for s in row["answers"]["answer_start"]]
    return _with_context(row, new_context, starts)


def perturb_context(row: Mapping, rate: float, rng: random.Random, attack: WordAttack) -> dict:
    """A word attack on the context words that do not overlap a gold answer; answers re-anchored."""
    check_rate(rate)
    spans = _answer_spans(row)
    context = row["context"]
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []  # (old end offset of a changed word, change in length)
    last = 0
    for match in _WORD.finditer(context):
        start, end = match.span()
        pieces.append(context[last:start])
        word = match.group()
        if not any(start < b and a < end for a, b in spans):
            new = perturb_word(word, rate, rng, attack)
            if len(new) != len(word):
                shifts.append((end, len(new) - len(word)))
            word = new
        pieces.append(word)
        last = end
    pieces.append(context[last:])
    # a changed word never overlaps an answer, so it lies wholly before or after each answer start
    starts = [s + sum(delta for end, delta in shifts if end <= s) for s in row["answers"]["answer_start"]]
    return _with_context(row, "".join(pieces), starts)
