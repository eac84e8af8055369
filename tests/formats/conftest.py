"""Fixtures for the format tests (the papers themselves live in format_samples.py)."""

from __future__ import annotations

import pytest
from format_samples import sample_papers

from papershelf.papers import Paper


@pytest.fixture
def papers() -> list[Paper]:
    return sample_papers()
