"""vnplan: turn published Vietnamese government plans into structured, comparable JSON.

    from extractor import extract
    doc = extract("plan.pdf")   # a validated models.PlanDocument
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pathlib import Path

    from extractor.base.limits import Limits
    from models import PlanDocument


def extract(path: str | Path, limits: Limits | None = None) -> PlanDocument:
    """Extract one plan file into a validated `models.PlanDocument`."""
    from extractor.base.limits import DEFAULT_LIMITS
    from extractor.pipeline import extract as run

    return run(path, limits or DEFAULT_LIMITS)


__all__ = ["__version__", "extract"]
