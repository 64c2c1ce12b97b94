"""Plan: specs -> RunSpecs (:mod:`repro.runspec`), deduplicated by their content hash.

A spec is planned once per reading (an ambiguous sentence read several ways, see
``spec.Reading``); readings that differ only in how results are averaged share their runs. What a
profile cannot serve (a task without a source, a training language no dataset has) is settled
here as "not run: needs ...", never raised, and the rest of the spec still runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from repro import catalog
from repro.attacks.coverage import can_attack
from repro.languages import diverse_low_resource, high_resource
from repro.models import embedded_variant
from repro.models.embedded import embedded_model_revision
from repro.models.hub import resolve_model
from repro.profiles import Profile
from repro.runspec import ModelRef, RunSpec, as_items
from repro.spec import MAX_SEEDS, Attack, Averaging, Claim, Control, Hypothesis, Reading, Recipe, Selection
from repro.tasks.hub import test_languages, training_languages
from repro.tasks.loading import task_revision
from repro.tasks.mlm_corpus import REV_WIKIPEDIA, WIKIPEDIA_ID

# the attacks package's names for the spec's attack kinds
ATTACK_KINDS = {"synonym_substitution": "synonym", "character_noise": "char_noise",
                "code_switching": "code_switch", "distractor": "distractor"}


@dataclass
class ArmPlan:
    """The runs whose metrics one arm (baseline, treatment or control) of a reading reads."""

    name: str
    label: str
    recipe: Recipe | Selection | None
    # target task (spec name) -> one RunSpec per seed
    runs: dict[str, list[RunSpec]] = field(default_factory=dict)
    # a selection arm: candidate label -> target -> runs per seed (verify chooses one per target)
    candidates: dict[str, dict[str, list[RunSpec]]] = field(default_factory=dict)

    def all_runs(self) -> list[RunSpec]:
        runs = [r for per_target in self.runs.values() for r in per_target]
        return runs + [r for cand in self.candidates.values() for per_target in cand.values() for r in per_target]


@dataclass
class ReadingPlan:
    reading: Reading
    setting: str
    averaging: Averaging
    split: str  # the split that is scored: "test" or "dev"
    attack: Attack | None
    arms: dict[str, ArmPlan]
    skipped_targets: dict[str, str]  # target -> why this profile cannot run it
    not_run: str | None = None  # the whole reading cannot run: "needs ..."
    targets: list[str] = field(default_factory=list)
    # intermediate tasks a multi-task set leaves out on this profile (missing_tasks: skip) -> why
    left_out: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.reading.name

    @property
    def runnable_targets(self) -> list[str]:
        return [t for t in self.targets if t not in self.skipped_targets]

    def all_runs(self) -> list[RunSpec]:
        return [r for arm in self.arms.values() for r in arm.all_runs()]


@dataclass
class ClaimPlan:
    spec: Claim | Hypothesis | Control
    profile: str
    seeds: list[int]
    readings: list[ReadingPlan]
    needed: list[RunSpec] = field(default_factory=list)  # every run it reads, dependencies included

    @property
    def not_run(self) -> str | None:
        """Why the spec cannot run at all on this profile (every reading is "not run"), else None."""
        reasons = [r.not_run for r in self.readings]
        return reasons[0] if all(reasons) else None

    @property
    def primary(self) -> ReadingPlan:
        return next((r for r in self.readings if not r.not_run), self.readings[0])

    @property
    def arms(self) -> dict[str, ArmPlan]:
        return self.primary.arms

    @property
    def skipped_targets(self) -> dict[str, str]:
        return self.primary.skipped_targets

    @property
    def runnable_targets(self) -> list[str]:
        return self.primary.runnable_targets

    def all_runs(self) -> list[RunSpec]:
        return list({r.key: r for reading in self.readings for r in reading.all_runs()}.values())


def model_ref(profile: Profile, model: str, pretrained: bool = True) -> ModelRef:
    if profile.model_source == "embedded":
        name = profile.embedded_model + ("" if pretrained else "-nopretrain")
        spec, _ = embedded_variant(name)
        revision = embedded_model_revision(seed=profile.data_seed, pretrain=pretrained, spec=spec)
        return ModelRef("embedded", name, revision, seed=profile.data_seed)
    hub_id, revision = resolve_model(model)
    return ModelRef("hub", hub_id, revision)


def _seed_list(spec, profile: Profile, seeds: int | None) -> list[int]:
    if spec.kind == "control":  # a control's answer needs its own seed count, whatever the profile
        return list(range(max(spec.seeds, seeds or 0)))
    count = seeds or profile.default_seeds or spec.seeds
    return list(range(count))


# --- languages --------------------------------------------------------------------------------


def spec_languages(intermediate) -> list[str]:
    """The training languages a recipe's intermediate stage names, rules resolved (repro.languages)."""
    chosen = intermediate.languages
    if isinstance(chosen, list):
        return chosen
    candidates = list(training_languages(chosen.among))
    languages = ["en"] if chosen.include_english else []
    if not chosen.high and not chosen.low:  # no rule: every language the task has training data in
        return languages + [c for c in candidates if c not in languages]
    if chosen.high:
        languages += [c for c in high_resource(candidates, chosen.high).languages if c not in languages]
    if chosen.low:
        low = diverse_low_resource([c for c in candidates if c not in languages], chosen.low_count, chosen.low)
        languages += list(low.languages)
    return languages


def _missing_languages(task: str, languages: list[str], profile: Profile) -> str | None:
    """Why the profile cannot train ``task`` in ``languages`` (None: it can)."""
    if profile.task_source != "hub":
        return None  # the embedded benchmark has training data in all its languages
    available = set(training_languages(task))
    missing = [lang for lang in languages if lang not in available]
    if not missing:
        return None
    return (f"needs {catalog.task(task).title} training data in {', '.join(missing)} (its hub sources have "
            f"{', '.join(sorted(available))})")


# --- runs -------------------------------------------------------------------------------------


def served_tasks(intermediate, profile: Profile) -> tuple[list[str], list[str]]:
    """The intermediate tasks this profile serves, and those it leaves out (``missing_tasks: skip``)."""
    served = [t for t in intermediate.tasks if profile.resolve_task(t) is not None]
    missing = [t for t in intermediate.tasks if t not in served]
    return (served, missing) if intermediate.missing_tasks == "skip" else (list(intermediate.tasks), [])


def _intermediate_run(recipe: Recipe, profile: Profile, seed: int, model: ModelRef) -> RunSpec:
    inter = recipe.intermediate
    assert inter is not None  # called for recipes with an intermediate stage
    # several real tasks may share one analog on a scaled profile (anli and mnli -> mnli): train it once
    tasks = sorted({profile.served_task(t) for t in served_tasks(inter, profile)[0]})
    revision = "+".join(task_revision(profile.task_source, t, profile.data_seed) for t in tasks)
    sampling: dict[str, object] = {"mode": inter.sampling, "continued_mlm": inter.continued_mlm,
                                   "examples": inter.examples}
    if inter.sampling == "temperature":
        sampling["temperature"] = inter.temperature
    if inter.continued_mlm and profile.task_source == "hub":
        sampling["mlm_corpus"] = f"{WIKIPEDIA_ID}@{REV_WIKIPEDIA}"
        sampling["mlm_documents"] = profile.mlm_documents
    return RunSpec(
        stage="intermediate", model=model, task="+".join(tasks), task_source=profile.task_source,
        task_revision=revision, seed=seed, data_seed=profile.data_seed,
        hyperparameters=as_items(profile.scale(inter.hyperparameters, intermediate=True)),
        objective=(("name", "plain"),),
        languages=profile.resolve_languages(spec_languages(inter)),
        sampling=as_items(sampling),
    )


def _attack_configs(attacks: list[Attack], profile: Profile) -> list[dict]:
    """The attacks a fine-tuning run evaluates, with the resources each reads on this profile."""
    out = []
    for attack in attacks:
        config = {"name": attack.name, "kind": ATTACK_KINDS[attack.kind], "rate": attack.rate}
        if attack.kind == "synonym_substitution":
            config["resource"] = "embedded" if profile.task_source == "embedded" else "counterfitted"
        elif attack.kind == "code_switching":
            config["resource"] = "embedded" if profile.task_source == "embedded" else "muse"
        out.append(config)
    return sorted(out, key=lambda c: c["name"])


def _target_run(recipe: Recipe, target: str, profile: Profile, seed: int, model: ModelRef,
                attacks: list[dict]) -> list[RunSpec]:
    """The run that produces this target's metrics, preceded by the runs it depends on."""
    chain: list[RunSpec] = []
    parent = None
    if recipe.intermediate:
        inter = _intermediate_run(recipe, profile, seed, model)
        chain.append(inter)
        parent = inter.key
    task = profile.served_task(target)
    revision = task_revision(profile.task_source, task, profile.data_seed)
    if not catalog.kind_of_task(target).trainable:
        # retrieval has no training data: score the encoder (or the intermediate checkpoint) directly
        retrieval = recipe.retrieval
        hp: dict[str, object] = {**profile.extra, "layer": profile.retrieval_layer(retrieval.layer, recipe.model),
                                 "pooling": retrieval.pooling,
              "max_length": profile.max_length or retrieval.max_length}
        if attacks:
            hp["attacks"] = attacks
        chain.append(RunSpec(
            stage="encode", model=model, task=task, task_source=profile.task_source, task_revision=revision,
            seed=seed if parent else None, data_seed=profile.data_seed, hyperparameters=as_items(hp),
            parent=parent,
        ))
        return chain
    objective = recipe.finetune.objective.model_dump()
    if objective["name"] == "data_augmentation" and objective["synonyms"] == "profile_default":
        objective["synonyms"] = "embedded" if profile.task_source == "embedded" else "counterfitted"
    hp = profile.scale(recipe.finetune.hyperparameters_for(target))
    if attacks:
        hp["attacks"] = attacks
    chain.append(RunSpec(
        stage="finetune", model=model, task=task, task_source=profile.task_source, task_revision=revision,
        seed=seed, data_seed=profile.data_seed, hyperparameters=as_items(hp),
        objective=as_items(objective), parent=parent,
    ))
    return chain


def _candidate_needs(candidate: Recipe, profile: Profile) -> str | None:
    """Why one recipe cannot run on this profile, else None."""
    for _ in [candidate]:
        inter = candidate.intermediate
        if inter is None:
            continue
        languages = spec_languages(inter)
        served, _ = served_tasks(inter, profile)
        if not served:
            return "needs a source for at least one of its intermediate tasks (" + ", ".join(inter.tasks) + ")"
        for task in served:
            if not catalog.kind_of_task(task).intermediate:
                return f"needs {catalog.task(task).kind.replace('_', ' ')} as an intermediate task"
            if profile.resolve_task(task) is None:
                return profile.missing_task(task) + " (intermediate task)"
            missing = _missing_languages(task, languages, profile)
            if missing:
                return missing
        if inter.continued_mlm and profile.task_source == "hub" and profile.mlm_documents is None:
            return "needs an MLM corpus size (mlm_documents) on this profile"
    return None


def servable_candidates(recipe: Recipe | Selection, profile: Profile) -> tuple[list[Recipe], dict[str, str]]:
    """The candidates of a recipe this profile can run, and those it cannot (label -> why): a
    selection is made among what can run; a plain recipe is its own only candidate."""
    candidates = recipe.select_from if isinstance(recipe, Selection) else [recipe]
    kept, dropped = [], {}
    for index, candidate in enumerate(candidates):
        why = _candidate_needs(candidate, profile)
        if why:
            dropped[candidate.label or f"candidate {index + 1}"] = why
        else:
            kept.append(candidate)
    return kept, dropped


def _recipe_needs(recipe: Recipe | Selection, profile: Profile) -> str | None:
    """Why a recipe cannot run on this profile (for a selection: why none of its candidates can)."""
    kept, dropped = servable_candidates(recipe, profile)
    if kept:
        return None
    return next(iter(dropped.values())) if len(dropped) == 1 else "no candidate can run: " + "; ".join(
        f"{label} {why}" for label, why in dropped.items())


def _reading_plan(spec, reading: Reading, profile: Profile, seeds: list[int], attacks: list[dict],
                  needed: list[RunSpec]) -> ReadingPlan:
    baseline, treatment = spec.baseline, reading.treatment or spec.treatment
    if reading.model:  # a model-size reading: both arms on that model
        baseline = baseline.model_copy(update={"model": reading.model})
        if isinstance(treatment, Selection):
            treatment = treatment.model_copy(update={"select_from": [
                c.model_copy(update={"model": reading.model}) for c in treatment.select_from]})
        else:
            treatment = treatment.model_copy(update={"model": reading.model})
    split = reading.split or _spec_split(spec)
    plan = ReadingPlan(reading=reading, setting=reading.setting or spec.setting,
                       averaging=reading.averaging or spec.averaging, split=split,
                       attack=reading.attack or spec.attack, arms={}, skipped_targets={},
                       targets=[t.task for t in spec.targets])
    for target in plan.targets:
        if profile.resolve_task(target) is None:
            plan.skipped_targets[target] = profile.missing_task(target)
        elif plan.attack is not None and not catalog.kind_of_task(target).trainable:
            plan.skipped_targets[target] = "needs attacks on retrieval tasks (not implemented)"
        elif plan.attack is not None and (why := _unattackable(target, plan.attack, plan.averaging, profile)):
            plan.skipped_targets[target] = why
    plan.not_run = _recipe_needs(baseline, profile) or _recipe_needs(treatment, profile)
    for arm_recipe in (baseline, treatment):
        kept, dropped = servable_candidates(arm_recipe, profile)
        plan.left_out.update({f"candidate {label}": why for label, why in dropped.items()}
                             if isinstance(arm_recipe, Selection) else {})
        for candidate in kept:
            if candidate.intermediate is not None:
                missing = served_tasks(candidate.intermediate, profile)[1]
                if missing:
                    plan.left_out.update({t: profile.missing_task(t) for t in missing})
    if plan.attack is not None and plan.attack.kind == "distractor":
        bad = [t for t in plan.runnable_targets if catalog.task(t).kind != "qa"]
        if bad:
            plan.not_run = plan.not_run or f"needs QA targets for a distractor attack (got {', '.join(bad)})"
    if not plan.not_run and not plan.runnable_targets:
        plan.not_run = "; ".join(sorted(set(plan.skipped_targets.values())))
    if plan.not_run:
        return plan
    arms: list[tuple[str, Recipe | Selection, bool]] = [("baseline", baseline, True), ("treatment", treatment, True)]
    if profile.control and spec.kind != "control":
        # plain fine-tuning of an encoder that never saw any text: what token matching alone reaches
        arms.append(("control", Recipe(model=baseline.model, label="no pretraining"), False))
    runs: list[RunSpec] = []
    for arm_name, recipe, pretrained in arms:
        model = model_ref(profile, recipe.model, pretrained)
        label = recipe.label or arm_name
        if model.source == "embedded":  # say which model really ran, not only the paper's recipe name
            label = f"{label} [{model.name}]"
        arm = ArmPlan(name=arm_name, label=label, recipe=recipe)
        for candidate in servable_candidates(recipe, profile)[0]:
            per_target: dict[str, list[RunSpec]] = {}
            for target in plan.runnable_targets:
                per_target[target] = []
                for seed in seeds:
                    chain = _target_run(candidate, target, profile, seed, model, attacks)
                    runs.extend(chain)
                    per_target[target].append(chain[-1])
            if isinstance(recipe, Selection):
                arm.candidates[candidate.label or f"candidate {len(arm.candidates) + 1}"] = per_target
            else:
                arm.runs = per_target
        plan.arms[arm_name] = arm
    if [r.key for r in plan.arms["baseline"].all_runs()] == [r.key for r in plan.arms["treatment"].all_runs()]:
        # e.g. a language rule that resolves to English alone: the effect would be 0 by construction
        plan.not_run = "its baseline and treatment resolve to the same runs on this profile"
        return plan
    needed.extend(runs)
    return plan


def _unattackable(target: str, attack: Attack, averaging: Averaging, profile: Profile) -> str | None:
    """Why no test language of ``target`` that the average reads can be attacked (None: some can)."""
    if profile.task_source != "hub":
        return None  # the embedded benchmark has every resource in every language
    config = _attack_configs([attack], profile)[0]
    languages = [lang for lang in test_languages(target) if averaging.include_english or lang != "en"]
    if any(can_attack(config["kind"], config.get("resource"), lang) for lang in languages):
        return None
    return (f"needs a {config.get('resource')} resource for the {attack.kind.replace('_', ' ')} attack in one of "
            f"{catalog.task(target).title}'s test languages ({', '.join(languages)}); none has one")


def _spec_split(spec) -> str:
    reported = getattr(spec, "reported", None)
    return "dev" if reported is not None and reported.split == "dev" else "test"


def plan_claim(spec, profile: Profile, seeds: int | None = None) -> tuple[ClaimPlan, list[RunSpec]]:
    """The spec's plan (one per reading) and every RunSpec it needs (dependencies first)."""
    seed_list = _seed_list(spec, profile, seeds)
    readings = spec.reading_list()
    # one fine-tuning run evaluates every attack any reading asks for
    attacks = _attack_configs(list({a.name: a for r in readings for a in [r.attack or spec.attack] if a}.values()),
                              profile)
    needed: list[RunSpec] = []
    plans = [_reading_plan(spec, reading, profile, seed_list, attacks, needed) for reading in readings]
    plan = ClaimPlan(spec=spec, profile=profile.name, seeds=seed_list, readings=plans)
    plan.needed = list({r.key: r for r in needed}.values())
    return plan, plan.needed


def plan_all(specs, profile: Profile, seeds: int | None = None) -> tuple[list[ClaimPlan], list[RunSpec]]:
    """Plans for every runnable spec and the deduplicated runs, dependencies before dependants."""
    if seeds is not None and (isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= MAX_SEEDS):
        raise ValueError(f"seeds must be a whole number from 1 to {MAX_SEEDS}; got {seeds!r}")
    plans, ordered, seen = [], [], set()
    for spec in specs:
        if spec.kind == "background":
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
