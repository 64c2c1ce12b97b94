"""Claim specs: the YAML schema under ``claims/`` and its loader.

Three kinds of spec share one file format (a YAML mapping with a ``specs:`` list):

- ``claim``: a reported number to check (baseline recipe vs treatment recipe);
- ``hypothesis``: a research question with no published number, an expected direction;
- ``background``: a definitional or context statement, grounded in its source, never run.

Every problem is an error that names the file, the spec id and the field; nothing is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CLAIMS_DIR = Path(__file__).resolve().parent.parent / "claims"
ARXIV_ID = r"^\d{4}\.\d{4,5}$"
SPEC_ID = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"

# Task names a spec may use. The profile maps each to a concrete dataset (hub) or analog (embedded).
TARGET_TASKS = (
    "xnli", "pawsx", "panx", "udpos", "xquad", "mlqa", "tydiqa", "bucc", "tatoeba", "copa",
)
INTERMEDIATE_TASKS = (
    "mnli", "qqp", "sst2", "anli", "squad", "squad_v2", "hellaswag", "cosmosqa", "commonsenseqa",
    "xnli", "pawsx",
)
METRICS = ("accuracy", "f1", "exact_match", "qa_score", "bucc_f1", "retrieval_accuracy", "xtreme_score")


class SpecError(Exception):
    """A spec that does not validate. ``str()`` gives 'file: spec id: field: what was expected'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- provenance -------------------------------------------------------------------------------


class Extraction(Strict):
    """One seed document's extraction of the statement, as the seed printed it."""

    seed: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    text: str = Field(min_length=1)
    verified: bool
    confidence: float = Field(ge=0.0, le=1.0)


class Source(Strict):
    arxiv: str = Field(pattern=ARXIV_ID)
    version: str = Field(pattern=r"^v\d+$")
    quote: str = Field(min_length=1)
    location: str = "unconfirmed"  # e.g. "abstract", "Table 2", or "unconfirmed"
    extractions: list[Extraction] = Field(default_factory=list)
    unconfirmed: list[str] = Field(default_factory=list)
    hyperparameters_from: str | None = None

    @field_validator("arxiv", mode="before")
    @classmethod
    def _arxiv_as_text(cls, value):
        # YAML reads 2104.08645 as a float and would drop trailing zeros: insist on a string.
        if not isinstance(value, str):
            raise ValueError("write the arXiv id as a quoted string, e.g. '2104.08645'")
        match = re.match(r"^(\d{2})(\d{2})\.(\d+)$", value)
        if match:
            year, month, number = int(match[1]), int(match[2]), match[3]
            if not 1 <= month <= 12:
                raise ValueError(f"arXiv id {value!r} has month {month:02d}; expected YYMM.NNNNN")
            if (year, month) >= (15, 1) and len(number) != 5:
                raise ValueError(f"arXiv ids since 2015 have five digits after the dot; got {value!r}")
        return value


# --- recipes ----------------------------------------------------------------------------------


class Hyperparameters(Strict):
    """Values for the full profile (the paper's or the released scripts'). Smoke scales them."""

    learning_rate: float = Field(default=2e-5, gt=0, lt=1)
    batch_size: int = Field(default=32, ge=1)
    epochs: float = Field(default=3, gt=0)
    max_length: int = Field(default=128, ge=8, le=4096)
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    weight_decay: float = Field(default=0.0, ge=0)
    select_on: Literal["last", "english_dev"] = "english_dev"


class Plain(Strict):
    name: Literal["plain"]


class Adversarial(Strict):
    """PGD in input-embedding space. A reimplementation: Robust-XLT released RS-DA only."""

    name: Literal["adversarial"]
    epsilon: float = Field(default=1.0, gt=0)
    step_size: float = Field(default=0.5, gt=0)
    steps: int = Field(default=1, ge=1, le=20)
    norm: Literal["l2", "linf"] = "l2"


class RandomPerturbation(Strict):
    """Randomized smoothing by noise on input embeddings. A reimplementation (see Adversarial)."""

    name: Literal["random_perturbation"]
    distribution: Literal["gaussian", "uniform"] = "gaussian"
    scale: float = Field(default=0.1, gt=0)


class DataAugmentation(Strict):
    """Randomized smoothing by synonym substitution: the method Robust-XLT released."""

    name: Literal["data_augmentation"]
    copies: int = Field(default=10, ge=1, le=100)
    synonyms: Literal["profile_default", "counterfitted", "embedded"] = "profile_default"


Objective = Annotated[
    Union[Plain, Adversarial, RandomPerturbation, DataAugmentation], Field(discriminator="name")
]

REIMPLEMENTED_OBJECTIVES = {"adversarial", "random_perturbation"}


class Intermediate(Strict):
    """STILTs: train on intermediate task(s) first, then fine-tune the encoder on the target."""

    tasks: list[str] = Field(min_length=1)
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    sampling: Literal["proportional", "temperature", "uniform"] = "proportional"
    temperature: float = Field(default=1.0, gt=0)
    continued_mlm: bool = False  # the multilingual-MLM ablation of arXiv 2005.13013
    hyperparameters: Hyperparameters = Hyperparameters()

    @field_validator("tasks")
    @classmethod
    def _known_tasks(cls, tasks):
        unknown = [t for t in tasks if t not in INTERMEDIATE_TASKS]
        if unknown:
            raise ValueError(f"unknown intermediate task(s) {unknown}; expected some of {list(INTERMEDIATE_TASKS)}")
        return tasks


class Finetune(Strict):
    objective: Objective = Plain(name="plain")
    hyperparameters: Hyperparameters = Hyperparameters()


class Recipe(Strict):
    model: Literal["xlm-roberta-large", "xlm-roberta-base", "bert-base-multilingual-cased"]
    intermediate: Intermediate | None = None
    finetune: Finetune = Finetune()
    label: str | None = None  # short human name shown in the report, e.g. "RS-DA"


# --- what is measured -------------------------------------------------------------------------


class Target(Strict):
    task: str
    metric: str

    @field_validator("task")
    @classmethod
    def _known_task(cls, task):
        if task not in TARGET_TASKS:
            raise ValueError(f"unknown target task {task!r}; expected one of {list(TARGET_TASKS)}")
        return task

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric):
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; expected one of {list(METRICS)}")
        return metric


class Averaging(Strict):
    include_english: bool = False
    # generalized setting only: whether pairs with the same language on both sides count
    same_language_pairs: bool = False
    over_targets: Literal["mean"] = "mean"


class Reported(Strict):
    value: float
    unit: Literal["points"] = "points"
    split: Literal["test", "dev", "unknown"] = "unknown"


class Expected(Strict):
    direction: Literal["treatment_better", "treatment_worse", "no_difference"]


class Attack(Strict):
    kind: Literal["synonym_substitution", "character_noise", "code_switching"]
    rate: float = Field(default=0.2, gt=0, le=1)


class SpecBase(Strict):
    id: str = Field(pattern=SPEC_ID)
    title: str = Field(min_length=1)
    source: Source
    notes: str | None = None


class Runnable(SpecBase):
    targets: list[Target] = Field(min_length=1)
    setting: Literal["zero_shot", "generalized"] = "zero_shot"
    averaging: Averaging = Averaging()
    baseline: Recipe
    treatment: Recipe
    seeds: int = Field(default=3, ge=1, le=20)
    attack: Attack | None = None  # measure the metric under this perturbation (robustness questions)

    @model_validator(mode="after")
    def _generalized_needs_pairs(self):
        if self.setting == "generalized":
            bad = [t.task for t in self.targets if t.task not in ("xnli", "pawsx")]
            if bad:
                raise ValueError(
                    f"setting 'generalized' needs sentence-pair targets (xnli, pawsx); got {bad}"
                )
        # the label is only a display name: two recipes that differ in nothing else are the same
        if self.baseline.model_dump(exclude={"label"}) == self.treatment.model_dump(exclude={"label"}):
            raise ValueError("baseline and treatment are the same recipe: nothing to compare")
        return self


class Claim(Runnable):
    kind: Literal["claim"]
    reported: Reported
    tolerance: float = Field(gt=0)


class Hypothesis(Runnable):
    kind: Literal["hypothesis"]
    question: str = Field(min_length=1)
    expected: Expected
    seed_document: str | None = None


class Background(SpecBase):
    kind: Literal["background"]
    statement: str = Field(min_length=1)


Spec = Annotated[Union[Claim, Hypothesis, Background], Field(discriminator="kind")]


class SpecFile(Strict):
    specs: list[Spec] = Field(min_length=1)


# --- loading ----------------------------------------------------------------------------------


def _field_path(loc: tuple) -> str:
    # pydantic adds the union tag to the location ("baseline.finetune.objective.adversarial.epsilon");
    # keep the data path a user can find in the YAML.
    tags = {"claim", "hypothesis", "background", "plain", "adversarial", "random_perturbation",
            "data_augmentation"}
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in tags)]
    return ".".join(parts) or "(top level)"


def _describe(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (not in the schema; check the spelling)"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return f"unknown {ctx.get('discriminator', 'kind')} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"missing the '{'kind' if 'kind' in error['msg'] else 'name'}' field that says which kind this is"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{message} (got {error.get('input')!r})" if "input" in error and not isinstance(
        error.get("input"), (dict, list)) else message


def parse_file(path: Path) -> list[Claim | Hypothesis | Background]:
    """Parse and validate one YAML file; raise SpecError with every problem found in it."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError([f"{path}: not valid YAML: {exc}"]) from exc
    except OSError as exc:
        raise SpecError([f"{path}: cannot read: {exc}"]) from exc
    if not isinstance(raw, dict) or "specs" not in raw:
        raise SpecError([f"{path}: expected a mapping with a 'specs:' list at the top level"])
    items = raw["specs"]
    if not isinstance(items, list) or not items:
        raise SpecError([f"{path}: 'specs' must be a non-empty list"])
    # keys starting with "x-" hold YAML anchors shared by several specs (as in docker-compose)
    extra = sorted(k for k in raw if k != "specs" and not str(k).startswith("x-"))
    problems = [f"{path}: unknown top-level field(s) {extra}; expected 'specs' (and 'x-' anchor blocks)"] if extra else []
    specs = []
    for index, item in enumerate(items):
        spec_id = item.get("id", f"#{index}") if isinstance(item, dict) else f"#{index}"
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


def load_specs(paths: list[Path] | None = None) -> list[Claim | Hypothesis | Background]:
    """Load every spec from the given files or folders (default: claims/); ids must be unique."""
    files: list[Path] = []
    for path in [Path(p) for p in (paths or [CLAIMS_DIR])]:
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


def runnable(specs) -> list[Claim | Hypothesis]:
    return [s for s in specs if s.kind in ("claim", "hypothesis")]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
