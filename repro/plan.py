"""Plan: claim specs -> RunSpecs, deduplicated by a content hash of what changes the numbers.

A RunSpec is pure data. Its hash is the store key: it covers the model and its revision, the
task and its data revision, the recipe stage, objective, resolved hyperparameters, seeds, the
parent checkpoint (for STILTs) and the trainer's code version, and nothing else (not the
profile's name, not the claim that asked for it), so a baseline shared by two claims trains once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from repro.profiles import SUPPORTED_KINDS, TASK_KIND, Profile
from repro.spec import REIMPLEMENTED_OBJECTIVES, Claim, Hypothesis, Recipe

# Bump when the trainer or evaluation code changes numbers for an unchanged RunSpec.
TRAINER_VERSION = "2"  # 2: select_on english_dev restores the best epoch


@dataclass(frozen=True)
class ModelRef:
    source: str  # "embedded" | "hub"
    name: str
    revision: str
    seed: int = 0  # the embedded encoder's build seed


@dataclass(frozen=True)
class RunSpec:
    stage: str  # "intermediate" | "finetune" | "encode" (retrieval: no training)
    model: ModelRef
    task: str  # task name in the profile's task source; "+"-joined for multi-task intermediate
    task_source: str
    task_revision: str
    seed: int | None
    data_seed: int
    hyperparameters: tuple = ()  # sorted (name, value) pairs
    objective: tuple = ()  # sorted (name, value) pairs
    languages: tuple = ("en",)  # training languages
    sampling: tuple = ()  # multi-task sampling settings
    parent: str | None = None  # hash of the intermediate RunSpec whose encoder this run starts from
    code_version: str = TRAINER_VERSION

    @property
    def key(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def hp(self) -> dict:
        return dict(self.hyperparameters)

    @property
    def objective_config(self) -> dict:
        return dict(self.objective)

    def describe(self) -> str:
        obj = self.objective_config.get("name", "-")
        parent = f" from {self.parent}" if self.parent else ""
        seed = "" if self.seed is None else f" seed {self.seed}"
        return f"{self.stage} {self.task} [{self.model.name}] {obj}{seed}{parent}"

    @classmethod
    def from_json(cls, data: dict) -> "RunSpec":
        """The inverse of to_json (a stored runspec.json back into a RunSpec with the same key)."""
        fields = {k: v for k, v in data.items() if k != "key"}
        fields["model"] = ModelRef(**fields["model"])
        for name in ("hyperparameters", "objective", "sampling"):
            fields[name] = _items(fields[name])
        fields["languages"] = tuple(fields["languages"])
        run = cls(**fields)
        if "key" in data and run.key != data["key"]:
            raise ValueError(f"runspec does not hash to its stored key {data['key']} (code version changed?)")
        return run

    def to_json(self) -> dict:
        data = asdict(self)
        data["key"] = self.key
        data["hyperparameters"] = self.hp
        data["objective"] = self.objective_config
        data["sampling"] = dict(self.sampling)
        return data


@dataclass
class ArmPlan:
    """The runs whose metrics one arm (baseline, treatment or control) of a claim reads."""

    name: str
    label: str
    recipe: Recipe | None
    # target task (spec name) -> one RunSpec per seed
    runs: dict[str, list[RunSpec]] = field(default_factory=dict)


@dataclass
class ClaimPlan:
    spec: Claim | Hypothesis
    profile: str
    seeds: list[int]
    arms: dict[str, ArmPlan]
    # target task -> why it cannot run on this profile
    skipped_targets: dict[str, str]
    not_run: str | None = None  # the whole claim cannot run: "needs ..."

    @property
    def runnable_targets(self) -> list[str]:
        return [t.task for t in self.spec.targets if t.task not in self.skipped_targets]

    def all_runs(self) -> list[RunSpec]:
        return [r for arm in self.arms.values() for runs in arm.runs.values() for r in runs]


@lru_cache(maxsize=None)
def task_revision(source: str, name: str, data_seed: int) -> str:
    if source == "embedded":
        from repro.tasks.embedded import load_embedded_task

        return load_embedded_task(name, seed=data_seed).revision
    from repro.tasks.hub import hub_task_revision

    return hub_task_revision(name)


def model_ref(profile: Profile, model: str, pretrained: bool = True) -> ModelRef:
    if profile.model_source == "embedded":
        from repro.models import embedded_variant
        from repro.models.embedded import embedded_model_revision

        name = profile.embedded_model + ("" if pretrained else "-nopretrain")
        spec, _ = embedded_variant(name)
        revision = embedded_model_revision(seed=profile.data_seed, pretrain=pretrained, spec=spec)
        return ModelRef("embedded", name, revision, seed=profile.data_seed)
    from repro.models.hub import resolve_model

    hub_id, revision = resolve_model(model)
    return ModelRef("hub", hub_id, revision)


def _items(d: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in d.items() if v is not None))


def _seed_list(spec, profile: Profile, seeds: int | None) -> list[int]:
    count = seeds or profile.default_seeds or spec.seeds
    return list(range(count))


def _needs(spec, profile: Profile) -> tuple[str | None, dict[str, str]]:
    """What stops the claim (or some of its targets) from running on this profile."""
    if spec.attack is not None:
        return "needs attacks (perturbation attacks at evaluation are not implemented yet)", {}
    skipped = {}
    for target in spec.targets:
        kind = TASK_KIND[target.task]
        if kind not in SUPPORTED_KINDS:
            skipped[target.task] = f"needs {kind.replace('_', ' ')} (not implemented yet)"
        elif profile.resolve_task(target.task) is None:
            skipped[target.task] = f"needs a {profile.name}-profile version of {target.task}"
    for recipe in (spec.baseline, spec.treatment):
        if recipe.intermediate:
            for task in recipe.intermediate.tasks:
                kind = TASK_KIND[task]
                if kind not in SUPPORTED_KINDS or kind == "retrieval":
                    return f"needs {kind.replace('_', ' ')} as an intermediate task", skipped
                if profile.resolve_task(task) is None:
                    return f"needs a {profile.name}-profile version of intermediate task {task}", skipped
    if len(skipped) == len(spec.targets):
        return "; ".join(sorted(set(skipped.values()))), skipped
    return None, skipped


def _intermediate_run(recipe: Recipe, profile: Profile, seed: int, model: ModelRef) -> RunSpec:
    inter = recipe.intermediate
    # several real tasks may share one analog on a scaled profile (anli and mnli -> mnli): train it once
    tasks = sorted({profile.resolve_task(t) for t in inter.tasks})
    revision = "+".join(task_revision(profile.task_source, t, profile.data_seed) for t in tasks)
    sampling = {"mode": inter.sampling, "continued_mlm": inter.continued_mlm}
    if inter.sampling == "temperature":
        sampling["temperature"] = inter.temperature
    if inter.continued_mlm and profile.task_source == "hub":
        from repro.tasks.mlm_corpus import REV_WIKIPEDIA, WIKIPEDIA_ID

        sampling["mlm_corpus"] = f"{WIKIPEDIA_ID}@{REV_WIKIPEDIA}"
        sampling["mlm_documents"] = profile.mlm_documents
    return RunSpec(
        stage="intermediate",
        model=model,
        task="+".join(tasks),
        task_source=profile.task_source,
        task_revision=revision,
        seed=seed,
        data_seed=profile.data_seed,
        hyperparameters=_items(profile.scale(inter.hyperparameters, intermediate=True)),
        objective=(("name", "plain"),),
        languages=profile.resolve_languages(inter.languages),
        sampling=_items(sampling),
    )


def _target_run(recipe: Recipe, target: str, profile: Profile, seed: int, model: ModelRef) -> list[RunSpec]:
    """The run that produces this target's metrics, preceded by the runs it depends on."""
    chain = []
    parent = None
    if recipe.intermediate:
        inter = _intermediate_run(recipe, profile, seed, model)
        chain.append(inter)
        parent = inter.key
    task = profile.resolve_task(target)
    revision = task_revision(profile.task_source, task, profile.data_seed)
    if TASK_KIND[target] == "retrieval":
        # retrieval has no training data: score the encoder (or the intermediate checkpoint) directly
        chain.append(RunSpec(
            stage="encode", model=model, task=task, task_source=profile.task_source, task_revision=revision,
            seed=seed if parent else None, data_seed=profile.data_seed,
            hyperparameters=_items({**profile.extra,
                                    "max_length": profile.max_length or recipe.finetune.hyperparameters.max_length}),
            parent=parent,
        ))
        return chain
    objective = recipe.finetune.objective.model_dump()
    if objective["name"] == "data_augmentation" and objective["synonyms"] == "profile_default":
        objective["synonyms"] = "embedded" if profile.task_source == "embedded" else "counterfitted"
    chain.append(RunSpec(
        stage="finetune", model=model, task=task, task_source=profile.task_source, task_revision=revision,
        seed=seed, data_seed=profile.data_seed,
        hyperparameters=_items(profile.scale(recipe.finetune.hyperparameters)),
        objective=_items(objective), parent=parent,
    ))
    return chain


def plan_claim(spec: Claim | Hypothesis, profile: Profile, seeds: int | None = None) -> tuple[ClaimPlan, list[RunSpec]]:
    """The claim's plan and every RunSpec it needs (dependencies first)."""
    seed_list = _seed_list(spec, profile, seeds)
    not_run, skipped = _needs(spec, profile)
    plan = ClaimPlan(spec=spec, profile=profile.name, seeds=seed_list, arms={}, skipped_targets=skipped,
                     not_run=not_run)
    if not_run:
        return plan, []
    arms = [("baseline", spec.baseline, True), ("treatment", spec.treatment, True)]
    if profile.control:
        # plain fine-tuning of an encoder that never saw any text: what token matching alone reaches
        arms.append(("control", Recipe(model=spec.baseline.model, label="no pretraining"), False))
    needed: list[RunSpec] = []
    for arm_name, recipe, pretrained in arms:
        model = model_ref(profile, recipe.model, pretrained)
        label = recipe.label or arm_name
        if model.source == "embedded":  # say which model really ran, not only the paper's recipe name
            label = f"{label} [{model.name}]"
        arm = ArmPlan(name=arm_name, label=label, recipe=recipe)
        for target in plan.runnable_targets:
            arm.runs[target] = []
            for seed in seed_list:
                chain = _target_run(recipe, target, profile, seed, model)
                needed.extend(chain)
                arm.runs[target].append(chain[-1])
        plan.arms[arm_name] = arm
    return plan, needed


def plan_all(specs, profile: Profile, seeds: int | None = None) -> tuple[list[ClaimPlan], list[RunSpec]]:
    """Plans for every runnable spec and the deduplicated runs, dependencies before dependants."""
    plans, ordered, seen = [], [], set()
    for spec in specs:
        if spec.kind not in ("claim", "hypothesis"):
            continue
        plan, runs = plan_claim(spec, profile, seeds)
        plans.append(plan)
        for run in runs:
            if run.key not in seen:
                seen.add(run.key)
                ordered.append(run)
    # intermediate runs first: every finetune/encode run that starts from one finds it in the store
    ordered.sort(key=lambda r: 0 if r.stage == "intermediate" else 1)
    return plans, ordered


def is_reimplementation(recipe: Recipe) -> bool:
    return recipe.finetune.objective.name in REIMPLEMENTED_OBJECTIVES
