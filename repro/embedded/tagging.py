"""Word tags (panx, udpos): the realiser's tokens with a part of speech and an entity type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import TypeAlias

from repro.embedded.grammar import Realiser, Tok, render
from repro.embedded.logical_forms import NP, Complex, Has, LogicalForm, Question, State

# the UD inventory in google/xtreme's order (INTJ, PRON, SYM and X never occur in these sentences)
UPOS_TAGS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
             "SCONJ", "SYM", "VERB", "X"]
# the world has people and cities, no organisations; city names are one word, so I-LOC never occurs
NER_TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


class _Word(tuple[str, str | None]):
    """A realiser token ``(text, tag)`` that also carries its UPOS tag and entity type.

    It is still the 2-tuple every realiser method and ``render`` read, so marking a sentence
    cannot change its text.
    """

    pos: str
    entity: str | None
    inside: bool  # continues the entity before it

    def __new__(cls, tok: Tok, pos: str, entity: str | None = None, inside: bool = False) -> _Word:
        word = super().__new__(cls, tok)
        word.pos, word.entity, word.inside = pos, entity, inside
        return word


# rule(text, tag, k) -> the UPOS tag, or a (UPOS tag, entity type) pair
_Rule: TypeAlias = Callable[[str, str | None, int], str | tuple[str, str]]


def _mark(toks: list[Tok], rule: _Rule) -> list[Tok]:
    """Mark the tokens not marked yet (those the calling method added itself): ``rule(text, tag, k)``,
    k counting those tokens, gives the UPOS tag or a (UPOS tag, entity type) pair."""
    out: list[Tok] = []
    k = 0
    for tok in toks:
        if not isinstance(tok, _Word):
            pos = rule(tok[0], tok[1], k)
            tok = _Word(tok, pos) if isinstance(pos, str) else _Word(tok, *pos)
            k += 1
        out.append(tok)
    return out


class _TaggingRealiser(Realiser):
    """The realiser with every token marked. Each method wraps its parent's output and marks only
    the tokens it added, so the text is the plain realiser's (but for two-word names, which only
    the tagging tasks use). Declarative clauses only (questions are not tagged)."""

    def np(self, np: NP, role: str = "subj", tag: str | None = None) -> list[Tok]:
        if np.noun.startswith("@"):  # "@Anna" or "@Anna Berg": a case ending goes on the last word
            *first, last = np.noun[1:].split(" ")
            toks = [(w, tag or "name") for w in first] + super().np(replace(np, noun="@" + last), role, tag)
            return [_Word(t, "PROPN", "PER", inside=i > 0) for i, t in enumerate(toks)]
        plural_particle = self.fw.get("plural")  # Mavaki "nga"

        def rule(text: str, t: str | None, k: int) -> str:
            if t in ("adj", "num"):
                return "ADJ" if t == "adj" else "NUM"
            if t:
                return "NOUN"  # the head, whatever role tag it carries
            return "PART" if text == plural_particle else "DET"

        return _mark(super().np(np, role, tag), rule)

    def obj(self, nps: tuple[NP, ...], role: str = "obj") -> list[Tok]:
        return _mark(super().obj(nps, role), lambda text, t, k: "PUNCT" if text == "," else "CCONJ")

    def loc(self, key: str, idx: int) -> list[Tok]:
        city = key.startswith("@")

        def rule(text: str, t: str | None, k: int) -> str | tuple[str, str]:
            if t == "loc":
                return ("PROPN", "LOC") if city else "NOUN"
            return "ADP" if k == 0 else "DET"  # "in the park", "en il parko"

        return _mark(super().loc(key, idx), rule)

    def time(self, key: str) -> list[Tok]:
        toks = super().time(key)
        if len(toks) == 1:  # "yesterday", "today"; one word for "in the morning" outside English
            return _mark(toks, lambda *_: "ADV")
        return _mark(toks, lambda text, t, k: ("ADP", "DET", "NOUN")[k])  # "in the morning"

    def verb(self, key: str, idx: int, tense: str, neg: bool, base_only: bool = False) -> list[Tok]:
        # besides the verb: "did"/"does" (AUX), "not" and the negation and tense particles (PART)
        return _mark(super().verb(key, idx, tense, neg, base_only),
                     lambda text, t, k: "VERB" if t == "verb" else ("AUX" if text in ("did", "does") else "PART"))

    def arrange(self, S: list[Tok], V: list[Tok], O_: list[Tok], L_: list[Tok], T: list[Tok],
                front: bool = False) -> list[Tok]:
        return _mark(super().arrange(S, V, O_, L_, T, front), lambda *_: "PUNCT")  # comma after a fronted place

    def copula(self, tense: str, neg: bool) -> list[Tok]:
        negation = {"not", self.fw.get("neg")}
        return _mark(super().copula(tense, neg), lambda text, t, k: "PART" if text in negation else "AUX")

    def state(self, s: State) -> list[Tok]:
        return _mark(super().state(s), lambda *_: "ADJ")  # the predicate adjective ("hungry", "big")

    def has(self, h: Has) -> list[Tok]:
        english_age = {"is": "AUX", "years": "NOUN", "old": "ADJ"}  # "Anna is 34 years old"
        return _mark(super().has(h), lambda text, t, k: "NUM" if t == "num" else english_age[text])

    def clause(self, lf: LogicalForm) -> list[Tok]:
        if isinstance(lf, Question):
            raise NotImplementedError("word tags are defined for declarative clauses only")
        conj = "SCONJ" if isinstance(lf, Complex) and lf.conj == "because" else "CCONJ"
        return _mark(super().clause(lf), lambda text, t, k: "PUNCT" if text == "," else conj)


@lru_cache(maxsize=16)
def _tagging_realiser(lang: str) -> _TaggingRealiser:
    return _TaggingRealiser(lang)


def tagged_words(lf: LogicalForm, lang: str) -> list[tuple[str, str, str]]:
    """(word, UPOS tag, IOB2 entity tag) for every word of ``realise(lf, lang)``, in order."""
    toks = _tagging_realiser(lang).clause(lf)
    text, spans = render(lang, toks)
    marked = [tok for tok in toks if isinstance(tok, _Word)]
    if len(marked) != len(toks):
        raise TypeError("the tagging realiser left a token without a UPOS tag")
    words = []
    for i, (start, end, _) in enumerate(spans):
        tok = marked[i] if i < len(marked) else None  # past the tokens: the full stop render adds
        if " " in text[start:end]:
            raise ValueError(f"a token holds a space: {text[start:end]!r}")
        entity = "O" if tok is None or tok.entity is None else ("I-" if tok.inside else "B-") + tok.entity
        words.append((text[start:end], "PUNCT" if tok is None else tok.pos, entity))
    return words
