"""Disk of a night, worked out by hand from the rules in repro.disk for XLM-R large (560M
parameters in the catalogue): a checkpoint is 4 (fp32 weights) + 8 (AdamW's two moments) = 12
bytes a parameter, two at once while the newer one is written."""

from repro.disk import night_disk, run_disk
from repro.runspec import ModelRef, RunSpec, as_items

P = 560_000_000  # catalogue: FacebookAI/xlm-roberta-large
LARGE = ModelRef("hub", "FacebookAI/xlm-roberta-large", "rev")


def _run(stage, *, parent=None, select_on="last", seed=0, model=LARGE):
    return RunSpec(stage=stage, model=model, task="xnli", task_source="hub", task_revision="r", seed=seed,
                   data_seed=0, hyperparameters=as_items({"select_on": select_on}), parent=parent)


def test_one_run():
    finetune = run_disk(_run("finetune", select_on="english_dev"))
    assert finetune.checkpoints == 2 * 12 * P + 4 * P  # + the selected weights
    assert finetune.encoder == 0
    intermediate = run_disk(_run("intermediate"))
    assert (intermediate.checkpoints, intermediate.encoder) == (2 * 12 * P, 4 * P)
    assert run_disk(_run("encode")).peak == 0  # scoring trains nothing
    assert run_disk(_run("finetune", model=ModelRef("embedded", "tiny-xlmr", "rev"))).peak == 0


def test_night():
    inter = _run("intermediate")
    targets = [_run("finetune", parent=inter.key, select_on="english_dev", seed=s) for s in range(3)]
    plain = _run("finetune", seed=9)
    runs = [inter, *targets, plain]
    one = night_disk(runs, gpus=1)
    assert one["encoders_bytes"] == 4 * P
    assert one["checkpoints_bytes"] == 28 * P  # the largest set: a target's 24P + 4P
    assert one["total_bytes"] == 32 * P
    # the largest run: a target's checkpoints and selection (28P) + the encoder it starts from (4P)
    assert one["largest_run_bytes"] == 32 * P and one["largest_run"] == targets[0].key
    # on 4 GPUs: three targets' 28P each and the intermediate's or the plain run's 24P
    assert night_disk(runs, gpus=4)["checkpoints_bytes"] == 3 * 28 * P + 24 * P
