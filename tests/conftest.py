"""Fixtures the tests share (helpers that are plain functions live in ``helpers.py``)."""

from __future__ import annotations

import pytest

from helpers import CLAIMS_DIR


@pytest.fixture(scope="session")
def committed_specs():
    """Every spec under the project's claims/, loaded once."""
    from repro.spec import load_specs

    return load_specs([CLAIMS_DIR])
