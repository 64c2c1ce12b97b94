"""Full text of the papers: PDF download, text per page (pypdf), and the cache that holds both.

The cache is ``repro.io.cache_root() / "fulltext"`` (``$XLT_REPRO_CACHE/fulltext``, else
``$XDG_CACHE_HOME/xlt-repro/fulltext``, else ``~/.cache/xlt-repro/fulltext``), outside git. Per
paper it holds ``<id>.pdf``, ``<id>.json`` (one entry per page) and, once quotes were grounded in
it, ``<id>.grounding.json`` (see :mod:`repro.provenance.grounding`). Old-style ids keep their
slash as an underscore in file names.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from repro.io import cache_root, read_json, write_bytes, write_json
from repro.provenance.arxiv_api import default_client, query_arxiv
from repro.provenance.errors import SourcesError, SourcesUnavailableError
from repro.provenance.ids import dedupe_ids, normalize_arxiv_id, parse_arxiv_id, result_short_id


@dataclass
class FullText:
    arxiv_id: str
    version: str | None
    pages: list[str]
    pdf_url: str | None = None
    fetched: str | None = None
    extractor: str | None = None


def default_cache_dir() -> Path:
    """``repro.io.cache_root() / "fulltext"``, read when called (a test may point it elsewhere)."""
    return cache_root() / "fulltext"


def _stem(arxiv_id: str) -> str:
    return normalize_arxiv_id(arxiv_id).replace("/", "_")


def fulltext_file(arxiv_id: str, cache_dir: Path | str | None = None) -> Path:
    """Where the pages of ``arxiv_id`` are cached."""
    return Path(cache_dir or default_cache_dir()) / f"{_stem(arxiv_id)}.json"


def pdf_file(arxiv_id: str, cache_dir: Path | str | None = None) -> Path:
    return Path(cache_dir or default_cache_dir()) / f"{_stem(arxiv_id)}.pdf"


def grounding_file(arxiv_id: str, cache_dir: Path | str | None = None) -> Path:
    """Where the groundings of the specs that quote ``arxiv_id`` are kept, beside its full text."""
    return Path(cache_dir or default_cache_dir()) / f"{_stem(arxiv_id)}.grounding.json"


def extract_pages(pdf_path: Path | str) -> list[str]:
    """Text of each page (index 0 = page 1) with pypdf."""
    from pypdf import PdfReader

    return [(page.extract_text() or "") for page in PdfReader(str(pdf_path)).pages]


def load_fulltext(arxiv_id: str, cache_dir: Path | str | None = None) -> FullText | None:
    """The cached full text of ``arxiv_id``, or None when the cache has none."""
    file = fulltext_file(arxiv_id, cache_dir)
    if not file.exists():
        return None
    data = read_json(file)
    pages = [p["text"] for p in sorted(data["pages"], key=lambda p: p["page"])]
    return FullText(data["arxiv_id"], data.get("version"), pages, data.get("pdf_url"), data.get("fetched"),
                    data.get("extractor"))


def _download(url: str) -> bytes:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path)).read_bytes()
    import requests

    if url.startswith("http://arxiv.org/"):
        url = "https://" + url[len("http://"):]
    resp = requests.get(url, timeout=120, headers={"user-agent": "xlt-repro (repro.provenance)"})
    resp.raise_for_status()
    if not resp.content.startswith(b"%PDF"):
        raise SourcesError(f"{url}: response is not a PDF")
    return resp.content


def _result_pdf(result: Any) -> tuple[bytes, str]:
    """The PDF of an API result and where it came from: ``pdf_url``, else the old
    ``Result.download_pdf`` (arxiv < 4), else ``https://arxiv.org/pdf/<short id>``."""
    url = getattr(result, "pdf_url", None)
    if url:
        return _download(url), url
    if callable(getattr(result, "download_pdf", None)):
        with tempfile.TemporaryDirectory() as tmp:
            result.download_pdf(dirpath=tmp, filename="paper.pdf")
            return (Path(tmp) / "paper.pdf").read_bytes(), "Result.download_pdf"
    url = f"https://arxiv.org/pdf/{result_short_id(result)}"
    return _download(url), url


def fetch_fulltext(ids: Iterable[str], *, client: Any = None, cache_dir: Path | str | None = None,
                   refresh: bool = False) -> dict[str, FullText]:
    """Full text per page for each id, from the cache or downloaded (PDF via ``Result.pdf_url``).

    Args:
        ids: arXiv ids in any form; deduplicated, versions dropped.
        client: anything with ``.results(arxiv.Search)`` (default ``arxiv.Client()``).
        cache_dir: the full-text cache (default :func:`default_cache_dir`).
        refresh: download again even when cached.

    Stores ``<cache_dir>/<id>.json`` (one entry per page) and the PDF next to it, outside git.

    Raises:
        SourcesUnavailableError: ids neither cached nor downloadable (after storing the others).
    """
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    out: dict[str, FullText] = {}
    todo: list[str] = []
    for key in dedupe_ids(ids):
        cached = None if refresh else load_fulltext(key, cache)
        if cached is not None:
            out[key] = cached
        else:
            todo.append(key)
    if not todo:
        return out
    client = default_client() if client is None else client
    try:
        results = query_arxiv(client, todo)
    except Exception as exc:  # network errors come in many types
        raise SourcesUnavailableError(todo, cache, exc, what="full text") from exc
    by_id: dict[str, Any] = {}
    for result in results:
        try:
            by_id[normalize_arxiv_id(result_short_id(result))] = result
        except ValueError:
            continue
    failures: dict[str, str] = {}
    for key in todo:
        result = by_id.get(key)
        if result is None:
            failures[key] = "no arXiv record"
            continue
        try:
            data, url = _result_pdf(result)
            pdf = write_bytes(pdf_file(key, cache), data)
            pages = extract_pages(pdf)
        except Exception as exc:  # a failed download or a PDF pypdf cannot read: report, go on
            failures[key] = f"{type(exc).__name__}: {exc}"
            continue
        ft = FullText(key, parse_arxiv_id(result_short_id(result))[1], pages, url,
                      datetime.now(timezone.utc).date().isoformat(), f"pypdf {package_version('pypdf')}")
        write_json(fulltext_file(key, cache), {
            **{k: v for k, v in dataclasses.asdict(ft).items() if k != "pages"},
            "pages": [{"page": i + 1, "text": t} for i, t in enumerate(pages)],
        })
        out[key] = ft
    if failures:
        raise SourcesUnavailableError(sorted(failures), cache, "; ".join(f"{k}: {v}" for k, v in failures.items()),
                                      what="full text")
    return out
