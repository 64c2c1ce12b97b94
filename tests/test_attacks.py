"""Perturbation attacks (repro.attacks): exact outputs for fixed seeds, and their properties.

How the expected strings were worked out: each follows the documented draw order of the attack
(one ``rng.random()`` per eligible word, compared with the rate; then the attack's own draws)
applied by hand to the stream of ``random.Random(seed)``. The draws of that stream are quoted in
the comments (``random()`` values to 3 decimals, ``randrange(n)`` results), read from CPython's
``random`` with the same seed; they are the same on every platform (Mersenne Twister, and string
seeds hashed with SHA-512).
"""

from __future__ import annotations

import importlib
import random
from pathlib import Path

import numpy as np
import pytest

from repro.attacks import (
    QWERTY_NEIGHBOURS,
    AttackConfig,
    BilingualDictionaryError,
    add_char_noise,
    add_char_noise_tokens,
    add_distractor,
    apply_attack,
    code_switch,
    distractor_pool,
    edit_word,
    fetch_muse_dictionary,
    flip_rate,
    load_bilingual_dictionary,
    load_muse_dictionary,
    muse_dictionary_path,
    perturb_context,
    split_sentences,
    substitute_synonyms,
    synonym_table_for,
    table_attack,
)
from repro.hub_access import MissingResourceError
from repro.tasks.synonyms import load_synonym_table

# shared/ sits beside the clone (or above a worktree): the nearest one up the tree; tests only
SHARED_TABLE = next(
    (p / "shared" / "data" / "counterfitted_neighbors.json" for p in Path(__file__).resolve().parents
     if (p / "shared" / "data" / "counterfitted_neighbors.json").is_file()),
    Path(__file__).resolve().parents[2] / "shared" / "data" / "counterfitted_neighbors.json",
)

SYNONYMS = {"good": ["great", "fine"], "movie": ["film"], "film": ["movie", "cinema"]}
MUSE_TEXT = "the le\nthe la\ncat chat\nhouse maison\nhouse\tmaison\nparis paris\n\n"


@pytest.fixture()
def fr_dictionary(tmp_path) -> dict[str, list[str]]:
    path = tmp_path / "en-fr.txt"
    path.write_text(MUSE_TEXT, encoding="utf-8")
    return load_bilingual_dictionary(path)


def qa_row(id_, question, context, answers):
    return {"id": id_, "question": question, "context": context,
            "answers": {"text": [a for a, _ in answers], "answer_start": [s for _, s in answers]}}


PARIS = "Paris is the capital of France. It is large."  # "large" at 38, len 44
BERLIN = "Berlin is in Germany. It has a river called Spree."  # "Germany" at 13, len 50
QA_ROWS = [
    qa_row("a", "What is the capital of France?", PARIS, [("Paris", 0)]),
    qa_row("b", "Where is Berlin?", BERLIN, [("Germany", 13), ("in Germany", 10)]),
    qa_row("c", "How big is Paris?", PARIS, [("large", 38)]),
]


def answers_valid(row) -> bool:
    context = row["context"]
    return all(context[s:s + len(t)] == t for t, s in zip(row["answers"]["text"], row["answers"]["answer_start"],
                                                          strict=True))


# --- synonym substitution ----------------------------------------------------------------------


def test_synonym_substitution_exact():
    # Eligible: Good (via "good": Great|Fine), movie (film), GOOD (GREAT|FINE), film (movie|cinema).
    # Random(1): .134<.5 -> randrange(2)=0 Great; .255 -> randrange(1)=0 film; .761 keeps GOOD;
    # .472 -> randrange(2)=1 cinema. Punctuation stays outside the core.
    out = substitute_synonyms("Good movie, GOOD film.", SYNONYMS, rate=0.5, rng=random.Random(1))
    assert out == "Great film, GOOD cinema."


def test_synonym_lookup_case_and_candidates():
    table = {"paris": ["paris", "Paris", "lyon", "lyon", "new york"], "usa": ["america"]}
    # the word itself, repeats and multi-word entries are dropped; case follows the word
    assert substitute_synonyms("Paris USA usa", table, rate=1.0, rng=random.Random(0)) == "Lyon AMERICA america"


def test_synonyms_on_the_real_table():
    if not SHARED_TABLE.is_file():
        pytest.skip(f"the real synonym table is not at {SHARED_TABLE}")
    table = load_synonym_table(SHARED_TABLE)
    sentence = "the movie was good , and the actors were great ."
    out = substitute_synonyms(sentence, table, rate=1.0, rng=random.Random(0))
    for old, new in zip(sentence.split(" "), out.split(" "), strict=True):
        if table.get(old):
            assert new in table[old] and new != old  # rate 1: every word with neighbours changes
        else:
            assert new == old


def test_only_english_has_a_synonym_table():
    with pytest.raises(LookupError, match="no synonym table for language 'de'.*only for \\['en'\\]"):
        synonym_table_for("de")


# --- character noise ---------------------------------------------------------------------------


def test_keyboard_neighbours_follow_the_ansi_geometry():
    # a (home row, left edge 1.75): s beside it; q (1.5) and w (2.5) above; z (2.25) below.
    assert QWERTY_NEIGHBOURS["a"] == ("q", "s", "w", "z")
    # g (5.75): f, h; t (5.5), y (6.5) above; v (5.25), b (6.25) below
    assert QWERTY_NEIGHBOURS["g"] == ("b", "f", "h", "t", "v", "y")
    # p (10.5): o beside; l (9.75) below; no key to its right among the letters
    assert QWERTY_NEIGHBOURS["p"] == ("l", "o")
    assert all(k in QWERTY_NEIGHBOURS[n] for k, ns in QWERTY_NEIGHBOURS.items() for n in ns)  # symmetric


def test_each_edit_exact():
    # "cat" allows insert, delete, swap, keyboard. Random(2): randrange(4)=0 insert, randrange(4)=0
    # position 0, randrange(3)=0 character "c".
    assert edit_word("cat", random.Random(2)) == "ccat"
    # Random(1): randrange(4)=1 delete, randrange(3)=2 position 2
    assert edit_word("cat", random.Random(1)) == "ca"
    # Cyrillic: insert, delete, swap only. Random(8): randrange(3)=0 insert, randrange(4)=2 position,
    # randrange(3)=1 character "и"
    assert edit_word("мир", random.Random(8)) == "миир"
    # Random(7): randrange(3)=1 delete, randrange(3)=0 position 0
    assert edit_word("мир", random.Random(7)) == "ир"
    # "A" allows insert and keyboard. Random(5): randrange(2)=1 keyboard, randrange(1)=0 the letter,
    # randrange(4)=0 -> "q" of (q, s, w, z), upper-cased like the letter
    assert edit_word("A", random.Random(5)) == "Q"


def test_char_noise_exact():
    # rate 1: every word with a letter gets one edit; "2" has none and takes no draw. Random(0):
    # The: .844, randrange(4)=3 keyboard, randrange(3)=0 "T", randrange(4)=2 of (f,g,r,y) -> "R"
    # cat: .965, 3 keyboard, randrange(3)=1 "a", randrange(4)=2 of (q,s,w,z) -> "w"
    # sat: .968, 2 swap, randrange(2)=0 -> "ast";  on: .505, 2 swap, randrange(1)=0 -> "no"
    # mats: .756, 2 swap, randrange(3)=2 -> "mast" (the comma stays)
    # мир: .983, randrange(3)=2 swap (no keyboard edit outside ASCII), randrange(2)=0 -> "имр"
    out = add_char_noise("The cat sat on 2 mats, мир!", rate=1.0, rng=random.Random(0))
    assert out == "Rhe cwt ast no 2 mast, имр!"


def test_char_noise_leaves_tokens_without_letters():
    text = "2024 3.5 $20 -- 1,000 !"
    assert add_char_noise(text, rate=1.0, rng=random.Random(0)) == text


def test_char_noise_keeps_whitespace_and_never_empties_a_token():
    text = "a  b\tcd\n e "
    for seed in range(30):
        out = add_char_noise(text, rate=1.0, rng=random.Random(seed))
        assert [c for c in out if c.isspace()] == [c for c in text if c.isspace()]
        tokens = add_char_noise_tokens(["a", "I", ".", "ok"], rate=1.0, rng=random.Random(seed))
        assert len(tokens) == 4 and all(tokens) and tokens[2] == "."


# --- code-switching ----------------------------------------------------------------------------


def test_muse_file_parsing(fr_dictionary):
    # several lines per word are several translations; a repeated pair (here tab-separated) counts once
    assert fr_dictionary == {"the": ["le", "la"], "cat": ["chat"], "house": ["maison"], "paris": ["paris"]}


def test_malformed_muse_line_names_file_and_line(tmp_path):
    path = tmp_path / "en-de.txt"
    path.write_text("the der\nthe die\nthe das die\n", encoding="utf-8")
    with pytest.raises(BilingualDictionaryError, match=r"en-de\.txt, line 3: 3 field\(s\)"):
        load_bilingual_dictionary(path)
    path.write_text("katze\n", encoding="utf-8")
    with pytest.raises(BilingualDictionaryError, match=r"line 1: 1 field\(s\)"):
        load_bilingual_dictionary(path)
    path.write_bytes(b"the \xff\n")
    with pytest.raises(BilingualDictionaryError, match="not UTF-8"):
        load_bilingual_dictionary(path)
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(BilingualDictionaryError, match="no pairs"):
        load_bilingual_dictionary(path)


def test_code_switch_exact(fr_dictionary):
    # Eligible: The (Le|La), cat (chat), the (le|la), house (maison); "Paris" only maps to itself.
    # Random(4): .236<.5 -> randrange(2)=0 "Le"; .721 keeps cat; .479 -> randrange(2)=0 "le";
    # .067 -> randrange(1)=0 "maison"
    out = code_switch("The cat saw the house in Paris.", fr_dictionary, rate=0.5, rng=random.Random(4))
    assert out == "Le cat saw le maison in Paris."


def test_muse_cache_lookup(tmp_path):
    with pytest.raises(MissingResourceError) as info:
        muse_dictionary_path("en", "de", tmp_path)
    message = str(info.value)
    assert "https://dl.fbaipublicfiles.com/arrival/dictionaries/en-de.txt" in message
    assert str(tmp_path / "muse" / "en-de.txt") in message and "curl -L -o" in message
    with pytest.raises(MissingResourceError, match="publishes no de-zh dictionary"):
        muse_dictionary_path("de", "zh", tmp_path)
    with pytest.raises(ValueError, match="language code"):
        muse_dictionary_path("EN", "de", tmp_path)
    (tmp_path / "muse").mkdir()
    (tmp_path / "muse" / "en-de.txt").write_text("cat katze\n", encoding="utf-8")
    assert load_muse_dictionary("en", "de", tmp_path) == {"cat": ["katze"]}


def test_fetch_muse_dictionary_caches_only_a_parsed_file(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.html"
    good.write_text("hund dog\nhund hound\n", encoding="utf-8")
    bad.write_text("<html><body>Access is denied</body></html>\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.raises(BilingualDictionaryError, match="line 1"):
        fetch_muse_dictionary("de", "en", cache, url=bad.as_uri())
    assert not [p for p in (cache / "muse").iterdir() if p.suffix != ".lock"]  # nothing half-written kept
    path = fetch_muse_dictionary("de", "en", cache, url=good.as_uri())
    assert path == cache / "muse" / "de-en.txt"
    assert load_muse_dictionary("de", "en", cache) == {"hund": ["dog", "hound"]}
    with pytest.raises(MissingResourceError, match="publishes no sw-en dictionary"):
        fetch_muse_dictionary("sw", "en", cache, url=good.as_uri())
    with pytest.raises(MissingResourceError, match="download failed"):
        fetch_muse_dictionary("fr", "en", cache, url=(tmp_path / "absent.txt").as_uri())


def test_load_muse_dictionary_downloads_what_is_missing_unless_offline(tmp_path, monkeypatch):
    # repro run checks online that MUSE answers, then the attack's evaluation loads the dictionary:
    # that load must fetch it, as the synonym table's does, or the run fails after training
    module = importlib.import_module("repro.attacks.code_switch")  # the package exports a function of that name

    source = tmp_path / "de-en.txt"
    source.write_text("hund dog\n", encoding="utf-8")
    monkeypatch.setattr(module, "muse_url", lambda src, tgt: source.as_uri())
    monkeypatch.setattr(module, "offline_mode", lambda: True)
    with pytest.raises(MissingResourceError, match="not in the cache"):
        load_muse_dictionary("de", "en", tmp_path / "cache")
    monkeypatch.setattr(module, "offline_mode", lambda: False)
    assert load_muse_dictionary("de", "en", tmp_path / "cache") == {"hund": ["dog"]}
    assert (tmp_path / "cache" / "muse" / "de-en.txt").is_file()


# --- QA ------------------------------------------------------------------------------------------


def test_sentence_splitting():
    text = "Hi there! How are you? 我很好。你呢？ Fine."
    assert split_sentences(text) == ["Hi there!", "How are you?", "我很好。", "你呢？", "Fine."]


def test_distractor_exact():
    # pool: "Paris is the capital of France.", "It is large.", "Berlin is in Germany.",
    # "It has a river called Spree."; row c (context PARIS, answer "large") may take the two
    # Berlin sentences. Insertion points of PARIS: 0, 32, 44 (end).
    pool = distractor_pool(QA_ROWS)
    assert len(pool) == 4
    # Random(4): randrange(2)=0 "Berlin is in Germany.", randrange(3)=1 -> before offset 32
    out = add_distractor(QA_ROWS[2], pool, random.Random(4))
    assert out["context"] == "Paris is the capital of France. Berlin is in Germany. It is large."
    assert out["answers"] == {"text": ["large"], "answer_start": [60]}  # 38 + len("Berlin is in Germany. ")


def test_distractor_through_apply_attack():
    # row i draws from Random(f"attack:distractor:0:{i}"): random() < 1, then sentence, then point
    # a: .008, randrange(2)=0 "Berlin is in Germany.", randrange(3)=2 the end
    # b: .380, candidates (Paris..., It is large.) randrange(2)=1, randrange(3)=2 the end
    # c: .899, randrange(2)=1 "It has a river called Spree.", randrange(3)=0 the start
    out = apply_attack(QA_ROWS, "qa", {"kind": "distractor", "rate": 1.0}, seed=0)
    assert out[0]["context"] == PARIS + " Berlin is in Germany."
    assert out[0]["answers"]["answer_start"] == [0]
    assert out[1]["context"] == BERLIN + " It is large."
    assert out[1]["answers"]["answer_start"] == [13, 10]
    assert out[2]["context"] == "It has a river called Spree. " + PARIS
    assert out[2]["answers"]["answer_start"] == [67]  # 38 + 29
    assert [r["question"] for r in out] == [r["question"] for r in QA_ROWS]
    assert all(answers_valid(r) for r in out)
    assert apply_attack(QA_ROWS, "qa", {"kind": "distractor", "rate": 0.0}, seed=0) == QA_ROWS
    assert apply_attack(QA_ROWS, "qa", {"kind": "distractor", "rate": 1.0}, seed=0) == out
    assert apply_attack(QA_ROWS, "qa", {"kind": "distractor", "rate": 1.0}, seed=1) != out


def test_distractor_spans_stay_valid_and_never_split_an_answer():
    rows = [
        qa_row("x", "Who won?", "The U.S. Army won. Then it rested. Later it left.", [("U.S. Army", 4), ("left", 44)]),
        qa_row("y", "Where?", "It was cold. Snow fell on Oslo! 雪が降った。", [("Oslo", 26), ("雪", 32)]),
        qa_row("z", "What?", "Nothing here. Birds sang.", []),
    ]
    pool = distractor_pool(rows)
    for seed in range(60):
        for row in rows:
            out = add_distractor(row, pool, random.Random(seed))
            assert answers_valid(out)
            assert out["context"] != row["context"]
    with pytest.raises(ValueError, match="no distractor sentence"):
        add_distractor(rows[0], split_sentences(rows[0]["context"]), random.Random(0))


def test_context_perturbation_exact_and_answers_reanchored():
    table = {"good": ["great"], "movie": ["picture"]}
    context = "A good movie. A good film."  # answer "good film" at 16
    row = qa_row("q", "Is the movie good?", context, [("good film", 16)])
    # rate 1 with one candidate per word: no choice; the answer's words stay, the others change
    out = perturb_context(row, 1.0, random.Random(0), table_attack(table))
    assert out["context"] == "A great picture. A good film."
    assert out["answers"]["answer_start"] == [19]  # +1 (good -> great), +2 (movie -> picture)
    # Through apply_attack, question then context, Random("attack:synonym:5:0"): question words
    # movie .552, good .782 stay; context good .391 -> randrange(1)=0 great; movie .329 -> picture
    attack = AttackConfig("synonym", 0.5, resource="toy", fields=("context", "question"))
    (attacked,) = apply_attack([row], "qa", attack, seed=5, resources={"toy": table})
    assert attacked["question"] == "Is the movie good?"
    assert attacked["context"] == "A great picture. A good film." and answers_valid(attacked)


def test_qa_default_perturbs_the_question_only():
    table = {"capital": ["city"], "paris": ["lyon"], "large": ["big"]}
    out = apply_attack(QA_ROWS, "qa", AttackConfig("synonym", 1.0, resource="t"), seed=0, resources={"t": table})
    assert [r["question"] for r in out] == ["What is the city of France?", "Where is Berlin?", "How big is Lyon?"]
    assert [(r["context"], r["answers"]) for r in out] == [(r["context"], r["answers"]) for r in QA_ROWS]


# --- apply_attack by task kind -----------------------------------------------------------------


def test_token_classification_exact_and_aligned(fr_dictionary):
    rows = [{"tokens": ["The", "cat", "saw", "Paris", "."], "tags": [0, 0, 0, 5, 0]}] * 2
    # Random("attack:code_switch:7:0"): .548, randrange(2)=1 "La"; .588, randrange(1)=0 "chat"
    # Random("attack:code_switch:7:1"): .139, randrange(2)=0 "Le"; .052, "chat"
    attack = AttackConfig("code_switch", 1.0, resource="en-fr")
    out = apply_attack(rows, "token_classification", attack, seed=7, resources={"en-fr": fr_dictionary})
    assert [r["tokens"] for r in out] == [["La", "chat", "saw", "Paris", "."], ["Le", "chat", "saw", "Paris", "."]]
    assert all(r["tags"] == [0, 0, 0, 5, 0] for r in out)


@pytest.mark.parametrize("attack", [
    AttackConfig("synonym", 1.0, resource="syn"), AttackConfig("char_noise", 1.0),
    AttackConfig("code_switch", 1.0, resource="dict"),
])
def test_tags_stay_aligned(attack, fr_dictionary):
    rows = [{"tokens": ["Good", "film", "in", "New York", "2024", ".", "x", "the"], "tags": list(range(8))}]
    resources = {"syn": {**SYNONYMS, "new york": ["nyc"]}, "dict": fr_dictionary}
    for seed in range(10):
        (out,) = apply_attack(rows, "token_classification", attack, seed=seed, resources=resources)
        assert len(out["tokens"]) == len(out["tags"]) == 8 and all(out["tokens"])
        assert out["tokens"][4:6] == ["2024", "."]  # no letter: never touched


ROWS_BY_KIND = {
    "pair_classification": [{"sentence1": "The good movie.", "sentence2": "A good film, the cat.", "label": 1}],
    "multiple_choice": [
        {"context": "The cat saw a movie.", "endings": ["It was good.", "The film ended."], "label": 0}
    ],
    "retrieval": [{"source_sentence": "The good cat.", "target_sentence": "The good cat."}],
    "token_classification": [{"tokens": ["The", "good", "cat"], "tags": [0, 1, 0]}],
    "qa": QA_ROWS,
}
RESOURCES = {"syn": {**SYNONYMS, "cat": ["kitten"], "capital": ["city"]},
             "dict": {"the": ["le"], "cat": ["chat"], "good": ["bon"], "capital": ["capitale"]}}
WORD_ATTACKS = [AttackConfig("synonym", 0.5, resource="syn"), AttackConfig("char_noise", 0.5),
                AttackConfig("code_switch", 0.5, resource="dict")]


@pytest.mark.parametrize("kind", sorted(ROWS_BY_KIND))
@pytest.mark.parametrize("attack", WORD_ATTACKS, ids=lambda a: a.kind)
def test_rate_zero_identity_and_seeding(kind, attack):
    rows = ROWS_BY_KIND[kind]
    snapshot = [dict(r) for r in rows]
    zero = AttackConfig(attack.kind, 0.0, resource=attack.resource)
    assert apply_attack(rows, kind, zero, seed=3, resources=RESOURCES) == rows
    first = apply_attack(rows, kind, attack, seed=3, resources=RESOURCES)
    assert apply_attack(rows, kind, attack, seed=3, resources=RESOURCES) == first
    outputs = {repr(apply_attack(rows, kind, attack, seed=s, resources=RESOURCES)) for s in range(8)}
    assert len(outputs) > 1  # the seed matters
    assert rows == snapshot  # the input is not changed


def test_fields_per_kind():
    full = AttackConfig("synonym", 1.0, resource="syn")
    (pair,) = apply_attack(ROWS_BY_KIND["pair_classification"], "pair_classification", full, seed=0,
                           resources=RESOURCES)
    assert "good" not in pair["sentence1"] and "good" not in pair["sentence2"] and pair["label"] == 1
    (mc,) = apply_attack(ROWS_BY_KIND["multiple_choice"], "multiple_choice", full, seed=0, resources=RESOURCES)
    assert mc["context"] == "The kitten saw a film." and "good" not in mc["endings"][0]
    assert mc["endings"][1] in ("The movie ended.", "The cinema ended.")
    (ret,) = apply_attack(ROWS_BY_KIND["retrieval"], "retrieval", full, seed=0, resources=RESOURCES)
    assert ret["source_sentence"] != "The good cat." and ret["target_sentence"] == "The good cat."


def test_word_attack_rows_do_not_depend_on_their_neighbours():
    rows = ROWS_BY_KIND["pair_classification"] * 3
    attack = AttackConfig("char_noise", 0.5)
    assert apply_attack(rows, "pair_classification", attack, seed=1)[:2] == apply_attack(
        rows[:2], "pair_classification", attack, seed=1)


def test_config_and_dispatch_errors():
    assert AttackConfig("synonym", 0.25, resource="counterfitted-en").describe() == (
        "synonym substitution, rate 0.25 per eligible word, resource 'counterfitted-en'")
    assert AttackConfig("distractor", 1.0).describe() == "distractor sentence, rate 1 per item"
    assert AttackConfig.from_mapping({"kind": "char_noise", "rate": 0.1, "fields": ["question"]}).fields == (
        "question",)
    with pytest.raises(ValueError, match="unknown attack kind"):
        AttackConfig("typo", 0.1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        AttackConfig("char_noise", 1.5)
    with pytest.raises(ValueError, match="needs a resource"):
        AttackConfig("synonym", 0.1)
    with pytest.raises(ValueError, match="keys kind, rate"):
        AttackConfig.from_mapping({"kind": "char_noise", "probability": 0.1})
    rows = ROWS_BY_KIND["pair_classification"]
    with pytest.raises(ValueError, match="'qa' only"):
        apply_attack(rows, "pair_classification", AttackConfig("distractor", 1.0), seed=0)
    with pytest.raises(ValueError, match="cannot be perturbed"):
        apply_attack(rows, "pair_classification", AttackConfig("char_noise", 0.1, fields=("label",)), seed=0)
    with pytest.raises(ValueError, match="unknown task kind"):
        apply_attack(rows, "summarization", AttackConfig("char_noise", 0.1), seed=0)
    with pytest.raises(KeyError, match="not among the resources"):
        apply_attack(rows, "pair_classification", AttackConfig("synonym", 0.1, resource="nope"), seed=0,
                     resources=RESOURCES)
    with pytest.raises(KeyError, match=r"row 0 has no field\(s\) \['sentence2'\]"):
        apply_attack([{"sentence1": "a"}], "pair_classification", AttackConfig("char_noise", 0.1), seed=0)


# --- flip rate ---------------------------------------------------------------------------------


def test_flip_rate():
    assert flip_rate([0, 1, 2, 1], [0, 2, 2, 0]) == 0.5
    assert flip_rate(["Paris", "Oslo"], ["Paris", "Oslo"]) == 0.0
    assert flip_rate([[1, 2], [3]], [[1, 0], [3]]) == 0.5  # tag sequences compare whole
    assert flip_rate(np.array([1, 0, 1]), np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert flip_rate([np.array([1, 2])], [np.array([1, 2])]) == 0.0
    with pytest.raises(ValueError, match="3 clean predictions but 2 attacked"):
        flip_rate([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        flip_rate([], [])
