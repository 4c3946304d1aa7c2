"""PDF (.pdf): born-digital text with pypdfium2, ruled tables with pdfplumber, scanned pages with OCR.

Speed: pypdfium2 gives every character with its box and font in one pass (two ctypes calls a character,
bound without argument conversion: `pdf_text.py`); on pages that draw ruling lines, pdfplumber's table
finder runs on edges and characters read from pdfium (`pdf_tables.py`). Pages without a usable text layer
(a page image with at most a small stamp of text over it) are rendered and read by Tesseract (`ocr.py`).

Both paths produce the same positioned `Line`s, which the layout step (`layout.py`) turns into blocks;
the table grid comes from `pdf_tables.py`. This module reads the pages and their characters.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from extractor.base.blocks import ReadResult
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.base.normalize import clean_text
from extractor.readers import text_layer
from extractor.readers.layout import GUTTER_EM, Line, PageContent, Segment, TableRows, blocks_from_pages
from extractor.readers.pdf_tables import DrawnChar, PlumberDoc, has_ruling_lines, page_tables
from extractor.readers.pdf_text import StyleCache, char_calls, char_codes, load_page

# ---------------------------------------------------------------------------------------------------
# Reading


def read(path: Path, limits: Limits) -> ReadResult:
    document = _open(path)
    try:
        count = len(document)
        if count > limits.pages:
            raise LimitExceeded(f"PDF has {count} pages, over the limit of {limits.pages}")
        pages, warnings = _read_pages(path, document, limits)
        # Text layers that are not Vietnamese (glyph ids without a Unicode map) are repaired or OCR'd.
        repaired = text_layer.review_pdf(path, document, pages, warnings, limits, _read_pages)
    finally:
        document.close()
    blocks = blocks_from_pages(pages)
    ocr = any(page.ocr for page in pages)
    if ocr:  # the OCR module is imported only where a page needed it
        from extractor.readers.ocr import attach_confidence

        blocks = attach_confidence(blocks, pages)
    return ReadResult(
        blocks=blocks,
        format="pdf",
        pages=count,
        ocr=ocr,
        warnings=warnings,
        repaired_pages=repaired,
        ocr_pages=[page.number for page in pages if page.ocr],
    )


def _open(path: Path):  # noqa: ANN202 - pypdfium2.PdfDocument, imported lazily
    import pypdfium2 as pdfium

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise VnplanError("not a PDF file (no %PDF header)")
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise VnplanError("encrypted PDF (a password is needed to open it)") from None
        raise VnplanError(f"corrupt or truncated PDF ({message.rstrip('.')})") from None
    try:
        # Form fields hold text too (the number and date stamped by a signing tool): flattening draws
        # their appearance into the page, so the text layer has them.
        document.init_forms()
    except VnplanError:  # the document's time limit: not a form problem
        raise
    except Exception:  # noqa: BLE001 - forms are a bonus; a document without them reads the same
        pass
    return document


def _read_pages(path: Path, document, limits: Limits) -> tuple[list[PageContent], list[tuple[str, str]]]:  # noqa: ANN001
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages: list[PageContent] = []
    to_ocr: list[int] = []
    stamped: dict[int, list[list[_Char]]] = {}  # OCR'd page -> the text of its widget annotations
    legacy_used: set[str] = set()
    plumber = PlumberDoc(path)
    try:
        for index in range(len(document)):
            page = load_page(document, index)
            flattened = document.formenv is not None and raw.FPDFPage_GetAnnotCount(page.raw) > 0
            widgets: list[tuple[float, float, float, float]] = []
            if flattened:
                widgets = _widget_boxes(page)
                page.flatten()
                page.close()
                page = load_page(document, index)
            width, height = page.get_size()
            content = PageContent(index + 1, width, height)
            textpage = page.get_textpage()
            try:
                try:
                    ruled: bool | None = has_ruling_lines(page)
                except pdfium.PdfiumError:  # asked again below, where a text page must answer it
                    ruled = None
                drawn: list[DrawnChar] | None = [] if ruled else None  # the table cells' characters
                runs, legacy = _page_runs(textpage, height, drawn)
                legacy_used |= legacy
                in_widgets = [r for r in runs if _inside_boxes(r, widgets)] if widgets else []
                # A signing tool's stamp is a widget annotation drawn over the page: its text is no text
                # layer of the page, so a scan under a stamp is still a scan.
                if _needs_ocr(page, [r for r in runs if not any(r is w for w in in_widgets)], width, height):
                    to_ocr.append(index)
                    if in_widgets:
                        stamped[index] = in_widgets
                else:
                    if ruled is None:
                        ruled = has_ruling_lines(page)
                    if ruled and (flattened or drawn is None):
                        # pdfplumber reads the file, without the flattened form fields and annotations.
                        content.tables = plumber.tables(index, legacy)
                    elif ruled and drawn is not None:
                        content.tables = page_tables(page, drawn, index, legacy, plumber)
                    if content.tables:
                        runs = [r for r in runs if not _inside_tables(r, content.tables)]
                    content.lines = _lines_from_runs(runs, content.number)
            finally:
                textpage.close()
            pages.append(content)
            page.close()
    except pdfium.PdfiumError as exc:  # a page that loads but whose text or objects cannot be read
        raise VnplanError(f"corrupt PDF ({str(exc).rstrip('.')})") from None
    finally:
        plumber.close()
    warnings: list[tuple[str, str]] = []
    if to_ocr:
        from extractor.readers import ocr

        # The page images are rendered from the file as published, before flattening, and without its
        # annotations: a stamp drawn over the header would reach Tesseract as ink over the issuer lines.
        clean = _open(path) if stamped else document
        try:
            for index, ocr_page in ocr.ocr_pdf_pages(clean, to_ocr, limits, draw_annots=not stamped):
                ocr.place_page(pages[index], ocr_page)  # lines, and tables as rows
        finally:
            if clean is not document:
                clean.close()
        for index, stamp_runs in stamped.items():
            text = " / ".join(line.text for line in _lines_from_runs(stamp_runs, index + 1))
            message = f"page {index + 1}: the stamp over the scan is kept out of its text: {text}"
            warnings.append(("signature-stamp", message))
    if legacy_used:
        warnings.append(("legacy-encoding", f"text in legacy fonts converted ({', '.join(sorted(legacy_used))})"))
    return pages, warnings


# ---------------------------------------------------------------------------------------------------
# Characters -> runs -> lines


# Code points Python counts as whitespace (`str.isspace`): spaces in the text layer carry no box.
_SPACE_CODES = frozenset(code for code in range(0x3001) if chr(code).isspace())
_NAN = float("nan")


@dataclass(slots=True)
class _Char:
    """A character of a run (a space has no box: x0, x1 and baseline 0)."""

    ch: str
    x0: float
    x1: float
    baseline: float
    size: float
    font: str


def _page_runs(textpage, page_height: float, drawn: list[DrawnChar] | None = None) -> tuple[list[list[_Char]], set[str]]:  # noqa: ANN001, E501
    """The page's characters in content order, cut into runs at pdfium's line breaks and wide gaps.

    On a page with ruling lines, `drawn` collects what the table cells need: every drawn character
    (spaces pdfium generates at gaps left out) with its box and unrounded size (`pdf_tables.DrawnChar`).

    This loop is the reader's hot path (one pass over every character), so it makes as few calls into
    pdfium as it can: the codes come in bulk, the font and size once per text object (every character
    of an object shares them), the baseline once per text object and box bottom, a space asks for
    nothing more (its box is never used downstream). The two calls left per character (its text object
    and its box) go through `pdf_text.char_calls`, bound without ctypes' argument conversion. What
    stays the same from one character to the next (the current text object's style and baseline, the
    last character's position and the thresholds its size sets) is kept in locals, not looked up again.
    """
    import pypdfium2.raw as raw

    from extractor.readers import legacy

    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    codes = char_codes(handle, count)
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    calls = char_calls(handle)
    fast = calls.handle  # what the bound calls take: `handle` itself, or it as a ready c_void_p
    get_object, get_box, get_origin, is_generated = calls.text_object, calls.loose_box, calls.origin, calls.is_generated
    style_of = StyleCache(handle, min_size=1.5)
    styles = style_of.by_object
    runs: list[list[_Char]] = []
    run: list[_Char] = []
    new_char = _Char
    # The run's last non-space character (a run always starts with one), as locals: baseline, right, size,
    # and what the next character's tests derive from its size.
    last_baseline = last_x1 = last_size = last_limit = last_ahead = last_behind = 0.0
    have_last = False
    gutter, back, spaces = GUTTER_EM, -3.0, _SPACE_CODES
    baselines: dict[int | None, tuple[float, float]] = {}  # text object -> (loose box bottom, baseline)
    # Consecutive characters mostly share a text object: its style and its entry of `baselines` stay in
    # locals while it lasts (the start value equals no object, not even None, so the first looks them up).
    current: object = object()
    base_bottom = base_line = 0.0
    font, size, true_size = "", 0.0, 0.0
    for i, code in enumerate(codes):
        if code < 32 or code >= 0xD800:  # the rare codes: line breaks, unmapped glyphs, UTF-16 halves
            if code == 10 or code == 13:  # pdfium's line break
                if run:
                    runs.append(run)
                    run = []
                    have_last = False
                continue
            if code == 0 or code == 0xFFFE:  # unmapped glyphs
                continue
            if 0xD800 <= code <= 0xDFFF:
                if code >= 0xDC00:  # the low half of a pair already joined into the previous character
                    continue
                # Characters beyond the BMP come as UTF-16 surrogate pairs.
                low = codes[i + 1] if i + 1 < count else 0
                if not 0xDC00 <= low <= 0xDFFF:
                    continue  # a lone half is no character
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        obj = get_object(fast, i)
        if obj != current or obj is None:  # (no object: pdfium is asked each time, as it may differ)
            current = obj
            style = styles.get(obj)
            if style is None:
                style = style_of(i, obj)
            font, size, true_size = style
            known = baselines.get(obj)
            base_bottom, base_line = known if known is not None else (_NAN, 0.0)
        if code in spaces:
            if run:
                run.append(new_char(chr(code), 0.0, 0.0, 0.0, run[-1].size, font))
            if drawn is None or is_generated(fast, i) == 1:
                continue
        get_box(fast, i, rect_ref)
        x0, x1, bottom = rect.left, rect.right, rect.bottom
        # A text object's characters share a baseline (unless rotated or set vertically); pdfium puts the
        # loose box's bottom at a fixed depth below it, so the same bottom in the same object is the same
        # baseline, and only a new bottom asks pdfium for the origin.
        if bottom != base_bottom:  # (NaN equals nothing: always asked)
            get_origin(fast, i, ox_ref, oy_ref)
            base_bottom, base_line = bottom, page_height - oy.value
            baselines[obj] = (base_bottom, base_line)
        baseline = base_line
        # pdfium reports a hyphen that ends a line as 2; the glyph is drawn, so it is text ("Lao động-").
        ch = "-" if code == 2 else chr(code)
        if drawn is not None:
            drawn.append((ch, x0, x1, baseline, true_size, font))
            if code in spaces:  # a drawn space: a cell's word break, never a run's character
                continue
        if have_last:
            # A jump off the baseline (over 0.6 of the larger size), a wide gap or a step back (in the
            # last character's size) starts a new run.
            limit = last_limit if size <= last_size else 0.6 * (size if size > 1.0 else 1.0)
            rise = baseline - last_baseline
            gap = x0 - last_x1
            if rise > limit or -rise > limit or gap > last_ahead or gap < last_behind:
                runs.append(run)
                run = []
        run.append(new_char(ch, x0, x1, baseline, size, font))
        if size != last_size or not have_last:
            em = size if size > 6.0 else 6.0
            last_limit = 0.6 * (size if size > 1.0 else 1.0)
            last_ahead, last_behind = gutter * em, back * em
        last_baseline, last_x1, last_size = baseline, x1, size
        have_last = True
    if run:
        runs.append(run)
    names = set(style_of.fonts.values())
    legacy_fonts = {name for name in names if name and legacy.convert_run("a", name)[1] is not None}
    return runs, legacy_fonts


def _last_ink(run: list[_Char]) -> _Char | None:
    for char in reversed(run):
        if not char.ch.isspace():
            return char
    return None


@cache
def _legacy_font(font: str) -> bool:
    from extractor.readers import legacy

    return legacy.font_encoding(font) is not None


def _run_text(chars: list[_Char]) -> str:
    """Text of characters on one line: legacy-font runs converted, a space where the ink has a gap."""
    if any(_legacy_font(font) for font in {char.font for char in chars}):
        return _legacy_run_text(chars)
    texts = [char.ch for char in chars]
    # A gap between two ink characters wider than 0.12 of the left one's size (at least 4) is a space;
    # the distance is tested first, as it is cheaper and rarely passes.
    gaps = [i for i, (left, right) in enumerate(pairwise(chars), 1)
            if right.x0 - left.x1 > 0.12 * (left.size if left.size > 4.0 else 4.0)
            and not left.ch.isspace() and not right.ch.isspace()]
    for i in reversed(gaps):
        texts.insert(i, " ")
    return clean_text("".join(texts))


def _legacy_run_text(chars: list[_Char]) -> str:
    """`_run_text` where some font is legacy: each font's stretch between gaps converted on its own."""
    from extractor.readers import legacy

    parts: list[str] = []
    pending: list[str] = []
    pending_font: str | None = None
    previous_ink = False  # the previous character is ink (not a space); then its right edge and size:
    previous_x1 = previous_size = 0.0

    def flush() -> None:
        if pending:
            parts.append(legacy.convert_run("".join(pending), pending_font)[0])
            pending.clear()

    for char in chars:
        ch = char.ch
        ink = not ch.isspace()
        if ink and previous_ink and char.x0 - previous_x1 > 0.12 * (previous_size if previous_size > 4.0 else 4.0):
            flush()
            parts.append(" ")
        if char.font != pending_font:
            flush()
            pending_font = char.font
        pending.append(ch)
        previous_ink, previous_x1, previous_size = ink, char.x1, char.size
    flush()
    return clean_text("".join(parts))


def _median(values: list[float]) -> float:
    """statistics.median, without its generality (this runs for every run of a page); sorts `values`."""
    if len(values) == 1:
        return values[0]
    values.sort()
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _segment(chars: list[_Char], with_text: bool = True, box: Segment | None = None,
             ink: list[_Char] | None = None) -> Segment | None:
    """The run as a segment; only its box (no text, no weight) when grouping runs into lines. `box` is
    the box already made of these same characters, so that only the text and weight are left to do;
    `ink`, when given, is their non-space characters (each pass over the characters costs)."""
    if ink is None:
        ink = [c for c in chars if not c.ch.isspace()]
    if box is not None:
        return Segment(_run_text(chars), box.x0, box.x1, box.top, box.bottom, box.size,
                       _mostly_bold([c.font for c in ink]))
    if not ink:
        return None
    size = _median([c.size for c in ink]) or 10.0
    baseline = _median([c.baseline for c in ink])
    x1 = max([c.x1 for c in ink])
    if not with_text:
        return Segment("", ink[0].x0, x1, baseline - 0.8 * size, baseline + 0.2 * size, size)
    bold = _mostly_bold([c.font for c in ink])
    return Segment(_run_text(chars), ink[0].x0, x1, baseline - 0.8 * size, baseline + 0.2 * size, size, bold)


def _mostly_bold(fonts: list[str]) -> bool:
    """Whether over half of the ink characters (given by their fonts) are in a bold font."""
    return sum(fonts.count(font) for font in set(fonts) if "bold" in font.lower()) * 2 > len(fonts)


def _lines_from_runs(runs: list[list[_Char]], page: int) -> list[Line]:
    """Group runs into visual lines (vertical overlap) and re-cut each line into segments at wide gaps."""
    inks = {id(run): [c for c in run if not c.ch.isspace()] for run in runs}  # `runs` keeps the ids unique
    pieces = [(run, _segment(run, with_text=False, ink=inks[id(run)])) for run in runs]
    placed = sorted(((r, s) for r, s in pieces if s is not None), key=lambda p: (p[1].top, p[1].x0))
    boxes = {id(run): seg for run, seg in placed}  # `placed` keeps every run alive, so ids stay unique
    groups: list[list[tuple[list[_Char], Segment]]] = []
    tops: list[float] = []  # each group's top and bottom, kept as runs join it
    bottoms: list[float] = []
    for run, seg in placed:
        for g in range(len(groups) - 1, max(len(groups) - 5, -1), -1):  # the last four groups, newest first
            top, bottom = tops[g], bottoms[g]
            overlap = min(bottom, seg.bottom) - max(top, seg.top)
            if overlap > 0.5 * min(bottom - top, seg.bottom - seg.top):
                groups[g].append((run, seg))
                tops[g], bottoms[g] = min(top, seg.top), max(bottom, seg.bottom)
                break
        else:
            groups.append([(run, seg)])
            tops.append(seg.top)
            bottoms.append(seg.bottom)
    lines: list[Line] = []
    for group in groups:
        group.sort(key=lambda p: p[1].x0)
        merged: list[list[_Char]] = []
        last_x1 = -1e9
        for run, seg in group:
            if merged and seg.x0 < last_x1 - 1.0:
                # Runs drawn over each other's span (a form field's value inside its line): merge the
                # ink by position; spaces come back from the gaps.
                ink = [c for c in merged[-1] + run if not c.ch.isspace()]
                merged[-1] = sorted(ink, key=lambda c: c.x0)
            else:
                merged.append(run)  # runs are never changed in place: a merge or a join makes a new list
            last_x1 = max(last_x1, seg.x1)
        # A piece that is one run as it was placed (the usual case) keeps the box computed for it.
        pieces_out = (_segment(chars, box=boxes.get(id(chars)), ink=inks.get(id(chars)))
                      for chars in _split_wide_gaps(merged, inks))
        segments = [s for s in pieces_out if s and s.text]
        if segments:
            lines.append(Line(page, segments))
    lines.sort(key=lambda ln: ln.top)
    return lines


def _split_wide_gaps(runs: list[list[_Char]], inks: dict[int, list[_Char]] | None = None) -> list[list[_Char]]:
    """Adjacent runs on a line join unless a wide gap (a column gutter or tab stop) separates them. `inks`:
    the non-space characters of runs already sorted out, by the run's id."""
    out: list[list[_Char]] = []
    for run in runs:
        ink = inks.get(id(run)) if inks is not None else None
        if ink is None:
            ink = [c for c in run if not c.ch.isspace()]
        if out and ink:
            previous = _last_ink(out[-1])
            if previous is not None and ink[0].x0 - previous.x1 <= GUTTER_EM * max(previous.size, 6.0):
                out[-1] = out[-1] + run
                continue
        out.append(run)
    return out


# ---------------------------------------------------------------------------------------------------
# Page classification: text layer or OCR


def _needs_ocr(page, runs: list[list[_Char]], width: float, height: float) -> bool:  # noqa: ANN001
    """OCR a page whose text layer is empty or tiny next to the page image it sits on.

    A scan with a small digital-signature stamp has a few dozen characters over a full-page image;
    a born-digital page has its text spread over the page, whatever images it also holds.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    page_area = max(width * height, 1.0)
    image_area = 0.0
    has_paths = False
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    box = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    # Raw calls: most objects are text, and only images and forms need more than their type.
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, index)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            has_paths = True
            continue
        if kind == raw.FPDF_PAGEOBJ_FORM and not _form_has_image(obj):
            continue
        if kind in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM):
            if not raw.FPDFPageObj_GetBounds(obj, *box):
                raise pdfium.PdfiumError("Failed to locate pageobject.")
            w = max(0.0, min(right.value, width) - max(left.value, 0.0))
            h = max(0.0, min(top.value, height) - max(bottom.value, 0.0))
            image_area += w * h
    coverage = min(image_area / page_area, 1.0)
    if not runs:  # a run starts with an ink character, so no runs is no ink
        return coverage > 0.05 or has_paths
    if coverage <= 0.5:
        return False
    ink = [c for run in runs for c in run if not c.ch.isspace()]
    text_area = sum((c.x1 - c.x0) * max(c.size, 1.0) for c in ink) / page_area
    # Body text covers roughly 10-30% of a page; a stamp over a scan covers well under 2%.
    return text_area < 0.02


def _widget_boxes(page) -> list[tuple[float, float, float, float]]:  # noqa: ANN001
    """The boxes (x0, top, x1, bottom; top-down points) of the page's widget annotations: form fields and
    the signature stamps that signing tools place over a page."""
    import pypdfium2.raw as raw

    height = page.get_height()
    boxes: list[tuple[float, float, float, float]] = []
    for k in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, k)
        if not annot:
            continue
        try:
            rect = raw.FS_RECTF()
            if raw.FPDFAnnot_GetSubtype(annot) == raw.FPDF_ANNOT_WIDGET and raw.FPDFAnnot_GetRect(annot, rect):
                boxes.append((min(rect.left, rect.right), height - max(rect.top, rect.bottom),
                              max(rect.left, rect.right), height - min(rect.top, rect.bottom)))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return boxes


def _inside_boxes(run: list[_Char], boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether the run's ink sits inside one of the boxes (its centre, with a point of slack)."""
    ink = [c for c in run if not c.ch.isspace()]
    if not ink:
        return False
    x = (ink[0].x0 + ink[-1].x1) / 2
    y = _median([c.baseline - 0.3 * c.size for c in ink])
    return any(x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1 for x0, top, x1, bottom in boxes)


def _form_has_image(form) -> bool:  # noqa: ANN001 - an FPDF_PAGEOBJECT
    import pypdfium2.raw as raw

    count = raw.FPDFFormObj_CountObjects(form)
    for i in range(min(count, 50)):
        child = raw.FPDFFormObj_GetObject(form, i)
        if raw.FPDFPageObj_GetType(child) == raw.FPDF_PAGEOBJ_IMAGE:
            return True
    return False


def _inside_tables(run: list[_Char], tables: list[TableRows]) -> bool:
    ink = [c for c in run if not c.ch.isspace()]
    x = (ink[0].x0 + ink[-1].x1) / 2
    y = _median([c.baseline - 0.3 * c.size for c in ink])
    for table in tables:
        left = min((c[0] for c in table.columns), default=-1e9)
        right = max((c[1] for c in table.columns), default=1e9)
        if table.top - 1 <= y <= table.bottom + 1 and left - 1 <= x <= right + 1:
            return True
    return False
