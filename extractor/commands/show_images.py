"""Page images for `vnplan show`: each page of a PDF or a scanned image as a small JPEG data URI.

The readers do not keep their page images (OCR renders them at 300 dpi into a temporary folder and
removes them), so the page is rendered again here, at a modest resolution, with the same checks the
readers make before pdfium or Pillow decodes anything (a page drawing an image over the pixel limit, an
image frame over it).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import DEFAULT_LIMITS, Limits

DEFAULT_DPI = 100
JPEG_QUALITY = 60
SCAN_DPI = 300
"""The resolution assumed for an image file that states none (as the image reader assumes)."""


def _jpeg_uri(image: object, quality: int) -> str:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)  # type: ignore[attr-defined]
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def pdf_page_images(path: Path, dpi: int = DEFAULT_DPI, quality: int = JPEG_QUALITY,
                    limits: Limits = DEFAULT_LIMITS) -> dict[int, str]:
    """1-based page number -> JPEG data URI of every page of a PDF."""
    import pypdfium2 as pdfium

    from extractor.readers.ocr import check_page_images
    from extractor.readers.pdf_text import load_page

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise VnplanError(f"cannot render pages ({str(exc).rstrip('.')})") from None
    images: dict[int, str] = {}
    try:
        if len(document) > limits.pages:
            raise LimitExceeded(f"PDF has {len(document)} pages, over the limit of {limits.pages}")
        for index in range(len(document)):
            page = load_page(document, index)
            try:
                check_page_images(page, index, limits)
                bitmap = page.render(scale=dpi / 72.0)
                images[index + 1] = _jpeg_uri(bitmap.to_pil(), quality)
                bitmap.close()
            finally:
                page.close()
    finally:
        document.close()
    return images


def image_file_pages(path: Path, dpi: int = DEFAULT_DPI, quality: int = JPEG_QUALITY,
                     limits: Limits = DEFAULT_LIMITS) -> dict[int, str]:
    """1-based frame number -> JPEG data URI of every frame of an image file, scaled to `dpi`."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # our own check below is the limit, read from the header
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as exc:
        raise VnplanError(f"not a readable image ({type(exc).__name__})") from None
    images: dict[int, str] = {}
    with image:
        frames = getattr(image, "n_frames", 1)
        if frames > limits.pages:
            raise LimitExceeded(f"image has {frames} frames, over the page limit of {limits.pages}")
        for frame in range(frames):
            try:
                image.seek(frame)
            except (OSError, ValueError, EOFError) as exc:
                raise VnplanError(f"image cannot be decoded (frame {frame + 1}: {exc})") from None
            width, height = image.size
            if width * height > limits.image_pixels:
                raise LimitExceeded(f"image is {width}x{height} pixels, over the limit of {limits.image_pixels}")
            stated = (image.info or {}).get("dpi")
            try:
                source_dpi = float(stated[0]) if stated else SCAN_DPI
            except (TypeError, ValueError, IndexError):
                source_dpi = SCAN_DPI
            source_dpi = source_dpi if 70 <= source_dpi <= 1200 else SCAN_DPI
            scale = min(1.0, dpi / source_dpi)
            try:
                frame_image = image.convert("RGB")
                if scale < 1.0:
                    size = (max(1, round(width * scale)), max(1, round(height * scale)))
                    frame_image = frame_image.resize(size, Image.Resampling.LANCZOS)
                images[frame + 1] = _jpeg_uri(frame_image, quality)
            except (OSError, ValueError) as exc:
                raise VnplanError(f"image cannot be decoded ({exc})") from None
    return images


def page_images(path: Path, source_format: str, dpi: int = DEFAULT_DPI,
                quality: int = JPEG_QUALITY) -> dict[int, str]:
    """Page images of a paged source (PDF, image); empty for other formats."""
    if source_format == "pdf":
        return pdf_page_images(path, dpi, quality)
    if source_format == "image":
        return image_file_pages(path, dpi, quality)
    return {}
