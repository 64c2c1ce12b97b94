"""What a plan costs: optimisation steps, tokens and GPU-hours of every run, from the catalogue's sizes.

The cost model (written in the README):

- training FLOPs about 6 x parameters x training tokens (forward and backward, Kaplan et al. 2020,
  arXiv 2001.08361, section 2.1); adversarial training adds K forward-backward passes per step on
  the embeddings, counted as (K + 1) x;
- evaluation FLOPs about 2 x parameters x evaluated tokens (forward only): every test language,
  the generalized matrix, English dev selections during training, attacked copies;
- tokens = examples x the task's mean subword tokens per example (catalogue; capped at the run's
  maximum length), training examples = the documented English training set (times the training
  languages of a translated intermediate set, times RS-DA's copies);
- GPU-hours = FLOPs / (dense bf16 peak x sustained share) / 3600. Peaks: A100 (SXM) 312, H100
  (SXM) 989, H200 (SXM) 989 TFLOPS dense bf16 (NVIDIA's datasheets as quoted in the research notes;
  H200 has H100's compute with more memory). The sustained share (model FLOPs utilisation) is an
  assumption, 0.35 by default: no published figure for BERT-large-size fine-tuning with dynamic
  padding was found; replace it with a measured one (``--mfu``).

On the embedded profiles nothing runs on a GPU: their runs show steps and examples only.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from repro import catalog
from repro.embedded import EMBEDDED_TASKS
from repro.embedded.tasks import task_sizes
from repro.runspec import RunSpec

GPU_PEAK_TFLOPS = {"A100": 312.0, "H100": 989.0, "H200": 989.0}
DEFAULT_GPU = "H100"
DEFAULT_MFU = 0.35


@dataclass(frozen=True)
class RunCost:
    key: str
    stage: str
    model: str
    task: str
    languages: tuple[str, ...]
    examples: int | None  # training examples one epoch sees
    steps: int | None  # optimisation steps
    train_tokens: float
    eval_tokens: float
    flops: float
    data: str = ""  # the run's task revision: which datasets at which commits

    def gpu_hours(self, gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU) -> float:
        return gpu_hours(self.flops, gpu, mfu)

    def to_json(self, gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU) -> dict:
        return {**asdict(self), "gpu_hours": self.gpu_hours(gpu, mfu), "source": self.source}

    @property
    def source(self) -> str:
        """The datasets a run reads, without their revisions ("facebook/xnli", or "embedded")."""
        return self.data.split("@")[0] if "+" not in self.data else "+".join(
            sorted({part.split("@")[0] for part in self.data.split("+")}))


def gpu_hours(flops: float, gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU) -> float:
    if gpu not in GPU_PEAK_TFLOPS:
        raise ValueError(f"unknown GPU kind {gpu!r}; expected one of {sorted(GPU_PEAK_TFLOPS)}")
    if not 0 < mfu <= 1:
        raise ValueError(f"the sustained share of peak (mfu) must be in (0, 1], got {mfu}")
    return flops / (GPU_PEAK_TFLOPS[gpu] * 1e12 * mfu) / 3600


def parameters(run: RunSpec) -> int:
    """The run's model size from the catalogue (0 for embedded encoders)."""
    if run.model.source != "hub":
        return 0  # embedded encoders train on a CPU: no GPU-hours
    return next((m.parameters for m in catalog.HUB_MODELS.values() if m.hub_id == run.model.name), 0)


def _task_names(run: RunSpec) -> list[str]:
    """The spec task names a run reads (a hub source's key is its task name; analogs map back)."""
    return run.task.split("+")


def _train_examples(name: str, source: str) -> int:
    if source == "embedded":
        return task_sizes(name)[0] if name in EMBEDDED_TASKS else 0
    definition = catalog.TASKS.get(name)
    return (definition.train_examples or 0) if definition else 0


def _mean_tokens(name: str, cap: int) -> float:
    definition = catalog.TASKS.get(name)
    tokens = definition.mean_tokens if definition and definition.mean_tokens else cap
    return float(min(tokens, cap))


def _test_tokens(name: str, source: str, cap: int) -> float:
    """Tokens scored at evaluation: every test language's set (a typical size per language)."""
    definition = catalog.TASKS.get(name)
    if definition is None:
        return 0.0
    languages = len(catalog.HUB_TASKS[definition.hub].configs) if definition.hub in catalog.HUB_TASKS else 1
    per_language = (task_sizes(name)[2] if source == "embedded" and name in EMBEDDED_TASKS
                    else definition.test_examples or 0)
    return languages * per_language * _mean_tokens(name, cap)


def run_cost(run: RunSpec) -> RunCost:
    """Steps, tokens and FLOPs of one run."""
    hp, params = run.hp, parameters(run)
    names = _task_names(run)
    cap = int(hp.get("qa_max_length") or hp.get("max_length") or 512)
    languages = tuple(run.languages) if run.stage == "intermediate" else ("en",)
    if run.stage == "encode":
        eval_tokens = sum(2 * _test_tokens(n, run.task_source, cap) for n in names)  # both sides of each pair
        return RunCost(run.key, run.stage, run.model.name, run.task, (), None, None, 0.0, eval_tokens,
                       2 * params * eval_tokens, run.task_revision)
    augmented = run.objective_config.get("name") == "data_augmentation"
    copies = int(run.objective_config.get("copies", 1)) if augmented else 1
    per_task = {n: _train_examples(n, run.task_source) * len(languages) * copies for n in names}
    drawn = dict(run.sampling).get("examples")  # size-matched arms: each task draws this many examples
    if drawn:
        per_task = {n: min(count, int(drawn)) for n, count in per_task.items()}
    examples = sum(per_task.values())
    batch = int(hp.get("batch_size") or 32)
    if hp.get("max_steps"):
        steps = int(hp["max_steps"])
    else:  # the epochs over every task's examples (jiant's proportional multi-task sampling counts the same)
        steps = sum(math.ceil(float(hp.get("epochs") or 1) * n / batch) for n in per_task.values())
    mean_tokens = (sum(per_task[n] * _mean_tokens(n, cap) for n in names) / examples) if examples else 0.0
    train_tokens = steps * batch * mean_tokens
    passes = 1 + int(run.objective_config.get("steps", 0)) if run.objective_config.get("name") == "adversarial" else 1
    eval_tokens = 0.0 if run.stage == "intermediate" else sum(_test_tokens(n, run.task_source, cap) for n in names)
    if run.stage == "finetune" and hp.get("select_on") == "english_dev":
        every = int(hp.get("eval_steps") or max(steps, 1))
        subset = int(hp.get("eval_subset") or 1000)
        eval_tokens += math.ceil(steps / every) * subset * _mean_tokens(names[0], cap)
    flops = 6 * params * train_tokens * passes + 2 * params * eval_tokens
    return RunCost(run.key, run.stage, run.model.name, run.task, languages, examples, steps, train_tokens,
                   eval_tokens, flops, run.task_revision)


def summarize(plans: list, runs: list[RunSpec], *, gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU) -> dict:
    """Every unique run's cost, each spec's total, the profile's total, and the naive count (each
    spec training its own runs) beside the deduplicated one."""
    costs = {run.key: run_cost(run) for run in runs}
    claims = []
    for plan in plans:
        keys = [r.key for r in plan.needed]
        claims.append({"id": plan.spec.id, "not_run": plan.not_run, "runs": len(keys),
                       "skipped_targets": dict(plan.skipped_targets),
                       "gpu_hours": sum(costs[k].gpu_hours(gpu, mfu) for k in keys if k in costs)})
    naive_runs = sum(c["runs"] for c in claims)
    return {
        "gpu": gpu, "mfu": mfu,
        "runs": [costs[r.key].to_json(gpu, mfu) for r in runs],
        "claims": claims,
        "total": {"runs": len(runs), "naive_runs": naive_runs,
                  "gpu_hours": sum(c.gpu_hours(gpu, mfu) for c in costs.values()),
                  "naive_gpu_hours": sum(c["gpu_hours"] for c in claims),
                  "by_stage": {stage: sum(1 for r in runs if r.stage == stage)
                               for stage in ("intermediate", "finetune", "encode")}},
    }
