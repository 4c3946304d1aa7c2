"""Layout: positioned lines of text (from a PDF's text layer or from OCR) into blocks in reading order.

The PDF reader (`pdf.py`) and the image reader (`image.py`) both produce the same positioned `Line`s, and
this one step turns them into blocks: repeated page headers/footers and page numbers dropped, the
side-by-side header and signature blocks split into their left and right columns, wrapped lines joined
into paragraphs by geometry, ruled tables placed among the lines and joined across page breaks. It knows
nothing of pdfium or pdfplumber.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extractor.base.blocks import Block
from extractor.base.normalize import clean_text, fold
from extractor.vocab.frame_lines import APPENDIX_RE, MOTTO_RE, RECIPIENTS, recipients_match
from extractor.vocab.markers import LIST_MARKER_RE

if TYPE_CHECKING:
    from extractor.readers.ocr import OcrLine

_PAGE_NUMBER_RE = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE)
_SENTENCE_END = (":", ";", ".", "!", "?")
_HYPHENS = "-‐‑–—"
GUTTER_EM = 1.5
"""A horizontal gap wider than this many font sizes separates columns (word spaces stay under ~0.8)."""


@dataclass(slots=True)
class Segment:
    """Text on one visual line without a wide gap inside it (one column of a side-by-side layout)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


_Extent = tuple[float, float, float, float]
"""A line's (top, bottom, x1, size), as its segments give them."""


@dataclass(slots=True)
class Line:
    """Segments on one visual line. Layout reads a line's extent tens of times, so it is measured once and
    kept until `segments` is assigned again (segments are replaced, never changed in place)."""

    page: int
    segments: list[Segment]
    ocr: bool = False
    _extent: _Extent | None = field(default=None, init=False, repr=False, compare=False)

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        if name == "segments":
            object.__setattr__(self, "_extent", None)

    def _measure(self) -> _Extent:
        segments = self.segments
        if len(segments) == 1:
            only = segments[0]
            extent = (only.top, only.bottom, only.x1, only.size)
        else:
            extent = (
                min(s.top for s in segments),
                max(s.bottom for s in segments),
                max(s.x1 for s in segments),
                max(s.size for s in segments),
            )
        self._extent = extent
        return extent

    @property
    def top(self) -> float:
        return (self._extent or self._measure())[0]

    @property
    def bottom(self) -> float:
        return (self._extent or self._measure())[1]

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return (self._extent or self._measure())[2]

    @property
    def size(self) -> float:
        return (self._extent or self._measure())[3]

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.segments)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass(slots=True)
class TableRows:
    """Rows of one ruled table found on a page, placed by its top edge."""

    page: int
    top: float
    bottom: float
    columns: list[tuple[float, float]]
    rows: list[list[str]]
    cell_lines: list[list[list[str]]] | None = None
    """Per row, each cell's text lines as drawn (Block.cell_lines), where the table reader gives them."""


@dataclass(slots=True)
class PageContent:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[TableRows] = field(default_factory=list)
    ocr: bool = False


# ---------------------------------------------------------------------------------------------------
# OCR words -> lines


def lines_from_ocr(ocr_lines: list[OcrLine], page: int) -> list[Line]:
    """Positioned OCR lines as layout lines; two columns read as two text blocks share one line again."""
    lines = [
        Line(page, [Segment(s.text, s.x0, s.x1, s.top, s.bottom, s.size) for s in ol.segments], ocr=True)
        for ol in ocr_lines
        if ol.segments
    ]
    lines.sort(key=lambda ln: ln.top)
    out: list[Line] = []
    for line in lines:
        for other in reversed(out[-3:]):
            overlap = min(other.bottom, line.bottom) - max(other.top, line.top)
            height = min(other.bottom - other.top, line.bottom - line.top)
            disjoint = all(s.x1 < line.x0 or s.x0 > line.x1 for s in other.segments)
            if overlap > 0.5 * height and disjoint:
                other.segments = sorted(other.segments + line.segments, key=lambda s: s.x0)
                break
        else:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------
# Layout: lines -> blocks


def blocks_from_pages(pages: list[PageContent]) -> list[Block]:
    """Lay out the lines and tables of all pages into blocks in reading order."""
    _drop_running_lines(pages)
    body_size = _body_size(pages)
    for page in pages:
        page.lines = [ln for ln in page.lines if not _is_page_number(ln, page, body_size)]
    header_ids, header_blocks = _header_region(pages)
    footer_ids, footer_blocks, footer_page = _footer_region(pages, header_ids, body_size)
    blocks: list[Block] = list(header_blocks)
    table_index = -1
    previous_table: TableRows | None = None
    row_count = 0
    for page in pages:
        metrics = _page_metrics(page)
        items: list[tuple[float, Line | TableRows]] = [
            (ln.top, ln) for ln in page.lines if id(ln) not in header_ids and id(ln) not in footer_ids
        ]
        items += [(t.top, t) for t in page.tables]
        items.sort(key=lambda item: item[0])
        pending: list[Line] = []
        footer_at = min((ln.top for ln in page.lines if id(ln) in footer_ids), default=None)
        for _, item in items:
            if footer_at is not None and item.top > footer_at and footer_blocks:
                blocks += _paragraphs(pending, metrics)
                blocks += footer_blocks
                footer_blocks = []
            if isinstance(item, TableRows):
                blocks += _paragraphs(pending, metrics)
                continuing = previous_table is not None and _continues(previous_table, item, blocks)
                if not continuing:
                    table_index += 1
                    row_count = 0
                rows = item.rows
                lines: list[list[list[str]] | None] = (
                    list(item.cell_lines) if item.cell_lines is not None else [None for _ in rows]
                )
                if continuing and previous_table is not None and rows and rows[0] == previous_table.rows[0]:
                    rows, lines = rows[1:], lines[1:]  # the header row repeated on the new page
                if continuing and rows and _split_row(blocks[-1], rows[0]):
                    # A row broken by the page break: its rest has no number in the first column.
                    last = blocks[-1]
                    pairs = zip(last.cells or [], rows[0], strict=True)
                    last.cells = [" ".join(part for part in pair if part) for pair in pairs]
                    if last.cell_lines is not None and lines[0] is not None:
                        last.cell_lines = [a + b for a, b in zip(last.cell_lines, lines[0], strict=True)]
                    rows, lines = rows[1:], lines[1:]
                for cells, cell_lines in zip(rows, lines, strict=True):
                    blocks.append(
                        Block(kind="row", cells=cells, page=page.number, table=table_index, row=row_count,
                              cell_lines=cell_lines)
                    )
                    row_count += 1
                previous_table = item
            else:
                pending.append(item)
        blocks += _paragraphs(pending, metrics)
        if page.number == footer_page and footer_blocks:
            blocks += footer_blocks
            footer_blocks = []
    return _join_across_pages(blocks, pages)


def _split_row(previous: Block, cells: list[str]) -> bool:
    before = previous.cells or []
    return len(before) == len(cells) > 1 and bool(before[0]) and not cells[0] and any(cells)


def _body_size(pages: list[PageContent]) -> float:
    sizes: Counter[int] = Counter()
    for page in pages:
        for line in page.lines:
            for seg in line.segments:
                sizes[round(seg.size)] += len(seg.text)
    return float(sizes.most_common(1)[0][0]) if sizes else 12.0


def _running_key(line: Line) -> str:
    return re.sub(r"\d+", "#", line.text.lower()).strip()


def _drop_running_lines(pages: list[PageContent]) -> None:
    """Drop lines repeated at the top or bottom of most pages (running headers and footers)."""
    if len(pages) < 3:
        return
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_running_key(ln) for ln in _margin_lines(page)})
    threshold = max(3, len(pages) // 2)
    repeated = {key for key, n in counts.items() if n >= threshold and key}
    if not repeated:
        return
    for page in pages:
        margin = {id(ln) for ln in _margin_lines(page)}
        page.lines = [ln for ln in page.lines if id(ln) not in margin or _running_key(ln) not in repeated]


def _margin_lines(page: PageContent) -> list[Line]:
    band = 0.12 * page.height
    top = [ln for ln in page.lines[:2] if ln.bottom < band]
    bottom = [ln for ln in page.lines[-2:] if ln.top > page.height - band]
    return top + bottom


def _is_page_number(line: Line, page: PageContent, body_size: float) -> bool:
    band = 0.1 * page.height
    in_margin = line.bottom < band or line.top > page.height - band
    if not in_margin or not _PAGE_NUMBER_RE.match(line.text):
        return False
    # A footnote mark is a small raised digit; a page number is set at text size.
    return line.ocr or line.size >= 0.8 * body_size


# Side-by-side regions ------------------------------------------------------------------------------

_Sided = tuple[Line, list[Segment], list[Segment]]


_Columns = tuple[float, float, float, float]


def _two_sided(line: Line) -> _Columns | None:
    """(left center, right center, gutter start, gutter end) when the line is two texts with a gutter."""
    if len(line.segments) < 2:
        return None
    gaps = [(b.x0 - a.x1, i) for i, (a, b) in enumerate(zip(line.segments, line.segments[1:], strict=False))]
    width, i = max(gaps)
    left, right = line.segments[: i + 1], line.segments[i + 1 :]
    if width < GUTTER_EM * line.size:
        return None
    left_center = (left[0].x0 + left[-1].x1) / 2
    right_center = (right[0].x0 + right[-1].x1) / 2
    return left_center, right_center, left[-1].x1, right[0].x0


def _motto_sides(line: Line) -> tuple[list[Segment], list[Segment]] | None:
    """A header line whose issuing body and national motto run together, set too close for a gutter
    ("UỶ BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT"): split where the motto begins. Its words are fixed
    (Nghị định 30/2020/NĐ-CP, Phụ lục I; "ĐẢNG CỘNG SẢN VIỆT NAM" for the party) and always stand in the
    right column, so what precedes them on the line is the left column's."""
    text = " ".join(s.text for s in line.segments)
    motto = MOTTO_RE.search(text)
    if motto is None or not text[: motto.start()].strip():
        return None
    left: list[Segment] = []
    right: list[Segment] = []
    pos = 0
    for seg in line.segments:
        start, end = pos, pos + len(seg.text)
        pos = end + 1
        if end <= motto.start():
            left.append(seg)
        elif start >= motto.start():
            right.append(seg)
        else:  # the motto begins inside this segment: cut it where its characters put the word
            k = motto.start() - start
            cut = seg.x0 + (seg.x1 - seg.x0) * k / max(1, len(seg.text))
            head, tail = seg.text[:k].rstrip(), seg.text[k:].lstrip()
            if head:
                left.append(Segment(head, seg.x0, cut, seg.top, seg.bottom, seg.size, seg.bold))
            right.append(Segment(tail, cut, seg.x1, seg.top, seg.bottom, seg.size, seg.bold))
    return (left, right) if left and right else None


def _motto_columns(line: Line) -> _Columns | None:
    sides = _motto_sides(line)
    if sides is None:
        return None
    left, right = sides
    return (left[0].x0 + left[-1].x1) / 2, (right[0].x0 + right[-1].x1) / 2, left[-1].x1, right[0].x0


def _sides(line: Line, columns: _Columns) -> tuple[list[Segment], list[Segment]] | None:
    """The line's segments as (left column, right column), or None when they do not fit the two columns.

    Left text ends before the right column starts and is centred left of the middle between the columns;
    right text starts past the middle of the gutter and is centred nearer to its column than to that
    middle (a title centred on the page belongs to neither).
    """
    left_center, right_center, gutter_start, gutter_end = columns
    split = (gutter_start + gutter_end) / 2
    left: list[Segment] = []
    right: list[Segment] = []
    for seg in line.segments:
        if seg.x1 <= gutter_end - 0.5 * seg.size:
            left.append(seg)
        elif seg.x0 >= split - 0.5 * seg.size:
            right.append(seg)
        else:
            return None
    middle = (left_center + right_center) / 2
    if left and (left[0].x0 + max(s.x1 for s in left)) / 2 >= middle:
        return None
    if right:
        right_mid = (right[0].x0 + max(s.x1 for s in right)) / 2
        if abs(right_mid - right_center) >= abs(right_mid - middle):
            return None
    return left, right


def _header_region(pages: list[PageContent]) -> tuple[set[int], list[Block]]:
    """The issuing body (left) beside the national motto (right), then number (left) beside place-date."""
    if not pages or not pages[0].lines:
        return set(), []
    lines = pages[0].lines
    anchor = next((ln for ln in lines[:5] if _two_sided(ln) or _motto_columns(ln)), None)
    if anchor is None:
        return set(), []
    columns = _two_sided(anchor) or _motto_columns(anchor)
    zone: list[_Sided] = []
    for line in lines[:20]:
        sides = _sides(line, columns) or _motto_sides(line)  # type: ignore[arg-type]
        if sides is None:
            if line.top < anchor.top:
                continue  # a mark above the header does not end it
            break
        zone.append((line, *sides))
    blocks: list[Block] = []
    for band in _bands(zone):
        for side, region in ((1, "header-left"), (2, "header-right")):
            for item in band:
                if item[side]:
                    blocks.append(_region_block(_joined(item[side]), item[0], region))  # type: ignore[arg-type]
    return {id(item[0]) for item in zone}, blocks


def _bands(zone: list[_Sided]) -> list[list[_Sided]]:
    """Cut the header zone into bands where a two-sided line follows a wider gap than the usual pitch."""
    if not zone:
        return []
    pitches = [b[0].top - a[0].top for a, b in zip(zone, zone[1:], strict=False)]
    usual = min(pitches) if pitches else 0.0
    bands = [[zone[0]]]
    for item, pitch in zip(zone[1:], pitches, strict=False):
        if item[1] and item[2] and pitch > 1.3 * usual:
            bands.append([item])
        else:
            bands[-1].append(item)
    return bands


def _joined(segments: list[Segment]) -> Segment:
    """One column's part of a line (a tab stop may cut it into several segments) as one segment."""
    if len(segments) == 1:
        return segments[0]
    return Segment(
        " ".join(s.text for s in segments),
        segments[0].x0,
        max(s.x1 for s in segments),
        min(s.top for s in segments),
        max(s.bottom for s in segments),
        max(s.size for s in segments),
        all(s.bold for s in segments),
    )


def _region_block(seg: Segment, line: Line, region: str) -> Block:
    return Block(kind="paragraph", text=seg.text, page=line.page, bold=seg.bold, region=region, ocr=line.ocr)


def _footer_region(
    pages: list[PageContent], header_ids: set[int], body_size: float
) -> tuple[set[int], list[Block], int | None]:
    """'Nơi nhận:' and its recipient list (left) beside the signer's title and name (right).

    The last place in the document where a line splits into two columns, the lines after it keep to
    those columns (possibly onto the next page) and the left column holds a dash list. An appendix may
    follow; footnotes in smaller print may sit between.
    """
    lines = [ln for page in pages for ln in page.lines if id(ln) not in header_ids]
    best = _labelled_footer(lines, body_size)
    if best is not None:
        ids, blocks = _footer_blocks(lines, best[0], best[1], body_size)
        return ids, blocks, lines[best[0]].page
    tried = 0
    for start in range(len(lines) - 1, -1, -1):
        if _two_sided(lines[start]) is None:
            continue
        end = _footer_end(lines, start, body_size)
        if end is not None and (best is None or end >= best[0]):
            best = (start, end)  # an earlier anchor whose columns run through the later one wins
        elif best is not None:
            break
        tried += 1
        if tried >= 60:
            break
    if best is None:
        return set(), [], None
    ids, blocks = _footer_blocks(lines, best[0], best[1], body_size)
    return ids, blocks, lines[best[0]].page


FOOTER_LABEL_REACH = 40
"""Lines after the "Nơi nhận:" label within which the signature block's columns meet (the recipient
list runs at most a few dozen lines)."""


def _labelled_footer(lines: list[Line], body_size: float) -> tuple[int, int] | None:
    """The signature block found from its "Nơi nhận:" label: the first two-column line after the last
    label that opens a line. The label is the block's surest mark; searching back from the end instead
    is lost in a long appendix whose table rows also split into columns."""
    label = next((i for i in range(len(lines) - 1, -1, -1) if recipients_match(lines[i].segments[0].text)), None)
    if label is None:
        return None
    for start in range(label, min(label + FOOTER_LABEL_REACH, len(lines))):
        if _two_sided(lines[start]) is None:
            continue
        end = _footer_end(lines, start, body_size)
        if end is not None:
            return start, end
    return None


def _footer_zone(lines: list[Line], start: int, body_size: float) -> list[tuple[int, _Sided]]:
    columns = _two_sided(lines[start])
    zone = _footer_head(lines, start, columns)  # type: ignore[arg-type]
    for index in range(start, len(lines)):
        line = lines[index]
        if line.page > lines[start].page + 1:
            break  # the signature block may run onto one more page, not further
        if line.page != lines[start].page and APPENDIX_RE.match(line.text):
            break  # an appendix opens the next page: its title may sit where the signer's lines stood
        sides = _sides(line, columns)  # type: ignore[arg-type]
        if sides is None:
            if line.size < 0.85 * body_size:
                continue  # a footnote below the signature
            break
        zone.append((index, (line, *sides)))
    return zone


def _footer_head(lines: list[Line], start: int, columns: _Columns) -> list[tuple[int, _Sided]]:
    """The signature block's lines above its first two-column line, top first.

    The recipient list often runs longer than the signer's lines, so the columns meet low in the block:
    above that line the left column holds the "Nơi nhận" label and recipient items, set tight and clear
    of the right column, and the signer's title may stand alone on the right. Without the label only
    list items count (a short body line above is not a recipient).
    """
    anchor = lines[start]
    taken: list[tuple[int, _Sided]] = []
    sure = 0  # how many of `taken` belong to the block even when no label is found
    below = anchor
    for index in range(start - 1, -1, -1):
        line = lines[index]
        sides = _sides(line, columns)
        if sides is None or line.page != anchor.page:
            break
        left, right = sides
        if not left:
            if anchor.top - line.top > 6 * anchor.size:
                break
            taken.append((index, (line, left, right)))
            sure = len(taken)
            below = line
            continue
        if below.top - line.top > 2.0 * max(line.size, below.size):
            break
        taken.append((index, (line, left, right)))
        below = line
        text = _joined(left).text
        if RECIPIENTS.match(fold(text)):
            sure = len(taken)
            break
        if LIST_MARKER_RE.match(text):
            sure = len(taken)
    return list(reversed(taken[:sure]))


def _footer_end(lines: list[Line], start: int, body_size: float) -> int | None:
    """Index of the zone's last line when the two columns from `start` look like a signature block."""
    zone = _footer_zone(lines, start, body_size)
    left = [_joined(item[1]) for _, item in zone if item[1]]
    if len(zone) < 3 or not any(item[2] for _, item in zone):
        return None
    if not any(LIST_MARKER_RE.match(seg.text) for seg in left):
        return None
    return zone[-1][0]


def _footer_blocks(lines: list[Line], start: int, end: int, body_size: float) -> tuple[set[int], list[Block]]:
    zone = [item for index, item in _footer_zone(lines, start, body_size) if index <= end]
    blocks = _footer_left([(item[0], _joined(item[1])) for item in zone if item[1]])
    blocks += [_region_block(_joined(item[2]), item[0], "footer-right") for item in zone if item[2]]
    return {id(item[0]) for item in zone}, blocks


def _footer_left(items: list[tuple[Line, Segment]]) -> list[Block]:
    """Recipient lines; a wrapped recipient is joined back to the line it continues."""
    blocks: list[Block] = []
    for line, seg in items:
        previous = blocks[-1].text if blocks else ""
        if blocks and not LIST_MARKER_RE.match(seg.text) and not previous.endswith(_SENTENCE_END):
            blocks[-1].text = join_wrapped(previous, seg.text)
            continue
        blocks.append(_region_block(seg, line, "footer-left"))
    return blocks


# Paragraphs -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Metrics:
    left: float
    right: float
    center: float
    pitch: float


def _page_metrics(page: PageContent) -> _Metrics:
    lines = page.lines
    if not lines:
        return _Metrics(0.0, page.width, page.width / 2, 14.0)
    lefts = Counter(round(ln.x0) for ln in lines)
    common = lefts.most_common(1)[0][1]
    left = float(min(x for x, n in lefts.items() if n * 3 >= common))
    rights = sorted(ln.x1 for ln in lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if 0 < b.top - a.top < 3 * a.size]
    pitch = statistics.median(pitches) if pitches else 1.2 * lines[0].size
    return _Metrics(left, right, (left + right) / 2, pitch)


def _paragraphs(lines: list[Line], metrics: _Metrics) -> list[Block]:
    """Join wrapped lines into paragraph blocks; empties `lines`."""
    blocks: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if current and _continues_paragraph(current[-1], line, metrics):
            current.append(line)
            continue
        if current:
            blocks.append(_paragraph_block(current))
        current = [line]
    if current:
        blocks.append(_paragraph_block(current))
    lines.clear()
    return blocks


def _continues_paragraph(previous: Line, line: Line, m: _Metrics) -> bool:
    if line.page != previous.page:
        return False
    # Sizes measured on OCR'd word boxes scatter with accents and descenders; only a clear change counts.
    tolerance = 0.4 if line.ocr else 0.15
    if previous.bold != line.bold or abs(previous.size - line.size) > max(1.0, tolerance * line.size):
        return False
    pitch = line.top - previous.top
    if pitch > 1.6 * m.pitch or pitch < 0.3 * m.pitch:
        return False
    size = line.size
    marker = LIST_MARKER_RE.match(line.text)
    if _centered(previous, m) and _centered(line, m):
        # A centred title wraps onto a centred line; a change of case starts the next title part.
        return not marker and _caps(previous.text) == _caps(line.text)
    if line.x0 > previous.x0 + 0.8 * size and line.x0 > m.left + 0.8 * size:
        return False  # indented more than the line above: a first line
    if marker and (previous.text.endswith(_SENTENCE_END) or line.x0 > m.left + 0.8 * size):
        # A list item follows an ended clause or sits at the paragraph indent. A marker-like start at the
        # text's left edge after a line that ran to the margin mid-clause is a wrapped dash or number
        # ("tỉnh Bà Rịa" / "- Vũng Tàu", "tài chính" / "- ngân sách").
        return False
    return _ran_to_margin(previous, line, m)


def _ran_to_margin(previous: Line, line: Line, m: _Metrics) -> bool:
    """Whether `previous` stopped only because `line`'s first word did not fit after it."""
    first_word = line.text.split(" ", 1)[0]
    seg = line.segments[0]
    word_width = (seg.x1 - seg.x0) * len(first_word) / max(len(seg.text), 1)
    # The line above stopped short although the next word would have fitted: it ended its paragraph.
    return m.right - previous.x1 <= word_width + 0.6 * line.size


def _centered(line: Line, m: _Metrics) -> bool:
    """Clear of both margins by about as much on each side (an indented first line runs to the right one)."""
    left_gap, right_gap = line.x0 - m.left, m.right - line.x1
    return min(left_gap, right_gap) > 0.5 * line.size and abs(left_gap - right_gap) < 2 * line.size


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def join_wrapped(before: str, after: str) -> str:
    """Two parts of a text wrapped onto two lines, joined with a space, except after a hyphen glued to its
    word: the line broke inside the token ("2016-" + "2020", "Lao động-" + "Thương binh"). A dash used as
    punctuation stands between spaces in Vietnamese text ("kinh tế - xã hội") and keeps its space."""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return before or after
    if len(before) >= 2 and before[-1] in _HYPHENS and not before[-2].isspace() and after[0].isalnum():
        return before + after
    return f"{before} {after}"


def joined_lines(texts: list[str]) -> str:
    text = ""
    for part in texts:
        text = join_wrapped(text, part)
    return text


def _paragraph_block(lines: list[Line]) -> Block:
    return Block(
        kind="paragraph",
        text=clean_text(joined_lines([ln.text for ln in lines])),
        page=lines[0].page,
        bold=all(ln.bold for ln in lines),
        ocr=lines[0].ocr,
    )


def _continues(previous: TableRows, table: TableRows, blocks: list[Block]) -> bool:
    """A table at the top of a page continues the previous page's table when the columns line up."""
    if table.page != previous.page + 1 or not blocks or blocks[-1].kind != "row":
        return False
    if len(table.columns) != len(previous.columns):
        return False
    # Column left edges and the table's right edge (a merged cell widens one column's box).
    edges = [c[0] for c in table.columns] + [max(c[1] for c in table.columns)]
    before = [c[0] for c in previous.columns] + [max(c[1] for c in previous.columns)]
    return all(abs(a - b) < 3 for a, b in zip(edges, before, strict=False))


def _join_across_pages(blocks: list[Block], pages: list[PageContent]) -> list[Block]:
    """A paragraph cut by a page break (the page's last line runs to the margin) continues."""
    right = {p.number: _page_metrics(p).right for p in pages}
    ends = {p.number: p.lines[-1].x1 for p in pages if p.lines}
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, block in enumerate(blocks):
        if block.page is not None and block.region is None:
            first.setdefault(block.page, i)
            last[block.page] = i
    out: list[Block] = []
    for i, block in enumerate(blocks):
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.page is not None
            and block.kind == "paragraph" == previous.kind
            and block.region is None is previous.region
            and block.page == previous.page + 1
            and first.get(block.page) == i
            and blocks[last[previous.page]] is previous
            and ends.get(previous.page, 0.0) >= right.get(previous.page, 1e9) - 2
            and not LIST_MARKER_RE.match(block.text)
            and not previous.text.endswith(_SENTENCE_END)
            and previous.bold == block.bold
        ):
            previous.text = join_wrapped(previous.text, block.text)
            continue
        out.append(block)
    return out
