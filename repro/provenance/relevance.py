"""Whether a paper concerns zero-shot cross-lingual transfer: a keyword rule in code, and the
reviewed verdicts kept as data in ``claims/provenance/relevance.yaml``.

Every record carries a ``relevance`` verdict (``on-topic`` / ``off-topic`` / ``unverified``) with a
reason, so that references that do not concern zero-shot cross-lingual transfer are listed as such
instead of being used silently. A reviewed verdict applies only while the record's title starts
with the title it was given for; otherwise the keyword rule decides and the reason says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from repro.io import claims_dir
from repro.provenance.errors import RelevanceFileError
from repro.provenance.ids import parse_arxiv_id

ON_TOPIC = "on-topic"
OFF_TOPIC = "off-topic"
UNVERIFIED = "unverified"
VERDICTS = (ON_TOPIC, OFF_TOPIC, UNVERIFIED)

RELEVANCE_FILE = Path("provenance") / "relevance.yaml"   # under claims/; not *.yaml at its top, which
                                                          # holds spec files only
REVIEWED_FIELDS = ("title", "verdict", "reason")


@dataclass
class Relevance:
    verdict: str                     # "on-topic" | "off-topic" | "unverified"
    reason: str
    basis: str                       # "reviewed override" | "keyword rule"
    keyword_verdict: str             # what the keyword rule alone says (for transparency)
    matched: list[str] = field(default_factory=list)  # keyword-rule matches


@dataclass(frozen=True)
class ReviewedVerdict:
    """One entry of the reviewed verdicts file."""

    title: str
    verdict: str
    reason: str


def norm_words(text: str | None) -> str:
    """Lower case, NFKC, one kind of dash, ``cross-lingual`` and ``zero-shot`` spelt one way, single spaces."""
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


def keyword_relevance(title: str | None, abstract: str | None) -> tuple[str, list[str]]:
    """The transparent rule alone: (verdict, matched keyword labels)."""
    if not (title or abstract):
        return UNVERIFIED, []
    text = norm_words(f"{title or ''} . {abstract or ''}")
    matched = [label for label, pattern in KEYWORD_RULE if re.search(pattern, text)]
    return (ON_TOPIC if matched else OFF_TOPIC), matched


# --- the reviewed verdicts file -------------------------------------------------------------------


def relevance_path() -> Path:
    """``<project>/claims/provenance/relevance.yaml``, resolved from the current directory when called."""
    return claims_dir() / RELEVANCE_FILE


def parse_reviewed_verdicts(text: str, source: Path | str) -> dict[str, ReviewedVerdict]:
    """Validate the text of a reviewed verdicts file; ``source`` names it in errors.

    Scalars are read as text (``yaml.BaseLoader``), so an unquoted ``2003.11080`` keeps its zero.

    Raises:
        RelevanceFileError: every problem found, each as 'file: id: field: what was expected'.
    """
    try:
        raw = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise RelevanceFileError([f"{source}: not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise RelevanceFileError([f"{source}: expected a mapping of arXiv ids to "
                                  f"{{{', '.join(REVIEWED_FIELDS)}}}"])
    problems: list[str] = []
    out: dict[str, ReviewedVerdict] = {}
    for key, entry in raw.items():
        try:
            arxiv_id, version = parse_arxiv_id(key)
        except ValueError:
            problems.append(f"{source}: {key!r}: not an arXiv id (expected e.g. \"2104.08645\")")
            continue
        if version or arxiv_id != key:
            problems.append(f"{source}: {key}: write the versionless id {arxiv_id!r}")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{source}: {key}: expected a mapping with {', '.join(REVIEWED_FIELDS)}")
            continue
        before = len(problems)
        for name in sorted(set(entry) - set(REVIEWED_FIELDS)):
            problems.append(f"{source}: {key}: {name}: unknown field; expected only {', '.join(REVIEWED_FIELDS)}")
        for name in REVIEWED_FIELDS:
            value = entry.get(name)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{source}: {key}: {name}: missing or empty; expected text")
        verdict = entry.get("verdict")
        if isinstance(verdict, str) and verdict.strip() and verdict not in VERDICTS:
            problems.append(f"{source}: {key}: verdict: {verdict!r} is not one of {', '.join(VERDICTS)}")
        if len(problems) == before:
            out[key] = ReviewedVerdict(entry["title"], entry["verdict"], entry["reason"])
    if problems:
        raise RelevanceFileError(problems)
    return out


_loaded: dict[Path, tuple[tuple[int, int], dict[str, ReviewedVerdict]]] = {}


def load_reviewed_verdicts(path: Path | str | None = None) -> dict[str, ReviewedVerdict]:
    """The reviewed verdicts (default: :func:`relevance_path`), re-read when the file changes.

    Raises:
        RelevanceFileError: the file is missing or malformed.
    """
    path = Path(path) if path is not None else relevance_path()
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise RelevanceFileError([f"{path}: reviewed relevance verdicts not found; expected a YAML mapping "
                                  "of arXiv ids to title, verdict and reason"]) from exc
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = path.resolve()
    cached = _loaded.get(key)
    if cached is None or cached[0] != stamp:
        cached = (stamp, parse_reviewed_verdicts(path.read_text(encoding="utf-8"), path))
        _loaded[key] = cached
    return dict(cached[1])


# --- the verdict ----------------------------------------------------------------------------------


def judge_relevance(arxiv_id: str, title: str | None, abstract: str | None, *,
                    reviewed: Mapping[str, ReviewedVerdict] | None = None) -> Relevance:
    """Reviewed verdict where one applies to this title, else the keyword rule.

    Args:
        arxiv_id: versionless id.
        title: the record's title (None when not identified).
        abstract: the record's abstract.
        reviewed: the reviewed verdicts (default: :func:`load_reviewed_verdicts` of the current project).
    """
    reviewed = load_reviewed_verdicts() if reviewed is None else reviewed
    kw_verdict, matched = keyword_relevance(title, abstract)
    override = reviewed.get(arxiv_id)
    if override and title and norm_words(title).startswith(norm_words(override.title)):
        return Relevance(override.verdict, override.reason, "reviewed override", kw_verdict, matched)
    note = ""
    if override:
        note = (f" (the reviewed verdict for {arxiv_id} was given for the title "
                f"{override.title!r}, which this record does not carry; review it)")
    if kw_verdict == UNVERIFIED:
        reason = "No title or abstract is known for this id, so what it is cannot be checked."
    elif kw_verdict == ON_TOPIC:
        reason = "Keyword rule: title/abstract mention " + ", ".join(repr(m) for m in matched) + "."
    else:
        reason = ("Keyword rule: title/abstract mention none of "
                  + ", ".join(repr(label) for label, _ in KEYWORD_RULE) + ".")
    return Relevance(kw_verdict, reason + note, "keyword rule", kw_verdict, matched)
