"""Where the claims come from: arXiv metadata, seed-document references, full-text grounding.

The committed file ``claims/sources.json`` is the offline cache of paper metadata. It has one
writer, :func:`write_sources`, used by two producers:

* :func:`fetch_sources` asks the arXiv API (through the ``arxiv`` package) and writes records whose
  ``origin.kind`` is ``"arxiv-api"`` (with the fetch date);
* :func:`seed_sources_from_metadata` converts a hand-compiled metadata file (records read from
  stored copies of public pages, each with its sources, confidence and notes) into records whose
  ``origin.kind`` is ``"seed-metadata"``. This step ran once, from ``../shared``; the product never
  reads ``../shared`` at run time.

Merge rule (in :func:`merge_records`): a record from the API replaces a seeded one, a seeded one
never replaces an API one; a newer record of the same kind replaces an older one.

Every record carries a ``relevance`` verdict (``on-topic`` / ``off-topic`` / ``unverified``) with
a reason, so that references that do not concern zero-shot cross-lingual transfer are listed as
such instead of being used silently (see :func:`judge_relevance`).

Full text (:func:`fetch_fulltext`) is downloaded to a user cache directory outside git and
:func:`ground_quote` locates a claim's quote and reported number in it (page, nearest caption).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import unquote, urlparse

REPO_ROOT = Path(__file__).resolve().parents[1]
CLAIMS_DIR = REPO_ROOT / "claims"
SOURCES_PATH = CLAIMS_DIR / "sources.json"
SCHEMA_VERSION = 1

ORIGIN_API = "arxiv-api"
ORIGIN_SEED = "seed-metadata"
ON_TOPIC = "on-topic"
OFF_TOPIC = "off-topic"
UNVERIFIED = "unverified"
VERDICTS = (ON_TOPIC, OFF_TOPIC, UNVERIFIED)

_ABOUT = (
    "Offline cache of arXiv metadata for the papers that the claim specs and the seed documents "
    "cite. Written only by repro.sources.write_sources. Refresh with `repro sources fetch` on a "
    "machine that reaches arXiv: records from the API (origin.kind 'arxiv-api') replace records "
    "compiled from stored copies of public pages (origin.kind 'seed-metadata'), never the reverse. "
    "relevance marks references that are not about zero-shot cross-lingual transfer."
)

# ---------------------------------------------------------------------------------------------
# errors


class SourcesError(Exception):
    """Base class of this module's errors."""


class SourcesUnavailableError(SourcesError):
    """Some ids could be neither fetched nor found in the offline cache."""

    def __init__(self, ids: Sequence[str], cache: Path | str, cause: BaseException | str | None = None,
                 what: str = "metadata"):
        self.ids = list(ids)
        self.cache = Path(cache)
        self.cause = cause
        cause_text = f" ({type(cause).__name__}: {cause})" if isinstance(cause, BaseException) else (
            f" ({cause})" if cause else "")
        if what == "metadata":
            hint = (f"{self.cache} is the offline cache of arXiv metadata; it has no entry for them. "
                    "Run `repro sources fetch --ids ...` on a machine that reaches export.arxiv.org "
                    "and commit the updated file.")
        else:
            hint = (f"{self.cache} is the offline full-text cache (outside git; set $XLT_REPRO_CACHE to "
                    "move it); it has no entry for them. Run `repro sources fetch --fulltext --ids ...` "
                    "where arxiv.org is reachable, or copy the JSON files there.")
        super().__init__(f"arXiv {what} unavailable for {', '.join(self.ids)}{cause_text}. {hint}")


class SourcesFileError(SourcesError, ValueError):
    """The sources file is missing or malformed."""


class SourcesCacheWarning(UserWarning):
    """arXiv could not be reached; cached records were used."""


class UnknownSourceError(SourcesError, KeyError):
    def __str__(self) -> str:  # KeyError would print the repr
        return str(self.args[0])


class OffTopicSourceError(SourcesError):
    """A claim points at a paper marked off-topic or unverified."""


# ---------------------------------------------------------------------------------------------
# arXiv ids

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID_RE = re.compile(
    rf"^(?:arxiv:|https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/)?({_NEW_ID}|{_OLD_ID})(v\d+)?(?:\.pdf)?$",
    re.IGNORECASE,
)


def parse_arxiv_id(value: str) -> tuple[str, str | None]:
    """``"http://arxiv.org/abs/2104.08645v2"`` -> ``("2104.08645", "v2")``; also ``arXiv:`` prefixes.

    Raises ``ValueError`` for anything that is not an arXiv identifier.
    """
    text = str(value).strip().strip("<>").strip()
    m = _ID_RE.match(text)
    if not m:
        raise ValueError(f"not an arXiv identifier: {value!r}")
    return m.group(1), (m.group(2).lower() if m.group(2) else None)


def normalize_arxiv_id(value: str) -> str:
    """The versionless id: ``"arXiv:2104.08645v2"`` -> ``"2104.08645"``."""
    return parse_arxiv_id(value)[0]


def _version_number(version: str | None) -> int:
    return int(version[1:]) if version and re.fullmatch(r"v\d+", version) else 0


# ---------------------------------------------------------------------------------------------
# record types


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
class Relevance:
    verdict: str                     # "on-topic" | "off-topic" | "unverified"
    reason: str
    basis: str                       # "reviewed override" | "keyword rule"
    keyword_verdict: str             # what the keyword rule alone says (for transparency)
    matched: list[str] = field(default_factory=list)  # keyword-rule matches


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
    def from_dict(cls, data: Mapping[str, Any]) -> "SourceRecord":
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


# ---------------------------------------------------------------------------------------------
# relevance


def _norm_words(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"cross[\s-]*lingual", "cross-lingual", text)
    text = re.sub(r"zero[\s-]*shot", "zero-shot", text)
    return re.sub(r"\s+", " ", text).strip()


# The keyword rule: on-topic when the title or abstract talks about zero-shot / cross-lingual
# transfer or the XTREME benchmarks; off-topic otherwise; unverified when there is no text.
KEYWORD_RULE: tuple[tuple[str, str], ...] = (
    ("zero-shot cross-lingual", r"zero-shot cross-lingual"),
    ("cross-lingual transfer", r"cross-lingual transfer"),
    ("cross-lingual generalization", r"cross-lingual generali[sz]ation"),
    ("XTREME", r"\bxtreme(?:-r)?\b"),
)

# Reviewed verdicts. Each applies only while the record's title starts with ``title`` (after
# normalisation), so a fetch that reveals a different paper falls back to the keyword rule.
RELEVANCE_OVERRIDES: dict[str, dict[str, str]] = {
    "2104.08645": {
        "title": "Improving Zero-Shot Cross-Lingual Transfer Learning via Robust Training",
        "verdict": ON_TOPIC,
        "reason": "Source paper of seeds 000, 001, 003 and 004: robust training (adversarial training, "
                  "randomized smoothing) for zero-shot cross-lingual transfer on PAWS-X / XNLI, "
                  "including the generalized (cross-language pair) setting the claims quote.",
    },
    "2005.13013": {
        "title": "English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too",
        "verdict": ON_TOPIC,
        "reason": "Source paper of seed 002: English intermediate-task training (STILTs) before "
                  "fine-tuning XLM-R, evaluated zero-shot on the XTREME target tasks.",
    },
    "2104.07412": {
        "title": "XTREME-R: Towards More Challenging and Nuanced Multilingual Evaluation",
        "verdict": ON_TOPIC,
        "reason": "The XTREME-R benchmark named in the seeds' research questions (10 tasks, "
                  "50 languages): the evaluation suite of the hypotheses.",
    },
    "2003.11080": {
        "title": "XTREME: A Massively Multilingual Multi-task Benchmark",
        "verdict": ON_TOPIC,
        "reason": "The XTREME benchmark on which 2005.13013 reports its results and which XTREME-R "
                  "extends; defines the zero-shot cross-lingual evaluation protocol.",
    },
    "2404.12444": {
        "title": "mOthello: When Do Cross-Lingual Representation Alignment",
        "verdict": ON_TOPIC,
        "reason": "Studies when cross-lingual representation alignment and cross-lingual transfer "
                  "emerge in multilingual models (synthetic mOthello task): background for the "
                  "alignment premise of robust training; it reports no XTREME-R or PAWS-X numbers.",
    },
    "1808.00179": {
        "title": "Monolingual and Cross-lingual Zero-shot Style Transfer",
        "verdict": OFF_TOPIC,
        "reason": "Zero-shot *style* transfer with a multilingual machine-translation system; "
                  "'cross-lingual' refers to converting style across languages, not to transferring "
                  "a task model trained on English. No XTREME/PAWS-X/XNLI results. Cited by seed 002, "
                  "apparently a retrieval error on the words 'zero-shot' and 'cross-lingual'.",
    },
    "2412.10008": {
        "title": "Automated Collection of Evaluation Dataset for Semantic Search",
        "verdict": OFF_TOPIC,
        "reason": "Builds a semantic-search test set for German process-industry (chemistry) text "
                  "with an ensemble of encoders and an LLM; 'low-resource' means a domain language, "
                  "not cross-lingual transfer. Cited by seed 001.",
    },
    "2509.22472": {
        "title": "Evaluating the Limits of Large Language Models in Multilingual Legal Reasoning",
        "verdict": OFF_TOPIC,
        "reason": "Evaluates prompted LLMs (LLaMA, Gemini) on multilingual legal benchmarks and their "
                  "robustness to character/word perturbations; no fine-tuned encoder and no zero-shot "
                  "transfer from English training data. At most background for seed 003's legal-domain "
                  "question; no number in it bears on the claims.",
    },
    "2310.10378": {
        "title": "Cross-Lingual Consistency of Factual Knowledge in Multilingual Language Models",
        "verdict": OFF_TOPIC,
        "reason": "Measures cross-lingual consistency of factual-knowledge probing in multilingual PLMs "
                  "(RankC metric, model editing); not zero-shot task transfer, no XTREME-R tasks. "
                  "Background for seed 004 at most.",
    },
}


def keyword_relevance(title: str | None, abstract: str | None) -> tuple[str, list[str]]:
    """The transparent rule alone: (verdict, matched keyword labels)."""
    if not (title or abstract):
        return UNVERIFIED, []
    text = _norm_words(f"{title or ''} . {abstract or ''}")
    matched = [label for label, pattern in KEYWORD_RULE if re.search(pattern, text)]
    return (ON_TOPIC if matched else OFF_TOPIC), matched


def judge_relevance(arxiv_id: str, title: str | None, abstract: str | None) -> Relevance:
    """Reviewed override where one applies to this title, else the keyword rule."""
    kw_verdict, matched = keyword_relevance(title, abstract)
    override = RELEVANCE_OVERRIDES.get(arxiv_id)
    if override and title and _norm_words(title).startswith(_norm_words(override["title"])):
        return Relevance(override["verdict"], override["reason"], "reviewed override", kw_verdict, matched)
    note = ""
    if override:
        note = (f" (the reviewed verdict for {arxiv_id} was given for the title "
                f"{override['title']!r}, which this record does not carry; review it)")
    if kw_verdict == UNVERIFIED:
        reason = "No title or abstract is known for this id, so what it is cannot be checked."
    elif kw_verdict == ON_TOPIC:
        reason = "Keyword rule: title/abstract mention " + ", ".join(repr(m) for m in matched) + "."
    else:
        reason = ("Keyword rule: title/abstract mention none of "
                  + ", ".join(repr(label) for label, _ in KEYWORD_RULE) + ".")
    return Relevance(kw_verdict, reason + note, "keyword rule", kw_verdict, matched)


# ---------------------------------------------------------------------------------------------
# conversion: arXiv API results and seed metadata -> records


def _clean(text: str | None) -> str | None:
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
    out.sort(key=lambda v: _version_number(v.version))
    return out


def record_from_result(result: Any, *, fetched: str | None = None) -> SourceRecord:
    """Convert an ``arxiv.Result`` (or any object with the same attributes) into a record."""
    short = result.get_short_id() if hasattr(result, "get_short_id") else str(result.entry_id).split("/abs/")[-1]
    arxiv_id, version = parse_arxiv_id(short)
    published = _iso_date(getattr(result, "published", None))
    updated = _iso_date(getattr(result, "updated", None))
    n = _version_number(version)
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
        title=_clean(getattr(result, "title", None)),
        authors=authors,
        abstract=_clean(getattr(result, "summary", None)),
        versions=versions,
        published=published,
        updated=updated,
        primary_category=getattr(result, "primary_category", None) or None,
        categories=list(getattr(result, "categories", None) or []),
        comment=_clean(getattr(result, "comment", None)),
        journal_ref=_clean(getattr(result, "journal_ref", None)),
        doi=_clean(getattr(result, "doi", None)),
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
    latest = max((v.version for v in versions if _version_number(v.version)), key=_version_number, default=None)
    earlier_abstracts: list[EarlierAbstract] = []
    if meta.get("abstract_v1"):
        text = str(meta["abstract_v1"]).strip()
        note = "identified as v1 by the metadata compiler; see origin.notes"
        m = re.match(r"^\[([^\]]*)\]\s*(.*)$", text, re.S)
        if m:
            note, text = m.group(1).strip(), m.group(2).strip()
        earlier_abstracts.append(EarlierAbstract("v1", _clean(text) or "", ORIGIN_SEED, note))
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
        title=_clean(meta.get("title")),
        authors=list(meta.get("authors") or []),
        abstract=_clean(meta.get("abstract")),
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


# ---------------------------------------------------------------------------------------------
# merge, write, load


def _carry_over(api: SourceRecord, seeded: SourceRecord) -> SourceRecord:
    """What a seeded record knew that the API does not say: earlier abstracts and author orders.

    Each carried entry names its source, so nothing from the seed passes as API data.
    """
    carried = [dataclasses.replace(e, source=f"{ORIGIN_SEED} (carried over)") for e in seeded.earlier_abstracts]
    if seeded.abstract and _norm_words(seeded.abstract) != _norm_words(api.abstract):
        carried.append(EarlierAbstract(
            seeded.latest_version if seeded.latest_version != api.latest_version else None,
            seeded.abstract, f"{ORIGIN_SEED} (carried over)",
            "abstract compiled from stored public pages; differs from the arXiv API's current abstract"))
    known = {_norm_words(e.text) for e in api.earlier_abstracts} | {_norm_words(api.abstract)}
    for e in carried:
        if _norm_words(e.text) not in known:
            api.earlier_abstracts.append(e)
            known.add(_norm_words(e.text))
    if not api.earlier_authors:
        api.earlier_authors = [dataclasses.replace(e, source=f"{ORIGIN_SEED} (carried over)")
                               for e in seeded.earlier_authors]
    return api


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


def _carry_over_api(new: SourceRecord, old: SourceRecord) -> SourceRecord:
    """A re-fetch keeps earlier abstracts already collected (and the previous abstract if it changed)."""
    known = {_norm_words(new.abstract)} | {_norm_words(e.text) for e in new.earlier_abstracts}
    extra = list(old.earlier_abstracts)
    if old.abstract and _norm_words(old.abstract) not in known:
        extra.append(EarlierAbstract(old.latest_version, old.abstract,
                                     f"{ORIGIN_API} (fetched {old.origin.fetched})", "abstract of an earlier fetch"))
    for e in extra:
        if _norm_words(e.text) not in known:
            new.earlier_abstracts.append(e)
            known.add(_norm_words(e.text))
    if not new.earlier_authors:
        new.earlier_authors = list(old.earlier_authors)
    return new


def _lock(path: Path):
    from filelock import FileLock

    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return FileLock(str(Path(tempfile.gettempdir()) / f"xlt-repro-sources-{digest}.lock"), timeout=120)


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, (path.stat().st_mode & 0o777) if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _read_raw(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise SourcesFileError(
            f"{path}: sources file not found. Expected the committed offline cache of arXiv metadata "
            "(create it with `repro sources seed --metadata PATH` or `repro sources fetch`).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourcesFileError(f"{path}: not readable as JSON ({exc}). Expected the object written by "
                               "repro.sources.write_sources.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("records"), dict):
        raise SourcesFileError(f"{path}: expected a JSON object with a 'records' object mapping arXiv ids "
                               "to records (as written by repro.sources.write_sources).")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise SourcesFileError(f"{path}: schema_version {data.get('schema_version')!r}, expected {SCHEMA_VERSION}.")
    return data


def _records_from_raw(data: Mapping[str, Any], path: Path) -> dict[str, SourceRecord]:
    out: dict[str, SourceRecord] = {}
    for key, value in data["records"].items():
        try:
            rec = SourceRecord.from_dict(value)
        except (TypeError, KeyError, AttributeError) as exc:
            raise SourcesFileError(f"{path}: record {key!r} is malformed ({exc}); expected the fields of "
                                   "repro.sources.SourceRecord.") from exc
        if rec.arxiv_id != key:
            raise SourcesFileError(f"{path}: record key {key!r} holds arxiv_id {rec.arxiv_id!r}.")
        if rec.origin.kind not in (ORIGIN_API, ORIGIN_SEED):
            raise SourcesFileError(f"{path}: record {key!r}: origin.kind {rec.origin.kind!r}, expected "
                                   f"{ORIGIN_API!r} or {ORIGIN_SEED!r}.")
        if rec.relevance is None or rec.relevance.verdict not in VERDICTS:
            raise SourcesFileError(f"{path}: record {key!r}: relevance verdict must be one of {VERDICTS}.")
        out[key] = rec
    return out


def write_sources(records: Iterable[SourceRecord] | Mapping[str, SourceRecord],
                  path: Path | str = SOURCES_PATH, *,
                  seeds: Iterable[SeedDoc] | None = None) -> dict[str, str]:
    """The one writer of the sources file: merge ``records`` (and seed documents) into ``path``.

    Reads what is there, applies :func:`merge_records`, writes sorted JSON atomically (temp file in
    the same folder + ``os.replace``) under a file lock. Returns the merge decision per id.
    """
    path = Path(path)
    incoming = list(records.values()) if isinstance(records, Mapping) else list(records)
    with _lock(path):
        if path.exists():
            raw = _read_raw(path)
            existing = _records_from_raw(raw, path)
            seed_docs = dict(raw.get("seeds") or {})
        else:
            existing, seed_docs = {}, {}
        merged, decisions = merge_records(existing, incoming)
        for rec in merged.values():  # one rule for the whole file, even for records not touched now
            rec.relevance = judge_relevance(rec.arxiv_id, rec.title, rec.abstract)
        for doc in seeds or []:
            seed_docs[doc.file] = dataclasses.asdict(doc)
        _resolve_examined(seed_docs, merged)
        payload = {
            "about": _ABOUT,
            "schema_version": SCHEMA_VERSION,
            "records": {k: merged[k].to_dict() for k in sorted(merged)},
            "seeds": {k: seed_docs[k] for k in sorted(seed_docs)},
        }
        _atomic_write_text(path, json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return decisions


def _resolve_examined(seed_docs: dict[str, dict[str, Any]], records: Mapping[str, SourceRecord]) -> None:
    by_title = {_norm_words(r.title): r.arxiv_id for r in records.values() if r.title}
    for doc in seed_docs.values():
        if doc.get("examines"):
            doc["examines_arxiv_id"] = by_title.get(_norm_words(doc["examines"]), doc.get("examines_arxiv_id"))


def load_sources(path: Path | str = SOURCES_PATH) -> dict[str, SourceRecord]:
    """The offline cache: arXiv id -> record. Clear error if the file is missing or malformed."""
    path = Path(path)
    return _records_from_raw(_read_raw(path), path)


def load_seed_docs(path: Path | str = SOURCES_PATH) -> dict[str, SeedDoc]:
    """The seed documents' references as recorded in the sources file (no ../shared needed)."""
    path = Path(path)
    out: dict[str, SeedDoc] = {}
    for name, doc in (_read_raw(path).get("seeds") or {}).items():
        try:
            refs = [SeedReference(**r) for r in doc.get("references", [])]
            out[name] = SeedDoc(**{**doc, "references": refs})
        except TypeError as exc:
            raise SourcesFileError(f"{path}: seeds[{name!r}] is malformed ({exc}).") from exc
    return out


def get_source(arxiv_id: str, *, path: Path | str = SOURCES_PATH, allow_off_topic: bool = False) -> SourceRecord:
    """The cached record for ``arxiv_id``; refuses off-topic/unverified papers unless allowed."""
    key = normalize_arxiv_id(arxiv_id)
    records = load_sources(path)
    if key not in records:
        raise UnknownSourceError(f"{key}: no record in {path}; run `repro sources fetch --ids {key}`.")
    rec = records[key]
    if not allow_off_topic and not rec.on_topic:
        raise OffTopicSourceError(f"{key} is marked {rec.relevance.verdict} in {path}: {rec.relevance.reason}")
    return rec


# ---------------------------------------------------------------------------------------------
# seed documents and claim specs


def parse_seed_document(path: Path | str) -> SeedDoc:
    """Title, examined paper and arXiv references of one seed document."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines()]
    title = next((ln.lstrip("#").strip() for ln in lines if ln.strip("# ")), None)
    m = re.search(r"This paper examines:\s*(.+?)\.\s*Research question:", text, re.S)
    examines = _clean(m.group(1)) if m else None
    refs_at = None
    for i, ln in enumerate(lines):
        if re.fullmatch(r"#*\s*References\s*:?", ln, re.I):
            refs_at = i
    refs: list[SeedReference] = []
    if refs_at is not None:
        body = "\n".join(lines[refs_at + 1:])
        for url in re.findall(r"https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/[^\s>)\]]+", body):
            arxiv_id, version = parse_arxiv_id(url)
            refs.append(SeedReference(arxiv_id, version, url))
    return SeedDoc(file=path.name, title=title, examines=examines, references=refs)


def parse_seed_documents(seeds_dir: Path | str) -> dict[str, SeedDoc]:
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"{seeds_dir}: seed folder not found")
    return {p.name: parse_seed_document(p) for p in sorted(seeds_dir.glob("*.txt"))}


def seed_reference_ids(seeds_dir: Path | str) -> dict[str, list[str]]:
    """seed file name -> versionless arXiv ids of its References, in order."""
    return {name: [r.arxiv_id for r in doc.references] for name, doc in parse_seed_documents(seeds_dir).items()}


def claim_arxiv_ids(claims_dir: Path | str = CLAIMS_DIR) -> dict[str, list[str]]:
    """arXiv id -> claim files naming it, from every ``arxiv:`` (or ``arxiv_id:``) value in claims/*.yaml.

    Scalars are read as text (``yaml.BaseLoader``) so ``2003.11080`` does not become a float.
    """
    import yaml

    found: dict[str, list[str]] = {}

    def walk(node: Any, file: Path) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key).lower() in ("arxiv", "arxiv_id"):
                    for item in value if isinstance(value, list) else [value]:
                        if not isinstance(item, str) or not item.strip():
                            continue
                        try:
                            arxiv_id = normalize_arxiv_id(item)
                        except ValueError as exc:
                            raise SourcesError(f"{file}: {key}: {item!r} is not an arXiv id") from exc
                        found.setdefault(arxiv_id, [])
                        if file.name not in found[arxiv_id]:
                            found[arxiv_id].append(file.name)
                else:
                    walk(value, file)
        elif isinstance(node, list):
            for value in node:
                walk(value, file)

    for file in sorted(Path(claims_dir).glob("*.y*ml")):
        try:
            doc = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        except yaml.YAMLError as exc:
            raise SourcesError(f"{file}: not valid YAML ({exc})") from exc
        walk(doc, file)
    return dict(sorted(found.items()))


def default_fetch_ids(path: Path | str = SOURCES_PATH, claims_dir: Path | str = CLAIMS_DIR) -> list[str]:
    """Ids a plain ``sources fetch`` refreshes: the seeds' references recorded in the sources file,
    every ``arxiv:`` id in claims/*.yaml, and every id already cached."""
    ids: set[str] = set(claim_arxiv_ids(claims_dir))
    if Path(path).exists():
        ids |= set(load_sources(path))
        for doc in load_seed_docs(path).values():
            ids |= {r.arxiv_id for r in doc.references}
    return sorted(ids)


# ---------------------------------------------------------------------------------------------
# producers


def _dedupe_ids(ids: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in ids:
        key = normalize_arxiv_id(i)
        if key not in out:
            out.append(key)
    return out


def _query(client: Any, ids: list[str]) -> list[Any]:
    import arxiv

    return list(client.results(arxiv.Search(id_list=list(ids), max_results=len(ids))))


def fetch_sources(ids: Iterable[str], *, client: Any = None, path: Path | str = SOURCES_PATH,
                  fetched: str | None = None) -> dict[str, SourceRecord]:
    """Look ``ids`` up on arXiv, merge the records into the sources file, return one record per id.

    ``client``: anything with ``.results(arxiv.Search)`` (default ``arxiv.Client()``). Ids the API
    does not answer (network down, unknown id) come from the cache; if the cache has no entry either,
    :class:`SourcesUnavailableError` names them (after writing whatever was fetched).
    """
    path = Path(path)
    wanted = _dedupe_ids(ids)
    if not wanted:
        return {}
    if client is None:
        import arxiv

        client = arxiv.Client()
    cause: BaseException | str | None = None
    results: list[Any] = []
    try:
        results = _query(client, wanted)
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


def seed_sources_from_metadata(metadata_path: Path | str, path: Path | str = SOURCES_PATH, *,
                               seeds_dir: Path | str | None = None) -> dict[str, str]:
    """Convert a hand-compiled metadata file (id -> fields, sources, confidence, notes) into records
    and write them (and the seed documents' references) through :func:`write_sources`.

    ``seeds_dir`` defaults to ``<metadata folder>/seeds`` when it exists.
    """
    metadata_path = Path(metadata_path)
    try:
        meta = json.loads(metadata_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SourcesFileError(f"{metadata_path}: cannot read metadata JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise SourcesFileError(f"{metadata_path}: expected an object mapping arXiv ids to metadata records")
    records = [record_from_metadata(k, v, file=metadata_path.name) for k, v in meta.items()]
    if seeds_dir is None and (metadata_path.parent / "seeds").is_dir():
        seeds_dir = metadata_path.parent / "seeds"
    seeds = list(parse_seed_documents(seeds_dir).values()) if seeds_dir else None
    return write_sources(records, path, seeds=seeds)


# ---------------------------------------------------------------------------------------------
# full text


def default_cache_dir() -> Path:
    """``$XLT_REPRO_CACHE/fulltext``, else ``$XDG_CACHE_HOME/xlt-repro/fulltext``, else ``~/.cache/...``."""
    if os.environ.get("XLT_REPRO_CACHE"):
        return Path(os.environ["XLT_REPRO_CACHE"]).expanduser() / "fulltext"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "xlt-repro" / "fulltext"


@dataclass
class FullText:
    arxiv_id: str
    version: str | None
    pages: list[str]
    pdf_url: str | None = None
    fetched: str | None = None
    extractor: str | None = None


def _fulltext_file(cache_dir: Path, arxiv_id: str) -> Path:
    return cache_dir / f"{arxiv_id.replace('/', '_')}.json"


def extract_pages(pdf_path: Path | str) -> list[str]:
    """Text of each page (index 0 = page 1) with pypdf."""
    from pypdf import PdfReader

    return [(page.extract_text() or "") for page in PdfReader(str(pdf_path)).pages]


def load_fulltext(arxiv_id: str, cache_dir: Path | str | None = None) -> FullText | None:
    file = _fulltext_file(Path(cache_dir) if cache_dir else default_cache_dir(), normalize_arxiv_id(arxiv_id))
    if not file.exists():
        return None
    data = json.loads(file.read_text(encoding="utf-8"))
    pages = [p["text"] for p in sorted(data["pages"], key=lambda p: p["page"])]
    return FullText(data["arxiv_id"], data.get("version"), pages, data.get("pdf_url"), data.get("fetched"),
                    data.get("extractor"))


def _download(url: str, dest: Path) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        shutil.copyfile(unquote(parsed.path), dest)
        return
    import requests

    if url.startswith("http://arxiv.org/"):
        url = "https://" + url[len("http://"):]
    resp = requests.get(url, timeout=120, headers={"user-agent": "xlt-repro (repro.sources)"})
    resp.raise_for_status()
    if not resp.content.startswith(b"%PDF"):
        raise SourcesError(f"{url}: response is not a PDF")
    dest.write_bytes(resp.content)


def _download_result_pdf(result: Any, dest: Path) -> str:
    url = getattr(result, "pdf_url", None)
    if url:
        _download(url, dest)
        return url
    if callable(getattr(result, "download_pdf", None)):  # arxiv < 4 had Result.download_pdf
        result.download_pdf(dirpath=str(dest.parent), filename=dest.name)
        return "Result.download_pdf"
    short = result.get_short_id() if hasattr(result, "get_short_id") else str(result.entry_id).split("/abs/")[-1]
    url = f"https://arxiv.org/pdf/{short}"
    _download(url, dest)
    return url


def fetch_fulltext(ids: Iterable[str], *, client: Any = None, cache_dir: Path | str | None = None,
                   refresh: bool = False) -> dict[str, FullText]:
    """Full text per page for each id, from the cache or downloaded (PDF via ``Result.pdf_url``).

    Stores ``<cache_dir>/<id>.json`` (one entry per page) and the PDF next to it, outside git.
    Raises :class:`SourcesUnavailableError` for ids neither cached nor downloadable.
    """
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    wanted = _dedupe_ids(ids)
    out: dict[str, FullText] = {}
    todo: list[str] = []
    for key in wanted:
        cached = None if refresh else load_fulltext(key, cache)
        if cached is not None:
            out[key] = cached
        else:
            todo.append(key)
    if not todo:
        return out
    if client is None:
        import arxiv

        client = arxiv.Client()
    try:
        results = _query(client, todo)
    except Exception as exc:
        raise SourcesUnavailableError(todo, cache, exc, what="full text") from exc
    from importlib.metadata import version as pkg_version

    cache.mkdir(parents=True, exist_ok=True)
    failures: dict[str, str] = {}
    by_id: dict[str, Any] = {}
    for result in results:
        try:
            short = result.get_short_id() if hasattr(result, "get_short_id") else str(result.entry_id).split("/abs/")[-1]
            by_id[parse_arxiv_id(short)[0]] = result
        except ValueError:
            continue
    for key in todo:
        result = by_id.get(key)
        if result is None:
            failures[key] = "no arXiv record"
            continue
        short = result.get_short_id() if hasattr(result, "get_short_id") else str(result.entry_id).split("/abs/")[-1]
        pdf = cache / f"{key.replace('/', '_')}.pdf"
        tmp = pdf.with_suffix(".pdf.part")
        try:
            url = _download_result_pdf(result, tmp)
            os.replace(tmp, pdf)
            pages = extract_pages(pdf)
        except Exception as exc:
            failures[key] = f"{type(exc).__name__}: {exc}"
            tmp.unlink(missing_ok=True)
            continue
        ft = FullText(key, parse_arxiv_id(short)[1], pages, url, datetime.now(timezone.utc).date().isoformat(),
                      f"pypdf {pkg_version('pypdf')}")
        payload = {**{k: v for k, v in dataclasses.asdict(ft).items() if k != "pages"},
                   "pages": [{"page": i + 1, "text": t} for i, t in enumerate(pages)]}
        _atomic_write_text(_fulltext_file(cache, key), json.dumps(payload, indent=1, sort_keys=True,
                                                                   ensure_ascii=False) + "\n")
        out[key] = ft
    if failures:
        raise SourcesUnavailableError(sorted(failures), cache, "; ".join(f"{k}: {v}" for k, v in failures.items()),
                                      what="full text")
    return out


# ---------------------------------------------------------------------------------------------
# grounding a quote and a number in the full text

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
    """Locate ``quote`` (exact after normalisation, else the best difflib window with ratio >=
    ``threshold``) and ``reported_value`` (as a standalone number, e.g. ``2.1`` but not ``12.1`` or
    ``2.15``) in the pages; record page numbers and the nearest preceding Table/Figure caption."""
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


# ---------------------------------------------------------------------------------------------
# command line (wired in by repro.cli: `repro sources fetch|seed|list`)


def _cmd_fetch(args: argparse.Namespace) -> int:
    path = Path(args.sources_file)
    try:
        ids = args.ids or default_fetch_ids(path, args.claims_dir)
        records = fetch_sources(ids, path=path)
        for key, rec in records.items():
            print(f"{key}\t{rec.origin.kind}\t{rec.relevance.verdict}\t{rec.title or '(no title)'}")
        if args.fulltext:
            texts = fetch_fulltext(ids, cache_dir=args.cache_dir)
            for key, ft in texts.items():
                print(f"{key}\tfull text: {len(ft.pages)} pages")
    except (SourcesError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    try:
        decisions = seed_sources_from_metadata(args.metadata, args.sources_file, seeds_dir=args.seeds)
    except (SourcesError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, what in sorted(decisions.items()):
        print(f"{key}\t{what}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    try:
        records = load_sources(args.sources_file)
    except SourcesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, rec in sorted(records.items()):
        print(f"{key}\t{rec.relevance.verdict}\t{rec.origin.kind}\t{rec.title or '(not identified)'}")
        if args.reasons:
            print(f"\t{rec.relevance.reason}")
    return 0


def register_cli(subparsers: Any) -> None:
    """Add ``fetch``, ``seed`` and ``list`` to an argparse subparsers object (``repro sources ...``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sources-file", default=str(SOURCES_PATH),
                        help="the sources cache (default: claims/sources.json)")

    fetch = subparsers.add_parser("fetch", parents=[common], help="refresh arXiv metadata (and full text)")
    fetch.add_argument("--ids", nargs="+", metavar="ID",
                       help="arXiv ids (default: seed references in the sources file + claims/*.yaml + cached ids)")
    fetch.add_argument("--fulltext", action="store_true", help="also download PDFs and extract text per page")
    fetch.add_argument("--claims-dir", default=str(CLAIMS_DIR), help=argparse.SUPPRESS)
    fetch.add_argument("--cache-dir", default=None, help="full-text cache (default: $XLT_REPRO_CACHE/fulltext "
                                                          "or ~/.cache/xlt-repro/fulltext)")
    fetch.set_defaults(func=_cmd_fetch)

    seed = subparsers.add_parser("seed", parents=[common], help="create records from a metadata file")
    seed.add_argument("--metadata", required=True, help="JSON: arXiv id -> metadata with sources/confidence/notes")
    seed.add_argument("--seeds", default=None, help="seed documents folder (default: <metadata folder>/seeds)")
    seed.set_defaults(func=_cmd_seed)

    lst = subparsers.add_parser("list", parents=[common], help="list cached papers with their relevance")
    lst.add_argument("--reasons", action="store_true", help="print each relevance reason")
    lst.set_defaults(func=_cmd_list)
