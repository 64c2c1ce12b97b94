"""Robust objectives and multi-task sampling: the parts of the trainer that are pure tensor code."""


import pytest
import torch

from repro.training import arguments, objectives
from repro.training.intermediate import TaskBatches, task_weights


def _mask(batch=2, length=5, real=3):
    mask = torch.zeros(batch, length, 1)
    mask[:, :real] = 1
    return mask


def test_random_perturbation_leaves_padding_alone_and_has_the_asked_scale():
    torch.manual_seed(0)
    embeds = torch.zeros(64, 10, 32)
    mask = _mask(64, 10, 6)
    noisy = objectives.perturb_embeddings(embeds, mask, {"distribution": "gaussian", "scale": 0.5})
    assert torch.all(noisy[:, 6:] == 0)
    assert noisy[:, :6].std().item() == pytest.approx(0.5, rel=0.05)
    uniform = objectives.perturb_embeddings(embeds, mask, {"distribution": "uniform", "scale": 0.5})
    assert uniform.abs().max().item() <= 0.5


@pytest.mark.parametrize("norm", ["l2", "linf"])
def test_pgd_stays_in_the_epsilon_ball_and_raises_the_loss(norm):
    torch.manual_seed(0)
    weight = torch.randn(8, 3)
    embeds = torch.randn(4, 5, 8)
    labels = torch.tensor([0, 1, 2, 0])
    mask = _mask(4, 5, 4)

    def loss_fn(e):
        return torch.nn.functional.cross_entropy((e.mean(1)) @ weight, labels)

    objective = {"epsilon": 0.3, "step_size": 0.2, "steps": 3, "norm": norm}
    delta = objectives.pgd_delta(loss_fn, embeds, mask, objective)
    if norm == "l2":
        assert delta.flatten(1).norm(dim=1).max().item() <= 0.3 + 1e-5
    else:
        assert delta.abs().max().item() <= 0.3 + 1e-6
    assert torch.all(delta[:, 4:] == 0)
    assert loss_fn(embeds + delta).item() > loss_fn(embeds).item()


def test_task_weights_proportional_tempered_uniform():
    sizes = {"a": 900, "b": 100}
    assert task_weights(sizes, "proportional") == pytest.approx({"a": 0.9, "b": 0.1})
    tempered = task_weights(sizes, "temperature", temperature=2.0)
    assert tempered["a"] == pytest.approx(30 / 40)
    assert task_weights(sizes, "uniform") == {"a": 0.5, "b": 0.5}


class _Rows:
    def __init__(self, name, n):
        self.rows = [{"x": f"{name}{i}", "length": 1} for i in range(n)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def _batches(seed, rank=0, world=1, total=30, batch_size=4):
    datasets = {"a": _Rows("a", 50), "b": _Rows("b", 10)}
    collators = {"a": lambda f: {"xs": [r["x"] for r in f]}, "b": lambda f: {"xs": [r["x"] for r in f]}}
    weights = task_weights({"a": 50, "b": 10}, "proportional")
    return list(TaskBatches(datasets, collators, weights, batch_size=batch_size, total=total, seed=seed,
                                  rank=rank, world=world))


def test_task_sampling_is_seeded_single_task_per_batch_and_sharded_by_rank():
    first, again, other = _batches(1), _batches(1), _batches(2)
    assert first == again
    assert first != other
    assert all(len({x[0] for x in b["xs"]}) == 1 and b["task"] == b["xs"][0][0] for b in first)
    tasks = [b["task"] for b in first]
    assert 0 < tasks.count("b") < tasks.count("a")  # proportional: the small task is drawn less
    rank0, rank1 = _batches(1, 0, 2, total=15), _batches(1, 1, 2, total=15)
    assert len(rank0) == len(rank1) == 15
    # at every step both ranks train the same task (their collectives stay alike), each on its half
    # of the one batch a single process with twice the batch size would draw
    single = _batches(1, total=15, batch_size=8)
    for r0, r1, whole in zip(rank0, rank1, single):
        assert r0["task"] == r1["task"] == whole["task"]
        assert r0["xs"] + r1["xs"] == whole["xs"]


def test_training_arguments_count_the_effective_batch_like_the_papers(monkeypatch, tmp_path):
    monkeypatch.setattr(arguments, "MAX_DEVICE_BATCH", 8)
    hp = {"batch_size": 32, "learning_rate": 2e-5, "epochs": 2, "max_length": 128, "warmup_ratio": 0.1}
    args = arguments.training_arguments(hp, tmp_path, seed=7, n_train=640, progress=False)
    assert args.per_device_train_batch_size * args.gradient_accumulation_steps == 32
    assert args.max_steps == 40  # 2 epochs x 640 / 32
    assert args.seed == 7 and args.data_seed == 7
    assert args.train_sampling_strategy == "group_by_length"


@pytest.mark.parametrize("effective, world, max_device, expected", [
    (32, 1, 8, (8, 4)),
    (32, 2, 8, (8, 2)),
    (16, 2, 32, (8, 1)),  # several processes split a small batch instead of multiplying it
    (32, 8, 32, (4, 1)),
    (48, 1, 32, (24, 2)),  # accumulation picks a divisor: 2 x 24, not 2 x 32
])
def test_batch_layout_is_exactly_the_effective_batch(effective, world, max_device, expected):
    per_device, accumulation = arguments.batch_layout(effective, world, max_device)
    assert (per_device, accumulation) == expected
    assert per_device * accumulation * world == effective and per_device <= max_device


def test_batch_layout_refuses_a_batch_the_processes_cannot_share():
    with pytest.raises(ValueError, match="batch_size 32 cannot be split evenly over 3 processes"):
        arguments.batch_layout(32, 3, 32)


def test_bf16_setting_is_read_from_the_hyperparameters(tmp_path):
    hp = {"batch_size": 4, "learning_rate": 1e-3, "max_steps": 2, "max_length": 16}
    assert arguments.training_arguments({**hp, "bf16": True}, tmp_path, seed=0, n_train=8, progress=False).bf16
    assert not arguments.training_arguments({**hp, "bf16": False}, tmp_path, seed=0, n_train=8, progress=False).bf16
    # unset: bf16 only where a GPU supports it, so on this CPU it stays off
    auto = arguments.training_arguments(hp, tmp_path, seed=0, n_train=8, progress=False).bf16
    assert auto == (torch.cuda.is_available() and torch.cuda.is_bf16_supported())
