"""Multiple choice (HellaSwag, COPA, ...): one score per (context, choice) sequence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from datasets import Dataset
from transformers import AutoModelForMultipleChoice

from repro.kinds.base import EVAL_BATCH, Kind, batches, device_of
from repro.metrics import accuracy


@dataclass
class MultipleChoiceCollator:
    """Pads (batch, choices, length) inputs: flatten, pad as one batch, fold back."""

    tokenizer: Any  # a transformers tokenizer (pads a flat list of encodings)

    def __call__(self, features: list[dict]) -> dict:
        labels = [f.pop("labels") for f in features] if "labels" in features[0] else None
        n_choices = len(features[0]["input_ids"])
        keys = [k for k in features[0] if k not in ("length",)]
        flat = [{k: f[k][c] for k in keys} for f in features for c in range(n_choices)]
        batch = self.tokenizer.pad(flat, return_tensors="pt")
        batch = {k: v.view(len(features), n_choices, -1) for k, v in batch.items()}
        if labels is not None:
            batch["labels"] = torch.tensor(labels, dtype=torch.long)
        return batch


class MultipleChoiceKind(Kind):
    name = "multiple_choice"
    auto_model = AutoModelForMultipleChoice

    @staticmethod
    def _encode(dataset: Dataset, tokenizer, hp: dict) -> dict:
        contexts = [c for c, endings in zip(dataset["context"][:], dataset["endings"][:]) for _ in endings]
        endings = [e for es in dataset["endings"][:] for e in es]
        flat = tokenizer(contexts, endings, truncation=True, max_length=hp["max_length"])
        n = len(dataset["endings"][0])
        return {k: [v[i:i + n] for i in range(0, len(v), n)] for k, v in flat.items()}

    @classmethod
    def encode_train(cls, dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        def encode(batch):
            out = cls._encode(Dataset.from_dict(batch), tokenizer, hp)
            out["labels"] = batch["label"]
            out["length"] = [max(len(x) for x in choices) for choices in out["input_ids"]]
            return out

        return dataset.map(encode, batched=True, remove_columns=dataset.column_names)

    @staticmethod
    def collator(tokenizer):
        return MultipleChoiceCollator(tokenizer)

    @classmethod
    @torch.no_grad()
    def predict(cls, model, tokenizer, dataset: Dataset, hp: dict) -> np.ndarray:
        model.eval()
        encoded = cls._encode(dataset, tokenizer, hp)
        collator = MultipleChoiceCollator(tokenizer)
        predictions = []
        for start, end in batches(len(dataset), EVAL_BATCH):
            batch = collator([{k: encoded[k][i] for k in encoded} for i in range(start, end)])
            logits = model(**{k: v.to(device_of(model)) for k, v in batch.items()}).logits
            predictions.append(logits.argmax(-1).cpu().numpy())
        return np.concatenate(predictions)

    @classmethod
    def metrics(cls, predictions, dataset: Dataset, *, language: str, scoring: str, model=None) -> dict:
        return {"accuracy": accuracy(predictions, dataset["label"][:])}
