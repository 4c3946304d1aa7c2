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

# Leading bytes of the binary formats a file can turn out to be, whatever its name says.
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "image"),
    (b"\xff\xd8\xff", "a JPEG image", "image"),
    (b"GIF87a", "a GIF image", "image"),
    (b"GIF89a", "a GIF image", "image"),
    (b"II*\x00", "a TIFF image", "image"),
    (b"MM\x00*", "a TIFF image", "image"),
    (b"BM", "a BMP image", "image"),
    (b"%PDF-", "a PDF document", "pdf"),
    (b"PK\x03\x04", "a ZIP archive", "zip"),
    (b"PK\x05\x06", "a ZIP archive", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE container (a legacy Office file)", "ole"),
    (b"\x1f\x8b", "a gzip archive", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "archive"),
    (b"Rar!\x1a\x07", "a RAR archive", "archive"),
    (b"\x7fELF", "an executable program", "program"),
)
# What each format's reader accepts; content of another kind is refused before the reader runs. Office
# files (.doc/.rtf/.odt) go to LibreOffice, which opens what Word saves under those names (a .doc is often
# RTF, HTML or a DOCX), so only content no word processor opens is refused for them.
_ACCEPTS: dict[str, frozenset[str]] = {
    "txt": frozenset(),
    "html": frozenset(),
    "docx": frozenset({"zip", "ole"}),  # OLE: a password-protected DOCX (its reader says so)
    "pdf": frozenset({"pdf"}),
    "doc": frozenset({"zip", "ole"}),
    "rtf": frozenset({"zip", "ole"}),
    "odt": frozenset({"zip", "ole"}),
    "image": frozenset({"image"}),
}
_FORMAT_NAMES = {"txt": "text", "html": "HTML", "docx": "DOCX", "pdf": "PDF", "doc": "a .doc file",
                 "rtf": "RTF", "odt": "ODT", "image": "an image"}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(description, kind) of the binary format the leading bytes show, or None (text, HTML, unknown)."""
    for magic, description, kind in MAGIC:
        if head.startswith(magic):
            if magic == b"BM" and not _plausible_bmp(head):
                continue
            return description, kind
    return None


def _plausible_bmp(head: bytes) -> bool:
    """"BM" also starts plain text ("BM" is a word); a BMP header has its 40+ byte info header at 14."""
    return len(head) >= 18 and head[14] in (12, 40, 52, 56, 64, 108, 124) and head[15:18] == b"\0\0\0"


def check_content(path: Path, fmt: str) -> None:
    """Refuse a file whose leading bytes show another format than its suffix names ("file is a PNG image,
    not HTML"), before a reader gives a misleading cause."""
    with path.open("rb") as handle:
        head = handle.read(64)
    found = sniff(head)
    if found is None:
        return
    description, kind = found
    if kind not in _ACCEPTS.get(fmt, frozenset()):
        raise VnplanError(f"file is {description}, not {_FORMAT_NAMES.get(fmt, fmt)}")


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
    check_content(path, fmt)
    module = import_module(READERS[path.suffix.lower()][0])
    result: ReadResult = module.read(path, limits)
    result.format = fmt
    if not any(block.line.strip() for block in result.blocks):
        raise VnplanError("no text found in the file")
    return result
