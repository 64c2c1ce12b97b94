"""A local mirror of everything the full profile reads from outside, at tiny scale, offline.

``repro run --profile full --rehearse`` runs every run of the full profile's plan on a CPU without
network through the loaders that read the hub; nothing in them knows about rehearsals. What makes
that possible is this mirror, laid out as the real caches are after ``repro prefetch``:

- ``repos/<dataset id>/``: a local copy, in the hub's layout and the dataset's own schema, of every
  dataset config the full profile loads (:mod:`repro.rehearsal.repos`), ``rows`` rows per split;
- ``hf/datasets/``: the ``datasets`` cache built from those copies, where
  ``datasets.load_dataset(<id>, <config>, revision=...)`` finds them offline
  (:func:`repro.rehearsal.layout.hub_style_cache`);
- ``hf/hub/``: the ``huggingface_hub`` cache with a tiny stand-in of every hub model at its pinned
  revision (:mod:`repro.rehearsal.models`) and the first Wikipedia shard of every MLM language;
- ``xlt-repro/``: the suite's cache with Robust-XLT's synonym table (the real file: the loader
  accepts only the table with the pinned sha256, so a made-up table would need a rehearsal branch
  in the loader; it is 2 MB) and MUSE-format dictionaries into English for the code-switching
  attack (made up: MUSE files carry no checksum; only for the pairs MUSE publishes).

What the offline fallback of ``datasets`` does with revisions (datasets 4-5, read in
``datasets/load.py`` and ``datasets/packaged_modules/cache/cache.py``): with HF_HUB_OFFLINE set,
``load_dataset(<hub id>, ...)`` never looks at the hub cache; it falls back to the newest cached
build of the config, whatever revision it came from (the ``revision`` argument is ignored). So
every source, pinned commit or branch (``main``, ``refs/convert/parquet``), loads offline from this
cache; nothing checks that the cached build is of the pinned revision. The mirror names each
build's folder after the pinned commit, as a download at that commit does, so the cache can be
inspected like a prefetched one.

:func:`environment` gives the variables that point the libraries and the suite at the mirror.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from repro.catalog import HUB_MODELS, HUB_TASKS
from repro.hub_access import describe_dataset
from repro.io import atomic_directory, lock_for, read_json, write_json
from repro.rehearsal.layout import hub_style_cache, write_hub_snapshot, write_parquet
from repro.rehearsal.models import write_models
from repro.rehearsal.repos import dataset_plans, write_dataset
from repro.rehearsal.text import PseudoText
from repro.tasks import mlm_corpus, synonyms

MANIFEST = "mirror.json"
FORMAT = 1


def environment(root: Path | str) -> dict[str, str]:
    """The environment variables that make a process read the mirror at ``root`` and nothing else.

    HF_HOME, HF_HUB_CACHE and HF_DATASETS_CACHE point the Hugging Face libraries at the mirror's
    caches, XLT_REPRO_CACHE the suite's cache; HF_HUB_OFFLINE, HF_DATASETS_OFFLINE and
    TRANSFORMERS_OFFLINE keep everything off the network. The libraries read them at import: set
    them before importing datasets / huggingface_hub / transformers (a fresh process).
    """
    root = Path(root).resolve()
    return {
        "HF_HOME": str(root / "hf"),
        "HF_HUB_CACHE": str(root / "hf" / "hub"),
        "HF_DATASETS_CACHE": str(root / "hf" / "datasets"),
        "XLT_REPRO_CACHE": str(root / "xlt-repro"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


@dataclass(frozen=True)
class Mirror:
    """What :func:`build_mirror` built and how to use it."""

    root: Path
    rows: int
    seed: int
    env: dict[str, str]  # environment(root)
    datasets: tuple[str, ...]  # one line per cached dataset config, as missing-resource errors name them
    models: tuple[str, ...]  # "hub id @ revision"
    mlm_languages: tuple[str, ...]  # languages with a first Wikipedia shard
    muse: tuple[str, ...]  # MUSE-format dictionaries ("de-en"), for the pairs MUSE publishes
    synonym_table: str | None  # the table in the mirror's suite cache; None: no verified copy was available
    missing: tuple[str, ...]  # what the mirror lacks (a run needing it stops with MissingResourceError)


def build_mirror(root: Path | str, *, rows: int = 8, seed: int = 0, synonym_table: Path | str | None = None,
                 rebuild: bool = False) -> Mirror:
    """Build (or reuse) the mirror at ``root``: every dataset, model, corpus and table the full profile reads.

    rows: rows per split (per language for TyDiQA, articles per language for Wikipedia); labels
    cycle through every class, so ``rows`` >= 5 puts each class of every task in every split.
    seed: seeds the pseudo-text, labels, ids, tokenizers and weights (same seed, same bytes).
    synonym_table: Robust-XLT's counterfitted_neighbors.json to copy (checked against the pinned
    sha256); default: the table already in the current suite cache, if any. Without either the
    mirror lists the table in ``missing``.
    A mirror already at ``root`` built from the same rows, seed, catalogue and mirror code is
    reused unless ``rebuild``; otherwise it is replaced as a whole (built beside it, then swapped).
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1 (rows per split), got {rows}")
    root = Path(root).resolve()
    key = _build_key(rows, seed)
    table_source = Path(synonym_table) if synonym_table is not None else synonyms.cached_table_path()
    with lock_for(root):
        manifest = root / MANIFEST
        if not rebuild and manifest.is_file():
            recorded = read_json(manifest)
            if recorded.get("key") == key:
                return _from_manifest(root, recorded)
        with atomic_directory(root) as tmp:
            built = _build(tmp, rows, seed, table_source)
            write_json(tmp / MANIFEST, {"key": key, **built})
    return _from_manifest(root, read_json(root / MANIFEST))


def _build(tmp: Path, rows: int, seed: int, table_source: Path | None) -> dict:
    env = environment(tmp)
    datasets_cache, hub_cache = Path(env["HF_DATASETS_CACHE"]), Path(env["HF_HUB_CACHE"])
    cached = []
    for plan in dataset_plans().values():
        repo = write_dataset(tmp / "repos", plan, rows, seed)
        hub_style_cache(repo, datasets_cache, plan.dataset_id, list(plan.configs),
                        commit=plan.revision if plan.pinned else None)
        cached += [describe_dataset(plan.dataset_id, config, plan.revision) for config in plan.configs]
    models = write_models(hub_cache, seed)
    languages = write_wikipedia(hub_cache, rows, seed)
    muse = write_muse_dictionaries(Path(env["XLT_REPRO_CACHE"]), seed)
    missing = []
    table = None
    if table_source is None:
        missing.append(f"synonym table {synonyms.SYNONYM_URL} (no verified copy to install: pass synonym_table)")
    else:
        table = install_synonym_table(Path(env["XLT_REPRO_CACHE"]), table_source)
    return {"rows": rows, "seed": seed, "datasets": cached, "models": models, "mlm_languages": languages,
            "muse": muse, "synonym_table": table is not None, "missing": missing}


def _from_manifest(root: Path, recorded: dict) -> Mirror:
    env = environment(root)
    table = synonyms.synonym_cache_path(env["XLT_REPRO_CACHE"]) if recorded["synonym_table"] else None
    return Mirror(root=root, rows=recorded["rows"], seed=recorded["seed"], env=env,
                  datasets=tuple(recorded["datasets"]), models=tuple(recorded["models"]),
                  mlm_languages=tuple(recorded["mlm_languages"]), muse=tuple(recorded["muse"]),
                  synonym_table=str(table) if table else None,
                  missing=tuple(recorded["missing"]))


def _build_key(rows: int, seed: int) -> dict:
    """What a reusable mirror must match: its parameters, the catalogue and the mirror's own code."""
    digest = hashlib.sha256()
    digest.update(repr(sorted(HUB_TASKS.items())).encode())
    digest.update(repr(sorted(HUB_MODELS.items())).encode())
    digest.update(repr((mlm_corpus.WIKIPEDIA_ID, mlm_corpus.REV_WIKIPEDIA, mlm_corpus.MLM_LANGUAGES)).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return {"format": FORMAT, "rows": rows, "seed": seed, "inputs": digest.hexdigest()}


# --- Wikipedia and the synonym table -------------------------------------------------------------


def write_wikipedia(hub_cache: Path, articles: int, seed: int) -> list[str]:
    """The first shard of every MLM language, as ``snapshot_download(allow_patterns=...)`` caches it.

    Columns of wikimedia/wikipedia's parquet files: id, url, title, text (paragraphs separated by
    blank lines, with short heading lines that the corpus reader drops).
    """
    files: dict[str, bytes] = {}
    scratch = hub_cache.parent / ".wikipedia-scratch"
    for lang in mlm_corpus.MLM_LANGUAGES:
        text = PseudoText(lang, seed, "wikipedia")
        table = []
        for k in range(articles):
            title = text.word().capitalize()
            body = "\n\n".join([_article_paragraph(text, 3), text.word().capitalize(), _article_paragraph(text, 2),
                                 _article_paragraph(text, 3)])
            table.append({"id": str(1000 + 7 * k), "url": f"https://{lang}.wikipedia.org/wiki/{title}",
                          "title": title, "text": body})
        relative = mlm_corpus.first_shard_pattern(lang).replace("*", "00001")
        files[relative] = write_parquet(scratch / relative, table).read_bytes()
    shutil.rmtree(scratch, ignore_errors=True)
    write_hub_snapshot(hub_cache, mlm_corpus.WIKIPEDIA_ID, mlm_corpus.REV_WIKIPEDIA, files, repo_type="dataset")
    return list(mlm_corpus.MLM_LANGUAGES)


def _article_paragraph(text: PseudoText, sentences: int) -> str:
    """Sentences of 8-14 words: at least 20 characters in every script, so the corpus reader keeps them."""
    return text.separator.join(text.sentence(8, 14) for _ in range(sentences))


def write_muse_dictionaries(cache_dir: Path, seed: int) -> list[str]:
    """MUSE-format dictionaries (``<cache>/muse/<lang>-en.txt``) from each language's pseudo-words to English.

    Code-switching attacks read them (:mod:`repro.attacks.code_switch`). Written only for the
    pairs MUSE publishes (:func:`~repro.attacks.code_switch.muse_pair_published`): for a test
    language without one, the rehearsal meets the same missing dictionary the real run would.
    """
    import random

    from repro.attacks.code_switch import muse_cache_path, muse_pair_published

    languages = sorted({lang for source in HUB_TASKS.values() for lang in source.configs} - {"en"})
    english = PseudoText("en", seed).lexicon
    written = []
    for lang in languages:
        if not muse_pair_published(lang, "en"):
            continue
        rng = random.Random(f"rehearsal-muse:{seed}:{lang}")
        pairs = [f"{word.lower()} {target}" for word in PseudoText(lang, seed).lexicon
                 for target in rng.sample(english, rng.randint(1, 2))]
        path = muse_cache_path(lang, "en", cache_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(pairs) + "\n", encoding="utf-8")
        written.append(f"{lang}-en")
    return written


def install_synonym_table(cache_dir: Path, source: Path) -> Path:
    """Copy Robust-XLT's table into a suite cache, checking its sha256 (the loader's own check).

    Raises :class:`repro.tasks.synonyms.SynonymTableError` when ``source`` is not the pinned table.
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"synonym table {source}: no such file (expected Robust-XLT's {synonyms.SYNONYM_FILE})")
    # a file: URL goes through the same download, sha256 check and atomic write as the real table
    return synonyms.fetch_synonym_table(cache_dir, url=source.as_uri())

