"""OCR with Tesseract (`vie`): page images in, positioned lines out (in points, like a PDF text layer).

Tesseract runs as a separate program (argument list, private temp dir, timeout, memory cap) with fully
automatic page segmentation (`--psm 3`), whose TSV output keeps every word's box: the layout step in
`layout.py` rebuilds lines, paragraphs and the side-by-side header from those boxes as it does for text
PDFs. Pages are recognised two at a time with one thread each, which uses both cores better than one
Tesseract process with OpenMP threads.

Before Tesseract reads a page, its ruled tables are found in the image (`scan_tables.py`) and their
rulings erased; the words Tesseract then returns inside a table's grid go to its cells, the rest to
lines. Each word's confidence stays with it, and `attach_confidence` carries it onto the blocks.
"""

from __future__ import annotations

import math
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.base.blocks import Block
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.base.normalize import clean_text
from extractor.readers.layout import PageContent, Segment, lines_from_ocr
from extractor.readers.pdf_text import load_page
from extractor.readers.scan_tables import Grid, ScanTable, erase_rulings, find_grids, has_text, table_rows, unread_cells
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
# Marks Tesseract reads out of specks, rules and table borders, and that plans never write: none of them
# occurs in the 508,000 characters of the 26 born-digital plans of corpus/, ../shared and the wild tune
# split. Stripped from a word's ends ("¡KHĐT", "2.2_"); a word of nothing else is dropped. Nor does a word
# of those plans start with a dot or comma before a letter or digit (".Bộ KHĐT"): such a mark is a speck.
SPECKS = "|¦¬`´ˆ˜¡¿‹›«»~^\\_†‡"
_SPECK_DOTS = re.compile(r"^[.,]+(?=\w)")
LABEL_LANGUAGE = "eng"
LABEL_CHARS = "0123456789IVXLC.)"


@dataclass(slots=True)
class OcrLine:
    """One line as Tesseract grouped it, before the layout step gives it a page (`layout.lines_from_ocr`)."""

    segments: list[Segment] = field(default_factory=list)


@dataclass(slots=True)
class OcrPage:
    """What Tesseract read on one page image: lines of running text and the ruled tables' rows."""

    lines: list[OcrLine] = field(default_factory=list)
    tables: list[ScanTable] = field(default_factory=list)
    turned: int = 0
    """Degrees the page image was turned (clockwise) before it was read: a landscape page scanned sideways."""


@dataclass(slots=True)
class ScanSegment(Segment):
    """A segment read by OCR, with each of its words' Tesseract confidence (0-100, in text order)."""

    confidences: list[float] = field(default_factory=list)


@dataclass(slots=True)
class OcrWord:
    """One word of Tesseract's TSV, its box in image pixels; `line` is Tesseract's (block, par, line) key."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int, int] = (0, 0, 0, 0)


def dpi_for(width_pt: float, height_pt: float, limits: Limits) -> int:
    """The rendering resolution: TARGET_DPI, lowered so that the page image stays within the pixel limit."""
    area_in = max(width_pt * height_pt / (72.0 * 72.0), 1e-6)
    fitting = int(math.sqrt(limits.image_pixels / area_in))
    dpi = min(TARGET_DPI, fitting)
    if dpi < 50:
        raise LimitExceeded(f"page of {width_pt:.0f}x{height_pt:.0f} pt is too large to OCR within the pixel limit")
    return dpi


def ocr_pdf_pages(
    document: object, indexes: list[int], limits: Limits, draw_annots: bool = True
) -> Iterator[tuple[int, OcrPage]]:
    """Render the given pages (0-based) with pypdfium2 and OCR them; yields (index, page) in order.

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
                bitmap = page.render(
                    scale=scale, grayscale=True, draw_annots=draw_annots, may_draw_forms=draw_annots
                )
                image_path = work / f"page-{index + 1}.pgm"
                bitmap.to_pil().convert("L").save(image_path)
                bitmap.close()
                page.close()
                yield index, image_path, dpi

        yield from _run_jobs(jobs(), limits, work, remove_images=True)


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


def ocr_jobs(jobs: Iterator[tuple[int, Path, int]], limits: Limits, work: Path) -> Iterator[OcrPage]:
    """OCR grayscale images [(index, path, dpi)] made one at a time by `jobs` as Tesseract frees up; one
    page per image, in order. Each image is removed once read."""
    for _, page in _run_jobs(jobs, limits, work, remove_images=True):
        yield page


def place_page(content: PageContent, page: OcrPage) -> None:
    """Put an OCR'd page's lines and tables on its layout page (the words keep their confidence)."""
    content.lines = lines_from_ocr(page.lines, content.number)
    read_as = {(s.text, s.x0, s.top): s for line in page.lines for s in line.segments}
    for line in content.lines:
        line.segments = [read_as.get((s.text, s.x0, s.top), s) for s in line.segments]
    content.tables = list(page.tables)
    content.ocr = True
    if page.turned in (90, 270):  # the lines are placed on the upright (landscape) page
        content.width, content.height = content.height, content.width


def attach_confidence(blocks: list[Block], pages: list[PageContent]) -> list[Block]:
    """Mark the blocks of OCR'd pages as OCR'd, with the lowest confidence of their words (0-1).

    Layout builds blocks from line texts, so a paragraph's words are found again by their text, taken in
    reading order from the page's words (a word that occurs twice on the page takes its occurrences in
    turn); each paragraph keeps its words' confidences too. A table row takes its own cells' confidence.
    """
    words: dict[int, dict[str, deque[float]]] = {}
    rows: dict[int, float | None] = {}
    for content in pages:
        if not content.ocr:
            continue
        queue = words.setdefault(content.number, {})
        for line in content.lines:
            for seg in line.segments:
                confidences = seg.confidences if isinstance(seg, ScanSegment) else []
                for text, conf in zip(seg.text.split(" "), confidences, strict=False):
                    queue.setdefault(text, deque()).append(conf)
        for table in content.tables:
            if isinstance(table, ScanTable):
                rows.update((id(cells), conf) for cells, conf in zip(table.rows, table.row_confidence, strict=False))
    for block in blocks:
        page_words = words.get(block.page) if block.page is not None else None
        if page_words is None:
            continue
        block.ocr = True
        if block.kind == "row":
            block.confidence = rows.get(id(block.cells))
            continue
        tokens = block.line.split()
        traced = [page_words[token].popleft() / 100.0 if page_words.get(token) else None for token in tokens]
        found = [conf for conf in traced if conf is not None]
        block.confidence = min(found) if found else None
        block.word_confidence = traced if found else None
    return blocks


def _run_jobs(
    jobs: Iterator[tuple[int, Path, int]], limits: Limits, work: Path, remove_images: bool = False
) -> Iterator[tuple[int, OcrPage]]:
    """OCR jobs with up to WORKERS Tesseract processes at once, results in job order. If the caller stops
    (the document's time limit, an error), queued jobs are cancelled and running Tesseracts killed."""
    from extractor.readers.sandbox import kill_running

    def done(index: int, path: Path, page: OcrPage) -> tuple[int, OcrPage]:
        if remove_images:
            path.unlink(missing_ok=True)
        return index, page

    if WORKERS == 1:
        for index, path, dpi in jobs:
            yield done(index, path, recognize(path, dpi, limits, work, index + 1))
        return
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    pending: deque[tuple[int, Path, Future[OcrPage]]] = deque()
    finished = False
    try:
        for index, path, dpi in jobs:
            pending.append((index, path, pool.submit(recognize, path, dpi, limits, work, index + 1)))
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


def recognize(image: Path, dpi: int, limits: Limits, work: Path, page: int = 1, turnable: bool = True) -> OcrPage:
    """Run Tesseract on one image (page number `page`); its lines in points (1/72 inch) and tables.

    The ruled tables are found first and their rulings erased from the image Tesseract reads; the words
    whose box centre falls in a table's grid become its cells, the others the page's lines. A page that
    reads as no Vietnamese is asked for its orientation and, when it lies sideways or upside down (an
    annex table printed landscape and scanned in portrait), turned upright and read again.
    """
    import cv2

    gray = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
    original = gray.copy() if gray is not None and turnable else None
    result = _recognize_upright(gray, image, dpi, limits, work, page)
    if original is None or _reads_as_vietnamese(result):
        return result
    angle = _orientation(image, original, dpi, limits, work)
    if not angle:
        return result
    turn = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[angle]
    cv2.imwrite(str(image), cv2.rotate(original, turn))
    turned = recognize(image, dpi, limits, work, page, turnable=False)
    if not _reads_as_vietnamese(turned):
        return result
    turned.turned = angle
    return turned


def _tesseract_env() -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "OMP_THREAD_LIMIT": "1",
        "LANG": "C.UTF-8",
    }
    if "TESSDATA_PREFIX" in os.environ:
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return env


def _reads_as_vietnamese(page: OcrPage) -> bool:
    """The text layer's test (`text_layer.judge_text`) on what OCR read: sideways text reads as a stream
    of fragments that are no Vietnamese syllables (a share near 0.6 against 0.97-1.0 for upright pages)."""
    from extractor.readers.text_layer import judge_text

    words = [s.text for line in page.lines for s in line.segments]
    words += [cell for table in page.tables for row in table.rows for cell in row]
    return judge_text("\n".join(words)).ok


_ROTATE_RE = re.compile(r"^Rotate:\s*(\d+)", re.M)
_ORIENTATION_CONFIDENCE_RE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.M)
MIN_ORIENTATION_CONFIDENCE = 2.0
"""Tesseract's orientation confidence below which its guess is noise (it reports about 0.5-1.5 on pages
of figures; 5-30 on pages of text)."""


OSD_DPI = 150
"""Orientation detection needs no fine detail: at half the reading resolution it takes half the time."""


def _orientation(image: Path, gray: Any, dpi: int, limits: Limits, work: Path) -> int:
    """Degrees to turn the page clockwise to make it upright (0, 90, 180 or 270), from Tesseract's
    orientation detection (`--psm 0`, the `osd` model); 0 when it is unsure or has no `osd` model."""
    import cv2

    from extractor.readers.sandbox import run_program

    path = work / f"{image.stem}-osd.pgm"
    scale = min(1.0, OSD_DPI / dpi)
    cv2.imwrite(str(path), cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    argv = ["tesseract", str(path), "stdout", "--psm", "0", "--dpi", str(round(dpi * scale))]
    done = run_program(argv, timeout=limits.subprocess_seconds, cwd=work, memory_bytes=limits.memory_bytes,
                       env=_tesseract_env())
    path.unlink(missing_ok=True)
    report = done.stdout.decode("utf-8", "replace")
    angle, confidence = _ROTATE_RE.search(report), _ORIENTATION_CONFIDENCE_RE.search(report)
    if done.returncode != 0 or angle is None or confidence is None:
        return 0
    if float(confidence.group(1)) < MIN_ORIENTATION_CONFIDENCE:
        return 0
    degrees = int(angle.group(1)) % 360
    return degrees if degrees in (90, 180, 270) else 0


def _recognize_upright(gray: Any, image: Path, dpi: int, limits: Limits, work: Path, page: int) -> OcrPage:
    import cv2

    from extractor.readers.sandbox import run_program

    grids: list[Grid] = []
    if gray is not None:
        grids, rulings = find_grids(gray, dpi)
        if grids:
            gray = erase_rulings(gray, rulings)
            cv2.imwrite(str(image), gray)

    env = _tesseract_env()
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
    words, line_heights = parse_tsv(done.stdout.decode("utf-8", "replace"))
    in_tables: list[list[OcrWord]] = [[] for _ in grids]
    running: list[OcrWord] = []
    for word in words:
        x, y = word.left + word.width / 2, word.top + word.height / 2
        grid = next((i for i, g in enumerate(grids) if g.contains(x, y)), None)
        (running if grid is None else in_tables[grid]).append(word)
    lines = lines_from_words(running, line_heights, dpi)
    _reread_labels(lines, image, dpi, limits, work, env)
    if grids:
        missed = [box for grid, table_words in zip(grids, in_tables, strict=True)
                  for box in unread_cells(grid, table_words, gray, dpi)]
        for i, table_words in enumerate(in_tables):  # marks read where a cell's text was skipped ("¬", "|")
            in_tables[i] = [w for w in table_words if has_text(w) or not _inside(w, missed)]
        for word in _read_cells(missed, gray, image, dpi, limits, work, env):
            x, y = word.left + word.width / 2, word.top + word.height / 2
            grid = next((i for i, g in enumerate(grids) if g.contains(x, y)), None)
            if grid is not None:
                in_tables[grid].append(word)
    read_tables = [table_rows(grid, table_words, page, dpi) for grid, table_words in zip(grids, in_tables, strict=True)]
    return OcrPage(lines, [t for t in read_tables if any(any(cells) for cells in t.rows)])


def _inside(word: OcrWord, boxes: list[tuple[int, int, int, int]]) -> bool:
    x, y = word.left + word.width / 2, word.top + word.height / 2
    return any(left <= x <= right and top <= y <= bottom for left, top, right, bottom in boxes)


def _read_cells(boxes: list[tuple[int, int, int, int]], gray: Any, image: Path, dpi: int, limits: Limits,
               work: Path, env: dict[str, str]) -> list[OcrWord]:
    """Read the table cells Tesseract's page layout skipped, in one more run over all of them at once.

    Tesseract's page segmentation drops short texts standing alone in narrow columns (the row numbers of
    a "TT" column, a unit name wrapped one syllable a line), though they are plainly printed. The cells
    with ink but no word are cropped, stacked into one image and read as one block of text (`--psm 6`);
    each word is put back at its place on the page.
    """
    import cv2
    import numpy as np

    from extractor.readers.sandbox import run_program

    if not boxes:
        return []
    gap = int(0.15 * dpi)
    width = max(right - left for left, _, right, _ in boxes) + 2 * gap
    height = sum(bottom - top + gap for _, top, _, bottom in boxes) + gap
    sheet = np.full((height, width), 255, dtype=np.uint8)
    bands: list[tuple[int, int, int, int]] = []  # (sheet top, sheet bottom, page left, page top)
    y = gap
    for left, top, right, bottom in boxes:
        sheet[y:y + bottom - top, gap:gap + right - left] = gray[top:bottom, left:right]
        bands.append((y, y + bottom - top, left, top))
        y += bottom - top + gap
    path = work / f"{image.stem}-cells.pgm"
    cv2.imwrite(str(path), sheet)
    argv = ["tesseract", str(path), "stdout", "-l", LANGUAGE, "--psm", "6", "--dpi", str(dpi), "tsv"]
    done = run_program(argv, timeout=limits.subprocess_seconds, cwd=work, memory_bytes=limits.memory_bytes, env=env)
    path.unlink(missing_ok=True)
    if done.returncode != 0:
        return []
    words, _ = parse_tsv(done.stdout.decode("utf-8", "replace"))
    placed: list[OcrWord] = []
    for word in words:
        middle = word.top + word.height / 2
        for band_top, band_bottom, left, top in bands:
            if band_top <= middle <= band_bottom:
                word.left += left - gap
                word.top += top - band_top
                placed.append(word)
                break
    return placed


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
    """Tesseract's TSV as positioned lines (`lines_from_words`)."""
    return lines_from_words(*parse_tsv(tsv), dpi)


def parse_tsv(tsv: str) -> tuple[list[OcrWord], dict[tuple[int, int, int, int], int]]:
    """The words of Tesseract's TSV (those above MIN_CONFIDENCE) and the height of each text line's box."""
    words: list[OcrWord] = []
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
        text = _SPECK_DOTS.sub("", clean_text(cols[11]).strip(SPECKS))
        if not text or conf < MIN_CONFIDENCE:
            continue
        words.append(OcrWord(text, box[0], box[1], box[2], box[3], conf, key))
    return words, line_heights


def lines_from_words(words: list[OcrWord], line_heights: dict[tuple[int, int, int, int], int],
                     dpi: int) -> list[OcrLine]:
    """Group words by Tesseract's (block, paragraph, line); cut a line at gaps wider than 2 heights.

    The font size comes from the line's box, not from word boxes: a word's height depends on its letters
    (accents, ascenders, descenders), so sizes taken from words scatter by a third between the lines of
    one paragraph, while a whole line's box is steady.
    """
    grouped: dict[tuple[int, int, int, int], list[OcrWord]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    scale = 72.0 / dpi
    lines: list[OcrLine] = []
    for key, line_words in grouped.items():
        line_words.sort(key=lambda w: w.left)
        if not _plausible(line_words):
            continue
        height = sorted(w.height for w in line_words)[len(line_words) // 2]
        size = line_heights.get(key, max(w.height for w in line_words)) * scale / LINE_BOX_EM
        line = OcrLine()
        current: list[OcrWord] = []
        for word in line_words:
            if current and word.left - (current[-1].left + current[-1].width) > 2.0 * height:
                line.segments.append(_segment(current, scale, size))
                current = []
            current.append(word)
        line.segments.append(_segment(current, scale, size))
        lines.append(line)
    lines.sort(key=lambda ln: min(s.top for s in ln.segments))
    return lines


def _plausible(words: list[OcrWord]) -> bool:
    """A line of real text has letters or digits and is not mostly low-confidence single marks."""
    chars = "".join(w.text for w in words)
    alnum = sum(c.isalnum() for c in chars)
    if alnum == 0:
        return False
    mean_conf = sum(w.conf for w in words) / len(words)
    return mean_conf >= 45 or alnum >= 0.6 * len(chars)


def _segment(words: list[OcrWord], scale: float, size: float) -> ScanSegment:
    top = min(w.top for w in words)
    bottom = max(w.top + w.height for w in words)
    return ScanSegment(
        text=" ".join(w.text for w in words),
        x0=words[0].left * scale,
        x1=max(w.left + w.width for w in words) * scale,
        top=top * scale,
        bottom=bottom * scale,
        size=size,
        confidences=[w.conf for w in words],
    )
