"""Shared test fixtures: paths to the corpus, gold files and the shared real files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "real"
REAL_GOLD = SHARED / "gold" / "real"
IN_CI = os.environ.get("CI", "").lower() == "true"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def need(condition: bool, reason: str) -> None:
    """Skip when a real component or folder is missing; under CI=true that is a failure instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def need_program(name: str) -> str:
    found = shutil.which(name)
    need(found is not None, f"{name} is not installed")
    return found or name


@pytest.fixture
def real_dir() -> Path:
    need(REAL.is_dir(), "../shared/real is not present")
    return REAL
