"""The processes of a launched job: `accelerate launch` or `torchrun` on GPU runners (gloo on CPUs).

Every process of such a job runs the same plan in the same order and trains each run together
(data-parallel, the Trainer's DDP); rank 0 takes the store's locks, writes and reports. Outside a
launched job (WORLD_SIZE unset or 1) nothing here does anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

# what a launcher sets so that the Trainer joins its process group
_LAUNCHER_VARIABLES = ("WORLD_SIZE", "RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "ROLE_RANK",
                       "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID")


# How long a process of a launched job waits in a collective (a gradient all-reduce, a barrier)
# before it gives up: a rank that raised never arrives, and the others stop with a timeout error
# after this long instead of hanging until the job's wall-clock limit. torch's default is 30 minutes;
# a training step or an evaluation between barriers takes far less. With NCCL the timeout is
# enforced by torch's watchdog (TORCH_NCCL_ASYNC_ERROR_HANDLING, on by default), with gloo by the
# collective itself.
DDP_TIMEOUT_SECONDS = int(os.environ.get("XLT_REPRO_DDP_TIMEOUT", "600"))


def world_size() -> int:
    """Processes in this job: 1, or how many the launcher started."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def launched_job():
    """The job's shared process state (accelerate's PartialState), or None in a single process."""
    if world_size() <= 1:
        return None
    import torch
    from accelerate import PartialState

    # the same state the Trainer's arguments set up later (gloo on CPUs, nccl on GPUs)
    return PartialState(cpu=not torch.cuda.is_available(), timeout=timedelta(seconds=DDP_TIMEOUT_SECONDS))


def is_main_process() -> bool:
    """True in a single process, and on rank 0 of a launched job: the one that writes and reports."""
    job = launched_job()
    return job is None or job.is_main_process


def run_alone(code: str, *args: str) -> None:
    """Run Python ``code`` in a process of its own, outside the job's process group.

    For work that only one process must do but that trains with the Trainer itself (building the
    embedded encoder): inside the job, the Trainer would wait for the other processes forever.
    """
    env = {k: v for k, v in os.environ.items() if k not in _LAUNCHER_VARIABLES}
    subprocess.run([sys.executable, "-c", code, *args], env=env, check=True)
