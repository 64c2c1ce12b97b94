"""Loading spec files: every problem is an error that names the file, the spec id and the field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from repro.io import claims_dir
from repro.safe_yaml import YamlLimitError, load_bounded, short_repr
from repro.spec.fields import SpecError
from repro.spec.kinds import Background, Claim, Control, Hypothesis, SpecFile

AnySpec = Claim | Hypothesis | Background | Control


def _field_path(loc: tuple) -> str:
    # pydantic adds the union tag to the location ("baseline.finetune.objective.adversarial.epsilon");
    # keep the data path a user can find in the YAML.
    tags = {"claim", "hypothesis", "background", "control", "recipe", "selection", "plain", "adversarial",
            "random_perturbation", "data_augmentation"}
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in tags)]
    return ".".join(parts) or "(top level)"


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (not in the schema; check the spelling)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        what = ctx.get("discriminator", "kind")
        return f"unknown {what} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"missing the '{'kind' if 'kind' in error['msg'] else 'name'}' field that says which kind this is"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{message} (got {short_repr(error.get('input'))})" if "input" in error and not isinstance(
        error.get("input"), (dict, list)) else message


def parse_file(path: Path) -> list[AnySpec]:
    """Parse and validate one YAML file; raise SpecError with every problem found in it."""
    path = Path(path)
    try:
        raw = load_bounded(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError([f"{path}: not valid YAML: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise SpecError([f"{path}: not a YAML text file (not UTF-8 at byte {exc.start}; a binary file?)"]) from exc
    except YamlLimitError as exc:
        raise SpecError([f"{path}: refused: {exc}"]) from exc
    except (ValueError, RecursionError) as exc:  # e.g. an integer literal of thousands of digits
        why = "a number too long to read (Python converts at most 4,300 digits)" if "integer string" in str(exc) \
            else str(exc)[:200]
        raise SpecError([f"{path}: not a usable YAML spec file: {why}"]) from exc
    except OSError as exc:
        raise SpecError([f"{path}: cannot read: {exc}"]) from exc
    if not isinstance(raw, dict) or "specs" not in raw:
        raise SpecError([f"{path}: expected a mapping with a 'specs:' list at the top level"])
    items = raw["specs"]
    if not isinstance(items, list) or not items:
        raise SpecError([f"{path}: 'specs' must be a non-empty list"])
    # keys starting with "x-" hold YAML anchors shared by several specs (as in docker-compose)
    extra = sorted(k for k in raw if k != "specs" and not str(k).startswith("x-"))
    problems = ([f"{path}: unknown top-level field(s) {extra}; expected 'specs' (and 'x-' anchor blocks)"]
                if extra else [])
    specs = []
    for index, item in enumerate(items):
        spec_id = item.get("id", f"#{index}") if isinstance(item, dict) else f"#{index}"
        if not (isinstance(spec_id, str) and spec_id.isprintable() and len(spec_id) <= 80):
            spec_id = f"#{index} (id {short_repr(spec_id)})"  # a hostile id must not garble the message
        try:
            specs.append(SpecFile.model_validate({"specs": [item]}).specs[0])
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"][2:]  # drop ("specs", 0)
                if error["type"].startswith("union_tag"):
                    loc = (*loc, error.get("ctx", {}).get("discriminator", "'kind'").strip("'"))
                problems.append(f"{path}: {spec_id}: {_field_path(loc)}: {_describe(error)}")
    if problems:
        raise SpecError(problems)
    return specs


def load_specs(paths: list[Path] | None = None) -> list[AnySpec]:
    """Load every spec from the given files or folders (default: the project's claims/); ids must be unique."""
    files: list[Path] = []
    for path in [Path(p) for p in (paths or [claims_dir()])]:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.exists():
            files.append(path)
        else:
            raise SpecError([f"{path}: no such file or folder"])
    problems: list[str] = []
    specs: list = []
    seen: dict[str, Path] = {}
    for file in files:
        try:
            parsed = parse_file(file)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        for spec in parsed:
            if spec.id in seen:
                problems.append(f"{file}: {spec.id}: id: duplicate id, already defined in {seen[spec.id]}")
            else:
                seen[spec.id] = file
                specs.append(spec)
    if problems:
        raise SpecError(problems)
    return specs

