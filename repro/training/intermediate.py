"""Intermediate-task training (STILTs): one encoder, a light head per task, single-task batches.

The encoder is saved for every target run that starts from it; the heads are dropped.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import torch
from datasets import Dataset, concatenate_datasets
from transformers import AutoModel, AutoModelForMaskedLM, AutoTokenizer, DataCollatorForLanguageModeling, set_seed

from repro.io import atomic_directory
from repro.kinds import kind_of
from repro.runspec import RunSpec
from repro.tasks.mlm_corpus import load_mlm_corpus
from repro.training.arguments import training_arguments
from repro.training.checkpointing import TimedCheckpoints
from repro.training.finetune import (
    freeze_embeddings,
    layout,
    load_task,
    provenance,
    quiet_trainer,
    resolve_model_path,
    set_threads,
    training_seed,
)
from repro.training.guards import LossWatch, train_or_restore
from repro.training.objectives import RecipeTrainer


class MultiTaskModel(torch.nn.Module):
    """The encoder being trained plus one light head per intermediate task (and MLM, optionally).

    The heads are dropped after this stage: every target run starts from the encoder alone with a
    fresh head of its own, as in STILTs. The encoder is held once (inside the masked-LM model when
    MLM continues), so no tensor is saved twice in a checkpoint.
    """

    def __init__(self, path: str, heads: dict[str, tuple[str, int | None]], continued_mlm: bool):
        super().__init__()
        self.backbone = AutoModelForMaskedLM.from_pretrained(path) if continued_mlm else AutoModel.from_pretrained(path)
        hidden = self.encoder.config.hidden_size
        self.kinds = {name: kind for name, (kind, _) in heads.items()}
        self.heads = torch.nn.ModuleDict()
        for name, (kind, labels) in heads.items():
            num_labels = int(labels or 0)
            if kind in ("pair_classification", "single_classification") and num_labels < 2:
                raise ValueError(f"intermediate task {name}: a classification head needs its label names")
            if kind in ("pair_classification", "single_classification"):
                self.heads[name] = torch.nn.Sequential(
                    torch.nn.Dropout(0.1), torch.nn.Linear(hidden, hidden), torch.nn.Tanh(),
                    torch.nn.Dropout(0.1), torch.nn.Linear(hidden, num_labels))
            elif kind == "qa":
                self.heads[name] = torch.nn.Linear(hidden, 2)
            elif kind == "multiple_choice":
                self.heads[name] = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(hidden, 1))
            elif kind == "token_classification":  # as AutoModelForTokenClassification's head
                self.heads[name] = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(hidden, num_labels))
            else:
                raise NotImplementedError(f"{kind} cannot be an intermediate task")

    @property
    def encoder(self):
        return self.backbone.base_model

    def get_input_embeddings(self):
        return self.encoder.get_input_embeddings()

    def forward(self, task: str, labels=None, start_positions=None, end_positions=None, **batch):
        batch.pop("num_items_in_batch", None)  # the Trainer's loss-normalisation hint; losses here are means
        if task == "mlm":
            return {"loss": self.backbone(labels=labels, **batch).loss}
        kind = self.kinds[task]
        shape = batch["input_ids"].shape
        if kind == "multiple_choice":  # (batch, choices, length) -> one sequence per choice
            batch = {k: v.view(-1, v.shape[-1]) for k, v in batch.items()}
        hidden = self.encoder(**batch).last_hidden_state
        loss_fn = torch.nn.functional.cross_entropy
        if kind in ("pair_classification", "single_classification"):
            return {"loss": loss_fn(self.heads[task](hidden[:, 0]), labels)}
        if kind == "multiple_choice":
            return {"loss": loss_fn(self.heads[task](hidden[:, 0]).view(shape[0], shape[1]), labels)}
        if kind == "token_classification":  # sub-tokens labelled -100 are ignored by cross_entropy
            logits = self.heads[task](hidden)
            return {"loss": loss_fn(logits.view(-1, logits.shape[-1]), labels.view(-1))}
        start_logits, end_logits = self.heads[task](hidden).unbind(-1)
        return {"loss": (loss_fn(start_logits, start_positions) + loss_fn(end_logits, end_positions)) / 2}


def sized(train: dict, languages, examples: int | None, seed: int, name: str) -> list:
    """Each language's training set, or, with ``examples``, that many examples in all drawn evenly over
    the languages (seeded; the first languages take the remainder): arms with more languages then
    train on the same amount of data. A language with fewer rows than its share gives all it has."""
    if not examples:
        return [train[lang] for lang in languages]
    share, extra = divmod(examples, len(languages))
    parts = []
    for i, lang in enumerate(languages):
        rows = list(range(len(train[lang])))
        random.Random(f"examples:{seed}:{name}:{lang}").shuffle(rows)
        parts.append(train[lang].select(sorted(rows[: share + (1 if i < extra else 0)])))
    return parts


def task_weights(sizes: dict[str, int], mode: str, temperature: float = 1.0) -> dict[str, float]:
    """Probability of drawing each task's next batch: proportional to size, tempered, or uniform."""
    if mode == "uniform":
        raw = {name: 1.0 for name in sizes}
    elif mode == "temperature":
        raw = {name: n ** (1.0 / temperature) for name, n in sizes.items()}
    else:
        raw = {name: float(n) for name, n in sizes.items()}
    total = sum(raw.values())
    return {name: value / total for name, value in raw.items()}


class TaskBatches(torch.utils.data.IterableDataset):
    """Single-task batches in a seeded order: draw a task by its weight, then its next batch.

    Each task's examples are shuffled with the seed and cycled. Under several processes every rank
    draws the same task at each step (the same seeded stream) and takes its own slice of one batch
    of world x batch_size examples: no example is seen twice per step, and the ranks run alike
    forward passes, so the Trainer's collectives over the batches (token counts, gradients) match.
    """

    def __init__(self, datasets: dict, collators: dict, weights: dict[str, float], batch_size: int,
                 total: int, seed: int, rank: int = 0, world: int = 1):
        self.datasets, self.collators, self.weights = datasets, collators, weights
        self.batch_size, self.total, self.seed, self.rank, self.world = batch_size, total, seed, rank, world

    def __iter__(self):
        rng = random.Random(self.seed)
        names = list(self.weights)
        orders = {name: [] for name in names}
        chunk = self.batch_size * self.world
        for _ in range(self.total):
            name = rng.choices(names, weights=[self.weights[n] for n in names])[0]
            while len(orders[name]) < chunk:
                fresh = list(range(len(self.datasets[name])))
                rng.shuffle(fresh)
                orders[name].extend(fresh)
            indices, orders[name] = orders[name][:chunk], orders[name][chunk:]
            mine = indices[self.rank * self.batch_size:(self.rank + 1) * self.batch_size]
            features = [{k: v for k, v in self.datasets[name][i].items() if k != "length"} for i in mine]
            batch = dict(self.collators[name](features))
            batch["task"] = name
            yield batch


class MultiTaskTrainer(RecipeTrainer):
    def __init__(self, *args, task_batches: TaskBatches, **kwargs):
        super().__init__(*args, **kwargs)
        self.task_batches = task_batches

    def get_train_dataloader(self):
        # batches are built by TaskBatches (one task per batch); the Trainer moves them to the device
        return torch.utils.data.DataLoader(self.task_batches, batch_size=None)

    def _save(self, output_dir=None, state_dict=None):
        # the masked-LM head ties its decoder to the input embeddings; safetensors' save_model
        # writes a shared tensor once (save_file refuses it), and resuming loads it back in place
        from safetensors.torch import save_model

        output_dir = output_dir or self.args.output_dir
        os.makedirs(output_dir, exist_ok=True)
        save_model(self.accelerator.unwrap_model(self.model), os.path.join(output_dir, "model.safetensors"))


def _mlm_dataset(run: RunSpec, tokenizer, hp: dict) -> Dataset:
    # multilingual MLM, as in the ablation of arXiv 2005.13013: text of every language, whatever
    # the languages of the intermediate task
    corpus = load_mlm_corpus(run.task_source, seed=run.data_seed, documents=dict(run.sampling).get("mlm_documents"))
    sentences = [s for lang in sorted(corpus) for s in corpus[lang]]
    encoded = tokenizer(sentences, truncation=True, max_length=hp["max_length"])
    return Dataset.from_dict({k: encoded[k] for k in ("input_ids", "attention_mask")})


def intermediate(run: RunSpec, store, *, progress: bool = True) -> dict:
    """Train the encoder on the intermediate task(s); save it for every target run that reuses it."""
    hp, sampling = run.hp, dict(run.sampling)
    set_threads(hp)
    set_seed(training_seed(run))
    path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(path)
    datasets, collators = {}, {}
    heads: dict[str, tuple[str, int | None]] = {}
    loaded = []
    for name in run.task.split("+"):
        task = load_task(run, name)
        loaded.append(task)
        kind = kind_of(task)
        missing = [lang for lang in run.languages if lang not in task.train]
        if missing:
            raise ValueError(f"task {name} has no training data in {missing}; it has {sorted(task.train)}")
        parts = sized(task.train, run.languages, sampling.get("examples"), training_seed(run), name)
        train = concatenate_datasets(parts)
        datasets[name] = kind.encode_train(train, tokenizer, hp)
        collators[name] = kind.collator(tokenizer)
        heads[name] = (task.kind, task.num_labels)
    if sampling.get("continued_mlm"):
        datasets["mlm"] = _mlm_dataset(run, tokenizer, hp)
        collators["mlm"] = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    model = MultiTaskModel(path, heads, continued_mlm=bool(sampling.get("continued_mlm")))
    freeze_embeddings(model, hp)
    sizes = {name: len(ds) for name, ds in datasets.items()}
    weights = task_weights(sizes, sampling.get("mode", "proportional"), sampling.get("temperature", 1.0))
    args = training_arguments(hp, store.checkpoint_dir(run), training_seed(run), n_train=sum(sizes.values()),
                              progress=progress)
    args.remove_unused_columns = False
    batches = TaskBatches(datasets, collators, weights, args.per_device_train_batch_size,
                          total=args.max_steps * args.gradient_accumulation_steps, seed=training_seed(run),
                          rank=args.process_index, world=args.world_size)
    trainer = MultiTaskTrainer(model=model, args=args, task_batches=batches, objective=run.objective_config,
                               callbacks=[TimedCheckpoints(), LossWatch()])
    quiet_trainer(trainer, progress)
    started = time.perf_counter()
    trained = train_or_restore(trainer)
    seconds = time.perf_counter() - started
    if args.process_index == 0:  # rank 0 writes
        _save_encoder(model, tokenizer, store.encoder_dir(run))
    return {"train": {**trained, "seconds": seconds, "task_sizes": sizes, "task_weights": weights,
                      **layout(trainer)},
            "provenance": provenance(run, *loaded)}


def _save_encoder(model: MultiTaskModel, tokenizer, target: Path) -> None:
    """Write the encoder beside its final place, then rename: a crash leaves no half checkpoint."""
    with atomic_directory(target) as tmp:
        model.encoder.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
