"""Metadata: header block, title, place and date, issuer names, province, signer and recipients."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from rapidfuzz import fuzz

from extractor import extract
from extractor.base.blocks import Block, assemble
from extractor.base.normalize import fold
from extractor.readers.text import blocks_from_text
from extractor.stages.issuers import normalize_issuer
from extractor.stages.metadata import extract_metadata, iso_date, plan_year
from extractor.vocab import provinces
from tests.conftest import CORPUS, GOLD, REAL_GOLD, need

SEED_GOLD = sorted(GOLD.glob("*.gold.json"))
SIMILAR_FIELDS = {"issuer", "parent_issuer", "title"}


def _meta_of(text: str):
    layout = assemble(blocks_from_text(text))
    return extract_metadata(layout, [])


def _output_fields(doc) -> dict:
    m = doc.metadata
    fields = m.model_dump()
    fields["signer_title"] = m.signer.title
    fields["signer_name"] = m.signer.name
    return fields


def _bracketless(text: str) -> str:
    return re.sub(r"\([^)]*\)", "", text)


def _assert_matches_gold(doc, gold: dict) -> None:
    out = _output_fields(doc)
    for field, expected in gold["metadata"].items():
        got = out[field]
        if expected is None:
            assert got is None, field
        elif field in SIMILAR_FIELDS:
            assert got is not None and fuzz.token_sort_ratio(fold(expected), fold(got)) >= 90, (field, got)
        else:
            assert fold(str(got)) == fold(str(expected)), (field, got, expected)
    expected_recipients = [fold(_bracketless(r)) for r in gold["recipients"]]
    got_recipients = [fold(_bracketless(r)) for r in doc.recipients]
    assert got_recipients == expected_recipients


@pytest.mark.parametrize("gold_path", SEED_GOLD, ids=lambda p: p.name.split(".")[0])
def test_seed_metadata_matches_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    _assert_matches_gold(extract(CORPUS / gold["document"]), gold)


@pytest.mark.parametrize("gold_path", sorted(REAL_GOLD.glob("*.gold.json")), ids=lambda p: p.name.split(".")[0])
def test_real_docx_metadata_matches_gold(gold_path, real_dir):
    need(importlib.util.find_spec("extractor.readers.docx") is not None, "DOCX reader not present")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    _assert_matches_gold(extract(real_dir / gold["document"]), gold)


# --- invented documents (not in the seeds) -------------------------------------------------------------

PARTY_PLAN = """\
ĐẢNG BỘ TỈNH NGHỆ AN
HUYỆN ỦY NAM ĐÀN
*
ĐẢNG CỘNG SẢN VIỆT NAM
Số 142-KH/HU
Nam Đàn, ngày 05 tháng 6 năm 2019
KẾ HOẠCH
tổ chức Hội nghị học tập, quán triệt Nghị quyết
giai đoạn 2019 - 2021
I. MỤC ĐÍCH, YÊU CẦU
Nội dung.
Nơi nhận:
- Ban Thường vụ Tỉnh ủy (b/c);
- Các chi, đảng bộ trực thuộc;
- Lưu: VP.
T/M BAN THƯỜNG VỤ
BÍ THƯ
Nguyễn Văn Hòa
"""


def test_party_header_number_and_signer():
    meta, recipients, _ = _meta_of(PARTY_PLAN)
    assert (meta.number, meta.symbol, meta.code) == ("142", "KH/HU", "142-KH/HU")
    assert meta.issued_date == "2019-06-05"
    assert meta.place == "Nam Đàn"
    assert meta.parent_issuer_raw == "ĐẢNG BỘ TỈNH NGHỆ AN"
    assert meta.issuer_raw == "HUYỆN ỦY NAM ĐÀN"
    assert meta.province == "Nghệ An"
    assert meta.title == "tổ chức Hội nghị học tập, quán triệt Nghị quyết giai đoạn 2019 - 2021"
    assert meta.plan_year == 2019
    assert meta.signer.on_behalf == "T/M BAN THƯỜNG VỤ"
    assert (meta.signer.title, meta.signer.name) == ("BÍ THƯ", "Nguyễn Văn Hòa")
    assert recipients == ["Ban Thường vụ Tỉnh ủy (b/c)", "Các chi, đảng bộ trực thuộc"]


# Columns merged line by line, as a PDF text layer gives them.
MERGED_COLUMNS = """\
UBND TỈNH QUẢNG NAM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG Độc lập - Tự do - Hạnh phúc
Số: 215 /KH-STNMT Tam Kỳ, ngày 03 tháng 3 năm 2023
KẾ HOẠCH
Hưởng ứng Ngày Nước thế giới năm 2023
Nội dung kế hoạch./.
Nơi nhận: KT. GIÁM ĐỐC
- UBND tỉnh (b/c); PHÓ GIÁM ĐỐC
- Lưu: VT, CCBVMT.
Trần Thị Mai Anh
"""


def test_header_columns_merged_on_one_line():
    meta, recipients, _ = _meta_of(MERGED_COLUMNS)
    assert meta.parent_issuer == "Ủy ban nhân dân tỉnh Quảng Nam"
    assert meta.issuer == "Sở Tài nguyên và Môi trường"
    assert (meta.number, meta.symbol) == ("215", "KH-STNMT")
    assert (meta.place, meta.issued_date) == ("Tam Kỳ", "2023-03-03")
    assert meta.province == "Quảng Nam" and meta.province_2025 == "Đà Nẵng"
    assert meta.signer.on_behalf == "KT. GIÁM ĐỐC"
    assert meta.signer.title == "PHÓ GIÁM ĐỐC"
    assert meta.signer.name == "Trần Thị Mai Anh"
    assert recipients == ["UBND tỉnh (b/c)"]


def test_a_header_wrapped_in_narrow_columns():
    """The header of a Word plan printed by LibreOffice, whose substituted fonts run wider (lines as the
    Lâm Đồng plans of ../shared/real print): the agency type wraps inside its name ("ỦY BAN NHÂN" / "DÂN"),
    the symbol inside its code ("Số: /KH-" / "UBND", the right column's lines between) and the date after
    its month ("..., ngày tháng" / "3 năm 2026")."""
    blocks = [
        Block(kind="paragraph", text="ỦY BAN NHÂN", region="header-left"),
        Block(kind="paragraph", text="DÂN", region="header-left"),
        Block(kind="paragraph", text="TỈNH LÂM ĐỒNG", region="header-left"),
        Block(kind="paragraph", text="Số: /KH-", region="header-left"),
        Block(kind="paragraph", text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA", region="header-right"),
        Block(kind="paragraph", text="VIỆT NAM", region="header-right"),
        Block(kind="paragraph", text="Độc lập - Tự do - Hạnh phúc", region="header-right"),
        Block(kind="paragraph", text="UBND", region="header-left"),
        Block(kind="paragraph", text="Lâm Đồng, ngày tháng", region="header-right"),
        Block(kind="paragraph", text="3 năm 2026"),
        Block(kind="paragraph", text="KẾ HOẠCH", align="center", bold=True),
        Block(kind="paragraph", text="Tăng cường công tác phòng, chống ma túy năm 2026", align="center", bold=True),
        Block(kind="paragraph", text="Căn cứ tình hình thực tế, Ủy ban nhân dân tỉnh ban hành Kế hoạch."),
    ]
    meta, _, _ = extract_metadata(assemble(blocks), [])
    assert meta.issuer == "Ủy ban nhân dân tỉnh Lâm Đồng" and meta.parent_issuer is None
    assert meta.number is None and meta.symbol == "KH-UBND"
    assert meta.issued_date == "2026-03"


def test_old_tone_placement_and_a_wrapped_date_in_the_header():
    """A scanned copy of the VP UBND Hà Tĩnh programme (scripts/derive_formats.py): "UỶ BAN NHÂN DÂN" (the
    old tone placement) is the bare agency type its next line completes, and the place-and-date line
    wrapped in its column ("Hà Tĩnh, ngày 31 tháng 01" / "năm 2018") closes the header, so the greeting
    under it ("CHÚC MỪNG NĂM MỚI") is not the issuer."""
    blocks = [
        Block(kind="paragraph", text="UỶ BAN NHÂN DÂN", region="header-left"),
        Block(kind="paragraph", text="TỈNH HÀ TĨNH", region="header-left"),
        Block(kind="paragraph", text="VĂN PHÒNG", region="header-left"),
        Block(kind="paragraph", text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", region="header-right"),
        Block(kind="paragraph", text="Độc lập - Tự do - Hạnh phúc", region="header-right"),
        Block(kind="paragraph", text="Hà Tĩnh, ngày 31 tháng 01", region="header-right"),
        Block(kind="paragraph", text="năm 2018"),
        Block(kind="paragraph", text="CHÚC MỪNG NĂM MỚI", align="center", bold=True),
        Block(kind="paragraph", text="CHƯƠNG TRÌNH", align="center", bold=True),
        Block(kind="paragraph", text="Công tác tháng 02 năm 2018 của Ủy ban nhân dân tỉnh", align="center", bold=True),
        Block(kind="paragraph", text="1. Các công việc cần tập trung chỉ đạo:"),
    ]
    meta, _, _ = extract_metadata(assemble(blocks), [])
    assert meta.issuer == "Văn phòng"
    assert meta.parent_issuer is not None and fold(meta.parent_issuer) == fold("Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert meta.issued_date == "2018-01-31"


def test_regions_in_reverse_order_and_wrapped_issuer():
    blocks = [
        Block(kind="paragraph", text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", region="header-right"),
        Block(kind="paragraph", text="Độc lập - Tự do - Hạnh phúc", region="header-right"),
        Block(kind="paragraph", text="Bảo Lộc, ngày 14 tháng 8 năm 2018", region="header-right"),
        Block(kind="paragraph", text="ỦY BAN NHÂN DÂN", region="header-left"),
        Block(kind="paragraph", text="THÀNH PHỐ BẢO LỘC", region="header-left"),
        Block(kind="paragraph", text="Số: 98/KH-UBND", region="header-left"),
        Block(kind="paragraph", text="KẾ HOẠCH", align="center", bold=True),
        Block(kind="paragraph", text="Phát triển du lịch năm 2019", align="center", bold=True),
        Block(kind="paragraph", text="Căn cứ tình hình thực tế của địa phương, thành phố Bảo Lộc ban hành."),
        Block(kind="paragraph", text="PHÓ CHỦ TỊCH", region="footer-right"),
        Block(kind="paragraph", text="KT. CHỦ TỊCH", region="footer-right"),
        Block(kind="paragraph", text="Lê Thị Hồng", region="footer-right"),
        Block(kind="paragraph", text="Nơi nhận:", region="footer-left"),
        Block(kind="paragraph", text="- Sở Văn hóa, Thể thao và Du lịch;", region="footer-left"),
    ]
    meta, recipients, _ = extract_metadata(assemble(blocks), [])
    assert meta.issuer == "Ủy ban nhân dân thành phố Bảo Lộc"
    assert meta.parent_issuer is None
    assert meta.place == "Bảo Lộc" and meta.issued_date == "2018-08-14"
    assert meta.plan_year == 2019
    assert meta.title == "Phát triển du lịch năm 2019"
    assert meta.signer.title == "PHÓ CHỦ TỊCH" and meta.signer.name == "Lê Thị Hồng"
    assert recipients == ["Sở Văn hóa, Thể thao và Du lịch"]


def test_headerless_web_copy_takes_issuer_and_province_from_the_body():
    text = (
        "KẾ HOẠCH\nThực hiện công tác dân vận năm 2022\n"
        "Căn cứ Chỉ thị số 05/CT-UBND của UBND tỉnh Thái Bình;\n"
        "Sở Giáo dục và Đào tạo xây dựng kế hoạch thực hiện như sau:\nI. MỤC ĐÍCH\n"
    )
    meta, _, _ = _meta_of(text)
    assert meta.issuer == "Sở Giáo dục và Đào tạo"
    assert meta.parent_issuer is None
    assert meta.province == "Thái Bình" and meta.province_2025 == "Hưng Yên"
    assert meta.issued_date is None and meta.plan_year == 2022


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH QUẢNG NAM", "Sở Tài nguyên và Môi trường tỉnh Quảng Nam"),
        ("UBND HUYỆN BẢO THẮNG", "Ủy ban nhân dân huyện Bảo Thắng"),
        ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "Bộ Giáo dục và Đào tạo"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
        ("PHÒNG LĐ-TB&XH HUYỆN BẢO LÂM", "Phòng Lao động - Thương binh và Xã hội huyện Bảo Lâm"),
        ("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH BÌNH DƯƠNG", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bình Dương"),
        ("SỞ NN&PTNT TỈNH HÀ TĨNH", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Tĩnh"),
        ("BAN CHỈ ĐẠO TRUNG ƯƠNG VỀ PHÒNG CHỐNG THAM NHŨNG", "Ban Chỉ đạo Trung ương về Phòng chống tham nhũng"),
        ("ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH BÀ RỊA – VŨNG TÀU", "Đài Phát thanh và Truyền hình Bà Rịa - Vũng Tàu"),
        ("UBNDXÃ TÂN LẬP", "Ủy ban nhân dân xã Tân Lập"),
        ("KHO BẠC NHÀ NƯỚC ĐÀ NẴNG", "Kho bạc Nhà nước Đà Nẵng"),
        ("Sở Y tế tỉnh Cà Mau", "Sở Y tế tỉnh Cà Mau"),  # mixed case is kept as written
        ("Sở Lao động – TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ],
)
def test_issuer_names_get_their_usual_form(raw, expected):
    assert normalize_issuer(raw) == expected


def test_iso_dates_are_partial_where_blank():
    assert iso_date("2021", "3", None) == "2021-03"
    assert iso_date("2026", None, None) == "2026"
    assert iso_date("2011", "12", "26") == "2011-12-26"
    assert iso_date("2020", "13", "01") == "2020"


@pytest.mark.parametrize(
    ("title", "issued", "expected"),
    [
        ("Công tác thi đua khen thưởng năm 2012", "2011-12-26", 2012),
        ("Cải cách hành chính giai đoạn 2026 – 2030", "2026-03", 2026),
        ("Phòng, chống ma túy đến năm 2030", "2025-10", 2025),
        ("Tổ chức Hội nghị tổng kết", "2024-01-05", 2024),
        (None, None, None),
    ],
)
def test_plan_year(title, issued, expected):
    assert plan_year(title, issued) == expected


def test_provinces_old_names_and_the_2025_units():
    assert provinces.lookup("TỈNH BÀ RỊA – VŨNG TÀU").name == "Bà Rịa - Vũng Tàu"
    assert provinces.province_2025(provinces.lookup("Bình Thuận")) == "Lâm Đồng"
    assert provinces.province_2025(provinces.lookup("Hậu Giang")) == "Cần Thơ"
    assert provinces.lookup("Thanh Hoá").name == "Thanh Hóa"
    assert provinces.lookup("Thừa Thiên Huế").name == "Huế"
    found = provinces.mentions("Đại hội Thi đua yêu nước tỉnh Kon Tum và Quảng Ngãi")
    assert [(m.province.name, m.with_unit) for m in found] == [("Kon Tum", True), ("Quảng Ngãi", False)]


# --- OCR'd scans: header, stamp and signature noise (texts written for these tests) --------------------


def _ocr_meta_of(text: str):
    blocks = blocks_from_text(text)
    for block in blocks:
        block.ocr = True  # as the OCR reader marks its lines
    return extract_metadata(assemble(blocks), [])


# A scan of a district plan: a tone mark doubled in the type word, digits misread in the number and the
# date, and the receiving office's stamp (its own name, "ĐẾN", "Số:", "Ngày:") under the number line.
OCR_HEADER = """\
UBND TỈNH HÀ GIANG
SỞ NỘI VỤ
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: l2Ø /KH-SNV
UBND HUYỆN BẮC MÊ
ĐẾN Số:.....305.......
Hà Giang, ngàyO5tháng 3 năm 2023
KÊẺ HOẠCH
Tuyển dụng công chức năm 2023
I. MỤC ĐÍCH
Sở Nội vụ tổ chức tuyển dụng công chức theo quy định.
"""


def test_ocr_header_type_word_number_date_and_received_stamp():
    meta, _, warnings = _ocr_meta_of(OCR_HEADER)
    assert meta.doc_type == "Kế hoạch"
    assert (meta.number, meta.symbol, meta.code) == ("120", "KH-SNV", "120/KH-SNV")
    assert meta.issued_date == "2023-03-05"
    assert meta.issuer == "Sở Nội vụ"  # not the stamp's "UBND HUYỆN BẮC MÊ" below the number line
    assert meta.parent_issuer == "Ủy ban nhân dân tỉnh Hà Giang"
    assert meta.province == "Hà Giang"
    assert meta.title == "Tuyển dụng công chức năm 2023"
    assert not warnings


def test_ocr_date_keeps_only_what_it_can_read():
    text = OCR_HEADER.replace("ngàyO5tháng 3 năm 2023", "ngày47tháng 2023")
    meta, _, _ = _ocr_meta_of(text)
    assert meta.issued_date == "2023"  # day 47 is no day; the month and "năm" were lost


def test_ocr_number_line_without_so_and_number_keeps_the_symbol():
    meta, _, _ = _ocr_meta_of(OCR_HEADER.replace("Số: l2Ø /KH-SNV", "/KH-SNV"))
    assert (meta.number, meta.symbol) == (None, "KH-SNV")
    assert meta.issuer == "Sở Nội vụ"


def test_ocr_type_line_merged_with_a_stamp_field():
    meta, _, _ = _ocr_meta_of(OCR_HEADER.replace("KÊẺ HOẠCH", "Ngày.....12.3.... KÉ HOẠCH"))
    assert meta.doc_type == "Kế hoạch"
    assert meta.title == "Tuyển dụng công chức năm 2023"


def test_ocr_issuer_words_repaired_from_the_body():
    text = """\
—— BỘTÀICHÍNH
BAN QUAN LY DỰ AN ĐẦU TƯ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 14/KH-BQLDA
Hà Nội, ngày 02 tháng 4 năm 2024
KẾ HOẠCH
Kiểm tra công trình năm 2024
Ban Quản lý dự án đầu tư thuộc Bộ Tài chính kiểm tra các công trình.
Ban Quản lý dự án đầu tư báo cáo kết quả về Bộ Tài chính.
"""
    meta, _, _ = _ocr_meta_of(text)
    assert meta.issuer_raw == "BAN QUAN LY DỰ AN ĐẦU TƯ"  # verbatim
    assert fold(meta.issuer) == fold("Ban Quản lý dự án đầu tư")  # capitals follow the agency-name rules
    assert meta.parent_issuer_raw == "BỘTÀICHÍNH"
    assert meta.parent_issuer == "Bộ Tài chính"


def test_ocr_signature_with_seal_noise_and_rank():
    text = OCR_HEADER + """\
Nơi nhn:
- Như trên;
- Lưu: VT.
KT. GIÁM ĐỐC
QUẢ Ĩ
` ¤ ĐỐC
PHÓ GIAM ĐÔC
Thiếu-tá Lê Văn Bình
"""
    meta, recipients, _ = _ocr_meta_of(text)
    assert recipients == ["Như trên"]
    assert meta.signer.on_behalf == "KT. GIÁM ĐỐC"
    assert meta.signer.title == "PHÓ GIÁM ĐỐC"
    assert meta.signer.name == "Lê Văn Bình"


def test_ocr_signature_without_a_readable_title_gives_none():
    text = OCR_HEADER + "Nơi nhận:\n- Lưu: VT.\nPHÓ XỈ\n` € TRƯỞNG\nĐại tá Trần Văn Hòa\n"
    meta, _, _ = _ocr_meta_of(text)
    assert meta.signer.title is None
    assert meta.signer.name == "Trần Văn Hòa"


def test_typed_signature_is_kept_as_written():
    meta, _, _ = _meta_of(OCR_HEADER + "Nơi nhận:\n- Lưu: VT.\nTRƯỞNG KHU PHỐ\nLê Văn Bình\n")
    assert meta.signer.title == "TRƯỞNG KHU PHỐ"  # no OCR: any title line counts


def test_scanned_seed_metadata_matches_gold():
    scan = CORPUS / "scan" / "004_733c3bcffdaa3c3d.pdf"
    need(scan.is_file() and importlib.util.find_spec("pypdfium2") is not None, "scan or PDF reader missing")
    gold = json.loads((GOLD / "004_733c3bcffdaa3c3d.gold.json").read_text(encoding="utf-8"))
    doc = extract(scan)
    out = _output_fields(doc)
    for field in ("doc_type", "symbol", "issued_date", "plan_year", "province", "signer_title", "signer_name"):
        assert fold(str(out[field])) == fold(str(gold["metadata"][field])), field


# --- province names at the plan's date -----------------------------------------------------------------


def _hue_plan(unit: str, date: str) -> str:
    return f"""\
UBND {unit}
SỞ Y TẾ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 21/KH-SYT
Huế, {date}
KẾ HOẠCH
Tiêm chủng mở rộng
"""


def test_thua_thien_hue_before_2025_and_hue_after():
    meta, _, _ = _meta_of(_hue_plan("TỈNH THỪA THIÊN HUẾ", "ngày 10 tháng 5 năm 2024"))
    assert meta.province == "Thừa Thiên Huế"
    assert meta.province_2025 == "Huế"
    assert meta.parent_issuer == "Ủy ban nhân dân tỉnh Thừa Thiên Huế"  # the header's own words
    meta, _, _ = _meta_of(_hue_plan("THÀNH PHỐ HUẾ", "ngày 10 tháng 3 năm 2025"))
    assert (meta.province, meta.province_2025) == ("Huế", "Huế")
    meta, _, _ = _meta_of(_hue_plan("TỈNH THỪA THIÊN HUẾ", "ngày   tháng   năm 2024"))
    assert meta.province == "Thừa Thiên Huế"  # a partial date still says which name was official


def test_province_name_at_date():
    hue = provinces.lookup("Thừa Thiên - Huế")
    assert provinces.name_at(hue, "2024-12-31") == "Thừa Thiên Huế"
    assert provinces.name_at(hue, "2025-01-01") == "Huế"
    assert provinces.name_at(hue, None) == "Huế"
    cao_bang = provinces.lookup("Cao Bằng")
    assert provinces.name_at(cao_bang, "2001") == "Cao Bằng"


def test_a_central_body_belongs_to_no_province(tmp_path):
    from extractor.pipeline import extract

    plan = tmp_path / "bo.txt"
    plan.write_text(
        "BỘ NỘI VỤ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 85/KH-BNV\n"
        "Hà Nội, ngày 14 tháng 01 năm 2025\nKẾ HOẠCH\nCông tác thi đua, khen thưởng năm 2025\n"
        "Căn cứ Quyết định số 112/QĐ-BNV ngày 20/02/2024 về quy chế thi đua của Bộ;\n"
        "I. MỤC ĐÍCH, YÊU CẦU\nVụ Thi đua - Khen thưởng chủ trì tổng hợp báo cáo trước ngày 15/12/2025.\n",
        encoding="utf-8",
    )
    doc = extract(plan)
    assert doc.metadata.issuer == "Bộ Nội vụ" and doc.metadata.place == "Hà Nội"
    assert doc.metadata.province is None
    [citation] = [c for c in doc.citations if c.code == "112/QĐ-BNV"]
    assert citation.issuer == "Bộ Nội vụ"  # the ministry's own decision: no province added


@pytest.mark.parametrize(
    ("lines", "ocr", "expected"),
    [
        # A name wrapped in its narrow column: the second line opens with no organisation noun.
        (["BAN CHỈ ĐẠO CẢI CÁCH", "HÀNH CHÍNH CỦA CHÍNH PHỦ"], False,
         ["Ban Chỉ đạo Cải cách hành chính của Chính phủ"]),
        (["BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN", "NÔNG THÔN", "TỔNG CỤC THỦY LỢI"], False,
         ["Bộ Nông nghiệp và Phát triển nông thôn", "Tổng cục Thủy lợi"]),
        (["TẬP ĐOÀN ĐIỆN LỰC VIỆT NAM", "TỔNG CÔNG TY ĐIỆN LỰC", "MIỀN BẮC"], False,
         ["Tập đoàn Điện lực Việt Nam", "Tổng công ty Điện lực miền Bắc"]),
        # Party and youth-union blocks: each line opens with its body ("HUYỆN ỦY", "BCH" = Ban Chấp hành).
        (["ĐẢNG BỘ TỈNH HÀ TĨNH", "HUYỆN ỦY CAN LỘC"], False, ["Đảng bộ tỉnh Hà Tĩnh", "Huyện ủy Can Lộc"]),
        (["TỈNH ĐOÀN HÀ TĨNH", "BCH ĐOÀN HUYỆN KỲ ANH"], False,
         ["Tỉnh Đoàn Hà Tĩnh", "Ban Chấp hành Đoàn huyện Kỳ Anh"]),
        # A place name that closes a body's name without a unit word keeps its capitals.
        (["PHÒNG GD&ĐT HUYỆN THẠCH HÀ", "TRƯỜNG THCS THẠCH LONG"], False,
         ["Phòng Giáo dục và Đào tạo huyện Thạch Hà", "Trường THCS Thạch Long"]),
        # OCR lost the tone marks of the organisation noun ("TỎ" for "TỔ"): matched without them.
        (["BỘ CÔNG AN", "TỎ CÔNG TÁC LIÊN NGANH", "TRUNG ƯƠNG"], True,
         ["Bộ Công an", "Tỏ công tác liên nganh Trung ương"]),
    ],
)
def test_issuing_block_lines_group_into_names_by_their_organisation_noun(lines, ocr, expected):
    from extractor.stages.metadata import group_issuer_lines

    assert [normalize_issuer(g) for g in group_issuer_lines(lines, ocr=ocr)] == expected


@pytest.mark.parametrize(
    ("block", "place"),
    [
        ("BAN CHỈ ĐẠO CẢI CÁCH\nHÀNH CHÍNH CỦA CHÍNH PHỦ", "Hà Nội"),
        ("ỦY BAN AN TOÀN GIAO THÔNG\nQUỐC GIA", "Hà Nội"),
        ("TẬP ĐOÀN ĐIỆN LỰC VIỆT NAM\nTRUNG TÂM THÔNG TIN ĐIỆN LỰC", "Hà Nội"),
    ],
)
def test_a_national_body_belongs_to_no_province(block, place):
    """A body "of the Government", a "national" one or one named "... Việt Nam" is central: the place it
    signs at is no province of its own."""
    meta, _, _ = _meta_of(
        f"{block}\nSố: 46/KH-BCĐ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"{place}, ngày 15 tháng 3 năm 2021\nKẾ HOẠCH\nKiểm tra công tác năm 2021\n"
        "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao chất lượng.\n"
    )
    assert meta.place == place and meta.province is None


def test_tw_in_an_issuer_name_is_trung_uong():
    from extractor.stages.issuers import normalize_issuer

    assert normalize_issuer("BAN CHỈ ĐẠO LIÊN NGÀNH TW").lower() == "ban chỉ đạo liên ngành trung ương"
    assert normalize_issuer("Ban Tuyên giáo TW") == "Ban Tuyên giáo Trung ương"
    # "TƯ" is also the word "tư" (ĐẦU TƯ): only "TW", which is no word, is expanded
    assert normalize_issuer("BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ").lower() == "ban quản lý dự án đầu tư"


def test_greeting_below_the_header_and_a_body_only_signature_on_a_real_plan():
    """A monthly programme of a provincial office (corpus/wild, tune): "CHÚC MỪNG NĂM MỚI" stands between
    the header and the title, and the signature block holds only the office's name."""
    from tests.test_wild import need_documents

    path = need_documents() / "province-vpubnd-hatinh-ctr-cong-tac-thang-02-2018.docx"
    meta = extract(path).metadata
    assert meta.issuer == "Văn phòng"
    assert fold(meta.parent_issuer) == fold("Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert meta.signer.title is None and meta.signer.name is None


def test_a_district_body_takes_its_province_from_the_unit_table():
    blocks = [
        Block(kind="paragraph", text="ỦY BAN NHÂN DÂN", region="header-left"),
        Block(kind="paragraph", text="HUYỆN HƯƠNG KHÊ", region="header-left"),
        Block(kind="paragraph", text="Số: 200/KH-UBND", region="header-left"),
        Block(kind="paragraph", text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", region="header-right"),
        Block(kind="paragraph", text="Độc lập - Tự do - Hạnh phúc", region="header-right"),
        Block(kind="paragraph", text="Hương Khê, ngày 12 tháng 3 năm 2015", region="header-right"),
        Block(kind="paragraph", text="KẾ HOẠCH", align="center", bold=True),
        Block(kind="paragraph", text="Tiêu thụ hàng hóa năm 2015", align="center", bold=True),
        Block(kind="paragraph", text="Thực hiện chỉ đạo của cấp trên, huyện xây dựng kế hoạch như sau."),
    ]
    meta, _, _ = extract_metadata(assemble(blocks), [])
    assert meta.issuer == "Ủy ban nhân dân huyện Hương Khê"
    assert meta.province == "Hà Tĩnh" and meta.province_2025 == "Hà Tĩnh"
    # A commune name that several provinces share gives no province rather than a guess.
    blocks[1] = Block(kind="paragraph", text="XÃ TÂN HÀ", region="header-left")
    blocks[5] = Block(kind="paragraph", text="Tân Hà, ngày 12 tháng 3 năm 2015", region="header-right")
    meta, _, _ = extract_metadata(assemble(blocks), [])
    assert meta.province is None


def test_signature_block_lines_naming_a_body_are_no_title():
    text = (
        "UBND TỈNH HÀ TĨNH\nVĂN PHÒNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Tĩnh, ngày 28 tháng 02 năm 2018\nCHƯƠNG TRÌNH CÔNG TÁC THÁNG 3 NĂM 2018\n"
        "1. Các công việc cần tập trung chỉ đạo:\n- Tập trung chỉ đạo sản xuất vụ Xuân.\n"
        "Nơi nhận:\n- Chủ tịch, các PCT UBND tỉnh;\n- Lưu: VT.\nVĂN PHÒNG UBND TỈNH\nHÀ TĨNH\n"
    )
    meta, _, _ = _meta_of(text)
    assert meta.signer.title is None
    # A post that opens with a body's word is still a title.
    meta, _, _ = _meta_of(text.replace("VĂN PHÒNG UBND TỈNH\nHÀ TĨNH\n", "CHÁNH VĂN PHÒNG\nNguyễn Văn An\n"))
    assert meta.signer.title == "CHÁNH VĂN PHÒNG" and meta.signer.name == "Nguyễn Văn An"


# --- OCR confidence: a value OCR could not read well is null with a warning, never a guess ---------------


def _scanned_meta_of(text: str, faint: dict[str, float]):
    """`text` as OCR'd blocks whose words read clearly (0.95) except those in `faint` (word -> confidence)."""
    blocks = blocks_from_text(text)
    for block in blocks:
        block.ocr = True
        block.word_confidence = [faint.get(word, 0.95) for word in block.line.split()]
        block.confidence = min(block.word_confidence)
    return extract_metadata(assemble(blocks), [])


SCANNED_PLAN = """\
UBND TỈNH LÂM ĐỒNG
SỞ NỘI VỤ
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 5Ø /KH-SNV
Lâm Đồng, ngày 05 tháng 3 năm 2023
KẾ HOẠCH
Tuyển dụng công chức năm 2023
I. MỤC ĐÍCH
Sở Nội vụ tổ chức tuyển dụng công chức theo quy định.
Nơi nhận:
- Lưu: VT.
GIÁM ĐỐC
Nguyễn Văn An
"""


def test_a_faint_number_is_null_with_a_warning_and_the_rest_of_its_line_is_kept():
    meta, _, warnings = _scanned_meta_of(SCANNED_PLAN, {})
    assert (meta.number, meta.code, meta.issued_date) == ("50", "50/KH-SNV", "2023-03-05")
    assert not [w for w in warnings if w.code == "low-confidence"]

    meta, _, warnings = _scanned_meta_of(SCANNED_PLAN, {"5Ø": 0.3})
    assert meta.number is None and meta.symbol == "KH-SNV" and meta.code == "/KH-SNV"
    [warning] = [w for w in warnings if w.code == "low-confidence"]
    assert "metadata.number" in warning.message and "5Ø" in warning.message and "0.30" in warning.message
    assert warning.start is not None and warning.end is not None


def test_faint_date_parts_and_signer_name_are_left_out():
    meta, _, warnings = _scanned_meta_of(SCANNED_PLAN, {"05": 0.2})
    assert meta.issued_date == "2023-03"  # the day is doubtful: month and year are what OCR could read
    meta, _, _ = _scanned_meta_of(SCANNED_PLAN, {"2023": 0.2})
    assert meta.issued_date is None and meta.plan_year == 2023  # the title still says the year
    meta, _, warnings = _scanned_meta_of(SCANNED_PLAN, {"An": 0.25})
    assert meta.signer.name is None and meta.signer.title == "GIÁM ĐỐC"
    assert any("metadata.signer.name" in w.message for w in warnings)


def test_a_faint_symbol_word_apart_from_the_number_is_null():
    meta, _, _ = _scanned_meta_of(SCANNED_PLAN, {"/KH-SNV": 0.2})
    assert meta.number == "50" and meta.symbol is None and meta.code is None


def test_text_layer_values_are_never_judged_by_confidence():
    meta, _, warnings = _meta_of(SCANNED_PLAN)
    assert meta.number == "50" and not [w for w in warnings if w.code == "low-confidence"]


def test_a_faint_handwritten_number_on_a_real_scan_is_never_a_wrong_number(real_dir):
    """The Bộ Công an plan on ../shared/real: its number 589 is handwritten and OCR reads '5Ø'."""
    need(importlib.util.find_spec("pypdfium2") is not None, "PDF reader missing")
    doc = extract(real_dir / "lamdong-kh-589-hoi-nghi-scan.pdf")
    assert doc.metadata.number in (None, "589")
    assert doc.metadata.symbol == "KH-BCA-C04"
    if doc.metadata.number is None:
        assert any(w.code == "low-confidence" and "metadata.number" in w.message for w in doc.warnings)


def test_issuer_and_motto_run_together_on_a_narrow_header_line():
    """The VP UBND Hà Tĩnh programme printed to PDF (corpus/wild, tune): the header's columns are set so
    close that "UỶ BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" is one run of words; the line splits where
    the fixed motto begins, so the issuing block reads "Uỷ ban nhân dân tỉnh Hà Tĩnh / Văn phòng", and the
    date wrapped in its narrow column ("Hà Tĩnh, ngày 28 tháng 02" / "năm 2018") still reads."""
    from tests.test_wild import need_documents

    doc = extract(need_documents() / "province-vpubnd-hatinh-ctr-cong-tac-thang-03-2018.pdf")
    assert doc.metadata.issuer == "Văn phòng"
    assert doc.metadata.parent_issuer is not None and fold(doc.metadata.parent_issuer) == fold("Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert doc.metadata.issued_date == "2018-02-28"


# The closing of a scanned Lâm Đồng plan as Tesseract read it: "Nơi nhận:" came out as "vận:" (and, on a
# second scan, "nhận:"), the signer's column beside it. The list's own shape (dash items ending with the
# archive copy "- Lưu: VT, ...") confirms the damaged label.
OCR_DAMAGED_RECIPIENTS = """\
b) Các cơ quan, đơn vị, địa phương căn cứ nhiệm vụ được giao, đề xuất bố trí kinh phí thực hiện./.
{label}
- Bọ NỘI vụ;
- Thường trực Tỉnh ủy;
- Chủ tịch, PCT. UBND tỉnh (Đ/c Phúc);
- UBND các xã, phường, đặc khu;
- Lưu: VT, NC.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Ngọc Phúc
"""


@pytest.mark.parametrize("label", ["vận:", "nhận:"])
def test_ocr_damaged_recipients_label_confirmed_by_the_archive_item(label):
    _, recipients, _ = _ocr_meta_of(OCR_HEADER + OCR_DAMAGED_RECIPIENTS.format(label=label))
    assert recipients == ["Bọ NỘI vụ", "Thường trực Tỉnh ủy", "Chủ tịch, PCT. UBND tỉnh (Đ/c Phúc)", "UBND các xã, phường, đặc khu"]


def test_short_label_without_the_archive_item_opens_no_recipients_list():
    body = OCR_DAMAGED_RECIPIENTS.format(label="Nội dung:").replace("- Lưu: VT, NC.\n", "")
    _, recipients, _ = _ocr_meta_of(OCR_HEADER + body)
    assert recipients == []


def test_the_archive_item_ends_the_recipients_list():
    """The closing of a scanned Hà Tĩnh programme (tune split) as OCR ordered it: the signer's column
    between the list and its archive item, then notes on how copies go out ("+ VB giấy: ...") and the
    first line of an appendix ("- Phụ lục 2"). The archive copy is the list's last item (Nghị định
    30/2020, Phụ lục I): nothing after it is a recipient."""
    text = OCR_HEADER + """\
b) Các nội dung khác theo quy định./.
Nơi nhận:
- Bộ Kế hoạch và Đầu tư;
- Các sở, ban, ngành cấp tỉnh;
TM. ỦY BAN NHÂN DÂN
CHỦ TICH
- Lưu: VT, CN). ca
Quốc Khánh
+ VB giây: Sở KH và ĐT và các thành phân
không nhận điện tủ;
+ VB điện tử: Các thành phần còn lại.
- Phụ lục 2
"""
    _, recipients, _ = _ocr_meta_of(text)
    assert recipients == ["Bộ Kế hoạch và Đầu tư", "Các sở, ban, ngành cấp tỉnh"]


@pytest.mark.parametrize(("title", "kept"), [("CHỦ TỊCH", None), ("PHÓ CHỦ TỊCH", "PHÓ CHỦ TỊCH")])
def test_a_deputys_title_that_lost_a_word_is_not_read(title, kept):
    """Under "KT. CHỦ TỊCH" a deputy signs (Nghị định 30/2020): the signature block of a scanned Hà Tĩnh
    decision (tune split) read "KT. CHỦ TỊCH / CHỦ TỊCH", the seal over "PHÓ". The head's own post there
    is no title as written: null, with a warning."""
    body = OCR_DAMAGED_RECIPIENTS.format(label="Nơi nhận:").replace("PHÓ CHỦ TỊCH", title)
    body = body.replace("KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH")
    meta, _, warnings = _ocr_meta_of(OCR_HEADER + body)
    assert meta.signer.title == kept
    assert meta.signer.on_behalf is not None and meta.signer.on_behalf.endswith("KT. CHỦ TỊCH")
    assert ("signer-title-unread" in [w.code for w in warnings]) is (kept is None)


@pytest.mark.parametrize(
    ("line", "number", "symbol"),
    [
        ("Số: ..../KH-UBND", None, "KH-UBND"),  # a draft's dotted blank
        ("Số: …/KH-UBND", None, "KH-UBND"),
        ("Số: 15.3/KH-CT", "15.3", "KH-CT"),  # a dotted number
        ("Số: 05a/KH-UBND", "05a", "KH-UBND"),
        ("Số: 54/KH.UBND", "54", "KH.UBND"),  # a dot typed for the dash, kept as written
        ("Số 54-KH/HU", "54", "KH/HU"),  # the party form
    ],
)
def test_number_line_forms(line, number, symbol):
    meta, _, _ = _meta_of(
        f"ỦY BAN NHÂN DÂN\nHUYỆN NGHI XUÂN\n{line}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nNghi Xuân, ngày 05 tháng 3 năm 2020\nKẾ HOẠCH\nTuyển dụng viên chức năm 2020\n"
        "I. MỤC ĐÍCH\n"
    )
    assert (meta.number, meta.symbol) == (number, symbol)
    assert meta.issuer == "Ủy ban nhân dân huyện Nghi Xuân"


def _ocr_block(text: str, confidence: float = 0.95) -> Block:
    return Block(kind="paragraph", text=text, ocr=True, confidence=confidence)


def test_an_ocr_header_with_a_misread_motto_a_speck_and_a_garbled_number():
    """A scan's one-column header as OCR reads it: a letter of the motto misread ("HỘT" for "HỘI"), the
    star under the issuing block read as "k2", the number line garbled ("1B5"). The issuing block is
    still found above them; the number it cannot read is null, never the garbled text or part of a name."""
    blocks = [
        _ocr_block("ĐẢNG BỘ TỈNH HÀ TĨNH"),
        _ocr_block("HUYỆN ỦY CAN LỘC"),
        _ocr_block("k2", 0.54),
        _ocr_block("Số: 1B5/KH - Byt"),
        _ocr_block("CỘNG HÒA XÃ HỘT CHỦ NGHĨA VIỆT NAM"),
        _ocr_block("Độc Lập - Tự do - Hạnh phúc"),
        _ocr_block("Can Lộc, ngày 02 tháng 02 năm 2022"),
        _ocr_block("KẾ HOẠCH"),
        _ocr_block("Triển khai công tác cải cách hành chính năm 2022"),
        _ocr_block("I. MỤC ĐÍCH, YÊU CẦU"),
    ]
    meta, _, _ = extract_metadata(assemble(blocks), [])
    assert (meta.issuer, meta.parent_issuer) == ("Huyện ủy Can Lộc", "Đảng bộ tỉnh Hà Tĩnh")
    assert meta.number is None and meta.issued_date == "2022-02-02" and meta.province == "Hà Tĩnh"


def test_a_bare_number_label_anchors_the_header():
    """"Số:" with nothing readable after it (a draft's blank, a number OCR lost) still marks the header,
    so the issuing block above it is kept."""
    blocks = [
        _ocr_block("ỦY BAN NHÂN DÂN"),
        _ocr_block("HUYỆN HƯƠNG SƠN"),
        _ocr_block("Số:"),
        _ocr_block("CỘNG HÒA XÃ HỘT CHỦ NGHĨA VIỆT NAM"),
        _ocr_block("Độc Lập - Tự do - Hạnh phúc"),
        _ocr_block("Hương Sơn, ngày 05 tháng 3 năm 2019"),
        _ocr_block("KẾ HOẠCH"),
        _ocr_block("Triển khai công tác cải cách hành chính năm 2019"),
    ]
    meta, _, _ = extract_metadata(assemble(blocks), [])
    assert meta.issuer == "Ủy ban nhân dân huyện Hương Sơn" and meta.number is None
    assert meta.province == "Hà Tĩnh"


@pytest.mark.parametrize(
    ("line", "motto"),
    [
        ("CỘNG HÒA XÃ HỘT CHỦ NGHĨA VIỆT NAM", True),
        ("CỘNG HOÀ XÁ HỘI CHỦ NGHIA VIỆT NAM", True),
        ("Độc Lập - Tụ do - Hạnh phúc", True),
        ("ĐẢNG BỘ TỈNH HÀ TĨNH", False),
        ("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", False),
    ],
)
def test_the_motto_is_known_with_a_few_letters_misread(line, motto):
    from extractor.stages.frame import is_motto

    assert is_motto(line) is motto
