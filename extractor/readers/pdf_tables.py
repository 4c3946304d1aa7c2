"""PDF ruled tables: the grid of the ruling lines a page draws, and the text of each cell.

The grid is pdfplumber's table finder (snapping, joining, intersections, cells: `pdfplumber.table`), fed
with edges and characters read from pdfium (`page_edges`, `plumber_chars`) instead of pdfplumber's own
pure-Python parse of the page, which cost most of a ruled page's time. The edges follow pdfminer's
reading of paths (a two-point subpath is a line, an axis-aligned closed four-point one a rectangle with
four edges, anything else a curve cut at its points), so the grid is the one pdfplumber finds. Pages
whose geometry pdfminer would shift (a rotated page, a media box off the origin or cropped), and pages
whose form fields pdfium flattened (pdfplumber reads the file, without them), are left to pdfplumber
itself (`PlumberDoc`). Every page is first put to the cheap `has_ruling_lines`; a page without ruling
lines never reaches this module's table code, and one whose lines make no table never reads characters.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extractor.base.errors import VnplanError
from extractor.base.normalize import clean_text
from extractor.readers.layout import TableRows, joined_lines

Edge = dict[str, Any]
DrawnChar = tuple[str, float, float, float, float, str]
"""A drawn character: text, left, right, baseline (top-down), font size, font name without subset tag."""
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FORM_DEPTH = 8  # form XObjects nested deeper than this are not searched for ruling lines


def has_ruling_lines(page) -> bool:  # noqa: ANN001
    """Cheap test for a table grid: at least two horizontal and two vertical thin lines, or boxes."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    # Raw calls, as `pdf._needs_ocr` makes: pypdfium2's `get_objects` wraps every object of the page
    # (mostly text) in a helper object only to read its type.
    handle = page.raw
    count = raw.FPDFPage_CountObjects(handle)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    box = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    path_type = raw.FPDF_PAGEOBJ_PATH

    def path_sizes() -> Iterator[tuple[float, float]]:
        for index in range(count):
            obj = raw.FPDFPage_GetObject(handle, index)
            if not obj:
                raise pdfium.PdfiumError("Failed to get pageobject.")
            if raw.FPDFPageObj_GetType(obj) != path_type:
                continue
            if not raw.FPDFPageObj_GetBounds(obj, *box):
                raise pdfium.PdfiumError("Failed to locate pageobject.")
            yield right.value - left.value, top.value - bottom.value

    return draws_grid(path_sizes())


def draws_grid(sizes: Iterable[tuple[float, float]]) -> bool:
    """Whether path objects of these (width, height) sizes in points make a grid: two thin horizontal and
    two thin vertical lines, two boxes, or a box and two lines (read lazily: it stops at the answer)."""
    horizontal = vertical = boxes = 0
    for w, h in sizes:
        if h <= 3 and w >= 10:
            horizontal += 1
        elif w <= 3 and h >= 8:
            vertical += 1
        elif w >= 10 and h >= 8:
            boxes += 1
        if (horizontal >= 2 and vertical >= 2) or boxes >= 2 or (boxes and horizontal + vertical >= 2):
            return True
    return False


def page_tables(page, drawn: list[DrawnChar], index: int, legacy_fonts: set[str], plumber: PlumberDoc) -> list[TableRows]:  # noqa: ANN001, E501
    """The ruled tables of a page that passed `has_ruling_lines`; `drawn` are its drawn characters, in
    content order (spaces pdfium generates left out), as `pdf._page_runs` collects them."""
    from pdfplumber.table import Table, TableFinder

    if not _plain_geometry(page):
        return plumber.tables(index, legacy_fonts)
    height = page.get_size()[1]
    grid = _PageGrid(page_edges(page, height), [])
    try:
        tables = TableFinder(grid).tables  # type: ignore[arg-type]  # the "lines" strategy reads only edges
    except VnplanError:  # the time limit fired: the document stops, as it must
        raise
    except Exception:  # noqa: BLE001 - a broken drawing on one page costs its tables, not the file
        return []
    if not tables:
        return []
    # Each table gets only the characters whose middle lies inside it (the only ones its cells can hold,
    # by `Table.extract`'s test), made into pdfplumber's dicts only then; the font test of `_table_rows`
    # reads all of the page's (`page_chars`), needed only where the page has legacy fonts.
    grid.chars = grid.page_chars = plumber_chars(drawn) if legacy_fonts else []
    tables = [Table(_PageGrid(grid.edges, plumber_chars(_drawn_within(drawn, t.bbox)), grid.chars), t.cells)  # type: ignore[arg-type]
              for t in tables]
    return _found(grid, tables, index, legacy_fonts)


class _PageGrid:
    """What pdfplumber's table finder and `Table.extract` read of a page: its edges and characters."""

    def __init__(self, edges: list[Edge], chars: list[dict[str, Any]], page_chars: list[dict[str, Any]] | None = None) -> None:  # noqa: E501
        self.edges = edges
        self.chars = chars
        self.page_chars = chars if page_chars is None else page_chars
        self.bbox = (0.0, 0.0, 0.0, 0.0)  # only read for explicit lines, which are not used


def _drawn_within(drawn: list[DrawnChar], bbox: tuple[float, float, float, float]) -> list[DrawnChar]:
    """The characters `Table.extract` could place in a cell of `bbox` (its test: the middle, half-open),
    with the middle computed as it is from their `plumber_chars` dicts (top = baseline - size)."""
    x0, top, x1, bottom = bbox
    return [c for c in drawn if x0 <= (c[1] + c[2]) / 2 < x1 and top <= ((c[3] - c[4]) + c[3]) / 2 < bottom]


def _plain_geometry(page) -> bool:  # noqa: ANN001
    """Unrotated, with the crop box equal to a media box at the origin: pdfium's and pdfminer's page
    coordinates then agree, so edges and characters can be placed without pdfminer's adjustments."""
    if page.get_rotation():
        return False
    media = page.get_mediabox()
    return media[0] == 0 and media[1] == 0 and tuple(page.get_cropbox()) == tuple(media)


# ---------------------------------------------------------------------------------------------------
# Edges from pdfium's path objects


def page_edges(page, height: float) -> list[Edge]:  # noqa: ANN001
    """pdfplumber's `page.edges` (top-down coordinates), from the page's path objects and those of its forms."""
    import pypdfium2.raw as raw

    paths: list[tuple[Any, Matrix]] = []
    count = raw.FPDFPage_CountObjects(page.raw)
    _collect_paths([raw.FPDFPage_GetObject(page.raw, i) for i in range(count)], _IDENTITY, paths, 0)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    edges: list[Edge] = []
    for obj, (a, b, c, d, e, f) in paths:
        subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
        curve_points = 0
        for i in range(raw.FPDFPath_CountSegments(obj)):
            segment = raw.FPDFPath_GetPathSegment(obj, i)
            raw.FPDFPathSegment_GetPoint(segment, x_ref, y_ref)
            px, py = x.value, y.value
            point = (a * px + c * py + e, height - (b * px + d * py + f))
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append((["m"], [point]))
                curve_points = 0
            elif kind == raw.FPDF_SEGMENT_BEZIERTO:
                # pdfium lists a curve's two control points and its end; pdfminer keeps only the end.
                curve_points += 1
                if curve_points == 3:
                    subpaths[-1][0].append("c")
                    subpaths[-1][1].append(point)
                    curve_points = 0
            else:
                subpaths[-1][0].append("l")
                subpaths[-1][1].append(point)
            if raw.FPDFPathSegment_GetClose(segment):
                ops, points = subpaths[-1]
                ops.append("h")
                points.append(points[0])
        for ops, points in subpaths:
            edges.extend(_subpath_edges("".join(ops), points))
    return edges


def _collect_paths(objects: list[Any], matrix: Matrix, out: list[tuple[Any, Matrix]], depth: int) -> None:
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    for obj in objects:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind != raw.FPDF_PAGEOBJ_PATH and kind != raw.FPDF_PAGEOBJ_FORM:
            continue
        raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
        own = _compose((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            if _visible(obj):
                out.append((obj, own))
        elif depth < _FORM_DEPTH:
            count = raw.FPDFFormObj_CountObjects(obj)
            _collect_paths([raw.FPDFFormObj_GetObject(obj, i) for i in range(count)], own, out, depth + 1)


INVISIBLE = 245
"""A colour whose red, green and blue are all at least this (of 255) does not show on white paper."""


def _visible(path: Any) -> bool:  # noqa: ANN401 - a pdfium path object
    """Whether a path draws ink: stroked in a colour that shows, or filled in one. A paragraph's white
    shading (a Word document's background fill, drawn as white boxes edge to edge down the page) is no
    ruling, though its boxes line up as a table's cells would."""
    import pypdfium2.raw as raw

    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(path, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return True  # unknown: keep it, as before
    r, g, b, a = (ctypes.c_uint() for _ in range(4))

    def shows(get_color: Any) -> bool:  # noqa: ANN401
        if not get_color(path, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
            return True
        return a.value > 0 and min(r.value, g.value, b.value) < INVISIBLE

    return bool(stroke.value and shows(raw.FPDFPageObj_GetStrokeColor)) or bool(
        fill_mode.value != raw.FPDF_FILLMODE_NONE and shows(raw.FPDFPageObj_GetFillColor)
    )


def visible_graphics(page: Any) -> Any:  # noqa: ANN401 - a pdfplumber Page
    """The pdfplumber page without the graphics that draw no ink (`plumber_visible`), its text kept."""
    return page.filter(lambda obj: obj.get("object_type") not in ("rect", "line", "curve") or plumber_visible(obj))


def plumber_visible(obj: dict[str, Any]) -> bool:
    """`_visible` for a pdfplumber graphic (its colours as the colour space gives them: grey, RGB, CMYK)."""

    def shows(color: Any) -> bool:  # noqa: ANN401
        values = (color,) if isinstance(color, (int, float)) else color
        if not isinstance(values, (tuple, list)) or not all(isinstance(v, (int, float)) for v in values):
            return True  # a pattern or an unknown space: keep it, as before
        if len(values) == 4:  # CMYK: white is no ink at all
            return max(values) > 1 - INVISIBLE / 255
        return min(values) < INVISIBLE / 255 if values else True

    return bool(obj.get("stroke") and shows(obj.get("stroking_color"))) or bool(
        obj.get("fill") and shows(obj.get("non_stroking_color"))
    )


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying `inner`, then `outer`."""
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (a * oa + b * oc, a * ob + b * od, c * oa + d * oc, c * ob + d * od,
            e * oa + f * oc + oe, e * ob + f * od + of)


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str | None, kind: str) -> Edge:
    return {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation}


def _subpath_edges(shape: str, points: list[tuple[float, float]]) -> list[Edge]:
    """One subpath's edges, classified as pdfminer's `paint_path` and pdfplumber's `obj_to_edges` do."""
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-2] + points[-1:]  # a redundant line back to the start
    if shape in ("ml", "mlh"):
        (x0, y0), (x1, y1) = points[0], points[1]
        top, bottom = min(y0, y1), max(y0, y1)
        return [_edge(min(x0, x1), max(x0, x1), top, bottom, "h" if top == bottom else "v", "line")]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if points[0] == points[4] and square:
            left, right, top, bottom = min(x0, x2), max(x0, x2), min(y0, y2), max(y0, y2)
            return [_edge(left, right, top, top, "h", "rect_edge"),
                    _edge(left, right, bottom, bottom, "h", "rect_edge"),
                    _edge(left, left, top, bottom, "v", "rect_edge"),
                    _edge(right, right, top, bottom, "v", "rect_edge")]
    out = []
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        out.append(_edge(min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), orientation, "curve_edge"))
    return out


# ---------------------------------------------------------------------------------------------------
# Characters from pdfium's text page


def plumber_chars(drawn: list[DrawnChar]) -> list[dict[str, Any]]:
    """The page's drawn characters as pdfplumber's char dicts (the fields its word extractor reads).

    pdfminer's box of a character runs from its baseline up one font size, across its advance width;
    pdfium's loose box gives the same width.
    """
    return [{"text": ch, "x0": x0, "x1": x1, "top": baseline - size, "bottom": baseline, "doctop": baseline - size,
             "upright": True, "fontname": font} for ch, x0, x1, baseline, size, font in drawn]


# ---------------------------------------------------------------------------------------------------
# Tables -> rows


class PlumberDoc:
    """pdfplumber itself, opened only for a ruled page whose geometry pdfium's edges cannot stand in for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf: Any = None  # a pdfplumber.PDF, opened on the first such page

    def tables(self, index: int, legacy_fonts: set[str]) -> list[TableRows]:
        import pdfplumber

        if self.pdf is None:
            try:
                self.pdf = pdfplumber.open(self.path)
            except VnplanError:
                raise
            except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on bad input
                raise VnplanError(f"corrupt PDF ({type(exc).__name__})") from None
        whole = self.pdf.pages[index]
        page = visible_graphics(whole)
        try:
            tables = page.find_tables()
        except VnplanError:  # the time limit fired inside pdfplumber: the document stops, as it must
            raise
        except Exception:  # noqa: BLE001 - a broken drawing on one page costs its tables, not the file
            return []
        found = _found(page, tables, index, legacy_fonts)
        whole.close()
        return found

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _found(page, tables: list[Any], index: int, legacy_fonts: set[str]) -> list[TableRows]:  # noqa: ANN001
    found: list[TableRows] = []
    for table in tables:
        rows, lines = _table_rows(page, table, legacy_fonts)
        if len(rows) < 2 and max((len(r) for r in rows), default=0) < 2:
            continue  # a framed paragraph or a lone box, not a table
        _, top, _, bottom = table.bbox
        columns = [(c.bbox[0], c.bbox[2]) for c in table.columns if c.bbox]
        found.append(TableRows(index + 1, top, bottom, columns, rows, lines))
    return found


def _table_rows(page, table, legacy_fonts: set[str]) -> tuple[list[list[str]], list[list[list[str]]]]:  # noqa: ANN001
    """The rows' cell texts, and each cell's lines as drawn (for cells that list several entries)."""
    from pdfplumber.utils import get_bbox_overlap, obj_to_bbox

    from extractor.readers import legacy

    texts, tops = _extract(table)
    pitch = _line_pitch(tops)
    page_chars = getattr(page, "page_chars", None) or page.chars
    out: list[list[str]] = []
    out_lines: list[list[list[str]]] = []
    for row, row_texts, row_tops in zip(table.rows, texts, tops, strict=False):
        cells: list[str] = []
        row_lines: list[list[str]] = []
        out_lines.append(row_lines)
        row_first = min((t[0] for t in row_tops if t), default=0.0)
        for j, bbox in enumerate(row.cells):
            if bbox is None:
                # Covered by a cell merged across columns, or under one merged down the rows: an empty
                # cell keeps the columns on the table's grid (as the DOCX reader does).
                cells.append("")
                row_lines.append([])
                continue
            text = row_texts[j] or ""
            if legacy_fonts:
                # The characters `page.crop(bbox).chars` would hold, without cropping every line and
                # rectangle of the page for each cell.
                region = [c for c in page_chars if get_bbox_overlap(obj_to_bbox(c), bbox) is not None]
                fonts = Counter(c.get("fontname", "").split("+", 1)[-1] for c in region)
                font = fonts.most_common(1)[0][0] if fonts else None
                if font in legacy_fonts:
                    text = legacy.convert_run(text, font)[0]
            cells.append(clean_text(_join_cell_lines(text)))
            drawn = [clean_text(line) for line in text.split("\n")]
            row_lines.append(_with_blank_lines(drawn, row_tops[j], row_first, pitch))
        out.append(cells)
    return out, out_lines


def _line_pitch(tops: list[list[list[float]]]) -> float | None:
    """The table's line spacing: the median step between consecutive lines of a cell, where cells have
    several lines (wider steps, blank lines between, are left out by taking the median)."""
    steps = sorted(b - a for row in tops for cell in row for a, b in zip(cell, cell[1:], strict=False) if b > a)
    return steps[len(steps) // 2] if steps else None


def _with_blank_lines(lines: list[str], tops: list[float], row_first: float, pitch: float | None) -> list[str]:
    """A cell's drawn lines with an empty line for each line of blank space above or between them, as a
    DOCX cell keeps its empty paragraphs: a unit cell padded level with the content bullets it serves
    keeps its alignment (stages.cell_align). Unchanged where the lines have no measured tops."""
    if pitch is None or len(tops) != len(lines) or not lines:
        return lines
    out: list[str] = [""] * round((tops[0] - row_first) / pitch)
    for k, line in enumerate(lines):
        if k:
            out += [""] * max(0, round((tops[k] - tops[k - 1]) / pitch) - 1)
        out.append(line)
    return out


def _extract(table) -> tuple[list[list[str | None]], list[list[list[float]]]]:  # noqa: ANN001 - a pdfplumber Table
    """`table.extract()`, with each row's characters found by bisecting their sorted middles instead of
    testing every character of the page against every row (same characters, same order, same text); and
    the top of each line of each cell (none where characters are not upright)."""
    from bisect import bisect_left

    from pdfplumber.utils import extract_text

    chars = table.page.chars
    text_of = _cell_text if all(c["upright"] for c in chars) else extract_text
    middles = [((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2) for c in chars]
    order = sorted(range(len(chars)), key=lambda k: middles[k][0])
    v_sorted = [middles[k][0] for k in order]
    out: list[list[str | None]] = []
    out_tops: list[list[list[float]]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        picked = order[bisect_left(v_sorted, top):bisect_left(v_sorted, bottom)]
        row_chars = [k for k in sorted(picked) if x0 <= middles[k][1] < x1]
        texts: list[str | None] = []
        tops: list[list[float]] = []
        for cell in row.cells:
            tops.append([])
            if cell is None:
                texts.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            inside = [chars[k] for k in row_chars if cx0 <= middles[k][1] < cx1 and ctop <= middles[k][0] < cbottom]
            if inside and text_of is _cell_text:
                lines = _cell_lines(inside)
                texts.append("\n".join(text for _, text in lines))
                tops[-1] = [top for top, _ in lines]
            else:
                texts.append(text_of(inside) if inside else "")
        out.append(texts)
        out_tops.append(tops)
    return out, out_tops


def _cell_text(chars: list[dict[str, Any]]) -> str:
    """`pdfplumber.utils.extract_text(chars)` with its default settings, for upright characters only."""
    return "\n".join(text for _, text in _cell_lines(chars))


def _cell_lines(chars: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """The lines `pdfplumber.utils.extract_text(chars)` makes with its default settings, for upright
    characters only, each with its top.

    pdfplumber's word extractor is general (directions, tolerances as ratios, punctuation splits) and
    costs most of a table's time; this is its default path step by step: characters clustered into
    lines by their top (3 pt), sorted left to right; words cut at spaces, at a step back and at a gap
    over 3 pt; words clustered into lines again by their top; words joined by spaces, lines by newlines.
    """
    from pdfplumber.utils.text import LIGATURES

    words: list[tuple[float, str]] = []  # (top, text)
    for line in _clusters(chars, lambda c: c["top"]):
        line.sort(key=lambda c: c["x0"])
        word: list[dict[str, Any]] = []
        for char in line:
            text = char["text"]
            if text.isspace():
                if word:
                    words.append(_word(word, LIGATURES))
                word = []
                continue
            if word:
                previous = word[-1]
                if (char["x0"] < previous["x0"] or char["x0"] > previous["x1"] + 3
                        or abs(char["top"] - previous["top"]) > 3):
                    words.append(_word(word, LIGATURES))
                    word = []
            word.append(char)
        if word:
            words.append(_word(word, LIGATURES))
    return [(min(top for top, _ in line), " ".join(text for _, text in line))
            for line in _clusters(words, lambda w: w[0])]


def _word(chars: list[dict[str, Any]], ligatures: dict[str, str]) -> tuple[float, str]:
    return min(c["top"] for c in chars), "".join(ligatures.get(c["text"], c["text"] or "") for c in chars)


def _clusters(items: list[Any], key: Any) -> list[list[Any]]:  # noqa: ANN401
    """pdfplumber's `cluster_objects(items, key, 3)`: the distinct keys sorted and chained while each is
    within 3 of the one before; items grouped by cluster, in their order within each."""
    values = sorted({key(item) for item in items})
    cluster_of: dict[float, int] = {}
    number, last = 0, None
    for value in values:
        if last is not None and not value <= last + 3:
            number += 1
        cluster_of[value] = number
        last = value
    groups: list[list[Any]] = [[] for _ in range(number + 1)] if values else []
    for item in items:
        groups[cluster_of[key(item)]].append(item)
    return groups


def _join_cell_lines(text: str) -> str:
    """A cell's wrapped lines as one text. In a column too narrow for its number ("10" drawn as "1" over
    "0", "II" as "I" over "I") the pieces are parts of one token and join without a space."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and all(len(line) <= 2 and line.isalnum() for line in lines):
        return "".join(lines)
    return joined_lines(lines)
