"""Language metadata: family, genus, script, word order, resource class and CC-100 size per language.

The data live in ``repro/data/languages.yaml``: one record per ISO 639-1 code (the key XTREME and
XTREME-R use), a ``sources`` section that cites, column by column, where each value was read
(Glottolog 5.1 for the family, WALS v2020.4 for the genus and feature 81A for the word order, Unicode
CLDR for the script, Joshi et al. 2020's taxonomy for the resource class, XLM-R's Table 6 for the
CC-100 size), and per-record notes that say why a value is empty. The file is validated when it is
loaded; every problem is reported with the file, the language code and the column.

On top of the table this module derives language sets by a rule stated in words, so that a spec or
a report can quote the rule with the set:

* :func:`low_resource` / :func:`high_resource`: the languages whose resource class or CC-100 size is
  below / above a threshold (``"joshi<=2"``, ``"cc100<1"``, ``"joshi>=4"``);
* :func:`diverse_low_resource`: ``n`` low-resource languages from ``n`` distinct families, chosen by
  a deterministic order (see its docstring);
* :func:`group_scores`: the mean score per family, genus, script, word order or resource class.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DATA_PATH = Path(__file__).resolve().parent / "data" / "languages.yaml"

# Every column of a record, in the file's order (notes aside).
COLUMNS = ("code", "iso639_3", "name", "family", "glottocode", "genus", "wals_code", "script", "script_name",
           "word_order", "resource_class", "joshi_name", "cc100_gib")
# Columns that are never empty.
REQUIRED_COLUMNS = ("code", "iso639_3", "name")
# Columns group_scores can group by.
GROUP_COLUMNS = ("family", "genus", "script", "word_order", "resource_class")
# Group of the languages that have no value in the grouping column.
UNKNOWN = "unknown"
# WALS feature 81A values (cldf-datasets/wals cldf/codes.csv, 81A-1 .. 81A-7).
WORD_ORDERS = ("SOV", "SVO", "VSO", "VOS", "OVS", "OSV", "No dominant order")

_PATTERNS = {
    "code": re.compile(r"[a-z]{2}"),
    "iso639_3": re.compile(r"[a-z]{3}"),
    "glottocode": re.compile(r"[a-z0-9]{4}[0-9]{4}"),
    "script": re.compile(r"[A-Z][a-z]{3}"),
}


class LanguageDataError(ValueError):
    """The language file is malformed: the message names the file, the code and the column."""


class UnknownLanguageError(ValueError):
    """A language code that the language file does not describe."""


@dataclass(frozen=True)
class Language:
    """One language's metadata; ``None`` where the sources could not settle a value (see ``notes``)."""

    code: str
    iso639_3: str
    name: str
    family: str | None
    glottocode: str | None
    genus: str | None
    wals_code: str | None
    script: str | None
    script_name: str | None
    word_order: str | None
    resource_class: int | None
    joshi_name: str | None
    cc100_gib: float | None
    # column -> why its value is empty or how it was chosen
    notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def group(self, by: str) -> str:
        """The group this language falls in for a column of GROUP_COLUMNS (``"unknown"`` if empty)."""
        _check_group_column(by)
        value = getattr(self, by)
        return UNKNOWN if value is None else str(value)


@dataclass(frozen=True)
class LanguageFile:
    """The parsed language file: sources per column, general notes and the records by code."""

    path: Path
    sources: Mapping[str, Mapping[str, str]]
    notes: tuple[str, ...]
    languages: Mapping[str, Language]


# ---------------------------------------------------------------------------------------------
# loading


def read_language_file(path: Path | str | None = None) -> LanguageFile:
    """Read and validate a language file (default: the packaged ``repro/data/languages.yaml``).

    Raises:
        LanguageDataError: listing every problem found (file, code, column), never only the first.
    """
    return _read_cached(str(Path(path or DATA_PATH).resolve()))


@functools.lru_cache(maxsize=8)
def _read_cached(path: str) -> LanguageFile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise LanguageDataError(f"{path}: cannot read the language file: {err}") from err
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise LanguageDataError(f"{path}: expected a mapping with sources, notes and languages")
    sources = _parse_sources(raw.get("sources"), problems)
    notes = raw.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        problems.append("notes: expected a list of strings")
        notes = []
    records = raw.get("languages")
    languages: dict[str, Language] = {}
    if not isinstance(records, list) or not records:
        problems.append("languages: expected a non-empty list of records")
        records = []
    seen_iso3: dict[str, str] = {}
    for index, record in enumerate(records):
        language = _parse_record(record, index, problems)
        if language is None:
            continue
        if language.code in languages:
            problems.append(f"language {language.code!r}: code listed twice")
            continue
        if language.iso639_3 in seen_iso3:
            problems.append(f"language {language.code!r}: iso639_3 {language.iso639_3!r} is also "
                            f"{seen_iso3[language.iso639_3]!r}'s")
        seen_iso3[language.iso639_3] = language.code
        languages[language.code] = language
    extra = sorted(set(raw) - {"sources", "notes", "languages"})
    if extra:
        problems.append(f"unexpected top-level keys {extra} (expected sources, notes, languages)")
    if problems:
        raise LanguageDataError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return LanguageFile(Path(path), MappingProxyType(sources), tuple(notes), MappingProxyType(languages))


def _parse_sources(raw: Any, problems: list[str]) -> dict[str, Mapping[str, str]]:
    if not isinstance(raw, dict):
        problems.append("sources: expected a mapping column -> {citation, how_read}")
        return {}
    sources: dict[str, Mapping[str, str]] = {}
    for column in COLUMNS:
        entry = raw.get(column)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k].strip()
                                                  for k in ("citation", "how_read")):
            problems.append(f"sources.{column}: expected a citation and how_read (non-empty strings)")
            continue
        sources[column] = MappingProxyType(dict(entry))
    for column in sorted(set(raw) - set(COLUMNS)):
        problems.append(f"sources.{column}: not a column (columns: {', '.join(COLUMNS)})")
    return sources


def _parse_record(record: Any, index: int, problems: list[str]) -> Language | None:
    where = f"languages[{index}]"
    if not isinstance(record, dict):
        problems.append(f"{where}: expected a mapping")
        return None
    code = record.get("code")
    if isinstance(code, str):
        where = f"language {code!r}"
    found_before = len(problems)
    unknown_keys = sorted(set(record) - set(COLUMNS) - {"notes"})
    if unknown_keys:
        problems.append(f"{where}: unknown keys {unknown_keys} (columns: {', '.join(COLUMNS)}, notes)")
    missing = [c for c in COLUMNS if c not in record]
    if missing:
        problems.append(f"{where}: missing columns {missing} (write null with a note for an unknown value)")
    notes = record.get("notes") or {}
    if not isinstance(notes, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in notes.items()):
        problems.append(f"{where}: notes must map column names to non-empty text")
        notes = {}
    for key in sorted(set(notes) - set(COLUMNS)):
        problems.append(f"{where}: note for {key!r}, which is not a column")
    values: dict[str, Any] = {c: record.get(c) for c in COLUMNS}
    for column, value in values.items():
        if value is None:
            if column in REQUIRED_COLUMNS:
                problems.append(f"{where}: {column} is empty; it is required")
            elif column not in notes:
                problems.append(f"{where}: {column} is empty without a note saying why")
            continue
        problem = _check_value(column, value)
        if problem:
            problems.append(f"{where}: {column} {value!r}: {problem}")
    if len(problems) > found_before:
        return None
    if values["cc100_gib"] is not None:
        values["cc100_gib"] = float(values["cc100_gib"])
    return Language(**values, notes=MappingProxyType(dict(notes)))


def _check_value(column: str, value: Any) -> str | None:
    """Why a non-empty value is invalid for its column, or None."""
    if column == "resource_class":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
            return "expected an integer class 0-5 (Joshi et al. 2020)"
        return None
    if column == "cc100_gib":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            return "expected a size in GiB >= 0"
        return None
    if not isinstance(value, str) or not value.strip():
        return "expected a non-empty string"
    if column == "word_order" and value not in WORD_ORDERS:
        return f"expected a WALS 81A value: {', '.join(WORD_ORDERS)}"
    pattern = _PATTERNS.get(column)
    if pattern is not None and not pattern.fullmatch(value):
        return f"does not match {pattern.pattern}"
    return None


def load_languages(path: Path | str | None = None) -> dict[str, Language]:
    """Every language of the file by ISO 639-1 code (a new dict on each call; the records are frozen)."""
    return dict(read_language_file(path).languages)


def language_sources(path: Path | str | None = None) -> dict[str, dict[str, str]]:
    """Column -> {"citation", "how_read"}: where the file's values come from, for specs and reports."""
    return {column: dict(entry) for column, entry in read_language_file(path).sources.items()}


def get_languages(codes: Iterable[str] | None = None, *, path: Path | str | None = None) -> list[Language]:
    """The records of ``codes`` in their order, duplicates dropped (all languages when None).

    Raises:
        UnknownLanguageError: naming every code the file does not describe.
    """
    table = read_language_file(path).languages
    if codes is None:
        return list(table.values())
    if isinstance(codes, str):
        raise TypeError(f"expected a collection of language codes, got the string {codes!r}")
    wanted = list(dict.fromkeys(codes))
    unknown = [c for c in wanted if c not in table]
    if unknown:
        raise UnknownLanguageError(
            f"unknown language code(s) {', '.join(map(repr, unknown))}: expected ISO 639-1 codes among the "
            f"{len(table)} languages of {read_language_file(path).path.name} ({', '.join(sorted(table))})")
    return [table[c] for c in wanted]


def language_frame(codes: Iterable[str] | None = None, *, path: Path | str | None = None):
    """The languages as a pandas DataFrame indexed by code, one column per field (empty values as NA)."""
    import pandas as pd

    rows = [{c: getattr(lang, c) for c in COLUMNS} for lang in get_languages(codes, path=path)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).set_index("code")
    frame["resource_class"] = frame["resource_class"].astype("Int64")
    frame["cc100_gib"] = frame["cc100_gib"].astype("float64")
    return frame


# ---------------------------------------------------------------------------------------------
# rules


_RULE_COLUMN = {"joshi": "resource_class", "resource_class": "resource_class",
                "cc100": "cc100_gib", "cc100_gib": "cc100_gib"}
_RULE_RE = re.compile(r"\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*")


@dataclass(frozen=True)
class ResourceRule:
    """A threshold on the resource class or the CC-100 size, e.g. ``ResourceRule.parse("joshi<=2")``."""

    column: str  # "resource_class" or "cc100_gib"
    op: str  # "<", "<=", ">" or ">="
    threshold: float

    @classmethod
    def parse(cls, rule: str | ResourceRule) -> ResourceRule:
        """Parse ``"<joshi|cc100> <op> <number>"`` (also ``resource_class`` / ``cc100_gib``)."""
        if isinstance(rule, ResourceRule):
            return rule
        match = _RULE_RE.fullmatch(rule) if isinstance(rule, str) else None
        if match is None or match.group(1) not in _RULE_COLUMN:
            raise ValueError(f"cannot read rule {rule!r}: expected '<joshi|cc100> <op> <number>' with op one of "
                             "<, <=, >, >=, e.g. 'joshi<=2' or 'cc100<1'")
        column = _RULE_COLUMN[match.group(1)]
        threshold = float(match.group(3))
        if column == "resource_class" and (threshold != int(threshold) or not 0 <= threshold <= 5):
            raise ValueError(f"rule {rule!r}: a Joshi class threshold is an integer 0-5")
        return cls(column, match.group(2), threshold)

    @property
    def selects_low(self) -> bool:
        """True for a rule that keeps the languages below the threshold."""
        return self.op in ("<", "<=")

    def holds(self, value: float) -> bool:
        """Whether a language with this value in the rule's column passes the rule."""
        return {"<": value < self.threshold, "<=": value <= self.threshold,
                ">": value > self.threshold, ">=": value >= self.threshold}[self.op]

    def describe(self) -> str:
        """The rule in words, for a spec or a report."""
        if self.column == "resource_class":
            return (f"resource class {self.op} {int(self.threshold)} in the taxonomy of Joshi et al. (2020, ACL; "
                    "classes 0-5); languages without a class are left out")
        return (f"CC-100 size {self.op} {self.threshold:g} GiB in XLM-R's pretraining data (Conneau et al. 2020, "
                "arXiv 1911.02116, Table 6; 0 for languages XLM-R was not pretrained on); languages without a "
                "size are left out")


@dataclass(frozen=True)
class LanguageSelection:
    """Languages chosen by a rule, the rule in words, and the candidates left out for lack of a value."""

    languages: tuple[str, ...]
    rule: str
    unknown: tuple[str, ...] = ()

    def __iter__(self):
        return iter(self.languages)

    def __len__(self) -> int:
        return len(self.languages)

    def __contains__(self, code: object) -> bool:
        return code in self.languages


def _select(codes: Iterable[str] | None, rule: str | ResourceRule, *, low: bool,
            path: Path | str | None) -> tuple[ResourceRule, list[Language], list[str]]:
    parsed = ResourceRule.parse(rule)
    if parsed.selects_low != low:
        wanted = "<= or <" if low else ">= or >"
        raise ValueError(f"rule {rule!r} selects {'low' if parsed.selects_low else 'high'}-resource languages; "
                         f"{'low' if low else 'high'}_resource needs a rule with {wanted}")
    chosen, unknown = [], []
    for language in get_languages(codes, path=path):
        value = getattr(language, parsed.column)
        if value is None:
            unknown.append(language.code)
        elif parsed.holds(value):
            chosen.append(language)
    return parsed, chosen, unknown


def low_resource(codes: Iterable[str] | None = None, *, rule: str | ResourceRule = "joshi<=2",
                 path: Path | str | None = None) -> LanguageSelection:
    """The languages of ``codes`` (all when None) that a low-resource rule keeps, in input order.

    Args:
        codes: ISO 639-1 codes to choose from.
        rule: ``"joshi<=2"`` (Joshi et al. class at most 2), ``"cc100<1"`` (under 1 GiB in CC-100), ...
        path: another language file (default: the packaged one).

    Returns:
        The selection, the rule in words, and the codes left out because they lack the rule's value.

    Raises:
        UnknownLanguageError: for codes the file does not describe.
        ValueError: for a rule that cannot be read or that selects high-resource languages.
    """
    parsed, chosen, unknown = _select(codes, rule, low=True, path=path)
    return LanguageSelection(tuple(lang.code for lang in chosen), f"low-resource: {parsed.describe()}",
                             tuple(unknown))


def high_resource(codes: Iterable[str] | None = None, rule: str | ResourceRule = "joshi>=4", *,
                  path: Path | str | None = None) -> LanguageSelection:
    """The languages of ``codes`` (all when None) that a high-resource rule (``>=``/``>``) keeps.

    Same arguments, result and errors as :func:`low_resource`; the default rule is Joshi class >= 4.
    """
    parsed, chosen, unknown = _select(codes, rule, low=False, path=path)
    return LanguageSelection(tuple(lang.code for lang in chosen), f"high-resource: {parsed.describe()}",
                             tuple(unknown))


def diverse_low_resource(candidates: Iterable[str] | None, n: int, rule: str | ResourceRule = "joshi<=2", *,
                         path: Path | str | None = None) -> LanguageSelection:
    """``n`` low-resource languages from ``n`` distinct families (Glottolog), chosen deterministically.

    The rule: keep the candidates that pass the low-resource ``rule``; order them by the rule's value
    (lowest first: the least-resourced languages come first), then by CC-100 size (smallest first,
    languages without a size after those with one), then by code; walk that order and take a language
    when its family is not taken yet, until ``n`` are taken. Languages without a family cannot be shown
    to be distinct and are left out (listed in ``unknown`` with those lacking the rule's value).

    Raises:
        ValueError: when fewer than ``n`` distinct families pass the rule (the message lists them), or
            for ``n`` < 1 or a rule that is not a low-resource rule.
        UnknownLanguageError: for codes the file does not describe.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    parsed, chosen, unknown = _select(candidates, rule, low=True, path=path)
    unknown += [lang.code for lang in chosen if lang.family is None]

    def order(lang: Language) -> tuple:
        size = lang.cc100_gib
        return (getattr(lang, parsed.column), size is None, size if size is not None else 0.0, lang.code)

    taken: dict[str, str] = {}  # family -> code
    for lang in sorted(chosen, key=order):
        if lang.family is not None and lang.family not in taken:
            taken[lang.family] = lang.code
        if len(taken) == n:
            break
    if len(taken) < n:
        found = ", ".join(f"{family} ({code})" for family, code in taken.items()) or "none"
        raise ValueError(f"only {len(taken)} distinct families among the candidates with {parsed.describe()}; "
                         f"{n} requested. Families found: {found}")
    text = (f"{n} low-resource languages from distinct families (Glottolog 5.1), among the candidates with "
            f"{parsed.describe()}; ordered by that value (lowest first), then CC-100 size (smallest first), then "
            "code, the first language of each family is taken")
    return LanguageSelection(tuple(taken.values()), text, tuple(unknown))


# ---------------------------------------------------------------------------------------------
# grouping


def _check_group_column(by: str) -> None:
    if by not in GROUP_COLUMNS:
        raise ValueError(f"cannot group by {by!r}: expected one of {', '.join(GROUP_COLUMNS)}")


def group_scores(scores: Mapping[str, float], by: str, *, path: Path | str | None = None) -> dict[str, float]:
    """The unweighted mean score per group of ``by`` (a column of GROUP_COLUMNS).

    Languages without a value in that column form the group ``"unknown"``. Groups come sorted by
    name (resource classes "0" to "5"), ``"unknown"`` last.

    Raises:
        ValueError: for a column outside GROUP_COLUMNS or a score that is not a finite number.
        UnknownLanguageError: for codes the file does not describe.
    """
    _check_group_column(by)
    bad = {code: score for code, score in scores.items()
           if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score)}
    if bad:
        raise ValueError(f"scores must be finite numbers; got {bad}")
    groups: dict[str, list[float]] = {}
    for language in get_languages(scores, path=path):
        groups.setdefault(language.group(by), []).append(float(scores[language.code]))
    names = sorted(g for g in groups if g != UNKNOWN) + ([UNKNOWN] if UNKNOWN in groups else [])
    return {name: math.fsum(groups[name]) / len(groups[name]) for name in names}
