"""vnplan: turn published Vietnamese government plans into structured, comparable JSON.

    from extractor import extract, extract_bytes, extract_text
    doc = extract("plan.pdf")                    # a validated models.PlanDocument
    doc = extract_text("KẾ HOẠCH ...")            # a plan held as text
    doc = extract_bytes(data, "docx")            # a plan held as bytes (a download, an upload)
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


def extract_bytes(
    data: bytes, format: str | None = None, limits: Limits | None = None, name: str = "-"
) -> PlanDocument:
    """Extract a plan held as bytes. `format` is a reader's suffix without its dot ("docx", "pdf", "html",
    "txt", "doc", "png", ..., or "image"); None guesses it from the leading bytes. `name` becomes
    `source.path`. Raises `extractor.base.errors.VnplanError` with a one-line cause."""
    from extractor.base.limits import DEFAULT_LIMITS
    from extractor.pipeline import extract_bytes as run

    return run(data, format, limits or DEFAULT_LIMITS, name=name)


def extract_text(text: str, limits: Limits | None = None, name: str = "-") -> PlanDocument:
    """Extract a plan held as text (one paragraph a line, table cells separated by tabs)."""
    return extract_bytes(text.encode("utf-8"), "txt", limits, name)


__all__ = ["__version__", "extract", "extract_bytes", "extract_text"]
