"""The command line as a user meets it: errors that name what is missing and how to get it."""

import os

import pytest

from helpers import repro_cli

pytestmark = pytest.mark.slow  # trains on the micro profile, builds an encoder or starts processes


def test_full_profile_offline_stops_before_training_and_names_prefetch(tmp_path):
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "XLT_REPRO_CACHE": str(tmp_path / "cache")}
    done = repro_cli("run", "--profile", "full", "--only", "robust-xlt-pawsx", "--seeds", "1", "--store",
                     tmp_path / "store", "--report", tmp_path / "report", "--quiet", timeout=120, env=env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "google-research-datasets/paws-x" in done.stderr
    assert "bert-base-multilingual-cased" in done.stderr
    assert "repro prefetch --profile full" in done.stderr
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("result.json"))
