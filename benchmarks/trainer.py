"""Trainer benchmark: ratios measured side by side in one run (not timed tests that flake).

    python benchmarks/trainer.py [--steps 60] [--model tiny-xlmr|micro-xlmr] [--threads N]

Prints, for the same model, data and number of steps:

1. real tokens per second of our trainer (dynamic padding, length-grouped batches) vs the stock
   transformers Trainer padding every batch to 128 as the XTREME and Robust-XLT scripts do
   (target: at least 1.5x);
2. our trainer vs a bare torch loop over the same padded batches (target: within 1.2x);
3. step time of randomized smoothing by random perturbation vs plain (target: at most 1.2x), and
   of adversarial training with K PGD steps vs plain (expected: about K+1x).
"""

from __future__ import annotations

import argparse
import math
import time

import torch
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainerCallback,
    get_linear_schedule_with_warmup,
    set_seed,
)

from repro.embedded import load_embedded_task
from repro.kinds.pair import PairKind
from repro.models import build_embedded
from repro.progress import quiet_libraries
from repro.training.arguments import training_arguments
from repro.training.finetune import quiet_trainer
from repro.training.objectives import RecipeTrainer


class StepTimer(TrainerCallback):
    """Wall time of the optimisation steps only (model loading and evaluation excluded)."""

    def __init__(self, warmup: int = 5):
        self.warmup, self.started, self.seconds = warmup, None, 0.0

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == self.warmup:
            self.started = time.perf_counter()
        elif state.global_step > self.warmup:
            self.seconds = time.perf_counter() - self.started


def _model(path: str):
    set_seed(0)
    return AutoModelForSequenceClassification.from_pretrained(path, num_labels=3)


def _real_tokens(dataset, batch_size: int, steps: int, warmup: int) -> int:
    lengths = dataset["length"][:]
    per_step = sum(lengths) / len(lengths) * batch_size
    return int(per_step * (steps - warmup))


def run_trainer(path, tokenizer, dataset, *, steps, batch, objective, pad_to=None, stock=False, tmp="/tmp/bench"):
    hp = {"batch_size": batch, "learning_rate": 1e-4, "max_steps": steps, "max_length": 128, "bf16": False}
    args = training_arguments(hp, tmp, seed=0, n_train=len(dataset), progress=False)
    args.save_strategy = "no"
    if stock:
        args.train_sampling_strategy = "random"
    collator = (DataCollatorWithPadding(tokenizer, padding="max_length", max_length=pad_to) if pad_to
                else DataCollatorWithPadding(tokenizer))
    timer = StepTimer()
    cls = Trainer if stock else RecipeTrainer
    kwargs = {} if stock else {"objective": objective}
    trainer = cls(model=_model(path), args=args, train_dataset=dataset, data_collator=collator,
                  processing_class=tokenizer, callbacks=[timer], **kwargs)
    quiet_trainer(trainer, False)
    trainer.train()
    return timer.seconds


def run_bare_loop(path, tokenizer, dataset, *, steps, batch, warmup=5):
    """The same padded batches, AdamW and linear schedule, with no Trainer around them."""
    model = _model(path)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    schedule = get_linear_schedule_with_warmup(optimizer, 0, steps)
    collator = DataCollatorWithPadding(tokenizer)
    generator = torch.Generator().manual_seed(0)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    started = None
    for step in range(steps):
        if step == warmup:
            started = time.perf_counter()
        rows = [dataset[i] for i in order[(step * batch) % len(order):][:batch]]
        inputs = collator([{k: v for k, v in r.items() if k != "length"} for r in rows])
        loss = model(**inputs).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--model", default="tiny-xlmr")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--pgd-steps", type=int, default=3)
    args = parser.parse_args()
    quiet_libraries()
    if args.threads:
        torch.set_num_threads(args.threads)
    path = str(build_embedded(args.model))
    tokenizer = AutoTokenizer.from_pretrained(path)
    dataset = PairKind.encode_train(load_embedded_task("xnli").train["en"], tokenizer, {"max_length": 128})
    steps, batch, warmup = args.steps, args.batch, 5
    tokens = _real_tokens(dataset, batch, steps, warmup)

    timings = {
        "ours (dynamic padding, length groups)": run_trainer(path, tokenizer, dataset, steps=steps, batch=batch,
                                                             objective={"name": "plain"}),
        "stock Trainer, padded to 128": run_trainer(path, tokenizer, dataset, steps=steps, batch=batch,
                                                    objective=None, pad_to=128, stock=True),
        "bare torch loop, dynamic padding": run_bare_loop(path, tokenizer, dataset, steps=steps, batch=batch),
        "ours, stock random order (for the bare loop)": run_trainer(path, tokenizer, dataset, steps=steps,
                                                                    batch=batch, objective={"name": "plain"},
                                                                    stock=True),
        "ours + random perturbation": run_trainer(path, tokenizer, dataset, steps=steps, batch=batch,
                                                  objective={"name": "random_perturbation", "scale": 0.1}),
        f"ours + adversarial, K={args.pgd_steps}": run_trainer(
            path, tokenizer, dataset, steps=steps, batch=batch,
            objective={"name": "adversarial", "epsilon": 1.0, "step_size": 0.5, "steps": args.pgd_steps}),
    }
    print(f"\nmodel {args.model}, batch {batch}, {steps - warmup} timed steps, {torch.get_num_threads()} threads")
    for name, seconds in timings.items():
        print(f"  {name:48s} {seconds:7.2f} s  {tokens / seconds:9.0f} real tokens/s")
    names = list(timings)
    ratios = [
        ("tokens/s, ours vs stock padded to 128", timings[names[1]] / timings[names[0]], ">= 1.5"),
        ("step time, ours vs bare torch loop", timings[names[3]] / timings[names[2]], "<= 1.2"),
        ("step time, random perturbation vs plain", timings[names[4]] / timings[names[0]], "<= 1.2"),
        (f"step time, adversarial K={args.pgd_steps} vs plain", timings[names[5]] / timings[names[0]],
         f"about {args.pgd_steps + 1}"),
    ]
    print("\nratios (measured side by side in this run):")
    for name, ratio, target in ratios:
        print(f"  {name:48s} {ratio:5.2f}x   target {target}")
    assert all(math.isfinite(r) for _, r, _ in ratios)


if __name__ == "__main__":
    main()
