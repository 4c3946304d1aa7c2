"""Codes misread by OCR: repaired from what the registry knows, only in OCR'd text, never by a guess.

The sentences are OCR output of real plans (the Word plans of ../shared/real printed to PDF, scanned and
read by Tesseract), with the slip that OCR made in them."""

from __future__ import annotations

import importlib.util

from extractor.base.blocks import Block, assemble
from extractor.stages.citations import code_repairs, find_citations
from extractor.vocab.citation_patterns import read_ocr_group
from models import Citation, Metadata, Warning
from tests.conftest import need

# Table cells and a basis line of the cải cách hành chính plans of Lâm Đồng (2026, 2026-2030), as OCR'd.
SPLIT = "Theo Điều 17 Nghị định số 52/2015/N Đ-CP ngày 28/5/2015 của Chính phủ cơ sở dữ liệu quốc gia về pháp luật"
REPEATED = "Theo các mốc thời gian tại Quyết định số 1441/QĐĐĐ-UBND ngày 2/0/2025 của Chủ tịch UBND"
LOOK_ALIKE = (
    "Căn cứ Chỉ thị số 23/CT-TIg ngày 02/9/2021 của Thủ tướng Chính phủ về đẩy mạnh việc thực hiện Chương "
    "trình tổng thể cải cách hành chính giai đoạn 2021 - 2030;"
)


def read(*lines: str, ocr: bool = True) -> tuple[list[Citation], list[Warning]]:
    layout = assemble([Block(kind="paragraph", text=line, ocr=ocr) for line in lines])
    found = find_citations(layout, [], Metadata(province="Lâm Đồng"))
    for c in found:
        assert layout.text[c.start : c.end] == c.text  # the quote stays verbatim
    return found, code_repairs(found, layout)


def test_a_space_ocr_put_inside_a_code_group_is_joined():
    [c], [warning] = read(SPLIT)
    assert (c.code, c.symbol, c.doc_type, c.date, c.issuer) == (
        "52/2015/NĐ-CP", "NĐ-CP", "Nghị định", "2015-05-28", "Chính phủ")
    assert c.text.startswith("Nghị định số 52/2015/N Đ-CP")
    assert warning.code == "citation-code-repaired" and "'N Đ'" in warning.message


def test_a_space_is_joined_only_into_a_known_code():
    # "TU V": the Party committee's code before "V/v"; joined, "TUV" is no code.
    [c], _ = read("Thực hiện Chỉ thị số 05-CT/TU V/v tăng cường công tác phòng, chống ma túy;")
    assert c.code == "05-CT/TU"


def test_a_repeated_letter_collapses_into_the_known_code():
    [c], [warning] = read(REPEATED)
    assert (c.code, c.doc_type, c.date) == ("1441/QĐ-UBND", "Quyết định", None)  # OCR's "2/0/2025" is no date
    assert "'QĐĐĐ' as QĐ" in warning.message and "repeated" in warning.message
    [c], _ = read("Căn cứ Quyết định số 58/QĐĐ-UBND ngày 08/01/2026 của UBND tỉnh Lâm Đồng về việc áp dụng Quyết định")
    assert (c.code, c.date, c.issuer) == ("58/QĐ-UBND", "2026-01-08", "Ủy ban nhân dân tỉnh Lâm Đồng")


def test_a_letter_read_as_its_look_alike_is_the_one_known_code():
    [c], [warning] = read(LOOK_ALIKE)
    assert (c.code, c.symbol, c.issuer) == ("23/CT-TTg", "CT-TTg", "Thủ tướng Chính phủ")
    assert "'TIg' as TTg" in warning.message and "'I' for 'T'" in warning.message


def test_born_digital_text_is_never_repaired():
    found, warnings = read(SPLIT, REPEATED, LOOK_ALIKE, ocr=False)
    assert [c.code for c in found] == ["52/2015/N", "1441/QĐĐĐ-UBND", "23/CT-TIg"]
    assert warnings == []


def test_known_and_unknown_groups_are_left_as_read():
    # Known codes stay, whatever a slip would make of them (TTg is no repeated T of Tg; DA is not ĐA).
    assert read_ocr_group("TTg", "state", False).code == "TTg"
    assert read_ocr_group("DA", "state", True).code == "DA"
    # A department's own code one letter from a ministry's (Sở Tài chính's STC, Bộ Tài chính's BTC) is no
    # OCR slip: S and B do not look alike.
    [c], warnings = read("Căn cứ Công văn số 215/STC-QLNS ngày 10/7/2023 của Sở Tài chính;")
    assert (c.code, warnings) == ("215/STC-QLNS", [])


def test_two_known_codes_equally_near_are_no_guess():
    # "BIC" is BC with a stray stroke and BTC with a faint crossbar: left as read, with a warning.
    reading = read_ocr_group("BIC", "state", True)
    assert (reading.code, reading.slip, set(reading.doubt)) == ("BIC", None, {"BC", "BTC"})
    [c], [warning] = read("Thực hiện Công văn số 3587/BIC-NSNN ngày 10/7/2023 của Bộ Tài chính;")
    assert c.code == "3587/BIC-NSNN"
    assert warning.code == "citation-code-doubtful" and "BC or BTC" in warning.message
    # As an issuer part (after the type part) only BTC is an issuer code: repaired.
    [c], _ = read("Căn cứ Thông tư số 56/2022/TT-BIC ngày 16/9/2022 của Bộ Tài chính;")
    assert c.code == "56/2022/TT-BTC"


def test_a_stray_stroke_inside_a_code_with_its_term():
    [c], [warning] = read("Căn cứ Luật Phòng, chống ma túy số 73/2021/QHI14 ngày 30/3/2021;")
    assert (c.code, c.issuer) == ("73/2021/QH14", "Quốc hội")
    assert "stray 'I'" in warning.message


def test_the_plan_s_other_mention_of_the_number_says_which_code_ocr_misread():
    """Hà Tĩnh's investment programme of 2017 (corpus/wild, tune; a scan) cites its action programme twice,
    once OCR'd "219/CIT-UBND": CIT is one stray stroke from CT, but the other mention of number 219 reads
    CTr, and that is the code taken."""
    first = "triển khai thực hiện đông bộ, có hiệu quả Chương trình hành động số 219/CIT-UBND ngày 15/7/2016 của UBND"
    second = "4. Chương trình hành động số 219/CTr-UBND ngày 15/7/2016 thực hiện Nghị quyết số 35/NQ-CP"
    found, [warning] = read(first, second)
    assert [c.code for c in found] == ["219/CTr-UBND", "219/CTr-UBND", "35/NQ-CP"]
    assert found[0].doc_type == "Chương trình" and found[0].date == "2016-07-15"
    assert "'CIT' as CTr" in warning.message and "other mentions" in warning.message
    # Alone, and after a type word that names another type than CT's, the group is left as read.
    [c], _ = read(first.replace("hành động ", ""))
    assert (c.code, c.doc_type) == ("219/CIT-UBND", "Chương trình")


def test_a_space_ocr_put_inside_the_year_of_a_code_is_dropped():
    """The same programme's list of provincial decisions, as OCR'd."""
    found, warnings = read(
        "1. Quyết định số 75/20 14/QĐ-UBND ngày 03/11/2014 của UBND tỉnh ban hành quy định",
        "2. Quyết định số 04/201 1/QĐ-UBND ngày 29/3/2011 của UBND tỉnh về việc quản lý thu",
    )
    assert [(c.code, c.year, c.date) for c in found] == [
        ("75/2014/QĐ-UBND", 2014, "2014-11-03"), ("04/2011/QĐ-UBND", 2011, "2011-03-29")]
    assert ["'20 14'" in warnings[0].message, "'201 1'" in warnings[1].message] == [True, True]
    found, _ = read("1. Quyết định số 75/20 14/QĐ-UBND ngày 03/11/2014 của UBND tỉnh", ocr=False)
    assert [c.code for c in found] == ["14/QĐ-UBND"]  # a text layer is read as written


def test_a_group_lost_at_a_line_end_is_taken_from_the_plan_s_other_mention():
    lines = (
        "nông sản, xây dựng cánh đồng mẫu lớn trên địa bàn tỉnh theo Quyết định số 62/2013/QĐ-",
        "ngày 25/10/2013 của Thủ tướng Chính phủ.",
        "sản, xây dựng cánh đồng mẫu lớn trên địa bàn tỉnh theo Quyết định số 62/2013/QĐ-TTg ngày 25/10/2013 của Thủ "
        "tướng Chính phủ",
    )
    found, [warning] = read(*lines)
    assert [(c.code, c.date, c.issuer) for c in found] == [("62/2013/QĐ-TTg", "2013-10-25", "Thủ tướng Chính phủ")] * 2
    assert "'TTg', lost at a line end" in warning.message
    # Without another mention nothing says which group was lost.
    found, _ = read(*lines[:2])
    assert [c.code for c in found] == ["62/2013/QĐ"]


def test_a_real_scan_reads_its_law_code_with_the_stray_stroke_repaired(real_dir):
    """Lâm Đồng's plan 589 for a Bộ Công an conference (a real published scan) cites Nghị quyết 163/2024/QH15 three times; OCR reads
    two of them "163/2024/QHI15". Each is the Quốc hội's resolution, with a warning naming the repair."""
    from extractor import extract

    need(importlib.util.find_spec("pypdfium2") is not None, "PDF reader missing")
    doc = extract(real_dir / "lamdong-kh-589-hoi-nghi-scan.pdf")
    resolutions = [c for c in doc.citations if c.code and c.code.startswith("163/2024/")]
    assert len(resolutions) == 3 and {c.code for c in resolutions} == {"163/2024/QH15"}
    assert all(c.issuer == "Quốc hội" for c in resolutions)
    repaired = [w for w in doc.warnings if w.code == "citation-code-repaired" and "'QHI15' as QH15" in w.message]
    assert len(repaired) == sum("QHI15" in c.text for c in resolutions) >= 1
    assert not [w for w in doc.warnings if w.code == "citation-code-doubtful"]
