"""Pretraining text (monolingual, code-switched), English-translation pairs and the English synonym table."""

from __future__ import annotations

import hashlib
import json
import random

from repro.embedded.grammar import Realiser, realise, render
from repro.embedded.languages import EMBEDDED_LANGUAGES, GENERATOR_VERSION, LANGUAGES, EmbeddedLanguage, derived_rng
from repro.embedded.lexicon import en_plural, lexicon_fingerprint, lexicons
from repro.embedded.logical_forms import NP, Clause, Complex, Has, Lives, State, name_np
from repro.embedded.sampling import need_and_action, rand_event, rand_person_event
from repro.embedded.script import to_script
from repro.embedded.world import (
    CAT_DIMS,
    CATEGORIES,
    DIMS,
    NAMES,
    PARTS,
    STATE_FORMS,
    category_members,
    concepts,
    world_facts,
)

DEFAULT_CORPUS_DOCS = 12000  # documents per high-resource language; low-resource get a quarter
CODE_SWITCH_RATE = 0.2  # share of nouns/adjectives written as the English word in non-English text
# English-translation sentence pairs per language, as a share of its documents (XLM's TLM data): a
# scale substitute for the alignment XLM-R learns from terabytes of text, which a 3-minute build cannot
PARALLEL_RATE = 0.3


def _documents(meta: EmbeddedLanguage, docs: int) -> int:
    """Documents a language gets: low-resource languages a quarter."""
    return docs if meta.resource == "high" else max(1, docs // 4)


def _document(r: random.Random) -> list[Clause]:
    """A short monolingual 'document': facts and events mostly about one person."""
    name = r.choice(NAMES)
    person = world_facts()["people"][name]
    prices = world_facts()["prices"]
    lfs: list[Clause] = []
    for _ in range(r.randint(2, 4)):
        k = r.random()
        if k < 0.08:
            lfs.append(State(name_np(name), pred=NP(person["job"], form=r.randrange(3)), tense="present"))
        elif k < 0.14:
            lfs.append(Lives(name_np(name), "@" + person["city"]))
        elif k < 0.19:
            lfs.append(Has(name_np(name), person["age"], "n:year"))
        elif k < 0.42:
            lfs.append(rand_event(r, subj=name if r.random() < 0.7 else None))
        elif k < 0.5:
            lfs.append(rand_person_event(r))
        elif k < 0.62:
            lfs.append(need_and_action(r, name_np(name), name))
        elif k < 0.72:  # taxonomy
            cat = r.choice(sorted(CATEGORIES))
            noun = r.choice(category_members(cat))
            lfs.append(State(NP(noun, form=r.randrange(3)), pred=NP("n:" + cat, form=r.randrange(3)),
                             tense="present"))
        elif k < 0.8:  # contrast with antonyms
            cat = r.choice(sorted(CATEGORIES))
            n1, n2 = r.sample(category_members(cat), 2)
            dim = r.choice(CAT_DIMS[cat])
            a1, a2 = r.sample(DIMS[dim], 2)
            lfs.append(Complex("but", State(NP(n1, definite=True, form=r.randrange(3)), adj="a:" + a1,
                                            form=r.randrange(3)),
                               State(NP(n2, definite=True, form=r.randrange(3)), adj="a:" + a2, form=r.randrange(3))))
        elif k < 0.88:  # numeric facts
            noun = r.choice(sorted(PARTS))
            part, n = PARTS[noun]
            lfs.append(Has(NP("n:" + noun, form=r.randrange(3)), n, "n:" + part))
        elif k < 0.94:
            noun = r.choice(sorted(prices))
            lfs.append(Has(NP(noun, form=r.randrange(3)), prices[noun], "n:coin"))
        else:
            state = r.choice(sorted(STATE_FORMS))
            lfs.append(State(name_np(name), adj="s:" + state, neg=r.random() < 0.3, form=r.randrange(3)))
    return lfs


def pretraining_corpus(seed: int = 0, *, docs: int = DEFAULT_CORPUS_DOCS,
                       code_switch: float = CODE_SWITCH_RATE) -> dict[str, list[str]]:
    """Non-parallel monolingual text per language (one short document per line).

    Every language samples its own documents (no sentence is a translation of another's);
    low-resource languages get ``docs // 4`` documents, the others ``docs``. In the non-English
    text a fraction ``code_switch`` of nouns and adjectives appear as the English word (in Latin
    script, with the language's own inflection), as in web text; task data never code-switches.
    """
    out: dict[str, list[str]] = {}
    for lang, meta in EMBEDDED_LANGUAGES.items():
        r = derived_rng(seed, GENERATOR_VERSION, "corpus", lang)
        rz = Realiser(lang, code_switch if lang != "en" else 0.0, derived_rng(seed, GENERATOR_VERSION, "switch", lang))
        out[lang] = [" ".join(render(lang, rz.clause(lf))[0] for lf in _document(r))
                     for _ in range(_documents(meta, docs))]
    return out


def parallel_corpus(seed: int = 0, *, docs: int = DEFAULT_CORPUS_DOCS,
                    rate: float = PARALLEL_RATE) -> dict[str, list[tuple[str, str]]]:
    """English-translation sentence pairs per non-English language, for translation language modelling.

    ``rate`` times a language's document count of pairs, each one sentence of a fresh document
    rendered in English and in the language (no code-switching). Sampled with their own seeds, so
    the monolingual corpus is the same whatever the rate.
    """
    out: dict[str, list[tuple[str, str]]] = {}
    for lang, meta in EMBEDDED_LANGUAGES.items():
        if lang == "en":
            continue
        r = derived_rng(seed, GENERATOR_VERSION, "parallel", lang)
        pairs = []
        for _ in range(round(rate * _documents(meta, docs))):
            lf = r.choice(_document(r))
            pairs.append((realise(lf, "en"), realise(lf, lang)))
        out[lang] = pairs
    return out


def corpus_revision(seed: int = 0, docs: int = DEFAULT_CORPUS_DOCS, code_switch: float = CODE_SWITCH_RATE) -> str:
    """Content key of ``pretraining_corpus(seed, docs=docs, code_switch=code_switch)`` (no generation needed)."""
    payload = json.dumps({"v": GENERATOR_VERSION, "lexicon": lexicon_fingerprint(), "seed": seed, "docs": docs,
                          "code_switch": code_switch, "languages": list(LANGUAGES)}, sort_keys=True)
    return "corpus-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def embedded_synonym_table() -> dict[str, list[str]]:
    """English word -> its synonyms in the embedded world (format of counterfitted_neighbors.json).

    Every English single-word form is a key (inflected forms too: plurals, past tenses), with the
    other forms of the same concept and inflection as neighbours ([] when it has none).
    """
    table: dict[str, list[str]] = {}

    def add(group: list[str]):
        group = [w for w in dict.fromkeys(group) if " " not in w]
        for w in group:
            neigh = table.setdefault(w, [])
            for other in group:
                if other != w and other not in neigh:
                    neigh.append(other)

    for _key, info in sorted(concepts().items()):
        forms = info["en"]
        if info["pos"] == "noun":
            add(forms)
            add([en_plural(f) for f in forms])
        elif info["pos"] == "verb":
            add([f.split("/")[0] for f in forms])
            add([f.split("/")[1] for f in forms])
        else:
            add(forms)
    return table


def _surface(lang: str, form: str) -> str:
    return to_script(lang, form)


def language_synonym_table(lang: str) -> dict[str, list[str]]:
    """Word -> its synonyms in one embedded language (the other forms of the same concept, in the
    language's script; base forms only). English is :func:`embedded_synonym_table`."""
    if lang == "en":
        return embedded_synonym_table()
    table: dict[str, list[str]] = {}
    for _key, forms in sorted(lexicons()[lang].items()):
        words = [_surface(lang, f) for f in dict.fromkeys(forms)]
        for word in words:
            table.setdefault(word, [])
            table[word] += [other for other in words if other != word and other not in table[word]]
    return table


def bilingual_dictionary(lang: str) -> dict[str, list[str]]:
    """Embedded-language word -> its English translations (MUSE's format: one source word, several
    targets), built from the lexicons: every form of a concept maps to every English form of it
    (verbs: the English base form). The smoke profile's code-switching attack reads it."""
    if lang == "en":
        raise ValueError("a bilingual dictionary maps another language to English")
    english = lexicons()["en"]
    table: dict[str, list[str]] = {}
    for key, forms in sorted(lexicons()[lang].items()):
        targets = [f.split("/")[0] for f in english[key] if " " not in f]
        if not targets:
            continue
        for form in dict.fromkeys(forms):
            table.setdefault(_surface(lang, form), [])
            table[_surface(lang, form)] += [t for t in targets if t not in table[_surface(lang, form)]]
    return table
