"""Access to the Hugging Face hub: online or offline, and the error that names what is missing.

A leaf module (imports nothing of ``repro``). The full profile needs remote resources (hub
datasets and models, Robust-XLT's synonym table, Wikipedia shards); on a machine without network
they must already be cached. :func:`hub_reachable` and :func:`hub_offline` decide and enforce
"offline" once, so that a machine without network fails at once instead of retrying each request,
and :class:`MissingResourceError` names every missing resource and the command that fetches it.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator

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


def network_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "could not reach the hub / not in the cache" rather than a bug."""
    from huggingface_hub.errors import LocalEntryNotFoundError, OfflineModeIsEnabled

    types: list[type[BaseException]] = [ConnectionError, TimeoutError, LocalEntryNotFoundError,
                                        OfflineModeIsEnabled]
    # the HTTP client huggingface_hub uses (httpx, or a fork of it, depending on the version)
    client = _http_client()
    if client is not None and hasattr(client, "TransportError"):
        types.append(client.TransportError)
    try:
        import requests

        types.append(requests.exceptions.ConnectionError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


def _http_client():
    try:
        from huggingface_hub.utils import httpx as client
    except ImportError:  # pragma: no cover - older huggingface_hub
        try:
            import httpx as client
        except ImportError:
            return None
    return client


def url_reachable(url: str, timeout: float = 5.0) -> bool:
    """Whether ``url`` answers at all (any HTTP status counts; a failure to connect does not)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def describe_dataset(dataset_id: str, config: str | None, revision: str) -> str:
    """How a dataset config is named in prefetch logs and missing-resource errors."""
    return f"dataset {dataset_id}" + (f" (config {config})" if config else "") + f" @ {revision}"
