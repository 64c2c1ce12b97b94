"""The full profile's continued-MLM corpus (Wikipedia, first shard per language), offline: a local
hub cache laid out as snapshot_download leaves it, with parquet files in the dataset's columns."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from repro import plan as planner
from repro.hub_access import MissingResourceError
from repro.pipeline import needs
from repro.profiles import get_profile
from repro.spec import load_specs
from repro.tasks import mlm_corpus
from repro.training.intermediate import _mlm_dataset

ARTICLES = {
    "en": ["Anarchism\nAnarchism is a political philosophy and movement.\n\nHistory\nThe earliest anarchist themes "
           "can be found in the 6th century BC.", "Autism\nAutism is a neurodevelopmental disorder.",
           "Third article that the document count leaves out."],
    "sw": ["Afrika\nAfrika ni bara la pili kwa ukubwa duniani.", "Dodoma\nDodoma ni mji mkuu wa Tanzania.",
           "Makala ya tatu ambayo haitasomwa."],
}


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    """An HF hub cache holding the pinned snapshot's first shard of English and Swahili."""
    snapshot = (tmp_path / "hub" / "datasets--wikimedia--wikipedia" / "snapshots" / mlm_corpus.REV_WIKIPEDIA)
    for lang, texts in ARTICLES.items():
        folder = snapshot / f"20231101.{lang}"
        folder.mkdir(parents=True)
        table = pa.table({"id": [str(i) for i in range(len(texts))],
                          "url": [f"https://{lang}.wikipedia.org/wiki?curid={i}" for i in range(len(texts))],
                          "title": [t.split("\n")[0] for t in texts], "text": texts})
        pq.write_table(table, folder / "train-00000-of-00003.parquet", row_group_size=1)
        pq.write_table(table.slice(0, 1), folder / "train-00001-of-00003.parquet")  # never read
    monkeypatch.setattr(mlm_corpus, "HUB_CACHE_DIR", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return snapshot


def test_first_documents_of_each_language_one_text_per_paragraph(hub_cache):
    corpus = mlm_corpus.load_mlm_corpus("hub", documents=2, languages=("en", "sw"))
    assert corpus["en"] == ["Anarchism is a political philosophy and movement.",
                            "The earliest anarchist themes can be found in the 6th century BC.",
                            "Autism is a neurodevelopmental disorder."]  # titles and headings are too short
    assert corpus["sw"] == ["Afrika ni bara la pili kwa ukubwa duniani.", "Dodoma ni mji mkuu wa Tanzania."]
    assert not any("tatu" in text or "Third" in text for texts in corpus.values() for text in texts)


def test_a_language_missing_from_the_cache_is_named(hub_cache):
    assert mlm_corpus.missing_mlm_corpus(("en", "sw")) == []
    assert mlm_corpus.missing_mlm_corpus(("en", "yo")) == [
        f"dataset wikimedia/wikipedia @ {mlm_corpus.REV_WIKIPEDIA} (20231101.yo/train-00000-of-*.parquet)"]
    with pytest.raises(MissingResourceError, match=r"20231101\.yo/train-00000-of-\*\.parquet"):
        mlm_corpus.load_mlm_corpus("hub", documents=2, languages=("yo",))


def test_no_snapshot_at_all_names_the_dataset_and_prefetch(tmp_path, monkeypatch):
    monkeypatch.setattr(mlm_corpus, "HUB_CACHE_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    missing = mlm_corpus.missing_mlm_corpus()
    assert missing == [f"dataset wikimedia/wikipedia @ {mlm_corpus.REV_WIKIPEDIA} (first shard of 40 languages)"]
    with pytest.raises(MissingResourceError, match="repro prefetch --profile full"):
        mlm_corpus.load_mlm_corpus("hub", documents=5)


def _continued_mlm_run(profile_name):
    spec = next(s for s in load_specs() if s.id == "x-stilts-continued-mlm-xtreme")
    _, runs = planner.plan_claim(spec, get_profile(profile_name), seeds=1)
    return runs, next(r for r in runs if r.stage == "intermediate" and dict(r.sampling).get("continued_mlm"))


def test_full_profile_plans_the_corpus_and_its_size_into_the_run():
    runs, run = _continued_mlm_run("full")
    sampling = dict(run.sampling)
    assert sampling["mlm_corpus"] == f"wikimedia/wikipedia@{mlm_corpus.REV_WIKIPEDIA}"
    assert sampling["mlm_documents"] == get_profile("full").mlm_documents
    assert needs(runs)["mlm"] is True
    # the embedded profiles read the embedded corpus: nothing to fetch, keys as before
    smoke_runs, smoke_run = _continued_mlm_run("smoke")
    assert "mlm_corpus" not in dict(smoke_run.sampling) and needs(smoke_runs)["mlm"] is False


def test_the_trainer_tokenizes_the_hub_corpus(hub_cache, monkeypatch):
    from transformers import AutoTokenizer

    from repro.models import build_embedded

    _, run = _continued_mlm_run("full")
    monkeypatch.setattr(mlm_corpus, "MLM_LANGUAGES", ("en", "sw"))
    tokenizer = AutoTokenizer.from_pretrained(build_embedded("micro-xlmr"))
    dataset = _mlm_dataset(run, tokenizer, {"max_length": 16})
    # the profile's 200 documents exceed the 3 articles of each tiny shard: every paragraph of both
    assert len(dataset) == 4 + 3 and max(len(ids) for ids in dataset["input_ids"]) <= 16
