"""The full profile's hub loaders, run offline on tiny local copies in each dataset's own schema.

Each fixture writes a directory laid out like the hub repository (README.md with the ``configs``
and ``dataset_info`` metadata the hub card carries, parquet data files in the dataset's own
columns) and loads it through ``load_hub_task(..., data_root=...)``: the same
``datasets.load_dataset`` call and the same normalisation as on the GPU runners. Nothing is mocked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from repro.catalog.hub_sources import HUB_TASKS, PANX_LABELS, UPOS_LABELS
from repro.hub_access import PREFETCH_COMMAND, MissingResourceError, hub_offline
from repro.models.hub import (
    HUB_MODELS,
    check_model_available,
    model_cached,
    resolve_model,
)
from repro.rehearsal.layout import hub_style_cache, qa_rows, rows, write_card, write_parquet_export, write_repo
from repro.resources import check_available
from repro.tasks.hub import (
    dataset_requirements,
    load_hub_task,
    supported_tasks,
)

REPO = Path(__file__).resolve().parents[1]

# --- writing hub-shaped repositories: repro.rehearsal.layout (one copy, shared with the rehearsal mirror)

NLI = ("entailment", "neutral", "contradiction")


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hub")
    # facebook/xnli: one config per language, premise / hypothesis / label (class label)
    xnli = {}
    for lang in ("en", "de", "fr"):
        xnli[lang] = {
            "train": rows(premise=[f"{lang} p{i}" for i in range(3)], hypothesis=[f"{lang} h{i}" for i in range(3)],
                          label=[0, 1, 2]),
            "validation": rows(premise=[f"{lang} vp{i}" for i in range(2)],
                               hypothesis=[f"{lang} vh{i}" for i in range(2)], label=[2, 0]),
            "test": rows(premise=[f"{lang} tp{i}" for i in range(4)], hypothesis=[f"{lang} th{i}" for i in range(4)],
                         label=[1, 0, 2, 1]),
        }
    write_repo(root, "facebook/xnli", xnli, {"premise": "string", "hypothesis": "string", "label": NLI})

    # google-research-datasets/paws-x: id, sentence1, sentence2, label (names "0", "1"); -1 marks a missing label
    pawsx = {}
    for lang in ("en", "de", "ja"):
        test_labels = [1, -1, 0] if lang == "de" else [1, 0, 0]
        pawsx[lang] = {
            "train": rows(id=[1, 2, 3], sentence1=[f"{lang} a{i}" for i in range(3)],
                          sentence2=[f"{lang} b{i}" for i in range(3)], label=[0, 1, -1]),
            "validation": rows(id=[10, 11], sentence1=[f"{lang} va{i}" for i in range(2)],
                               sentence2=[f"{lang} vb{i}" for i in range(2)], label=[1, 0]),
            "test": rows(id=[20, 21, 22], sentence1=[f"{lang} ta{i}" for i in range(3)],
                         sentence2=[f"{lang} tb{i}" for i in range(3)], label=test_labels),
        }
    write_repo(root, "google-research-datasets/paws-x", pawsx,
               {"id": "int32", "sentence1": "string", "sentence2": "string", "label": ("0", "1")})

    # nyu-mll/glue: mnli, qqp, sst2 (test labels hidden: -1)
    write_repo(root, "nyu-mll/glue", {"mnli": {
        "train": rows(premise=["mp0", "mp1"], hypothesis=["mh0", "mh1"], label=[0, 2], idx=[0, 1]),
        "validation_matched": rows(premise=["mvp"], hypothesis=["mvh"], label=[1], idx=[0]),
        "validation_mismatched": rows(premise=["mmp", "mmq"], hypothesis=["mmh", "mmi"], label=[2, 0], idx=[0, 1]),
        "test_matched": rows(premise=["x"], hypothesis=["y"], label=[-1], idx=[0]),
    }}, {"premise": "string", "hypothesis": "string", "label": NLI, "idx": "int32"})
    write_repo(root, "nyu-mll/glue", {"qqp": {
        "train": rows(question1=["q1a", "q1b"], question2=["q2a", "q2b"], label=[1, 0], idx=[0, 1]),
        "validation": rows(question1=["vq1"], question2=["vq2"], label=[1], idx=[0]),
        "test": rows(question1=["tq1"], question2=["tq2"], label=[-1], idx=[0]),
    }}, {"question1": "string", "question2": "string", "label": ("not_duplicate", "duplicate"), "idx": "int32"})
    write_repo(root, "nyu-mll/glue", {"sst2": {
        "train": rows(sentence=["good film", "bad film"], label=[1, 0], idx=[0, 1]),
        "validation": rows(sentence=["fine"], label=[1], idx=[0]),
    }}, {"sentence": "string", "label": ("negative", "positive"), "idx": "int32"})
    _merge_cards(root / "nyu-mll/glue")

    # facebook/anli: plain_text, rounds as splits
    anli = {}
    for kind in ("train", "dev", "test"):
        for r in (1, 2, 3):
            anli[f"{kind}_r{r}"] = rows(uid=[f"{kind}{r}"], premise=[f"{kind} p r{r}"], hypothesis=[f"{kind} h r{r}"],
                                        label=[r - 1], reason=[""])
    write_repo(root, "facebook/anli", {"plain_text": anli},
               {"uid": "string", "premise": "string", "hypothesis": "string", "label": NLI, "reason": "string"})

    # rajpurkar/squad and squad_v2
    write_repo(root, "rajpurkar/squad", {"plain_text": {"train": qa_rows("sq", 3), "validation": qa_rows("sqv", 2)}})
    write_repo(root, "rajpurkar/squad_v2",
               {"squad_v2": {"train": qa_rows("s2", 3, empty_at=1), "validation": qa_rows("s2v", 2, empty_at=0)}})

    # google-research-datasets/tydiqa secondary_task (GoldP): every language in one config, id prefix = language
    train = (qa_rows("en", 2, lang_prefix="english-") + qa_rows("fi", 2, lang_prefix="finnish-")
             + qa_rows("ar", 1, lang_prefix="arabic-"))
    dev = (qa_rows("env", 1, lang_prefix="english-") + qa_rows("fiv", 2, lang_prefix="finnish-")
           + qa_rows("swv", 1, lang_prefix="swahili-"))
    write_repo(root, "google-research-datasets/tydiqa", {"secondary_task": {"train": train, "validation": dev}})

    # google/xtreme: XQuAD.<lang> (validation only), MLQA.<lang>.<lang>, bucc18.<lang>, tatoeba.<iso3>
    xtreme = {
        "XQuAD.en": {"validation": qa_rows("xq-en", 2)},
        "XQuAD.de": {"validation": qa_rows("xq-de", 2)},
        "MLQA.de.de": {"test": qa_rows("ml-de", 3), "validation": qa_rows("ml-de-v", 1)},
        "MLQA.hi.hi": {"test": qa_rows("ml-hi", 2), "validation": qa_rows("ml-hi-v", 1)},
        # the script behind the hub copy stored BUCC sentence ids in source_lang / target_lang
        "bucc18.de": {
            "validation": rows(source_sentence=["Hallo Welt"], target_sentence=["Hello world"],
                               source_lang=["de-000000007"], target_lang=["en-000000031"]),
            "test": rows(source_sentence=["Guten Morgen", "Danke"], target_sentence=["Good morning", "Thanks"],
                         source_lang=["de-000000001", "de-000000002"], target_lang=["en-000000005", "en-000000009"]),
        },
        # and read Tatoeba line by line: sentences may keep their newline
        "tatoeba.deu": {"validation": rows(source_sentence=["Ich bin hier.\n"], target_sentence=["I am here.\n"],
                                           source_lang=["deu"], target_lang=["eng"])},
        # orientation check: a copy with English on the source side is swapped by the loader
        "tatoeba.fra": {"validation": rows(source_sentence=["I am here."], target_sentence=["Je suis ici."],
                                           source_lang=["eng"], target_lang=["fra"])},
    }
    write_repo(root, "google/xtreme", xtreme)

    # Rowan/hellaswag (parquet revision): label is a string; test labels are empty
    def hs(n, labels):
        return rows(ind=list(range(n)), activity_label=["Cooking"] * n, ctx_a=[f"a{i}" for i in range(n)],
                    ctx_b=[f"b{i}" for i in range(n)], ctx=[f"a{i} b{i}" for i in range(n)],
                    endings=[[f"e{i}{j}" for j in range(4)] for i in range(n)], source_id=["s"] * n,
                    split=["train"] * n, split_type=["indomain"] * n, label=labels)
    write_repo(root, "Rowan/hellaswag", {"default": {"train": hs(2, ["3", "0"]), "validation": hs(2, ["1", "2"]),
                                                     "test": hs(1, [""])}}, dirs={"default": "data"})

    # allenai/cosmos_qa at refs/convert/parquet: <config>/<split>/0000.parquet, no card
    def cq(split, labels):
        n = len(labels)
        return rows(id=[f"{split}{i}" for i in range(n)], context=[f"passage {i}" for i in range(n)],
                    question=[f"why {i}?" for i in range(n)], answer0=["A0"] * n, answer1=["A1"] * n,
                    answer2=["A2"] * n, answer3=["A3"] * n, label=labels)
    write_parquet_export(root, "allenai/cosmos_qa", {"default": {
        "train": cq("train", [0, 3]), "validation": cq("validation", [2]), "test": cq("test", [-1])}})

    # tau/commonsense_qa: choices {label, text}; answerKey a letter ("" in test)
    def cs(n, keys):
        return rows(id=[f"c{i}" for i in range(n)], question=[f"where {i}?" for i in range(n)],
                    question_concept=["x"] * n,
                    choices=[{"label": list("ABCDE"), "text": [f"t{i}{j}" for j in range(5)]} for i in range(n)],
                    answerKey=keys)
    write_repo(root, "tau/commonsense_qa", {"default": {"train": cs(2, ["B", "E"]), "validation": cs(1, ["A"]),
                                                        "test": cs(1, [""])}}, dirs={"default": "data"})
    return root


def _merge_cards(repo: Path) -> None:
    """glue was written config by config: rebuild one card listing all of them."""
    feats = {
        "mnli": {"premise": "string", "hypothesis": "string", "label": NLI, "idx": "int32"},
        "qqp": {"question1": "string", "question2": "string", "label": ("not_duplicate", "duplicate"), "idx": "int32"},
        "sst2": {"sentence": "string", "label": ("negative", "positive"), "idx": "int32"},
    }
    data_files = {}
    for config in sorted(p.name for p in repo.iterdir() if p.is_dir()):
        splits = [f.name.split("-")[0] for f in sorted((repo / config).glob("*.parquet"))]
        data_files[config] = {split: f"{config}/{split}-*" for split in splits}
    write_card(repo, data_files, {config: feats[config] for config in data_files}, text="")


@pytest.fixture(scope="module")
def load(hub, tmp_path_factory):
    cache = tmp_path_factory.mktemp("datasets-cache")

    def _load(name, **kw):
        return load_hub_task(name, data_root=hub, cache_dir=cache, **kw)

    return _load


# --- sentence-pair classification ------------------------------------------------------------


def test_xnli_columns_labels_translated_train_and_parallel_test(load):
    task = load("xnli", languages=["en", "de", "fr"])
    assert task.kind == "pair_classification"
    assert task.label_names == list(NLI)
    assert sorted(task.train) == ["de", "en", "fr"]  # translated train sets per language
    assert task.train["de"]["sentence1"] == ["de p0", "de p1", "de p2"]
    assert task.train["en"]["sentence2"] == ["en h0", "en h1", "en h2"]
    assert task.train["en"]["label"] == [0, 1, 2]
    assert task.dev["sentence1"] == ["en vp0", "en vp1"] and task.dev["label"] == [2, 0]
    assert task.languages == ["en", "de", "fr"]
    assert task.test["fr"]["sentence1"] == [f"fr tp{i}" for i in range(4)]
    assert task.test["fr"]["label"] == [1, 0, 2, 1]
    assert task.parallel is True
    for ds in [*task.train.values(), task.dev, *task.test.values()]:
        assert ds.column_names == ["sentence1", "sentence2", "label"]
    assert task.revision.startswith("local:")
    assert task.metadata["revision_pinned"] is True


def test_language_selection_and_max_examples(load):
    task = load("xnli", languages=["de"], max_examples=2)
    assert task.languages == ["de"]
    assert sorted(task.train) == ["de", "en"]  # English train is always there
    assert len(task.test["de"]) == 2 and len(task.train["en"]) == 2 and len(task.dev) == 2
    with pytest.raises(ValueError, match="no test set for language"):
        load("xnli", languages=["xx"])


def test_pawsx_drops_missing_labels_and_keeps_test_rows_aligned(load):
    task = load("pawsx", languages=["en", "de", "ja"])
    assert task.label_names == ["not_paraphrase", "paraphrase"]
    assert task.train["ja"]["sentence1"] == ["ja a0", "ja a1"]  # the -1 row is dropped
    assert task.train["ja"]["label"] == [0, 1]
    # row 1 is unlabelled in German, so it leaves every language: row i stays the same item
    assert task.parallel is True
    for lang in ("en", "de", "ja"):
        assert task.test[lang]["sentence1"] == [f"{lang} ta0", f"{lang} ta2"]
        assert task.test[lang]["label"] == [1, 0]
    assert task.metadata["dropped"]["test/every language"] == 1
    assert task.metadata["dropped"]["train/en"] == 1


def test_glue_tasks_use_validation_splits_where_test_labels_are_hidden(load):
    mnli = load("mnli")
    assert mnli.train["en"]["sentence1"] == ["mp0", "mp1"] and mnli.train["en"]["label"] == [0, 2]
    assert mnli.dev["sentence2"] == ["mvh"]
    assert mnli.test["en"]["sentence1"] == ["mmp", "mmq"] and mnli.test["en"]["label"] == [2, 0]
    qqp = load("qqp")
    assert qqp.train["en"]["sentence1"] == ["q1a", "q1b"] and qqp.train["en"]["sentence2"] == ["q2a", "q2b"]
    assert qqp.label_names == ["not_duplicate", "duplicate"]
    assert qqp.test["en"]["label"] == [1]
    sst2 = load("sst2")
    assert sst2.train["en"]["sentence1"] == ["good film", "bad film"]
    assert sst2.train["en"]["sentence2"] == ["", ""]
    assert sst2.metadata["single_sentence"] is True


def test_anli_concatenates_rounds(load):
    task = load("anli")
    assert task.train["en"]["sentence1"] == ["train p r1", "train p r2", "train p r3"]
    assert task.dev["label"] == [0, 1, 2]
    assert task.test["en"]["sentence2"] == ["test h r1", "test h r2", "test h r3"]


# --- extractive QA ------------------------------------------------------------------------------


def _check_qa(ds, prefix, n):
    assert ds.column_names == ["id", "question", "context", "answers"]
    assert ds["id"] == [f"{prefix}-{i}" for i in range(n)]
    for row in ds:
        for text, start in zip(row["answers"]["text"], row["answers"]["answer_start"]):
            assert row["context"][start:start + len(text)] == text


def test_squad_and_squad_v2(load):
    squad = load("squad")
    assert squad.kind == "qa" and squad.label_names is None
    _check_qa(squad.train["en"], "sq", 3)
    _check_qa(squad.dev, "sqv", 2)
    context = "sq context number 1 mentions the answer1 here."
    assert squad.train["en"][1]["answers"] == {"text": ["answer1"], "answer_start": [context.index("answer1")]}
    v2 = load("squad_v2")
    assert v2.train["en"][1]["answers"] == {"text": [], "answer_start": []}  # unanswerable
    assert "answer_span_mismatches" not in v2.metadata


def test_tydiqa_goldp_splits_languages_by_id_prefix(load):
    task = load("tydiqa", languages=["en", "fi", "sw"])
    assert list(task.train) == ["en"]  # zero-shot: English training data only
    _check_qa(task.train["en"], "english-en", 2)
    _check_qa(task.dev, "english-env", 1)
    _check_qa(task.test["fi"], "finnish-fiv", 2)
    _check_qa(task.test["sw"], "swahili-swv", 1)
    assert len(task.test["en"]) == 1


def test_xquad_and_mlqa_train_on_squad(load):
    xquad = load("xquad", languages=["en", "de"])
    _check_qa(xquad.train["en"], "sq", 3)  # SQuAD v1.1 train
    _check_qa(xquad.dev, "sqv", 2)
    _check_qa(xquad.test["de"], "xq-de", 2)
    assert any("SQuAD" in note for note in xquad.metadata["notes"])
    mlqa = load("mlqa", languages=["de", "hi"])
    _check_qa(mlqa.test["de"], "ml-de", 3)
    _check_qa(mlqa.test["hi"], "ml-hi", 2)
    assert list(mlqa.train) == ["en"]


# --- multiple choice ------------------------------------------------------------------------


def test_hellaswag_string_labels(load):
    task = load("hellaswag")
    ds = task.train["en"]
    assert ds.column_names == ["context", "endings", "label"]
    assert ds["context"] == ["a0 b0", "a1 b1"]
    assert ds["endings"][1] == ["e10", "e11", "e12", "e13"]
    assert ds["label"] == [3, 0]
    assert task.test["en"]["label"] == [1, 2]  # the labelled validation split, not the hidden test


def test_cosmosqa_from_parquet_export_layout(load):
    task = load("cosmosqa")
    ds = task.train["en"]
    assert ds["context"] == ["passage 0 why 0?", "passage 1 why 1?"]
    assert ds["endings"][0] == ["A0", "A1", "A2", "A3"]
    assert ds["label"] == [0, 3]
    assert task.dev["label"] == [2]


def test_commonsenseqa_answer_key_to_index(load):
    task = load("commonsenseqa")
    ds = task.train["en"]
    assert ds["context"] == ["where 0?", "where 1?"]
    assert ds["endings"][1] == [f"t1{j}" for j in range(5)]
    assert ds["label"] == [1, 4]


# --- retrieval --------------------------------------------------------------------------------


def test_bucc_and_tatoeba(load):
    bucc = load("bucc", languages=["de"])
    assert bucc.kind == "retrieval" and bucc.train == {} and bucc.dev is None
    assert bucc.test["de"].column_names == ["source_sentence", "target_sentence"]
    assert bucc.test["de"]["source_sentence"] == ["Guten Morgen", "Danke"]
    assert bucc.test["de"]["target_sentence"] == ["Good morning", "Thanks"]
    assert bucc.dev_by_language["de"]["source_sentence"] == ["Hallo Welt"]
    tatoeba = load("tatoeba", languages=["de", "fr"])
    assert tatoeba.test["de"]["source_sentence"] == ["Ich bin hier."]
    assert tatoeba.test["de"]["target_sentence"] == ["I am here."]
    # English is always the target side
    assert tatoeba.test["fr"]["source_sentence"] == ["Je suis ici."]
    assert tatoeba.test["fr"]["target_sentence"] == ["I am here."]


# --- token classification (google/xtreme PAN-X.<lang>, udpos.<Language>) ----------------------


@pytest.fixture(scope="module")
def tagging_hub(tmp_path_factory) -> Path:
    """google/xtreme's PAN-X and udpos configs as the parquet conversion lays them out: one folder per
    config, tokens plus a sequence of ClassLabel tags (PAN-X also a per-word langs column)."""
    root = tmp_path_factory.mktemp("tagging-hub")
    repo = root / "google/xtreme"
    panx_features = {"tokens": "string_list", "ner_tags": list(PANX_LABELS), "langs": "string_list"}
    udpos_features = {"tokens": "string_list", "pos_tags": list(UPOS_LABELS)}
    ner = {name: i for i, name in enumerate(PANX_LABELS)}
    pos = {name: i for i, name in enumerate(UPOS_LABELS)}

    def panx(lang, sentences):
        return [{"tokens": words, "ner_tags": [ner[t] for t in tags], "langs": [lang] * len(words)}
                for words, tags in sentences]

    def udpos(sentences):
        return [{"tokens": words, "pos_tags": [pos[t] for t in tags]} for words, tags in sentences]

    en_train = [(["Anna", "lives", "in", "New", "York", "."], ["B-PER", "O", "O", "B-LOC", "I-LOC", "O"]),
                (["He", "joined", "Acme", "Corp"], ["O", "O", "B-ORG", "I-ORG"])]
    configs = {
        "PAN-X.en": {"train": panx("en", en_train),
                     "validation": panx("en", [(["Paris", "!"], ["B-LOC", "O"])]),
                     "test": panx("en", [(["Tom", "Berg"], ["B-PER", "I-PER"])])},
        "PAN-X.de": {"train": panx("de", [(["Berlin"], ["B-LOC"])]),
                     "validation": panx("de", [(["Bonn"], ["B-LOC"])]),
                     # the second sentence has a tag too few: dropped and counted
                     "test": panx("de", [(["Anna", "wohnt", "in", "Köln"], ["B-PER", "O", "O", "B-LOC"])])
                     + [{"tokens": ["kaputt", "."], "ner_tags": [0], "langs": ["de", "de"]}]},
        "udpos.English": {"train": udpos([(["The", "dog", "barks", "."], ["DET", "NOUN", "VERB", "PUNCT"])]),
                          "validation": udpos([(["Cats", "sleep"], ["NOUN", "VERB"])]),
                          "test": udpos([(["I", "ran"], ["PRON", "VERB"])])},
        # some languages have a test split only (Thai, Tagalog, Yoruba)
        "udpos.Thai": {"test": udpos([(["แมว", "นอน"], ["NOUN", "VERB"])])},
        "udpos.German": {"train": udpos([(["Ja"], ["INTJ"])]),
                         "validation": udpos([(["Nein"], ["INTJ"])]),
                         "test": udpos([(["Der", "Hund", "bellt"], ["DET", "NOUN", "VERB"])])},
    }
    for config, splits in configs.items():
        write_repo(root, "google/xtreme", {config: splits}, readme=False)
    write_card(repo, {config: {split: f"{config}/{split}-*" for split in splits} for config, splits in configs.items()},
               {config: panx_features if config.startswith("PAN-X") else udpos_features for config in configs}, text="")
    return root


def _load_tagging(root, name, tmp_path, **kw):
    return load_hub_task(name, data_root=root, cache_dir=tmp_path / "cache", **kw)


def test_panx_words_ner_tags_english_train_and_test_per_language(tagging_hub, tmp_path):
    task = _load_tagging(tagging_hub, "panx", tmp_path, languages=["en", "de"])
    assert task.kind == "token_classification" and task.label_names == list(PANX_LABELS)
    assert list(task.train) == ["en"]  # zero-shot: PAN-X.en's train split only
    assert task.train["en"]["tokens"][0] == ["Anna", "lives", "in", "New", "York", "."]
    names = task.label_names
    assert [names[t] for t in task.train["en"]["tags"][1]] == ["O", "O", "B-ORG", "I-ORG"]
    assert task.dev["tokens"] == [["Paris", "!"]]
    assert [names[t] for t in task.test["en"]["tags"][0]] == ["B-PER", "I-PER"]
    assert task.test["de"]["tokens"] == [["Anna", "wohnt", "in", "Köln"]]
    assert task.metadata["dropped"] == {"test/de": 1}
    for ds in [*task.train.values(), task.dev, *task.test.values()]:
        assert ds.column_names == ["tokens", "tags"]
    assert task.parallel is False


def test_udpos_configs_are_named_by_language_and_test_only_languages_load(tagging_hub, tmp_path):
    assert HUB_TASKS["udpos"].configs["en"] == "udpos.English"
    task = _load_tagging(tagging_hub, "udpos", tmp_path, languages=["en", "de", "th"])
    assert task.label_names == list(UPOS_LABELS)
    names = task.label_names
    assert [names[t] for t in task.train["en"]["tags"][0]] == ["DET", "NOUN", "VERB", "PUNCT"]
    assert [names[t] for t in task.dev["tags"][0]] == ["NOUN", "VERB"]
    assert task.test["de"]["tokens"] == [["Der", "Hund", "bellt"]]
    assert task.test["th"]["tokens"] == [["แมว", "นอน"]] and list(task.train) == ["en"]
    xtreme = HUB_TASKS["udpos"].revision
    assert dataset_requirements("udpos", ["th"]) == [("google/xtreme", "udpos.English", xtreme),
                                                     ("google/xtreme", "udpos.Thai", xtreme)]


# --- registry, errors, offline ----------------------------------------------------------------


def test_registry_revisions_are_full_commits_or_marked_unpinned():
    for name, source in HUB_TASKS.items():
        if source.pinned:
            assert re.fullmatch(r"[0-9a-f]{40}", source.revision), name
        else:
            assert source.revision_note.startswith("not pinned"), name
    for model in HUB_MODELS.values():
        assert re.fullmatch(r"[0-9a-f]{40}", model.revision), model.name
    assert set(supported_tasks()) >= {"xnli", "pawsx", "tydiqa", "xquad", "mlqa", "bucc", "tatoeba", "mnli",
                                      "qqp", "sst2", "squad", "squad_v2", "hellaswag", "cosmosqa",
                                      "commonsenseqa", "anli", "panx", "udpos"}


def test_unknown_tasks_raise(hub):
    with pytest.raises(ValueError, match="unknown hub task"):
        load_hub_task("nope", data_root=hub)


def test_missing_local_copy_names_the_expected_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"facebook/xnli"):
        load_hub_task("xnli", data_root=tmp_path)


def test_resolve_model_and_cache_check(tmp_path):
    large = HUB_MODELS["xlm-roberta-large"]
    assert resolve_model("xlm-roberta-large") == ("FacebookAI/xlm-roberta-large", large.revision)
    assert resolve_model("FacebookAI/xlm-roberta-large") == ("FacebookAI/xlm-roberta-large", large.revision)
    hub_id, rev = resolve_model("bert-base-multilingual-cased")
    with pytest.raises(MissingResourceError) as err:
        check_model_available(hub_id, rev, cache_dir=str(tmp_path))
    assert hub_id in str(err.value) and PREFETCH_COMMAND in str(err.value)
    # a snapshot laid out as huggingface_hub caches it
    snap = tmp_path / f"models--{hub_id.replace('/', '--')}" / "snapshots" / rev
    snap.mkdir(parents=True)
    for name in ("config.json", "model.safetensors", "vocab.txt"):
        (snap / name).write_text("{}")
    assert model_cached(hub_id, rev, cache_dir=str(tmp_path))
    assert Path(check_model_available(hub_id, rev, cache_dir=str(tmp_path))) == snap
    with pytest.raises(ValueError, match="unknown hub model"):
        resolve_model("gpt-17")


def test_dataset_requirements():
    assert dataset_requirements("xquad", ["de"]) == [("google/xtreme", "XQuAD.de", HUB_TASKS["xquad"].revision),
                                                     ("rajpurkar/squad", None, "main")]
    assert dataset_requirements("xnli", ["de"])[0] == ("facebook/xnli", "en", HUB_TASKS["xnli"].revision)


OFFLINE_SCRIPT = textwrap.dedent("""
    import sys, time
    from repro.hub_access import MissingResourceError
    from repro.resources import check_available
    from repro.tasks.hub import load_hub_task
    t = time.time()
    try:
        load_hub_task("xnli", languages=["de"])
    except MissingResourceError as exc:
        print("LOAD:", exc)
    else:
        sys.exit("load_hub_task did not raise")
    try:
        check_available(["xnli", "xquad"], ["xlm-roberta-large"], synonyms_table=True)
    except MissingResourceError as exc:
        print("CHECK:", exc)
    else:
        sys.exit("check_available did not raise")
    from repro.resources import prefetch
    try:
        prefetch(["pawsx"], ["xlm-roberta-base"], log=lambda line: None)
    except MissingResourceError as exc:
        print("PREFETCH:", exc)
    else:
        sys.exit("prefetch did not raise offline")
    print("SECONDS:", time.time() - t)
    # a cache holding the en and de configs of facebook/xnli (as after a prefetch)
    task = load_hub_task("xnli", languages=["de"], cache_dir=sys.argv[1])
    print("CACHED:", list(task.train["de"]["sentence1"]), list(task.test["de"]["label"]))
    try:
        load_hub_task("xnli", languages=["de", "fr"], cache_dir=sys.argv[1])
    except MissingResourceError as exc:
        print("PARTIAL:", exc)
    else:
        sys.exit("a config missing from the cache did not raise")
""")


def test_offline_stops_before_training_with_the_prefetch_command_and_reads_the_cache(hub, tmp_path):
    cache = tmp_path / "datasets-cache"
    cache.mkdir()
    hub_style_cache(hub / "facebook/xnli", cache, "facebook/xnli", ["en", "de"])
    # datasets and huggingface_hub read these variables at import: a fresh interpreter is needed
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "XLT_REPRO"))}
    env.update(HF_HOME=str(tmp_path / "hf"), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
               XLT_REPRO_CACHE=str(tmp_path / "xlt"), PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT, str(cache)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    load_msg = out.split("LOAD:", 1)[1].split("CHECK:", 1)[0]
    assert "facebook/xnli (config en)" in load_msg and "facebook/xnli (config de)" in load_msg
    assert PREFETCH_COMMAND in load_msg
    check_msg = out.split("CHECK:", 1)[1].split("PREFETCH:", 1)[0]
    for needed in ("facebook/xnli (config de)", "google/xtreme (config XQuAD.ar)", "rajpurkar/squad",
                   "model FacebookAI/xlm-roberta-large", "counterfitted_neighbors.json"):
        assert needed in check_msg
    assert PREFETCH_COMMAND in check_msg
    prefetch_msg = out.split("PREFETCH:", 1)[1].split("SECONDS:", 1)[0]
    for needed in ("google-research-datasets/paws-x (config ja)", "model FacebookAI/xlm-roberta-base",
                   "counterfitted_neighbors.json", "offline mode is set"):
        assert needed in prefetch_msg
    assert float(out.split("SECONDS:", 1)[1].split()[0]) < 20  # no retry loops against an unreachable hub
    assert "CACHED: ['de p0', 'de p1', 'de p2'] [1, 0, 2, 1]" in out
    partial = out.split("PARTIAL:", 1)[1]
    assert "facebook/xnli (config fr)" in partial and "(config de)" not in partial


def test_check_available_online_needs_nothing_cached():
    check_available(["xnli"], ["xlm-roberta-large"], online=True)


def test_code_switching_needs_muse_only_where_it_publishes_a_dictionary(tmp_path, monkeypatch):
    from repro.pipeline import needs, prepare
    from repro.resources import muse_languages

    runs = prepare("full").runs
    attacked = [r for r in runs if any(a["kind"] == "code_switch" for a in r.hp.get("attacks") or ())]
    assert attacked and {r.task for r in attacked} <= {"xnli", "copa"}
    # XNLI's 15 languages less en, sw and ur (no MUSE dictionary); XCOPA adds et, id, it, ta, th, tr, vi, zh
    assert muse_languages(attacked) == ["ar", "bg", "de", "el", "es", "et", "fr", "hi", "id", "it", "ru", "ta",
                                        "th", "tr", "vi", "zh"]
    assert needs(runs)["muse"] == muse_languages(attacked) and needs(runs)["synonyms_table"]
    monkeypatch.setenv("XLT_REPRO_CACHE", str(tmp_path))
    (tmp_path / "muse").mkdir()
    (tmp_path / "muse" / "de-en.txt").write_text("hund dog\n", encoding="utf-8")
    with hub_offline(), pytest.raises(MissingResourceError) as info:
        check_available([], [], muse=["de", "fr"], online=True)
    assert info.value.missing == ["MUSE bilingual dictionary fr-en: https://dl.fbaipublicfiles.com/arrival/dictionaries/fr-en.txt"]
