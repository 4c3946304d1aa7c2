"""The pipeline: read -> frame -> trim -> assemble -> segment -> metadata -> citations -> tasks -> units -> build.

Each stage is a module named for what it does; this module only runs them in order, times them and
builds the validated `PlanDocument`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

# Stages and readers are imported here, not when a document needs them: an import that runs out of memory
# under the cap fails without a MemoryError (CPython's SystemError), so nothing is imported mid-document.
from extractor import __version__, readers
from extractor.base.blocks import ReadResult, assemble
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import DEFAULT_LIMITS, Limits, memory_capped, time_limit
from extractor.stages import citations, frame, metadata, segment, tasks, trim, units
from models import Page, PlanDocument, Source, Warning


def _code_digest() -> str:
    """A digest of the extractor's code and data files: any change to them gives a new pipeline version,
    so `vnplan batch` redoes outputs made by older code (resume compares this version)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *(root / "data").glob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


PIPELINE_VERSION = f"{__version__}+{_code_digest()}"
STAGES = ("read", "frame", "trim", "assemble", "segment", "metadata", "citations", "tasks", "units", "build")

T = TypeVar("T")


class StageTimer:
    """Accumulates wall time per stage; `stage` is the name of the one running (for error records)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stage = "read"

    @contextmanager
    def run(self, name: str) -> Iterator[None]:
        self.stage = name
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract(
    path: str | Path, limits: Limits = DEFAULT_LIMITS, timer: StageTimer | None = None
) -> PlanDocument:
    """Extract one file into a validated `PlanDocument`. Raises `VnplanError` with a one-line cause."""
    path = Path(path)
    timer = timer or StageTimer()
    with time_limit(limits.seconds), _memory_errors(timer):
        result = _staged(timer, "read", readers.read, path, limits)
        with timer.run("read"):
            sha256 = file_sha256(path)
        return build_document(result, str(path), sha256, timer, limits)


@contextmanager
def _memory_errors(timer: StageTimer) -> Iterator[None]:
    """Memory exhaustion between the stages (entering one, building the document) as the one-line error
    the stages give. Under an address-space cap a failed allocation in C can surface as a SystemError
    ("error return without exception set"), even in the call that enters a stage."""
    try:
        yield
    except MemoryError:
        raise VnplanError("out of memory", stage=timer.stage) from None
    except SystemError:
        if memory_capped():
            raise VnplanError("out of memory", stage=timer.stage) from None
        raise


def _staged(timer: StageTimer, name: str, func: Callable[..., T], *args: object) -> T:
    with timer.run(name):
        try:
            return func(*args)
        except VnplanError:
            raise
        except RecursionError:
            raise VnplanError("input nested too deeply", stage=name) from None
        except MemoryError:
            raise VnplanError("out of memory", stage=name) from None


def build_document(
    result: ReadResult, source_path: str, sha256: str, timer: StageTimer, limits: Limits = DEFAULT_LIMITS
) -> PlanDocument:
    """Run the text stages over a reader's blocks and build the document."""
    plan_frame = _staged(timer, "frame", frame.find_frame, frame.lines_of(result.blocks))
    blocks, plan_frame = _staged(timer, "trim", trim.trim, result.blocks, plan_frame)
    layout = _staged(timer, "assemble", assemble, blocks)
    if len(layout.text) > limits.text_chars:
        raise LimitExceeded(f"text of {len(layout.text)} characters, over the limit of {limits.text_chars}")
    sections = _staged(timer, "segment", segment.find_sections, layout, plan_frame)
    meta, recipients, warnings = _staged(timer, "metadata", metadata.extract_metadata, layout, sections, plan_frame)
    cites = _staged(timer, "citations", citations.find_citations, layout, sections, meta)
    found_tasks = _staged(timer, "tasks", tasks.find_tasks, layout, sections, meta)
    found_units = _staged(timer, "units", units.collect_units, found_tasks, layout, meta)
    with timer.run("build"):
        reader_warnings = [Warning(code=code, message=message) for code, message in result.warnings]
        return PlanDocument(
            pipeline_version=PIPELINE_VERSION,
            id=sha256[:16],
            source=Source(
                path=source_path,
                format=result.format,
                sha256=sha256,
                pages=result.pages,
                ocr=result.ocr,
                encoding=result.encoding,
            ),
            text=layout.text,
            pages=[Page(number=p.number, start=p.start, end=p.end) for p in layout.pages],
            metadata=meta,
            recipients=recipients,
            sections=sections,
            citations=cites,
            tasks=found_tasks,
            units=found_units,
            warnings=reader_warnings + warnings,
        )


__all__ = ["PIPELINE_VERSION", "STAGES", "StageTimer", "assemble", "build_document", "extract"]
