"""Store: atomic results keyed by RunSpec hash; runner: a run trains once, a crash is recorded."""

import threading

import pytest

from repro import runner
from repro.io import write_text as atomic_write_text
from repro.runspec import ModelRef, RunSpec
from repro.store import Store


def _run(seed=0):
    return RunSpec(stage="finetune", model=ModelRef("embedded", "tiny", "r"), task="pawsx",
                   task_source="embedded", task_revision="r", seed=seed, data_seed=0)


def test_put_and_get_by_key(tmp_path):
    store = Store(tmp_path)
    assert store.get(_run()) is None
    store.put(_run(), {"status": "ok", "metrics": {"x": 1}})
    assert store.get(_run())["metrics"] == {"x": 1}
    assert store.get(_run(seed=1)) is None
    assert (store.run_dir(_run()) / "runspec.json").exists()


def test_atomic_write_leaves_the_old_file_on_a_crash(tmp_path, monkeypatch):
    path = tmp_path / "result.json"
    atomic_write_text(path, "old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary file left


def test_parallel_callers_train_a_shared_run_once(tmp_path, monkeypatch):
    calls = []

    def fake_execute(run, store, progress=True):
        calls.append(run.key)
        return {"per_language": {}}

    monkeypatch.setattr(runner, "execute", fake_execute)
    store = Store(tmp_path)
    threads = [threading.Thread(target=runner.ensure, args=(_run(), store), kwargs={"progress": False})
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [_run().key]
    assert store.has_success(_run())


def test_a_crashed_run_is_stored_as_failed_with_its_traceback(tmp_path, monkeypatch):
    def crash(run, store, progress=True):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(runner, "execute", crash)
    result = runner.ensure(_run(), Store(tmp_path), progress=False)
    assert result["status"] == "failed"
    assert "RuntimeError: CUDA out of memory" in result["error"]


def test_a_run_whose_parent_failed_is_not_trained(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "execute", lambda *a, **k: pytest.fail("must not train"))
    child = RunSpec(stage="finetune", model=ModelRef("embedded", "tiny", "r"), task="pawsx", task_source="embedded",
                    task_revision="r", seed=0, data_seed=0, parent="missing-parent")
    result = runner.ensure(child, Store(tmp_path), progress=False)
    assert result["status"] == "failed" and "missing-parent" in result["error"]
