"""PDF ruled tables and the bulk text-page reads: pdfium's edges and characters fed to pdfplumber's table
finder give the tables pdfplumber finds on its own parse, and the per-object caches give what pdfium
says character by character. Run on the ruled pages of committed corpus PDFs (tune split only)."""

from __future__ import annotations

import ctypes
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.readers import pdf, pdf_tables
from extractor.readers.pdf_text import char_codes
from tests.conftest import CORPUS

# Born-digital PDFs with ruled tables: a corpus plan (4 table pages) and a tune-split wild plan (6).
RULED_PDFS = [
    CORPUS / "pdf" / "001_e90ebdcfd4b0b768.pdf",
    CORPUS / "wild" / "province-vpubnd-hatinh-ctr-cong-tac-thang-03-2018.pdf",
]
# A tune-split wild plan whose only boxes are white paragraph shading (no table at all).
SHADED_PDF = CORPUS / "wild" / "province-ubnd-hatinh-kh196-mat-can-bang-gioi-tinh-2017.pdf"


def _need(path: Path) -> None:
    # The wide corpus's documents are never committed (corpus/wild/README.md): skip as the wild tests do.
    if not path.exists():
        pytest.skip(f"{path.name} is not here (corpus/wild documents are not in the repository)")


def _ruled_pages(path: Path) -> Iterator[tuple[int, object]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            if pdf_tables.has_ruling_lines(page):
                yield index, page
            page.close()
    finally:
        document.close()


def _drawn(page) -> list[pdf_tables.DrawnChar]:  # noqa: ANN001
    textpage = page.get_textpage()
    drawn: list[pdf_tables.DrawnChar] = []
    pdf._page_runs(textpage, page.get_size()[1], drawn)
    textpage.close()
    return drawn


@pytest.mark.parametrize("path", RULED_PDFS, ids=lambda p: p.name[:24])
def test_tables_match_pdfplumber(path: Path) -> None:
    """Same rows and cell lines as pdfplumber on its own parse of the page; edges placed the same."""
    import pdfplumber

    _need(path)

    plumber = pdf_tables.PlumberDoc(path)
    found = 0
    with pdfplumber.open(path) as reference:
        for index, page in _ruled_pages(path):
            height = page.get_size()[1]  # type: ignore[attr-defined]
            key = lambda e: (e["orientation"], *(round(e[k], 2) for k in ("x0", "x1", "top", "bottom")))  # noqa: E731
            # Graphics that draw no ink (a paragraph's white shading) give no edges, in either parse.
            visible = pdf_tables.visible_graphics(reference.pages[index])
            assert sorted(map(key, pdf_tables.page_edges(page, height))) == sorted(
                map(key, visible.edges)), f"page {index + 1}"
            ours = pdf_tables.page_tables(page, _drawn(page), index, set(), plumber)
            theirs = plumber.tables(index, set())
            assert [(t.rows, t.cell_lines) for t in ours] == [(t.rows, t.cell_lines) for t in theirs]
            for mine, other in zip(ours, theirs, strict=True):  # float32 from pdfium vs pdfminer's decimals
                assert mine.top == pytest.approx(other.top, abs=0.01)
                assert mine.bottom == pytest.approx(other.bottom, abs=0.01)
                assert [c for col in mine.columns for c in col] == pytest.approx(
                    [c for col in other.columns for c in col], abs=0.01)
            found += len(ours)
    plumber.close()
    assert found  # each of these plans has at least one table


def test_cell_text_is_pdfplumbers_extract_text() -> None:
    """`_cell_text` against pdfplumber's `extract_text` on the real cells' characters and on seeded
    random ones around the 3 pt tolerances (ties, spaces, ligatures, steps back)."""
    from pdfplumber.utils import extract_text

    samples: list[list[dict]] = []
    for _index, page in _ruled_pages(RULED_PDFS[0]):
        chars = pdf_tables.plumber_chars(_drawn(page))
        samples += [chars[i:i + 40] for i in range(0, len(chars), 40)]
    rng = random.Random(17)
    for _ in range(3000):
        chars = []
        for _ in range(rng.randint(1, 20)):
            x0 = rng.choice([rng.uniform(0, 60), float(rng.randint(0, 60))])
            top = rng.choice([0.0, 2.9, 3.0, 3.1, 6.0, rng.uniform(0, 30)])
            chars.append({"text": rng.choice("ab c\ufb01-1 "), "x0": x0, "x1": x0 + rng.choice([0.0, 3.0, rng.uniform(0, 8)]),
                          "top": top, "bottom": top + 10, "doctop": top, "upright": True})
        samples.append(chars)
    for chars in samples:
        if chars:
            assert pdf_tables._cell_text(chars) == extract_text(chars)


def test_bulk_reads_match_per_character_calls() -> None:
    """The codes read in one call, and the font, size and baseline cached per text object, are what
    pdfium gives for each character on its own."""
    import pypdfium2.raw as raw

    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    checked = 0
    _need(RULED_PDFS[1])
    for _index, page in _ruled_pages(RULED_PDFS[1]):
        height = page.get_size()[1]  # type: ignore[attr-defined]
        textpage = page.get_textpage()  # type: ignore[attr-defined]
        handle = textpage.raw
        count = raw.FPDFText_CountChars(handle)
        assert char_codes(handle, count) == [raw.FPDFText_GetUnicode(handle, i) for i in range(count)]
        expected = []
        for i in range(count):
            code = raw.FPDFText_GetUnicode(handle, i)
            if code in (0, 10, 13, 0xFFFE) or raw.FPDFText_IsGenerated(handle, i) == 1:
                continue
            raw.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(box))
            raw.FPDFText_GetCharOrigin(handle, i, ctypes.byref(origin_x), ctypes.byref(origin_y))
            raw.FPDFText_GetFontInfo(handle, i, buffer, 128, ctypes.byref(flags))
            expected.append(("-" if code == 2 else chr(code), box.left, box.right, height - origin_y.value,
                             raw.FPDFText_GetFontSize(handle, i), buffer.value.decode("latin-1").split("+", 1)[-1]))
        textpage.close()
        assert _drawn(page) == expected
        checked += len(expected)
    assert checked > 1000


def test_white_paragraph_shading_is_no_table() -> None:
    """Hà Tĩnh KH 196/2017 printed to PDF: two paragraphs of its first page are shaded white, drawn as
    filled white boxes edge to edge, which pdfplumber alone takes for a one-column table. Boxes that draw
    no ink give no edges, so the paragraphs stay paragraphs (in both parses, pdfium's and pdfplumber's)."""
    import pypdfium2 as pdfium

    _need(SHADED_PDF)
    document = pdfium.PdfDocument(str(SHADED_PDF))
    page = document[0]
    assert pdf_tables.has_ruling_lines(page)  # the boxes are there...
    plumber = pdf_tables.PlumberDoc(SHADED_PDF)
    assert pdf_tables.page_tables(page, _drawn(page), 0, set(), plumber) == []  # ...and are no table
    assert plumber.tables(0, set()) == []
    plumber.close()
    page.close()
    document.close()
    from extractor.base.limits import DEFAULT_LIMITS

    assert not any(b.kind == "row" for b in pdf.read(SHADED_PDF, DEFAULT_LIMITS).blocks)


def _ruling_lines_by_helpers(page) -> bool:  # noqa: ANN001
    """`has_ruling_lines` as first written, its path objects read with pypdfium2's page-object helpers."""
    import pypdfium2.raw as raw

    def sizes():  # noqa: ANN202
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=0):
            left, bottom, right, top = obj.get_bounds()
            yield right - left, top - bottom

    return pdf_tables.draws_grid(sizes())


def test_ruling_lines_read_with_raw_calls_as_with_helpers() -> None:
    """The cheap test for a grid, read with raw pdfium calls, answers as pypdfium2's helpers do, on every
    page of the corpus PDFs (ruled and not)."""
    import pypdfium2 as pdfium

    answers = []
    for path in sorted((CORPUS / "pdf").glob("*.pdf")) + [p for p in RULED_PDFS + [SHADED_PDF] if p.exists()]:
        document = pdfium.PdfDocument(str(path))
        try:
            for page in document:
                answers.append(pdf_tables.has_ruling_lines(page))
                assert answers[-1] == _ruling_lines_by_helpers(page), f"{path.name} page {len(answers)}"
        finally:
            document.close()
    assert any(answers) and not all(answers)


def test_a_cells_blank_lines_are_kept_as_empty_lines() -> None:
    """Word pads a timetable's unit cell with empty paragraphs so that each entry stands level with its
    content bullet; the PDF keeps the blank space, and the cell's lines keep it as empty lines (the March
    2018 programme of UBND tỉnh Hà Tĩnh, printed to PDF: tune split). On 2 March the first bullet has no
    unit; the unit and leader entries stand level with the second and third bullets."""
    path = RULED_PDFS[1]
    _need(path)
    plumber = pdf_tables.PlumberDoc(path)
    try:
        rows = [lines for index, _ in _ruled_pages(path) for t in plumber.tables(index, set())
                for lines in t.cell_lines]
    finally:
        plumber.close()
    day = next(lines for lines in rows if lines[0] and lines[0][-1] == "2")
    content, units, leaders = day[1], day[2], day[3]
    bullets = [k for k, line in enumerate(content) if "- " in line[:10]]
    assert [k for k, line in enumerate(units) if line] == bullets[1:]
    assert [k for k, line in enumerate(leaders) if line] == bullets[1:]
    assert units[bullets[1]] == "- Ban DV Tỉnh ủy"
