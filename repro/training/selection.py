"""Model selection on English dev (zero-shot: the target languages are never looked at)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from transformers import Trainer, TrainerCallback

from repro.io import write_json


class EnglishDevSelection(TrainerCallback):
    """``select_on: english_dev``: score English dev during training and keep the best weights.

    Zero-shot model selection looks at English only, as XTREME, Robust-XLT and jiant do. With
    ``every`` (the RunSpec's ``eval_steps``) it scores every that many optimisation steps and once
    more at the end, as the released scripts do (Robust-XLT's run_classify.py at every save_steps,
    then the final model; jiant every eval_every_steps and at the end of training); without it, at
    every epoch's end. The best weights and the score history live in the run's checkpoint folder,
    so a resumed run keeps them.
    """

    def __init__(self, score, metric: str, directory: Path, every: int | None = None):
        self.score, self.metric, self.directory, self.every = score, metric, Path(directory), every
        self.record = self.directory / "english_dev_selection.json"
        self.weights = self.directory / "english_dev_best.pt"
        self.state = json.loads(self.record.read_text()) if self.record.exists() else {"history": []}

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if self.every and state.global_step % self.every == 0:
            self._evaluate(args, state, model)

    def on_epoch_end(self, args, state, control, model=None, **kwargs):
        if not self.every:
            self._evaluate(args, state, model)

    def on_train_end(self, args, state, control, model=None, **kwargs):
        # the final weights are a candidate too, whenever the last evaluation came before them
        if self.every and not any(h["step"] == state.global_step for h in self.state["history"]):
            self._evaluate(args, state, model)

    def _evaluate(self, args, state, model) -> None:
        value = self.score(model)[self.metric]
        # a resumed run replays the epochs after its checkpoint: their old entries are replaced
        self.state["history"] = [h for h in self.state["history"] if h["step"] < state.global_step]
        self.state["history"].append({"step": state.global_step, "epoch": state.epoch, self.metric: value})
        improved = "best" not in self.state or value > self.state["best"][self.metric]
        if improved:
            self.state["best"] = self.state["history"][-1]
        if args.process_index == 0:  # every rank scores the same dev set; rank 0 writes
            self.directory.mkdir(parents=True, exist_ok=True)
            if improved:
                tmp = self.weights.with_suffix(".tmp")
                torch.save(model.state_dict(), tmp)
                os.replace(tmp, self.weights)
            write_json(self.record, self.state)

    def restore(self, trainer: Trainer) -> dict:
        """Load the selected weights into the trained model; what was selected, for the result."""
        trainer.accelerator.wait_for_everyone()  # rank 0 may still be writing the last epoch's best
        if "best" in self.state and self.weights.exists():
            assert trainer.model is not None  # restore runs after training
            # load_state_dict copies into the model's own parameters, wherever they live
            trainer.model.load_state_dict(torch.load(self.weights, map_location="cpu"))
        return {"select_on": "english_dev", "metric": self.metric, **self.state}
