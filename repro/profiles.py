"""Profiles: where a spec's recipe runs, at what scale, and whether its verdict counts.

``smoke`` runs every recipe on the embedded tiny encoder and the embedded benchmark (a scale
analog: never evidence about the paper). ``full`` runs the paper's model on the real datasets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from repro import catalog
from repro.embedded import EMBEDDED_LANGUAGES
from repro.languages import load_languages, low_resource
from repro.models import embedded_variant
from repro.spec import Hyperparameters

# Which real languages map to the embedded benchmark's low-resource languages on a scaled profile:
# a rule over repro/data/languages.yaml (Joshi et al. 2020 class <= 3), the same threshold the
# research question of seed 001 uses, never a hand-kept list
LOW_RESOURCE_RULE = "joshi<=3"
LANGUAGE_TABLE = load_languages()


@dataclass(frozen=True)
class Profile:
    name: str
    comparable: bool  # may a verdict against the paper's number be asserted on this profile?
    description: str
    task_source: str  # "embedded" or "hub": where every task's data comes from (see repro.catalog)
    model_source: str
    data_seed: int = 0
    default_seeds: int | None = None  # None: the spec's own seed count
    # smoke: fixed optimisation budget instead of the paper's epochs
    max_steps: int | None = None
    intermediate_max_steps: int | None = None
    learning_rate: float | None = None
    batch_size: int | None = None
    max_length: int | None = None
    control: bool = False  # also run a no-pretraining control per target
    embedded_model: str = "tiny-xlmr"  # which embedded encoder build (model_source "embedded")
    workers: int = 1  # runs trained side by side (processes)
    # minutes of training between elapsed-time checkpoints (repro.training.checkpointing)
    checkpoint_minutes: float = 30.0
    # continued MLM on hub data: articles per language of the MLM corpus (repro.tasks.mlm_corpus)
    mlm_documents: int | None = None
    extra: dict = field(default_factory=dict)  # more hyperparameters every run of the profile gets
    rehearsal: bool = False  # every run of the plan at tiny scale: a check that the night will run

    def rehearse(self) -> Profile:
        """This profile's plan, unchanged, with every run executed at tiny scale (a few optimisation
        steps on the first rows of every split, every evaluation and selection path, one seed by
        default). ``rehearsal`` is part of every RunSpec, so a rehearsal's results live under their
        own keys, store and report and are never read as the real profile's."""
        return replace(self, name=f"{self.name}-rehearsal", comparable=False, rehearsal=True,
                       description=f"a rehearsal of the {self.name} profile: every run of its plan, a few "
                                   f"optimisation steps on the first rows of every split",
                       default_seeds=1, mlm_documents=4, workers=os.cpu_count() or 1,
                       extra={**self.extra, **REHEARSAL})

    def resolve_task(self, task: str) -> str | None:
        """The concrete task this profile runs for a spec task (its embedded analog or its hub source),
        or None if the profile has none."""
        if self.task_source == "embedded":
            return catalog.task(task).embedded
        source = catalog.hub_source(task)
        return source.name if source is not None else None

    def retrieval_layer(self, layer: int, model: str) -> int:
        """The encoder layer retrieval reads on this profile: the spec's on the real model; on the
        embedded encoder the layer at the same relative depth (layer 14 of XLM-R Large's 24 is layer
        1 of the tiny encoder's 2), so a scaled profile exercises the same code path."""
        if self.model_source != "embedded" or layer < 0:
            return layer
        depth = embedded_variant(self.embedded_model)[0].num_hidden_layers
        real = catalog.HUB_MODELS[model].layers
        return max(1, min(depth, round(layer * depth / real)))

    def served_task(self, task: str) -> str:
        """:meth:`resolve_task` for a task the caller knows the profile serves (an error otherwise)."""
        served = self.resolve_task(task)
        if served is None:
            raise ValueError(f"the {self.name} profile has no source for {task!r}: {self.missing_task(task)}")
        return served

    def missing_task(self, task: str) -> str:
        """Why this profile cannot serve a task: the "needs ..." of a plan-time "not run"."""
        definition = catalog.task(task)
        if self.task_source == "hub" and definition.hub_missing:
            return f"needs {definition.title} ({definition.hub_missing})"
        return f"needs a {self.name}-profile source for {definition.title}"

    def resolve_languages(self, languages: list[str]) -> tuple[str, ...]:
        """Training languages on this profile. The embedded benchmark has its own languages: real
        high-resource languages map to its high-resource ones, low-resource to its low-resource
        ones, as many as the recipe names (at most as many as exist), English to English."""
        if self.task_source != "embedded":
            return tuple(languages)
        pools = {level: [c for c, lang in EMBEDDED_LANGUAGES.items() if c != "en" and lang.resource == level]
                 for level in ("high", "low")}
        others = [lang for lang in languages if lang != "en"]
        # a language without a resource class (or unknown to the metadata) counts as low-resource
        low = set(low_resource([lang for lang in others if lang in LANGUAGE_TABLE], rule=LOW_RESOURCE_RULE).languages)
        low |= {lang for lang in others if lang not in LANGUAGE_TABLE or LANGUAGE_TABLE[lang].resource_class is None}
        wanted = {"high": sum(1 for lang in others if lang not in low), "low": sum(1 for lang in others if lang in low)}
        chosen = ["en"] if "en" in languages else []
        for level in ("high", "low"):
            chosen += pools[level][:wanted[level]]
        return tuple(chosen)

    def scale(self, hp: Hyperparameters, *, intermediate: bool = False) -> dict:
        """The hyperparameters a run on this profile uses (spec values, scaled for smoke)."""
        resolved = hp.model_dump()
        resolved["max_steps"] = self.intermediate_max_steps if intermediate else self.max_steps
        for name in ("learning_rate", "batch_size", "max_length"):
            value = getattr(self, name)
            if value is not None:
                resolved[name] = value
        resolved.update(self.extra)
        if self.max_steps is not None:
            # a fixed step budget replaces epochs on scaled-down profiles
            resolved["epochs"] = None
            resolved["select_on"] = "last"
        return resolved


PROFILES: dict[str, Profile] = {
    "smoke": Profile(
        name="smoke",
        comparable=False,
        description=(
            "an embedded tiny encoder of the XLM-R architecture and an embedded synthetic benchmark, "
            "on a CPU in minutes, to check the pipeline and the metrics"
        ),
        task_source="embedded",
        model_source="embedded",
        default_seeds=2,
        # measured on the embedded PAWS-X analog, 5 seeds each (the positive control's task): at
        # batch 16, lr 2e-3 and 150 steps 3 of 5 runs predicted one class everywhere (chance); at
        # batch 32, lr 5e-4 and 200 steps all 5 learnt (English .65-.71, Velan .57-.68)
        max_steps=200,
        intermediate_max_steps=150,
        learning_rate=5e-4,
        batch_size=32,
        max_length=64,
        control=True,
        # frozen embeddings stopped the tiny classifier collapsing to one class (benchmark notes);
        # one thread per run, runs side by side: tiny matrices gain nothing from a second thread
        extra={"freeze_embeddings": True, "torch_threads": 1, "qa_max_length": 128, "doc_stride": 32,
               "test_rows": 150, "generalized_rows": 60},
        workers=os.cpu_count() or 1,
    ),
    "micro": Profile(
        name="micro",
        comparable=False,
        description=(
            "a seconds-long build of the embedded encoder and a few optimisation steps: a self-check "
            "of the pipeline (tests use it); its numbers mean nothing"
        ),
        task_source="embedded",
        model_source="embedded",
        embedded_model="micro-xlmr",
        default_seeds=2,
        max_steps=6,
        intermediate_max_steps=6,
        learning_rate=1e-3,
        batch_size=8,
        max_length=48,
        control=True,
        extra={"torch_threads": 1, "qa_max_length": 96, "doc_stride": 24},
        workers=os.cpu_count() or 1,
    ),
    "full": Profile(
        name="full",
        comparable=True,
        description="the paper's model on the real hub datasets, GPU runners",
        task_source="hub",
        model_source="hub",
        # about 5 paragraphs an article: some 40k MLM texts in 40 languages beside SQuAD's 88k
        # questions (the paper's mixing rate is not confirmed)
        mlm_documents=200,
    ),
}


# what a rehearsal changes in every run: two optimisation steps on the first 16 training rows, the
# first 8 rows of every evaluation set, and selection at every step on 8 English dev rows (so the
# selection path of the real runs is exercised too); one thread per run, runs side by side (measured
# offline on 2 cores: two runs of two threads each took about 2.5x as long per run as one alone)
REHEARSAL = {"rehearsal": True, "max_steps": 2, "train_rows": 16, "test_rows": 8, "generalized_rows": 4,
             "eval_steps": 1, "eval_subset": 8, "torch_threads": 1}


def get_profile(name: str, *, rehearse: bool = False) -> Profile:
    """A profile by name; ``rehearse`` gives its rehearsal (see :meth:`Profile.rehearse`)."""
    if name.endswith("-rehearsal"):
        name, rehearse = name.removesuffix("-rehearsal"), True
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; expected one of {sorted(PROFILES)} (or <name>-rehearsal)")
    return PROFILES[name].rehearse() if rehearse else PROFILES[name]
