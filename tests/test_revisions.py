"""Unpinned hub datasets: the commit a branch resolved to is recorded and keys the runs."""

from repro.tasks.hub import hub_task_revision, revisions


def test_a_branch_is_unresolved_until_prefetch_records_its_commit(tmp_path, monkeypatch):
    monkeypatch.setenv("XLT_REPRO_CACHE", str(tmp_path))
    before = hub_task_revision("swag")
    assert before == "allenai/swag@main(unresolved)"
    revisions.record_commit("allenai/swag", "main", "a" * 40)
    after = hub_task_revision("swag")
    assert after == f"allenai/swag@main({'a' * 40})" and after != before  # new runs for new data
    # a pinned dataset is its own record
    assert revisions.resolved_commit("facebook/xnli", "b" * 40) == "b" * 40
    # a damaged record file reads as empty, never as a traceback
    (tmp_path / "hub-revisions.json").write_text("{not json", encoding="utf-8")
    assert hub_task_revision("swag") == before


def test_a_commit_must_be_a_full_id(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("XLT_REPRO_CACHE", str(tmp_path))
    with pytest.raises(ValueError, match="not a full commit id"):
        revisions.record_commit("allenai/swag", "main", "dc48148")
