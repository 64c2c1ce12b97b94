"""Multilingual text for continued MLM during intermediate training (the ablation of arXiv 2005.13013).

On the embedded profiles it is the embedded pretraining corpus. On the full profile it is
Wikipedia (``wikimedia/wikipedia``, dump 20231101, pinned commit) in the XTREME languages: the first
``documents`` articles of each language's first parquet shard, one training text per paragraph.
The paper's own MLM corpus and mixing rate are not confirmed (the spec says so); this is the
suite's stated default.

Only the first shard of each language is downloaded (an ``allow_patterns`` snapshot, as for model
checkpoints), so the corpus costs at most one shard per language, not whole Wikipedias; offline it
is read from the local hub cache.
"""

from __future__ import annotations

from pathlib import Path

from repro.catalog.hub_sources import PANX_LANGUAGES
from repro.embedded import pretraining_corpus
from repro.hub_access import MissingResourceError, hub_reachable

WIKIPEDIA_ID = "wikimedia/wikipedia"
# a full commit id seen in the tree view of wikimedia/wikipedia/20231101.fr (stored copy of the hub page)
REV_WIKIPEDIA = "378d831a507e0409092e55b238e5d75498f45290"
WIKIPEDIA_DUMP = "20231101"
# XTREME's 40 languages (those of PAN-X), all of which have a Wikipedia of the dump
MLM_LANGUAGES = tuple(PANX_LANGUAGES)
MIN_PARAGRAPH_CHARS = 20  # headings and list stubs teach MLM little
HUB_CACHE_DIR: str | None = None  # None: the Hugging Face hub cache (HF_HOME / HF_HUB_CACHE)


def first_shard_pattern(lang: str) -> str:
    return f"{WIKIPEDIA_DUMP}.{lang}/train-00000-of-*.parquet"


def load_mlm_corpus(source: str, *, seed: int = 0, documents: int | None = None,
                    languages=None) -> dict[str, list[str]]:
    """Language -> texts for continued multilingual MLM, from the profile's task source
    (hub: ``languages``, default MLM_LANGUAGES)."""
    if source == "embedded":
        return pretraining_corpus(seed)
    if source != "hub":
        raise ValueError(f"unknown task source {source!r}")
    if not documents:
        raise ValueError("the full profile's MLM corpus needs a document count per language (mlm_documents)")
    languages = languages or MLM_LANGUAGES
    root = _snapshot(languages)
    return {lang: _paragraphs(_first_shard(root, lang), documents) for lang in languages}


def corpus_label(languages=None) -> str:
    """How the corpus is named in prefetch logs and missing-resource errors."""
    return f"dataset {WIKIPEDIA_ID} @ {REV_WIKIPEDIA} (first shard of {len(languages or MLM_LANGUAGES)} languages)"


def _shard_label(lang: str) -> str:
    return f"dataset {WIKIPEDIA_ID} @ {REV_WIKIPEDIA} ({first_shard_pattern(lang)})"


def missing_mlm_corpus(languages=None) -> list[str]:
    """What of the corpus is not in the local hub cache (empty: all of it is there)."""
    languages = languages or MLM_LANGUAGES
    try:
        root = _snapshot(languages, local_only=True)
    except MissingResourceError as exc:  # no snapshot of the revision at all
        return exc.missing
    return [_shard_label(lang) for lang in languages if not list(root.glob(first_shard_pattern(lang)))]


def fetch_mlm_corpus(languages=None) -> Path:
    """Download the first shard of every language (``repro prefetch``)."""
    return _snapshot(languages or MLM_LANGUAGES, local_only=False)


def _snapshot(languages, local_only: bool | None = None) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    if local_only is None:
        local_only = not hub_reachable()
    try:
        path = snapshot_download(WIKIPEDIA_ID, repo_type="dataset", revision=REV_WIKIPEDIA,
                                 allow_patterns=[first_shard_pattern(lang) for lang in languages],
                                 local_files_only=local_only, cache_dir=HUB_CACHE_DIR)
    except LocalEntryNotFoundError as exc:
        raise MissingResourceError([corpus_label(languages)], reason="the Hugging Face hub is not reachable") from exc
    return Path(path)


def _first_shard(root: Path, lang: str) -> Path:
    shards = sorted(root.glob(first_shard_pattern(lang)))
    if not shards:
        raise MissingResourceError([_shard_label(lang)], reason=f"no first shard for {lang} under {root}")
    return shards[0]


def _paragraphs(shard: Path, documents: int) -> list[str]:
    """The paragraphs of the shard's first ``documents`` articles, in file order (no sampling)."""
    import pyarrow.parquet as pq

    # the first batch only: a shard holds hundreds of MB of articles
    first = next(pq.ParquetFile(shard).iter_batches(batch_size=documents, columns=["text"]), None)
    texts = first.column("text").to_pylist() if first is not None else []
    return [p.strip() for text in texts for p in text.split("\n") if len(p.strip()) >= MIN_PARAGRAPH_CHARS]
