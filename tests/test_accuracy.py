"""Accuracy floors: `vnplan eval` on the corpus and the real files must stay at or above tests/floors.json.

A floor is the value measured when it was set (scripts/accuracy.py --raise), raised whenever the pipeline
improves and never lowered.
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import REAL, ROOT, need

sys.path.insert(0, str(ROOT / "scripts"))
import accuracy  # noqa: E402


@pytest.fixture(scope="module")
def measured():
    need(REAL.is_dir(), "../shared/real is not present")
    return accuracy.measure(include_real=True)


def test_no_extraction_errors(measured):
    _, errors = measured
    assert errors == []


def test_every_figure_at_or_above_its_floor(measured):
    figures, _ = measured
    floors = json.loads(accuracy.FLOORS.read_text(encoding="utf-8"))
    below = {k: (round(figures.get(k, -1.0), 4), floor) for k, floor in floors.items()
             if figures.get(k, -1.0) < floor - 1e-9}
    assert not below, f"figures below their floors (measured, floor): {below}"
