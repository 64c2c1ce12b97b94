"""The embedded benchmark generator: determinism, schema, parallelism, offsets, typology."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

import pytest

from repro.tasks import embedded as E
from repro.tasks.base import TASK_KINDS, TaskData

COLUMNS = {
    "pair_classification": {"sentence1", "sentence2", "label"},
    "qa": {"id", "question", "context", "answers"},
    "multiple_choice": {"context", "endings", "label"},
    "retrieval": {"source_sentence", "target_sentence"},
}
TARGET_TASKS = ["xnli", "pawsx", "tydiqa", "copa"]


@pytest.fixture(scope="module")
def tasks() -> dict[str, TaskData]:
    return {name: E.load_embedded_task(name, seed=0) for name in E.EMBEDDED_TASKS}


def _scripts(text: str) -> set[str]:
    out = set()
    for ch in text:
        if ch.isalpha():
            out.add(unicodedata.name(ch).split()[0])  # LATIN / CYRILLIC / GREEK
    return out


# --- languages --------------------------------------------------------------------------------


def test_languages_differ_in_typology():
    langs = E.EMBEDDED_LANGUAGES
    assert len(langs) >= 6 and "en" in langs
    assert {"Latin", "Cyrillic", "Greek"} <= {m.script for m in langs.values()}
    assert {"SVO", "SOV", "VSO"} <= {m.word_order for m in langs.values()}
    assert {"high", "low"} == {m.resource for m in langs.values()}
    assert {"pre", "post"} == {m.adjective_position for m in langs.values()}
    assert len({m.family for m in langs.values()}) >= 4
    for code, m in langs.items():
        assert m.code == code and m.name and m.family and m.negation and m.morphology


def test_scripts_are_really_used(tasks):
    test = tasks["xnli"].test
    for code, meta in E.EMBEDDED_LANGUAGES.items():
        text = " ".join(test[code]["sentence1"][:50])
        assert _scripts(text) == {{"Latin": "LATIN", "Cyrillic": "CYRILLIC", "Greek": "GREEK"}[meta.script]}, code


def test_word_order_and_morphology_follow_the_grammar():
    ev = E.Event(subj=E.NP("@Anna"), verb="v:see", obj=(E.NP("n:dog", num=3, adj="a:big"),), loc="n:park")
    positions = {}
    for code in E.LANGUAGES:
        _, spans = E._render(code, E._realiser(code).clause(ev))
        tags = [t for _, _, t in spans]
        positions[code] = (tags.index("subj"), tags.index("verb"), tags.index("obj"))
        s, v, o = positions[code]
        order = E.EMBEDDED_LANGUAGES[code].word_order
        expected = {"SVO": s < v < o, "SOV": s < o < v, "VSO": v < s < o}[order]
        assert expected, (code, order, E.realise(ev, code))
        adj, noun = tags.index("adj"), tags.index("obj")
        assert (adj < noun) == (E.EMBEDDED_LANGUAGES[code].adjective_position == "pre"), code
    # negation changes the sentence in every language, differently
    neg = {c: E.realise(E.Event(**{**ev.__dict__, "neg": True}), c) for c in E.LANGUAGES}
    pos = {c: E.realise(ev, c) for c in E.LANGUAGES}
    assert all(neg[c] != pos[c] for c in E.LANGUAGES)
    assert E.realise(ev, "en") == "Anna saw 3 big dogs in the park."
    assert neg["en"] == "Anna did not see 3 big dogs in the park."
    # each language has its own vocabulary for the same concept
    dogs = {c: E._lexicons()[c]["n:dog"][0] for c in E.LANGUAGES}
    assert len(set(dogs.values())) == len(dogs)


def test_shared_anchors_survive_translation(tasks):
    test = tasks["xnli"].test
    for i in range(100):
        digits = {c: re.findall(r"\d+", test[c]["sentence1"][i]) for c in E.LANGUAGES}
        assert all(Counter(d) == Counter(digits["en"]) for d in digits.values()), i
    names_en = [n for n in E.NAMES if n in test["en"]["sentence1"][0]]
    assert names_en and names_en[0] in test["vel"]["sentence1"][0]  # Latin script keeps names
    assert names_en[0] not in test["bor"]["sentence1"][0]  # Cyrillic transliterates them


# --- determinism and revisions ------------------------------------------------------------------


def _as_dicts(td: TaskData) -> dict:
    return {"train": {k: v.to_dict() for k, v in td.train.items()},
            "dev": td.dev.to_dict() if td.dev is not None else None,
            "test": {k: v.to_dict() for k, v in td.test.items()}}


@pytest.mark.parametrize("name", ["xnli", "tydiqa", "copa"])
def test_same_seed_same_data_other_seed_other_data(name):
    E._generate.cache_clear()
    a = _as_dicts(E.load_embedded_task(name, seed=0))
    E._generate.cache_clear()
    b = _as_dicts(E.load_embedded_task(name, seed=0))
    c = _as_dicts(E.load_embedded_task(name, seed=1))
    assert a == b
    assert a["test"]["en"] != c["test"]["en"] and a["train"]["en"] != c["train"]["en"]
    # the languages themselves do not depend on the seed: same vocabulary
    assert E.load_embedded_task(name, 1).revision != E.load_embedded_task(name, 0).revision


def test_revision_is_a_content_key():
    assert E.task_revision("xnli", 0) == E.load_embedded_task("xnli", 0).revision
    revs = {E.task_revision(n, s) for n in E.EMBEDDED_TASKS for s in (0, 1)}
    assert len(revs) == 2 * len(E.EMBEDDED_TASKS)
    assert E.GENERATOR_VERSION in E.load_embedded_task("xnli", 0).metadata["generator_version"]


def test_splits_do_not_share_items(tasks):
    td = tasks["xnli"]
    train = set(zip(td.train["en"]["sentence1"], td.train["en"]["sentence2"]))
    test = list(zip(td.test["en"]["sentence1"], td.test["en"]["sentence2"]))
    assert sum(p in train for p in test) < 0.05 * len(test)


# --- schema -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(E.EMBEDDED_TASKS))
def test_schema_per_kind(tasks, name):
    td = tasks[name]
    spec = E.EMBEDDED_TASKS[name]
    assert td.kind == spec["kind"] in TASK_KINDS and td.name == name
    cols = COLUMNS[td.kind]
    for split in [*td.train.values(), *td.test.values(), *([td.dev] if td.dev is not None else [])]:
        assert set(split.column_names) == cols
        assert len(split) > 0
    if td.kind == "retrieval":
        assert td.train == {} and td.dev is None
        assert set(td.test) == set(E.NON_ENGLISH)
        return
    assert set(td.train) == set(E.LANGUAGES)
    assert len({len(ds) for ds in td.train.values()}) == 1  # translated training sets are row-aligned
    assert td.dev is not None and len(td.dev) >= 100
    if spec["role"] == "target":
        assert set(td.test) == set(E.LANGUAGES)
    else:
        assert set(td.test) == {"en"}
    if td.kind == "pair_classification":
        assert td.num_labels == (3 if name in ("xnli", "mnli") else 2)
        for ds in [td.train["en"], td.dev, td.test["en"]]:
            counts = Counter(ds["label"])
            assert set(counts) == set(range(td.num_labels))
            assert min(counts.values()) > 0.8 * len(ds) / td.num_labels  # balanced
    if td.kind == "multiple_choice":
        n = 4 if name == "hellaswag" else 2
        for ds in [td.train["en"], td.dev, *td.test.values()]:
            assert all(len(e) == n for e in ds["endings"])
            assert set(ds["label"]) == set(range(n))


def test_mnli_and_xnli_share_labels_but_not_templates(tasks):
    assert tasks["mnli"].label_names == tasks["xnli"].label_names == E.NLI_LABELS
    assert len(tasks["mnli"].train["en"]) > len(tasks["xnli"].train["en"])
    has_two_clauses = sum(", " in s for s in tasks["mnli"].train["en"]["sentence1"])
    assert has_two_clauses > 0.2 * len(tasks["mnli"].train["en"])
    assert sum(", " in s for s in tasks["xnli"].train["en"]["sentence1"]) < 0.05 * len(tasks["xnli"].train["en"])


# --- parallel test sets -------------------------------------------------------------------------


@pytest.mark.parametrize("name", TARGET_TASKS + ["tatoeba", "bucc"])
def test_test_sets_are_parallel(tasks, name):
    td = tasks[name]
    assert td.parallel
    sizes = {len(ds) for ds in td.test.values()}
    assert len(sizes) == 1
    langs = list(td.test)
    if td.kind in ("pair_classification", "multiple_choice"):
        labels = {tuple(td.test[c]["label"]) for c in langs}
        assert len(labels) == 1
    if td.kind == "retrieval":
        targets = {tuple(td.test[c]["target_sentence"]) for c in langs}
        assert len(targets) == 1
        assert len(set(td.test[langs[0]]["target_sentence"])) == len(td.test[langs[0]])
        for c in langs:
            assert sum(a == b for a, b in zip(td.test[c]["source_sentence"], td.test[c]["target_sentence"])) == 0
    # row i is the same item: languages differ in words but never in numbers
    first = td.test[langs[0]]
    text_col = {"pair_classification": "sentence1", "qa": "context", "multiple_choice": "context",
                "retrieval": "source_sentence"}[td.kind]
    for c in langs[1:]:
        assert td.test[c][text_col] != first[text_col]
        for a, b in zip(first[text_col][:100], td.test[c][text_col][:100]):
            assert sorted(re.findall(r"\d+", a)) == sorted(re.findall(r"\d+", b))


# --- QA -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tydiqa", "squad"])
def test_qa_answer_offsets_exact_in_every_language(tasks, name):
    td = tasks[name]
    splits = [*td.train.values(), td.dev, *td.test.values()]
    for ds in splits:
        for row in ds:
            (text,), (start,) = row["answers"]["text"], row["answers"]["answer_start"]
            ctx = row["context"]
            assert text and ctx[start : start + len(text)] == text
            # a whole word: bounded by the context edges, spaces or punctuation
            assert start == 0 or ctx[start - 1] == " "
            assert start + len(text) == len(ctx) or ctx[start + len(text)] in " .,?"
    # number answers are the same digits in every language (the same item)
    en = td.test["en"]["answers"] if "en" in td.test else None
    if name == "tydiqa":
        for c in E.NON_ENGLISH:
            for a, b in zip(en, td.test[c]["answers"]):
                if a["text"][0].isdigit():
                    assert b["text"] == a["text"]


def test_qa_questions_need_word_knowledge(tasks):
    """Many questions name the object by its hypernym (e.g. 'fruits'), absent from the context."""
    td = tasks["tydiqa"]
    hypernyms = {w for c in E._CATEGORIES for w in E._concepts()["n:" + c]["en"]}
    plural = {E._en_plural(w) for w in hypernyms} | hypernyms
    uses = 0
    for q, ctx in zip(td.test["en"]["question"], td.test["en"]["context"]):
        words = set(re.findall(r"[a-z]+", q.lower()))
        if words & plural and not (words & plural & set(re.findall(r"[a-z]+", ctx.lower()))):
            uses += 1
    assert uses > 0.2 * len(td.test["en"])


# --- word knowledge in the pair tasks -----------------------------------------------------------


def _signature(s1: str, s2: str) -> tuple:
    a, b = Counter(re.findall(r"\w+", s1.lower())), Counter(re.findall(r"\w+", s2.lower()))
    return (min(sum((a - b).values()), 4), min(sum((b - a).values()), 4))


@pytest.mark.parametrize("name", ["xnli", "pawsx"])
def test_token_overlap_alone_does_not_solve_the_task(tasks, name):
    """A classifier that sees only how many tokens differ stays far from perfect."""
    td = tasks[name]
    train, test = td.train["en"], td.test["en"]
    by_sig = defaultdict(Counter)
    for s1, s2, y in zip(train["sentence1"], train["sentence2"], train["label"]):
        by_sig[_signature(s1, s2)][y] += 1
    majority = Counter(train["label"]).most_common(1)[0][0]
    correct = sum((by_sig[_signature(s1, s2)].most_common(1)[0][0] if by_sig[_signature(s1, s2)] else majority) == y
                  for s1, s2, y in zip(test["sentence1"], test["sentence2"], test["label"]))
    assert correct / len(test) < 0.7
    # the one-word swaps carry every label: the word decides, not the overlap
    swaps = Counter(y for s1, s2, y in zip(train["sentence1"], train["sentence2"], train["label"])
                    if _signature(s1, s2) == (1, 1))
    assert len(swaps) == td.num_labels and min(swaps.values()) > 0.1 * sum(swaps.values())


# --- pretraining text and synonyms --------------------------------------------------------------


def test_pretraining_corpus_is_monolingual_non_parallel_and_deterministic():
    a = E.pretraining_corpus(0, docs=200)
    assert a == E.pretraining_corpus(0, docs=200)
    assert a != E.pretraining_corpus(1, docs=200)
    assert set(a) == set(E.LANGUAGES)
    for code, meta in E.EMBEDDED_LANGUAGES.items():
        assert len(a[code]) == (200 if meta.resource == "high" else 50)
        expected = {"Latin": "LATIN", "Cyrillic": "CYRILLIC", "Greek": "GREEK"}[meta.script]
        letters = [unicodedata.name(ch).split()[0] for ch in " ".join(a[code]) if ch.isalpha()]
        # the language's own script dominates; shared anchors (names, loanwords) may stay in Latin
        assert letters.count(expected) > 0.8 * len(letters)
        assert _scripts(" ".join(a[code])) <= {expected, "LATIN"}
    # not translations of each other: documents at the same row carry different numbers
    same = sum(re.findall(r"\d+", x) == re.findall(r"\d+", y) and re.findall(r"\d+", x) != []
               for x, y in zip(a["en"], a["vel"]))
    assert same < 0.1 * len(a["vel"])
    assert E.corpus_revision(0, 200) != E.corpus_revision(1, 200)


def test_synonym_table_is_well_formed():
    table = E.embedded_synonym_table()
    assert isinstance(table, dict) and len(table) > 150
    for word, neighbours in table.items():
        assert isinstance(word, str) and " " not in word
        assert isinstance(neighbours, list) and word not in neighbours
        assert len(neighbours) == len(set(neighbours))
        for n in neighbours:
            assert word in table[n]  # a synonym relation is symmetric here
    assert "large" in table["big"] and "hound" in table["dog"] and "hounds" in table["dogs"]
    assert "purchased" in table["bought"] and table["small"] == ["little"]
    assert table["park"] == []  # every English word is a key, [] when it has no synonym
    assert "small" not in table["big"]  # antonyms are not synonyms
    # the synonyms really occur in the data
    words = set(re.findall(r"[a-z]+", " ".join(E.load_embedded_task("xnli", 0).train["en"]["sentence2"]).lower()))
    with_syn = [w for w, n in table.items() if n and w in words]
    assert len(with_syn) > 30


def test_task_registry_is_complete():
    assert set(E.EMBEDDED_TASKS) == {"xnli", "pawsx", "mnli", "qqp", "squad", "tydiqa", "hellaswag", "copa",
                                     "tatoeba", "bucc"}
    for name, spec in E.EMBEDDED_TASKS.items():
        assert spec["kind"] in TASK_KINDS and spec["description"]
    with pytest.raises(KeyError, match="unknown embedded task"):
        E.load_embedded_task("nope")
