"""Fine-tuning on English with the recipe's objective, zero-shot evaluation everywhere, and
retrieval scoring (no training)."""

from __future__ import annotations

import dataclasses
import random
import time

import torch
from transformers import AutoTokenizer, PrinterCallback, Trainer, set_seed

from repro import catalog
from repro.attacks import AttackConfig
from repro.attacks.code_switch import load_muse_dictionary
from repro.attacks.coverage import can_attack
from repro.embedded import embedded_synonym_table
from repro.embedded.corpus import bilingual_dictionary, language_synonym_table
from repro.kinds import kind_of
from repro.kinds.retrieval import evaluate_retrieval
from repro.models import model_path
from repro.runspec import RunSpec
from repro.tasks.base import TaskData
from repro.tasks.loading import load_task as load_source_task
from repro.tasks.synonyms import augment_examples, counterfitted_table
from repro.training.arguments import training_arguments
from repro.training.checkpointing import TimedCheckpoints
from repro.training.guards import LossWatch, train_or_restore
from repro.training.objectives import RecipeTrainer
from repro.training.selection import EnglishDevSelection


def attack_resources(config: AttackConfig, language: str) -> dict | None:
    """The named resource an attack reads in one language, or None where none exists (that language
    is then not attacked, and its result says so): Robust-XLT's counter-fitted table is English
    only; code-switching maps a language into English with MUSE's dictionaries (the embedded
    lexicons on smoke), so English test sets are not code-switched."""
    if not can_attack(config.kind, config.resource, language):
        return None
    if config.kind == "synonym":
        if config.resource == "embedded":
            return {"embedded": language_synonym_table(language)}
        return {config.resource: counterfitted_table()}
    if config.kind == "code_switch":
        if config.resource == "embedded":
            return {"embedded": bilingual_dictionary(language)}
        return {config.resource: load_muse_dictionary(language, "en")}
    return {}


def synonym_table(kind: str) -> dict[str, list[str]]:
    return embedded_synonym_table() if kind == "embedded" else counterfitted_table()


def training_seed(run: RunSpec) -> int:
    """The seed of every random choice in training (a null control shifts it by ``seed_offset``)."""
    return run.trained_seed + int(run.hp.get("seed_offset") or 0)


def with_label_noise(train, share: float, num_labels: int, seed: int):
    """A planted effect for a control: ``share`` of the labels replaced by uniform draws over all
    labels (seeded), so a share of 1 leaves no signal at all."""
    if not share:
        return train
    rng = random.Random(f"label-noise:{seed}")
    labels = [rng.randrange(num_labels) if rng.random() < share else y for y in train["label"]]
    return train.remove_columns("label").add_column("label", labels, feature=train.features["label"])


def _first(ds, rows: int | None):
    return ds if ds is None or not rows else ds.select(range(min(rows, len(ds))))


def load_task(run: RunSpec, name: str | None = None) -> TaskData:
    """The run's task. A scaled profile may score the first ``test_rows`` of each evaluation set only,
    and a rehearsal trains on the first ``train_rows`` of each training set."""
    languages = tuple(lang for lang in run.languages if lang != "en") if run.stage == "intermediate" else ()
    task = load_source_task(run.task_source, name or run.task, seed=run.data_seed, train_languages=languages)
    test_rows, train_rows = run.hp.get("test_rows"), run.hp.get("train_rows")
    if test_rows or train_rows:
        task = dataclasses.replace(
            task, test={lang: _first(ds, test_rows) for lang, ds in task.test.items()},
            dev=_first(task.dev, test_rows),
            dev_by_language={lang: _first(ds, test_rows) for lang, ds in task.dev_by_language.items()},
            train={lang: _first(ds, train_rows) for lang, ds in task.train.items()})
    return task


def resolve_model_path(run: RunSpec, store) -> str:
    """Where the run's starting weights are: a parent intermediate checkpoint, or the base model."""
    if run.parent:
        path = store.encoder_dir(run.parent)
        if not path.exists():
            raise FileNotFoundError(f"intermediate checkpoint {run.parent} is not in the store ({path})")
        return str(path)
    return model_path(run.model)


def freeze_embeddings(model, hp: dict) -> None:
    # On the tiny encoder, training the embeddings let the classifier collapse to one class
    # (notes-embedded-benchmark.md); the smoke profile freezes them.
    if hp.get("freeze_embeddings"):
        for param in model.get_input_embeddings().parameters():
            param.requires_grad_(False)


def quiet_trainer(trainer: Trainer, progress: bool) -> None:
    """Without progress bars the Trainer would print every log dict instead: keep the terminal clean."""
    if not progress:
        trainer.remove_callback(PrinterCallback)


def set_threads(hp: dict) -> None:
    # a fixed thread count is part of the RunSpec: reductions, and so the last digits, depend on it
    if hp.get("torch_threads"):
        torch.set_num_threads(hp["torch_threads"])


def _model_and_tokenizer(run: RunSpec, store, kind, task: TaskData):
    set_threads(run.hp)
    set_seed(training_seed(run))  # the head's initialisation comes from the RunSpec's seed
    path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = kind.auto_model.from_pretrained(path, **kind.model_kwargs(task))
    freeze_embeddings(model, run.hp)
    return model, tokenizer


def fit(run: RunSpec, store, trainer_kwargs: dict, *, n_train: int, progress: bool,
        selection: EnglishDevSelection | None = None) -> tuple[RecipeTrainer, dict]:
    """Train with the RunSpec's hyperparameters and objective, resuming from a checkpoint if any."""
    args = training_arguments(run.hp, store.checkpoint_dir(run), training_seed(run), n_train=n_train,
                              progress=progress)
    callbacks = [TimedCheckpoints(), LossWatch(), *([selection] if selection else [])]
    trainer = RecipeTrainer(args=args, objective=run.objective_config, callbacks=callbacks, **trainer_kwargs)
    quiet_trainer(trainer, progress)
    started = time.perf_counter()
    trained = train_or_restore(trainer)
    info = {**trained, "examples": n_train, "seconds": time.perf_counter() - started, **layout(trainer)}
    if selection:
        info["selection"] = selection.restore(trainer)
    return trainer, info


def layout(trainer: Trainer) -> dict:
    """How the run was laid out on the hardware (not part of the RunSpec: the effective batch is)."""
    args = trainer.args
    return {"world_size": args.world_size, "per_device_batch": args.per_device_train_batch_size,
            "accumulation": args.gradient_accumulation_steps, "mixed_precision": trainer.accelerator.mixed_precision,
            "device": str(args.device)}


def finetune(run: RunSpec, store, *, progress: bool = True) -> dict:
    """English fine-tuning with the recipe's objective, then zero-shot evaluation everywhere."""
    hp, objective = run.hp, run.objective_config
    task = load_task(run)
    kind = kind_of(task)
    model, tokenizer = _model_and_tokenizer(run, store, kind, task)
    train = with_label_noise(task.train["en"], hp.get("label_noise", 0.0), task.num_labels or 0, training_seed(run))
    if objective["name"] == "data_augmentation":
        if task.kind != "pair_classification":
            raise NotImplementedError(f"RS-DA augments sentence pairs; {task.kind} is not supported")
        # RS-DA as released: N seeded augmented copies replace each example
        train = augment_examples(train, synonym_table(objective["synonyms"]), num_copies=objective["copies"],
                                 seed=training_seed(run))
    train = kind.encode_train(train, tokenizer, hp)
    selection = None
    if hp.get("select_on") == "english_dev" and task.dev is not None:
        # jiant scores the first 500 validation examples at each selection (eval_subset)
        dev = task.dev.select(range(min(hp["eval_subset"], len(task.dev)))) if hp.get("eval_subset") else task.dev
        selection = EnglishDevSelection(lambda m: kind.score(m, tokenizer, dev, hp),
                                        catalog.kind(task.kind).selection_metric, store.checkpoint_dir(run),
                                        every=hp.get("eval_steps"))
    trainer, train_info = fit(run, store, {"model": model, "train_dataset": train,
                                           "data_collator": kind.collator(tokenizer), "processing_class": tokenizer},
                              n_train=len(train), progress=progress, selection=selection)
    started = time.perf_counter()
    metrics = kind.evaluate(trainer.model, tokenizer, task, hp, attacks=hp.get("attacks"),
                            resources=attack_resources, seed=training_seed(run))
    return {**metrics, "train": train_info, "eval_seconds": time.perf_counter() - started,
            "provenance": provenance(run, task)}


def provenance(run: RunSpec, *tasks: TaskData) -> dict:
    """The data and model commits a run really read (for an unpinned dataset, the commit its
    download resolved to), recorded in the result beside the RunSpec's planned revisions."""
    return {"data": [task.revision for task in tasks], "model": f"{run.model.name}@{run.model.revision}"}


def encode(run: RunSpec, store, *, progress: bool = True) -> dict:
    """Retrieval without training: score the base encoder or an intermediate checkpoint directly."""
    task = load_task(run)
    set_threads(run.hp)
    path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return {**evaluate_retrieval(path, tokenizer, task, run.hp), "provenance": provenance(run, task)}
