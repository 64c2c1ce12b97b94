"""How much disk a night needs: Trainer checkpoints while runs train, and the intermediate encoders the store keeps.

The rules, per run with P parameters (the catalogue's count of the base model):

- weights are kept in fp32 (mixed precision autocasts the compute, the master weights stay
  fp32): 4 bytes a parameter, in the checkpoint's ``model.safetensors``;
- AdamW keeps two moments of each parameter's shape and dtype (``exp_avg``, ``exp_avg_sq``:
  ``torch.optim.AdamW``), saved in ``optimizer.pt``: 8 more bytes a parameter, so a checkpoint
  holds 12 bytes a parameter (scheduler, RNG and trainer state are kilobytes);
- with ``save_total_limit=1`` the Trainer writes the new checkpoint before it deletes the old one
  (``Trainer._save_checkpoint`` then ``rotate_checkpoints``, transformers 5.x): two at once;
- English-dev selection keeps the best weights beside them (``english_dev_best.pt``, 4 bytes a
  parameter; :mod:`repro.training.selection`);
- an intermediate run stores its encoder for its targets (``save_pretrained``, fp32: 4 bytes a
  parameter, the heads left out), kept in the store for good. Checkpoints are deleted once the run's
  result is stored.

Embedded models (smoke, micro) are megabytes: they count 0 here, as in :mod:`repro.cost`.
"""

from __future__ import annotations

from dataclasses import dataclass

from repro.cost import parameters
from repro.runspec import RunSpec

WEIGHT_BYTES = 4  # fp32 master weights
ADAMW_STATE_BYTES = 8  # two fp32 moments
CHECKPOINTS_AT_ONCE = 2  # the new one is complete before the old one goes


@dataclass(frozen=True)
class RunDisk:
    key: str
    checkpoints: int  # bytes while the run trains, deleted once its result is stored
    encoder: int  # bytes kept in the store (intermediate runs)

    @property
    def peak(self) -> int:
        return self.checkpoints + self.encoder


def run_disk(run: RunSpec) -> RunDisk:
    """The bytes one run writes: its checkpoints (two at once at a save), the selected weights, its encoder."""
    size = parameters(run)
    if run.stage == "encode":  # scores an encoder, trains nothing
        return RunDisk(run.key, 0, 0)
    checkpoint = size * (WEIGHT_BYTES + ADAMW_STATE_BYTES)
    selection = size * WEIGHT_BYTES if run.stage == "finetune" and run.hp.get("select_on") == "english_dev" else 0
    encoder = size * WEIGHT_BYTES if run.stage == "intermediate" else 0
    return RunDisk(run.key, CHECKPOINTS_AT_ONCE * checkpoint + selection, encoder)


def night_disk(runs: list[RunSpec], gpus: int) -> dict:
    """The most disk a night on ``gpus`` GPUs can need: every intermediate encoder kept in the store
    plus the ``gpus`` largest checkpoint sets in flight at once (an upper bound: it does not ask
    which runs overlap). The largest single run's need counts its checkpoints, its own encoder and
    the encoder it starts from."""
    if gpus < 1:
        raise ValueError(f"gpus must be at least 1, got {gpus}")
    disks = {r.key: run_disk(r) for r in runs}
    encoders = sum(d.encoder for d in disks.values())
    in_flight = sum(sorted((d.checkpoints for d in disks.values()), reverse=True)[:gpus])
    needs = {r.key: disks[r.key].peak + (disks[r.parent].encoder if r.parent in disks else 0) for r in runs}
    largest = max(needs, key=needs.__getitem__, default=None)
    return {"gpus": gpus, "encoders_bytes": encoders, "checkpoints_bytes": in_flight,
            "total_bytes": encoders + in_flight, "largest_run_bytes": needs[largest] if largest else 0,
            "largest_run": largest}
