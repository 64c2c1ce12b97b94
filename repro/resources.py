"""What the full profile needs from outside: the check that stops a run before training, and prefetch.

The full profile needs five kinds of remote resources: hub datasets (``repro.tasks.hub``), hub
model checkpoints (``repro.models.hub``), the synonym table of Robust-XLT
(``repro.tasks.synonyms``), MUSE's bilingual dictionaries for code-switching attacks
(``repro.attacks.code_switch``) and, for continued MLM, Wikipedia shards (``repro.tasks.mlm_corpus``).
On a machine without network they must already be in the local caches (the Hugging Face caches for
datasets, models and the Wikipedia shards, this suite's cache for the tables and dictionaries).

- :func:`prefetch` downloads them while online (``repro prefetch --profile full``);
- :func:`check_available` raises one :class:`MissingResourceError` naming everything that is
  missing, before any training starts;
- whether the hub answers is decided once, in :mod:`repro.hub_access`.

It sits on top of the loaders (it asks each what it needs), which never import it.
"""

from __future__ import annotations

from collections.abc import Iterable

from repro.attacks.code_switch import fetch_muse_dictionary, muse_cache_path, muse_url
from repro.attacks.coverage import can_attack
from repro.hub_access import (
    MissingResourceError,
    describe_dataset,
    hub_reachable,
    network_error_types,
    offline_mode,
    url_reachable,
)
from repro.models.hub import MODEL_DOWNLOAD_PATTERNS, model_cached, resolve_model
from repro.runspec import RunSpec
from repro.tasks import mlm_corpus, synonyms
from repro.tasks.hub import dataset_cached, dataset_requirements, revisions, test_languages

# --- what the full profile needs ---------------------------------------------------------------


def required_datasets(task_names: Iterable[str]) -> list[tuple[str, str | None, str]]:
    """(dataset id, config, revision) for every hub dataset config the named tasks load."""
    seen: dict[tuple[str, str | None, str], None] = {}
    for name in task_names:
        for req in dataset_requirements(name):
            seen[req] = None
    return list(seen)


def muse_languages(runs: Iterable[RunSpec]) -> list[str]:
    """The test languages whose MUSE dictionary into English a run's code-switching attack reads.

    Only the pairs MUSE publishes: a language without one is not attacked, and its result says so
    (:func:`repro.training.finetune.attack_resources`).
    """
    languages: set[str] = set()
    for run in runs:
        if any(a.get("kind") == "code_switch" and a.get("resource") == "muse" for a in run.hp.get("attacks") or ()):
            languages.update(lang for lang in test_languages(run.task) if can_attack("code_switch", "muse", lang))
    return sorted(languages)


def check_available(task_names: Iterable[str], model_names: Iterable[str], *, synonyms_table: bool = False,
                    mlm: bool = False, muse: Iterable[str] = (), online: bool | None = None) -> None:
    """Raise one :class:`MissingResourceError` listing every resource the run could not get.

    Online (the hub answers), everything counts as available: the loaders download what they need.
    Offline, each dataset config must load from the local ``datasets`` cache, each model's pinned
    snapshot must be in the hub cache (config, weights, tokenizer), with ``mlm`` the Wikipedia
    shards must be cached and, with ``synonyms_table``, the synonym table must be in the suite's
    cache, as must MUSE's ``<lang>-en`` dictionary for each language of ``muse``. Call it before
    training.
    """
    task_names, model_names = list(task_names), list(model_names)
    if online is None:
        online = hub_reachable()
    missing: list[str] = []
    if not online:
        for dataset_id, config, revision in required_datasets(task_names):
            if not dataset_cached(dataset_id, config, revision):
                missing.append(describe_dataset(dataset_id, config, revision))
        for name in model_names:
            model_id, revision = resolve_model(name)
            if not model_cached(model_id, revision):
                missing.append(f"model {model_id} @ {revision}")
        if mlm:
            missing.extend(mlm_corpus.missing_mlm_corpus())
    if synonyms_table and synonyms.cached_table_path() is None and (
            offline_mode() or not url_reachable(synonyms.SYNONYM_URL)):
        missing.append(f"synonym table {synonyms.SYNONYM_URL}")
    for lang in muse:
        if not muse_cache_path(lang, "en").is_file() and (offline_mode() or not url_reachable(muse_url(lang, "en"))):
            missing.append(f"MUSE bilingual dictionary {lang}-en: {muse_url(lang, 'en')}")
    if missing:
        raise MissingResourceError(missing, reason="the Hugging Face hub is not reachable" if not online else None)


def prefetch(task_names: Iterable[str], model_names: Iterable[str], *, synonyms_table: bool = True,
             mlm: bool = False, muse: Iterable[str] = (), log=print) -> dict[str, list[str]]:
    """Download (while online) every dataset config, model snapshot, table and dictionary a run needs.

    Returns what was fetched, by kind. Raises :class:`MissingResourceError` listing everything that
    could not be fetched (after trying all of it).
    """
    import datasets
    from huggingface_hub import snapshot_download

    task_names, model_names, muse = list(task_names), list(model_names), list(muse)
    if not hub_reachable():
        wanted = [describe_dataset(*req) for req in required_datasets(task_names)]
        wanted += ["model {} @ {}".format(*resolve_model(name)) for name in model_names]
        if synonyms_table and synonyms.cached_table_path() is None:
            wanted.append(f"synonym table {synonyms.SYNONYM_URL}")
        if mlm:
            wanted.extend(mlm_corpus.missing_mlm_corpus())
        wanted += [f"MUSE bilingual dictionary {lang}-en: {muse_url(lang, 'en')}" for lang in muse
                   if not muse_cache_path(lang, "en").is_file()]
        raise MissingResourceError(wanted, reason="prefetch needs the Hugging Face hub, which is not reachable"
                                   + (" (offline mode is set)" if offline_mode() else ""))
    fetched: dict[str, list[str]] = {"datasets": [], "models": [], "synonyms": [], "dictionaries": []}
    failed: list[str] = []
    network_errors = network_error_types()
    for dataset_id, config, revision in required_datasets(task_names):
        label = describe_dataset(dataset_id, config, revision)
        log(f"prefetch: {label}")
        try:
            if not revisions.resolved_commit(dataset_id, revision):
                # an unpinned branch: record the commit it points to now, which keys the runs on it
                revisions.record_commit(dataset_id, revision, revisions.resolve_online(dataset_id, revision))
            datasets.load_dataset(dataset_id, config, revision=revision)
        except network_errors as exc:
            failed.append(f"{label}: {type(exc).__name__}: {exc}")
            continue
        fetched["datasets"].append(label)
    for name in model_names:
        model_id, revision = resolve_model(name)
        log(f"prefetch: model {model_id} @ {revision}")
        try:
            snapshot_download(model_id, revision=revision, allow_patterns=MODEL_DOWNLOAD_PATTERNS)
        except network_errors as exc:
            failed.append(f"model {model_id} @ {revision}: {type(exc).__name__}: {exc}")
            continue
        fetched["models"].append(f"{model_id} @ {revision}")
    if mlm:
        label = mlm_corpus.corpus_label()
        log(f"prefetch: {label}")
        try:
            mlm_corpus.fetch_mlm_corpus()
            fetched["datasets"].append(label)
        except network_errors as exc:
            failed.append(f"{label}: {type(exc).__name__}: {exc}")
    if synonyms_table:
        log(f"prefetch: synonym table {synonyms.SYNONYM_URL}")
        try:
            fetched["synonyms"].append(str(synonyms.fetch_synonym_table()))
        except MissingResourceError as exc:
            failed.extend(exc.missing)
    for lang in muse:
        log(f"prefetch: MUSE dictionary {lang}-en")
        try:
            fetched["dictionaries"].append(str(fetch_muse_dictionary(lang, "en")))
        except (MissingResourceError, ValueError) as exc:  # ValueError: not a dictionary (BilingualDictionaryError)
            failed.append(f"MUSE bilingual dictionary {lang}-en: {exc}")
    if failed:
        raise MissingResourceError(failed, reason="prefetch could not download these")
    return fetched
