"""The embedded task table and ``load_embedded_task``: items generated per split, realised per language."""

from __future__ import annotations

import hashlib
import json
import random
from functools import lru_cache

from repro.embedded.grammar import realise, realiser, render
from repro.embedded.items.choice import copa_item, domain_fact_item, hellaswag_item
from repro.embedded.items.nli import NLI_LABELS, NLI_TYPES, mnli_pair, nli_pair
from repro.embedded.items.paraphrase import DUPLICATE_LABELS, PARAPHRASE_LABELS, paws_pair, qqp_pair
from repro.embedded.items.qa import qa_item, qa_rows
from repro.embedded.items.retrieval import retrieval_lf
from repro.embedded.items.tagging import tagging_lf
from repro.embedded.languages import EMBEDDED_LANGUAGES, GENERATOR_VERSION, LANGUAGES, NON_ENGLISH, derived_rng
from repro.embedded.lexicon import lexicon_fingerprint
from repro.embedded.logical_forms import Clause, LogicalForm
from repro.embedded.tagging import NER_TAGS, UPOS_TAGS, tagged_words
from repro.tasks.base import TaskData

EMBEDDED_TASKS: dict[str, dict] = {
    "xnli": {"kind": "pair_classification", "role": "target", "analog_of": "XNLI",
             "description": "3-way NLI on one-clause events; hypernym, synonym, antonym, co-hyponym, "
                           "negation and number changes decide the label"},
    "pawsx": {"kind": "pair_classification", "role": "target", "analog_of": "PAWS-X",
              "description": "paraphrase or not: role and adjective swaps with the same words vs "
                             "synonym and fronting paraphrases"},
    "mnli": {"kind": "pair_classification", "role": "intermediate", "analog_of": "MNLI",
             "description": "English NLI with other premises (needs and actions, two clauses, person "
                            "events); same labels as xnli, larger"},
    "qqp": {"kind": "pair_classification", "role": "intermediate", "analog_of": "QQP",
            "description": "duplicate questions: synonyms vs another slot, object, person or verb"},
    "squad": {"kind": "qa", "role": "intermediate", "analog_of": "SQuAD",
              "description": "extractive QA over 3-5 facts incl. job, city and age facts"},
    "tydiqa": {"kind": "qa", "role": "target", "analog_of": "TyDiQA-GoldP",
               "description": "extractive QA over 2-4 event facts; questions name the object by a "
                              "hypernym or synonym; answers an object, place or number"},
    "hellaswag": {"kind": "multiple_choice", "role": "intermediate", "analog_of": "HellaSwag",
                  "description": "4 endings; the one that satisfies the stated need is right"},
    "hellaswag_medical": {"kind": "multiple_choice", "role": "intermediate", "analog_of": "MedQA (medical)",
                          "description": "4 answers to a question on the world's numeric facts (legs, wheels, "
                                         "strings): specialised knowledge of one narrow domain"},
    "hellaswag_legal": {"kind": "multiple_choice", "role": "intermediate", "analog_of": "CaseHOLD (legal)",
                        "description": "4 answers to a question on the world's registry (where a person "
                                       "lives, how old they are): specialised knowledge of one narrow domain"},
    "copa": {"kind": "multiple_choice", "role": "target", "analog_of": "XCOPA",
             "description": "2 choices: the cause or effect that fits a need and its action"},
    "tatoeba": {"kind": "retrieval", "role": "target", "analog_of": "Tatoeba",
                "description": "find the English translation of each sentence"},
    "bucc": {"kind": "retrieval", "role": "target", "analog_of": "BUCC",
             "description": "like tatoeba, more sentences"},
    "panx": {"kind": "token_classification", "role": "target", "analog_of": "PAN-X (WikiANN NER)",
             "description": "named entities in IOB2 tags: people (PER, with or without a surname) and cities "
                            "(LOC); names are transliterated and take case endings"},
    "udpos": {"kind": "token_classification", "role": "target", "analog_of": "UDPOS (Universal Dependencies)",
              "description": "a UPOS tag per word from its source in the grammar: content words, articles, "
                             "adpositions, auxiliaries, particles, conjunctions, punctuation"},
}
_SIZES = {  # train (per language), dev (English; per language for the target tasks), test (per language)
    "xnli": (3000, 300, 300), "pawsx": (3000, 300, 300), "mnli": (6000, 300, 300), "qqp": (4000, 300, 300),
    "squad": (3000, 300, 300), "tydiqa": (2000, 300, 300), "hellaswag": (3000, 300, 300),
    "copa": (1000, 200, 300), "tatoeba": (0, 0, 300), "bucc": (0, 300, 1000),
    "hellaswag_medical": (3000, 300, 300), "hellaswag_legal": (3000, 300, 300),
    "panx": (2000, 300, 300), "udpos": (2000, 300, 300),  # tagging: English train only
}
_TARGETS_EN_ONLY_TEST = {"mnli", "qqp", "squad", "hellaswag", "hellaswag_medical", "hellaswag_legal"}


def task_sizes(name: str) -> tuple[int, int, int]:
    """(training examples per language, dev examples, test examples per language) of an embedded task."""
    if name not in _SIZES:
        raise KeyError(f"unknown embedded task {name!r}; known: {', '.join(_SIZES)}")
    return _SIZES[name]


def task_revision(name: str, seed: int = 0) -> str:
    """Content hash of what ``load_embedded_task(name, seed)`` returns (no generation needed)."""
    payload = json.dumps({"v": GENERATOR_VERSION, "lexicon": lexicon_fingerprint(), "task": name, "seed": seed,
                          "sizes": _SIZES[name], "languages": list(LANGUAGES)}, sort_keys=True)
    return "embedded-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def _balanced_labels(r: random.Random, n: int, k: int) -> list[int]:
    labels = [i % k for i in range(n)]
    r.shuffle(labels)
    return labels


def _pair_items(name: str, r: random.Random, n: int) -> list[tuple[LogicalForm, LogicalForm, int]]:
    k = 3 if name in ("xnli", "mnli") else 2
    items: list[tuple[LogicalForm, LogicalForm, int]] = []
    p: LogicalForm
    h: LogicalForm
    for label in _balanced_labels(r, n, k):
        if name == "xnli":
            p, h = nli_pair(r, label, r.choice(NLI_TYPES[label]))
        elif name == "mnli":
            p, h = mnli_pair(r, label)
        elif name == "pawsx":
            p, h = paws_pair(r, label)
        else:
            p, h = qqp_pair(r, label)
        items.append((p, h, label))
    return items


def _split_items(name: str, seed: int, split: str, n: int) -> list:
    r = derived_rng(seed, GENERATOR_VERSION, name, split)
    kind = EMBEDDED_TASKS[name]["kind"]
    if kind == "pair_classification":
        return _pair_items(name, r, n)
    if kind == "qa":
        lo, hi = (3, 5) if name == "squad" else (2, 4)
        return [qa_item(r, r.randint(lo, hi), name == "squad") for _ in range(n)]
    if name == "copa":
        return [copa_item(r) for _ in range(n)]
    if name == "hellaswag":
        return [hellaswag_item(r) for _ in range(n)]
    if name.startswith("hellaswag_"):
        return [domain_fact_item(r, name.removeprefix("hellaswag_")) for _ in range(n)]
    if kind == "token_classification":
        return [tagging_lf(r) for _ in range(n)]
    seen: set[str] = set()
    items: list[Clause] = []
    while len(items) < n:  # retrieval: distinct English sentences
        lf = retrieval_lf(r)
        en = realise(lf, "en")
        if en not in seen:
            seen.add(en)
            items.append(lf)
    return items


def _rows(name: str, items: list, lang: str, prefix: str) -> dict[str, list]:
    kind = EMBEDDED_TASKS[name]["kind"]
    if kind == "pair_classification":
        return {"sentence1": [realise(p, lang) for p, _, _ in items],
                "sentence2": [realise(h, lang) for _, h, _ in items],
                "label": [lab for _, _, lab in items]}
    if kind == "qa":
        return qa_rows(items, lang, prefix)
    if kind == "retrieval":
        return {"source_sentence": [realise(lf, lang) for lf in items],
                "target_sentence": [realise(lf, "en") for lf in items]}
    if kind == "token_classification":
        ner = name == "panx"
        index = {tag: i for i, tag in enumerate(NER_TAGS if ner else UPOS_TAGS)}
        words = [tagged_words(lf, lang) for lf in items]
        return {"tokens": [[w for w, _, _ in sentence] for sentence in words],
                "tags": [[index[entity if ner else pos] for _, pos, entity in sentence] for sentence in words]}
    rz, ctx, ends, labels = realiser(lang), [], [], []
    if name == "copa":
        for premise, conj, choices, label in items:
            toks = rz.clause(premise) + [(",", None), (rz.conj(conj), None)]
            ctx.append(render(lang, toks, end=None)[0])
            ends.append([realise(c, lang, capitalize=False) for c in choices])
            labels.append(label)
    else:
        for context, endings, label in items:
            ctx.append(" ".join(realise(c, lang) for c in context))
            ends.append([realise(e, lang) for e in endings])
            labels.append(label)
    return {"context": ctx, "endings": ends, "label": labels}


@lru_cache(maxsize=16)
def _generate(name: str, seed: int) -> dict:
    n_train, n_dev, n_test = _SIZES[name]
    out: dict = {"train": {}, "dev": None, "test": {}, "dev_by_language": {}}
    if n_train:
        items = _split_items(name, seed, "train", n_train)
        # tagging tasks train on English only (no translated training sets: nothing reads them)
        train_langs = ("en",) if EMBEDDED_TASKS[name]["kind"] == "token_classification" else LANGUAGES
        out["train"] = {lang: _rows(name, items, lang, f"{name}-train") for lang in train_langs}
    test_items = _split_items(name, seed, "test", n_test)
    retrieval = EMBEDDED_TASKS[name]["kind"] == "retrieval"
    if retrieval:
        langs = NON_ENGLISH
    elif name in _TARGETS_EN_ONLY_TEST:
        langs = ("en",)
    else:
        langs = LANGUAGES
    if n_dev:
        dev_items = _split_items(name, seed, "dev", n_dev)
        if not retrieval:  # retrieval has no English dev: its sources are the other languages
            out["dev"] = _rows(name, dev_items, "en", f"{name}-dev")
        if EMBEDDED_TASKS[name]["role"] == "target":  # the same dev items in every test language
            out["dev_by_language"] = {lang: _rows(name, dev_items, lang, f"{name}-dev") for lang in langs}
    out["test"] = {lang: _rows(name, test_items, lang, f"{name}-test") for lang in langs}
    return out


def load_embedded_task(name: str, seed: int = 0) -> TaskData:
    """One embedded task in the common schema (see repro.tasks.base).

    ``train``: English plus a translated training set per language (same items, row-aligned;
    English only for the tagging tasks); ``dev``: English, and for target tasks the same items in
    every test language (``dev_by_language``); ``test``: parallel sets for every
    language (target tasks), English only for the intermediate tasks, non-English sources with
    English targets for retrieval.
    """
    from datasets import Dataset

    if name not in EMBEDDED_TASKS:
        raise KeyError(f"unknown embedded task {name!r}; known: {', '.join(EMBEDDED_TASKS)}")
    data = _generate(name, seed)
    spec = EMBEDDED_TASKS[name]
    kind = spec["kind"]
    labels = None
    if name in ("xnli", "mnli"):
        labels = list(NLI_LABELS)
    elif name == "pawsx":
        labels = list(PARAPHRASE_LABELS)
    elif name == "qqp":
        labels = list(DUPLICATE_LABELS)
    elif name == "panx":
        labels = list(NER_TAGS)
    elif name == "udpos":
        labels = list(UPOS_TAGS)
    return TaskData(
        name=name, kind=kind,
        train={lang: Dataset.from_dict(rows) for lang, rows in data["train"].items()},
        dev=Dataset.from_dict(data["dev"]) if data["dev"] is not None else None,
        test={lang: Dataset.from_dict(rows) for lang, rows in data["test"].items()},
        dev_by_language={lang: Dataset.from_dict(rows) for lang, rows in data["dev_by_language"].items()},
        label_names=labels,
        parallel=True,
        revision=task_revision(name, seed),
        metadata={"source": "embedded", "seed": seed, "generator_version": GENERATOR_VERSION,
                  "analog_of": spec["analog_of"], "role": spec["role"], "description": spec["description"],
                  "languages": {c: vars(m) for c, m in EMBEDDED_LANGUAGES.items()}},
    )
