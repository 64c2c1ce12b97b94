"""Verdicts and effects across reports: flips, moves beyond the interval, `repro diff` exit codes and
`repro report --history` (terminal and files)."""

import json

import pytest

from helpers import repro_cli
from repro.cli import main
from repro.report import history
from repro.report.schema import ResultsFileError, read_results


def _claim(spec_id, verdict, mean, low, high, measured=None, readings=None, kind="claim"):
    effect = None if mean is None else {"mean": mean, "sd": 1.0, "stderr": 0.5, "ci_low": low, "ci_high": high,
                                        "per_seed": [mean]}
    return {"id": spec_id, "kind": kind, "verdict": verdict, "measured_verdict": measured, "effect": effect,
            "readings": readings or [{"name": "as-written", "verdict": verdict, "effect": effect,
                                      "measured_verdict": measured}]}


def _results(claims, generated, commit="abc1234", profile="smoke", comparable=False):
    return {"schema_version": 1, "generated": generated, "git_commit": commit, "git_dirty": False,
            "profile": profile, "comparable": comparable, "environment": {}, "claims": claims, "runs": {}}


def _write(folder, data):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(data))
    return folder


def test_a_changed_verdict_is_a_flip_and_so_is_the_measured_one_on_an_analog():
    entry = history.Entry("a", None, "claim", "reproduced", None, 1.0, 0.0, 2.0)
    assert history.is_flip(entry, history.Entry("a", None, "claim", "weaker", None, 1.0, 0.0, 2.0))
    analog = history.Entry("a", None, "claim", "not comparable", "inconclusive", 1.0, 0.0, 2.0)
    assert history.is_flip(analog, history.Entry("a", None, "claim", "not comparable", "supported", 1.0, 0.0, 2.0))
    assert not history.is_flip(analog, analog)
    # an older file without measured verdicts says nothing about them
    assert not history.is_flip(analog, history.Entry("a", None, "claim", "not comparable", None, 1.0, 0.0, 2.0))


@pytest.mark.parametrize(("old", "new", "moved"), [
    # half-widths 1.0 and 0.5: a change of 1.5 exceeds both (each mean outside the other's interval)
    ((1.0, 0.0, 2.0), (2.5, 2.0, 3.0), True),
    # a change of 0.8 stays inside the old interval's half-width
    ((1.0, 0.0, 2.0), (1.8, 1.3, 2.3), False),
    # exactly the half-width is not beyond it
    ((1.0, 0.0, 2.0), (2.0, 1.5, 2.5), False),
    # the new run had one seed: judged by the old interval alone
    ((1.0, 0.0, 2.0), (2.1, None, None), True),
    # no interval on either side: cannot be judged
    ((1.0, None, None), (5.0, None, None), None),
    ((None, None, None), (1.0, 0.0, 2.0), None),
])
def test_an_effect_moves_when_it_changes_by_more_than_both_half_widths(old, new, moved):
    before = history.Entry("a", None, "claim", "inconclusive", None, *old)
    after = history.Entry("a", None, "claim", "inconclusive", None, *new)
    assert history.has_moved(before, after) is moved


def test_compare_keys_specs_and_readings_and_marks_added_and_removed():
    readings = [{"name": "dev", "verdict": "reproduced", "effect": None}, {"name": "test", "verdict": "weaker",
                                                                            "effect": None}]
    old = history.snapshot(_results([_claim("a", "reproduced", 1.0, 0.0, 2.0, readings=readings),
                                     _claim("gone", "supported", 1.0, 0.5, 1.5)], "2026-01-01T00:00:00Z"), "old")
    new_readings = [dict(readings[0]), dict(readings[1], verdict="contradicted")]
    new = history.snapshot(_results([_claim("a", "reproduced", 1.1, 0.1, 2.1, readings=new_readings),
                                     _claim("new", "weaker", 2.0, 1.0, 3.0)], "2026-01-02T00:00:00Z"), "new")
    changes = {c.key: c for c in history.compare(old, new)}
    assert set(changes) == {"a", "a/dev", "a/test", "new", "gone"}
    assert changes["a"].status == "unchanged" and changes["a"].delta == pytest.approx(0.1)
    assert changes["a/test"].status == "verdict flip"
    assert (changes["new"].status, changes["gone"].status) == ("added", "removed")
    text = history.diff_text(old, new, list(changes.values()))
    assert "! a/test" in text and "weaker -> contradicted" in text
    assert text.splitlines()[-1] == ("1 verdict flip(s), 0 effect(s) moved beyond their intervals, 1 added, "
                                     "1 removed, 2 unchanged")


def test_diff_exits_1_on_a_flip_0_otherwise_and_2_on_a_missing_report(tmp_path, capsys):
    old = _write(tmp_path / "old", _results([_claim("a", "reproduced", 1.0, 0.0, 2.0)], "2026-01-01T00:00:00Z"))
    same = _write(tmp_path / "same", _results([_claim("a", "reproduced", 3.0, 2.5, 3.5)], "2026-01-02T00:00:00Z"))
    flipped = _write(tmp_path / "flip", _results([_claim("a", "weaker", 1.0, 0.0, 2.0)], "2026-01-03T00:00:00Z"))
    assert main(["diff", str(old), str(same / "results.json")]) == 0
    out = capsys.readouterr().out
    assert "~ a" in out and "beyond the intervals" in out  # moved by 2.0 > half-widths 1.0 and 0.5
    assert main(["diff", str(old), str(flipped)]) == 1
    assert "reproduced -> weaker" in capsys.readouterr().out
    assert main(["diff", str(old), str(tmp_path / "nowhere")]) == 2
    assert "expected a results.json file or a report folder" in capsys.readouterr().err


@pytest.mark.slow  # starts a Python process
def test_diff_from_the_command_line_returns_its_exit_code(tmp_path):
    old = _write(tmp_path / "old", _results([_claim("a", "reproduced", 1.0, 0.0, 2.0)], "2026-01-01T00:00:00Z"))
    new = _write(tmp_path / "new", _results([_claim("a", "contradicted", -1.0, -2.0, -0.5)], "2026-01-02T00:00:00Z"))
    done = repro_cli("diff", old, new, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "1 verdict flip(s)" in done.stdout


def test_history_orders_by_time_reads_old_files_and_marks_changes(tmp_path, capsys):
    # written out of order; the oldest is a results.json from before schema_version (time in environment)
    legacy = {"profile": "smoke", "comparable": False, "claims": [_claim("a", "not comparable", 1.0, 0.0, 2.0)],
              "environment": {"generated": "2025-12-31 23:00 UTC", "git_commit": "0ld0ld1 (uncommitted changes)"},
              "runs": {}}
    _write(tmp_path / "archive" / "r3", _results([_claim("a", "not comparable", 1.2, 0.2, 2.2, "supported")],
                                                 "2026-01-03T00:00:00Z", commit="ccc3333"))
    _write(tmp_path / "archive" / "r2", _results([_claim("a", "not comparable", 1.1, 0.1, 2.1, "inconclusive")],
                                                 "2026-01-02T00:00:00Z", commit="bbb2222"))
    _write(tmp_path / "legacy", legacy)
    snaps = history.load_history([tmp_path / "archive", tmp_path / "legacy" / "results.json"])
    assert [s.commit for s in snaps] == ["0ld0ld1+dirty", "bbb2222", "ccc3333"]
    (row,) = [r for r in history.history_rows(snaps) if r.key == "a"]
    assert [c["status"] for c in row.cells] == ["first", "unchanged", "verdict flip"]
    assert main(["report", "--history", str(tmp_path / "archive"), str(tmp_path / "legacy"),
                 "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "! [3] 2026-01-03T00:00:00Z ccc3333" in out and "<- verdict flip" in out
    page = (tmp_path / "out" / "history.html").read_text()
    assert 'class="flip"' in page and "ccc3333" in page
    markdown = (tmp_path / "out" / "history.md").read_text()
    assert "| a |" in markdown and "| ! not comparable (measured: supported), +1.20 [+0.20, +2.20] |" in markdown


def test_history_refuses_a_path_without_reports(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["report", "--history", str(tmp_path / "empty")]) == 2
    assert "expected a results.json file, a report folder, or a folder of them" in capsys.readouterr().err


def test_results_are_read_strictly(tmp_path):
    (tmp_path / "results.json").write_text('{"claims": [], "x": NaN}')
    with pytest.raises(ResultsFileError, match="NaN is not JSON"):
        read_results(tmp_path)
    (tmp_path / "results.json").write_text('{"runs": {}}')
    with pytest.raises(ResultsFileError, match="'claims' list"):
        read_results(tmp_path / "results.json")
