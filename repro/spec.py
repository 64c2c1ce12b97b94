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
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator, model_validator

from repro import catalog
from repro.io import claims_dir
from repro.languages import load_languages
from repro.safe_yaml import YamlLimitError, load_bounded, short_repr

ARXIV_ID = r"^\d{4}\.\d{4,5}$"
SPEC_ID = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
MAX_SEEDS = 100  # seeds per claim a command may ask for (--seeds): 3 runs or more each


class SpecError(Exception):
    """A spec that does not validate. ``str()`` gives 'file: spec id: field: what was expected'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Strict(BaseModel):
    # every float must be finite: a NaN or infinite tolerance or value would make any effect "reproduced"
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    """Values for the full profile (the paper's or the released scripts'; cite each in the spec).
    Scaled profiles replace the epochs by their step budget."""

    learning_rate: float = Field(default=2e-5, gt=0, lt=1)
    batch_size: int = Field(default=32, ge=1, le=65_536)  # the effective batch (per device x accumulation x devices)
    epochs: float = Field(default=3, gt=0, le=1_000)
    max_length: int = Field(default=128, ge=8, le=4096)
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    weight_decay: float = Field(default=0.0, ge=0, le=1)  # on every weight but biases and LayerNorm weights
    select_on: Literal["last", "english_dev"] = "english_dev"
    # selection every N optimisation steps (and at the end), as the released scripts evaluate;
    # None: at every epoch's end
    eval_steps: int | None = Field(default=None, ge=1, le=10_000_000)
    # selection scores the first N English dev examples only (jiant: 500); None: all of them
    eval_subset: int | None = Field(default=None, ge=1, le=100_000_000)
    # QA: the length of question + context windows and their stride (XTREME and jiant: 384, 128)
    qa_max_length: int | None = Field(default=None, ge=16, le=4096)
    doc_stride: int | None = Field(default=None, ge=1, le=4096)
    # controls only: a planted effect (a share of training labels replaced by uniform draws) or a
    # null one (every random choice of the run seeded from seed + seed_offset)
    label_noise: float = Field(default=0.0, ge=0, le=1)
    seed_offset: int = Field(default=0, ge=0, le=1_000_000)


class HyperparameterOverrides(Strict):
    """Per-task values that replace the recipe's (jiant's XTREME scripts fine-tune each target with its own)."""

    learning_rate: float | None = Field(default=None, gt=0, lt=1)
    batch_size: int | None = Field(default=None, ge=1, le=65_536)
    epochs: float | None = Field(default=None, gt=0, le=1_000)
    max_length: int | None = Field(default=None, ge=8, le=4096)
    warmup_ratio: float | None = Field(default=None, ge=0, lt=1)
    weight_decay: float | None = Field(default=None, ge=0, le=1)
    select_on: Literal["last", "english_dev"] | None = None
    eval_steps: int | None = Field(default=None, ge=1, le=10_000_000)
    eval_subset: int | None = Field(default=None, ge=1, le=100_000_000)
    qa_max_length: int | None = Field(default=None, ge=16, le=4096)
    doc_stride: int | None = Field(default=None, ge=1, le=4096)

    def apply(self, base: Hyperparameters) -> Hyperparameters:
        return base.model_copy(update=self.model_dump(exclude_none=True))


class Retrieval(Strict):
    """How retrieval targets (BUCC, Tatoeba) are scored with the encoder: no training."""

    # an index into transformers' hidden_states: 0 is the embedding output, i the i-th layer, -1 the last
    layer: int = Field(default=-1, ge=-1_000, le=1_000)
    pooling: Literal["mean", "cls"] = "mean"
    max_length: int = Field(default=512, ge=8, le=4096)


class Plain(Strict):
    name: Literal["plain"]


class Adversarial(Strict):
    """PGD in input-embedding space (see ``catalog.OBJECTIVES["adversarial"]``)."""

    name: Literal["adversarial"]
    epsilon: float = Field(default=1.0, gt=0, le=1_000)
    step_size: float = Field(default=0.5, gt=0, le=1_000)
    steps: int = Field(default=1, ge=1, le=20)
    norm: Literal["l2", "linf"] = "l2"


class RandomPerturbation(Strict):
    """Randomized smoothing by noise on input embeddings (see ``catalog.OBJECTIVES``)."""

    name: Literal["random_perturbation"]
    distribution: Literal["gaussian", "uniform"] = "gaussian"
    scale: float = Field(default=0.1, gt=0, le=1_000)


class DataAugmentation(Strict):
    """Randomized smoothing by synonym substitution (RS-DA, see ``catalog.OBJECTIVES``)."""

    name: Literal["data_augmentation"]
    copies: int = Field(default=10, ge=1, le=100)
    synonyms: Literal["profile_default", "counterfitted", "embedded"] = "profile_default"


Objective = Annotated[
    Union[Plain, Adversarial, RandomPerturbation, DataAugmentation], Field(discriminator="name")
]


class LanguageRule(Strict):
    """Training languages chosen from language metadata by rule (repro.languages), not hand-listed:
    the languages the task ``among`` has training data in, then English (if included), those the
    ``high`` rule keeps, and ``low_count`` languages from distinct families that the ``low`` rule keeps."""

    among: str  # a task whose training languages are the candidates (its translated training sets)
    include_english: bool = True
    high: str | None = None  # e.g. "joshi>=4"
    low: str | None = None  # e.g. "joshi<=3"
    low_count: int = Field(default=0, ge=0, le=100)

    @model_validator(mode="after")
    def _something_to_choose(self):
        if self.among not in catalog.TASKS:
            raise ValueError(f"unknown task {self.among!r} in among")
        if self.low and not self.low_count:
            raise ValueError("a low-resource rule needs low_count (how many languages, from distinct families)")
        return self


class Intermediate(Strict):
    """STILTs: train on intermediate task(s) first, then fine-tune the encoder on the target."""

    tasks: list[str] = Field(min_length=1)
    languages: list[str] | LanguageRule = Field(default_factory=lambda: ["en"])
    # the same number of training examples whatever the languages (drawn evenly over them, seeded), so
    # that arms with more languages do not also train on more data; None: every example
    examples: int | None = Field(default=None, ge=1, le=100_000_000)
    # a task no source serves on a profile: the spec is "not run" (default), or the task is left out
    # and named (a multi-task set "as far as sources exist")
    missing_tasks: Literal["not_run", "skip"] = "not_run"
    sampling: Literal["proportional", "temperature", "uniform"] = "proportional"
    temperature: float = Field(default=1.0, gt=0, le=1_000)
    continued_mlm: bool = False  # the multilingual-MLM ablation of arXiv 2005.13013
    hyperparameters: Hyperparameters = Hyperparameters(select_on="last")

    @field_validator("hyperparameters")
    @classmethod
    def _keeps_the_last_weights(cls, hp):
        # the intermediate stage keeps its last weights, as jiant's simple runscript does (it evaluates
        # nothing during training); a select_on that would be ignored is refused instead
        if hp.select_on != "last":
            raise ValueError("an intermediate stage keeps its last weights: write select_on: last")
        return hp

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, languages):
        if isinstance(languages, list):
            known = load_languages()
            unknown = [code for code in languages if code not in known]
            if unknown:
                raise ValueError(f"unknown language code(s) {unknown}; expected codes of repro/data/languages.yaml "
                                 f"such as {sorted(known)[:6]}")
        return languages

    @field_validator("tasks")
    @classmethod
    def _known_tasks(cls, tasks):
        allowed = catalog.intermediate_tasks()
        unknown = [t for t in tasks if t not in allowed]
        if unknown:
            raise ValueError(f"unknown intermediate task(s) {unknown}; expected some of {list(allowed)}")
        return tasks


class Finetune(Strict):
    objective: Objective = Plain(name="plain")
    hyperparameters: Hyperparameters = Hyperparameters()
    # target task -> values that replace the recipe's for that target (X-STILTs: epochs per task)
    per_task: dict[str, HyperparameterOverrides] = Field(default_factory=dict)

    @field_validator("per_task")
    @classmethod
    def _known_targets(cls, per_task):
        unknown = sorted(set(per_task) - set(catalog.target_tasks()))
        if unknown:
            raise ValueError(f"per_task names unknown target task(s) {unknown}")
        return per_task

    def hyperparameters_for(self, task: str) -> Hyperparameters:
        overrides = self.per_task.get(task)
        return overrides.apply(self.hyperparameters) if overrides else self.hyperparameters


class Recipe(Strict):
    model: str
    intermediate: Intermediate | None = None
    finetune: Finetune = Finetune()
    retrieval: Retrieval = Retrieval()
    label: str | None = None  # short human name shown in the report, e.g. "RS-DA"

    @field_validator("model")
    @classmethod
    def _known_model(cls, model):
        if model not in catalog.MODEL_NAMES:
            raise ValueError(f"unknown model {model!r}; expected one of {list(catalog.MODEL_NAMES)}")
        return model


# --- what is measured -------------------------------------------------------------------------


class Target(Strict):
    task: str
    metric: str

    @field_validator("task")
    @classmethod
    def _known_task(cls, task):
        allowed = catalog.target_tasks()
        if task not in allowed:
            raise ValueError(f"unknown target task {task!r}; expected one of {list(allowed)}")
        return task

    @model_validator(mode="after")
    def _metric_of_task(self):
        # a metric the task's kind never produces would fail only after training: refuse it here
        produced = catalog.task_metrics(self.task)
        if self.metric not in produced:
            raise ValueError(f"task {self.task!r} is not scored with metric {self.metric!r}; "
                             f"it produces {list(produced)}")
        return self


class Reported(Strict):
    value: float = Field(ge=-100, le=100)  # a difference of two scores in points
    unit: Literal["points"] = "points"
    split: Literal["test", "dev", "unknown"] = "unknown"


class Expected(Strict):
    direction: Literal["treatment_better", "treatment_worse", "no_difference"]
    # no_difference: the equivalence margin in points (two one-sided tests), required and stated
    margin: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _margin_for_no_difference(self):
        if self.direction == "no_difference" and self.margin is None:
            raise ValueError("direction no_difference needs a margin (points) for the equivalence test")
        if self.direction != "no_difference" and self.margin is not None:
            raise ValueError("a margin applies to direction no_difference only")
        return self


class SpecBase(Strict):
    id: str = Field(pattern=SPEC_ID, max_length=100)
    title: str = Field(min_length=1)
    source: Source
    notes: str | None = None


class Averaging(Strict):
    include_english: bool = False
    # generalized setting only: whether pairs with the same language on both sides count
    same_language_pairs: bool = False
    over_targets: Literal["mean"] = "mean"
    # when a profile cannot serve some targets: judge the mean over the others only if the spec says
    # they stand for the reported average; otherwise the spec reads "not run: needs ..."
    remaining_targets_stand_for_average: bool = False


class Selection(Strict):
    """A treatment chosen per target among candidate recipes: the candidate whose target run scores
    best on the target's English dev set (mean over seeds) is the treatment for that target, as
    "our best intermediate-task model for each target task" (arXiv 2005.13013) reads."""

    label: str = Field(min_length=1)
    select_from: list[Recipe] = Field(min_length=2)

    @property
    def model(self) -> str:
        return self.select_from[0].model


class Attack(Strict):
    """A perturbation attack at evaluation (repro.attacks): every test set is scored clean and attacked.

    ``measure`` says what the verdict compares between the arms: the score under attack, or its
    change from the clean score (attacked - clean in points: a drop is negative, so a higher value
    is more robust and "treatment_better" means the treatment loses less).
    """

    kind: Literal["synonym_substitution", "character_noise", "code_switching", "distractor"]
    rate: float = Field(default=0.2, gt=0, le=1)
    measure: Literal["attacked", "change"] = "attacked"

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.rate:g}"


def _treatment_kind(value) -> str:
    if isinstance(value, Selection) or (isinstance(value, dict) and "select_from" in value):
        return "selection"
    return "recipe"


Treatment = Annotated[Union[Annotated[Recipe, Tag("recipe")], Annotated[Selection, Tag("selection")]],
                      Discriminator(_treatment_kind)]


class Reading(Strict):
    """One way to read an ambiguous sentence (setting, model size, split, method): planned and judged
    like the spec itself, with the fields it names replacing the spec's."""

    name: str = Field(pattern=SPEC_ID, max_length=100)
    description: str = Field(min_length=1)
    setting: Literal["zero_shot", "generalized"] | None = None
    averaging: Averaging | None = None
    split: Literal["test", "dev"] | None = None
    model: str | None = None  # both arms' model
    treatment: Recipe | None = None
    attack: Attack | None = None

    @field_validator("model")
    @classmethod
    def _known_model(cls, model):
        if model is not None and model not in catalog.MODEL_NAMES:
            raise ValueError(f"unknown model {model!r}; expected one of {list(catalog.MODEL_NAMES)}")
        return model


class Runnable(Strict):
    """What every spec that trains shares: targets, setting, the two recipes, seeds."""

    targets: list[Target] = Field(min_length=1)
    setting: Literal["zero_shot", "generalized"] = "zero_shot"
    averaging: Averaging = Averaging()
    baseline: Recipe
    treatment: Treatment
    seeds: int = Field(default=3, ge=1, le=20)
    # an ambiguous sentence read several ways; empty: the spec's own fields are its only reading
    readings: list[Reading] = Field(default_factory=list)
    attack: Attack | None = None  # measure the metric under this perturbation (robustness questions)

    @model_validator(mode="after")
    def _generalized_needs_pairs(self):
        settings = {self.setting} | {r.setting for r in self.readings if r.setting}
        if "generalized" in settings:
            bad = [t.task for t in self.targets if catalog.task(t.task).kind != "pair_classification"]
            if bad:
                raise ValueError(
                    f"setting 'generalized' needs sentence-pair targets (xnli, pawsx); got {bad}"
                )
        # the label is only a display name: two recipes that differ in nothing else are the same
        if self.baseline.model_dump(exclude={"label"}) == self.treatment.model_dump(exclude={"label"}):
            raise ValueError("baseline and treatment are the same recipe: nothing to compare")
        names = [r.name for r in self.readings]
        if len(names) != len(set(names)):
            raise ValueError(f"reading names must be unique; got {names}")
        return self

    def reading_list(self) -> list[Reading]:
        """The readings to plan and judge: the spec's own, or one per declared reading."""
        return self.readings or [Reading(name="as-written", description="the spec as written")]


class Claim(SpecBase, Runnable):
    kind: Literal["claim"]
    reported: Reported
    tolerance: float = Field(gt=0, le=100)  # points


class Hypothesis(SpecBase, Runnable):
    kind: Literal["hypothesis"]
    question: str = Field(min_length=1)
    expected: Expected
    seed_document: str | None = None


class Background(SpecBase):
    kind: Literal["background"]
    statement: str = Field(min_length=1)


class Control(Runnable):
    """A check of the suite itself whose answer is known by construction (a planted effect, or a
    change that cannot matter): judged on every profile, shown apart from the papers' claims."""

    kind: Literal["control"]
    id: str = Field(pattern=SPEC_ID, max_length=100)
    title: str = Field(min_length=1)
    rationale: str = Field(min_length=1)  # why the answer is known
    notes: str | None = None
    expected: Expected
    seeds: int = Field(default=5, ge=2, le=20)  # the profile's seed count does not override it


Spec = Annotated[Union[Claim, Hypothesis, Background, Control], Field(discriminator="kind")]


class SpecFile(Strict):
    specs: list[Spec] = Field(min_length=1)


# --- loading ----------------------------------------------------------------------------------


def _field_path(loc: tuple) -> str:
    # pydantic adds the union tag to the location ("baseline.finetune.objective.adversarial.epsilon");
    # keep the data path a user can find in the YAML.
    tags = {"claim", "hypothesis", "background", "control", "recipe", "selection", "plain", "adversarial", "random_perturbation",
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
    return f"{message} (got {short_repr(error.get('input'))})" if "input" in error and not isinstance(
        error.get("input"), (dict, list)) else message


def parse_file(path: Path) -> list[Claim | Hypothesis | Background]:
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
    problems = [f"{path}: unknown top-level field(s) {extra}; expected 'specs' (and 'x-' anchor blocks)"] if extra else []
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


def load_specs(paths: list[Path] | None = None) -> list[Claim | Hypothesis | Background]:
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
