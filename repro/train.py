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

import json
import math
import os
import random
import time
from pathlib import Path

import torch
from datasets import Dataset, concatenate_datasets
from transformers import (
    AutoTokenizer,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)

from repro.launch import world_size
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


def synonym_table(kind: str) -> dict[str, list[str]]:
    if kind == "embedded":
        from repro.tasks.embedded import embedded_synonym_table

        return embedded_synonym_table()
    from repro.tasks.synonyms import counterfitted_table

    return counterfitted_table()


# --- training arguments -----------------------------------------------------------------------


def batch_layout(effective: int, world: int, max_device: int) -> tuple[int, int]:
    """(per-device batch, accumulation steps) whose product with the world size is exactly the
    effective batch the spec asks for, with at most ``max_device`` examples per device step."""
    if effective % world:
        raise ValueError(f"batch_size {effective} cannot be split evenly over {world} processes; "
                         f"launch a number of processes that divides it")
    per_process = effective // world
    accumulation = math.ceil(per_process / max_device)
    while per_process % accumulation:
        accumulation += 1
    return per_process // accumulation, accumulation


def use_bf16(hp: dict) -> bool:
    """``bf16``: true or false as the spec or profile says; unset ("auto"): on a GPU that has it."""
    setting = hp.get("bf16", "auto")
    if setting == "auto":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return bool(setting)


def training_arguments(hp: dict, output_dir: Path, seed: int, *, n_train: int, progress: bool) -> TrainingArguments:
    """Effective batch = per-device batch x accumulation x devices, as the papers' scripts count it."""
    world = world_size()
    per_device, accumulation = batch_layout(hp["batch_size"], world, MAX_DEVICE_BATCH)
    steps_per_epoch = max(1, math.ceil(n_train / hp["batch_size"]))
    max_steps = hp.get("max_steps") or int(math.ceil(hp["epochs"] * steps_per_epoch))
    # checkpoints make a long run resumable; a seconds-long run gains little from many of them
    save_steps = hp.get("save_steps") or max(50, min(500, max_steps // 4))
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
        bf16=use_bf16(hp),
        train_sampling_strategy="group_by_length",  # dynamic padding wastes little inside a batch
        logging_steps=max(1, max_steps // 10),
        save_strategy="steps",
        save_steps=save_steps,
        save_total_limit=1,
        report_to="none",
        disable_tqdm=not progress,
        log_level_replica="passive",  # the other ranks of a launched job stay as quiet as rank 0
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),
    )


# --- the runs ---------------------------------------------------------------------------------


def load_task(run: RunSpec, name: str | None = None) -> TaskData:
    """The run's task; a scaled profile may score the first ``test_rows`` of each test set only."""
    import dataclasses

    from repro.tasks import load_task as _load

    task = _load(run.task_source, name or run.task, seed=run.data_seed)
    rows = run.hp.get("test_rows")
    if rows:
        task = dataclasses.replace(
            task, test={lang: ds.select(range(min(rows, len(ds)))) for lang, ds in task.test.items()},
            dev=task.dev.select(range(min(rows, len(task.dev)))) if task.dev is not None else None)
    return task


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


def _quiet(trainer: Trainer, progress: bool) -> None:
    """Without progress bars the Trainer would print every log dict instead: keep the terminal clean."""
    if not progress:
        from transformers import PrinterCallback

        trainer.remove_callback(PrinterCallback)


def _threads(hp: dict) -> None:
    # a fixed thread count is part of the RunSpec: reductions, and so the last digits, depend on it
    if hp.get("torch_threads"):
        torch.set_num_threads(hp["torch_threads"])


def _model_and_tokenizer(run: RunSpec, store, kind, task: TaskData):
    _threads(run.hp)
    set_seed(run.seed)  # the head's initialisation comes from the RunSpec's seed
    path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = kind.auto_model.from_pretrained(path, **kind.model_kwargs(task))
    _freeze_embeddings(model, run.hp)
    return model, tokenizer


# the English dev metric a run is selected on (``select_on: english_dev``), per task kind
SELECTION_METRIC = {"pair_classification": "accuracy", "qa": "f1", "multiple_choice": "accuracy",
                    "token_classification": "f1"}


class EnglishDevSelection(TrainerCallback):
    """``select_on: english_dev``: score English dev at each epoch's end and keep the best weights.

    Zero-shot model selection looks at English only, as XTREME and Robust-XLT do. The best weights
    and the score history live in the run's checkpoint folder, so a resumed run keeps them.
    """

    def __init__(self, score, metric: str, directory: Path):
        self.score, self.metric, self.directory = score, metric, Path(directory)
        self.record = self.directory / "english_dev_selection.json"
        self.weights = self.directory / "english_dev_best.pt"
        self.state = json.loads(self.record.read_text()) if self.record.exists() else {"history": []}

    def on_epoch_end(self, args, state, control, model=None, **kwargs):
        value = self.score(model)[self.metric]
        # a resumed run replays the epochs after its checkpoint: their old entries are replaced
        self.state["history"] = [h for h in self.state["history"] if h["step"] < state.global_step]
        self.state["history"].append({"step": state.global_step, "epoch": state.epoch, self.metric: value})
        improved = "best" not in self.state or value > self.state["best"][self.metric]
        if improved:
            self.state["best"] = self.state["history"][-1]
        if args.process_index == 0:  # every rank scores the same dev set; rank 0 writes
            from repro.store import atomic_write_json

            self.directory.mkdir(parents=True, exist_ok=True)
            if improved:
                tmp = self.weights.with_suffix(".tmp")
                torch.save(model.state_dict(), tmp)
                os.replace(tmp, self.weights)
            atomic_write_json(self.record, self.state)

    def restore(self, trainer: Trainer) -> dict:
        """Load the selected weights into the trained model; what was selected, for the result."""
        trainer.accelerator.wait_for_everyone()  # rank 0 may still be writing the last epoch's best
        if "best" in self.state and self.weights.exists():
            # load_state_dict copies into the model's own parameters, wherever they live
            trainer.model.load_state_dict(torch.load(self.weights, map_location="cpu"))
        return {"select_on": "english_dev", "metric": self.metric, **self.state}


def fit(run: RunSpec, store, trainer_kwargs: dict, *, n_train: int, progress: bool,
        selection: EnglishDevSelection | None = None) -> tuple[RecipeTrainer, dict]:
    """Train with the RunSpec's hyperparameters and objective, resuming from a checkpoint if any."""
    args = training_arguments(run.hp, store.checkpoint_dir(run), run.seed, n_train=n_train, progress=progress)
    callbacks = [selection] if selection else None
    trainer = RecipeTrainer(args=args, objective=run.objective_config, callbacks=callbacks, **trainer_kwargs)
    _quiet(trainer, progress)
    resume = _last_checkpoint(store.checkpoint_dir(run))
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=resume)
    info = {"steps": output.global_step, "loss": output.training_loss, "examples": n_train,
            "seconds": time.perf_counter() - started, "resumed_from": resume, **_layout(trainer)}
    if selection:
        info["selection"] = selection.restore(trainer)
    return trainer, info


def _layout(trainer: Trainer) -> dict:
    """How the run was laid out on the hardware (not part of the RunSpec: the effective batch is)."""
    args = trainer.args
    return {"world_size": args.world_size, "per_device_batch": args.per_device_train_batch_size,
            "accumulation": args.gradient_accumulation_steps, "mixed_precision": trainer.accelerator.mixed_precision,
            "device": str(args.device)}


def finetune(run: RunSpec, store, *, progress: bool = True) -> dict:
    """English fine-tuning with the recipe's objective, then zero-shot evaluation everywhere."""
    from repro.kinds import kind_of

    hp, objective = run.hp, run.objective_config
    task = load_task(run)
    kind = kind_of(task)
    model, tokenizer = _model_and_tokenizer(run, store, kind, task)
    train = task.train["en"]
    if objective["name"] == "data_augmentation":
        if task.kind != "pair_classification":
            raise NotImplementedError(f"RS-DA augments sentence pairs; {task.kind} is not supported")
        from repro.tasks.synonyms import augment_examples

        # RS-DA as released: N seeded augmented copies replace each example
        train = augment_examples(train, synonym_table(objective["synonyms"]), num_copies=objective["copies"],
                                 seed=run.seed)
    train = kind.encode_train(train, tokenizer, hp)
    selection = None
    if hp.get("select_on") == "english_dev" and task.dev is not None:
        selection = EnglishDevSelection(lambda m: kind.score(m, tokenizer, task.dev, hp), SELECTION_METRIC[task.kind],
                                        store.checkpoint_dir(run))
    trainer, train_info = fit(run, store, {"model": model, "train_dataset": train,
                                           "data_collator": kind.collator(tokenizer), "processing_class": tokenizer},
                              n_train=len(train), progress=progress, selection=selection)
    started = time.perf_counter()
    metrics = kind.evaluate(trainer.model, tokenizer, task, hp)
    return {**metrics, "train": train_info, "eval_seconds": time.perf_counter() - started}


def _last_checkpoint(directory: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not Path(directory).is_dir():
        return None
    return get_last_checkpoint(str(directory))


def encode(run: RunSpec, store) -> dict:
    """Retrieval without training: score the base encoder or an intermediate checkpoint directly."""
    from repro.kinds import evaluate_retrieval

    task = load_task(run)
    _threads(run.hp)
    path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return evaluate_retrieval(path, tokenizer, task, run.hp)


# --- intermediate-task training (STILTs) ------------------------------------------------------


class MultiTaskModel(torch.nn.Module):
    """The encoder being trained plus one light head per intermediate task (and MLM, optionally).

    The heads are dropped after this stage: every target run starts from the encoder alone with a
    fresh head of its own, as in STILTs. The encoder is held once (inside the masked-LM model when
    MLM continues), so no tensor is saved twice in a checkpoint.
    """

    def __init__(self, path: str, heads: dict[str, tuple[str, int | None]], continued_mlm: bool):
        super().__init__()
        from transformers import AutoModel, AutoModelForMaskedLM

        self.backbone = AutoModelForMaskedLM.from_pretrained(path) if continued_mlm else AutoModel.from_pretrained(path)
        hidden = self.encoder.config.hidden_size
        self.kinds = {name: kind for name, (kind, _) in heads.items()}
        self.heads = torch.nn.ModuleDict()
        for name, (kind, num_labels) in heads.items():
            if kind == "pair_classification":
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
        if kind == "pair_classification":
            return {"loss": loss_fn(self.heads[task](hidden[:, 0]), labels)}
        if kind == "multiple_choice":
            return {"loss": loss_fn(self.heads[task](hidden[:, 0]).view(shape[0], shape[1]), labels)}
        if kind == "token_classification":  # sub-tokens labelled -100 are ignored by cross_entropy
            logits = self.heads[task](hidden)
            return {"loss": loss_fn(logits.view(-1, logits.shape[-1]), labels.view(-1))}
        start_logits, end_logits = self.heads[task](hidden).unbind(-1)
        return {"loss": (loss_fn(start_logits, start_positions) + loss_fn(end_logits, end_positions)) / 2}


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
    from repro.tasks.mlm_corpus import load_mlm_corpus

    # multilingual MLM, as in the ablation of arXiv 2005.13013: text of every language, whatever
    # the languages of the intermediate task
    corpus = load_mlm_corpus(run.task_source, seed=run.data_seed, documents=dict(run.sampling).get("mlm_documents"))
    sentences = [s for lang in sorted(corpus) for s in corpus[lang]]
    encoded = tokenizer(sentences, truncation=True, max_length=hp["max_length"])
    return Dataset.from_dict({k: encoded[k] for k in ("input_ids", "attention_mask")})


def intermediate(run: RunSpec, store, *, progress: bool = True) -> dict:
    """Train the encoder on the intermediate task(s); save it for every target run that reuses it."""
    from transformers import DataCollatorForLanguageModeling

    from repro.kinds import kind_of

    hp, sampling = run.hp, dict(run.sampling)
    _threads(hp)
    set_seed(run.seed)
    path = resolve_model_path(run, store)
    tokenizer = AutoTokenizer.from_pretrained(path)
    datasets, collators, heads = {}, {}, {}
    for name in run.task.split("+"):
        task = load_task(run, name)
        kind = kind_of(task)
        missing = [lang for lang in run.languages if lang not in task.train]
        if missing:
            raise ValueError(f"task {name} has no training data in {missing}; it has {sorted(task.train)}")
        train = concatenate_datasets([task.train[lang] for lang in run.languages])
        datasets[name] = kind.encode_train(train, tokenizer, hp)
        collators[name] = kind.collator(tokenizer)
        heads[name] = (task.kind, task.num_labels)
    if sampling.get("continued_mlm"):
        datasets["mlm"] = _mlm_dataset(run, tokenizer, hp)
        collators["mlm"] = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    model = MultiTaskModel(path, heads, continued_mlm=bool(sampling.get("continued_mlm")))
    _freeze_embeddings(model, hp)
    sizes = {name: len(ds) for name, ds in datasets.items()}
    weights = task_weights(sizes, sampling.get("mode", "proportional"), sampling.get("temperature", 1.0))
    args = training_arguments(hp, store.checkpoint_dir(run), run.seed, n_train=sum(sizes.values()),
                              progress=progress)
    args.remove_unused_columns = False
    batches = TaskBatches(datasets, collators, weights, args.per_device_train_batch_size,
                          total=args.max_steps * args.gradient_accumulation_steps, seed=run.seed,
                          rank=args.process_index, world=args.world_size)
    trainer = MultiTaskTrainer(model=model, args=args, task_batches=batches, objective=run.objective_config)
    _quiet(trainer, progress)
    resume = _last_checkpoint(store.checkpoint_dir(run))
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=resume)
    seconds = time.perf_counter() - started
    if args.process_index == 0:  # rank 0 writes
        _save_encoder(model, tokenizer, store.encoder_dir(run))
    return {"train": {"steps": output.global_step, "loss": output.training_loss, "seconds": seconds,
                      "task_sizes": sizes, "task_weights": weights, "resumed_from": resume, **_layout(trainer)}}


def _save_encoder(model: MultiTaskModel, tokenizer, target: Path) -> None:
    """Write the encoder next to its final place, then rename: a crash leaves no half checkpoint."""
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".encoder-"))
    model.encoder.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
