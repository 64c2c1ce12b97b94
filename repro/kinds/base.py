"""What every task kind shares: predictions separated from scores, per test language plus English dev.

A kind implements ``predict`` (a model's predictions on one dataset) and ``metrics`` (those
predictions scored against the gold answers with the task's official script); ``evaluate`` runs
both on every test language, English dev, the per-language dev sets where the task has them, and
under every attack the run asks for (clean score, attacked score and the share of predictions
that flip, per language).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from datasets import Dataset
from transformers import DataCollatorWithPadding

from repro.attacks import AttackConfig, apply_attack, flip_rate
from repro.tasks.base import TaskData

EVAL_BATCH = 64
# (attack, language) -> the named resources (synonym table, bilingual dictionary) it reads
Resources = Callable[[AttackConfig, str], dict]


def batches(n: int, size: int):
    for start in range(0, n, size):
        yield start, min(n, start + size)


def device_of(model) -> torch.device:
    return next(model.parameters()).device


class Kind:
    """The contract every trainable kind fulfils (one subclass per kind, see repro.catalog.kinds)."""

    name: str
    auto_model: type

    @staticmethod
    def model_kwargs(task: TaskData) -> dict:
        return {}

    @staticmethod
    def collator(tokenizer):
        return DataCollatorWithPadding(tokenizer)

    @classmethod
    def encode_train(cls, dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        raise NotImplementedError

    @classmethod
    def predict(cls, model, tokenizer, dataset: Dataset, hp: dict) -> Any:
        raise NotImplementedError

    @classmethod
    def metrics(cls, predictions: Any, dataset: Dataset, *, language: str, scoring: str, model=None) -> dict:
        raise NotImplementedError

    @classmethod
    def comparable_predictions(cls, predictions: Any) -> list:
        """One hashable prediction per item, for the share that an attack flips."""
        return [p if isinstance(p, (str, int)) else int(p) for p in predictions]

    @classmethod
    def score(cls, model, tokenizer, dataset: Dataset, hp: dict, *, language: str = "en",
              scoring: str = "default") -> dict:
        return cls.metrics(cls.predict(model, tokenizer, dataset, hp), dataset, language=language, scoring=scoring,
                           model=model)

    @classmethod
    def evaluate(cls, model, tokenizer, task: TaskData, hp: dict, attacks: list[dict] | None = None,
                 resources: Resources | None = None, seed: int = 0) -> dict:
        """Scores per test language, English dev, per-language dev, and under each attack.

        ``attacks`` are dicts with a ``name`` and the keys of :class:`~repro.attacks.AttackConfig`;
        ``resources(config, language)`` gives the named resources an attack reads in a language.
        """
        scoring = task.metadata.get("scoring", "default")
        per_language, predictions = {}, {}
        for lang, ds in task.test.items():
            predictions[lang] = cls.predict(model, tokenizer, ds, hp)
            per_language[lang] = cls.metrics(predictions[lang], ds, language=lang, scoring=scoring, model=model)
        out: dict[str, Any] = {"per_language": per_language}
        if task.dev is not None:
            out["dev"] = cls.score(model, tokenizer, task.dev, hp, language="en", scoring=scoring)
        if task.dev_by_language:
            out["dev_per_language"] = {lang: cls.score(model, tokenizer, ds, hp, language=lang, scoring=scoring)
                                       for lang, ds in task.dev_by_language.items()}
        for attack in attacks or ():
            out.setdefault("attacked", {})[attack["name"]] = cls.under_attack(
                model, tokenizer, task, hp, attack, predictions, scoring=scoring, seed=seed, resources=resources)
        return out

    @classmethod
    def under_attack(cls, model, tokenizer, task: TaskData, hp: dict, attack: dict, clean: dict, *, scoring: str,
                     seed: int, resources: Resources | None = None) -> dict:
        """Every test language re-scored on attacked copies (seeded), with the share of flipped predictions."""
        config = AttackConfig.from_mapping({k: v for k, v in attack.items() if k != "name"})
        scores: dict[str, dict] = {}
        skipped: dict[str, str] = {}
        for lang, ds in task.test.items():
            needed = resources(config, lang) if resources else {}
            if needed is None:  # no table or dictionary for this language: it is not attacked
                skipped[lang] = f"no {config.resource} resource for {lang}"
                continue
            rows = apply_attack([dict(r) for r in ds], task.kind, config, seed=seed, resources=needed)
            attacked = Dataset.from_list(rows, features=ds.features)
            predictions = cls.predict(model, tokenizer, attacked, hp)
            scores[lang] = {**cls.metrics(predictions, attacked, language=lang, scoring=scoring, model=model),
                            "flip_rate": flip_rate(cls.comparable_predictions(clean[lang]),
                                                   cls.comparable_predictions(predictions))}
        return {"attack": attack, "per_language": scores, "not_attacked": skipped}
