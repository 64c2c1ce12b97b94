"""What the suite prints while it works: a bar on a terminal, one line per finished step in a log
(with the count, the time so far and an estimate of the time left), nothing under --quiet."""

import io
import re

import pytest

from repro import progress
from repro.progress import LineProgress, progress_bar


def test_a_log_gets_one_line_per_finished_step_with_the_time_left(monkeypatch):
    ticks = iter([100.0, 110.0, 130.0])  # started, then two steps 10 s and 30 s in
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(ticks))
    out = io.StringIO()
    bar = LineProgress(4, "runs", "run", file=out)
    bar.set_postfix_str("finetune pawsx seed 0")
    bar.update()
    bar.set_postfix_str("finetune pawsx seed 1")
    bar.update()
    lines = out.getvalue().splitlines()
    assert lines == ["runs 1/4 (25%) 00:10 elapsed, ~00:30 left: finetune pawsx seed 0",
                     "runs 2/4 (50%) 00:30 elapsed, ~00:30 left: finetune pawsx seed 1"]


def test_quiet_prints_nothing_and_a_pipe_gets_lines_not_a_bar(capsys):
    bar = progress_bar(2, "runs", "run", enabled=False)
    bar.update()
    bar.close()
    assert capsys.readouterr().err == ""
    bar = progress_bar(2, "runs", "run")  # stderr is captured: not a terminal
    assert isinstance(bar, LineProgress)
    bar.update()
    assert re.fullmatch(r"runs 1/2 \(50%\) \d\d:\d\d elapsed, ~\d\d:\d\d left\n", capsys.readouterr().err)


@pytest.mark.slow  # builds the seconds-long micro encoder
def test_the_encoder_build_says_what_it_is_doing(tmp_path, capsys):
    from repro.models.embedded import TEST_SPEC, build_embedded_encoder

    build_embedded_encoder(tmp_path, seed=0, spec=TEST_SPEC, progress=True)
    err = capsys.readouterr().err
    assert "generating the pretraining corpus" in err and f"pretraining, {TEST_SPEC.steps} steps" in err
    assert re.search(r"built in \d+ s", err)
    build_embedded_encoder(tmp_path, seed=0, spec=TEST_SPEC, progress=True)  # cached: nothing to say
    assert capsys.readouterr().err == ""
