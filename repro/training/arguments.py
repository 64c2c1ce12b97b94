"""Training arguments from a RunSpec's hyperparameters: batch layout over devices, precision, schedule."""

from __future__ import annotations

import math
import os
from pathlib import Path

import torch
from transformers import TrainingArguments

from repro.launch import DDP_TIMEOUT_SECONDS, world_size

# Largest per-device batch; bigger effective batches use gradient accumulation.
MAX_DEVICE_BATCH = int(os.environ.get("XLT_REPRO_MAX_DEVICE_BATCH", "32"))


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


def step_checkpoints(hp: dict, max_steps: int) -> int | None:
    """Steps between step-based checkpoints, or None: only the elapsed-time ones
    (:class:`repro.training.checkpointing.TimedCheckpoints`).

    A run with a fixed step budget (``max_steps`` in its hyperparameters: the scaled profiles and the
    tests that kill a run half-way) also saves every quarter of its steps (50 to 500 apart), so the
    resume path runs in minutes; the papers' epoch-based runs save by elapsed time only.
    """
    if hp.get("save_steps"):
        return int(hp["save_steps"])
    if hp.get("max_steps"):
        return max(50, min(500, max_steps // 4))
    return None


def training_arguments(hp: dict, output_dir: Path, seed: int, *, n_train: int, progress: bool) -> TrainingArguments:
    """Effective batch = per-device batch x accumulation x devices, as the papers' scripts count it."""
    world = world_size()
    per_device, accumulation = batch_layout(hp["batch_size"], world, MAX_DEVICE_BATCH)
    steps_per_epoch = max(1, math.ceil(n_train / hp["batch_size"]))
    max_steps = hp.get("max_steps") or int(math.ceil(hp["epochs"] * steps_per_epoch))
    save_steps = step_checkpoints(hp, max_steps)
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
        # a NaN or infinite step loss must reach the logs (repro.training.guards.LossWatch stops the
        # run there); the filter would replace it by the mean of the earlier losses
        logging_nan_inf_filter=False,
        save_strategy="steps" if save_steps else "no",  # and by elapsed time: training.checkpointing
        save_steps=save_steps or 500,
        save_total_limit=1,
        report_to="none",
        disable_tqdm=not progress,
        log_level_replica="passive",
        # a rank that fails leaves the others waiting in a collective: they stop after this long
        ddp_timeout=DDP_TIMEOUT_SECONDS,  # the other ranks of a launched job stay as quiet as rank 0
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),
    )
