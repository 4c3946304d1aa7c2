"""OCR: scanned PDF pages and image files read with Tesseract, laid out like text pages."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from extractor.base.errors import LimitExceeded
from extractor.base.limits import Limits
from extractor.readers import ocr, read
from tests.conftest import need_program

TEXT_PDF = "lamdong-to-trinh-kh-cchc-2026.pdf"


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    need_program("tesseract")


def _flat(result) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", " ".join(b.line for b in result.blocks)).strip()


def _raster(source: Path, target: Path, dpi: int = 200) -> Path:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    document.close()
    image.save(target, resolution=dpi)
    return target


def test_scanned_pdf_character_error_rate(real_dir: Path, tmp_path: Path) -> None:
    """A born-digital page rasterised to an image-only PDF must OCR back to its own text (CER <= 3%)."""
    source = real_dir / TEXT_PDF
    truth = _flat(read(source, Limits()))
    scan = _raster(source, tmp_path / "scan.pdf")
    began = time.perf_counter()
    result = read(scan, Limits())
    seconds = time.perf_counter() - began
    got = _flat(result)
    cer = Levenshtein.distance(got, truth) / len(truth)
    print(f"OCR one page: {seconds:.1f} s, CER {cer:.3%}")
    assert result.ocr and result.pages == 1
    assert all(b.ocr for b in result.blocks)
    assert cer <= 0.03
    assert any(b.region == "header-left" for b in result.blocks)
    assert any(b.region == "footer-right" for b in result.blocks)


def test_image_file(real_dir: Path, tmp_path: Path) -> None:
    image = _raster(real_dir / TEXT_PDF, tmp_path / "page.png")
    result = read(image, Limits())
    assert result.ocr and result.format == "image"
    assert "Sở Nội vụ kính trình dự thảo Kế hoạch" in _flat(result)


def test_image_pixel_limit_checked_before_decoding(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "big.png"
    Image.new("L", (400, 300), 255).save(path)
    with pytest.raises(LimitExceeded, match="pixels"):
        read(path, Limits(image_pixels=100_000))


def test_render_resolution_respects_pixel_limit() -> None:
    assert ocr.dpi_for(595, 842, Limits()) == ocr.TARGET_DPI
    low = ocr.dpi_for(595, 842, Limits(image_pixels=2_000_000))
    assert low < ocr.TARGET_DPI and (595 * low / 72) * (842 * low / 72) <= 2_000_000
    with pytest.raises(LimitExceeded):
        ocr.dpi_for(595, 842, Limits(image_pixels=10_000))


def test_scan_with_received_stamp(real_dir: Path) -> None:
    began = time.perf_counter()
    result = read(real_dir / "bca-kh-996-kiem-soat-ma-tuy-2026-scan.pdf", Limits())
    print(f"bca scan: {result.pages} pages, {time.perf_counter() - began:.1f} s")
    text = _flat(result)
    assert result.ocr and result.pages == 4
    assert {b.page for b in result.blocks} == {1, 2, 3}  # page 4 is blank
    assert "Phối hợp kiểm soát các hoạt động hợp pháp" in text
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Bùi Duy Hưng" in text


def test_scan_with_small_signature_text_layer(real_dir: Path) -> None:
    """The page images are OCR'd although a digital-signature stamp gives them a few characters of text."""
    result = read(real_dir / "lamdong-kh-589-hoi-nghi-scan.pdf", Limits())
    text = _flat(result)
    assert result.ocr and result.pages == 8
    # Even pages are blank backs of a double-sided scan; the four printed pages hold ~8,000 characters.
    assert {b.page for b in result.blocks} == {1, 3, 5, 7}
    assert len(text) > 6_000
    assert "Tổ chức Hội nghị triển khai Chương trình mục tiêu quốc gia" in text


def _tsv(rows: list[tuple[int, int, int, int, int, int, str]]) -> str:
    """Tesseract TSV from (level, line, left, top, width, height, text) rows in one block and paragraph."""
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    body = [f"{lvl}\t1\t1\t1\t{line}\t{i}\t{x}\t{y}\t{w}\t{h}\t{95 if lvl == 5 else -1}\t{text}"
            for i, (lvl, line, x, y, w, h, text) in enumerate(rows)]
    return "\n".join([head, *body])


def test_font_size_from_the_line_box_not_from_word_boxes() -> None:
    """Words without accents or descenders ("nhà", "ca") have short boxes; the line's box is steady."""
    tsv = _tsv([
        (4, 1, 100, 100, 1800, 51, ""),
        (5, 1, 100, 108, 150, 40, "Trưởng"), (5, 1, 300, 112, 120, 32, "ca"), (5, 1, 450, 112, 140, 32, "nhà"),
        (4, 2, 100, 172, 1800, 50, ""),
        (5, 2, 100, 172, 160, 50, "Quyết"), (5, 2, 300, 172, 150, 50, "định"), (5, 2, 480, 180, 90, 42, "số"),
    ])
    lines = ocr.lines_from_tsv(tsv, 300)
    sizes = [line.segments[0].size for line in lines]
    assert len(sizes) == 2 and abs(sizes[0] - sizes[1]) < 0.3
    assert 12.5 < sizes[0] < 13.5  # 51 px at 300 DPI is a 12.2 pt box: 13 pt text


def test_specks_are_no_part_of_words() -> None:
    """Words Tesseract read in the unit cells of the 1-bit scan of the 2016 investment programme (tune):
    a bar, a caret or a leading dot from a speck goes; dashes and the commas between words stay."""
    row = ["¡KHĐT", "|", "Các", "cơ", "quan", "thuộc", ".Bộ", "KHĐT,", "ˆ", "BộNgoại", "giao", "2.2_", "Sở", "—",
           "Lao", "động", "-", "TB&XH", "``"]
    tsv = _tsv([(4, 1, 100, 100, 1800, 50, "")] + [(5, 1, 100 + 90 * i, 100, 80, 50, w) for i, w in enumerate(row)])
    words, _ = ocr.parse_tsv(tsv)
    assert [w.text for w in words] == ["KHĐT", "Các", "cơ", "quan", "thuộc", "Bộ", "KHĐT,", "BộNgoại", "giao", "2.2",
                                       "Sở", "—", "Lao", "động", "-", "TB&XH"]


def test_time_limit_stops_a_multi_page_scan_and_its_tesseracts():
    import subprocess
    import time

    from extractor.base.errors import LimitExceeded
    from extractor.base.limits import Limits
    from extractor.pipeline import extract
    from tests.conftest import CORPUS, need_program

    need_program("tesseract")
    began = time.monotonic()
    with pytest.raises(LimitExceeded, match="time limit"):
        extract(CORPUS / "scan" / "004_733c3bcffdaa3c3d.pdf", Limits(seconds=1.0))
    assert time.monotonic() - began < 10  # stopped at the limit, not after every page was recognised
    time.sleep(0.5)
    # Only this process's Tesseracts: their work folder is vnplan-ocr-<our pid>-... (another vnplan may be
    # running OCR on the same machine).
    mine = f"tesseract.*vnplan-ocr-{os.getpid()}-"
    left = subprocess.run(["pgrep", "-f", mine], capture_output=True, text=True).stdout
    assert left.strip() == ""


# Tables in scans --------------------------------------------------------------------------------------

TABLE_DOCX = "lamdong-kh-kiem-tra-cchc-2026.docx"


def _scan_of_docx(source: Path, work: Path, dpi: int = 200) -> tuple[Path, int]:
    """The DOCX printed to PDF by LibreOffice, and its pages that hold the task table rasterised back into
    an image-only PDF (as a scanner would give it); also the table's cell count in the DOCX."""
    import subprocess

    import pypdfium2 as pdfium

    need_program("soffice")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(source)],
                   check=True, capture_output=True, timeout=180)
    printed = work / f"{source.stem}.pdf"
    table_pages = sorted({b.page for b in read(printed, Limits()).blocks if b.kind == "row" and b.page})
    cells = {len(b.cells or []) for b in read(source, Limits()).blocks if b.kind == "row"}
    assert table_pages and len(cells) == 1
    document = pdfium.PdfDocument(str(printed))
    images = [document[n - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for n in table_pages]
    document.close()
    scan = work / f"{source.stem}-scan.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=dpi)
    return scan, cells.pop()


def test_scanned_table_comes_out_as_rows_and_tasks(real_dir: Path, tmp_path: Path) -> None:
    """A real plan's task table, scanned, is read as table rows on the DOCX's grid, and its tasks come
    out of the table as they do from the DOCX."""
    from extractor.pipeline import StageTimer, build_document

    scan, cell_count = _scan_of_docx(real_dir / TABLE_DOCX, tmp_path)
    result = read(scan, Limits())
    rows = [b for b in result.blocks if b.kind == "row"]
    assert result.ocr and len(rows) >= 10
    assert all(len(b.cells or []) == cell_count for b in rows)
    assert all(b.ocr and b.confidence is not None and 0.0 <= b.confidence <= 1.0 for b in rows if any(b.cells or []))
    filled = [b for b in rows if sum(bool(c) for c in b.cells or []) >= 2]
    assert len(filled) >= 0.8 * len(rows)
    document = build_document(result, str(scan), "0" * 64, StageTimer(), Limits())
    from_table = [t for t in document.tasks if t.origin == "table"]
    assert len(from_table) >= 10


def test_paragraphs_carry_word_confidence(real_dir: Path) -> None:
    """OCR'd paragraphs carry the lowest confidence of their words, 0-1; a clear print reads high."""
    result = read(real_dir / "lamdong-kh-589-hoi-nghi-scan.pdf", Limits())
    paragraphs = [b for b in result.blocks if b.kind == "paragraph"]
    measured = [b.confidence for b in paragraphs if b.confidence is not None]
    assert len(measured) >= 0.9 * len(paragraphs)
    assert all(0.0 <= c <= 1.0 for c in measured)
    assert sorted(measured)[len(measured) // 2] > 0.5
    # The framed conference title on page 5 is one box, not a table: it stays text.
    assert not any(b.kind == "row" for b in result.blocks)


def _ruled_page(columns: list[int], rows: list[int], merged_row: int) -> object:
    """A white page image (numpy) with a ruled grid; row `merged_row` has no inner vertical rules."""
    import numpy as np

    page = np.full((1200, 1000), 255, dtype=np.uint8)
    for y in rows:
        page[y:y + 3, columns[0]:columns[-1] + 3] = 0
    for x in columns:
        page[rows[0]:rows[-1] + 3, x:x + 3] = 0
    for x in columns[1:-1]:  # the merged row's inner rules painted out again
        page[rows[merged_row] + 3:rows[merged_row + 1], x:x + 3] = 255
    return page


def test_grid_and_merged_cells_from_ruling_lines() -> None:
    from extractor.readers import scan_tables

    page = _ruled_page([100, 200, 600, 900], [100, 200, 300, 400, 500], merged_row=1)
    grids, mask = scan_tables.find_grids(page, 200)
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.xs) == 4 and len(grid.ys) == 5
    assert grid.spans[(1, 0)] == (1, 1, 0, 2)  # the merged row is one cell from its first column
    assert (1, 1) not in grid.spans and (0, 1) in grid.spans
    assert (mask > 0).sum() > 0 and (scan_tables.erase_rulings(page, mask) == 255).all()
    words = [ocr.OcrWord("I", 120, 230, 20, 30, 95.0, (1, 1, 1, 1)), ocr.OcrWord("Quý", 300, 230, 60, 30, 90.0, (1, 1, 1, 1)),
             ocr.OcrWord("1", 120, 330, 20, 30, 80.0, (1, 1, 2, 1)), ocr.OcrWord("Lập", 220, 330, 60, 30, 96.0, (1, 1, 2, 1)),
             ocr.OcrWord("kế", 290, 330, 40, 30, 70.0, (1, 1, 2, 1)), ocr.OcrWord("hoạch", 220, 370, 90, 20, 60.0, (1, 1, 3, 1))]
    table = scan_tables.table_rows(grid, words, page=1, dpi=200)
    assert table.rows[1] == ["I Quý", "", ""]
    assert table.rows[2] == ["1", "Lập kế hoạch", ""]
    assert table.cell_lines is not None and table.cell_lines[2][1] == ["Lập kế", "hoạch"]
    assert table.row_confidence[2] == 0.6 and table.row_confidence[0] is None


def test_rules_of_a_skewed_scan_and_of_a_narrow_column_still_separate_rows() -> None:
    """A scan fed askew: a rule's left end lies below the separator placed at its centre of mass; and a
    number column narrower than a ruling's minimum length, its rule broken by the scan next to the
    crossing: neither may merge the rows of that column (as on a real Hà Tĩnh annex, 'STT' 0.27 inch)."""
    from extractor.readers import scan_tables

    page = _ruled_page([100, 150, 600, 900], [100, 300, 500, 700], merged_row=0)
    page[[*range(300, 303), *range(500, 503)], 100:903] = 255  # two inner rules redrawn, skewed and broken
    for x in range(100, 903):
        drop = (900 - x) * 0.03  # 0.5 degree of skew: the rules' left ends 24 px lower at 200 dpi
        y = int(300 + drop)
        page[y:y + 3, x] = 0
        if x != 140:  # a one-pixel break inside the 50-px number column, next to its right rule
            page[int(500 + drop):int(500 + drop) + 3, x] = 0
    grids, _ = scan_tables.find_grids(page, 200)
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.ys) == 4
    # Every cell of the number column is its own row: no merged spans down column 0.
    assert all(span[0] == span[1] for span in grid.spans.values())


def _dashed(page: object, y: int, x0: int, x1: int, dash: int = 6, pitch: int = 14) -> None:
    for x in range(x0, x1, pitch):
        page[y:y + 2, x:min(x + dash, x1)] = 0  # type: ignore[index]


def test_dashed_rules_and_a_faint_band_still_make_one_table() -> None:
    """Row rules drawn dashed (Word's dashed borders, or solid rules a faint scan broke into dots) between
    solid column rules, and a band of the scan where every row rule is lost: one table of all its rows
    and columns (as on the Hà Tĩnh 2016 investment-promotion annex). A line of flat marks inside one cell
    (diacritics, leader dots after a label) joins no two column rules and splits nothing; a cell dotted
    from rule to rule would read as ruled."""
    import numpy as np

    from extractor.readers import scan_tables

    page = np.full((1200, 1400), 255, dtype=np.uint8)
    columns, rows = [100, 300, 700, 900, 1300], [100, 300, 500, 700, 900]
    for x in columns:
        page[rows[0]:rows[-1] + 3, x:x + 3] = 0
    for y in rows:
        _dashed(page, y, columns[0], 400)
        _dashed(page, y + (1 if y > 300 else 0), 480, columns[-1])  # a skew step; 400-480: the faint band
    _dashed(page, 600, 780, 880, dash=3, pitch=6)  # leader dots after a label ("Kinh phí: .....") in a cell
    grids, mask = scan_tables.find_grids(page, 200)
    assert len(grids) == 1
    grid = grids[0]
    assert len(grid.xs) == 5 and len(grid.ys) == 5
    assert all(span[0] == span[1] and span[2] == span[3] for span in grid.spans.values())
    # The dashes are erased before OCR; the white breaks between them are never painted.
    assert (scan_tables.erase_rulings(page, mask)[rows[1]:rows[1] + 2, 120:400] == 255).all()


def test_last_row_whose_rule_the_scan_lost_ends_where_the_column_rules_end() -> None:
    """The bottom rule of a table at a page break, dotted and lost to a faint scan: the column rules run
    on an inch below the last row rule found, so the table's last row ends where they end (the Hà Tĩnh
    2016 annex's row 1.4); rules that stop at the last row rule add no row."""

    from extractor.readers import scan_tables

    page = _ruled_page([100, 200, 600, 900], [100, 300, 500], merged_row=0)
    page[100:503, 100:903] = 255
    for y in (100, 300, 500):
        page[y:y + 3, 100:903] = 0
    for x in (100, 200, 600, 900):
        page[100:700, x:x + 3] = 0  # column rules down to y = 700, no rule drawn there
    grids, _ = scan_tables.find_grids(page, 200)
    assert len(grids) == 1 and len(grids[0].ys) == 4 and grids[0].ys[-1] >= 695
    page[503:700] = 255
    assert len(scan_tables.find_grids(page, 200)[0][0].ys) == 3


def test_two_tables_side_by_side_stay_two() -> None:
    """Nets of rules beside each other with rows at other heights are two tables, not one broken table."""
    import numpy as np

    from extractor.readers import scan_tables

    page = np.full((1200, 1400), 255, dtype=np.uint8)
    for columns, rows in (([100, 300, 600], [100, 300, 500, 700]), ([680, 900, 1300], [150, 400, 650, 750])):
        for y in rows:
            page[y:y + 3, columns[0]:columns[-1] + 3] = 0
        for x in columns:
            page[rows[0]:rows[-1] + 3, x:x + 3] = 0
    grids, _ = scan_tables.find_grids(page, 200)
    assert sorted(len(g.xs) for g in grids) == [3, 3]


def test_annex_with_dashed_row_rules_reads_as_one_table() -> None:
    """Hà Tĩnh CTr 446/2016 (corpus/wild, tune), an annex page printed landscape and scanned sideways: its
    row rules are dotted and broken, its column rules solid. Upright, it is one table of its 18 columns."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    from extractor.readers import scan_tables
    from tests.test_wild import need_documents

    path = need_documents() / "province-ubnd-hatinh-ctr446-xuc-tien-dau-tu-2016.pdf"
    document = pdfium.PdfDocument(str(path))
    try:
        bitmap = document[9].render(scale=300 / 72, grayscale=True)
        gray = cv2.rotate(np.array(bitmap.to_pil().convert("L")), cv2.ROTATE_90_CLOCKWISE)
    finally:
        document.close()
    grids, _ = scan_tables.find_grids(gray, 300)
    assert len(grids) == 1
    assert len(grids[0].xs) - 1 == 18 and len(grids[0].ys) - 1 >= 6


def test_a_lone_frame_is_not_a_table() -> None:
    from extractor.readers import scan_tables

    page = _ruled_page([100, 900], [100, 400], merged_row=0)
    assert scan_tables.find_grids(page, 200)[0] == []


def test_signature_stamp_is_kept_out_of_the_scanned_page(real_dir: Path) -> None:
    """A signing tool's stamp (a widget annotation over the scan) is neither drawn into the image OCR reads
    nor taken for the page's text layer; its text is kept in a warning."""
    result = read(real_dir / "lamdong-kh-589-hoi-nghi-scan.pdf", Limits())
    stamps = [message for code, message in result.warnings if code == "signature-stamp"]
    assert len(stamps) == 1 and stamps[0].startswith("page 1:") and "Thời gian ký" in stamps[0]
    assert 1 in result.ocr_pages
    assert "Thời gian ký" not in _flat(result)


def test_sideways_page_is_turned_upright(real_dir: Path, tmp_path: Path) -> None:
    """A page scanned sideways (a landscape annex fed in portrait) is turned by Tesseract's orientation
    detection and read like the upright page."""
    from PIL import Image

    upright = _raster(real_dir / TEXT_PDF, tmp_path / "upright.png")
    truth = _flat(read(upright, Limits()))
    sideways = tmp_path / "sideways.pdf"
    with Image.open(upright) as image:
        image.rotate(90, expand=True).save(sideways, resolution=200)
    got = _flat(read(sideways, Limits()))
    assert Levenshtein.distance(got, truth) / len(truth) <= 0.03


def test_a_cell_merged_only_because_a_faint_row_rule_went_unseen_is_split_at_its_blank_space() -> None:
    """The scanned Hà Tĩnh 2016 annex (tune split): the dashed rules between rows 8.1, 8.2 and 8.3 went
    unseen in the content column but not in the number column, so the content cell read as merged over
    three rows and row 8.1 took all three texts. Its lines stand in three groups, blank space of several
    line heights around each row boundary: split there, each row has its own text. A truly merged cell
    (one text, its lines at one pitch across the boundary) and text touching the boundary stay whole."""
    from extractor.readers import scan_tables

    grid = scan_tables.Grid([0, 500, 1000, 1500], [0, 100, 600], {
        (0, 0): (0, 0, 0, 0), (1, 0): (1, 1, 0, 0), (2, 0): (2, 2, 0, 0), (0, 1): (0, 2, 1, 1)})

    def word(text: str, top: int, line: int, left: int = 150) -> ocr.OcrWord:
        return ocr.OcrWord(text, left, top, 80, 40, 90.0, (1, 1, line, 1))

    numbers = [word("8.1", 60, 1, 10), word("8.2", 560, 2, 10), word("8.3", 1060, 3, 10)]
    texts = [word("Liên", 60, 4), word("hệ", 110, 5), word("Phối", 600, 6), word("Triển", 1100, 7)]
    table = scan_tables.table_rows(grid, numbers + texts, page=1, dpi=300)
    assert [row[1] for row in table.rows] == ["Liên hệ", "Phối", "Triển"]
    # One text at one pitch across the boundaries: a merged cell, kept whole in its first row.
    even = [word(w, 380 + 50 * i, 10 + i) for i, w in enumerate(["Sở", "Kế", "hoạch", "và", "Đầu", "tư"])]
    assert [row[1] for row in scan_tables.table_rows(grid, numbers + even, page=1, dpi=300).rows] == [
        "Sở Kế hoạch và Đầu tư", "", ""]
    # A header's two words, the first just above the boundary: centred text of one merged cell.
    near = [word("Căn", 450, 20), word("cứ", 700, 21)]
    assert scan_tables.table_rows(grid, numbers + near, page=1, dpi=300).rows[0][1] == "Căn cứ"
