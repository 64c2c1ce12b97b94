"""bf16 autocast, the GPU runners' precision, through the same trainer code on the CPU."""

import dataclasses
import math

import pytest
import torch

from repro import plan as planner
from repro import runner
from repro.profiles import get_profile
from repro.spec import load_specs
from repro.store import Store
from repro.training import finetune as finetuning

pytestmark = pytest.mark.slow  # trains on the micro profile, builds an encoder or starts processes


def _adversarial_run(**hp):
    spec = next(s for s in load_specs() if s.id == "robust-xlt-pawsx-adversarial")
    _, runs = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    run = next(r for r in runs if r.objective_config["name"] == "adversarial")
    return dataclasses.replace(run, hyperparameters=tuple(sorted({**run.hp, **hp}.items())))


def test_bf16_runs_every_training_forward_under_autocast(tmp_path, monkeypatch):
    run = _adversarial_run(bf16=True)
    dtypes, model_params = [], []
    freeze = finetuning.freeze_embeddings

    def watch_the_head(model, hp):  # the seam where the trainer first holds the model
        freeze(model, hp)
        model_params.extend(model.parameters())
        model.classifier.register_forward_hook(lambda module, args, output: dtypes.append(output.dtype))

    monkeypatch.setattr(finetuning, "freeze_embeddings", watch_the_head)
    result = runner.ensure(run, Store(tmp_path), progress=False)
    assert result["status"] == "ok", result.get("error")
    info = result["metrics"]["train"]
    assert info["mixed_precision"] == "bf16" and math.isfinite(info["loss"])
    # every step: K PGD forwards on the unwrapped model and one outer forward, all in bf16
    forwards = info["steps"] * (run.objective_config["steps"] + 1)
    assert dtypes[:forwards] == [torch.bfloat16] * forwards
    # scoring afterwards goes through the same wrapped forward: bf16 too, as on the GPU runners
    assert len(dtypes) > forwards and set(dtypes[forwards:]) == {torch.bfloat16}
    assert all(p.dtype == torch.float32 for p in model_params)  # the optimiser kept float32 weights
    assert result["metrics"]["per_language"]["en"]["accuracy"] >= 0


def test_bf16_is_part_of_the_run_key():
    assert _adversarial_run(bf16=True).key != _adversarial_run().key
