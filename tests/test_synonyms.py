"""Robust-XLT's synonym table and RS-DA augmentation, on the real table where it is available."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from datasets import ClassLabel, Dataset, Features, Value

from repro.hub_access import MissingResourceError
from repro.tasks import synonyms
from repro.tasks.synonyms import (
    SYNONYM_SHA256,
    SynonymTableError,
    augment_examples,
    augment_sentence,
    cached_table_path,
    counterfitted_table,
    fetch_synonym_table,
    load_synonym_table,
    synonym_cache_path,
)

# shared/ sits beside the repository clone; tests may read it, the product never does
SHARED_TABLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "counterfitted_neighbors.json"


@pytest.fixture(scope="module")
def real_table() -> dict[str, list[str]]:
    if not SHARED_TABLE.is_file():
        pytest.skip(f"the real synonym table is not at {SHARED_TABLE} (shared/data beside the clone)")
    return load_synonym_table(SHARED_TABLE)


TOY = {"good": ["great", "fine"], "movie": ["film"], "empty": [], "Good": ["Great"]}


def test_real_table_size_and_checksum(real_table):
    assert hashlib.sha256(SHARED_TABLE.read_bytes()).hexdigest() == SYNONYM_SHA256
    assert len(real_table) == 49_975
    assert sum(1 for v in real_table.values() if v) == 25_591
    assert max(len(v) for v in real_table.values()) <= 8


def test_augmentation_on_the_real_table(real_table):
    sentence = "the movie was good , and the actors were great ."
    words = sentence.split(" ")
    seen_change = False
    for seed in range(20):
        out = augment_sentence(sentence, real_table, random.Random(seed))
        assert out == augment_sentence(sentence, real_table, random.Random(seed))  # deterministic per seed
        new_words = out.split(" ")
        assert len(new_words) == len(words)
        for old, new in zip(words, new_words):
            assert new == old or new in real_table.get(old, [])  # only from {word} ∪ neighbours
            if not real_table.get(old):
                assert new == old  # words without neighbours stay
        seen_change |= out != sentence
    assert seen_change


def test_draw_is_uniform_over_word_and_neighbours():
    rng = random.Random(0)
    counts = {"good": 0, "great": 0, "fine": 0}
    for _ in range(3000):
        counts[augment_sentence("good", TOY, rng)] += 1
    assert all(900 < c < 1100 for c in counts.values()), counts


def test_whitespace_case_and_punctuation_are_kept():
    rng = random.Random(1)
    # double space, tab, trailing space: split on single spaces keeps them all
    sentence = "a  movie\tgood  good. Good "
    for _ in range(50):
        out = augment_sentence(sentence, TOY, rng)
        assert [len(w) == 0 for w in out.split(" ")] == [len(w) == 0 for w in sentence.split(" ")]
        parts = out.split(" ")
        assert parts[2] == "movie\tgood"  # a tab is part of a word: no entry, unchanged
        assert parts[4] == "good."  # attached punctuation: looked up as is, unchanged
        assert parts[5] in ("Good", "Great")  # case-sensitive lookup
    assert augment_sentence("", TOY, rng) == ""
    assert augment_sentence("empty words only", TOY, rng) == "empty words only"


def test_augment_examples_copies_seeded_and_order_independent():
    examples = [{"sentence1": "good movie", "sentence2": "a movie", "label": 1},
                {"sentence1": "nothing here", "sentence2": "good", "label": 0}]
    out = augment_examples(examples, TOY, num_copies=3, seed=7)
    assert len(out) == 6
    assert [r["label"] for r in out] == [1, 1, 1, 0, 0, 0]
    assert all(r["sentence1"] == "nothing here" for r in out[3:])
    assert out == augment_examples(examples, TOY, num_copies=3, seed=7)
    # example i's copies depend on (seed, i) only, not on the other examples
    alone = augment_examples(examples[:1], TOY, num_copies=3, seed=7)
    assert alone == out[:3]
    with_original = augment_examples(examples, TOY, num_copies=2, seed=7, include_original=True)
    assert with_original[0] == examples[0] and with_original[3] == examples[1]
    with pytest.raises(ValueError):
        augment_examples(examples, TOY, num_copies=0, seed=7)
    with pytest.raises(KeyError, match="sentence2"):
        augment_examples([{"sentence1": "x"}], TOY, num_copies=1, seed=0)


def test_augment_examples_on_a_dataset_keeps_features(real_table):
    features = Features({"sentence1": Value("string"), "sentence2": Value("string"),
                         "label": ClassLabel(names=["no", "yes"])})
    ds = Dataset.from_dict({"sentence1": ["the film is good", "a bad day"],
                            "sentence2": ["the movie is fine", "a terrible day"], "label": [1, 0]},
                           features=features)
    out = augment_examples(ds, real_table, num_copies=10, seed=0)
    assert isinstance(out, Dataset) and out.features == features
    assert len(out) == 20 and list(out["label"]) == [1] * 10 + [0] * 10
    assert len(set(out["sentence1"][:10])) > 1


def test_loader_errors_name_the_file_and_what_was_expected(tmp_path):
    cases = {
        "list.json": "[1, 2]",
        "value.json": json.dumps({"good": "great"}),
        "neighbour.json": json.dumps({"good": ["great", 3]}),
        "broken.json": "{\"good\": [",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(SynonymTableError, match=rf"{name}.*expected a JSON object mapping"):
            load_synonym_table(tmp_path / name)
    with pytest.raises(SynonymTableError, match="no such file"):
        load_synonym_table(tmp_path / "absent.json")
    (tmp_path / "ok.json").write_text(json.dumps(TOY))
    assert load_synonym_table(tmp_path / "ok.json") == TOY


def test_fetch_verifies_sha256_and_caches_atomically(tmp_path):
    source = tmp_path / "served.json"
    source.write_text(json.dumps(TOY))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    cache = tmp_path / "cache"
    path = fetch_synonym_table(cache, url=source.as_uri(), sha256=digest)
    assert path == synonym_cache_path(cache) and load_synonym_table(path) == TOY
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    # wrong checksum: refused, nothing cached
    other = tmp_path / "other-cache"
    with pytest.raises(SynonymTableError, match="sha256"):
        fetch_synonym_table(other, url=source.as_uri(), sha256="0" * 64)
    assert not synonym_cache_path(other).exists()
    # unreachable: MissingResourceError naming the URL and the prefetch command
    with pytest.raises(MissingResourceError, match="repro prefetch --profile full"):
        fetch_synonym_table(other, url=(tmp_path / "absent.json").as_uri(), sha256=digest)


def test_counterfitted_table_from_cache_and_offline_without_it(tmp_path, real_table):
    cache = tmp_path / "cache"
    with pytest.raises(MissingResourceError, match="counterfitted_neighbors.json"):
        counterfitted_table(cache, download=False)
    target = synonym_cache_path(cache)
    target.parent.mkdir(parents=True)
    target.write_bytes(SHARED_TABLE.read_bytes())  # as a prefetch leaves it
    assert cached_table_path(cache) == target
    assert counterfitted_table(cache, download=False) == real_table
    assert synonyms.RELEASED_NUM_COPIES == {"pawsx": 10, "xnli": 3}
