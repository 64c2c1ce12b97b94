"""One process of a launched job (`torchrun` / `accelerate launch`), for test_launched_job.py.

    python -m torch.distributed.run --standalone --nproc_per_node 2 tests/launched_job.py RUNS.json STORE OUT

Trains the given RunSpecs together with the other processes, then runs the pipeline for the claim
ids given in RUNS.json; each rank writes what it computed itself, and a fingerprint of every batch
it trained on, to OUT/rank<N>.json.
"""

import hashlib
import json
import os
import sys
from pathlib import Path

from repro import runner
from repro.pipeline import run_claims
from repro.runspec import RunSpec
from repro.store import Store
from repro.training.objectives import RecipeTrainer

# which batches this process trained on: a fingerprint per optimisation step and run
seen: list[str] = []
_step = RecipeTrainer.training_step


def _recording_step(self, model, inputs, *args, **kwargs):
    seen.append(hashlib.sha256(inputs["input_ids"].cpu().numpy().tobytes()).hexdigest()[:12])
    return _step(self, model, inputs, *args, **kwargs)


RecipeTrainer.training_step = _recording_step

job = json.loads(Path(sys.argv[1]).read_text())
store_root, out = Path(sys.argv[2]), Path(sys.argv[3])
runs = [RunSpec.from_json(r) for r in job["runs"]]
results = runner.run_all(runs, Store(store_root / "micro"), progress=False)
outcome = run_claims("micro", seeds=1, select=set(job["claims"]).__contains__, store_root=store_root,
                     report_dir=out / "report", progress=False)
mine = {
    "results": results,
    "effects": {r.id: r.effect for r in outcome.results},
    "verdicts": {r.id: r.verdict for r in outcome.results},
    "reported": outcome.report is not None,
    "batches": seen,
}
(out / f"rank{os.environ['RANK']}.json").write_text(json.dumps(mine, default=str))
