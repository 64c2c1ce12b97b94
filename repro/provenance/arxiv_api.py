"""Asking the arXiv API, through the ``arxiv`` package, for the records of a list of ids.

Network errors come in many types (requests, ``arxiv.HTTPError``, ...): any of them turns into
"use the offline cache" (with a :class:`SourcesCacheWarning`), and ids the cache does not hold
either raise :class:`SourcesUnavailableError` naming them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from repro.provenance.cache import load_sources, sources_path, write_sources
from repro.provenance.errors import SourcesCacheWarning, SourcesUnavailableError
from repro.provenance.ids import dedupe_ids
from repro.provenance.records import SourceRecord, record_from_result


def default_client() -> Any:
    """A fresh ``arxiv.Client()`` (the package's own rate limit and retries)."""
    import arxiv

    return arxiv.Client()


def query_arxiv(client: Any, ids: list[str]) -> list[Any]:
    """One ``id_list`` search for ``ids``; ``client`` is anything with ``.results(arxiv.Search)``."""
    import arxiv

    return list(client.results(arxiv.Search(id_list=list(ids), max_results=len(ids))))


def fetch_sources(ids: Iterable[str], *, client: Any = None, path: Path | str | None = None,
                  fetched: str | None = None) -> dict[str, SourceRecord]:
    """Look ``ids`` up on arXiv, merge the records into the sources file, return one record per id.

    Args:
        ids: arXiv ids in any form :func:`repro.provenance.parse_arxiv_id` reads; deduplicated.
        client: anything with ``.results(arxiv.Search)`` (default ``arxiv.Client()``).
        path: the sources file (default ``claims/sources.json`` of the current project).
        fetched: ISO date recorded as ``origin.fetched`` (default today, UTC).

    Ids the API does not answer (network down, unknown id) come from the cache; if the cache has no
    entry either, :class:`SourcesUnavailableError` names them (after writing whatever was fetched).
    """
    path = Path(path) if path is not None else sources_path()
    wanted = dedupe_ids(ids)
    if not wanted:
        return {}
    client = default_client() if client is None else client
    cause: BaseException | str | None = None
    results: list[Any] = []
    try:
        results = query_arxiv(client, wanted)
    except Exception as exc:  # network errors come in many types (requests, arxiv.HTTPError, ...)
        cause = exc
    fetched = fetched or datetime.now(timezone.utc).date().isoformat()
    got: dict[str, SourceRecord] = {}
    for result in results:
        try:
            rec = record_from_result(result, fetched=fetched)
        except ValueError:
            continue  # an error entry without a usable id
        if rec.arxiv_id in wanted and rec.title:
            got[rec.arxiv_id] = rec
    if got:
        write_sources(got.values(), path)
    cached = load_sources(path) if path.exists() else {}
    out: dict[str, SourceRecord] = {}
    missing: list[str] = []
    for key in wanted:
        if key in cached:
            out[key] = cached[key]
        else:
            missing.append(key)
    if missing:
        if cause is None:
            cause = "the arXiv API returned no record for them"
        raise SourcesUnavailableError(missing, path, cause)
    if cause is not None:
        warnings.warn(f"arXiv unreachable ({type(cause).__name__}: {cause}); using cached records from {path}",
                      SourcesCacheWarning, stacklevel=2)
    return out
