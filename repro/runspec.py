"""RunSpec: one training or evaluation run as pure data, and its content hash (the store key).

A RunSpec covers everything that can change a run's numbers and nothing else: the model and its
revision, the task and its data revision, the stage, objective, resolved hyperparameters, seeds,
training languages, the parent checkpoint (STILTs) and the trainer's code version. It does not
hold the profile's name or the claim that asked for it, so a baseline shared by two claims trains
once. A leaf module: it imports nothing of ``repro``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

# Bump when the trainer or evaluation code changes numbers for an unchanged RunSpec.
TRAINER_VERSION = "3"  # 3: official scoring scripts, per-language dev scores, BUCC threshold from dev


@dataclass(frozen=True)
class ModelRef:
    source: str  # "embedded" | "hub"
    name: str
    revision: str
    seed: int = 0  # the embedded encoder's build seed


@dataclass(frozen=True)
class RunSpec:
    stage: str  # "intermediate" | "finetune" | "encode" (retrieval: no training)
    model: ModelRef
    task: str  # task name in the profile's task source; "+"-joined for multi-task intermediate
    task_source: str
    task_revision: str
    seed: int | None
    data_seed: int
    hyperparameters: tuple = ()  # sorted (name, value) pairs
    objective: tuple = ()  # sorted (name, value) pairs
    languages: tuple = ("en",)  # training languages
    sampling: tuple = ()  # multi-task sampling settings
    parent: str | None = None  # hash of the intermediate RunSpec whose encoder this run starts from
    code_version: str = TRAINER_VERSION

    @property
    def key(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def trained_seed(self) -> int:
        """The seed of a run that trains (every stage but an unparented retrieval scoring has one)."""
        if self.seed is None:
            raise ValueError(f"run {self.key} ({self.stage} {self.task}) has no seed to train with")
        return self.seed

    @property
    def hp(self) -> dict:
        return dict(self.hyperparameters)

    @property
    def objective_config(self) -> dict:
        return dict(self.objective)

    def describe(self) -> str:
        obj = self.objective_config.get("name", "-")
        parent = f" from {self.parent}" if self.parent else ""
        seed = "" if self.seed is None else f" seed {self.seed}"
        return f"{self.stage} {self.task} [{self.model.name}] {obj}{seed}{parent}"

    @classmethod
    def from_json(cls, data: dict) -> RunSpec:
        """The inverse of to_json (a stored runspec.json back into a RunSpec with the same key)."""
        fields = {k: v for k, v in data.items() if k != "key"}
        fields["model"] = ModelRef(**fields["model"])
        for name in ("hyperparameters", "objective", "sampling"):
            fields[name] = as_items(fields[name])
        fields["languages"] = tuple(fields["languages"])
        run = cls(**fields)
        if "key" in data and run.key != data["key"]:
            raise ValueError(f"runspec does not hash to its stored key {data['key']} (code version changed?)")
        return run

    def to_json(self) -> dict:
        data = asdict(self)
        data["key"] = self.key
        data["hyperparameters"] = self.hp
        data["objective"] = self.objective_config
        data["sampling"] = dict(self.sampling)
        return data


def as_items(d: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in d.items() if v is not None))
