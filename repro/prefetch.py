"""Pre-fetching the full profile's resources, and the check that stops a run before training.

The full profile needs four kinds of remote resources: hub datasets (``repro.tasks.hub``), hub
model checkpoints (``repro.models.hub``), the synonym table of Robust-XLT
(``repro.tasks.synonyms``) and, for continued MLM, Wikipedia shards (``repro.tasks.mlm_corpus``).
On a machine without network they must already be in the local caches (the Hugging Face caches for
datasets, models and the Wikipedia shards, this suite's cache for the synonym table).

- :func:`prefetch` downloads them while online (``repro prefetch --profile full``);
- :func:`check_available` raises one :class:`MissingResourceError` naming everything that is
  missing, before any training starts;
- :func:`hub_reachable` and :func:`hub_offline` decide and enforce "offline" once, so that a
  machine without network fails at once instead of retrying each request for half a minute.
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

PREFETCH_COMMAND = "repro prefetch --profile full"


class MissingResourceError(RuntimeError):
    """Resources the run needs are neither reachable nor in a local cache.

    ``missing`` lists one line per resource (dataset id and config, model id, URL), each with its
    revision; ``str()`` names them all and the command that pre-fetches them.
    """

    def __init__(self, missing: Iterable[str], *, reason: str | None = None,
                 command: str = PREFETCH_COMMAND):
        self.missing = list(dict.fromkeys(missing))  # unique, in order
        self.command = command
        self.reason = reason
        lines = ["the full profile needs resources that are neither reachable nor cached locally:"]
        lines += [f"  - {item}" for item in self.missing]
        if reason:
            lines.append(f"({reason})")
        lines.append(f"fetch them on a machine with network first: `{command}` "
                     "(then copy the Hugging Face cache, HF_HOME, and the suite's cache, XLT_REPRO_CACHE, "
                     "if the run happens elsewhere)")
        super().__init__("\n".join(lines))


def default_cache_dir() -> Path:
    """The suite's own cache (synonym table, embedded models): ``$XLT_REPRO_CACHE`` or ~/.cache/xlt-repro.

    The same rule as ``repro.models.CACHE_DIR``, read when called (so a test can point it elsewhere).
    """
    env = os.environ.get("XLT_REPRO_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "xlt-repro"


# --- online / offline -------------------------------------------------------------------------


def offline_mode() -> bool:
    """True when the environment asks for offline mode (HF_HUB_OFFLINE / HF_DATASETS_OFFLINE).

    ``datasets`` and ``huggingface_hub`` read these variables once, at import time; this reads the
    values they hold, so a variable set after import (by a test, say) does not count: use a
    subprocess, or :func:`hub_offline`.
    """
    import datasets.config
    import huggingface_hub.constants

    return bool(datasets.config.HF_HUB_OFFLINE or huggingface_hub.constants.HF_HUB_OFFLINE)


_REACHABLE: dict[str, bool] = {}


def hub_reachable(timeout: float = 5.0, *, refresh: bool = False) -> bool:
    """Whether the Hugging Face hub answers (one quick request, remembered for the process).

    False at once in offline mode. Any HTTP answer, even an error status, counts as reachable;
    only a failure to connect (DNS, refused, timeout) counts as unreachable.
    """
    if offline_mode():
        return False
    import huggingface_hub.constants

    endpoint = huggingface_hub.constants.ENDPOINT
    if refresh or endpoint not in _REACHABLE:
        try:
            with urllib.request.urlopen(urllib.request.Request(endpoint, method="HEAD"), timeout=timeout):
                pass
            _REACHABLE[endpoint] = True
        except urllib.error.HTTPError:
            _REACHABLE[endpoint] = True
        except (urllib.error.URLError, OSError, ValueError):
            _REACHABLE[endpoint] = False
    return _REACHABLE[endpoint]


@contextlib.contextmanager
def hub_offline(enabled: bool = True) -> Iterator[None]:
    """Make ``datasets`` and ``huggingface_hub`` behave as under HF_HUB_OFFLINE=1 inside the block.

    Both libraries read the variable once at import; this switches the module attributes they
    consult on every request (``datasets.config.HF_HUB_OFFLINE``,
    ``huggingface_hub.constants.HF_HUB_OFFLINE``) and restores them afterwards. Not thread-safe:
    use it in the process that prepares a run, before training.
    """
    if not enabled:
        yield
        return
    import datasets.config
    import huggingface_hub.constants

    saved = (datasets.config.HF_HUB_OFFLINE, datasets.config.HF_DATASETS_OFFLINE,
             huggingface_hub.constants.HF_HUB_OFFLINE)
    datasets.config.HF_HUB_OFFLINE = True
    datasets.config.HF_DATASETS_OFFLINE = True
    huggingface_hub.constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        (datasets.config.HF_HUB_OFFLINE, datasets.config.HF_DATASETS_OFFLINE,
         huggingface_hub.constants.HF_HUB_OFFLINE) = saved


def _network_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "could not reach the hub / not in the cache" rather than a bug."""
    from huggingface_hub.errors import LocalEntryNotFoundError, OfflineModeIsEnabled

    types: list[type[BaseException]] = [ConnectionError, TimeoutError, LocalEntryNotFoundError,
                                        OfflineModeIsEnabled]
    try:  # the HTTP client huggingface_hub uses (httpx, or a fork of it, depending on the version)
        from huggingface_hub.utils import httpx
    except ImportError:  # pragma: no cover - older huggingface_hub
        try:
            import httpx
        except ImportError:
            httpx = None
    if httpx is not None and hasattr(httpx, "TransportError"):
        types.append(httpx.TransportError)
    try:
        import requests

        types.append(requests.exceptions.ConnectionError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


# --- what the full profile needs ---------------------------------------------------------------


def required_datasets(task_names: Iterable[str]) -> list[tuple[str, str | None, str]]:
    """(dataset id, config, revision) for every hub dataset config the named tasks load."""
    from repro.tasks.hub import dataset_requirements

    seen: dict[tuple[str, str | None, str], None] = {}
    for name in task_names:
        for req in dataset_requirements(name):
            seen[req] = None
    return list(seen)


def check_available(task_names: Iterable[str], model_names: Iterable[str], *, synonyms: bool = False,
                    mlm_corpus: bool = False, online: bool | None = None) -> None:
    """Raise one :class:`MissingResourceError` listing every resource the run could not get.

    Online (the hub answers), everything counts as available: the loaders download what they need.
    Offline, each dataset config must load from the local ``datasets`` cache, each model's pinned
    snapshot must be in the hub cache (config, weights, tokenizer) and, with ``synonyms``, the
    synonym table must be in the suite's cache. Call it before training.
    """
    task_names = list(task_names)
    model_names = list(model_names)
    if online is None:
        online = hub_reachable()
    missing: list[str] = []
    if not online:
        from repro.tasks.hub import dataset_cached

        for dataset_id, config, revision in required_datasets(task_names):
            if not dataset_cached(dataset_id, config, revision):
                missing.append(_describe_dataset(dataset_id, config, revision))
        from repro.models.hub import model_cached, resolve_model

        for name in model_names:
            model_id, revision = resolve_model(name)
            if not model_cached(model_id, revision):
                missing.append(f"model {model_id} @ {revision}")
        if mlm_corpus:
            from repro.tasks.mlm_corpus import missing_mlm_corpus

            missing.extend(missing_mlm_corpus())
    if synonyms:
        from repro.tasks.synonyms import SYNONYM_URL, cached_table_path

        if cached_table_path() is None and (offline_mode() or not _url_reachable(SYNONYM_URL)):
            missing.append(f"synonym table {SYNONYM_URL}")
    if missing:
        raise MissingResourceError(missing, reason="the Hugging Face hub is not reachable" if not online else None)


def _describe_dataset(dataset_id: str, config: str | None, revision: str) -> str:
    return f"dataset {dataset_id}" + (f" (config {config})" if config else "") + f" @ {revision}"


def _url_reachable(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def prefetch(task_names: Iterable[str], model_names: Iterable[str], *, synonyms: bool = True,
             mlm_corpus: bool = False, log=print) -> dict[str, list[str]]:
    """Download (while online) every dataset config, model snapshot and the synonym table a run needs.

    Returns what was fetched, by kind. Raises :class:`MissingResourceError` listing everything that
    could not be fetched (after trying all of it).
    """
    import datasets

    from repro.models.hub import MODEL_DOWNLOAD_PATTERNS, resolve_model

    task_names, model_names = list(task_names), list(model_names)
    if not hub_reachable():
        wanted = [_describe_dataset(*req) for req in required_datasets(task_names)]
        wanted += ["model {} @ {}".format(*resolve_model(name)) for name in model_names]
        if synonyms:
            from repro.tasks.synonyms import SYNONYM_URL, cached_table_path

            if cached_table_path() is None:
                wanted.append(f"synonym table {SYNONYM_URL}")
        if mlm_corpus:
            from repro.tasks.mlm_corpus import missing_mlm_corpus

            wanted.extend(missing_mlm_corpus())
        raise MissingResourceError(wanted, reason="prefetch needs the Hugging Face hub, which is not reachable"
                                   + (" (offline mode is set)" if offline_mode() else ""))
    fetched: dict[str, list[str]] = {"datasets": [], "models": [], "synonyms": []}
    failed: list[str] = []
    network_errors = _network_error_types()
    for dataset_id, config, revision in required_datasets(task_names):
        label = _describe_dataset(dataset_id, config, revision)
        log(f"prefetch: {label}")
        try:
            datasets.load_dataset(dataset_id, config, revision=revision)
        except network_errors as exc:
            failed.append(f"{label}: {type(exc).__name__}: {exc}")
            continue
        fetched["datasets"].append(label)
    from huggingface_hub import snapshot_download

    for name in model_names:
        model_id, revision = resolve_model(name)
        log(f"prefetch: model {model_id} @ {revision}")
        try:
            snapshot_download(model_id, revision=revision, allow_patterns=MODEL_DOWNLOAD_PATTERNS)
        except network_errors as exc:
            failed.append(f"model {model_id} @ {revision}: {type(exc).__name__}: {exc}")
            continue
        fetched["models"].append(f"{model_id} @ {revision}")
    if mlm_corpus:
        from repro.tasks.mlm_corpus import corpus_label, fetch_mlm_corpus

        label = corpus_label()
        log(f"prefetch: {label}")
        try:
            fetch_mlm_corpus()
            fetched["datasets"].append(label)
        except network_errors as exc:
            failed.append(f"{label}: {type(exc).__name__}: {exc}")
    if synonyms:
        from repro.tasks.synonyms import SYNONYM_URL, fetch_synonym_table

        log(f"prefetch: synonym table {SYNONYM_URL}")
        try:
            fetched["synonyms"].append(str(fetch_synonym_table()))
        except MissingResourceError as exc:
            failed.extend(exc.missing)
    if failed:
        raise MissingResourceError(failed, reason="prefetch could not download these")
    return fetched
