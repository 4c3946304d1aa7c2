"""One reader per input format, all producing the same `ReadResult` of blocks.

Readers are imported on first use so that a command pays only for the formats it reads.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from extractor.base.blocks import ReadResult
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import DEFAULT_LIMITS, Limits

# suffix -> (module, format name)
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("extractor.readers.text", "txt"),
    ".text": ("extractor.readers.text", "txt"),
    ".html": ("extractor.readers.html", "html"),
    ".htm": ("extractor.readers.html", "html"),
    ".docx": ("extractor.readers.docx", "docx"),
    ".pdf": ("extractor.readers.pdf", "pdf"),
    ".doc": ("extractor.readers.office", "doc"),
    ".rtf": ("extractor.readers.office", "rtf"),
    ".odt": ("extractor.readers.office", "odt"),
    ".png": ("extractor.readers.image", "image"),
    ".jpg": ("extractor.readers.image", "image"),
    ".jpeg": ("extractor.readers.image", "image"),
    ".tif": ("extractor.readers.image", "image"),
    ".tiff": ("extractor.readers.image", "image"),
}

SUPPORTED_SUFFIXES = tuple(sorted(READERS))


def format_of(path: Path) -> str:
    try:
        return READERS[path.suffix.lower()][1]
    except KeyError:
        shown = path.suffix or "(none)"
        raise VnplanError(
            f"unsupported file type '{shown}' (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        ) from None


def read(path: Path, limits: Limits = DEFAULT_LIMITS) -> ReadResult:
    """Read any supported file into blocks. Raises `VnplanError` with a one-line cause."""
    fmt = format_of(path)
    if not path.exists():
        raise VnplanError("no such file")
    if not path.is_file():
        raise VnplanError("not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise VnplanError("file is empty")
    if size > limits.file_bytes:
        raise LimitExceeded(f"file is {size} bytes, over the limit of {limits.file_bytes}")
    module = import_module(READERS[path.suffix.lower()][0])
    result: ReadResult = module.read(path, limits)
    result.format = fmt
    if not any(block.line.strip() for block in result.blocks):
        raise VnplanError("no text found in the file")
    return result
