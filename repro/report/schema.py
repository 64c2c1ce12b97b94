"""The contract of ``results.json``: its JSON Schema (``repro/data/results.schema.json``), the version it
carries, and a reader that refuses what strict JSON parsers would refuse (NaN, Infinity)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

# grows when a field of results.json is removed, renamed or changes meaning (the schema's description)
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "results.schema.json"


class ResultsFileError(ValueError):
    """A results.json that cannot be read: not found, not strict JSON, or not a report's results."""


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The results.json schema as a dict (read once)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON (strict parsers refuse it; write null)")


def loads_strict(text: str) -> Any:
    """Parse JSON as a strict parser would: NaN, Infinity and -Infinity are errors."""
    return json.loads(text, parse_constant=_refuse_constant)


def results_path(path: Path | str) -> Path:
    """``path`` itself if it is a file, else ``path/results.json`` (a report folder)."""
    path = Path(path)
    candidate = path / "results.json" if path.is_dir() else path
    if not candidate.is_file():
        raise ResultsFileError(f"{path}: expected a results.json file or a report folder holding one")
    return candidate


def read_results(path: Path | str) -> dict:
    """A report's results (a results.json file or a report folder), parsed strictly.

    Raises:
        ResultsFileError: when nothing is there, the text is not strict JSON, or it has no claims list.
    """
    file = results_path(path)
    try:
        data = loads_strict(file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ResultsFileError(f"{file}: not strict JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ResultsFileError(f"{file}: expected an object with a 'claims' list (a report's results.json)")
    return data


def schema_problems(data: Any) -> list[str]:
    """Every place where ``data`` breaks the results.json schema, as "path: message" (empty: valid).

    Raises:
        ImportError: when the ``jsonschema`` package (the test extra) is not installed.
    """
    try:
        import jsonschema
    except ImportError as exc:  # the check is a test-time tool; say what provides it
        raise ImportError("validating results.json needs the jsonschema package: pip install -e '.[test]'") from exc
    validator = jsonschema.Draft202012Validator(load_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message[:300]}")
    return problems
