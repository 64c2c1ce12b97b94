"""Checkpoints by elapsed time: the callback's rule on a fake clock, a real Trainer that saves only
when the clock says so and keeps the newest, resume from complete checkpoints only, and the
step-based floor that fixed-budget runs keep."""

import json

import pytest
import torch
from transformers import Trainer, TrainerControl, TrainerState, TrainingArguments

from repro.training.arguments import step_checkpoints
from repro.training.checkpointing import (
    CHECKPOINT_MINUTES_ENV,
    TimedCheckpoints,
    checkpoint_interval,
    checkpoint_minutes,
    complete_checkpoint,
)


class Clock:
    """Advances one second each time it is read."""

    def __init__(self):
        self.now = -1.0

    def __call__(self):
        self.now += 1
        return self.now


def test_save_is_asked_once_the_interval_has_passed_since_the_last_save():
    args = TrainingArguments(output_dir="unused", report_to="none", use_cpu=True)
    callback = TimedCheckpoints(minutes=5 / 60, clock=Clock())  # 5 seconds; the clock read 0
    state, control = TrainerState(), TrainerControl()
    callback.on_train_begin(args, state, control)  # reads 1
    asked = []
    for _ in range(12):
        control.should_save = False
        callback.on_step_end(args, state, control)  # step k reads k + 1 (before any save)
        asked.append(control.should_save)
        if control.should_save:
            callback.on_save(args, state, control)
    # step 5 reads 6 (5 s after 1): save; on_save reads 7; step 6 reads 8 ... step 10 reads 12: save
    assert [step for step, yes in enumerate(asked, 1) if yes] == [5, 10]


class Toy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x, labels):
        return {"loss": ((self.weight * x - labels) ** 2).mean()}


class Pairs(torch.utils.data.Dataset):
    def __len__(self):
        return 64

    def __getitem__(self, i):
        return {"x": torch.tensor([1.0]), "labels": torch.tensor([2.0])}


def test_a_trainer_without_step_saves_saves_by_the_clock_and_keeps_the_newest(tmp_path):
    # the same clock rule as above over 18 steps: saves at steps 5, 10, 15; save_total_limit=1
    # leaves the newest only
    args = TrainingArguments(output_dir=str(tmp_path), max_steps=18, per_device_train_batch_size=2,
                             save_strategy="no", save_total_limit=1, report_to="none", use_cpu=True,
                             disable_tqdm=True, logging_steps=100)
    trainer = Trainer(model=Toy(), args=args, train_dataset=Pairs(),
                      callbacks=[TimedCheckpoints(minutes=5 / 60, clock=Clock())])
    trainer.train()
    assert sorted(p.name for p in tmp_path.glob("checkpoint-*")) == ["checkpoint-15"]
    assert complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-15")
    state = json.loads((tmp_path / "checkpoint-15" / "trainer_state.json").read_text())
    assert state["global_step"] == 15


def test_resume_skips_a_checkpoint_whose_save_was_cut_short(tmp_path):
    assert complete_checkpoint(tmp_path / "missing") is None
    assert complete_checkpoint(tmp_path) is None
    for step in (100, 200, 1000):
        (tmp_path / f"checkpoint-{step}").mkdir()
    (tmp_path / "checkpoint-100" / "trainer_state.json").write_text("{}")
    (tmp_path / "checkpoint-200" / "trainer_state.json").write_text("{}")
    (tmp_path / "checkpoint-x").mkdir()
    # 1000 has no trainer_state.json (the Trainer writes it last): killed mid-save; 200 beats 100
    # by number, not by name order
    assert complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-200")


def test_the_interval_setting(monkeypatch):
    monkeypatch.delenv(CHECKPOINT_MINUTES_ENV, raising=False)
    assert checkpoint_minutes() == 30.0
    with checkpoint_interval(2.5):
        assert checkpoint_minutes() == 2.5
        assert TimedCheckpoints().seconds == 150.0
    assert checkpoint_minutes() == 30.0
    monkeypatch.setenv(CHECKPOINT_MINUTES_ENV, "soon")
    with pytest.raises(ValueError, match="number of minutes"):
        checkpoint_minutes()
    with pytest.raises(ValueError, match="positive"):
        with checkpoint_interval(0):
            pass


def test_step_saves_only_for_fixed_step_budgets():
    assert step_checkpoints({"epochs": 3}, max_steps=40000) is None  # the papers' runs: the clock only
    assert step_checkpoints({"max_steps": 400}, max_steps=400) == 100  # a quarter
    assert step_checkpoints({"max_steps": 6}, max_steps=6) == 50  # at least 50 apart
    assert step_checkpoints({"max_steps": 40000}, max_steps=40000) == 500  # at most 500
    assert step_checkpoints({"epochs": 3, "save_steps": 7}, max_steps=900) == 7
