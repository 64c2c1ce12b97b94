"""The rehearsal mirror: every dataset, model, corpus and table the full profile reads, made locally.

Fast tests check the fixture rows against the rules the real data follows (schemas, label
encodings, id formats, alignment of parallel test sets, answer offsets, IOB2); the slow ones build
a whole mirror once and read it, in a fresh process with only the mirror's environment (offline),
through the suite's own loaders: ``load_hub_task``, ``model_path`` + ``from_pretrained``,
``check_available`` on the full profile's needs and the MLM corpus.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import REPO, shared_path
from repro.catalog import HUB_MODELS, HUB_TASKS, TASKS
from repro.catalog.hub_sources import NLI_LABELS, PANX_LABELS, TYDIQA_ID_PREFIX, UPOS_LABELS
from repro.rehearsal import build_mirror, environment
from repro.rehearsal.fixtures import ROWS, Draw, split_rows
from repro.rehearsal.layout import write_hub_snapshot
from repro.rehearsal.mirror import install_synonym_table
from repro.rehearsal.repos import dataset_plans
from repro.rehearsal.schemas import features_of, splits_of
from repro.rehearsal.text import ENGLISH_WORDS
from repro.tasks.hub import dataset_requirements, training_languages
from repro.tasks.synonyms import SynonymTableError

SUPPORTED = [name for name, source in HUB_TASKS.items() if source.supported]
SYNONYM_TABLE_PATH = shared_path("data/counterfitted_neighbors.json", "REPRO_SYNONYM_TABLE")


def _draw(name: str, split: str, lang: str | None = None, n: int = 8, seed: int = 0) -> list[dict]:
    source = HUB_TASKS[name]
    lang = lang or next(iter(source.configs))
    return split_rows(Draw(source, source.configs[lang], [lang], split, n, seed))


# --- the fixtures follow the real data's rules ----------------------------------------------------


def test_every_supported_source_has_a_schema_splits_and_rows():
    for name in SUPPORTED:
        source = HUB_TASKS[name]
        features = features_of(name)
        for config in dict.fromkeys(source.configs.values()):
            splits = splits_of(name, config)
            # every split the loader reads (train / dev / test, and per-language dev) is there
            wanted = {s for names in source.splits.values() for s in names} | set(source.dev_by_language)
            if not (name == "udpos" and config in ("udpos.Kazakh", "udpos.Tagalog", "udpos.Thai", "udpos.Yoruba")):
                assert wanted <= set(splits), (name, config, wanted - set(splits))
        table = _draw(name, splits_of(name, next(iter(source.configs.values())))[0])
        assert table and set(table[0]) == set(features), name  # the rows carry exactly the schema's columns
    assert set(ROWS) >= set(SUPPORTED)


def test_rows_are_deterministic_per_seed():
    assert _draw("squad", "train") == _draw("squad", "train")
    assert _draw("squad", "train") != _draw("squad", "train", seed=1)
    assert _draw("xnli", "train", "de") != _draw("xnli", "validation", "de")  # one text stream per split


def test_label_encodings_are_the_datasets_own():
    # ClassLabel names as the catalogue's loaders expect them (HUB_TASKS label_names and tag sets)
    assert features_of("xnli")["label"].names == list(NLI_LABELS)
    assert features_of("pawsx")["label"].names == ["0", "1"]  # PAWS-X names its classes "0" and "1"
    assert features_of("panx")["ner_tags"].feature.names == list(PANX_LABELS)
    assert features_of("udpos")["pos_tags"].feature.names == list(UPOS_LABELS)
    # hidden test labels: GLUE -1, HellaSwag "", CommonsenseQA no answer key; labelled splits cycle through all classes
    assert {r["label"] for r in _draw("mnli", "test_matched")} == {-1}
    assert {r["label"] for r in _draw("mnli", "validation_matched")} == {0, 1, 2}
    assert {r["label"] for r in _draw("hellaswag", "test")} == {""}
    assert {r["label"] for r in _draw("hellaswag", "train")} == {"0", "1", "2", "3"}
    assert {r["answerKey"] for r in _draw("commonsenseqa", "test")} == {""}
    assert {r["answerKey"] for r in _draw("commonsenseqa", "train", n=10)} == set("ABCDE")
    assert {r["label"] for r in _draw("casehold", "test", n=10)} == {0, 1, 2, 3, 4}
    medqa = _draw("medqa", "train")
    assert all(r["answer"] == r["options"][r["answer_idx"]] for r in medqa)
    assert all(sorted(r["options"]) == ["A", "B", "C", "D"] for r in medqa)


def test_id_formats():
    assert all(re.fullmatch(r"[0-9a-f]{24}", r["id"]) for r in _draw("squad", "train"))  # SQuAD: 24 hex digits
    assert all(re.fullmatch(r"[0-9a-f]{40}", r["id"]) for r in _draw("mlqa", "test", "de"))  # MLQA: a sha1
    source = HUB_TASKS["tydiqa"]
    table = split_rows(Draw(source, "secondary_task", list(source.configs), "validation", 3, 0))
    names = {name for name, code in TYDIQA_ID_PREFIX.items() if code in source.configs}
    assert {r["id"].split("-", 1)[0] for r in table} == names  # "<english name>-<number>-<n>"
    assert all(re.fullmatch(r"[a-z]+--?\d+-\d", r["id"]) for r in table)
    bucc = _draw("bucc", "test", "de")
    assert all(re.fullmatch(r"de-\d{9}", r["source_lang"]) and re.fullmatch(r"en-\d{9}", r["target_lang"])
               for r in bucc)
    tatoeba = _draw("tatoeba", "validation", "de")
    assert {(r["source_lang"], r["target_lang"]) for r in tatoeba} == {("deu", "eng")}
    assert all(r["source_sentence"].endswith("\n") for r in tatoeba)  # read line by line, as the script did


def test_parallel_test_sets_are_row_aligned():
    for name in ("xnli", "pawsx", "xquad", "copa"):
        source = HUB_TASKS[name]
        split = source.splits["test"][0]
        by_lang = {lang: _draw(name, split, lang) for lang in source.configs}
        keys = [k for k in ("id", "label") if k in next(iter(by_lang.values()))[0]]
        keys += ["question"] if name == "copa" else []  # XCOPA's "cause" / "effect"
        first = next(iter(by_lang.values()))
        for lang, table in by_lang.items():
            assert [[r[k] for k in keys] for r in table] == [[r[k] for k in keys] for r in first], (name, lang)
        texts = {lang: table[0].get("premise") or table[0].get("context") or table[0].get("sentence1")
                 for lang, table in by_lang.items()}
        assert len(set(texts.values())) == len(texts)  # the text itself is each language's own


def test_qa_answers_stand_at_their_offsets_in_every_script():
    for name in ("squad", "squad_v2", "xquad", "mlqa", "squad_mt", "tydiqa"):
        source = HUB_TASKS[name]
        for lang, config in source.configs.items():
            for split in splits_of(name, config):
                for row in split_rows(Draw(source, config, [lang], split, 6, 0)):
                    answers = row["answers"]
                    for text, start in zip(answers["text"], answers["answer_start"]):
                        assert row["context"][start:start + len(text)] == text, (name, lang, split)
    zh = _draw("xquad", "validation", "zh")[0]["context"]
    assert " " not in zh.strip()  # Chinese without spaces: offsets are character offsets in unsegmented text
    assert any(not r["answers"]["text"] for r in _draw("squad_v2", "train"))  # unanswerable questions


@pytest.mark.skipif(SYNONYM_TABLE_PATH is None, reason="shared/data/counterfitted_neighbors.json not found")
def test_english_pseudo_text_has_words_the_synonym_table_replaces():
    table = json.loads(SYNONYM_TABLE_PATH.read_text())
    assert all(table.get(word) for word in ENGLISH_WORDS)  # keys with at least one neighbour
    words = " ".join(r["premise"] for r in _draw("xnli", "train", "en", n=20)).lower().split()
    assert sum(w.strip(".") in ENGLISH_WORDS for w in words) > len(words) / 4


def test_panx_tags_are_iob2():
    for lang in ("en", "ar", "zh"):
        for row in _draw("panx", "train", lang, n=20):
            tags = [PANX_LABELS[t] for t in row["ner_tags"]]
            assert len(tags) == len(row["tokens"]) == len(row["langs"]) and set(row["langs"]) == {lang}
            for previous, tag in zip(["O"] + tags, tags):
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:], tags  # an I- tag continues an entity of its type


def test_dataset_plans_cover_every_config_the_loaders_request():
    plans = dataset_plans()
    for name in SUPPORTED:
        if "en" not in HUB_TASKS[name].configs and HUB_TASKS[name].kind != "retrieval":
            continue  # squad_mt: only read as SQuAD's translations
        for dataset_id, config, revision in dataset_requirements(name, None, training_languages(name)):
            assert config in plans[dataset_id].configs, (name, dataset_id, config)
            assert plans[dataset_id].revision == revision


# --- layouts --------------------------------------------------------------------------------------


def test_hub_snapshot_layout(tmp_path):
    from huggingface_hub import try_to_load_from_cache

    commit = "a" * 40
    snapshot = write_hub_snapshot(tmp_path, "org/model", commit, {"config.json": b"{}", "sub/x.txt": b"x"})
    storage = tmp_path / "models--org--model"
    assert snapshot == storage / "snapshots" / commit
    link = snapshot / "config.json"
    assert link.is_symlink() and link.resolve().parent == (storage / "blobs").resolve()
    assert (snapshot / "sub" / "x.txt").read_bytes() == b"x"
    assert not (storage / "refs").exists()  # a download by commit id writes no ref
    found = try_to_load_from_cache("org/model", "config.json", cache_dir=tmp_path, revision=commit)
    assert found == str(link)
    write_hub_snapshot(tmp_path, "org/model", commit, {"config.json": b"{}"}, ref="main")
    assert (storage / "refs" / "main").read_text() == commit


def test_environment_points_everything_at_the_mirror(tmp_path):
    env = environment(tmp_path)
    assert env["HF_HUB_CACHE"] == str(tmp_path.resolve() / "hf" / "hub")
    assert env["HF_DATASETS_CACHE"] == str(tmp_path.resolve() / "hf" / "datasets")
    assert env["HF_HOME"] == str(tmp_path.resolve() / "hf")
    assert env["XLT_REPRO_CACHE"] == str(tmp_path.resolve() / "xlt-repro")
    assert env["HF_HUB_OFFLINE"] == env["HF_DATASETS_OFFLINE"] == "1"


def test_a_table_that_is_not_robust_xlts_is_refused(tmp_path):
    fake = tmp_path / "counterfitted_neighbors.json"
    fake.write_text(json.dumps({"good": ["great"]}))
    with pytest.raises(SynonymTableError, match="sha256"):
        install_synonym_table(tmp_path / "cache", fake)


def test_rows_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="rows must be at least 1"):
        build_mirror(tmp_path / "m", rows=0)


TOKENIZER_HASH = textwrap.dedent("""
    import hashlib
    from repro.rehearsal.models import mbert_tokenizer, xlmr_tokenizer
    for tokenizer in (xlmr_tokenizer(0), mbert_tokenizer(0)):
        print(hashlib.sha256(tokenizer.backend_tokenizer.to_str().encode()).hexdigest())
""")


@pytest.mark.slow
def test_tokenizers_are_the_same_in_every_process():
    # tokenizers' trainers gave different vocabularies from one process to the next; counted ones must not
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([sys.executable, "-c", TOKENIZER_HASH], env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        outputs.add(proc.stdout)
    assert len(outputs) == 1


# --- a whole mirror, read offline through the suite's loaders --------------------------------------

SYNONYM_TABLE = SYNONYM_TABLE_PATH
ROWS_PER_SPLIT = 6


BUILD_SECONDS: list[float] = []


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    start = time.monotonic()
    built = build_mirror(tmp_path_factory.mktemp("rehearsal") / "mirror", rows=ROWS_PER_SPLIT,
                         synonym_table=SYNONYM_TABLE)
    BUILD_SECONDS.append(time.monotonic() - start)
    return built


OFFLINE_CHECKS = textwrap.dedent("""
    import json, sys
    out = {}
    # --- every hub source through the loader, with the translated training sets it can add
    from repro.catalog import HUB_TASKS, TASKS
    from repro.tasks.hub import load_hub_task, training_languages
    names = sorted({t.hub for t in TASKS.values() if t.hub in HUB_TASKS} | {"squad", "mnli"})
    out["tasks"] = {}
    for name in names:
        source = HUB_TASKS[name]
        extra = [l for l in training_languages(name) if l != "en" and l not in source.configs]
        task = load_hub_task(name, train_languages=extra or None)
        sets = {f"train/{l}": d for l, d in task.train.items()}
        sets.update({f"test/{l}": d for l, d in task.test.items()})
        if task.dev is not None:
            sets["dev"] = task.dev
        out["tasks"][name] = {"kind": task.kind, "columns": {k: d.column_names for k, d in sets.items()},
                              "rows": {k: len(d) for k, d in sets.items()}, "parallel": task.parallel,
                              "revision": task.revision, "dropped": task.metadata["dropped"],
                              "mismatches": task.metadata.get("answer_span_mismatches", 0)}
    # --- datasets' offline fallback: a revision nobody pinned loads too (the cache ignores revisions)
    import datasets
    dd = datasets.load_dataset("facebook/xnli", "de", revision="0" * 40)
    out["bogus_revision_rows"] = len(dd["test"])
    # --- models, through the suite's path resolution
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError
    from transformers import AutoModel, AutoTokenizer, BertTokenizerFast, XLMRobertaTokenizerFast
    from repro.catalog import HUB_MODELS
    from repro.models import model_path
    from repro.models.hub import check_model_available
    from repro.runspec import ModelRef
    out["models"] = {}
    for m in HUB_MODELS.values():
        path = model_path(ModelRef("hub", m.hub_id, m.revision))
        tok = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path)
        enc = tok(["Premise here .", "x"], ["hypothesis", "y"], padding=True, return_tensors="pt")
        hidden = model(**enc, output_hidden_states=True).hidden_states
        try:
            snapshot_download(m.hub_id, local_files_only=True)  # "main": never downloaded, so no ref
            unpinned = "found"
        except LocalEntryNotFoundError:
            unpinned = "missing"
        special = {t: tok.convert_tokens_to_ids(t) for t in (tok.cls_token, tok.pad_token, tok.sep_token,
                                                             tok.unk_token, tok.mask_token)}
        out["models"][m.name] = {
            "path": path, "check": check_model_available(m.hub_id, m.revision), "tokenizer": type(tok).__name__,
            "xlmr_fast": isinstance(tok, XLMRobertaTokenizerFast), "bert_fast": isinstance(tok, BertTokenizerFast),
            "model": type(model).__name__, "architectures": model.config.architectures,
            "layers": model.config.num_hidden_layers, "hidden_states": len(hidden),
            "positions": model.config.max_position_embeddings, "special": special, "vocab": len(tok),
            "config_vocab": model.config.vocab_size, "unpinned": unpinned,
            "first_ids": enc["input_ids"][0][:1].tolist()}
    # --- the full profile's needs, as `repro run --profile full` checks them before training
    from repro import pipeline
    from repro.resources import check_available
    session = pipeline.prepare("full")
    needs = pipeline.needs(session.runs)
    have_table = sys.argv[2] == "1"  # a mirror built without the table cannot pass that part
    check_available(**{**needs, "synonyms_table": needs["synonyms_table"] and have_table})
    out["needs"] = needs
    # --- the MLM corpus and the synonym table
    from repro.tasks.mlm_corpus import MLM_LANGUAGES, load_mlm_corpus, missing_mlm_corpus
    corpus = load_mlm_corpus("hub", documents=int(sys.argv[1]))
    out["mlm"] = {"missing": missing_mlm_corpus(), "languages": sorted(corpus),
                  "shortest": min(len(p) for texts in corpus.values() for p in texts),
                  "paragraphs": {lang: len(texts) for lang, texts in corpus.items()}}
    from repro.tasks.synonyms import augment_sentence, counterfitted_table
    out["synonyms"] = len(counterfitted_table()) if have_table else None
    english = list(load_hub_task("xnli", languages=["en"]).train["en"]["sentence1"])
    if have_table:  # RS-DA finds words to replace in the English pseudo-text
        import random
        rng = random.Random(0)
        out["rsda_changed"] = sum(augment_sentence(t, counterfitted_table(), rng) != t for t in english)
    # --- the code-switching attack's MUSE dictionaries, from the suite's cache (XLT_REPRO_CACHE)
    import random
    from repro.attacks.code_switch import code_switch, load_muse_dictionary
    from repro.hub_access import MissingResourceError
    german = load_muse_dictionary("de", "en")
    sentences = list(load_hub_task("xnli", languages=["de"]).test["de"]["sentence1"])
    out["muse"] = {"de_words": len(german),
                   "switched": sum(code_switch(t, german, rate=1.0, rng=random.Random(0)) != t for t in sentences)}
    try:
        load_muse_dictionary("ur", "en")  # MUSE publishes no Urdu dictionary
        out["muse"]["ur"] = "found"
    except MissingResourceError:
        out["muse"]["ur"] = "missing"
    print("RESULT:" + json.dumps(out))
""")


@pytest.fixture(scope="module")
def offline(mirror):
    """The checks, in a fresh interpreter that sees only the mirror (the libraries read these at import)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "XLT_REPRO", "TRANSFORMERS_"))}
    env.update(mirror.env, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    table = "1" if mirror.synonym_table else "0"
    proc = subprocess.run([sys.executable, "-c", OFFLINE_CHECKS, str(ROWS_PER_SPLIT), table], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    return json.loads(proc.stdout.split("RESULT:", 1)[1])


SCHEMA = {
    "pair_classification": ["sentence1", "sentence2", "label"],
    "qa": ["id", "question", "context", "answers"],
    "multiple_choice": ["context", "endings", "label"],
    "retrieval": ["source_sentence", "target_sentence"],
    "token_classification": ["tokens", "tags"],
}


@pytest.mark.slow
def test_the_mirror_builds_fast_and_is_reused(mirror):
    assert BUILD_SECONDS[0] < 120  # about 35 s on two shared cores
    assert not mirror.missing or SYNONYM_TABLE is None
    start = time.monotonic()
    again = build_mirror(mirror.root, rows=ROWS_PER_SPLIT, synonym_table=SYNONYM_TABLE)
    assert time.monotonic() - start < 5 and again == mirror
    assert {f"{m.hub_id} @ {m.revision}" for m in HUB_MODELS.values()} == set(mirror.models)


@pytest.mark.slow
def test_every_hub_source_loads_offline_in_the_normalised_schema(offline):
    tasks = offline["tasks"]
    wanted = {t.hub for t in TASKS.values() if t.hub in HUB_TASKS}
    assert wanted <= set(tasks)
    for name, result in tasks.items():
        source = HUB_TASKS[name]
        for key, columns in result["columns"].items():
            assert columns == SCHEMA[result["kind"]], (name, key)
            assert result["rows"][key] > 0, (name, key)
        tests = {key.split("/", 1)[1] for key in result["rows"] if key.startswith("test/")}
        assert tests == set(source.configs), name  # every language's test set
        assert result["mismatches"] == 0, name  # every answer stands at its offset
        if source.kind != "retrieval":
            assert "train/en" in result["columns"] and "dev" in result["columns"], name
    # translated training sets: every XNLI language for MNLI, MLQA's translate-train for SQuAD
    assert {k for k in tasks["mnli"]["rows"] if k.startswith("train/")} == {f"train/{lang}" for lang in
                                                                          HUB_TASKS["xnli"].configs}
    assert {k for k in tasks["squad"]["rows"] if k.startswith("train/")} == (
        {"train/en"} | {f"train/{lang}" for lang in HUB_TASKS["squad_mt"].configs})
    for name in ("xnli", "pawsx", "xquad", "copa"):
        assert tasks[name]["parallel"] is True, name
    # the pinned revisions are what the loader reports
    assert tasks["xnli"]["revision"] == f"facebook/xnli@{HUB_TASKS['xnli'].revision}"
    assert tasks["snli"]["dropped"] == {"train/en": 1, "dev/en": 1, "test/en": 1}  # SNLI's -1 rows
    assert offline["bogus_revision_rows"] == ROWS_PER_SPLIT  # datasets' offline cache ignores the revision


@pytest.mark.slow
def test_every_model_loads_from_its_pinned_snapshot(offline, mirror):
    for name, model in HUB_MODELS.items():
        result = offline["models"][name]
        expected = Path(mirror.env["HF_HUB_CACHE"]) / f"models--{model.hub_id.replace('/', '--')}" / "snapshots"
        assert result["path"] == result["check"] == str(expected / model.revision)
        assert result["unpinned"] == "missing"  # only the pinned revision is there, as after a prefetch
        assert result["layers"] == model.layers and result["hidden_states"] == model.layers + 1
        assert result["vocab"] == result["config_vocab"]
        if name.startswith("xlm-roberta"):
            # XLM-R's ids: <s> 0, <pad> 1, </s> 2, <unk> 3, <mask> the last id; 514 positions
            assert result["xlmr_fast"] and result["model"] == "XLMRobertaModel"
            assert result["architectures"] == ["XLMRobertaForMaskedLM"] and result["positions"] == 514
            assert result["special"] == {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": result["vocab"] - 1}
            assert result["first_ids"] == [0]
        else:
            # mBERT's vocab.txt: [PAD] 0, [unused1..99], [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103
            assert result["bert_fast"] and result["model"] == "BertModel"
            assert result["architectures"] == ["BertForMaskedLM"] and result["positions"] == 512
            assert result["special"] == {"[CLS]": 101, "[PAD]": 0, "[SEP]": 102, "[UNK]": 100, "[MASK]": 103}
            assert result["first_ids"] == [101]


@pytest.mark.slow
def test_the_full_profile_finds_everything_it_needs(offline, mirror):
    needs = offline["needs"]
    assert needs["mlm"] and needs["task_names"]  # the plan does need the corpus and hub tasks
    if needs["synonyms_table"] and SYNONYM_TABLE is not None:
        assert mirror.synonym_table is not None and offline["synonyms"] == 49975  # Robust-XLT's 49,975 words
    elif needs["synonyms_table"]:
        assert any("synonym table" in item for item in mirror.missing)
    mlm = offline["mlm"]
    assert mlm["missing"] == [] and len(mlm["languages"]) == 40  # XTREME's 40 languages (PAN-X's)
    assert mlm["shortest"] >= 20  # headings and stubs under 20 characters are dropped
    # three paragraphs per article survive (the one-word heading does not)
    assert set(mlm["paragraphs"].values()) == {3 * ROWS_PER_SPLIT}
    if SYNONYM_TABLE is not None:
        assert offline["rsda_changed"] >= ROWS_PER_SPLIT // 2  # RS-DA has words to replace
    # code-switching reads MUSE-format dictionaries for the pairs MUSE publishes, and only those
    assert offline["muse"]["de_words"] > 50 and offline["muse"]["switched"] == ROWS_PER_SPLIT
    assert offline["muse"]["ur"] == "missing"
    assert "de-en" in mirror.muse and "ur-en" not in mirror.muse and "sw-en" not in mirror.muse
