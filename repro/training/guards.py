"""Guards around the Trainer's loop: resume to exactly the planned steps, account for the loss over
every step, stop on a non-finite loss, and say what to change when the device runs out of memory.

Facts from ``transformers`` 5.24 (``trainer.py``, ``trainer_callback.py``) these rely on:

- ``DefaultFlowCallback.on_step_end`` saves a checkpoint at the last step (``max_steps``) when the
  save strategy is "steps", so a run killed after training (during evaluation or the store write)
  leaves a checkpoint of its final weights;
- ``Trainer._inner_training_loop`` restores ``global_step`` from that checkpoint and then runs the
  epoch's next optimisation step before it checks ``global_step >= max_steps``: resuming from the
  final checkpoint trains one step too many (7 steps stored under the key of a 6-step run). A
  finished checkpoint is therefore loaded, never resumed (:func:`train_or_restore`);
- the ``train_loss`` a resumed ``train()`` returns averages only the steps of that call; the loss of
  the whole run is rebuilt from ``state.log_history``, which the checkpoint carries
  (:func:`run_loss`), with a log entry forced at every checkpoint and at the last step so that the
  entries cover every step;
- ``logging_nan_inf_filter`` (on by default) replaces a NaN or infinite step loss by the mean of
  the earlier ones, which hides a diverged run; :func:`repro.training.arguments.training_arguments`
  turns it off and :class:`LossWatch` stops the run at the first log whose loss is not finite. The
  logged loss is the mean over every process of a launched job (``nested_gather``), so every rank
  stops at the same step.
"""

from __future__ import annotations

import math
from pathlib import Path

from transformers import Trainer, TrainerCallback, TrainerState

from repro.training.checkpointing import COMPLETE_MARKER, complete_checkpoint

TRAINER_STATE = COMPLETE_MARKER  # the Trainer's state file, written last in a checkpoint


class TrainingDiverged(RuntimeError):
    """The training loss became NaN or infinite: the run stops and is stored as failed with this reason."""


class DeviceOutOfMemory(RuntimeError):
    """The device ran out of memory while training; the message names the batch layout to change."""


class LossWatch(TrainerCallback):
    """Logs the loss at every checkpoint and at the last step, and stops on a non-finite loss."""

    def on_step_end(self, args, state, control, **kwargs):
        # the flow callback (which runs before this one) has decided whether this step saves
        if control.should_save or state.global_step >= state.max_steps:
            control.should_log = True
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            earlier = [e["step"] for e in state.log_history[:-1] if "loss" in e]
            first = (earlier[-1] if earlier else 0) + 1
            span = f"step {state.global_step}" if first == state.global_step else \
                f"steps {first}-{state.global_step}"
            raise TrainingDiverged(
                f"training diverged: the training loss was {loss} at {span} (of {state.max_steps}); "
                f"lower the learning rate ({args.learning_rate:g}) or check the data")
        return control


def run_loss(log_history: list[dict]) -> float | None:
    """Mean training loss over every step of the run, from the log entries (each the mean loss of
    the steps since the previous entry); None when nothing was logged."""
    total, previous = 0.0, 0
    for entry in log_history:
        if "loss" in entry and "step" in entry:
            total += entry["loss"] * (entry["step"] - previous)
            previous = entry["step"]
    return total / previous if previous else None


def checkpoint_step(checkpoint: str | Path) -> int | None:
    """The optimisation step a Trainer checkpoint was saved at (None when it has no readable state)."""
    path = Path(checkpoint) / TRAINER_STATE
    try:
        return int(TrainerState.load_from_json(str(path)).global_step)
    except (OSError, ValueError, TypeError):
        return None


def is_out_of_memory(exc: BaseException) -> bool:
    """A device allocation failure: torch's OutOfMemoryError, or a RuntimeError that says so
    (older CUDA paths and other backends raise a plain RuntimeError 'out of memory')."""
    import torch

    if isinstance(exc, torch.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def out_of_memory_advice(args) -> str:
    """What to change after an out-of-memory error, from the run's batch layout."""
    per_device, accumulation = args.per_device_train_batch_size, args.gradient_accumulation_steps
    world = args.world_size
    effective = per_device * accumulation * world
    smaller = max(1, per_device // 2)
    return (f"out of memory while training with a per-device batch of {per_device} and {accumulation} "
            f"gradient accumulation step(s) on {world} process(es) (effective batch {effective}): set "
            f"XLT_REPRO_MAX_DEVICE_BATCH={smaller} to train the same effective batch in smaller device "
            f"batches with more accumulation steps, or use more processes or a device with more memory")


def train_or_restore(trainer: Trainer) -> dict:
    """Train up to ``max_steps``, resuming from the newest complete checkpoint in the trainer's output
    folder if there is one, or load a checkpoint that already reached them; returns the steps, the
    mean loss over the whole run and where it resumed from."""
    resume = complete_checkpoint(trainer.args.output_dir) if trainer.args.output_dir else None
    max_steps = trainer.args.max_steps
    if resume is not None and (checkpoint_step(resume) or 0) >= max_steps:
        # killed after training ended: the checkpoint holds the final weights and the whole log
        trainer.state = TrainerState.load_from_json(str(Path(resume) / TRAINER_STATE))
        trainer._load_from_checkpoint(resume)
        steps = trainer.state.global_step
    else:
        try:
            steps = trainer.train(resume_from_checkpoint=resume).global_step
        except BaseException as exc:
            if is_out_of_memory(exc):
                raise DeviceOutOfMemory(out_of_memory_advice(trainer.args)) from exc
            raise
    return {"steps": steps, "loss": run_loss(trainer.state.log_history), "resumed_from": resume}
