"""The pipeline: read -> frame -> trim -> assemble -> segment -> metadata -> citations -> tasks -> units -> build.

Each stage is a module named for what it does; this module only runs them in order, times them and
builds the validated `PlanDocument`.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

# Stages and readers are imported here, not when a document needs them: an import that runs out of memory
# under the cap fails without a MemoryError (CPython's SystemError), so nothing is imported mid-document.
from extractor import __version__, readers
from extractor.base.blocks import Block, Layout, ReadResult, assemble
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import DEFAULT_LIMITS, Limits, memory_capped, time_limit
from extractor.base.tempdirs import private_tempdir
from extractor.stages import citations, frame, metadata, segment, tasks, trim, units
from models import Page, PlanDocument, Quality, Source, Warning


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


# Format names `extract_bytes` takes (the reader suffixes without their dot, and "image"), with the
# suffix that picks the reader.
FORMAT_SUFFIXES: dict[str, str] = {
    **{suffix[1:]: suffix for suffix in readers.SUPPORTED_SUFFIXES},
    "image": ".png",
}
_IMAGE_SUFFIXES = {"a PNG image": ".png", "a JPEG image": ".jpg", "a TIFF image": ".tif"}
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"


def guess_format(data: bytes) -> str:
    """The format of content without a file name, from its leading bytes (as a reader would refuse a
    wrong suffix): PDF, images, DOCX or ODT (ZIP), .doc (OLE), RTF, HTML, else text."""
    found = readers.sniff(data[:64])
    if found is not None:
        description, kind = found
        if kind == "pdf":
            return "pdf"
        if kind == "image":
            return "image"
        if kind == "zip":
            return "odt" if data[30:30 + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE else "docx"
        if kind == "ole":
            return "doc"
        raise VnplanError(f"content is {description}, not a supported document")
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if _HTML_START.match(data[:4096]):
        return "html"
    return "txt"


def extract_bytes(
    data: bytes,
    fmt: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    timer: StageTimer | None = None,
    name: str = "-",
) -> PlanDocument:
    """Extract content held in memory (standard input, a download) as a document of format `fmt` (see
    `FORMAT_SUFFIXES`; None guesses it from the bytes). `name` is recorded as `source.path`."""
    fmt = (fmt or guess_format(data)).lower().lstrip(".")
    if fmt not in FORMAT_SUFFIXES:
        raise VnplanError(f"unknown format '{fmt}' (known: {', '.join(sorted(FORMAT_SUFFIXES))})")
    if len(data) > limits.file_bytes:
        raise LimitExceeded(f"input is {len(data)} bytes, over the limit of {limits.file_bytes}")
    suffix = FORMAT_SUFFIXES[fmt]
    if fmt == "image":
        suffix = _IMAGE_SUFFIXES.get((readers.sniff(data[:64]) or ("", ""))[0], suffix)
    timer = timer or StageTimer()
    with private_tempdir("vnplan-tmp-") as folder:
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        with time_limit(limits.seconds), _memory_errors(timer):
            result = _staged(timer, "read", readers.read, path, limits)
            return build_document(result, name, hashlib.sha256(data).hexdigest(), timer, limits)


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
    warnings += _staged(timer, "citations", citations.low_confidence, cites, layout)
    found_tasks = _staged(timer, "tasks", tasks.find_tasks, layout, sections, meta)
    found_units = _staged(timer, "units", units.collect_units, found_tasks, layout, meta)
    with timer.run("build"):
        reader_warnings = [Warning(code=code, message=message) for code, message in result.warnings]
        all_warnings = reader_warnings + warnings + citations.code_repairs(cites, layout)
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
            warnings=all_warnings,
            quality=assess_quality(result, layout, plan_frame, all_warnings),
        )


# --- quality: what an archive user filters on to find documents that need a human look -----------------

# Warning codes that mean a field is likely missing or wrong (not ones that only report a faithful
# conversion, such as "legacy-encoding", or a library's chatter, such as "html-readability").
REVIEW_WARNING_CODES = frozenset({"no-title-block"})


def needs_review(quality: Quality) -> bool:
    """The one rule for `quality.needs_review`: any text from OCR (characters may be misread), a repaired
    text layer, a draft (not the issued text), or a warning whose code is in REVIEW_WARNING_CODES."""
    return bool(
        quality.ocr_text_share > 0
        or quality.pages_ocr
        or quality.pages_repaired
        or quality.draft
        or REVIEW_WARNING_CODES & quality.warnings_by_code.keys()
    )


# "Dự thảo", "DỰ THẢO lần 2", "(Dự thảo)", "Dự thảo 3 - 12/2024": the whole line (or table cell) is the mark.
_DRAFT_MARK = re.compile(r"^[\W_]*d[ựư]\s*th[ảa]o\b(?:[\s:.,-]+\S{1,12}){0,3}[\W_]*$", re.I)


def is_draft_mark(text: str) -> bool:
    return any(_DRAFT_MARK.match(cell.strip()) for cell in text.split("\t"))


def _has_draft_mark(plan_frame: frame.Frame) -> bool:
    """A draft mark stands in the header region, before the title block's type line (issuing block,
    motto, number, place and date, or a box beside them); a 'dự thảo' in the body is only a word."""
    lines = plan_frame.lines
    if plan_frame.type_line is not None:
        before = lines[: plan_frame.type_line]
    else:
        end = max([plan_frame.body_start, *(i + 1 for i in plan_frame.header)])
        before = lines[:end]
    return any(is_draft_mark(line.text) for line in before)


def assess_quality(result: ReadResult, layout: Layout, plan_frame: frame.Frame, warnings: list[Warning]) -> Quality:
    text_chars = sum(block.end - block.start for block in layout.blocks)
    ocr_chars = sum(block.end - block.start for block in layout.blocks if block.ocr)
    ocr_pages = set(result.ocr_pages) | {b.page for b in _ocr_blocks(result.blocks) if b.page is not None}
    quality = Quality(
        ocr_text_share=round(ocr_chars / text_chars, 4) if text_chars else 0.0,
        pages_repaired=sorted(set(result.repaired_pages)),
        pages_ocr=sorted(ocr_pages),
        draft=_has_draft_mark(plan_frame),
        warnings_by_code=dict(sorted(Counter(w.code for w in warnings).items())),
    )
    quality.needs_review = needs_review(quality)
    return quality


def _ocr_blocks(blocks: list[Block]) -> Iterator[Block]:
    return (block for block in blocks if block.ocr)


__all__ = [
    "FORMAT_SUFFIXES",
    "PIPELINE_VERSION",
    "REVIEW_WARNING_CODES",
    "STAGES",
    "StageTimer",
    "assemble",
    "assess_quality",
    "build_document",
    "extract",
    "extract_bytes",
    "guess_format",
    "needs_review",
]
