"""The parts of a spec: recipes (models, intermediate stages, fine-tuning objectives and their
hyperparameters), what is measured (targets, averaging, readings, attacks) and what is expected.

Allowed values come from the catalogue (repro.catalog); every model forbids unknown fields.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from repro import catalog
from repro.languages import load_languages

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
    """Training languages chosen from language metadata by rule (repro.languages), not hand-listed.

    The candidates are the languages the task ``among`` has training data in: English (if
    included), then those the ``high`` rule keeps and ``low_count`` languages from distinct
    families that the ``low`` rule keeps; with neither rule, every candidate.
    """

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


