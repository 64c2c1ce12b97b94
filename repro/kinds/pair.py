"""Sentence-pair classification (XNLI, PAWS-X, MNLI, ...) and its generalized setting."""

from __future__ import annotations

import numpy as np
import torch
from datasets import Dataset, concatenate_datasets
from transformers import AutoModelForSequenceClassification, DataCollatorWithPadding

from repro.kinds.base import EVAL_BATCH, Kind, batches, device_of
from repro.metrics import accuracy
from repro.tasks.base import TaskData


class PairKind(Kind):
    name = "pair_classification"
    auto_model = AutoModelForSequenceClassification

    @staticmethod
    def model_kwargs(task: TaskData) -> dict:
        return {"num_labels": task.num_labels}

    @staticmethod
    def tokenize(tokenizer, first: list[str], second: list[str], hp: dict):
        return tokenizer(first, second, truncation=True, max_length=hp["max_length"])

    @classmethod
    def encode_train(cls, dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        def encode(batch):
            out = cls.tokenize(tokenizer, batch["sentence1"], batch["sentence2"], hp)
            out["labels"] = batch["label"]
            out["length"] = [len(ids) for ids in out["input_ids"]]
            return out

        return dataset.map(encode, batched=True, remove_columns=dataset.column_names)

    @classmethod
    @torch.no_grad()
    def predict(cls, model, tokenizer, dataset: Dataset, hp: dict) -> np.ndarray:
        model.eval()
        collator = DataCollatorWithPadding(tokenizer)
        encoded = cls.tokenize(tokenizer, dataset["sentence1"][:], dataset["sentence2"][:], hp)
        order = np.argsort([len(ids) for ids in encoded["input_ids"]])  # similar lengths pad little
        predictions = np.empty(len(dataset), dtype=np.int64)
        for start, end in batches(len(order), EVAL_BATCH * 2):
            idx = order[start:end]
            batch = collator([{k: encoded[k][i] for k in encoded} for i in idx])
            logits = model(**{k: v.to(device_of(model)) for k, v in batch.items()}).logits
            predictions[idx] = logits.argmax(-1).cpu().numpy()
        return predictions

    @classmethod
    def metrics(cls, predictions, dataset: Dataset, *, language: str, scoring: str, model=None) -> dict:
        return {"accuracy": accuracy(predictions, dataset["label"][:])}

    @classmethod
    def evaluate(cls, model, tokenizer, task: TaskData, hp: dict, attacks=None, resources=None, seed: int = 0) -> dict:
        """English dev, zero-shot per language, and the generalized matrix (every ordered pair)."""
        metrics = super().evaluate(model, tokenizer, task, hp, attacks, resources, seed)
        if task.parallel:
            rows = hp.get("generalized_rows")  # a scaled profile scores the matrix on the first rows only
            test = {lang: ds.select(range(min(rows, len(ds)))) for lang, ds in task.test.items()} if rows else task.test
            pairs = generalized_pairs(test, same_language=False)
            joined = concatenate_datasets(list(pairs.values()))  # one pass over all pairs
            predictions = cls.predict(model, tokenizer, joined, hp)
            metrics["generalized"], start = {}, 0
            for (a, b), ds in pairs.items():
                part = predictions[start:start + len(ds)]
                metrics["generalized"][f"{a}|{b}"] = {"accuracy": accuracy(part, ds["label"][:])}
                start += len(ds)
        return metrics


class SingleKind(PairKind):
    """Single-sentence classification (SST-2): the pair schema with ``sentence2`` unused."""

    name = "single_classification"

    @staticmethod
    def tokenize(tokenizer, first: list[str], second: list[str], hp: dict):
        return tokenizer(first, truncation=True, max_length=hp["max_length"])


def generalized_pairs(test: dict[str, Dataset], languages: list[str] | None = None,
                      same_language: bool = True) -> dict[tuple[str, str], Dataset]:
    """Every ordered pair (A, B): sentence1 from A's row i, sentence2 from B's row i, B's label.

    The generalized setting of Robust-XLT (arXiv 2104.08645), built from the parallel test sets as
    its eval_generalized_*.sh scripts do. The test sets must be parallel (row i is the same item in
    every language); the labels are checked to agree, so a non-parallel input fails loudly instead
    of giving a wrong matrix.
    """
    languages = languages or list(test)
    n = len(test[languages[0]])
    for lang in languages:
        if len(test[lang]) != n:
            raise ValueError(f"test sets are not parallel: {languages[0]} has {n} rows, {lang} {len(test[lang])}")
    labels = test[languages[0]]["label"][:]
    for lang in languages[1:]:
        if test[lang]["label"][:] != labels:
            raise ValueError(f"test sets are not parallel: labels of {lang} differ from {languages[0]}")
    pairs = {}
    for a in languages:
        for b in languages:
            if a == b and not same_language:
                continue
            pairs[(a, b)] = Dataset.from_dict({
                "sentence1": test[a]["sentence1"][:], "sentence2": test[b]["sentence2"][:], "label": labels,
            })
    return pairs
