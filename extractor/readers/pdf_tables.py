"""PDF ruled tables: the grid found by pdfplumber, on the pages that draw ruling lines.

pdfplumber is slow (pure Python), so it is opened only when a page passes the cheap test for ruling
lines (`has_ruling_lines`, on pypdfium2's page objects), and then reads only those pages.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from extractor.base.errors import VnplanError
from extractor.base.normalize import clean_text
from extractor.readers.layout import TableRows, joined_lines


def has_ruling_lines(page) -> bool:  # noqa: ANN001
    """Cheap test for a table grid: at least two horizontal and two vertical thin lines, or boxes."""
    import pypdfium2.raw as raw

    horizontal = vertical = boxes = 0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=0):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= 3 and w >= 10:
            horizontal += 1
        elif w <= 3 and h >= 8:
            vertical += 1
        elif w >= 10 and h >= 8:
            boxes += 1
        if (horizontal >= 2 and vertical >= 2) or boxes >= 2 or (boxes and horizontal + vertical >= 2):
            return True
    return False


class PlumberDoc:
    """pdfplumber, opened only when a page with ruling lines needs its table grid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf: Any = None  # a pdfplumber.PDF, opened on the first ruled page

    def tables(self, index: int, legacy_fonts: set[str]) -> list[TableRows]:
        import pdfplumber

        if self.pdf is None:
            try:
                self.pdf = pdfplumber.open(self.path)
            except VnplanError:
                raise
            except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on bad input
                raise VnplanError(f"corrupt PDF ({type(exc).__name__})") from None
        page = self.pdf.pages[index]
        try:
            tables = page.find_tables()
        except VnplanError:  # the time limit fired inside pdfplumber: the document stops, as it must
            raise
        except Exception:  # noqa: BLE001 - a broken drawing on one page costs its tables, not the file
            return []
        found: list[TableRows] = []
        for table in tables:
            rows, lines = _table_rows(page, table, legacy_fonts)
            if len(rows) < 2 and max((len(r) for r in rows), default=0) < 2:
                continue  # a framed paragraph or a lone box, not a table
            _, top, _, bottom = table.bbox
            columns = [(c.bbox[0], c.bbox[2]) for c in table.columns if c.bbox]
            found.append(TableRows(index + 1, top, bottom, columns, rows, lines))
        page.close()
        return found

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _table_rows(page, table, legacy_fonts: set[str]) -> tuple[list[list[str]], list[list[list[str]]]]:  # noqa: ANN001
    """The rows' cell texts, and each cell's lines as drawn (for cells that list several entries)."""
    from pdfplumber.utils import get_bbox_overlap, obj_to_bbox

    from extractor.readers import legacy

    texts = table.extract()
    out: list[list[str]] = []
    out_lines: list[list[list[str]]] = []
    for row, row_texts in zip(table.rows, texts, strict=False):
        cells: list[str] = []
        row_lines: list[list[str]] = []
        out_lines.append(row_lines)
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
                region = [c for c in page.chars if get_bbox_overlap(obj_to_bbox(c), bbox) is not None]
                fonts = Counter(c.get("fontname", "").split("+", 1)[-1] for c in region)
                font = fonts.most_common(1)[0][0] if fonts else None
                if font in legacy_fonts:
                    text = legacy.convert_run(text, font)[0]
            cells.append(clean_text(_join_cell_lines(text)))
            row_lines.append([clean_text(line) for line in text.split("\n")])
        out.append(cells)
    return out, out_lines


def _join_cell_lines(text: str) -> str:
    """A cell's wrapped lines as one text. In a column too narrow for its number ("10" drawn as "1" over
    "0", "II" as "I" over "I") the pieces are parts of one token and join without a space."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and all(len(line) <= 2 and line.isalnum() for line in lines):
        return "".join(lines)
    return joined_lines(lines)
