"""Load a full-profile task from the hub (or a local copy in the hub's layout) as TaskData.

What to read is data in :mod:`repro.catalog.hub_sources`; this module reads it with
``datasets.load_dataset``: from the hub at the pinned revision (or from the local HF cache when
offline), or from a local directory laid out like the hub repositories (``data_root/<dataset id>/``
with the repository's README.md and data files), so the normalisation that runs on the GPU runners
is the code the offline tests exercise. Without network and without a cache, loading raises
:class:`repro.hub_access.MissingResourceError` naming every missing dataset config and the command
that pre-fetches them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from repro.catalog.hub_sources import HUB_TASKS, HubTaskSource
from repro.catalog.tasks import TASKS
from repro.hub_access import MissingResourceError, describe_dataset, hub_offline, hub_reachable, network_error_types
from repro.progress import quiet_libraries
from repro.tasks.base import TaskData
from repro.tasks.hub.normalizers import NORMALIZERS
from repro.tasks.hub.revisions import describe as describe_revision


def supported_tasks() -> list[str]:
    """Names of the tasks :func:`load_hub_task` can load (the full profile's hub tasks)."""
    return [name for name, source in HUB_TASKS.items() if source.supported]


def get_source(name: str) -> HubTaskSource:
    """The registry entry; a clear error for unknown names and known-but-unsupported tasks."""
    if name not in HUB_TASKS:
        raise ValueError(f"unknown hub task {name!r}; known: {sorted(HUB_TASKS)}")
    source = HUB_TASKS[name]
    if not source.supported:
        # every task kind is implemented: what such a task lacks is its data wiring (see its notes)
        raise NotImplementedError(
            f"hub task {name!r} ({source.dataset_id}, kind {source.kind!r}) is registered but not supported "
            f"yet. {' '.join(source.notes)}"
        )
    return source


def _sources_for(name: str) -> list[HubTaskSource]:
    source = get_source(name)
    chain = [source]
    if source.train_from:
        chain.append(get_source(source.train_from))
    return chain


def _supported_source(name: str) -> HubTaskSource | None:
    """The hub source of a task (by its catalogue name or its hub key, as run names are), or None
    when the full profile cannot load it."""
    definition = TASKS.get(name)
    key = definition.hub if definition else name
    if key not in HUB_TASKS or not HUB_TASKS[key].supported:
        return None
    return HUB_TASKS[key]


def training_languages(name: str) -> tuple[str, ...]:
    """The languages a hub task has training data in: English, its own translated training sets, and
    those of its ``translations_from`` source (empty for a task the full profile cannot load)."""
    source = _supported_source(name)
    if source is None:
        return ()
    languages = ["en"] + [lang for lang in source.train_languages if lang in source.configs]
    if source.translations_from:
        languages += list(HUB_TASKS[source.translations_from].configs)
    return tuple(dict.fromkeys(languages))


def test_languages(name: str) -> tuple[str, ...]:
    """The languages a hub task is tested in (its configs; empty for a task the full profile cannot load)."""
    source = _supported_source(name)
    return tuple(source.configs) if source is not None else ()


def dataset_requirements(name: str, languages: Sequence[str] | None = None,
                         train_languages: Sequence[str] = ()) -> list[tuple[str, str | None, str]]:
    """(dataset id, config, revision) of every hub dataset config the task loads."""
    source = get_source(name)
    langs = _select_languages(source, languages)
    reqs: list[tuple[str, str | None, str]] = []
    need_en = source.kind != "retrieval" and not source.train_from and "en" in source.configs
    for lang in dict.fromkeys((["en"] if need_en else []) + langs):
        reqs.append((source.dataset_id, source.configs[lang], source.revision))
    if source.train_from:
        reqs.extend(dataset_requirements(source.train_from, ["en"]))
    if source.translations_from:
        translations = get_source(source.translations_from)
        for lang in train_languages:
            if lang != "en" and lang not in source.configs and lang in translations.configs:
                reqs.append((translations.dataset_id, translations.configs[lang], translations.revision))
    return list(dict.fromkeys(reqs))


def hub_task_revision(name: str) -> str:
    """Identifies every dataset revision a task reads (its own, its train_from and translations sources')."""
    sources = _sources_for(name)
    translations = get_source(name).translations_from
    if translations:
        sources.append(get_source(translations))
    return "+".join(dict.fromkeys(describe_revision(s.dataset_id, s.revision) for s in sources))


# --- loading -----------------------------------------------------------------------------------


class _Reader:
    """Loads DatasetDicts (hub or local layout), remembering them, and collects what is missing."""

    def __init__(self, data_root: Path | None, cache_dir: Path | None):
        self.data_root = Path(data_root) if data_root is not None else None
        self.cache_dir = str(cache_dir) if cache_dir is not None else None
        self.loaded: dict[tuple[str, str | None], Any] = {}
        self.missing: list[str] = []
        self._offline: bool | None = None

    def offline(self) -> bool:
        """Reading the hub without network: the environment says so, or the hub does not answer."""
        if self.data_root is not None:
            return False
        if self._offline is None:
            self._offline = not hub_reachable()
        return self._offline

    def path(self, source: HubTaskSource) -> str:
        if self.data_root is None:
            return source.dataset_id
        local = self.data_root / source.dataset_id
        if not local.is_dir():
            raise FileNotFoundError(
                f"{source.name}: no local copy of {source.dataset_id} at {local} (data_root is laid out "
                f"like the hub: data_root/<dataset id>/ with the repository's README.md and data files)"
            )
        return str(local)

    def read(self, source: HubTaskSource, config: str | None):
        key = (source.dataset_id, config)
        if key in self.loaded:
            return self.loaded[key]
        import datasets

        kwargs: dict[str, Any] = {"cache_dir": self.cache_dir}
        if self.data_root is None:
            kwargs["revision"] = source.revision
        offline = self.offline()
        path = self.path(source)
        # offline, datasets answers from its cache: FileNotFoundError (dataset not cached) or
        # ValueError (config not cached) then mean "missing", not a bad config name
        missing_errors = network_error_types() + ((FileNotFoundError, ValueError) if offline else ())
        try:
            with hub_offline(offline):
                dd = datasets.load_dataset(path, config, **kwargs)
        except missing_errors:
            self.missing.append(describe_dataset(source.dataset_id, config, source.revision))
            self.loaded[key] = None
            return None
        except datasets.exceptions.DatasetGenerationError as exc:  # a data file pyarrow cannot read
            cause = exc.__cause__ or exc
            raise ValueError(f"{source.name} ({source.dataset_id}) config {config!r}: its data files could not be "
                             f"read ({type(cause).__name__}: {cause})") from exc
        except RuntimeError as exc:
            if "scripts are no longer supported" in str(exc):
                raise RuntimeError(
                    f"{source.name}: {source.dataset_id} @ {source.revision} still has a loading script, which "
                    f"this datasets version refuses; pin a parquet revision in repro.catalog.hub_sources.HUB_TASKS "
                    f"(e.g. 'refs/convert/parquet'). ({exc})"
                ) from exc
            raise
        self.loaded[key] = dd
        return dd


def _select_languages(source: HubTaskSource, languages: Sequence[str] | None) -> list[str]:
    available = list(source.configs)
    if languages is None:
        return available
    unknown = [lang for lang in languages if lang not in available]
    if unknown:
        raise ValueError(f"{source.name}: no test set for language(s) {unknown}; available: {available}")
    return list(dict.fromkeys(languages))


def _split(dd, source: HubTaskSource, role: str, config: str | None):
    import datasets

    names = source.splits[role]
    absent = [n for n in names if n not in dd]
    if absent:
        raise ValueError(
            f"{source.name}: {source.dataset_id} config {config!r} has no split(s) {absent} "
            f"(needed as {role}); it has {list(dd)}"
        )
    parts = [dd[n] for n in names]
    return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)


def _by_language(ds, prefixes: Mapping[str, str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, example_id in enumerate(ds["id"]):
        prefix = str(example_id).split("-", 1)[0].lower()
        groups.setdefault(prefixes.get(prefix, prefix), []).append(i)
    return groups


def _truncate(ds, max_examples: int | None):
    if ds is None or max_examples is None or len(ds) <= max_examples:
        return ds
    return ds.select(range(max_examples))


def load_hub_task(name: str, *, data_root: Path | None = None, languages: list[str] | None = None,
                  max_examples: int | None = None, cache_dir: Path | None = None,
                  train_languages: list[str] | None = None) -> TaskData:
    """Load a full-profile task from the hub (or a local copy in the hub layout) as TaskData.

    name: a key of :data:`HUB_TASKS`. data_root: a directory holding ``<dataset id>/`` copies laid
    out like the hub repositories; None reads the hub at the pinned revision (or the local HF
    cache when offline). languages: the test languages to load (default: all); English training
    and dev data are always loaded, translated training sets only for the selected languages.
    max_examples: keep the first N rows of every split (after dropping unlabelled rows), for quick
    runs; parallel test sets stay aligned. cache_dir: the ``datasets`` cache (default: HF's).
    train_languages: non-English training languages to add from the task's ``translations_from``
    source (MNLI's translations are XNLI's training sets; SQuAD's, MLQA's translate-train).

    Raises NotImplementedError for known-but-unsupported tasks (XCOPA), and
    ``repro.hub_access.MissingResourceError`` naming every dataset config that is neither reachable
    nor cached.
    """
    source = get_source(name)
    langs = _select_languages(source, languages)
    reader = _Reader(data_root, cache_dir)
    notes = list(source.notes)
    metadata: dict[str, Any] = {"dataset_id": source.dataset_id, "revision_pinned": source.pinned,
                                "revision_note": source.revision_note, "notes": notes, "dropped": {}}

    # read every config first, so that one error can name everything that is missing
    train_source = get_source(source.train_from) if source.train_from else source
    raw_configs: dict[str, Any] = {}
    need_en = source.kind != "retrieval" and not source.train_from and "en" in source.configs
    for lang in dict.fromkeys(langs + (["en"] if need_en else [])):
        raw_configs[lang] = reader.read(source, source.configs[lang])
    if source.train_from:
        raw_train_en = reader.read(train_source, train_source.configs["en"])
    translated: dict[str, Any] = {}
    translations = get_source(source.translations_from) if source.translations_from else None
    for lang in train_languages or ():
        if lang == "en" or lang in source.configs:
            continue
        if translations is None or lang not in translations.configs:
            raise ValueError(f"{name}: no training data in {lang}; it has {sorted(training_languages(name))}")
        translated[lang] = reader.read(translations, translations.configs[lang])
    if reader.missing:
        raise MissingResourceError(
            reader.missing,
            reason="the Hugging Face hub is not reachable" if reader.offline() else "download failed",
        )

    label_names = list(source.label_names) if source.label_names else None
    meta_sink: dict[str, Any] = {}

    def norm(ds, src: HubTaskSource, role: str, lang: str):
        out, dropped = NORMALIZERS[src.normalizer](ds, src, meta_sink)
        if dropped:
            metadata["dropped"][f"{role}/{lang}"] = dropped
        return out

    # --- English train and dev, translated train sets ---------------------------------------
    train: dict[str, Any] = {}
    dev = None
    if source.kind != "retrieval":
        if source.train_from:
            train_dd, tsrc = raw_train_en, train_source
        else:
            train_dd, tsrc = raw_configs["en"], source
        if source.language_from_id:
            base_train = _split(train_dd, tsrc, "train", tsrc.configs["en"])
            base_dev = _split(train_dd, tsrc, "dev", tsrc.configs["en"])
            train["en"] = norm(base_train.select(_by_language(base_train, source.language_from_id).get("en", [])),
                               tsrc, "train", "en")
            dev = norm(base_dev.select(_by_language(base_dev, source.language_from_id).get("en", [])),
                       tsrc, "dev", "en")
        else:
            train["en"] = norm(_split(train_dd, tsrc, "train", tsrc.configs["en"]), tsrc, "train", "en")
            dev = norm(_split(train_dd, tsrc, "dev", tsrc.configs["en"]), tsrc, "dev", "en")
        for lang in langs:
            if lang != "en" and lang in source.train_languages and not source.train_from:
                train[lang] = norm(_split(raw_configs[lang], source, "train", source.configs[lang]),
                                   source, "train", lang)
        for lang, dd in translated.items():  # machine-translated training sets from another dataset
            assert translations is not None  # translated holds something only when there is a source
            split = _split(dd, translations, "train", translations.configs[lang])
            train[lang] = norm(split, translations, "train", lang)
        train = {lang: _truncate(ds, max_examples) for lang, ds in train.items()}
        dev = _truncate(dev, max_examples)

    # --- test sets ------------------------------------------------------------------------------
    raw_tests: dict[str, Any] = {}
    if source.language_from_id:
        base = _split(raw_configs[langs[0]], source, "test", source.configs[langs[0]])
        groups = _by_language(base, source.language_from_id)
        unknown = sorted(set(groups) - set(source.language_from_id.values()))
        if unknown:
            notes.append(f"test rows with unrecognised id prefixes were ignored: {unknown}")
        for lang in langs:
            raw_tests[lang] = base.select(groups.get(lang, []))
    else:
        for lang in langs:
            raw_tests[lang] = _split(raw_configs[lang], source, "test", source.configs[lang])

    parallel = source.parallel
    tests: dict[str, Any] = {}
    if parallel:
        tests, parallel = _parallel_tests(raw_tests, source, meta_sink, metadata)
    else:
        for lang, ds in raw_tests.items():
            tests[lang] = norm(ds, source, "test", lang)
    tests = {lang: _truncate(ds, max_examples) for lang, ds in tests.items()}

    dev_by_language = {}
    for lang in langs if source.dev_by_language else ():
        split = _dev_by_language(raw_configs[lang], source)
        if split is not None:  # some languages have a test split only (UD POS: Tagalog, Thai, Yoruba)
            dev_by_language[lang] = _truncate(norm(split, source, "dev", lang), max_examples)
    metadata["scoring"] = source.scoring
    metadata.update(meta_sink)
    if source.normalizer == "pair" and source.columns.get("sentence2") is None:
        metadata["single_sentence"] = True

    splits = {**{f"train/{lang}": ds for lang, ds in train.items()}, "dev": dev,
              **{f"test/{lang}": ds for lang, ds in tests.items()}}
    empty = [role for role, ds in splits.items() if ds is not None and len(ds) == 0]
    if empty:  # nothing to train on or score: a metric over no examples would be NaN
        raise ValueError(f"{name} ({source.dataset_id}): empty split(s) {empty} (after dropping unlabelled rows)")
    revision = _revision_string(reader, [source] + ([train_source] if source.train_from else []))
    return TaskData(name=name, kind=source.kind, train=train, dev=dev, test=tests, label_names=label_names,
                    parallel=parallel, revision=revision, metadata=metadata, dev_by_language=dev_by_language)


def _dev_by_language(dd, source: HubTaskSource):
    """One language's development split (the splits named in ``dev_by_language``), or None."""
    import datasets

    parts = [dd[n] for n in source.dev_by_language if n in dd]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)


def _parallel_tests(raw_tests: dict[str, Any], source: HubTaskSource, meta_sink: dict, metadata: dict):
    """Normalise row-aligned test sets; drop a row everywhere if it is unlabelled anywhere.

    Alignment is checked, not assumed: equal lengths and, where the dataset has an ``id`` column,
    equal ids row by row, else equal labels on the rows labelled in every language. Sets that fail
    the check are returned unaligned (``parallel`` False) with a note.
    """
    n_labels = len(source.label_names) if source.label_names else None
    ids = {lang: (list(ds["id"]) if "id" in ds.column_names else None) for lang, ds in raw_tests.items()}
    normalized = {}
    for lang, ds in raw_tests.items():
        normalized[lang], _ = NORMALIZERS[source.normalizer](ds, source, meta_sink, drop_invalid=False)

    def valid(y):
        return 0 <= y < (n_labels if n_labels is not None else 1 << 30)

    labels = {lang: ds["label"] for lang, ds in normalized.items() if "label" in ds.column_names}
    invalid = {i for ys in labels.values() for i, y in enumerate(ys) if not valid(y)}
    lengths = {lang: len(ds) for lang, ds in normalized.items()}
    aligned = len(set(lengths.values())) <= 1
    if aligned and ids and all(v is not None for v in ids.values()):
        first = next(iter(ids.values()))
        aligned = all(v == first for v in ids.values())
    elif aligned and labels:
        first = next(iter(labels.values()))
        aligned = all(all(a == b for i, (a, b) in enumerate(zip(ys, first)) if i not in invalid)
                      for ys in labels.values())
    if not aligned:
        metadata["notes"].append(
            f"test sets are not row-aligned across languages (lengths {lengths}); parallel is False"
        )
    if aligned and invalid:
        keep = [i for i in range(next(iter(lengths.values()))) if i not in invalid]
        normalized = {lang: ds.select(keep) for lang, ds in normalized.items()}
        metadata["dropped"]["test/every language"] = len(invalid)
    elif invalid:
        for lang, ds in normalized.items():
            before = len(ds)
            normalized[lang] = ds.filter(valid, input_columns="label")
            if before - len(normalized[lang]):
                metadata["dropped"][f"test/{lang}"] = before - len(normalized[lang])
    return normalized, aligned


def _revision_string(reader: _Reader, sources: list[HubTaskSource]) -> str:
    if reader.data_root is not None:
        digest = hashlib.sha256()
        for src in sources:
            digest.update(_tree_hash(reader.data_root / src.dataset_id).encode())
        return f"local:{digest.hexdigest()[:16]}"
    parts = []
    for src in {s.dataset_id: s for s in sources}.values():
        resolved = None if src.pinned else _resolved_commit(reader, src)
        parts.append(f"{src.dataset_id}@{src.revision}" + (f"({resolved})" if resolved else ""))
    return "+".join(parts)


_COMMIT_IN_URL = re.compile(r"@([0-9a-f]{40})/")


def _resolved_commit(reader: _Reader, source: HubTaskSource) -> str | None:
    """The commit the hub resolved an unpinned revision to, from the download checksums' URLs."""
    for (dataset_id, _config), dd in reader.loaded.items():
        if dataset_id != source.dataset_id or dd is None:
            continue
        for ds in dd.values():
            for url in (ds.info.download_checksums or {}):
                match = _COMMIT_IN_URL.search(url)
                if match:
                    return match.group(1)
    return None


def _tree_hash(root: Path, big: int = 64 << 20, edge: int = 4 << 20) -> str:
    """Content hash of a local dataset copy (names and bytes; files over 64 MiB: size and both ends)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".cache/"):
            continue
        size = path.stat().st_size
        digest.update(f"{rel}\0{size}\0".encode())
        with path.open("rb") as fh:
            if size <= big:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            else:
                digest.update(fh.read(edge))
                fh.seek(size - edge)
                digest.update(fh.read(edge))
    return digest.hexdigest()


def dataset_cached(dataset_id: str, config: str | None, revision: str, cache_dir: Path | None = None) -> bool:
    """Whether the dataset config loads from the local caches alone (no network)."""
    import datasets

    missing: tuple[type[BaseException], ...] = (*network_error_types(), FileNotFoundError, ValueError)
    try:
        with hub_offline(), quiet_libraries():
            datasets.load_dataset(dataset_id, config, revision=revision,
                                  cache_dir=str(cache_dir) if cache_dir else None)
    except missing:
        return False
    return True
