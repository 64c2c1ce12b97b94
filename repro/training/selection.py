"""Model selection on English dev (zero-shot: the target languages are never looked at)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from transformers import Trainer, TrainerCallback

from repro.io import write_json


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
            # load_state_dict copies into the model's own parameters, wherever they live
            trainer.model.load_state_dict(torch.load(self.weights, map_location="cpu"))
        return {"select_on": "english_dev", "metric": self.metric, **self.state}
