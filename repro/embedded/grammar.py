"""The realiser: a logical form to tokens ``(text, tag)`` in one language, and tokens to text.

Tags mark the answer spans QA needs (``subj``, ``obj``, ``loc``, ``num``, ...). Per-language word
order, adjective position, articles, case suffixes, vowel harmony, negation and question formation
live here; vocabulary comes from ``lexicon`` and the script from ``script``.
"""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache
from typing import TypeAlias

from repro.embedded.languages import EMBEDDED_LANGUAGES
from repro.embedded.lexicon import FUNCTION_WORDS, en_plural, en_third, lexicons
from repro.embedded.logical_forms import NP, Complex, Event, Has, Lives, LogicalForm, Question, State
from repro.embedded.script import FOREIGN_MARK, to_script
from repro.embedded.world import concepts

Tok: TypeAlias = tuple[str, str | None]  # (text, answer-span tag or None)
Span: TypeAlias = tuple[int, int, str | None]  # (start, end, tag) of a token in the rendered text
_PUNCT = {".", ",", "?"}
_BACK_VOWELS, _FRONT_VOWELS = set("aıou"), set("eiöü")


class Realiser:
    """Logical forms to tokens in one language. ``code_switch``: the share of nouns and adjectives
    written as the English word instead (drawn from ``rng``; the pretraining corpus only)."""

    def __init__(self, lang: str, code_switch: float = 0.0, rng: random.Random | None = None):
        if code_switch and rng is None:
            raise ValueError("code_switch > 0 needs an rng to draw the switched words from")
        self.lang = lang
        self.lex = lexicons()[lang]
        # the language's function words; one it lacks (Borovan's present copula) is absent
        self.fw = {name: word for name, word in FUNCTION_WORDS.get(lang, {}).items() if word is not None}
        self.meta = EMBEDDED_LANGUAGES[lang]
        self.c = concepts()
        self.code_switch, self.rng = code_switch, rng

    # -- words ------------------------------------------------------------------------------
    def form(self, key: str, idx: int) -> str:
        if self.code_switch and self.c[key]["pos"] in ("noun", "adj"):
            assert self.rng is not None  # __init__ requires one when code_switch > 0
            if self.rng.random() < self.code_switch:
                en = self.c[key]["en"]  # an English noun or adjective inside the text, as web text has
                return FOREIGN_MARK + en[idx % len(en)]
        forms = self.lex[key]
        return forms[idx % len(forms)]

    def harmony(self, w: str, back: str, front: str) -> str:
        for ch in reversed(w):
            if ch in _BACK_VOWELS:
                return back
            if ch in _FRONT_VOWELS:
                return front
        return back

    def noun(self, key: str, idx: int, plural: bool, case: str | None = None) -> str:
        L = self.lang
        if key.startswith("@"):
            w = key[1:]
        else:
            w = self.form(key, idx)
        if L == "en":
            return en_plural(w) if plural else w
        if plural and not key.startswith("@"):
            if L == "vel":
                w = w + ("s" if w[-1] in "aeiou" else "es")
            elif L == "dar":
                w = w + self.harmony(w, "lar", "ler")
            elif L == "bor":
                w = w[:-1] + "y" if w[-1] == "a" else (w + "y" if w[-1] not in "aeiouy" else w + "i")
            elif L == "thl":
                w = w + ("s" if w[-1] in "aeiou" else "es")
        if case == "acc":
            if L == "dar":
                suffix = self.harmony(w, "ı", "i")
                w = w + ("y" + suffix if w[-1] in "aeıioöuü" else suffix)
            elif L == "bor" and w.endswith("a"):
                w = w[:-1] + "u"
        elif case == "loc" and L == "dar":
            w = w + self.harmony(w, "da", "de")
        return w

    def np(self, np: NP, role: str = "subj", tag: str | None = None) -> list[Tok]:
        """role: subj | obj | pred | q (question phrase, no numeral)."""
        L, c = self.lang, self.c
        if np.noun.startswith("@"):
            case = "acc" if role == "obj" else None
            return [(self.noun(np.noun, 0, False, case), tag or "name")]
        info = c[np.noun]
        mass = info.get("mass", False)
        plural = np.num is not None and np.num >= 2
        head_tag = tag or "noun"
        adj: list[Tok] = [(self.form(np.adj, np.adj_form), "adj")] if np.adj else []
        num: list[Tok] = [(str(np.num), "num")] if plural and role != "q" and not np.definite else []
        head: list[Tok]
        if L == "en":
            head = [(self.noun(np.noun, np.form, plural), head_tag)]
            body = num + adj + head
            if np.definite:
                return [("the", None)] + body
            if plural or mass or role == "q":
                return body
            return [("an" if body[0][0][0] in "aeiou" else "a", None)] + body
        pl_suffix = plural and not (L == "dar" and num) and L != "mav"
        case = "acc" if role == "obj" and (L == "bor" or (L == "dar" and np.definite)) else None
        head = [(self.noun(np.noun, np.form, pl_suffix, case), head_tag)]
        if L == "mav" and plural:
            head = [(self.fw["plural"], None)] + head
        body = (adj + head) if self.meta.adjective_position == "pre" else (head + adj)
        body = num + body
        art: list[Tok] = []
        if L == "vel" and not mass:
            if np.definite or not plural:
                art = [(self.fw["defart"] if np.definite else self.fw["indef"], None)]
        elif L == "thl" and np.definite:
            art = [(self.fw["defart"], None)]
        return art + body

    def obj(self, nps: tuple[NP, ...], role: str = "obj") -> list[Tok]:
        out: list[Tok] = []
        for i, np in enumerate(nps):
            if i and i == len(nps) - 1:
                out.append(("and" if self.lang == "en" else self.fw["and_"], None))
            elif i:
                out.append((",", None))
            out += self.np(np, role, tag="obj" if len(nps) == 1 else f"obj{i}")
        return out

    def loc(self, key: str, idx: int) -> list[Tok]:
        L = self.lang
        city = key.startswith("@")
        if L == "en":
            if city:
                return [("in", None), (key[1:], "loc")]
            return [(self.c[key]["prep"], None), ("the", None), (self.form(key, idx), "loc")]
        if L == "dar":
            return [(self.noun(key, idx, False, "loc"), "loc")]
        art: list[Tok] = []
        if not city and L == "vel":
            art = [(self.fw["defart"], None)]
        elif not city and L == "thl":
            art = [(self.fw["defart"], None)]
        return [(self.fw["loc"], None)] + art + [(self.noun(key, idx, False), "loc")]

    def time(self, key: str) -> list[Tok]:
        if self.lang == "en":
            return [(w, None) for w in self.form(key, 0).split()]
        return [(self.form(key, 0), None)]

    def verb(self, key: str, idx: int, tense: str, neg: bool, base_only: bool = False) -> list[Tok]:
        L = self.lang
        w = self.form(key, idx)
        if L == "en":
            base, past = w.split("/")
            if base_only:
                return [(base, "verb")]
            if neg:
                aux = "did" if tense == "past" else ("does" if tense == "present" else "did")
                return [(aux, None), ("not", None), (base, "verb")]
            return [(past if tense == "past" else en_third(base), "verb")]
        if L == "dar":
            stem = w + (self.harmony(w, "ma", "me") if neg else "")
            if tense == "past":
                stem += self.harmony(stem, "dı", "di")
            else:
                stem += "r" if stem[-1] in "aeıioöuü" else self.harmony(stem, "ır", "ir")
            return [(stem, "verb")]
        out: list[Tok] = []
        if neg:
            out.append((self.fw["neg"], None))
        if L == "vel":
            out.append((w + "ò" if tense == "past" else w, "verb"))
        elif L == "bor":
            out.append((w + ("l" if w[-1] in "aeiouy" else "al") if tense == "past" else w, "verb"))
        elif L == "thl":
            out.append(("e" + w if tense == "past" else w, "verb"))
        else:  # mav
            if tense == "past":
                out.append((self.fw["past"], None))
            out.append((w, "verb"))
        return out

    # -- clauses ----------------------------------------------------------------------------
    def arrange(self, S: list[Tok], V: list[Tok], O_: list[Tok], L_: list[Tok], T: list[Tok],
                front: bool = False) -> list[Tok]:
        order = self.meta.word_order
        if front and L_:
            rest = self.arrange(S, V, O_, [], T)
            return L_ + [(",", None)] + rest
        if order == "SVO":
            return S + V + O_ + L_ + T
        if order == "SOV":
            return S + T + L_ + O_ + V
        return V + S + O_ + L_ + T  # VSO

    def event(self, e: Event) -> list[Tok]:
        S = self.np(e.subj, "subj", tag="subj")
        V = self.verb(e.verb, e.verb_form, e.tense, e.neg)
        O_ = self.obj(e.obj) if e.obj else []
        L_ = self.loc(e.loc, e.loc_form) if e.loc else []
        T = self.time(e.time) if e.time else []
        return self.arrange(S, V, O_, L_, T, e.front_loc)

    def copula(self, tense: str, neg: bool) -> list[Tok]:
        L = self.lang
        if L == "en":
            w = "was" if tense == "past" else "is"
            return [(w, None), ("not", None)] if neg else [(w, None)]
        if L == "dar":
            if neg:
                return [(self.fw["neg_cop"] + ("di" if tense == "past" else ""), None)]
            return [(self.fw["cop_past"] if tense == "past" else self.fw["cop_pres"], None)]
        cop = self.fw["cop_past"] if tense == "past" else self.fw.get("cop_pres")
        out: list[Tok] = [(self.fw["neg"], None)] if neg else []
        return out + ([(cop, None)] if cop else [])

    def state(self, s: State) -> list[Tok]:
        S = self.np(s.subj, "subj", tag="subj")
        if s.adj is not None:
            P: list[Tok] = [(self.form(s.adj, s.form), "adj")]
        elif s.pred is not None:
            P = self.np(s.pred, "pred", tag="pred")
        else:
            raise ValueError("a State needs an adjective or a predicate noun phrase")
        C = self.copula(s.tense, s.neg)
        order = self.meta.word_order
        if order == "SOV":
            return S + P + C
        if order == "VSO":
            return C + S + P
        return S + C + P

    def has(self, h: Has) -> list[Tok]:
        L = self.lang
        S = self.np(h.subj, "subj", tag="subj")
        if L == "en" and h.part == "n:year":
            return S + [("is", None), (str(h.count), "num"), ("years", None), ("old", None)]
        verb = "v:cost" if h.part == "n:coin" else "v:have"
        V = self.verb(verb, 0, "present", False)
        O_ = self.np(NP(h.part, num=h.count), "pred")
        return self.arrange(S, V, O_, [], [])

    def lives(self, x: Lives) -> list[Tok]:
        S = self.np(x.subj, "subj", tag="subj")
        V = self.verb("v:live", 0, "present", False)
        return self.arrange(S, V, [], self.loc(x.city, 0), [])

    def conj(self, name: str) -> str:
        return name if self.lang == "en" else self.fw[name + "_" if name == "and" else name]

    def clause(self, lf: LogicalForm) -> list[Tok]:
        if isinstance(lf, Event):
            return self.event(lf)
        if isinstance(lf, State):
            return self.state(lf)
        if isinstance(lf, Has):
            return self.has(lf)
        if isinstance(lf, Lives):
            return self.lives(lf)
        if isinstance(lf, Complex):
            return self.clause(lf.c1) + [(",", None), (self.conj(lf.conj), None)] + self.clause(lf.c2)
        if isinstance(lf, Question):
            return self.question(lf)
        raise TypeError(type(lf))

    # -- questions --------------------------------------------------------------------------
    def question(self, q: Question) -> list[Tok]:
        L, e = self.lang, q.clause
        if L == "en":
            return self._question_en(q)
        wh_word = self.fw[q.target if q.target != "howmany" else "howmany"]
        if isinstance(e, Lives):
            S = self.np(e.subj, "subj")
            V = self.verb("v:live", 0, "present", False)
            if L == "dar":
                return self.arrange(S, V, [], [(wh_word, None)], []) + [("?", None)]
            return [(wh_word, None)] + self.arrange(S, V, [], [], []) + [("?", None)]
        if isinstance(e, Has):  # how many (years / legs / coins)
            S = self.np(e.subj, "subj")
            verb = "v:cost" if e.part == "n:coin" else "v:have"
            V = self.verb(verb, 0, "present", False)
            part = self.noun(e.part, 0, L != "dar")
            wh: list[Tok] = [(wh_word, None), (part, None)]
            if L == "dar":
                return self.arrange(S, V, wh, [], []) + [("?", None)]
            return wh + self.arrange(S, V, [], [], []) + [("?", None)]
        S = self.np(e.subj, "subj")
        V = self.verb(e.verb, e.verb_form, e.tense, e.neg)
        O_ = self.obj(e.obj, "obj") if e.obj else []
        L_ = self.loc(e.loc, e.loc_form) if e.loc else []
        T = self.time(e.time) if e.time else []
        if q.target == "where":
            wh, L_ = [(wh_word, None)], []
        elif q.target == "who":
            wh, S = [(wh_word, None)], []
        elif q.target == "what":
            wh, O_ = [(wh_word, None)], []
        else:  # howmany: "how many <noun>"
            np = e.obj[0]
            wh = [(wh_word, None)] + self.np(replace(np, num=None if L == "dar" else 2, definite=False), "q")
            O_ = []
        if L == "dar":  # in situ
            slot = {"where": "L", "who": "S", "what": "O", "howmany": "O"}[q.target]
            parts = {"S": S, "O": O_, "L": L_}
            parts[slot] = wh
            return self.arrange(parts["S"], V, parts["O"], parts["L"], T) + [("?", None)]
        return wh + self.arrange(S, V, O_, L_, T) + [("?", None)]

    def _question_en(self, q: Question) -> list[Tok]:
        e = q.clause
        if isinstance(e, Lives):
            return [("where", None), ("does", None)] + self.np(e.subj) + [("live", None), ("?", None)]
        if isinstance(e, Has):
            S = self.np(e.subj)
            if e.part == "n:year":
                return [("how", None), ("old", None), ("is", None)] + S + [("?", None)]
            if e.part == "n:coin":
                return ([("how", None), ("many", None), ("coins", None), ("does", None)] + S
                        + [("cost", None), ("?", None)])
            return [("how", None), ("many", None), (en_plural(self.form(e.part, 0)), None), ("does", None)] + S + [
                ("have", None), ("?", None)]
        aux = [("did", None)] + ([("not", None)] if e.neg else [])
        S = self.np(e.subj)
        Vb = self.verb(e.verb, e.verb_form, e.tense, False, base_only=True)
        O_ = self.obj(e.obj) if e.obj else []
        L_ = self.loc(e.loc, e.loc_form) if e.loc else []
        T = self.time(e.time) if e.time else []
        if q.target == "who":
            return [("who", None)] + self.verb(e.verb, e.verb_form, e.tense, e.neg) + O_ + L_ + T + [("?", None)]
        if q.target == "where":
            return [("where", None)] + aux + S + Vb + O_ + T + [("?", None)]
        if q.target == "what":
            return [("what", None)] + aux + S + Vb + L_ + T + [("?", None)]
        np = e.obj[0]
        phrase = self.np(replace(np, num=2, definite=False), "q")
        return [("how", None), ("many", None)] + phrase + aux + S + Vb + L_ + T + [("?", None)]


@cache
def realiser(lang: str) -> Realiser:
    """The shared plain realiser of ``lang`` (no code-switching)."""
    return Realiser(lang)


def render(lang: str, toks: list[Tok], *, end: str | None = ".",
           capitalize: bool = True) -> tuple[str, list[Span]]:
    """Tokens -> (text, [(start, end, tag)]) in the language's script."""
    if end and (not toks or toks[-1][0] not in _PUNCT):
        toks = toks + [(end, None)]
    pieces: list[str] = []
    spans: list[Span] = []
    pos = 0
    for i, (text, tag) in enumerate(toks):
        text = to_script(lang, text)
        if i == 0 and capitalize and text[:1].isalpha():
            text = text[0].upper() + text[1:]
        if i and text not in _PUNCT:
            pieces.append(" ")
            pos += 1
        spans.append((pos, pos + len(text), tag))
        pieces.append(text)
        pos += len(text)
    return "".join(pieces), spans


def realise(lf: LogicalForm, lang: str, *, end: str | None = ".", capitalize: bool = True) -> str:
    """The sentence for one logical form in one language (``end`` and ``capitalize`` as in :func:`render`)."""
    return render(lang, realiser(lang).clause(lf), end=end, capitalize=capitalize)[0]
