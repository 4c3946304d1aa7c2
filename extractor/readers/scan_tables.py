"""Ruled tables in page images: the grid found with OpenCV, OCR'd words placed in its cells by their boxes.

A scanned table has no text layer to ask for cells, so the grid is read from the ink: long horizontal
and vertical strokes (morphological opening with line-shaped kernels, which text strokes do not survive)
are the ruling lines; where they cross in a connected net there is a table. The row and column
separators are the clustered line positions; a separator missing along one cell's side means that cell is
merged with its neighbour, as in the DOCX and PDF readers (the merged cell's text at its first column,
the columns or rows it covers as empty cells). The rulings are then erased from the page image before
Tesseract reads it, since Tesseract takes lines that touch letters for letters ("|", "l", "_").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extractor.base.normalize import clean_text
from extractor.readers.layout import TableRows
from extractor.readers.pdf_tables import _join_cell_lines as join_cell_lines  # one rule for both table readers

if TYPE_CHECKING:
    from extractor.readers.ocr import OcrWord

RULE_INCH = 0.3
"""Shortest straight stroke taken for a ruling line: longer than any letter's stem at body sizes (a 13 pt
capital is about 0.13 inch high), shorter than the narrowest table column (a "TT" number column)."""
PIECE_INCH = 0.08
"""Shortest straight piece of a rule grown back onto a ruling line (`_grow_along`): about a letter's
crossbar, so only pieces in line with a found rule are taken, never a letter standing alone."""
MERGE_INCH = 0.03
"""Line positions closer than this are one line (a thick or doubled rule, a scan's slight skew)."""
MIN_INK_INCH2 = 0.0015
"""Dark area that makes an unread cell worth a second look: about one printed digit at body size."""
SIDE_INK = 0.5
"""A cell side is ruled when the line mask covers at least this share of its length."""
SKEW_INCH = 0.1
"""How far a ruling may stray from its mean position along a table: a scan fed in about half a degree
askew moves a rule by this much across a landscape page (11 inches), so one end of it lies this far from
the separator placed at its centre of mass."""
DASH_INCH = 0.02
"""Thickest stroke taken for a dash of a dashed or dotted rule (Word's dashed borders, a faint rule the
scanner broke into dots): a rule's thickness, thinner than any letter (a full stop is about 0.02 inch)."""
JOIN_INCH = 0.5
"""Widest break across all the rows of a table (a faint vertical band of the scan) still read as one table."""
STEP_PX = 5
"""Rows a dash is thickened by before its chain is joined: a skewed rule's dashes step by a row or two."""
DASH_GAP_INCH = 0.16
"""Widest break bridged between the dashes of one rule (Word's dashed and dotted borders leave 0.01-0.04
inch; a dash or two lost to a faint scan doubles that)."""

SPLIT_GAP_LINES = 2.5
"""Blank space, in the cell's line heights, that splits a cell merged down the rows at a row boundary of
the grid (`split_at_blank_rows`): more than a blank paragraph or two inside one cell leaves."""
CELL_PADDING_LINES = 0.5
"""How far, in line heights, a row's own text stays from its rule (the cell's padding and the rule's
width); text nearer a boundary than this runs across it, as a merged cell's centred text does."""


@dataclass(slots=True)
class Grid:
    """A table's grid in image pixels: separators and its cells (merged cells as one span)."""

    ys: list[int]
    xs: list[int]
    spans: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)
    """(row, col) of each cell's first grid position -> (first row, last row, first col, last col)."""

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        left, top, right, bottom = self.box
        return left <= x <= right and top <= y <= bottom

    def slot_at(self, x: float, y: float) -> tuple[int, int]:
        """The grid position (row, col) of point (x, y), which lies inside the grid."""
        return _slot(self.ys, y), _slot(self.xs, x)

    def anchors(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each grid position a cell covers -> that cell's anchor (a position no cell covers is absent)."""
        return {(r, c): anchor for anchor, (r0, r1, c0, c1) in self.spans.items()
                for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}


@dataclass(slots=True)
class ScanTable(TableRows):
    """A table read from a page image; its rows' OCR confidence rides along for the blocks."""

    row_confidence: list[float | None] = field(default_factory=list)
    """Per row, the lowest Tesseract word confidence among its cells (0-1); None for an empty row."""


def find_grids(gray: Any, dpi: int) -> tuple[list[Grid], Any]:
    """The ruled tables of a grayscale page image (a numpy array) and the mask of their ruling lines.

    A net of lines counts as a table when it has at least two columns and two cells: a framed box (a
    title in a frame, a received stamp) is text, as the PDF reader decides for a lone box.
    """
    import cv2
    import numpy as np

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    length = max(10, int(RULE_INCH * dpi))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    gap = max(3, int(MERGE_INCH * dpi))
    # Dashed horizontal rules (and solid ones a faint scan broke up) survive no opening; they are chained
    # from their dashes, and kept where they join vertical rules as a table's rules do. Vertical ones are
    # not looked for: the stems of letters stacked in a cell's lines ("l", "i") would chain as well.
    dashed, dashes = _dashed_rules(ink, vertical, dpi, length)
    # A rule across a column narrower than `length`, broken by the scan next to a crossing, survives the
    # opening nowhere; it is grown back from the rule it continues.
    horizontal = _grow_along(ink, horizontal, (int(PIECE_INCH * dpi), 1), gap)
    vertical = _grow_along(ink, vertical, (1, int(PIECE_INCH * dpi)), gap)
    # Close small breaks (scan noise, skew steps) so that each ruling is one stroke.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, gap)))
    # Erased before OCR: the solid rules and the dashes themselves, never the breaks bridged between
    # dashes (a letter there would lose its strokes).
    erase = cv2.bitwise_or(cv2.bitwise_or(horizontal, vertical),
                           cv2.dilate(dashes, np.ones((3, 3), np.uint8)))
    horizontal = cv2.bitwise_or(horizontal, dashed)
    rulings = cv2.bitwise_or(horizontal, vertical)
    count, _, stats, _ = cv2.connectedComponentsWithStats(rulings, connectivity=8)
    nets = [(int(s[0]), int(s[1]), int(s[0] + s[2]), int(s[1] + s[3])) for s in stats[1:count]]
    nets = _join_broken([n for n in nets if n[2] - n[0] >= length and n[3] - n[1] >= length],
                        horizontal, gap, int(SKEW_INCH * dpi), int(JOIN_INCH * dpi))
    grids: list[Grid] = []
    mask = np.zeros_like(rulings)
    for left, top, right, bottom in nets:
        width, height = right - left, bottom - top
        if width < 2 * length or height < length:
            continue
        window = (slice(top, top + height), slice(left, left + width))
        grid = _grid(horizontal[window], vertical[window], left, top, gap, int(SKEW_INCH * dpi), length)
        if grid is None:
            continue
        grids.append(grid)
        mask[window] = cv2.bitwise_or(mask[window], erase[window])
    return grids, mask


def _join_broken(nets: list[tuple[int, int, int, int]], horizontal: Any, gap: int, skew: int,
                 reach: int) -> list[tuple[int, int, int, int]]:
    """Nets of rules (boxes) side by side that are one table whose rules a faint band of the scan broke
    across all its rows: joined when they stand less than `reach` apart, span the same height, and at
    least two of their horizontal rules are at the same heights (a table beside another has its own)."""
    joined = sorted(nets)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(joined):
            for j in range(i + 1, len(joined)):
                b = joined[j]
                if b[0] - a[2] > reach or b[0] < a[0]:
                    continue
                overlap = min(a[3], b[3]) - max(a[1], b[1])
                if overlap < 0.8 * max(a[3] - a[1], b[3] - b[1]):
                    continue
                rows_a = _positions(horizontal[a[1]:a[3], a[0]:a[2]], axis=0, gap=gap)
                rows_b = _positions(horizontal[b[1]:b[3], b[0]:b[2]], axis=0, gap=gap)
                shared = sum(any(abs((ya + a[1]) - (yb + b[1])) <= gap + skew for yb in rows_b) for ya in rows_a)
                if shared < 2:
                    continue
                joined[i] = (a[0], min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                del joined[j]
                merged = True
                break
            if merged:
                break
    return joined


def _dashed_rules(ink: Any, crossing: Any, dpi: int, length: int) -> tuple[Any, Any]:
    """Horizontal dashed rules of a page's ink: chains of
    thin flat marks at one height, the breaks between them bridged, at least `length` long; and the marks
    themselves.

    Letters are taller than a dash and never chained, but a line of diacritics or leader dots could be, so
    a chain counts only where it runs from one rule of `crossing` (the other direction's rules) to another:
    a table's rule joins its crossing rules, while text stays inside its cell, between them.
    """
    import cv2
    import numpy as np

    if not crossing.any():
        return np.zeros_like(ink), np.zeros_like(ink)  # no rule to join: a page of text (most pages)
    # A dash touching a crossing rule (or a solid piece of the rule running out of it) is part of that
    # rule's component; without the rule's pixels it is a flat mark of its own.
    marks = np.where(crossing > 0, 0, ink).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    flat = (stats[:, cv2.CC_STAT_HEIGHT] <= max(2, int(DASH_INCH * dpi))) & (stats[:, cv2.CC_STAT_WIDTH] >= 2)
    flat[0] = False
    if not flat.any():
        return np.zeros_like(ink), np.zeros_like(ink)
    # A skewed rule steps by a pixel row every few inches: its dashes are thickened to overlap across a step.
    dashes = cv2.dilate(np.where(flat[labels], 255, 0).astype(np.uint8),
                        cv2.getStructuringElement(cv2.MORPH_RECT, (1, STEP_PX)))
    # The crossing rules' ink bridges a chain across them (a dash often touches the rule and joins it).
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(DASH_GAP_INCH * dpi)), 1))
    joined = cv2.morphologyEx(cv2.bitwise_or(dashes, crossing), cv2.MORPH_CLOSE, bridge)
    chains = cv2.morphologyEx(joined, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    chain_count, chain_labels = cv2.connectedComponents(chains, connectivity=8)
    _, rule_labels = cv2.connectedComponents(crossing, connectivity=8)
    meets = (chain_labels > 0) & (rule_labels > 0)
    pairs = np.unique(np.stack([chain_labels[meets], rule_labels[meets]]), axis=1)
    joins = np.bincount(pairs[0], minlength=chain_count) if pairs.size else np.zeros(chain_count, dtype=int)
    keep = joins >= 2
    keep[0] = False
    # The chain without the crossing rules' own pixels (those belong to the other direction), and the
    # dashes on it: the ink to erase.
    kept = keep[chain_labels]
    rules = np.where(kept & (crossing == 0), 255, 0).astype(np.uint8)
    return rules, np.where(kept & flat[labels], 255, 0).astype(np.uint8)


def _grow_along(ink: Any, lines: Any, piece: tuple[int, int], gap: int) -> Any:
    """`lines` with the straight pieces of ink (at least `piece` long) that continue them in line, across
    breaks up to `gap`: each chain of collinear pieces is kept whole when it touches a found line.

    Only the bands of rows (columns, for vertical lines) that hold a found line can hold such a chain, so
    each band is read on its own: a page has a few dozen thin bands, far less than the page."""
    import cv2
    import numpy as np

    horizontal = piece[1] == 1
    if not horizontal:  # the same reading on the transposed page
        return _grow_along(ink.T, lines.T, (piece[1], piece[0]), gap).T
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, piece)
    step = cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1))
    grown = lines.copy()
    for top, bottom in _bands(np.flatnonzero(lines.any(axis=1)), gap, lines.shape[0]):
        band = slice(top, bottom)
        pieces = cv2.morphologyEx(np.ascontiguousarray(ink[band]), cv2.MORPH_OPEN, kernel)
        chains = cv2.bitwise_or(cv2.dilate(pieces, step), lines[band])
        # 4-connectivity: a chain runs along the rule's own rows; the dilation bridged its breaks.
        count, labels = cv2.connectedComponents(chains, connectivity=4)
        touched = np.zeros(count, dtype=bool)
        touched[labels[lines[band] > 0]] = True
        touched[0] = False
        grown[band] = np.maximum(grown[band], np.where(touched[labels], pieces, 0).astype(lines.dtype))
    return grown


def _bands(rows: Any, margin: int, size: int) -> list[tuple[int, int]]:
    """Runs of consecutive `rows` (sorted indices), each widened by `margin` on both sides."""
    bands: list[tuple[int, int]] = []
    for row in rows.tolist():
        top, bottom = max(0, row - margin), min(size, row + margin + 1)
        if bands and top <= bands[-1][1]:
            bands[-1] = (bands[-1][0], bottom)
        else:
            bands.append((top, bottom))
    return bands


def erase_rulings(gray: Any, mask: Any) -> Any:
    """The page image with its table rulings painted white (the text in the cells stays)."""
    cleaned = gray.copy()
    cleaned[mask > 0] = 255
    return cleaned


def _grid(horizontal: Any, vertical: Any, left: int, top: int, gap: int, skew: int = 0,
          reach: int = 0) -> Grid | None:
    ys = _positions(horizontal, axis=0, gap=gap)
    xs = _positions(vertical, axis=1, gap=gap)
    if ys and len(xs) >= 3 and reach:
        ys = _framed(ys, _column_rules_span(vertical, xs, gap), reach)
    if len(ys) < 2 or len(xs) < 3:
        return None  # a one-column frame is a boxed note or a received stamp, not a table
    rows, cols = len(ys) - 1, len(xs) - 1
    # Which inner sides are ruled: between columns c and c+1 in row r, between rows r and r+1 in column c.
    # Each side is looked for within its rule's reach (`_reach`), so a skewed scan's rules still count.
    col_side = [[_ruled(vertical[ys[r]:ys[r + 1], _reach(xs, c + 1, gap, skew)], axis=0, gap=gap)
                 for c in range(cols - 1)] for r in range(rows)]
    row_side = [[_ruled(horizontal[_reach(ys, r + 1, gap, skew), xs[c]:xs[c + 1]], axis=1, gap=gap)
                 for c in range(cols)] for r in range(rows - 1)]
    spans = _merge_cells(rows, cols, col_side, row_side)
    if len(spans) < 2:
        return None  # a frame around one text, not a table
    return Grid([y + top for y in ys], [x + left for x in xs], spans)


def _column_rules_span(vertical: Any, xs: list[int], gap: int) -> tuple[int, int] | None:
    """First and last pixel rows where most of the column rules are inked: the table's frame top to bottom."""
    import numpy as np

    inked = np.sum([vertical[:, max(0, x - gap):x + gap + 1].any(axis=1) for x in xs], axis=0)
    rows = np.flatnonzero(inked >= max(2, (len(xs) + 1) // 2))
    return (int(rows[0]), int(rows[-1])) if rows.size else None


def _framed(ys: list[int], span: tuple[int, int] | None, reach: int) -> list[int]:
    """Row separators with the table's top and bottom edges where its column rules run on past the first
    or last row rule by more than `reach`: a faint scan lost that rule (often a dotted one at a page
    break), while the column rules still show where the table's first or last row ends."""
    if span is None:
        return ys
    first, last = span
    edges = list(ys)
    if edges[0] - first > reach:
        edges.insert(0, first)
    if last - edges[-1] > reach:
        edges.append(last)
    return edges


def _reach(edges: list[int], i: int, gap: int, skew: int) -> slice:
    """The band around separator `i` where its rule may run: the merge gap plus the skew allowance, but
    never more than a third of the way to the neighbouring separators (whose rules are other lines)."""
    room = min(edges[i] - edges[i - 1], edges[i + 1] - edges[i]) // 3
    half = max(gap, min(gap + skew, room))
    return slice(max(0, edges[i] - half), edges[i] + half)


def _positions(lines: Any, axis: int, gap: int) -> list[int]:
    """Positions of the ruling lines of one direction (axis 0: horizontal lines, their y; 1: vertical, x).

    Each stroke is a connected component of the line mask, placed by its centre across its length, so a
    slightly skewed rule is still one line; strokes at about the same position are one line (a rule
    broken at crossings or under a merged cell), kept when together they run a tenth of the table.
    """
    import cv2

    count, _, stats, centroids = cv2.connectedComponentsWithStats(lines, connectivity=8)
    extent = lines.shape[1 - axis]
    strokes = sorted(
        (float(centroids[i][1 - axis]), int(stats[i][cv2.CC_STAT_WIDTH if axis == 0 else cv2.CC_STAT_HEIGHT]))
        for i in range(1, count)
    )
    clusters: list[list[tuple[float, int]]] = []
    for position, length in strokes:
        if clusters and position - clusters[-1][-1][0] <= 2 * gap:
            clusters[-1].append((position, length))
        else:
            clusters.append([(position, length)])
    found: list[int] = []
    for cluster in clusters:
        total = sum(length for _, length in cluster)
        if total >= 0.1 * extent:
            found.append(int(round(sum(p * n for p, n in cluster) / total)))
    return found


def _ruled(strip: Any, axis: int, gap: int) -> bool:
    """Whether a line runs along a cell side: the strip around the side is inked along most of its length
    (the strip's ends, where the crossing lines are, are left out)."""
    along = strip.max(axis=1 - axis) if strip.size else strip
    if along.size <= 2 * gap:
        return True  # a side shorter than the crossing lines' width: nothing to tell
    inner = along[gap:-gap]
    return bool((inner > 0).mean() >= SIDE_INK)


def _merge_cells(rows: int, cols: int, col_side: list[list[bool]],
                 row_side: list[list[bool]]) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Group grid positions joined by unruled sides into cells; each cell as the box of its positions."""
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not col_side[r][c]:
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not row_side[r][c]:
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    boxes: dict[int, list[int]] = {}
    for r in range(rows):
        for c in range(cols):
            box = boxes.setdefault(find(r * cols + c), [r, r, c, c])
            box[0], box[1] = min(box[0], r), max(box[1], r)
            box[2], box[3] = min(box[2], c), max(box[3], c)
    return {(b[0], b[2]): (b[0], b[1], b[2], b[3]) for b in boxes.values()}


def _slot(edges: list[int], value: float) -> int:
    for i in range(len(edges) - 1):
        if value < edges[i + 1]:
            return i
    return len(edges) - 2


def _slots(grid: Grid, words: Iterable[OcrWord]) -> list[tuple[tuple[int, int], OcrWord]]:
    """Each word with the grid position of its box centre (a grid split into more cells keeps them)."""
    return [(grid.slot_at(w.left + w.width / 2, w.top + w.height / 2), w) for w in words]


def _by_cell(grid: Grid, slotted: list[tuple[tuple[int, int], OcrWord]]) -> dict[tuple[int, int], list[OcrWord]]:
    """The words of each of the grid's cells, by anchor, in their reading order."""
    anchors = grid.anchors()
    placed: dict[tuple[int, int], list[OcrWord]] = {}
    for slot, word in slotted:
        placed.setdefault(anchors.get(slot, slot), []).append(word)
    return placed


def unread_cells(grid: Grid, words: Iterable[OcrWord], cleaned: Any, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) of the grid's cells that hold ink but none of `words`.

    The box stays clear of the erased rulings by a margin, so what is left of a line is not taken for ink.
    """
    margin = max(2, int(MERGE_INCH * dpi))
    taken = set(_by_cell(grid, _slots(grid, (w for w in words if has_text(w)))))
    boxes: list[tuple[int, int, int, int]] = []
    for anchor, (r0, r1, c0, c1) in grid.spans.items():
        if anchor in taken:
            continue
        left, top = grid.xs[c0] + margin, grid.ys[r0] + margin
        right, bottom = grid.xs[c1 + 1] - margin, grid.ys[r1 + 1] - margin
        if right - left < margin or bottom - top < margin:
            continue
        dark = int((cleaned[top:bottom, left:right] < 128).sum())
        if dark >= MIN_INK_INCH2 * dpi * dpi:
            boxes.append((left, top, right, bottom))
    return boxes


def has_text(word: OcrWord) -> bool:
    """A word with a letter or digit; a lone mark in a cell is often a misread number or rule remnant."""
    return any(c.isalnum() for c in word.text)


def split_at_blank_rows(grid: Grid, slotted: list[tuple[tuple[int, int], OcrWord]]) -> Grid:
    """The grid with cells merged down the rows split where a row boundary of the grid crosses them
    through blank space, with text above and below it.

    Dashed or faint row rules that the scan broke up go unseen in some columns, so those cells read as
    merged and one row takes the text of several. A truly merged cell holds one text, its lines at one
    pitch (Word's merged cells are top-aligned or centred); a cell whose lines stand in two groups with
    more than `SPLIT_GAP_LINES` of blank space between them, on either side of a boundary that other
    columns rule, holds two rows' texts."""
    spans: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    placed = _by_cell(grid, [(slot, word) for slot, word in slotted if has_text(word)])
    for anchor, (r0, r1, c0, c1) in grid.spans.items():
        lines = [(min(w.top for w in ws), max(w.top + w.height for w in ws))
                 for ws in _lines_of(placed.get(anchor, []))]
        cuts = [r for r in range(r0 + 1, r1 + 1) if lines and _blank_across(lines, grid.ys[r])]
        for start, stop in zip([r0, *cuts], [*(r - 1 for r in cuts), r1], strict=True):
            spans[(start, c0)] = (start, stop, c0, c1)
    return Grid(grid.ys, grid.xs, spans)


def _blank_across(lines: list[tuple[int, int]], y: int) -> bool:
    """Whether the cell's text lines stand on both sides of `y`, none crossing it nor nearer it than
    `CELL_PADDING_LINES`, with more than `SPLIT_GAP_LINES` line heights of blank space around it."""
    above = [bottom for top, bottom in lines if bottom <= y]
    below = [top for top, bottom in lines if top >= y]
    if not above or not below or len(above) + len(below) != len(lines):
        return False
    heights = sorted(bottom - top for top, bottom in lines)
    height = heights[len(heights) // 2]
    clear = min(y - max(above), min(below) - y) >= CELL_PADDING_LINES * height
    return clear and min(below) - max(above) > SPLIT_GAP_LINES * height


def table_rows(grid: Grid, words: Iterable[OcrWord], page: int, dpi: int) -> ScanTable:
    """The grid's rows with the words whose box centres fall in each cell, in points like a PDF table.

    A cell's lines are its words grouped by Tesseract's line (a cell's wrapped text stays in reading
    order even when Tesseract read the row's cells as one line, since each cell keeps only its words).
    Cells merged down the rows only because a faint row rule went unseen are split first.
    """
    slotted = _slots(grid, words)
    grid = split_at_blank_rows(grid, slotted)
    rows, cols = len(grid.ys) - 1, len(grid.xs) - 1
    placed = _by_cell(grid, slotted)
    texts: list[list[str]] = []
    cell_lines: list[list[list[str]]] = []
    confidence: list[float | None] = []
    for r in range(rows):
        row_texts: list[str] = []
        row_lines: list[list[str]] = []
        confs: list[float] = []
        for c in range(cols):
            cell_words = placed.get((r, c), []) if (r, c) in grid.spans else []
            lines = _cell_lines(cell_words)
            row_lines.append(lines)
            row_texts.append(clean_text(join_cell_lines("\n".join(lines))))
            confs += [w.conf for w in cell_words]
        texts.append(row_texts)
        cell_lines.append(row_lines)
        confidence.append(min(confs) / 100.0 if confs else None)
    scale = 72.0 / dpi
    columns = [(grid.xs[c] * scale, grid.xs[c + 1] * scale) for c in range(cols)]
    return ScanTable(page, grid.ys[0] * scale, grid.ys[-1] * scale, columns, texts, cell_lines, confidence)


def _cell_lines(words: list[OcrWord]) -> list[str]:
    return [clean_text(" ".join(w.text for w in sorted(ws, key=lambda w: w.left))) for ws in _lines_of(words)]


def _lines_of(words: list[OcrWord]) -> list[list[OcrWord]]:
    """A cell's words grouped by Tesseract's line, top to bottom."""
    lines: dict[tuple[int, int, int, int], list[OcrWord]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return sorted(lines.values(), key=lambda ws: min(w.top for w in ws))
