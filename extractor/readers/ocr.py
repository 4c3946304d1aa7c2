"""OCR with Tesseract (`vie`): page images in, positioned lines out (in points, like a PDF text layer).

Tesseract runs as a separate program (argument list, private temp dir, timeout, memory cap) with fully
automatic page segmentation (`--psm 3`), whose TSV output keeps every word's box: the layout step in
`layout.py` rebuilds lines, paragraphs and the side-by-side header from those boxes as it does for text
PDFs. Pages are recognised two at a time with one thread each, which uses both cores better than one
Tesseract process with OpenMP threads.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.base.normalize import clean_text
from extractor.readers.layout import Segment
from extractor.vocab.markers import LIST_MARKER_ALONE_RE, NUMBER_MARKER_ALONE_RE

LANGUAGE = "vie"
TARGET_DPI = 300
"""Tesseract reads body text best at about 300 DPI (10-12 pt text ~ 30-40 px high)."""
LINE_BOX_EM = 0.94
"""A text line's box, from the accents over capitals to the descenders, is about 0.94 of the font size
(Times-like faces; 13 pt body text gives 12.2 pt boxes at 300 DPI)."""
MIN_CONFIDENCE = 20.0
"""Words below this confidence are mostly stamp ink and smudges, not text."""
WORKERS = max(1, min(2, os.cpu_count() or 1))
LABEL_LANGUAGE = "eng"
LABEL_CHARS = "0123456789IVXLC.)"


@dataclass(slots=True)
class OcrLine:
    """One line as Tesseract grouped it, before the layout step gives it a page (`layout.lines_from_ocr`)."""

    segments: list[Segment] = field(default_factory=list)


@dataclass(slots=True)
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


def dpi_for(width_pt: float, height_pt: float, limits: Limits) -> int:
    """The rendering resolution: TARGET_DPI, lowered so that the page image stays within the pixel limit."""
    area_in = max(width_pt * height_pt / (72.0 * 72.0), 1e-6)
    fitting = int(math.sqrt(limits.image_pixels / area_in))
    dpi = min(TARGET_DPI, fitting)
    if dpi < 50:
        raise LimitExceeded(f"page of {width_pt:.0f}x{height_pt:.0f} pt is too large to OCR within the pixel limit")
    return dpi


def ocr_pdf_pages(document: object, indexes: list[int], limits: Limits) -> Iterator[tuple[int, list[OcrLine]]]:
    """Render the given pages (0-based) with pypdfium2 and OCR them; yields (index, lines) in order.

    Pages are rendered one at a time as OCR workers free up, so a long scan never holds more than a few
    page images (about 9 MB each at 300 DPI) on disk; each is counted against the temporary-disk budget
    before it is written, and the images a page draws are checked against the pixel limit before pdfium
    decodes them.
    """
    from extractor.readers.scratch import TempBudget, image_file_bytes, scratch_dir

    with scratch_dir("vnplan-ocr-") as work:
        budget = TempBudget(limits, work)

        def jobs() -> Iterator[tuple[int, Path, int]]:
            for index in indexes:
                page = load_page(document, index)
                check_page_images(page, index, limits)
                width, height = page.get_size()
                dpi = dpi_for(width, height, limits)
                scale = dpi / 72.0
                budget.reserve(image_file_bytes(math.ceil(width * scale), math.ceil(height * scale)))
                bitmap = page.render(scale=scale, grayscale=True)
                image_path = work / f"page-{index + 1}.pgm"
                bitmap.to_pil().convert("L").save(image_path)
                bitmap.close()
                page.close()
                yield index, image_path, dpi

        yield from _run_jobs(jobs(), limits, work, remove_images=True)


def load_page(document: object, index: int):  # noqa: ANN201 - a pypdfium2.PdfPage
    """Page `index` of a pypdfium2 document; a page pdfium cannot load is a corrupt PDF, in one line."""
    import pypdfium2 as pdfium

    try:
        return document[index]  # type: ignore[index]
    except pdfium.PdfiumError as exc:
        raise VnplanError(
            f"corrupt PDF (page {index + 1} cannot be loaded: the page tree is broken or has a cycle; "
            f"pdfium: {str(exc).rstrip('.')})"
        ) from None


def check_page_images(page: object, index: int, limits: Limits) -> None:
    """Refuse a page drawing an image larger than the pixel limit: rendering decodes it at full size."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)):  # type: ignore[attr-defined]
        try:
            width, height = obj.get_px_size()
        except pdfium.PdfiumError:
            continue
        if width * height > limits.image_pixels:
            raise LimitExceeded(
                f"page {index + 1} draws an image of {width}x{height} pixels, over the limit of {limits.image_pixels}"
            )


def ocr_jobs(jobs: Iterator[tuple[int, Path, int]], limits: Limits, work: Path) -> Iterator[list[OcrLine]]:
    """OCR grayscale images [(index, path, dpi)] made one at a time by `jobs` as Tesseract frees up; one
    list of lines per image, in order. Each image is removed once read."""
    for _, lines in _run_jobs(jobs, limits, work, remove_images=True):
        yield lines


def _run_jobs(
    jobs: Iterator[tuple[int, Path, int]], limits: Limits, work: Path, remove_images: bool = False
) -> Iterator[tuple[int, list[OcrLine]]]:
    """OCR jobs with up to WORKERS Tesseract processes at once, results in job order. If the caller stops
    (the document's time limit, an error), queued jobs are cancelled and running Tesseracts killed."""
    from extractor.readers.sandbox import kill_running

    def done(index: int, path: Path, lines: list[OcrLine]) -> tuple[int, list[OcrLine]]:
        if remove_images:
            path.unlink(missing_ok=True)
        return index, lines

    if WORKERS == 1:
        for index, path, dpi in jobs:
            yield done(index, path, recognize(path, dpi, limits, work))
        return
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    pending: deque[tuple[int, Path, Future[list[OcrLine]]]] = deque()
    finished = False
    try:
        for index, path, dpi in jobs:
            pending.append((index, path, pool.submit(recognize, path, dpi, limits, work)))
            if len(pending) >= WORKERS:
                index, path, future = pending.popleft()
                yield done(index, path, future.result())
        while pending:
            index, path, future = pending.popleft()
            yield done(index, path, future.result())
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            kill_running()


def recognize(image: Path, dpi: int, limits: Limits, work: Path) -> list[OcrLine]:
    """Run Tesseract on one image and return its lines in points (1/72 inch)."""
    from extractor.readers.sandbox import run_program

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "OMP_THREAD_LIMIT": "1",
        "LANG": "C.UTF-8",
    }
    if "TESSDATA_PREFIX" in os.environ:
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    argv = ["tesseract", str(image), "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", str(dpi), "tsv"]
    done = run_program(
        argv, timeout=limits.subprocess_seconds, cwd=work, memory_bytes=limits.memory_bytes, env=env
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        cause = message[-1] if message else f"exit status {done.returncode}"
        if "vie" in cause and ("traineddata" in cause or "language" in cause.lower()):
            raise VnplanError("Tesseract has no Vietnamese language data (install tesseract-ocr-vie)")
        raise VnplanError(f"OCR failed: {cause[:200]}")
    lines = lines_from_tsv(done.stdout.decode("utf-8", "replace"), dpi)
    _reread_labels(lines, image, dpi, limits, work, env)
    return lines


def _reread_labels(lines: list[OcrLine], image: Path, dpi: int, limits: Limits, work: Path,
                   env: dict[str, str]) -> None:
    """Read again the lone marks that stand before a line's text at a tab stop (heading numbers).

    Tesseract reads such a mark as a block of its own, without context, and the Vietnamese model takes
    "I." for "L.", "II." for "H.", "7." for "VỀ". The marks that are not already a valid list label are
    cropped, stacked into one image and read with the English model restricted to digits, Roman numerals
    and label punctuation; a reading that is a number label replaces the first one.
    """
    from PIL import Image

    from extractor.readers.sandbox import run_program

    marks = [line.segments[0] for line in lines if _lone_mark(line, lines)]
    if not marks:
        return
    px = dpi / 72.0
    gap = int(0.3 * dpi)
    with Image.open(image) as page:
        crops = [
            page.crop((int((m.x0 - 4) * px), int((m.top - 3) * px), int((m.x1 + 4) * px), int((m.bottom + 3) * px)))
            for m in marks
        ]
    sheet = Image.new("L", (max(c.width for c in crops) + 2 * gap, sum(c.height + gap for c in crops) + gap), 255)
    bands: list[tuple[int, int]] = []
    y = gap
    for crop in crops:
        sheet.paste(crop, (gap, y))
        bands.append((y, y + crop.height))
        y += crop.height + gap
    path = work / f"{image.stem}-labels.png"
    sheet.save(path)
    argv = ["tesseract", str(path), "stdout", "-l", LABEL_LANGUAGE, "--psm", "6", "--dpi", str(dpi),
            "-c", f"tessedit_char_whitelist={LABEL_CHARS}", "tsv"]
    done = run_program(argv, timeout=limits.subprocess_seconds, cwd=work, memory_bytes=limits.memory_bytes, env=env)
    if done.returncode != 0:
        return  # no English model: the first reading stands
    texts: list[list[str]] = [[] for _ in marks]
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        middle = int(cols[7]) + int(cols[9]) // 2
        for i, (top, bottom) in enumerate(bands):
            if top <= middle <= bottom:
                texts[i].append(cols[11].strip())
    for mark, words in zip(marks, texts, strict=True):
        reading = "".join(words)
        if NUMBER_MARKER_ALONE_RE.match(reading):
            mark.text = reading


def _lone_mark(line: OcrLine, lines: list[OcrLine]) -> bool:
    """A line's first segment is a short mark, not a valid label, with the line's text apart to its right
    (in the same OCR line after a wide gap, or in another block on the same baseline)."""
    mark = line.segments[0]
    if len(mark.text) > 4 or " " in mark.text or LIST_MARKER_ALONE_RE.match(mark.text):
        return False
    if len(line.segments) > 1:
        return True
    middle = (mark.top + mark.bottom) / 2
    return any(
        other is not line and s.x0 > mark.x1 + 0.5 * mark.size and s.top <= middle <= s.bottom
        for other in lines
        for s in other.segments
    )


def lines_from_tsv(tsv: str, dpi: int) -> list[OcrLine]:
    """Group Tesseract's TSV words by (block, paragraph, line); cut a line at gaps wider than 2 heights.

    The font size comes from the line's box, not from word boxes: a word's height depends on its letters
    (accents, ascenders, descenders), so sizes taken from words scatter by a third between the lines of
    one paragraph, while a whole line's box is steady.
    """
    grouped: dict[tuple[int, int, int, int], list[_Word]] = {}
    line_heights: dict[tuple[int, int, int, int], int] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] not in ("4", "5"):
            continue
        try:
            key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))
            conf = float(cols[10])
            box = [int(v) for v in cols[6:10]]
        except ValueError:
            continue
        if cols[0] == "4":
            line_heights[key] = box[3]
            continue
        text = clean_text(cols[11])
        if not text or conf < MIN_CONFIDENCE:
            continue
        grouped.setdefault(key, []).append(_Word(text, box[0], box[1], box[2], box[3], conf))
    scale = 72.0 / dpi
    lines: list[OcrLine] = []
    for key, words in grouped.items():
        words.sort(key=lambda w: w.left)
        if not _plausible(words):
            continue
        height = sorted(w.height for w in words)[len(words) // 2]
        size = line_heights.get(key, max(w.height for w in words)) * scale / LINE_BOX_EM
        line = OcrLine()
        current: list[_Word] = []
        for word in words:
            if current and word.left - (current[-1].left + current[-1].width) > 2.0 * height:
                line.segments.append(_segment(current, scale, size))
                current = []
            current.append(word)
        line.segments.append(_segment(current, scale, size))
        lines.append(line)
    lines.sort(key=lambda ln: min(s.top for s in ln.segments))
    return lines


def _plausible(words: list[_Word]) -> bool:
    """A line of real text has letters or digits and is not mostly low-confidence single marks."""
    chars = "".join(w.text for w in words)
    alnum = sum(c.isalnum() for c in chars)
    if alnum == 0:
        return False
    mean_conf = sum(w.conf for w in words) / len(words)
    return mean_conf >= 45 or alnum >= 0.6 * len(chars)


def _segment(words: list[_Word], scale: float, size: float) -> Segment:
    top = min(w.top for w in words)
    bottom = max(w.top + w.height for w in words)
    return Segment(
        text=" ".join(w.text for w in words),
        x0=words[0].left * scale,
        x1=max(w.left + w.width for w in words) * scale,
        top=top * scale,
        bottom=bottom * scale,
        size=size,
    )
