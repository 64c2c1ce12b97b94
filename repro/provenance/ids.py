"""arXiv identifiers: parse, normalise (drop the version), order versions, read one off an API result."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID_RE = re.compile(
    rf"^(?:arxiv:|https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/)?({_NEW_ID}|{_OLD_ID})(v\d+)?(?:\.pdf)?$",
    re.IGNORECASE,
)


def parse_arxiv_id(value: str) -> tuple[str, str | None]:
    """Split an arXiv identifier into its versionless id and its version.

    ``"http://arxiv.org/abs/2104.08645v2"`` -> ``("2104.08645", "v2")``; ``arXiv:`` prefixes,
    ``/pdf/`` links and old-style ids (``hep-th/9711200``) are accepted.

    Raises:
        ValueError: ``value`` is not an arXiv identifier.
    """
    text = str(value).strip().strip("<>").strip()
    m = _ID_RE.match(text)
    if not m:
        raise ValueError(f"not an arXiv identifier: {value!r}")
    return m.group(1), (m.group(2).lower() if m.group(2) else None)


def normalize_arxiv_id(value: str) -> str:
    """The versionless id: ``"arXiv:2104.08645v2"`` -> ``"2104.08645"``."""
    return parse_arxiv_id(value)[0]


def version_number(version: str | None) -> int:
    """``"v3"`` -> 3; 0 for None or anything that is not ``v<digits>``."""
    return int(version[1:]) if version and re.fullmatch(r"v\d+", version) else 0


def dedupe_ids(ids: Iterable[str]) -> list[str]:
    """Versionless ids in first-seen order, each once."""
    out: list[str] = []
    for value in ids:
        key = normalize_arxiv_id(value)
        if key not in out:
            out.append(key)
    return out


def result_short_id(result: Any) -> str:
    """The versioned short id (``"2104.08645v2"``) of an ``arxiv.Result`` or an object like one."""
    if hasattr(result, "get_short_id"):
        return result.get_short_id()
    return str(result.entry_id).split("/abs/")[-1]
