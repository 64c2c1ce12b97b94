"""Record types, their conversion from arXiv API results and from seed metadata, and the merge rule.

Merge rule (:func:`merge_records`): a record from the API replaces a seeded one, a seeded one
never replaces an API one; a newer record of the same kind replaces an older one. What a replaced
record knew that its successor does not say (earlier abstracts, author orders) is carried over,
labelled with where it came from.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from repro.provenance.ids import normalize_arxiv_id, parse_arxiv_id, result_short_id, version_number
from repro.provenance.relevance import ON_TOPIC, Relevance, judge_relevance, norm_words

ORIGIN_API = "arxiv-api"
ORIGIN_SEED = "seed-metadata"


@dataclass
class VersionInfo:
    version: str                      # "v1"
    date: str | None = None           # ISO date where known
    note: str | None = None           # the source's own words (e.g. "exists ..., date not found")


@dataclass
class EarlierAbstract:
    version: str | None               # "v1", or None where the version is unknown
    text: str
    source: str                       # where this text came from
    note: str | None = None


@dataclass
class EarlierAuthors:
    version: str | None
    authors: list[str]
    source: str
    note: str | None = None


@dataclass
class Origin:
    kind: str                                   # "arxiv-api" | "seed-metadata"
    fetched: str | None = None                  # ISO date of the API fetch (arxiv-api)
    sources: list[str] = field(default_factory=list)   # page sources (seed-metadata)
    confidence: str | None = None               # seed-metadata confidence
    notes: str | None = None                    # seed-metadata notes
    file: str | None = None                     # the metadata file the record was read from


@dataclass
class SourceRecord:
    arxiv_id: str
    origin: Origin
    relevance: Relevance | None = None
    latest_version: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None
    earlier_abstracts: list[EarlierAbstract] = field(default_factory=list)
    earlier_authors: list[EarlierAuthors] = field(default_factory=list)
    versions: list[VersionInfo] = field(default_factory=list)
    published: str | None = None          # ISO date of v1
    updated: str | None = None            # ISO date of the latest version, where known
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    pdf_url: str | None = None
    field_notes: dict[str, str] = field(default_factory=dict)  # raw values not taken as facts
    extra: dict[str, Any] = field(default_factory=dict)         # unmapped metadata keys, verbatim

    @property
    def relevance_verdict(self) -> str:
        """The relevance verdict ("unverified" until one is judged)."""
        return self.relevance.verdict if self.relevance else "unverified"

    @property
    def relevance_reason(self) -> str:
        return self.relevance.reason if self.relevance else "not judged yet"

    def __post_init__(self) -> None:
        if self.relevance is None:
            self.relevance = judge_relevance(self.arxiv_id, self.title, self.abstract)

    @property
    def identified(self) -> bool:
        return bool(self.title)

    @property
    def on_topic(self) -> bool:
        return self.relevance is not None and self.relevance.verdict == ON_TOPIC

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceRecord:
        data = dict(data)
        origin = Origin(**data.pop("origin"))
        rel = data.pop("relevance", None)
        return cls(
            origin=origin,
            relevance=Relevance(**rel) if rel else None,
            earlier_abstracts=[EarlierAbstract(**x) for x in data.pop("earlier_abstracts", [])],
            earlier_authors=[EarlierAuthors(**x) for x in data.pop("earlier_authors", [])],
            versions=[VersionInfo(**x) for x in data.pop("versions", [])],
            **data,
        )


@dataclass
class SeedReference:
    arxiv_id: str
    version: str | None
    url: str


@dataclass
class SeedDoc:
    file: str
    title: str | None
    examines: str | None                  # the title after "This paper examines:"
    references: list[SeedReference]
    examines_arxiv_id: str | None = None  # resolved against the records' titles where possible


# --- conversion: arXiv API results and seed metadata -> records -----------------------------------


def clean_text(text: str | None) -> str | None:
    """Whitespace collapsed; None for None or blank text."""
    if text is None:
        return None
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text or None


def _iso_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value == datetime.min or value.year <= 1:
            return None
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


_ISO_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_LEADING_DATE_RE = re.compile(
    r"^(?:(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+Z?)?|"
    r"((?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4}(?: \d{2}:\d{2}(?::\d{2})?)?(?: (?:UTC|GMT))?))"
)


def _strict_date(value: Any) -> str | None:
    """An ISO date if ``value`` is nothing but a date/datetime, else None."""
    if value is None:
        return None
    m = _ISO_DATE_RE.match(str(value).strip())
    return m.group(1) if m else None


def _leading_date(text: str) -> tuple[str | None, str]:
    """A date at the very start of ``text`` (ISO or RFC-2822-like) and the rest."""
    m = _LEADING_DATE_RE.match(text)
    if not m:
        return None, text
    if m.group(1):
        return m.group(1), text[m.end():].strip()
    m2 = re.search(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})", m.group(2))
    try:
        parsed = datetime.strptime(" ".join(m2.groups()), "%d %b %Y") if m2 else None
    except ValueError:
        parsed = None
    if parsed is None:
        return None, text
    return parsed.date().isoformat(), text[m.end():].strip()


def _parse_version_entries(entries: Iterable[str] | None) -> list[VersionInfo]:
    """Seed-metadata version strings ("v1: 2021-04-15", "v2: exists ..., date not found", ...).

    A date is taken only where the text after the version starts with one; hedged dates
    ("possibly 2021-09-13") stay in the note. The note keeps the source's words.
    """
    out: list[VersionInfo] = []
    for raw in entries or []:
        raw = str(raw).strip()
        m = re.match(r"^(v\d+(?:\s*,\s*v\d+)*)\s*:?\s*(.*)$", raw, re.S)
        if not m:
            out.append(VersionInfo(version="?", date=None, note=raw))
            continue
        labels = [v.strip() for v in m.group(1).split(",")]
        rest = m.group(2).strip()
        when, _ = _leading_date(rest) if len(labels) == 1 else (None, rest)
        for label in labels:
            out.append(VersionInfo(version=label, date=when, note=rest or None))
    out.sort(key=lambda v: version_number(v.version))
    return out


def record_from_result(result: Any, *, fetched: str | None = None) -> SourceRecord:
    """Convert an ``arxiv.Result`` (or any object with the same attributes) into a record."""
    arxiv_id, version = parse_arxiv_id(result_short_id(result))
    published = _iso_date(getattr(result, "published", None))
    updated = _iso_date(getattr(result, "updated", None))
    n = version_number(version)
    versions: list[VersionInfo] = []
    if n >= 1:
        versions.append(VersionInfo("v1", published, "v1 submission date ('published') from the arXiv API"))
        for k in range(2, n):
            versions.append(VersionInfo(f"v{k}", None, "exists; the arXiv API gives no date for intermediate versions"))
        if n >= 2:
            versions.append(VersionInfo(f"v{n}", updated, "latest version; date ('updated') from the arXiv API"))
    authors = [str(getattr(a, "name", a)) for a in (getattr(result, "authors", None) or [])]
    return SourceRecord(
        arxiv_id=arxiv_id,
        origin=Origin(kind=ORIGIN_API, fetched=fetched or datetime.now(timezone.utc).date().isoformat()),
        latest_version=version,
        title=clean_text(getattr(result, "title", None)),
        authors=authors,
        abstract=clean_text(getattr(result, "summary", None)),
        versions=versions,
        published=published,
        updated=updated,
        primary_category=getattr(result, "primary_category", None) or None,
        categories=list(getattr(result, "categories", None) or []),
        comment=clean_text(getattr(result, "comment", None)),
        journal_ref=clean_text(getattr(result, "journal_ref", None)),
        doi=clean_text(getattr(result, "doi", None)),
        pdf_url=getattr(result, "pdf_url", None) or None,
    )


_SEED_KNOWN_KEYS = {
    "title", "authors", "published", "updated", "versions", "primary_category", "abstract",
    "abstract_v1", "authors_v1_probable", "sources", "confidence", "notes", "comment", "categories",
    "journal_ref", "doi",
}


def record_from_metadata(arxiv_id: str, meta: Mapping[str, Any], *, file: str | None = None) -> SourceRecord:
    """Convert one entry of the hand-compiled metadata file, keeping its origin and hedges."""
    arxiv_id = normalize_arxiv_id(arxiv_id)
    field_notes: dict[str, str] = {}
    published = _strict_date(meta.get("published"))
    if meta.get("published") and not published:
        field_notes["published"] = str(meta["published"])
    updated = _strict_date(meta.get("updated"))
    if meta.get("updated") and not updated:
        field_notes["updated"] = str(meta["updated"])
    versions = _parse_version_entries(meta.get("versions"))
    latest = max((v.version for v in versions if version_number(v.version)), key=version_number, default=None)
    earlier_abstracts: list[EarlierAbstract] = []
    if meta.get("abstract_v1"):
        text = str(meta["abstract_v1"]).strip()
        note = "identified as v1 by the metadata compiler; see origin.notes"
        m = re.match(r"^\[([^\]]*)\]\s*(.*)$", text, re.S)
        if m:
            note, text = m.group(1).strip(), m.group(2).strip()
        earlier_abstracts.append(EarlierAbstract("v1", clean_text(text) or "", ORIGIN_SEED, note))
    earlier_authors: list[EarlierAuthors] = []
    if meta.get("authors_v1_probable"):
        earlier_authors.append(EarlierAuthors(
            "v1", list(meta["authors_v1_probable"]), ORIGIN_SEED,
            "probable v1 author order (medium confidence); see origin.notes"))
    return SourceRecord(
        arxiv_id=arxiv_id,
        origin=Origin(kind=ORIGIN_SEED, sources=list(meta.get("sources") or []),
                      confidence=meta.get("confidence"), notes=meta.get("notes"), file=file),
        latest_version=latest,
        title=clean_text(meta.get("title")),
        authors=list(meta.get("authors") or []),
        abstract=clean_text(meta.get("abstract")),
        earlier_abstracts=earlier_abstracts,
        earlier_authors=earlier_authors,
        versions=versions,
        published=published,
        updated=updated,
        primary_category=meta.get("primary_category"),
        categories=list(meta.get("categories") or []),
        comment=meta.get("comment"),
        journal_ref=meta.get("journal_ref"),
        doi=meta.get("doi"),
        field_notes=field_notes,
        extra={k: v for k, v in meta.items() if k not in _SEED_KNOWN_KEYS},
    )


# --- merge ----------------------------------------------------------------------------------------


def _carry_over(api: SourceRecord, seeded: SourceRecord) -> SourceRecord:
    """What a seeded record knew that the API does not say: earlier abstracts and author orders.

    Each carried entry names its source, so nothing from the seed passes as API data.
    """
    carried = [dataclasses.replace(e, source=f"{ORIGIN_SEED} (carried over)") for e in seeded.earlier_abstracts]
    if seeded.abstract and norm_words(seeded.abstract) != norm_words(api.abstract):
        carried.append(EarlierAbstract(
            seeded.latest_version if seeded.latest_version != api.latest_version else None,
            seeded.abstract, f"{ORIGIN_SEED} (carried over)",
            "abstract compiled from stored public pages; differs from the arXiv API's current abstract"))
    known = {norm_words(e.text) for e in api.earlier_abstracts} | {norm_words(api.abstract)}
    for e in carried:
        if norm_words(e.text) not in known:
            api.earlier_abstracts.append(e)
            known.add(norm_words(e.text))
    if not api.earlier_authors:
        api.earlier_authors = [dataclasses.replace(e, source=f"{ORIGIN_SEED} (carried over)")
                               for e in seeded.earlier_authors]
    return api


def _carry_over_api(new: SourceRecord, old: SourceRecord) -> SourceRecord:
    """A re-fetch keeps earlier abstracts already collected (and the previous abstract if it changed)."""
    known = {norm_words(new.abstract)} | {norm_words(e.text) for e in new.earlier_abstracts}
    extra = list(old.earlier_abstracts)
    if old.abstract and norm_words(old.abstract) not in known:
        extra.append(EarlierAbstract(old.latest_version, old.abstract,
                                     f"{ORIGIN_API} (fetched {old.origin.fetched})", "abstract of an earlier fetch"))
    for e in extra:
        if norm_words(e.text) not in known:
            new.earlier_abstracts.append(e)
            known.add(norm_words(e.text))
    if not new.earlier_authors:
        new.earlier_authors = list(old.earlier_authors)
    return new


def merge_records(existing: Mapping[str, SourceRecord],
                  incoming: Iterable[SourceRecord]) -> tuple[dict[str, SourceRecord], dict[str, str]]:
    """Merge ``incoming`` into ``existing``; returns (merged, decision per incoming id).

    API over seeded: replaced (earlier abstracts/author orders carried over, labelled);
    seeded over API: kept (the seeded one is dropped); same kind: the incoming one replaces.
    """
    merged = dict(existing)
    decisions: dict[str, str] = {}
    for rec in incoming:
        old = merged.get(rec.arxiv_id)
        if old is None:
            merged[rec.arxiv_id] = rec
            decisions[rec.arxiv_id] = "added"
        elif old.origin.kind == ORIGIN_API and rec.origin.kind == ORIGIN_SEED:
            decisions[rec.arxiv_id] = "kept arxiv-api record (seed-metadata never replaces it)"
        elif old.origin.kind == ORIGIN_SEED and rec.origin.kind == ORIGIN_API:
            merged[rec.arxiv_id] = _carry_over(rec, old)
            decisions[rec.arxiv_id] = "replaced seed-metadata record with arxiv-api record"
        else:
            if rec.origin.kind == ORIGIN_API:
                rec = _carry_over_api(rec, old)
            merged[rec.arxiv_id] = rec
            decisions[rec.arxiv_id] = f"replaced {old.origin.kind} record"
    return merged, decisions
