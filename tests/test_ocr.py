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
    assert "Thời gian ký" in text


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
