"""The embedded benchmark generator: determinism, schema, parallelism, offsets, typology."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict

import pytest

from repro import embedded as E
from repro.catalog import KINDS as TASK_KINDS
from repro.embedded import grammar, languages, lexicon, script, world
from repro.embedded import tagging as word_tags
from repro.embedded import tasks as task_table
from repro.embedded.items import nli, retrieval
from repro.embedded.items import tagging as tagging_items
from repro.tasks.base import TaskData

COLUMNS = {
    "pair_classification": {"sentence1", "sentence2", "label"},
    "qa": {"id", "question", "context", "answers"},
    "multiple_choice": {"context", "endings", "label"},
    "retrieval": {"source_sentence", "target_sentence"},
    "token_classification": {"tokens", "tags"},
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
        _, spans = grammar.render(code, grammar.realiser(code).clause(ev))
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
    # each language has its own vocabulary: verbs are never borrowed, nouns partly (cognates, loans)
    lex, concepts = lexicon.lexicons(), world.concepts()
    en_words = {f for forms in lex["en"].values() for f in forms}
    for code in E.NON_ENGLISH:
        verbs = [k for k, v in concepts.items() if v["pos"] == "verb"]
        assert not any(f in en_words for k in verbs for f in lex[code][k])
        nouns = [k for k, v in concepts.items() if v["pos"] == "noun"]
        own = sum(not any(f.startswith(concepts[k]["en"][0][:3]) for f in lex[code][k]) for k in nouns)
        assert own > 0.4 * len(nouns), code


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
    task_table._generate.cache_clear()
    a = _as_dicts(E.load_embedded_task(name, seed=0))
    task_table._generate.cache_clear()
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
    # tagging tasks train on English only; the others have row-aligned translated training sets
    assert set(td.train) == ({"en"} if td.kind == "token_classification" else set(E.LANGUAGES))
    assert len({len(ds) for ds in td.train.values()}) == 1
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
        n = 2 if name == "copa" else 4
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
    hypernyms = {w for c in world.CATEGORIES for w in world.concepts()["n:" + c]["en"]}
    plural = {lexicon.en_plural(w) for w in hypernyms} | hypernyms
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


def test_parallel_corpus_pairs_english_with_its_translation():
    pairs = E.parallel_corpus(0, docs=200, rate=0.1)
    assert pairs == E.parallel_corpus(0, docs=200, rate=0.1)
    assert set(pairs) == set(E.NON_ENGLISH)
    for code, meta in E.EMBEDDED_LANGUAGES.items():
        if code == "en":
            continue
        assert len(pairs[code]) == (20 if meta.resource == "high" else 5)
        for english, translated in pairs[code]:
            assert english != translated
            # a translation keeps the facts: the same numbers on both sides
            assert re.findall(r"\d+", english) == re.findall(r"\d+", translated)
            assert _scripts(english) == {"LATIN"}
    # more parallel text extends the same draw (its own random stream, one per language)
    assert E.parallel_corpus(0, docs=200, rate=0.2)["vel"][:5] == pairs["vel"][:5]


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
                                     "tatoeba", "bucc", "panx", "udpos", "hellaswag_medical", "hellaswag_legal"}
    for spec in E.EMBEDDED_TASKS.values():
        assert spec["kind"] in TASK_KINDS and spec["description"]
    with pytest.raises(KeyError, match="unknown embedded task"):
        E.load_embedded_task("nope")


# --- tagging tasks (panx, udpos) ----------------------------------------------------------------

# Recorded before the tagging tasks were added (same generator and lexicon): adding them must not
# change a word of the existing tasks. If you change the generator or the languages on purpose,
# record these again (sha256 of the task's JSON as _as_dicts gives it).
EXISTING_TASKS = {
    "xnli": ("embedded-94b84b2771493684", "e9a4720cbe9f1241f6834d945043f7684219ae787ef760ab5fd78b7cf2888ec0"),
    "tydiqa": ("embedded-e774f6f3304128f4", "ff72e5edbf0a105ec06abec58981c35520bc04d85701493e78f322916f31e5ea"),
    "copa": ("embedded-bb75a9e1d2bb842f", "dc7e167c3840af90745cbf722dcc8a20bf7079632141ce4693169c89438079a3"),
}


@pytest.mark.parametrize("name", sorted(EXISTING_TASKS))
def test_existing_tasks_are_unchanged_by_the_tagging_tasks(name):
    revision, digest = EXISTING_TASKS[name]
    td = E.load_embedded_task(name, 0)
    content = json.dumps(_as_dicts(td), sort_keys=True, ensure_ascii=False)
    assert (td.revision, hashlib.sha256(content.encode()).hexdigest()) == (revision, digest)


def test_tagging_realiser_writes_the_same_text_as_the_realiser():
    """The marked tokens are the plain realiser's tokens: every sampler's sentences read the same."""
    r = languages.derived_rng("tagging-equivalence")
    forms = [tagging_items.tagging_lf(r) for _ in range(200)] + [retrieval.retrieval_lf(r) for _ in range(100)]
    forms += [lf for _ in range(40) for lf in nli.nli_pair(r, 0, "drop")]
    forms += [nli.mnli_pair(r, i % 3)[0] for i in range(100)]
    forms += [E.Event(subj=E.NP("@Anna"), verb="v:see", obj=(E.NP("n:dog", num=3, adj="a:big"), E.NP("n:cat"),
                                                             E.NP("n:cow", definite=True)),
                      loc="n:park", time="t:morning", front_loc=True, neg=True)]
    for lang in E.LANGUAGES:
        for lf in forms:
            words = word_tags.tagged_words(lf, lang)
            text = grammar.render(lang, word_tags._tagging_realiser(lang).clause(lf))[0]
            assert re.sub(r" ([.,?])", r"\1", " ".join(w for w, _, _ in words)) == text
            assert all(pos in E.UPOS_TAGS and ner in E.NER_TAGS for _, pos, ner in words)
            if not re.search(r"'@\w+ \w", repr(lf)):  # two-word names ("@Anna Berg") exist in tagging tasks only
                assert text == E.realise(lf, lang)


@pytest.mark.parametrize("name", ["panx", "udpos"])
def test_tags_align_one_to_one_with_words_in_every_language(tasks, name):
    td = tasks[name]
    assert td.kind == "token_classification" and td.parallel
    assert td.label_names == (E.NER_TAGS if name == "panx" else E.UPOS_TAGS)
    assert set(td.test) == set(E.LANGUAGES) and len({len(ds) for ds in td.test.values()}) == 1
    for ds in [td.train["en"], td.dev, *td.test.values()]:
        for words, tags in zip(ds["tokens"], ds["tags"]):
            assert words and len(words) == len(tags)
            assert all(w and " " not in w for w in words)
            assert all(0 <= t < td.num_labels for t in tags)
    # row i is the same sentence: the same entities, numbers and names in every language
    names = td.label_names
    kept = {"B-PER", "I-PER", "B-LOC"} if name == "panx" else {"PROPN", "NUM", "PUNCT"}
    for i in range(100):
        counts = {lang: Counter(names[t] for t in td.test[lang]["tags"][i] if names[t] in kept) for lang in E.LANGUAGES}
        assert all(c == counts["en"] for c in counts.values()), i


def test_panx_tags_people_as_per_and_cities_as_loc(tasks):
    td = tasks["panx"]
    names, counts = td.label_names, Counter()
    for ds in [td.train["en"], td.dev, td.test["en"]]:
        for words, tags in zip(ds["tokens"], ds["tags"]):
            for word, tag in zip(words, (names[t] for t in tags)):
                counts[tag] += 1
                expected = ("B-PER" if word in E.NAMES else "I-PER" if word in E.SURNAMES
                            else "B-LOC" if word in E.CITIES else "O")
                assert tag == expected, (word, tag, words)
    assert min(counts[t] for t in ("B-PER", "I-PER", "B-LOC")) > 100 and counts["I-LOC"] == 0
    # outside Latin script the entities are transliterated, and inflected names stay entities
    bor = td.test["bor"]
    per = [w for words, tags in zip(bor["tokens"], bor["tags"]) for w, t in zip(words, tags) if names[t] == "B-PER"]
    assert per and all(_scripts(w) == {"CYRILLIC"} for w in per)
    assert set(per) - {script.to_script("bor", n) for n in E.NAMES}  # accusative forms ("Анну")


def test_udpos_tags_follow_the_words_source(tasks):
    td = tasks["udpos"]
    names = td.label_names
    en = td.test["en"]
    fixed = {"the": "DET", "a": "DET", "an": "DET", ".": "PUNCT", ",": "PUNCT", "did": "AUX", "not": "PART",
             "because": "SCONJ", "so": "CCONJ", "and": "CCONJ"}
    for words, tags in zip(en["tokens"], en["tags"]):
        for word, tag in zip(words, (names[t] for t in tags)):
            if word in fixed:
                assert tag == fixed[word], (word, words)
            elif word.isdigit():
                assert tag == "NUM"
            elif word in E.NAMES or word in E.SURNAMES or word in E.CITIES:
                assert tag == "PROPN"
    for lang in E.LANGUAGES:  # every language uses most of the inventory
        used = {names[t] for tags in td.test[lang]["tags"] for t in tags}
        assert {"NOUN", "VERB", "ADJ", "PROPN", "NUM", "PUNCT", "AUX"} <= used, lang
        assert len(used) >= 9, (lang, used)


def test_tagging_tasks_are_deterministic_and_differ_by_seed_and_task():
    task_table._generate.cache_clear()
    a = _as_dicts(E.load_embedded_task("panx", 0))
    task_table._generate.cache_clear()
    assert _as_dicts(E.load_embedded_task("panx", 0)) == a
    assert _as_dicts(E.load_embedded_task("panx", 1))["test"]["en"] != a["test"]["en"]
    assert E.load_embedded_task("udpos", 0).test["en"]["tokens"] != a["test"]["en"]["tokens"]
    assert E.task_revision("panx", 0) == E.load_embedded_task("panx", 0).revision != E.task_revision("udpos", 0)


@pytest.mark.parametrize("name, asks", [("hellaswag_medical", "How many"), ("hellaswag_legal", ("Where", "How old"))])
def test_domain_analogs_ask_one_narrow_domain_and_the_true_fact_is_right(name, asks):
    from repro.embedded.world import PARTS, concepts, world_facts

    base = {form: key[2:] for key, info in concepts().items() if key[2:] in PARTS for form in info["en"]}
    td = E.load_embedded_task(name)
    for row in td.train["en"].select(range(50)):
        assert row["context"].startswith(asks)
        right = row["endings"][row["label"]]
        words = right.rstrip(".").split()
        if name == "hellaswag_medical":  # "A car has 4 wheels." states the world's count
            noun = next(base[w] for w in right.lower().rstrip(".").split() if w in base)
            assert str(PARTS[noun][1]) in words
        else:  # "Omar lives in Dunmar." / "Omar is 34 years old." states the registry's fact
            person = world_facts()["people"][words[0]]
            assert person["city"] in words or str(person["age"]) in words
