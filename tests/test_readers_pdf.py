"""PDF reader: born-digital text (reading order, paragraphs, header/signature regions, ruled tables)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.readers import read
from extractor.readers.layout import join_wrapped
from extractor.vocab.markers import LIST_MARKER_RE
from tests.conftest import REAL, need, need_program

TEXT_PDF = "lamdong-to-trinh-kh-cchc-2026.pdf"


def _texts(result, region=None):  # noqa: ANN001, ANN202
    return [b.text for b in result.blocks if b.kind == "paragraph" and b.region == region]


def test_text_pdf_layout(real_dir: Path) -> None:
    result = read(real_dir / TEXT_PDF, Limits())
    assert result.pages == 1 and not result.ocr
    assert _texts(result, "header-left") == ["UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "Số: 666 /TTr-SNV"]
    assert _texts(result, "header-right") == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lâm Đồng, ngày 22 tháng 12 năm 2025",
    ]
    # Band by band: issuing body, motto, then number, place-date.
    regions = [b.region for b in result.blocks[:6]]
    assert regions == ["header-left"] * 2 + ["header-right"] * 2 + ["header-left", "header-right"]
    assert _texts(result, "footer-left") == ["Nơi nhận:", "- Như trên;", "- Lãnh đạo SNV;", "- Lưu: VT, CCHC&VTLT(Tín)."]
    assert _texts(result, "footer-right") == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Hữu Tuấn"]
    body = _texts(result)
    # Wrapped lines joined into one paragraph; a list item starts its own.
    assert any(t.startswith("Thực hiện Nghị quyết số 76/NQ-CP") and t.endswith("báo cáo định kỳ;") for t in body)
    assert "1. Có 131/144 cơ quan, đơn vị, địa phương hoàn toàn thống nhất với dự thảo." in body
    # A centred title wrapped over two lines is one block; the type word stays apart.
    assert "TỜ TRÌNH" in body
    assert "Về việc trình ký dự thảo Kế hoạch cải cách hành chính nhà nước năm 2026 tỉnh Lâm Đồng" in body
    assert all(b.page == 1 for b in result.blocks)
    bold = {b.text: b.bold for b in result.blocks}
    assert bold["SỞ NỘI VỤ"] and not bold["UBND TỈNH LÂM ĐỒNG"]


def test_text_pdf_complete_against_pdftotext(real_dir: Path) -> None:
    tool = need_program("pdftotext")
    reference = subprocess.run([tool, str(real_dir / TEXT_PDF), "-"], capture_output=True, check=True).stdout
    words = re.findall(r"\w+", reference.decode("utf-8"))
    ours = "\n".join(b.line for b in read(real_dir / TEXT_PDF, Limits()).blocks)
    missing = [w for w in words if w not in ours]
    assert not missing, missing[:20]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real DOCX plan (body, signature block, an appendix table over two pages) printed by LibreOffice."""
    need(REAL.is_dir(), "../shared/real is not present")
    soffice = need_program("soffice")
    out = tmp_path_factory.mktemp("pdf")
    source = REAL / "lamdong-kh-kiem-tra-cchc-2026.docx"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to", "pdf",
         "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=True,
    )
    return out / "lamdong-kh-kiem-tra-cchc-2026.pdf"


def test_converted_plan_table_over_page_break(converted: Path) -> None:
    result = read(converted, Limits())
    rows = [b for b in result.blocks if b.kind == "row"]
    assert rows and {b.table for b in rows} == {0}
    assert rows[0].cells == ["STT", "Đơn vị được kiểm tra", "Thời gian kiểm tra"]
    pages = {b.page for b in rows}
    assert len(pages) >= 2  # one table continued over the page break keeps its index
    assert [b.row for b in rows] == list(range(len(rows)))
    assert ["2", "Sở Xây dựng", "Tháng 7/2026"] in [b.cells for b in rows]
    assert _texts(result, "footer-left")[0] == "Nơi nhận:"
    assert _texts(result, "footer-right")[-1] == "Nguyễn Ngọc Phúc"
    assert result.pages and result.pages >= 8


def test_table_rows_keep_each_cells_lines(converted: Path) -> None:
    """Every row of a ruled table carries its cells' lines as drawn (what the task stage splits bullets
    by), one list per cell, their words those of the cell's text."""
    rows = [b for b in read(converted, Limits()).blocks if b.kind == "row"]
    for row in rows:
        assert row.cell_lines is not None and len(row.cell_lines) == len(row.cells or [])
        for cell, lines in zip(row.cells or [], row.cell_lines, strict=True):
            assert "".join(" ".join(lines).split()).replace("-", "") == "".join(cell.split()).replace("-", "")


def test_page_limit(converted: Path) -> None:
    with pytest.raises(LimitExceeded):
        read(converted, Limits(pages=2))


def test_corrupt_pdf(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf body")
    with pytest.raises(VnplanError, match="PDF"):
        read(broken, Limits())
    not_pdf = tmp_path / "fake.pdf"
    not_pdf.write_bytes(b"hello world")
    with pytest.raises(VnplanError, match="not a PDF"):
        read(not_pdf, Limits())


def test_truncated_pdf(real_dir: Path, tmp_path: Path) -> None:
    data = (real_dir / TEXT_PDF).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    try:
        result = read(cut, Limits())
    except VnplanError as exc:
        assert exc.cause
    else:  # pdfium repairs what it can: then what it gives is still text from the file
        assert result.blocks


def test_encrypted_pdf(tmp_path: Path) -> None:
    qpdf = need_program("qpdf")
    source = REAL / TEXT_PDF
    need(source.exists(), "real text PDF missing")
    locked = tmp_path / "locked.pdf"
    subprocess.run([qpdf, "--encrypt", "user", "owner", "256", "--", str(source), str(locked)], check=True)
    with pytest.raises(VnplanError, match="encrypted PDF"):
        read(locked, Limits())


def test_list_marker_pattern() -> None:
    for text in ("1. Mục tiêu", "a) Nhiệm vụ", "- Như trên;", "+ Tổ chức", "* Ghi chú", "I. MỤC ĐÍCH", "2.1. Nội dung"):
        assert LIST_MARKER_RE.match(text), text
    for text in ("2030, Quyết định", "ngày 15/7/2021", "Lâm Đồng"):
        assert not LIST_MARKER_RE.match(text), text


# Layout rules, on a small plan written here and printed by LibreOffice (justified 13 pt body text, a
# borderless two-column signature block whose signer's title sits beside the middle of the recipients).

_HYPHENATED = " ".join(
    f"Chương trình giai đoạn {year}-{year + 4} của ngành Lao động-Thương binh được triển khai;"
    for year in range(2001, 2013)
)
_DASHED = " ".join(
    f"Đoàn công tác số {i} làm việc tại tỉnh Bà Rịa - Vũng Tàu và Thừa Thiên - Huế," for i in range(1, 12)
) + " rồi báo cáo kết quả."
_RECIPIENTS = ["Nơi nhận:", "- Văn phòng Ủy ban;", "- Các sở, ngành;", "- Các phòng chuyên môn;", "- Lưu: VT."]


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice = need_program("soffice")
    out = tmp_path_factory.mktemp("layout")
    left = "<br>".join(f"<b>{line}</b>" if i == 0 else line for i, line in enumerate(_RECIPIENTS))
    html = f"""<html><head><meta charset="utf-8"><style>
body {{ font-family: 'Liberation Serif'; font-size: 13pt; }}
p {{ text-align: justify; text-indent: 1cm; margin: 0 0 6pt 0; }}
</style></head><body>
<p>{_HYPHENATED}</p>
<p>{_DASHED}</p>
<p>Các nội dung chính như sau:</p>
<p>- Rà soát danh mục nhiệm vụ;</p>
<p>- Tổng hợp kết quả thực hiện.</p>
<table width="100%" cellspacing="0" cellpadding="0" border="0"><tr>
<td width="50%" style="font-size:10pt; text-align:left">{left}</td>
<td width="50%" align="center" style="vertical-align: bottom"><b>GIÁM ĐỐC</b></td></tr>
<tr><td></td><td align="center"><br><br><br><b>Trần Văn Ba</b></td></tr></table>
</body></html>"""
    source = out / "plan.html"
    source.write_text(html, encoding="utf-8")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out}/profile", "--infilter=HTML (StarWriter)",
         "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=True,
    )
    return out / "plan.pdf"


def _printed_lines(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return [line.strip() for line in text.replace("\x02", "-").splitlines() if line.strip()]


def test_wrap_after_a_glued_hyphen_joins_without_space(small_plan: Path) -> None:
    printed = _printed_lines(small_plan)
    assert any(re.search(r"\w-$", line) for line in printed), "the case is not exercised: no line ends in 'x-'"
    assert _HYPHENATED in _texts(read(small_plan, Limits()))


def test_wrapped_dash_continues_and_real_items_stay_apart(small_plan: Path) -> None:
    printed = _printed_lines(small_plan)
    assert any(line.startswith("- Vũng Tàu") or line.startswith("- Huế") for line in printed), "case not exercised"
    body = _texts(read(small_plan, Limits()))
    assert _DASHED in body
    assert body[-3:] == ["Các nội dung chính như sau:", "- Rà soát danh mục nhiệm vụ;", "- Tổng hợp kết quả thực hiện."]


def test_signature_block_with_title_beside_the_middle_of_the_recipients(small_plan: Path) -> None:
    result = read(small_plan, Limits())
    assert _texts(result, "footer-left") == _RECIPIENTS
    assert _texts(result, "footer-right") == ["GIÁM ĐỐC", "Trần Văn Ba"]


def test_join_wrapped() -> None:
    assert join_wrapped("giai đoạn 2016-", "2020") == "giai đoạn 2016-2020"
    assert join_wrapped("Lao động-", "Thương binh") == "Lao động-Thương binh"
    assert join_wrapped("kinh tế -", "xã hội") == "kinh tế - xã hội"  # a spaced dash keeps its space
    assert join_wrapped("tỉnh Bà Rịa", "- Vũng Tàu") == "tỉnh Bà Rịa - Vũng Tàu"
    assert join_wrapped("-", "Như trên") == "- Như trên"


def test_character_runs_on_corpus_pdfs() -> None:
    """The reader's character pass: every run starts with ink and holds no line break; the faster median
    gives statistics.median's values on the page's own sizes and baselines."""
    import statistics

    import pypdfium2 as pdfium

    from extractor.readers.pdf import _median, _page_runs
    from tests.conftest import CORPUS

    pdf = pdfium.PdfDocument(str(CORPUS / "pdf" / "000_b6e2a91fbbaf595e.pdf"))
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        runs, legacy = _page_runs(textpage, page.get_size()[1])
        textpage.close()
    finally:
        pdf.close()
    assert runs and not legacy
    assert all(not run[0].ch.isspace() for run in runs)
    assert not any(c.ch in "\r\n" for run in runs for c in run)
    text = " ".join("".join(c.ch for c in run) for run in runs)
    assert "KẾ HOẠCH" in text.upper() or "Kế hoạch" in text
    for run in runs:
        ink = [c for c in run if not c.ch.isspace()]
        for values in ([c.size for c in ink], [c.baseline for c in ink]):
            assert _median(list(values)) == statistics.median(values)


def _corpus_page_runs() -> list[list[object]]:
    """The runs of every page of the committed born-digital PDFs as (text, x0, x1, baseline, size, font)."""
    import pypdfium2 as pdfium

    from extractor.readers.pdf import _page_runs
    from tests.conftest import CORPUS

    out: list[list[object]] = []
    for path in sorted((CORPUS / "pdf").glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        try:
            for page in document:
                textpage = page.get_textpage()
                runs, _ = _page_runs(textpage, page.get_size()[1])
                out.append([[(c.ch, c.x0, c.x1, c.baseline, c.size, c.font) for c in run] for run in runs])
                textpage.close()
        finally:
            document.close()
    return out


def test_bound_pdfium_calls_read_what_pypdfium2_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-character calls bound without argument conversion give the same characters, boxes,
    baselines and fonts as pypdfium2's own bindings, on every page of the corpus PDFs."""
    from extractor.readers import pdf_text

    assert pdf_text._unconverted_functions() is not None  # the fast path is the one in use here
    fast = _corpus_page_runs()
    assert sum(len(run) for page in fast for run in page) > 10_000
    monkeypatch.setattr(pdf_text, "_unconverted_functions", lambda: None)  # as where bindings hide the library
    assert fast == _corpus_page_runs()


def test_run_text_of_unicode_fonts_is_the_general_path() -> None:
    """A line in Unicode fonts takes the short path of `_run_text`; it gives the text the general path
    (legacy fonts converted stretch by stretch) gives, on the corpus PDFs' runs and on their ink alone
    (as runs drawn over each other are merged: the spaces come back from the gaps)."""
    import pypdfium2 as pdfium

    from extractor.readers.pdf import _legacy_run_text, _page_runs, _run_text
    from tests.conftest import CORPUS

    compared = with_gaps = 0
    for path in sorted((CORPUS / "pdf").glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        try:
            for page in document:
                textpage = page.get_textpage()
                runs, legacy = _page_runs(textpage, page.get_size()[1])
                textpage.close()
                assert not legacy
                for run in runs:
                    ink = [c for c in run if not c.ch.isspace()]
                    assert _run_text(run) == _legacy_run_text(run)
                    text = _run_text(ink)
                    assert text == _legacy_run_text(ink)
                    compared += 1
                    with_gaps += " " in text
        finally:
            document.close()
    assert compared > 500 and with_gaps > 0


def _line(page: int, top: float, *parts: tuple[str, float, float]) -> object:
    from extractor.readers.layout import Line, Segment

    return Line(page, [Segment(text, x0, x1, top, top + 12, 13.0) for text, x0, x1 in parts])


def test_signature_block_found_from_its_label_before_a_long_appendix_table() -> None:
    """A landscape appendix of two-column rows after the signature block (ctr446 of corpus/wild, once its
    sideways pages are read) used to hide the block: the search from the end gave up among the rows."""
    from extractor.readers.layout import PageContent, blocks_from_pages

    body = PageContent(1, 595, 842)
    body.lines = [_line(1, 100 + 16 * i, (f"Nội dung thứ {i} của chương trình được triển khai.", 60, 540))
                  for i in range(10)]
    footer = [("Nơi nhận:", "CHỦ TỊCH"), ("- Bộ Kế hoạch và Đầu tư;", ""), ("- Các sở, ban, ngành;", ""),
              ("- Lưu: VT.", "Đặng Văn Ba")]
    for i, (left, right) in enumerate(footer):
        parts = [(left, 60, 60 + 7 * len(left))] + ([(right, 380, 380 + 7 * len(right))] if right else [])
        body.lines.append(_line(1, 300 + 16 * i, *parts))
    appendix = PageContent(2, 842, 595)
    appendix.lines = [_line(2, 20, ("Phụ lục I", 390, 450))]
    appendix.lines += [_line(2, 40 + 7 * i, (f"Hoạt động xúc tiến số {i}", 40, 260), ("Sở Kế hoạch và Đầu tư", 420, 560))
                       for i in range(75)]
    blocks = blocks_from_pages([body, appendix])
    assert [b.text for b in blocks if b.region == "footer-right"] == ["CHỦ TỊCH", "Đặng Văn Ba"]
    assert [b.text for b in blocks if b.region == "footer-left"][0] == "Nơi nhận:"
