"""The shared trainer: one Hugging Face ``Trainer`` for every recipe and task kind.

Recipes compose: an optional intermediate stage (STILTs) whose encoder every target run reuses,
then fine-tuning on English with a training objective:

- ``plain``: cross-entropy;
- ``random_perturbation``: randomized smoothing by noise on the input embeddings
  (a reimplementation: the Robust-XLT authors released RS-DA only);
- ``adversarial``: PGD in input-embedding space (same caveat);
- ``data_augmentation``: randomized smoothing by synonym substitution (RS-DA, as released):
  the objective is plain, the training set holds N seeded augmented copies of each example.

Everything random takes its seed from the RunSpec.
"""

from __future__ import annotations

import math
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
from datasets import Dataset, concatenate_datasets
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
    set_seed,
)

from repro import evaluate as ev
from repro.plan import RunSpec
from repro.tasks.base import TaskData

# Largest per-device batch; bigger effective batches use gradient accumulation.
MAX_DEVICE_BATCH = int(os.environ.get("XLT_REPRO_MAX_DEVICE_BATCH", "32"))


# --- objectives -------------------------------------------------------------------------------


def perturb_embeddings(embeds: torch.Tensor, mask: torch.Tensor, objective: dict) -> torch.Tensor:
    """Randomized smoothing by random perturbation: noise on the real (unpadded) token embeddings."""
    scale = objective.get("scale", 0.1)
    if objective.get("distribution", "gaussian") == "gaussian":
        noise = torch.randn_like(embeds) * scale
    else:
        noise = (torch.rand_like(embeds) * 2 - 1) * scale
    return embeds + noise * mask


def _project(delta: torch.Tensor, epsilon: float, norm: str) -> torch.Tensor:
    if norm == "linf":
        return delta.clamp(-epsilon, epsilon)
    flat = delta.flatten(1).norm(dim=1).clamp_min(1e-12)
    factor = torch.clamp(epsilon / flat, max=1.0)
    return delta * factor.view(-1, *([1] * (delta.dim() - 1)))


def pgd_delta(loss_fn, embeds: torch.Tensor, mask: torch.Tensor, objective: dict) -> torch.Tensor:
    """K steps of projected gradient ascent on the loss in embedding space; returns the perturbation."""
    epsilon, step, norm = objective["epsilon"], objective["step_size"], objective.get("norm", "l2")
    delta = torch.zeros_like(embeds)
    base = embeds.detach()
    for _ in range(objective.get("steps", 1)):
        delta.requires_grad_(True)
        loss = loss_fn(base + delta * mask)
        (grad,) = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            if norm == "linf":
                delta = delta + step * grad.sign()
            else:
                grad_norm = grad.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, *([1] * (grad.dim() - 1)))
                delta = delta + step * grad / grad_norm
            delta = _project(delta * mask, epsilon, norm)
    return delta.detach()


class RecipeTrainer(Trainer):
    """``Trainer`` whose loss applies the RunSpec's robust objective in embedding space."""

    def __init__(self, *args, objective: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective = objective or {"name": "plain"}

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        name = self.objective["name"]
        if name in ("plain", "data_augmentation"):
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        inputs = dict(inputs)
        input_ids = inputs.pop("input_ids")
        core = self.accelerator.unwrap_model(model)
        embeds = core.get_input_embeddings()(input_ids)
        mask = inputs["attention_mask"].unsqueeze(-1).to(embeds.dtype)
        if name == "random_perturbation":
            outputs = model(inputs_embeds=perturb_embeddings(embeds, mask, self.objective), **inputs)
        elif name == "adversarial":
            # inner steps on the unwrapped model: no gradient sync for them under DDP
            delta = pgd_delta(lambda e: core(inputs_embeds=e, **inputs).loss, embeds, mask, self.objective)
            outputs = model(inputs_embeds=embeds + delta, **inputs)
        else:
            raise ValueError(f"unknown objective {name!r}")
        return (outputs.loss, outputs) if return_outputs else outputs.loss


# --- data -------------------------------------------------------------------------------------


def augment_pairs(dataset: Dataset, table: dict[str, list[str]], copies: int, seed: int) -> Dataset:
    """RS-DA: N augmented copies of every example, each word drawn from itself and its neighbours."""
    from repro.tasks.synonyms import augment_sentence

    rng = random.Random(seed)
    columns = {name: [] for name in dataset.column_names}
    for row in dataset:
        for _ in range(copies):
            for name in dataset.column_names:
                value = row[name]
                if name in ("sentence1", "sentence2"):
                    value = augment_sentence(value, table, rng)
                columns[name].append(value)
    return Dataset.from_dict(columns, features=dataset.features)


def synonym_table(kind: str) -> dict[str, list[str]]:
    if kind == "embedded":
        from repro.tasks.embedded import embedded_synonym_table

        return embedded_synonym_table()
    from repro.tasks.synonyms import counterfitted_table

    return counterfitted_table()


def tokenize_pairs(dataset: Dataset, tokenizer, max_length: int) -> Dataset:
    def encode(batch):
        encoded = tokenizer(batch["sentence1"], batch["sentence2"], truncation=True, max_length=max_length)
        encoded["labels"] = batch["label"]
        encoded["length"] = [len(ids) for ids in encoded["input_ids"]]
        return encoded

    return dataset.map(encode, batched=True, remove_columns=dataset.column_names)


# --- training arguments -----------------------------------------------------------------------


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def training_arguments(hp: dict, output_dir: Path, seed: int, *, n_train: int, progress: bool,
                       use_bf16: bool | None = None) -> TrainingArguments:
    """Effective batch = per-device batch x accumulation x devices, as the papers' scripts count it."""
    effective = hp["batch_size"]
    per_device = min(effective, MAX_DEVICE_BATCH)
    accumulation = max(1, math.ceil(effective / (per_device * world_size())))
    if use_bf16 is None:
        use_bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    steps_per_epoch = max(1, math.ceil(n_train / (per_device * accumulation * world_size())))
    max_steps = hp.get("max_steps") or int(math.ceil(hp["epochs"] * steps_per_epoch))
    save_steps = max(10, max_steps // 4)
    return TrainingArguments(
        output_dir=str(output_dir),
        per_device_train_batch_size=per_device,
        gradient_accumulation_steps=accumulation,
        per_device_eval_batch_size=64,
        learning_rate=hp["learning_rate"],
        weight_decay=hp.get("weight_decay", 0.0),
        warmup_steps=hp.get("warmup_ratio", 0.0),
        max_steps=max_steps,
        lr_scheduler_type="linear",
        seed=seed,
        data_seed=seed,
        bf16=use_bf16,
        train_sampling_strategy="group_by_length",  # dynamic padding wastes little inside a batch
        logging_steps=max(1, max_steps // 10),
        save_strategy="steps",
        save_steps=save_steps,
        save_total_limit=1,
        report_to="none",
        disable_tqdm=not progress,
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),
    )


# --- the runs ---------------------------------------------------------------------------------


def load_task(run: RunSpec, name: str | None = None) -> TaskData:
    from repro.tasks import load_task as _load

    return _load(run.task_source, name or run.task, seed=run.data_seed)


def resolve_model_path(run: RunSpec, store) -> str:
    """Where the run's starting weights are: a parent intermediate checkpoint, or the base model."""
    if run.parent:
        path = store.encoder_dir(run.parent)
        if not path.exists():
            raise FileNotFoundError(f"intermediate checkpoint {run.parent} is not in the store ({path})")
        return str(path)
    from repro.models import model_path

    return model_path(run.model)


def _freeze_embeddings(model, hp: dict) -> None:
    # On the tiny encoder, training the embeddings let the classifier collapse to one class
    # (notes-embedded-benchmark.md); the smoke profile freezes them.
    if hp.get("freeze_embeddings"):
        for param in model.get_input_embeddings().parameters():
            param.requires_grad_(False)


@torch.no_grad()
def predict_pairs(model, tokenizer, dataset: Dataset, max_length: int, batch_size: int = 128) -> np.ndarray:
    model.eval()
    collator = DataCollatorWithPadding(tokenizer)
    device = next(model.parameters()).device
    encoded = tokenizer(dataset["sentence1"], dataset["sentence2"], truncation=True, max_length=max_length)
    order = np.argsort([len(ids) for ids in encoded["input_ids"]])  # similar lengths pad little
    predictions = np.empty(len(dataset), dtype=np.int64)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        batch = collator([{k: encoded[k][i] for k in encoded} for i in idx])
        logits = model(**{k: v.to(device) for k, v in batch.items()}).logits
        predictions[idx] = logits.argmax(-1).cpu().numpy()
    return predictions


def evaluate_pairs(model, tokenizer, task: TaskData, max_length: int) -> dict:
    """English dev, zero-shot per language, and the generalized matrix (every ordered pair)."""
    def acc(dataset):
        return ev.accuracy(predict_pairs(model, tokenizer, dataset, max_length), dataset["label"])

    metrics = {"per_language": {lang: {"accuracy": acc(ds)} for lang, ds in task.test.items()}}
    if task.dev is not None:
        metrics["dev"] = {"accuracy": acc(task.dev)}
    if task.parallel:
        pairs = ev.generalized_pairs(task.test, same_language=False)
        # one forward pass over all pairs: far cheaper than one call per pair of languages
        joined = concatenate_datasets(list(pairs.values()))
        predictions = predict_pairs(model, tokenizer, joined, max_length)
        metrics["generalized"] = {}
        start = 0
        for (a, b), ds in pairs.items():
            part = predictions[start:start + len(ds)]
            metrics["generalized"][f"{a}|{b}"] = {"accuracy": ev.accuracy(part, ds["label"])}
            start += len(ds)
    return metrics


def finetune_pairs(run: RunSpec, store, *, progress: bool = True) -> dict:
    hp, objective = run.hp, run.objective_config
    task = load_task(run)
    set_seed(run.seed)
    model_path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSequenceClassification.from_pretrained(model_path, num_labels=task.num_labels)
    _freeze_embeddings(model, hp)
    train = task.train["en"]
    if objective["name"] == "data_augmentation":
        train = augment_pairs(train, synonym_table(objective["synonyms"]), objective["copies"], run.seed)
    train = tokenize_pairs(train, tokenizer, hp["max_length"])
    args = training_arguments(hp, store.checkpoint_dir(run), run.seed, n_train=len(train), progress=progress)
    trainer = RecipeTrainer(
        model=model, args=args, train_dataset=train, data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer, objective=objective,
    )
    started = time.perf_counter()
    resume = _last_checkpoint(store.checkpoint_dir(run))
    output = trainer.train(resume_from_checkpoint=resume)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    metrics = evaluate_pairs(trainer.model, tokenizer, task, hp["max_length"])
    return {
        **metrics,
        "train": {"steps": output.global_step, "loss": output.training_loss, "seconds": train_seconds,
                  "examples": len(train), "resumed_from": resume},
        "eval_seconds": time.perf_counter() - started,
    }


def _last_checkpoint(directory: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not Path(directory).is_dir():
        return None
    return get_last_checkpoint(str(directory))


def finetune(run: RunSpec, store, *, progress: bool = True) -> dict:
    kind = load_task(run).kind
    if kind == "pair_classification":
        return finetune_pairs(run, store, progress=progress)
    raise NotImplementedError(f"fine-tuning on {kind} tasks is not implemented yet")


def intermediate(run: RunSpec, store, *, progress: bool = True) -> dict:
    raise NotImplementedError("intermediate-task training is not implemented yet")


def encode(run: RunSpec, store) -> dict:
    raise NotImplementedError("retrieval scoring is not implemented yet")
