"""Where the claims come from: arXiv metadata, seed-document references, relevance, full-text grounding.

Modules, from the bottom up (each imports only those above it in this list, plus ``repro.io``):

- :mod:`~repro.provenance.errors`: the error classes.
- :mod:`~repro.provenance.ids`: parse and normalise arXiv ids.
- :mod:`~repro.provenance.relevance`: the keyword rule and the reviewed verdicts
  (``claims/provenance/relevance.yaml``).
- :mod:`~repro.provenance.records`: record types, conversion from API results and seed metadata,
  the merge rule.
- :mod:`~repro.provenance.cache`: ``claims/sources.json`` (its one writer) and the seed documents.
- :mod:`~repro.provenance.arxiv_api`: fetching records through the ``arxiv`` package.
- :mod:`~repro.provenance.fulltext`: PDFs and their text per page, cached outside git.
- :mod:`~repro.provenance.grounding`: locating a quote and a number in the full text.
- :mod:`~repro.provenance.cli`: ``repro sources fetch|seed|list`` (the only module that loads specs).
"""

from __future__ import annotations

from repro.provenance.arxiv_api import default_client, fetch_sources, query_arxiv
from repro.provenance.cache import (
    SCHEMA_VERSION,
    claim_arxiv_ids,
    default_fetch_ids,
    get_source,
    load_seed_docs,
    load_sources,
    parse_seed_document,
    parse_seed_documents,
    seed_reference_ids,
    seed_sources_from_metadata,
    sources_path,
    write_sources,
)
from repro.provenance.cli import ground_specs, grounding_line, register_cli
from repro.provenance.errors import (
    OffTopicSourceError,
    RelevanceFileError,
    SourcesCacheWarning,
    SourcesError,
    SourcesFileError,
    SourcesUnavailableError,
    UnknownSourceError,
)
from repro.provenance.fulltext import (
    FullText,
    default_cache_dir,
    extract_pages,
    fetch_fulltext,
    fulltext_file,
    grounding_file,
    load_fulltext,
)
from repro.provenance.grounding import (
    Caption,
    Grounding,
    ValueHit,
    ground_quote,
    load_groundings,
    normalize_text,
    normalize_with_map,
    write_groundings,
)
from repro.provenance.ids import normalize_arxiv_id, parse_arxiv_id
from repro.provenance.records import (
    ORIGIN_API,
    ORIGIN_SEED,
    EarlierAbstract,
    EarlierAuthors,
    Origin,
    SeedDoc,
    SeedReference,
    SourceRecord,
    VersionInfo,
    merge_records,
    record_from_metadata,
    record_from_result,
)
from repro.provenance.relevance import (
    KEYWORD_RULE,
    OFF_TOPIC,
    ON_TOPIC,
    UNVERIFIED,
    VERDICTS,
    Relevance,
    ReviewedVerdict,
    judge_relevance,
    keyword_relevance,
    load_reviewed_verdicts,
    parse_reviewed_verdicts,
    relevance_path,
)

__all__ = [
    "KEYWORD_RULE", "OFF_TOPIC", "ON_TOPIC", "ORIGIN_API", "ORIGIN_SEED", "SCHEMA_VERSION", "UNVERIFIED",
    "VERDICTS", "Caption", "EarlierAbstract", "EarlierAuthors", "FullText", "Grounding", "OffTopicSourceError",
    "Origin", "Relevance", "RelevanceFileError", "ReviewedVerdict", "SeedDoc", "SeedReference",
    "SourceRecord", "SourcesCacheWarning", "SourcesError", "SourcesFileError", "SourcesUnavailableError",
    "UnknownSourceError", "ValueHit", "VersionInfo", "claim_arxiv_ids", "default_cache_dir", "default_client",
    "default_fetch_ids", "extract_pages", "fetch_fulltext", "fetch_sources", "fulltext_file", "get_source",
    "ground_quote", "ground_specs", "grounding_file", "grounding_line", "judge_relevance", "keyword_relevance",
    "load_fulltext", "load_groundings", "load_reviewed_verdicts", "load_seed_docs", "load_sources",
    "merge_records", "normalize_arxiv_id", "normalize_text", "normalize_with_map", "parse_arxiv_id",
    "parse_reviewed_verdicts", "parse_seed_document", "parse_seed_documents", "query_arxiv",
    "record_from_metadata", "record_from_result", "register_cli", "relevance_path", "seed_reference_ids",
    "seed_sources_from_metadata", "sources_path", "write_groundings", "write_sources",
]
