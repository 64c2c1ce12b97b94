"""A night in miniature on the micro profile: two shards train apart into their own stores, the
stores merge, and `repro run` on the merged store trains nothing and reports every verdict. Then
`repro plan --gpus` on the full profile (offline: the plan reads the catalogue only)."""

import json
import os

import pytest

from helpers import repro_cli
from repro.pipeline import prepare, run_claims
from repro.schedule import select_shard
from repro.store_merge import merge_stores

CLAIM = "robust-xlt-pawsx"


@pytest.mark.slow
def test_two_shards_merged_make_the_whole_report(tmp_path):
    select = {CLAIM}.__contains__
    runs = prepare("micro", select=select, seeds=1).runs
    stores = []
    for index in (1, 2):
        root = tmp_path / f"shard{index}"
        outcome = run_claims("micro", seeds=1, select=select, store_root=root, shard=(index, 2), progress=False)
        assert outcome.results == [] and outcome.report is None  # a shard judges nothing
        expected = {r.key for r in select_shard(runs, index, 2)}
        assert set(outcome.runs) == expected
        assert {p.name for p in (root / "micro").iterdir() if (p / "result.json").exists()} == expected
        stores.append(root / "micro")
    merged = tmp_path / "merged"
    report = merge_stores(stores, merged / "micro")
    assert sorted(report.added) == sorted(r.key for r in runs)
    final = run_claims("micro", seeds=1, select=select, store_root=merged, report_dir=tmp_path / "report",
                       progress=False)
    assert final.trained == 0
    assert [r.verdict for r in final.results] == ["not comparable"]


@pytest.mark.slow
def test_plan_prints_the_night_on_given_gpu_counts(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = repro_cli("plan", "--profile", "full", "--only", "x-stilts-*", "--gpus", "1", "8", "--format", "json",
                     env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    one, eight = summary["schedule"]
    total = summary["total"]["gpu_hours"]
    # one GPU runs everything back to back: the makespan is the sum, always busy
    assert one["gpus"] == 1 and one["makespan_hours"] == pytest.approx(total) and one["utilisation"] == pytest.approx(1)
    # eight GPUs: no faster than a perfect split, and utilisation is total / (8 x makespan)
    assert total / 8 <= eight["makespan_hours"] < total
    assert eight["utilisation"] == pytest.approx(total / (8 * eight["makespan_hours"]))
    assert eight["disk"]["encoders_bytes"] > 0  # X-STILTs keeps intermediate encoders
    table = repro_cli("plan", "--profile", "full", "--only", "x-stilts-*", "--gpus", "8", env=env)
    assert "makespan" in table.stdout and "the largest run needs" in table.stdout


@pytest.mark.slow
def test_repro_run_with_submitits_local_executor_trains_every_run_as_a_job(tmp_path):
    # an X-STILTs claim on micro: an intermediate run and its target, the baseline and the control
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])}
    done = repro_cli("run", "--profile", "micro", "--only", "x-stilts-tydiqa-gains", "--seeds", "1", "--executor",
                     "local", "--quiet", "--store", tmp_path / "store", "--report", tmp_path / "report", env=env,
                     timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    runs = prepare("micro", select={"x-stilts-tydiqa-gains"}.__contains__, seeds=1).runs
    assert done.stdout.count("submitted job") == len(runs)
    assert "not comparable" in done.stdout and (tmp_path / "report" / "index.html").exists()
    jobs = tmp_path / "store" / "micro" / ".submitit"
    assert len(list(jobs.glob("*_result.pkl"))) == len(runs)  # submitit's own record of each job
