"""Images (.png, .jpg, .jpeg, .tif, .tiff): every frame OCR'd with Tesseract, laid out like a PDF page.

Ruled tables in a frame come out as table rows, and each block carries its words' OCR confidence
(`ocr.py`, `scan_tables.py`).

The pixel count of every frame is read from the image headers and checked against the limit before any
decoding, so a decompression bomb is refused without being expanded. Frames are then decoded, written
and OCR'd one at a time (never all before OCR), within the temporary-disk budget (`VNPLAN_TMP_MB`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from extractor.base.blocks import ReadResult
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.readers import ocr
from extractor.readers.layout import PageContent, blocks_from_pages
from extractor.readers.scratch import TempBudget, image_file_bytes, scratch_dir

DEFAULT_DPI = 300


def read(path: Path, limits: Limits) -> ReadResult:
    from PIL import Image, UnidentifiedImageError

    # Our own check below is the limit; Pillow's bomb guard would raise its own, differently worded error.
    Image.MAX_IMAGE_PIXELS = None
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as exc:
        raise VnplanError(f"not a readable image ({type(exc).__name__})") from None
    with image, scratch_dir("vnplan-img-") as work:
        frames = getattr(image, "n_frames", 1)
        if frames > limits.pages:
            raise LimitExceeded(f"image has {frames} frames, over the page limit of {limits.pages}")
        for frame in range(frames):  # headers only: a frame over the limit is refused before any OCR
            _seek(image, frame)
            width, height = image.size
            if width * height > limits.image_pixels:
                raise LimitExceeded(
                    f"image is {width}x{height} pixels, over the limit of {limits.image_pixels}"
                )
        budget = TempBudget(limits, work)
        sizes: list[tuple[float, float]] = []

        def jobs() -> Iterator[tuple[int, Path, int]]:
            """Each frame decoded and written only when Tesseract is ready for it, removed once read."""
            for frame in range(frames):
                _seek(image, frame)
                width, height = image.size
                dpi = _dpi(image)
                budget.reserve(image_file_bytes(width, height))
                target = work / f"frame-{frame + 1}.pgm"
                try:
                    image.convert("L").save(target)
                except (OSError, ValueError) as exc:
                    raise VnplanError(f"image cannot be decoded ({exc})") from None
                sizes.append((width * 72.0 / dpi, height * 72.0 / dpi))
                yield frame, target, dpi

        results = list(ocr.ocr_jobs(jobs(), limits, work))
    pages = []
    for number, (result, (page_width, page_height)) in enumerate(zip(results, sizes, strict=False), start=1):
        page = PageContent(number, page_width, page_height)
        ocr.place_page(page, result)
        pages.append(page)
    blocks = ocr.attach_confidence(blocks_from_pages(pages), pages)
    return ReadResult(blocks=blocks, format="image", pages=len(pages), ocr=True,
                      ocr_pages=[page.number for page in pages])


def _seek(image: object, frame: int) -> None:
    try:
        image.seek(frame)  # type: ignore[attr-defined]
    except (OSError, ValueError, EOFError) as exc:
        raise VnplanError(f"image cannot be decoded (frame {frame + 1}: {exc})") from None


def _dpi(image: object) -> int:
    """The image's stated resolution when plausible, else 300 (the usual scanning resolution)."""
    info = getattr(image, "info", {}) or {}
    dpi = info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 70 <= value <= 1200 else DEFAULT_DPI
