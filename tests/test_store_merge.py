"""repro store merge: shards' stores into one; equal keys must hold equal metrics (timings aside),
a conflict names both files and writes nothing; encoders come along, checkpoints do not."""

import json

import pytest

from helpers import repro_cli
from repro.store import result_checksum
from repro.store_merge import MergeConflict, merge_stores


def _put(store, key, *, status="ok", metrics=None, encoder=False, checkpoints=False):
    folder = store / key
    folder.mkdir(parents=True)
    result = {"status": status, "metrics": metrics if metrics is not None else {"accuracy": 0.5}}
    result["checksum"] = result_checksum(result)  # as the store writes it
    (folder / "result.json").write_text(json.dumps(result))
    (folder / "runspec.json").write_text(json.dumps({"key": key}))
    if encoder:
        (folder / "encoder").mkdir()
        (folder / "encoder" / "model.safetensors").write_bytes(b"weights")
    if checkpoints:
        (folder / "checkpoints" / "checkpoint-5").mkdir(parents=True)
    return folder


def test_disjoint_shards_merge_with_encoders_and_without_checkpoints(tmp_path):
    a, b, into = tmp_path / "a", tmp_path / "b", tmp_path / "merged"
    _put(a, "k1", encoder=True, checkpoints=True)
    _put(b, "k2")
    (a / "k1.lock").write_text("")  # lock files and half-written folders are not runs
    (a / ".tmp-k9-1-abc").mkdir()
    report = merge_stores([a, b], into)
    assert sorted(report.added) == ["k1", "k2"]
    assert sorted(p.name for p in into.iterdir()) == ["k1", "k2"]
    assert (into / "k1" / "encoder" / "model.safetensors").read_bytes() == b"weights"
    assert not (into / "k1" / "checkpoints").exists()
    # merging again adds nothing and keeps what is there
    again = merge_stores([a, b], into)
    assert again.added == [] and sorted(again.same) == ["k1", "k2"]


def test_equal_keys_with_equal_metrics_but_other_timings_merge(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _put(a, "k", metrics={"accuracy": 0.5, "train": {"seconds": 10.0, "resumed_from": None}, "eval_seconds": 1.0})
    _put(b, "k", metrics={"accuracy": 0.5, "train": {"seconds": 99.0, "resumed_from": "c-5"}, "eval_seconds": 7.0})
    assert merge_stores([a, b], tmp_path / "m").added == ["k"]


def test_a_conflict_names_both_files_and_writes_nothing(tmp_path):
    a, b, into = tmp_path / "a", tmp_path / "b", tmp_path / "merged"
    _put(a, "k0")
    _put(a, "k", metrics={"accuracy": 0.5})
    _put(b, "k", metrics={"accuracy": 0.6})
    with pytest.raises(MergeConflict) as error:
        merge_stores([a, b], into)
    assert str(a / "k" / "result.json") in str(error.value) and str(b / "k" / "result.json") in str(error.value)
    assert not into.exists() or not any(into.iterdir())


def test_a_success_replaces_a_failure_of_the_same_run(tmp_path):
    a, into = tmp_path / "a", tmp_path / "merged"
    _put(into, "k", status="failed", metrics={})
    _put(a, "k", metrics={"accuracy": 0.7})
    report = merge_stores([a], into)
    assert report.replaced == ["k"]
    assert json.loads((into / "k" / "result.json").read_text())["metrics"] == {"accuracy": 0.7}
    # and a failure never replaces a success
    b = tmp_path / "b"
    _put(b, "k", status="failed", metrics={})
    assert merge_stores([b], into).same == ["k"]
    assert json.loads((into / "k" / "result.json").read_text())["status"] == "ok"


def test_a_folder_whose_runspec_names_another_key_is_refused(tmp_path):
    a = tmp_path / "a"
    folder = _put(a, "k")
    (folder / "runspec.json").write_text(json.dumps({"key": "other"}))
    with pytest.raises(ValueError, match="'other'"):
        merge_stores([a], tmp_path / "m")


def test_command_line(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _put(a, "k1")
    _put(b, "k2")
    done = repro_cli("store", "merge", a, b, "--into", tmp_path / "m")
    assert done.returncode == 0, done.stderr
    assert "2 run(s) added" in done.stdout
    _put(tmp_path / "c", "k1", metrics={"accuracy": 0.9})
    done = repro_cli("store", "merge", tmp_path / "c", "--into", tmp_path / "m")
    assert done.returncode == 1 and "different metrics" in done.stderr
    done = repro_cli("store", "merge", tmp_path / "nope", "--into", tmp_path / "m")
    assert done.returncode == 1 and "no store folder" in done.stderr


def test_a_result_the_store_would_not_trust_is_left_out_and_named(tmp_path):
    a, b, into = tmp_path / "a", tmp_path / "b", tmp_path / "merged"
    edited = _put(a, "k1") / "result.json"
    record = json.loads(edited.read_text())
    record["metrics"]["accuracy"] = 0.99  # edited by hand: the checksum no longer matches
    edited.write_text(json.dumps(record))
    (_put(a, "k2") / "result.json").write_text('{"status": "ok", "metr')  # truncated
    _put(b, "k1", status="failed")
    report = merge_stores([a, b], into)
    assert report.added == ["k1"]  # the failed result of b: the edited one of a is not a result
    assert json.loads((into / "k1" / "result.json").read_text())["status"] == "failed"
    assert not (into / "k2").exists()
    assert [line.split(": ")[0] for line in report.untrusted] == [str(edited), str(a / "k2" / "result.json")]
    assert "checksum does not match" in report.untrusted[0] and "unreadable" in report.untrusted[1]
