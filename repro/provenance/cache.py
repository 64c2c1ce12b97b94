"""The committed offline cache of paper metadata, ``claims/sources.json``, and the seed documents'
references recorded in it.

The file has one writer, :func:`write_sources`, used by two producers:
:func:`repro.provenance.arxiv_api.fetch_sources` (records whose ``origin.kind`` is ``"arxiv-api"``)
and :func:`seed_sources_from_metadata`, which converts a hand-compiled metadata file (records read
from stored copies of public pages, each with its sources, confidence and notes) into records whose
``origin.kind`` is ``"seed-metadata"``. That step ran once, from ``../shared``; the product never
reads ``../shared`` at run time.

Every path defaults to the project the user stands in (:func:`repro.io.claims_dir`, resolved when
called); every function also takes an explicit one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from repro.io import claims_dir as project_claims_dir
from repro.io import lock_for, read_json, write_json
from repro.provenance.errors import OffTopicSourceError, SourcesError, SourcesFileError, UnknownSourceError
from repro.provenance.ids import normalize_arxiv_id, parse_arxiv_id
from repro.provenance.records import (
    ORIGIN_API,
    ORIGIN_SEED,
    SeedDoc,
    SeedReference,
    SourceRecord,
    clean_text,
    merge_records,
    record_from_metadata,
)
from repro.provenance.relevance import VERDICTS, judge_relevance, norm_words

SOURCES_FILE = "sources.json"
SCHEMA_VERSION = 1
LOCK_TIMEOUT_S = 120

_ABOUT = (
    "Offline cache of arXiv metadata for the papers that the claim specs and the seed documents "
    "cite. Written only by repro.provenance.write_sources. Refresh with `repro sources fetch` on a "
    "machine that reaches arXiv: records from the API (origin.kind 'arxiv-api') replace records "
    "compiled from stored copies of public pages (origin.kind 'seed-metadata'), never the reverse. "
    "relevance marks references that are not about zero-shot cross-lingual transfer."
)


def sources_path() -> Path:
    """``<project>/claims/sources.json``, resolved from the current directory when called."""
    return project_claims_dir() / SOURCES_FILE


def _path_or_default(path: Path | str | None) -> Path:
    return Path(path) if path is not None else sources_path()


# --- read -----------------------------------------------------------------------------------------


def _read_raw(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise SourcesFileError(
            f"{path}: sources file not found. Expected the committed offline cache of arXiv metadata "
            "(create it with `repro sources seed --metadata PATH` or `repro sources fetch`).")
    try:
        data = read_json(path)
    except (OSError, ValueError) as exc:
        raise SourcesFileError(f"{path}: not readable as JSON ({exc}). Expected the object written by "
                               "repro.provenance.write_sources.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("records"), dict):
        raise SourcesFileError(f"{path}: expected a JSON object with a 'records' object mapping arXiv ids "
                               "to records (as written by repro.provenance.write_sources).")
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
                                   "repro.provenance.SourceRecord.") from exc
        if rec.arxiv_id != key:
            raise SourcesFileError(f"{path}: record key {key!r} holds arxiv_id {rec.arxiv_id!r}.")
        if rec.origin.kind not in (ORIGIN_API, ORIGIN_SEED):
            raise SourcesFileError(f"{path}: record {key!r}: origin.kind {rec.origin.kind!r}, expected "
                                   f"{ORIGIN_API!r} or {ORIGIN_SEED!r}.")
        if rec.relevance is None or rec.relevance_verdict not in VERDICTS:
            raise SourcesFileError(f"{path}: record {key!r}: relevance verdict must be one of {VERDICTS}.")
        out[key] = rec
    return out


def load_sources(path: Path | str | None = None) -> dict[str, SourceRecord]:
    """The offline cache: arXiv id -> record. Clear error if the file is missing or malformed."""
    path = _path_or_default(path)
    return _records_from_raw(_read_raw(path), path)


def load_seed_docs(path: Path | str | None = None) -> dict[str, SeedDoc]:
    """The seed documents' references as recorded in the sources file (no ../shared needed)."""
    path = _path_or_default(path)
    out: dict[str, SeedDoc] = {}
    for name, doc in (_read_raw(path).get("seeds") or {}).items():
        try:
            refs = [SeedReference(**r) for r in doc.get("references", [])]
            out[name] = SeedDoc(**{**doc, "references": refs})
        except TypeError as exc:
            raise SourcesFileError(f"{path}: seeds[{name!r}] is malformed ({exc}).") from exc
    return out


def get_source(arxiv_id: str, *, path: Path | str | None = None, allow_off_topic: bool = False) -> SourceRecord:
    """The cached record for ``arxiv_id``; refuses off-topic/unverified papers unless allowed."""
    path = _path_or_default(path)
    key = normalize_arxiv_id(arxiv_id)
    records = load_sources(path)
    if key not in records:
        raise UnknownSourceError(f"{key}: no record in {path}; run `repro sources fetch --ids {key}`.")
    rec = records[key]
    if not allow_off_topic and not rec.on_topic:
        raise OffTopicSourceError(f"{key} is marked {rec.relevance_verdict} in {path}: {rec.relevance_reason}")
    return rec


# --- write ----------------------------------------------------------------------------------------


def write_sources(records: Iterable[SourceRecord] | Mapping[str, SourceRecord],
                  path: Path | str | None = None, *,
                  seeds: Iterable[SeedDoc] | None = None) -> dict[str, str]:
    """The one writer of the sources file: merge ``records`` (and seed documents) into ``path``.

    Reads what is there, applies :func:`repro.provenance.records.merge_records`, re-judges every
    record's relevance (one rule for the whole file), and writes sorted JSON atomically under the
    file's lock. Returns the merge decision per id.
    """
    path = _path_or_default(path)
    incoming = list(records.values()) if isinstance(records, Mapping) else list(records)
    with lock_for(path, timeout=LOCK_TIMEOUT_S):
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
        write_json(path, {
            "about": _ABOUT,
            "schema_version": SCHEMA_VERSION,
            "records": {k: merged[k].to_dict() for k in sorted(merged)},
            "seeds": {k: seed_docs[k] for k in sorted(seed_docs)},
        })
    return decisions


def _resolve_examined(seed_docs: dict[str, dict[str, Any]], records: Mapping[str, SourceRecord]) -> None:
    by_title = {norm_words(r.title): r.arxiv_id for r in records.values() if r.title}
    for doc in seed_docs.values():
        if doc.get("examines"):
            doc["examines_arxiv_id"] = by_title.get(norm_words(doc["examines"]), doc.get("examines_arxiv_id"))


def seed_sources_from_metadata(metadata_path: Path | str, path: Path | str | None = None, *,
                               seeds_dir: Path | str | None = None) -> dict[str, str]:
    """Convert a hand-compiled metadata file (id -> fields, sources, confidence, notes) into records
    and write them (and the seed documents' references) through :func:`write_sources`.

    ``seeds_dir`` defaults to ``<metadata folder>/seeds`` when it exists.
    """
    metadata_path = Path(metadata_path)
    try:
        meta = read_json(metadata_path)
    except (OSError, ValueError) as exc:
        raise SourcesFileError(f"{metadata_path}: cannot read metadata JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise SourcesFileError(f"{metadata_path}: expected an object mapping arXiv ids to metadata records")
    records = [record_from_metadata(k, v, file=metadata_path.name) for k, v in meta.items()]
    if seeds_dir is None and (metadata_path.parent / "seeds").is_dir():
        seeds_dir = metadata_path.parent / "seeds"
    seeds = list(parse_seed_documents(seeds_dir).values()) if seeds_dir else None
    return write_sources(records, path, seeds=seeds)


# --- seed documents and claim specs ---------------------------------------------------------------


def parse_seed_document(path: Path | str) -> SeedDoc:
    """Title, examined paper and arXiv references of one seed document."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines()]
    title = next((ln.lstrip("#").strip() for ln in lines if ln.strip("# ")), None)
    m = re.search(r"This paper examines:\s*(.+?)\.\s*Research question:", text, re.S)
    examines = clean_text(m.group(1)) if m else None
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
    """Every ``*.txt`` seed document of a folder, by file name."""
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"{seeds_dir}: seed folder not found")
    return {p.name: parse_seed_document(p) for p in sorted(seeds_dir.glob("*.txt"))}


def seed_reference_ids(seeds_dir: Path | str) -> dict[str, list[str]]:
    """Seed file name -> versionless arXiv ids of its References, in order."""
    return {name: [r.arxiv_id for r in doc.references] for name, doc in parse_seed_documents(seeds_dir).items()}


def _collect_arxiv_values(node: Any, file: Path, found: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).lower() not in ("arxiv", "arxiv_id"):
                _collect_arxiv_values(value, file, found)
                continue
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, str) or not item.strip():
                    continue
                try:
                    arxiv_id = normalize_arxiv_id(item)
                except ValueError as exc:
                    raise SourcesError(f"{file}: {key}: {item!r} is not an arXiv id") from exc
                names = found.setdefault(arxiv_id, [])
                if file.name not in names:
                    names.append(file.name)
    elif isinstance(node, list):
        for value in node:
            _collect_arxiv_values(value, file, found)


def claim_arxiv_ids(claims_dir: Path | str | None = None) -> dict[str, list[str]]:
    """ArXiv id -> claim files naming it, from every ``arxiv:`` (or ``arxiv_id:``) value in claims/*.yaml.

    Scalars are read as text (``yaml.BaseLoader``) so ``2003.11080`` does not become a float.
    """
    found: dict[str, list[str]] = {}
    for file in sorted(Path(claims_dir if claims_dir is not None else project_claims_dir()).glob("*.y*ml")):
        try:
            doc = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        except yaml.YAMLError as exc:
            raise SourcesError(f"{file}: not valid YAML ({exc})") from exc
        _collect_arxiv_values(doc, file, found)
    return dict(sorted(found.items()))


def default_fetch_ids(path: Path | str | None = None, claims_dir: Path | str | None = None) -> list[str]:
    """Ids a plain ``sources fetch`` refreshes: the seeds' references recorded in the sources file,
    every ``arxiv:`` id in claims/*.yaml, and every id already cached."""
    path = _path_or_default(path)
    ids: set[str] = set(claim_arxiv_ids(claims_dir))
    if path.exists():
        ids |= set(load_sources(path))
        for doc in load_seed_docs(path).values():
            ids |= {r.arxiv_id for r in doc.references}
    return sorted(ids)
