"""Vocabulary: English morphology, and each other language's words built from its own phonology.

Other languages are held in a Latin romanisation (Cyrillic and Greek come at rendering time, see
``script``). A share of nouns and adjectives are cognates of the English word adapted to the
language's spelling; international loanwords are shared by nearly all.
"""

from __future__ import annotations

import hashlib
import json
import random
from functools import lru_cache

from repro.embedded.languages import EMBEDDED_LANGUAGES, LEXICON_SEED, NON_ENGLISH, derived_rng
from repro.embedded.world import CITIES, NAMES, concepts, world_facts

_EN_IRREGULAR_PLURAL = {"sheep": "sheep", "knife": "knives", "scarf": "scarves", "potato": "potatoes",
                        "tomato": "tomatoes", "bus": "buses", "fruit": "fruits", "boot": "boots"}


def en_plural(w: str) -> str:
    """The English plural of a noun."""
    if w in _EN_IRREGULAR_PLURAL:
        return _EN_IRREGULAR_PLURAL[w]
    if w.endswith(("s", "x", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def en_third(w: str) -> str:
    """The English third person singular present of a verb's base form."""
    return {"have": "has"}.get(w) or (w + "es" if w.endswith(("s", "sh", "ch", "x")) else w + "s")


FUNCTION_WORDS: dict[str, dict[str, str | None]] = {  # None: the language has no such word
    "vel": dict(indef="un", defart="il", neg="non", cop_past="era", cop_pres="es", and_="e", but="ma",
                so="dunke", because="perke", where="dove", what="ke", who="ki", howmany="kuanti", loc="en"),
    "dar": dict(neg="ma", cop_past="idi", cop_pres="dir", neg_cop="değil", and_="ve", but="ama", so="böyle",
                because="çünkü", where="nerede", what="ne", who="kim", howmany="kaç"),
    "bor": dict(neg="ne", cop_past="byl", cop_pres=None, and_="i", but="no", so="potom", because="ibo",
                where="gde", what="chto", who="kto", howmany="skolko", loc="v"),
    "thl": dict(defart="to", neg="dhen", cop_past="itan", cop_pres="ine", and_="ke", but="ala", so="ara",
                because="epidi", where="pu", what="ti", who="pios", howmany="posa", loc="se"),
    "mav": dict(plural="nga", past="ka", neg="kore", cop_past="he", cop_pres="he", and_="me", but="engari",
                so="nora", because="hoki", where="hea", what="aha", who="wai", howmany="hia", loc="i"),
}
_PHONOLOGY = {
    "vel": dict(onsets="b c d f g l m n p r s t v br tr pr st gr ch".split(), vowels="a e i o u".split(),
                codas=["", "", "", "n", "r", "l", "s"], syllables=(2, 3), final_vowel=0.8),
    "dar": dict(onsets="b c ç d g k l m n p r s ş t y z".split() + [""], vowels="a e ı i o ö u ü".split(),
                codas=["", "r", "n", "l", "k", "t", "ş", "z"], syllables=(1, 3), final_vowel=0.3),
    "bor": dict(onsets="b v g d zh z k l m n p r s t kh ch sh st pr kr sl".split(), vowels="a e i o u y".split(),
                codas=["", "", "t", "k", "l", "n", "v", "sh"], syllables=(1, 3), final_vowel=0.4),
    "thl": dict(onsets="p t k m n l r s th ph kh d g v z ps ks st tr".split(), vowels="a e i o u".split(),
                codas=["", "", "", "s", "n"], syllables=(2, 3), final_vowel=0.7),
    "mav": dict(onsets="p t k m n h w r ng".split() + [""], vowels="a e i o u".split(), codas=[""],
                syllables=(2, 3), final_vowel=1.0),
}
# share of nouns borrowed from / cognate with English (adjectives: half of it); roughly the share of
# modern nouns an English speaker recognises in Spanish, Turkish, Russian, Greek, Indonesian
_COGNATE_RATE = {"vel": 0.5, "dar": 0.35, "bor": 0.3, "thl": 0.25, "mav": 0.2}
_LOAN_RATE = 0.9  # the international loanwords (taxi, piano, hotel, ...)


def _adapt_loan(lang: str, w: str) -> str:
    """An English word as borrowed by ``lang`` (spelling adapted to its letters)."""
    w = w.lower()
    if lang == "vel":
        w = w.replace("w", "v").replace("y", "i").replace("k", "c")
        return w if w[-1] in "aeiou" else w + "o"
    for a, b in (("th", "t"), ("ph", "f"), ("sh", "s"), ("ch", "k"), ("ck", "k"), ("qu", "kv"),
                 ("c", "k"), ("x", "ks"), ("q", "k"), ("w", "v"), ("y", "i"), ("j", "y")):
        w = w.replace(a, b)
    if lang == "thl":
        w = w.replace("b", "v").replace("f", "ph").replace("h", "")
        return w if w[-1] in "aeious" else w + "i"
    if lang == "bor":
        return w.replace("h", "kh")
    if lang == "mav":
        table = str.maketrans({"b": "p", "d": "t", "g": "k", "l": "r", "s": "h", "v": "w", "f": "p", "z": "h",
                               "y": "i"})
        w = w.translate(table)
        out = []
        for i, ch in enumerate(w):
            out.append(ch)
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if ch not in "aeiou" and nxt not in "aeiou":
                out.append("u")
        return "".join(out)
    return w


def _make_word(r: random.Random, ph: dict) -> str:
    n = r.randint(*ph["syllables"])
    parts = []
    for i in range(n):
        parts.append(r.choice(ph["onsets"]) + r.choice(ph["vowels"]))
        if i < n - 1 or r.random() > ph["final_vowel"]:
            parts.append(r.choice(ph["codas"]))
    return "".join(parts)


@lru_cache(maxsize=1)
def lexicons() -> dict[str, dict[str, list[str]]]:
    """Surface forms (romanised stems) per language and concept; English holds its real words."""
    known = concepts()
    lex: dict[str, dict[str, list[str]]] = {"en": {k: list(v["en"]) for k, v in known.items()}}
    for lang in NON_ENGLISH:
        r = derived_rng(LEXICON_SEED, "lexicon", lang)
        ph = _PHONOLOGY[lang]
        used = {w for w in FUNCTION_WORDS[lang].values() if w} | {n.lower() for n in NAMES + CITIES}
        table: dict[str, list[str]] = {}
        for key in sorted(known):
            info = known[key]
            k = r.random()
            n_forms = 1 if k < 0.62 else (2 if k < 0.9 else 3)
            forms: list[str] = []
            rate = _COGNATE_RATE[lang] * (1.0 if info["pos"] == "noun" else 0.5)
            cognate = info["loan"] and r.random() < _LOAN_RATE or r.random() < rate
            if cognate and info["pos"] in ("noun", "adj") and " " not in info["en"][0]:
                # Velan keeps half of its borrowings in the English spelling (like "animal", "hotel")
                exact = lang == "vel" and r.random() < 0.5
                w = info["en"][0] if exact else _adapt_loan(lang, info["en"][0])
                if w not in used:
                    forms.append(w)
                    used.add(w)
            while len(forms) < n_forms:
                w = _make_word(r, ph)
                if len(w) >= 3 and w not in used:
                    forms.append(w)
                    used.add(w)
            table[key] = forms
        lex[lang] = table
    return lex


@lru_cache(maxsize=1)
def lexicon_fingerprint() -> str:
    """Hash of the languages' vocabularies, grammars and world: a change there changes every revision
    even if GENERATOR_VERSION was not bumped (template changes still need the bump)."""
    payload = json.dumps({"lex": lexicons(), "world": world_facts(), "fw": FUNCTION_WORDS,
                          "langs": {c: vars(m) for c, m in EMBEDDED_LANGUAGES.items()}}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
