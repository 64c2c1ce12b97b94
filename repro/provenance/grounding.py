"""Grounding a claim's quote and reported number in a paper's full text: page, nearest caption.

Text on both sides is normalised the same way (:func:`normalize_with_map`): NFKC, lower case, one
kind of dash and quote, hyphens between letters dropped (so line-break hyphenation and compounds
compare equal), whitespace collapsed. A quote is "found" when its normalised text occurs verbatim,
"fuzzy" when the best window of the document scores at least ``threshold`` by
``difflib.SequenceMatcher.ratio``, else "not found".

Results are stored beside the full text in the cache (:func:`write_groundings`), never in git.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from repro.io import read_json, write_json
from repro.provenance.fulltext import FullText, grounding_file

_CAPTION_RE = re.compile(r"^\s*((?:Table|Figure|Fig\.)\s+[A-Z]?\d+[a-z]?)\s*[:.]?(.*)$")
_HYPHENS = "-\u00ad\u2010\u2011"
_CHAR_MAP = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
}


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text (NFKC, lower case, unified dashes/quotes, hyphens between letters removed so
    that line-break hyphenation and compounds compare equal, whitespace collapsed) and, for each
    output character, its index in ``text``."""
    out: list[str] = []
    idx: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _HYPHENS and out and out[-1].isalnum():
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j].isalpha() and (j == i + 1 or "\n" in text[i + 1:j] or ch == "\u00ad"):
                i = j  # drop the hyphen (and the line break after it)
                continue
            if ch == "\u00ad":
                i += 1
                continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                idx.append(i)
            i += 1
            continue
        for c in unicodedata.normalize("NFKC", _CHAR_MAP.get(ch, ch)).lower():
            if c.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    idx.append(i)
            else:
                out.append(c)
                idx.append(i)
        i += 1
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    return "".join(out), idx


def normalize_text(text: str) -> str:
    return normalize_with_map(text)[0]


@dataclass
class Caption:
    label: str        # "Table 2"
    line: str         # the whole caption line
    page: int


@dataclass
class ValueHit:
    page: int
    context: str
    caption: str | None          # nearest preceding caption line
    caption_page: int | None
    in_quote: bool = False


@dataclass
class Grounding:
    quote: str
    quote_status: str                 # "found" | "fuzzy" | "not found"
    quote_score: float                # 1.0 exact; difflib ratio of the best window otherwise
    quote_page: int | None = None     # 1-based page where the match starts
    quote_match: str | None = None    # the matched text (normalised)
    caption: str | None = None        # nearest preceding "Table N"/"Figure N" caption line
    caption_page: int | None = None
    next_caption: str | None = None   # first caption after the match on the same page (ACL puts
                                      # table captions below tables)
    reported_value: str | None = None
    value_status: str | None = None   # "found" | "not found" | None (no value asked)
    value_hits: list[ValueHit] = field(default_factory=list)
    threshold: float = 0.85

    @property
    def quote_found(self) -> bool:
        return self.quote_status != "not found"

    @property
    def value_found(self) -> bool:
        return self.value_status == "found"

    @property
    def value_pages(self) -> list[int]:
        return sorted({h.page for h in self.value_hits})

    def summary(self) -> str:
        if self.quote_found:
            where = f"p. {self.quote_page}" + (f", after '{self.caption}'" if self.caption else "")
            text = f"quote {self.quote_status} (score {self.quote_score:.2f}) on {where}"
        else:
            text = f"quote not found (best score {self.quote_score:.2f} < {self.threshold})"
        if self.reported_value is not None:
            if self.value_found:
                text += f"; {self.reported_value} on p. " + ", ".join(map(str, self.value_pages))
            else:
                text += f"; {self.reported_value} not found"
        return text

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _pages_of(pages: FullText | Sequence[str] | Sequence[Mapping[str, Any]]) -> list[str]:
    if isinstance(pages, FullText):
        return list(pages.pages)
    out = []
    for p in pages:
        out.append(p["text"] if isinstance(p, Mapping) else str(p))
    return out


def _captions(raw_pages: list[str]) -> list[tuple[int, int, Caption]]:
    """(page index, raw offset of the caption line, caption) in reading order."""
    found = []
    for pi, text in enumerate(raw_pages):
        offset = 0
        for line in text.splitlines(keepends=True):
            m = _CAPTION_RE.match(line)
            if m:
                found.append((pi, offset + (len(line) - len(line.lstrip())),
                              Caption(m.group(1), " ".join(line.split()), pi + 1)))
            offset += len(line)
    return found


def _caption_before(caps: list[tuple[int, int, Caption]], page: int, offset: int) -> Caption | None:
    best = None
    for pi, off, cap in caps:
        if (pi, off) <= (page, offset):
            best = cap
        else:
            break
    return best


def _caption_after(caps: list[tuple[int, int, Caption]], page: int, offset: int) -> Caption | None:
    for pi, off, cap in caps:
        if pi == page and off > offset:
            return cap
    return None


def _number_pattern(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.]){re.escape(value)}(?![\d]|\.\d)")


def ground_quote(pages: FullText | Sequence[str] | Sequence[Mapping[str, Any]], quote: str,
                 reported_value: str | float | None = None, *, threshold: float = 0.85) -> Grounding:
    """Locate a quote and a reported number in a paper's pages.

    Args:
        pages: a :class:`FullText`, the text of each page, or ``{"page": n, "text": ...}`` entries.
        quote: found exactly after normalisation, else the best difflib window with ratio >= ``threshold``.
        reported_value: searched as a standalone number (``2.1`` matches "2.1" but not "12.1" or "2.15");
            a float is written with ``repr`` (``7.0`` -> "7.0").
        threshold: the least difflib ratio a fuzzy match needs.

    Returns:
        The grounding: quote status, score and page, the nearest preceding and following Table/Figure
        caption, and every page where the number occurs.
    """
    raw_pages = _pages_of(pages)
    norm_pages = [normalize_with_map(p) for p in raw_pages]
    starts: list[int] = []
    doc_parts: list[str] = []
    pos = 0
    for text, _ in norm_pages:
        starts.append(pos)
        doc_parts.append(text)
        pos += len(text) + 1
    doc = " ".join(doc_parts)
    caps = _captions(raw_pages)

    def locate(doc_index: int) -> tuple[int, int]:
        pi = max(bisect_right(starts, doc_index) - 1, 0)
        local = min(doc_index - starts[pi], max(len(norm_pages[pi][1]) - 1, 0))
        raw_off = norm_pages[pi][1][local] if norm_pages[pi][1] else 0
        return pi, raw_off

    nq = normalize_text(quote).strip(" .")
    g = Grounding(quote=quote, quote_status="not found", quote_score=0.0, threshold=threshold)
    match_span: tuple[int, int] | None = None
    if nq and doc:
        at = doc.find(nq)
        if at >= 0:
            g.quote_status, g.quote_score, match_span = "found", 1.0, (at, at + len(nq))
        else:
            score, span = _fuzzy_find(doc, nq)
            g.quote_score = round(score, 4)
            if score >= threshold:
                g.quote_status, match_span = "fuzzy", span
    if match_span:
        pi, raw_off = locate(match_span[0])
        g.quote_page = pi + 1
        g.quote_match = doc[match_span[0]:match_span[1]]
        cap = _caption_before(caps, pi, raw_off)
        if cap:
            g.caption, g.caption_page = cap.line, cap.page
        nxt = _caption_after(caps, pi, raw_off)
        g.next_caption = nxt.line if nxt else None

    if reported_value is not None:
        value = reported_value if isinstance(reported_value, str) else repr(reported_value)
        value = value.strip().lstrip("+")
        g.reported_value = value
        pattern = _number_pattern(value)
        for m in pattern.finditer(doc):
            pi, raw_off = locate(m.start())
            raw = raw_pages[pi]
            ctx = " ".join(raw[max(0, raw_off - 60): raw_off + len(value) + 60].split())
            cap = _caption_before(caps, pi, raw_off)
            in_quote = bool(match_span and match_span[0] <= m.start() < match_span[1])
            g.value_hits.append(ValueHit(pi + 1, ctx, cap.line if cap else None, cap.page if cap else None, in_quote))
        g.value_status = "found" if g.value_hits else "not found"
    return g


def _fuzzy_find(doc: str, quote: str) -> tuple[float, tuple[int, int]]:
    """Best difflib ratio of ``quote`` against windows of ``doc`` (coarse scan, then refine)."""
    n = len(quote)
    if len(doc) <= n:
        return difflib.SequenceMatcher(None, doc, quote, autojunk=False).ratio(), (0, len(doc))
    sm = difflib.SequenceMatcher(None, autojunk=False)
    sm.set_seq2(quote)
    step = max(1, n // 8)
    best, best_at = -1.0, 0
    for start in range(0, len(doc) - n + step, step):
        sm.set_seq1(doc[start:start + n])
        if sm.real_quick_ratio() <= best or sm.quick_ratio() <= best:
            continue
        r = sm.ratio()
        if r > best:
            best, best_at = r, start
    best_span = (best_at, min(len(doc), best_at + n))
    for start in range(max(0, best_at - step), min(len(doc), best_at + step + 1)):
        for length in {n, int(n * 0.9), int(n * 1.1)}:
            sm.set_seq1(doc[start:start + length])
            if sm.quick_ratio() <= best:
                continue
            r = sm.ratio()
            if r > best:
                best, best_span = r, (start, min(len(doc), start + length))
    return best, best_span


# --- stored beside the full text -------------------------------------------------------------------


def write_groundings(fulltext: FullText, groundings: Mapping[str, Grounding],
                     cache_dir: Path | str | None = None) -> Path:
    """Store the groundings of the specs quoting one paper (spec id -> grounding) beside its full
    text; replaces what an earlier run stored for that paper, so removed specs do not linger."""
    return write_json(grounding_file(fulltext.arxiv_id, cache_dir), {
        "arxiv_id": fulltext.arxiv_id,
        "version": fulltext.version,
        "extractor": fulltext.extractor,
        "grounded": datetime.now(timezone.utc).date().isoformat(),
        "specs": {spec_id: g.to_dict() for spec_id, g in sorted(groundings.items())},
    })


def load_groundings(arxiv_id: str, cache_dir: Path | str | None = None) -> dict[str, Grounding]:
    """The stored groundings of the specs quoting ``arxiv_id`` (spec id -> grounding); empty when none."""
    file = grounding_file(arxiv_id, cache_dir)
    if not file.exists():
        return {}
    out: dict[str, Grounding] = {}
    for spec_id, data in read_json(file)["specs"].items():
        hits = [ValueHit(**h) for h in data.get("value_hits", [])]
        out[spec_id] = Grounding(**{**data, "value_hits": hits})
    return out
