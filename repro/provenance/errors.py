"""Errors of :mod:`repro.provenance`; a leaf module (imports nothing of ``repro``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class SourcesError(Exception):
    """Base class of the provenance package's errors."""


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


class RelevanceFileError(SourcesError, ValueError):
    """The reviewed relevance verdicts file is missing or malformed; ``problems`` lists every problem
    as 'file: id: field: what was expected'."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class SourcesCacheWarning(UserWarning):
    """arXiv could not be reached; cached records were used."""


class UnknownSourceError(SourcesError, KeyError):
    """No record for this id in the sources file."""

    def __str__(self) -> str:  # KeyError would print the repr
        return str(self.args[0])


class OffTopicSourceError(SourcesError):
    """A claim points at a paper marked off-topic or unverified."""
