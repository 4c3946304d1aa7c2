"""Sections: heading tree, levels, titles, offsets; numbered items are not headings."""

from __future__ import annotations

import importlib.util
import json

import pytest
from rapidfuzz import fuzz

from extractor import extract
from extractor.base.blocks import Block, assemble
from extractor.base.normalize import fold
from extractor.readers.text import blocks_from_text
from extractor.stages.segment import find_sections, section_at
from tests.conftest import CORPUS, GOLD, REAL_GOLD, need


def _sections_of(text: str):
    layout = assemble(blocks_from_text(text))
    return layout, find_sections(layout)


def _assert_sections_match_gold(sections, gold: dict) -> None:
    expected = gold["sections"]
    assert len(sections) == len(expected)
    for got, want in zip(sections, expected, strict=True):
        assert got.number == want["number"]
        assert fuzz.ratio(fold(got.title), fold(want["title"])) >= 85, (got.title, want["title"])
        assert got.level == want["level"], (got.number, got.title)


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.gold.json")), ids=lambda p: p.name.split(".")[0])
def test_seed_sections_match_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    _assert_sections_match_gold(extract(CORPUS / gold["document"]).sections, gold)


@pytest.mark.parametrize("gold_path", sorted(REAL_GOLD.glob("*.gold.json")), ids=lambda p: p.name.split(".")[0])
def test_real_docx_sections_match_gold(gold_path, real_dir):
    need(importlib.util.find_spec("extractor.readers.docx") is not None, "DOCX reader not present")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    _assert_sections_match_gold(extract(real_dir / gold["document"]).sections, gold)


# An invented plan (not in the seeds): Phần above Roman numerals, dotted numbers, letters, a heading
# running on after a colon, numbered sentences that are items, and bullets.
PLAN = """\
KẾ HOẠCH
Chuyển đổi số năm 2024
Phần I
ĐÁNH GIÁ KẾT QUẢ NĂM 2023
I. KẾT QUẢ ĐẠT ĐƯỢC
1. Hạ tầng số
1.1. Mạng băng rộng: Toàn tỉnh có 98% thôn được phủ sóng 4G.
1.2. Trung tâm dữ liệu
a) Trung tâm dữ liệu tỉnh
- Đã vận hành ổn định.
b) Hệ thống dự phòng
2. Tồn tại, hạn chế
Phần II
NHIỆM VỤ NĂM 2024
I- MỤC TIÊU
1- Các sở, ngành triển khai đồng bộ các nền tảng số dùng chung, bảo đảm kết nối liên thông với hệ thống của Trung ương.
2- Ủy ban nhân dân cấp huyện chỉ đạo các xã hoàn thành việc số hóa hồ sơ, tài liệu lưu trữ trước tháng 12 năm 2024.
II- TỔ CHỨC THỰC HIỆN
1- Sở Thông tin và Truyền thông
- Chủ trì theo dõi, đôn đốc.
Nơi nhận:
- Bộ TT&TT;
- Lưu: VT.
CHỦ TỊCH
Đỗ Văn Chiến
"""


def test_invented_plan_heading_tree():
    layout, sections = _sections_of(PLAN)
    tree = [(s.number, s.title, s.level) for s in sections]
    assert tree == [
        ("I", "ĐÁNH GIÁ KẾT QUẢ NĂM 2023", 1),
        ("I", "KẾT QUẢ ĐẠT ĐƯỢC", 2),
        ("1", "Hạ tầng số", 3),
        ("1.1", "Mạng băng rộng", 4),
        ("1.2", "Trung tâm dữ liệu", 4),
        ("a", "Trung tâm dữ liệu tỉnh", 5),
        ("b", "Hệ thống dự phòng", 5),
        ("2", "Tồn tại, hạn chế", 3),
        ("II", "NHIỆM VỤ NĂM 2024", 1),
        ("I", "MỤC TIÊU", 2),
        ("II", "TỔ CHỨC THỰC HIỆN", 2),
        ("1", "Sở Thông tin và Truyền thông", 3),
    ]
    by_id = {s.id: s for s in sections}
    assert [s.id for s in sections] == [f"s{i}" for i in range(1, len(sections) + 1)]
    assert by_id["s4"].parent == "s3" and by_id["s3"].parent == "s2" and by_id["s1"].parent is None
    assert by_id["s10"].parent == "s9"


def test_offsets_run_to_the_next_heading_of_the_same_or_higher_level():
    layout, sections = _sections_of(PLAN)
    text = layout.text
    first_roman = sections[1]
    assert text[first_roman.start :].startswith("I. KẾT QUẢ ĐẠT ĐƯỢC")
    assert text[first_roman.end :].startswith("Phần II")
    last = sections[-1]
    assert text[last.start :].startswith("1- Sở Thông tin")
    assert text[last.end :].startswith("Nơi nhận:")  # the closing block is not a section
    inside = text.index("Đã vận hành ổn định")
    assert section_at(sections, inside) == sections[5].id
    assert section_at(sections, 0) is None  # the title block is not a section


def test_bold_formatting_tells_headings_from_items_and_recovers_long_titles():
    blocks = [
        Block(kind="paragraph", text="KẾ HOẠCH", bold=True, align="center"),
        Block(kind="paragraph", text="Phòng, chống thiên tai năm 2025", bold=True, align="center"),
        Block(kind="paragraph", text="MỤC ĐÍCH, YÊU CẦU", label="I.", bold=True),
        Block(kind="paragraph", text="Chủ động phòng ngừa, ứng phó kịp thời với thiên tai", label="1.", bold=True),
        Block(
            kind="paragraph",
            text="Các xã rà soát phương án sơ tán dân cư vùng trũng thấp trước mùa mưa bão.",
            label="a)",
        ),
        Block(kind="paragraph", text="Đối tượng:", label="b)", bold=True),
        Block(kind="paragraph", text="Hộ gia đình: Các hộ sống ven sông, suối và vùng có nguy cơ sạt lở.", label="c)"),
        Block(kind="row", cells=["1", "Diễn tập ứng phó", "Quý II"], table=0, row=0),
    ]
    sections = find_sections(assemble(blocks))
    assert [(s.number, s.title, s.level) for s in sections] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU", 1),
        ("1", "Chủ động phòng ngừa, ứng phó kịp thời với thiên tai", 2),
        ("b", "Đối tượng", 3),
        ("c", "Hộ gia đình", 3),
    ]


def test_numbered_sentences_alone_are_items_not_headings():
    text = (
        "KẾ HOẠCH\nBảo vệ môi trường năm 2023\nI. NỘI DUNG\n"
        "1. Tổ chức ra quân làm sạch môi trường tại các khu dân cư, trường học và chợ trên địa bàn.\n"
        "2. Căn cứ kế hoạch này: các phòng, ban xây dựng kế hoạch chi tiết và báo cáo kết quả.\n"
        "3. Tăng cường kiểm tra việc chấp hành pháp luật về bảo vệ môi trường đối với cơ sở sản xuất.\n"
        "II. TỔ CHỨC THỰC HIỆN\n"
    )
    _, sections = _sections_of(text)
    assert [(s.number, s.title) for s in sections] == [("I", "NỘI DUNG"), ("II", "TỔ CHỨC THỰC HIỆN")]


def test_no_headings_gives_no_sections():
    assert _sections_of("Thông báo lịch họp giao ban tháng 5.\nThời gian: 8 giờ.")[1] == []


# --- OCR'd text ------------------------------------------------------------------------------------------

OCR_BODY = """\
KẾ HOẠCH
Tập huấn nghiệp vụ năm 2024
L. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao năng lực cán bộ.
H. NỘI DUNG
1. Tập huấn cho cán bộ cấp xã về nghiệp vụ văn thư, lưu trữ và ứng dụng -
công nghệ thông tin trong quản lý văn bản được thực hiện trong quý II.
II. TỔ CHỨC THỰC HIỆN
Các phòng phối hợp thực hiện.
"""


def _ocr_sections(text: str, ocr: bool = True):
    blocks = blocks_from_text(text)
    for block in blocks:
        block.ocr = ocr
    return find_sections(assemble(blocks))


def test_ocr_roman_numerals_read_in_sequence():
    sections = _ocr_sections(OCR_BODY)
    assert [(s.number, s.level) for s in sections] == [("I", 1), ("1", 2), ("II", 1), ("III", 1)]
    assert sections[-1].title == "TỔ CHỨC THỰC HIỆN"


def test_typed_text_numbers_are_not_repaired():
    sections = _ocr_sections(OCR_BODY, ocr=False)
    assert [s.number for s in sections if s.level == 1] != ["I", "II", "III"]
    assert "II" in [s.number for s in sections]


def test_numbered_line_ending_in_a_dash_continues():
    # "1. Tập huấn ... ứng dụng -" wraps; the whole sentence is an item, not a heading.
    sections = _ocr_sections(OCR_BODY)
    assert not any(s.title.startswith("Tập huấn cho cán bộ") for s in sections)


# --- formatting and sibling consistency (invented office-file paragraphs) -------------------------------


def _para(text: str, label: str | None = None, bold: bool = False) -> Block:
    return Block(kind="paragraph", text=text, label=label, bold=bold)


def test_a_list_of_unit_labels_running_on_after_a_colon_is_a_list_of_headings():
    blocks = [
        _para("KẾ HOẠCH", bold=True),
        _para("Phòng chống dịch bệnh trên cây trồng năm 2025", bold=True),
        _para("ĐỀ NGHỊ PHỐI HỢP", label="I.", bold=True),
        _para("Trạm Kiểm dịch thực vật vùng 4: Phối hợp kiểm tra hàng hóa qua cửa khẩu.", label="1."),
        _para(
            "Hội Nông dân tỉnh, Hội Liên hiệp Phụ nữ tỉnh, Hội Cựu chiến binh tỉnh, Tỉnh đoàn, Liên minh"
            " Hợp tác xã tỉnh, Hội Làm vườn tỉnh và Hội Khoa học kỹ thuật lâm nghiệp tỉnh: Vận động hội viên"
            " tham gia phát hiện sớm dịch bệnh.",
            label="2.",
        ),
        _para("Viện Bảo vệ thực vật: Hỗ trợ chuyên môn khi được đề nghị.", label="3."),
        _para("TỔ CHỨC THỰC HIỆN", label="II.", bold=True),
        _para("Thời gian thực hiện: Từ khi ban hành đến hết năm 2025.", label="1."),
        _para(
            "Các phòng, ban căn cứ nhiệm vụ được giao xây dựng kế hoạch chi tiết và báo cáo kết quả"
            " định kỳ hằng quý.",
            label="2.",
        ),
    ]
    tree = [(s.number, s.title, s.level) for s in find_sections(assemble(blocks))]
    assert tree == [
        ("I", "ĐỀ NGHỊ PHỐI HỢP", 1),
        ("1", "Trạm Kiểm dịch thực vật vùng 4", 2),
        (
            "2",
            "Hội Nông dân tỉnh, Hội Liên hiệp Phụ nữ tỉnh, Hội Cựu chiến binh tỉnh, Tỉnh đoàn, Liên minh Hợp tác"
            " xã tỉnh, Hội Làm vườn tỉnh và Hội Khoa học kỹ thuật lâm nghiệp tỉnh",
            2,
        ),
        ("3", "Viện Bảo vệ thực vật", 2),
        # "1. Thời gian thực hiện: ..." sits beside a numbered sentence: an item, like its sibling.
        ("II", "TỔ CHỨC THỰC HIỆN", 1),
    ]


def test_plain_lead_in_sentences_are_items_where_headings_are_bold():
    blocks = [
        _para("KẾ HOẠCH", bold=True),
        _para("Kiểm tra công tác văn thư năm 2025", bold=True),
        _para("NỘI DUNG", label="I.", bold=True),
        _para("Hồ sơ lưu trữ", label="1.", bold=True),
        _para("Việc lập hồ sơ công việc theo danh mục.", label="a)"),
        _para("PHƯƠNG PHÁP", label="II.", bold=True),
        _para("Căn cứ điều kiện thực tế, đoàn chọn một trong các cách làm việc sau đây cho phù hợp:", label="1."),
        _para("Làm việc trực tiếp tại đơn vị;", label="a)"),
        _para("Xem xét hồ sơ, sổ sách và phần mềm quản lý văn bản của đơn vị được kiểm tra.", label="2."),
        _para("Trao đổi những vấn đề phát sinh.", label="3."),
        _para("Thông báo kết quả.", label="4."),
        _para("TỔ CHỨC THỰC HIỆN", label="III.", bold=True),
        _para("Các phòng chuyên môn căn cứ kế hoạch này chuẩn bị hồ sơ và báo cáo theo đề cương.", label="1."),
        # A short plain lead-in naming a unit, with a bracketed aside, is still a title.
        _para("Giao Văn phòng (bộ phận thường trực của Hội đồng kiểm tra của cơ quan):", label="2."),
        _para("Tổng hợp kết quả kiểm tra và báo cáo Thủ trưởng cơ quan trước ngày 15/12.", label="a)"),
    ]
    tree = [(s.number, s.title) for s in find_sections(assemble(blocks))]
    assert tree == [
        ("I", "NỘI DUNG"),
        ("1", "Hồ sơ lưu trữ"),
        ("II", "PHƯƠNG PHÁP"),
        ("III", "TỔ CHỨC THỰC HIỆN"),
        ("2", "Giao Văn phòng (bộ phận thường trực của Hội đồng kiểm tra của cơ quan)"),
    ]


def test_an_appendix_outline_restarts_its_roman_numbering_at_level_1():
    text = PLAN + (
        "Phụ lục I\nDANH SÁCH ĐƠN VỊ\n(Kèm theo Kế hoạch số 12/KH-UBND)\n"
        "Phụ lục II\nĐỀ CƯƠNG BÁO CÁO\n(Kèm theo Kế hoạch số 12/KH-UBND)\n"
        "I. KẾT QUẢ THỰC HIỆN\n"
        "1. Việc ban hành văn bản chỉ đạo, điều hành và tổ chức thực hiện kế hoạch của đơn vị trong năm;\n"
        "II. KIẾN NGHỊ, ĐỀ XUẤT\n"
    )
    layout, sections = _sections_of(text)
    appendix = [s for s in sections if s.start >= layout.text.index("Phụ lục II")]
    assert [(s.number, s.title, s.level, s.parent) for s in appendix] == [
        ("I", "KẾT QUẢ THỰC HIỆN", 1, None),
        ("II", "KIẾN NGHỊ, ĐỀ XUẤT", 1, None),
    ]
    assert [s.id for s in sections] == [f"s{i}" for i in range(1, len(sections) + 1)]
    body_last = sections[len(sections) - len(appendix) - 1]
    assert layout.text[body_last.end :].startswith("Nơi nhận:")  # the body still ends at the closing
    assert appendix[-1].end == len(layout.text)
    assert section_at(sections, layout.text.index("Việc ban hành văn bản")) == appendix[0].id


def test_ocr_roman_numeral_with_an_h_for_two_strokes_is_read_in_sequence():
    """"IH." for "II." (the 589 scan of ../shared/real as OCR reads it once its signing stamp is no ink on
    the page): a numeral of I-strokes and an "H" before a title in capitals is the heading expected next."""
    text = OCR_BODY.replace("H. NỘI DUNG", "IH. NỘI DUNG")
    sections = _ocr_sections(text)
    assert [(s.number, s.level) for s in sections] == [("I", 1), ("1", 2), ("II", 1), ("III", 1)]
    # In typed text "IH." is no numeral.
    assert "IH" not in [s.number for s in _ocr_sections(text, ocr=False)]


def test_a_bare_number_before_a_table_row_is_no_heading():
    """A scanned annex (Hà Tĩnh e-commerce plan, tune split): OCR read a page's foot as a bare "11.",
    and the next page opens with a row of the budget table. "I." alone takes its title from the next
    line only when that line is text; a table row is never a heading's title."""
    blocks = blocks_from_text("KẾ HOẠCH\nI. MỤC TIÊU\nNội dung của mục tiêu.\n11.\n")
    blocks.append(Block(kind="row", cells=["IV", "Phát triển sản MĐT", "3347", "150"], table=0, row=0))
    titles = [s.title for s in find_sections(assemble(blocks))]
    assert titles == ["MỤC TIÊU"]


# Lines as OCR read them from a scanned investment-promotion programme (corpus/wild, tune: UBND tỉnh Hà
# Tĩnh 2017): parts numbered by ordinals, one with its space lost, two behind the specks of the margin.
OCR_PARTS = [
    "CHƯƠNG TRÌNH",
    "Xúc tiến đầu tư năm 2017",
    "Phần thứ2 - -",
    "NỘI DUNG CHƯƠNG TRÌNH XÚC TIỀN ĐẦU TƯ NĂM 2017",
    "I. Quan điểm, định hướng, mục tiêu",
    "1. Quan điểm, định hướng",
    "Thu hút đầu tư theo hướng ưu tiên các dự án có sản phẩm cạnh tranh.",
    "- Phần thứ 3",
    "TÔ CHỨC THỰC HIỆN",
    "Văn phòng UBND tỉnh là cơ quan thường trực, theo dõi, đôn đốc các đơn vị thực hiện.",
    "_—— Phầnthứ4",
    "CÁC PHỤ LỤC KÈM THEO",
]


def test_parts_numbered_by_ordinals_in_a_scan():
    layout = assemble([Block(kind="paragraph", text=line, ocr=True) for line in OCR_PARTS])
    tree = [(s.number, s.title, s.level) for s in find_sections(layout)]
    assert tree == [
        ("Phần thứ2", "NỘI DUNG CHƯƠNG TRÌNH XÚC TIỀN ĐẦU TƯ NĂM 2017", 1),
        ("I", "Quan điểm, định hướng, mục tiêu", 2),
        ("1", "Quan điểm, định hướng", 3),
        ("Phần thứ 3", "TÔ CHỨC THỰC HIỆN", 1),
        ("Phầnthứ4", "CÁC PHỤ LỤC KÈM THEO", 1),
    ]
    # Typed text: the ordinal forms, and a bullet before "Phần" is kept as a bullet, not a part.
    typed = assemble([Block(kind="paragraph", text=t) for t in
                      ["PHẦN THỨ NHẤT", "ĐÁNH GIÁ KẾT QUẢ", "Phần thứ hai: NHIỆM VỤ NĂM 2024", "- Phần thứ 3"]])
    assert [(s.number, s.title) for s in find_sections(typed)] == [
        ("PHẦN THỨ NHẤT", "ĐÁNH GIÁ KẾT QUẢ"), ("Phần thứ hai", "NHIỆM VỤ NĂM 2024")]


# The Hà Tĩnh e-commerce plan 2016-2020 (scanned, tune split) as OCR reads it, shortened: the "B." title
# in capitals wraps onto a second line, "II." lost its dot, "5." came out as "5,", "III." as "HI.".
OCR_ECOMMERCE = """\
KẾ HOẠCH
Phát triển thương mại điện tử
B. KẾ HOẠCH PHÁT TRIỂN THƯƠNG MẠI ĐIỆN TỬ TỈNH HÀ TĨNH
GIAI ĐOẠN 2016 - 2020
I. MỤC TIÊU
1. Mục tiêu chung
Phát triển hạ tầng cơ bản và triển khai giải pháp thương mại điện tử.
II NỘI DUNG
1. Triển khai pháp luật, tuyên truyền nâng cao nhận thức về TMĐT
- Tuyên truyền, phổ biến chủ trương, chính sách.
4. Phát triển sản phẩm và giải pháp TMĐT
- Áp dụng cho các loại hình kinh doanh.
5, Nâng cao năng lực quản lý và tổ chức hoạt động phát triển thương mại điện tử
- Tổ chức các đoàn nghiên cứu thị trường.
HI. KINH PHÍ TRIỂN KHAI
Dự kiến tổng kinh phí từ ngân sách.
"""


def test_ocr_markers_that_lost_their_dot_are_read_in_sequence():
    sections = _ocr_sections(OCR_ECOMMERCE)
    assert [s.number for s in sections] == ["B", "I", "1", "II", "1", "4", "5", "III"]
    assert sections[0].title == "KẾ HOẠCH PHÁT TRIỂN THƯƠNG MẠI ĐIỆN TỬ TỈNH HÀ TĨNH GIAI ĐOẠN 2016 - 2020"
    assert sections[6].title.startswith("Nâng cao năng lực quản lý")


def test_ocr_markers_without_a_dot_out_of_sequence_are_no_headings():
    # A bare numeral or a comma after a number is a weak mark: out of sequence it is text.
    text = OCR_ECOMMERCE.replace("II NỘI DUNG", "V NỘI DUNG").replace("5, Nâng cao", "7, Nâng cao")
    numbers = [s.number for s in _ocr_sections(text)]
    assert "V" not in numbers and "7" not in numbers
    # In typed text neither is a marker.
    typed = [s.number for s in _ocr_sections(OCR_ECOMMERCE, ocr=False)]
    assert "5" not in typed and typed.count("II") == 0


# The Hà Tĩnh investment-promotion programme 2016 (scanned, tune split) as OCR reads it, shortened: parts
# A./B./C. above the Roman numerals; "III." read "IH.", "I." read "L.", "II." read "HH."; headings in
# sentence case, some ending in '.'.
OCR_PROMOTION = """\
CHƯƠNG TRÌNH
Xúc tiến đầu tư năm 2016
A. Đánh giá hoạt động xúc tiến đầu tư năm 2015
I. Những kết quả đạt được
Năm 2015 đã thu hút nhiều dự án.
II. Tồn tại hạn chế
- Kinh phí dành cho hoạt động xúc tiến đầu tư còn hạn hẹp.
IH. Nguyên nhân của những hạn chế
1. Nguyên nhân khách quan
- Luật Đầu tư có nhiều thay đổi.
B. Chương trình xúc tiến đầu tư năm 2016
L. Mục tiêu:
1. Mục tiêu chung.
Tăng cường thu hút các dự án quy mô lớn.
2. Mục tiêu cụ thể.
- Thu hút 66 nghìn tỷ đồng vốn đầu tư.
HH. Các hoạt động xúc tiến đầu tư năm 2016 và giải pháp thực hiện.
1. Nghiên cứu thị trường, xu hướng và đối tác đầu tư
- Tổ chức nghiên cứu thị trường.
C. Tổ chức thực hiện
Các sở, ngành triển khai thực hiện.
"""


def test_ocr_numerals_restart_under_lettered_parts():
    sections = _ocr_sections(OCR_PROMOTION)
    assert [(s.number, s.level) for s in sections] == [
        ("A", 1), ("I", 2), ("II", 2), ("III", 2), ("1", 3),
        ("B", 1), ("I", 2), ("1", 3), ("2", 3), ("II", 2), ("1", 3), ("C", 1),
    ]
    assert sections[9].title == "Các hoạt động xúc tiến đầu tư năm 2016 và giải pháp thực hiện"


def test_short_lines_ending_in_a_period_are_items_when_nothing_stands_under_them():
    text = "KẾ HOẠCH\nTập huấn\nI. NỘI DUNG\n1. Tổ chức hội nghị.\n2. Tập huấn cán bộ.\nII. KINH PHÍ\nNgân sách tỉnh.\n"
    assert [s.number for s in _ocr_sections(text, ocr=False)] == ["I", "II"]
    # Each with text of its own below it, they are headings.
    text = text.replace("hội nghị.\n", "hội nghị.\nHội nghị tổ chức tại tỉnh.\n").replace(
        "cán bộ.\n", "cán bộ.\nCán bộ cấp xã dự.\n")
    assert [s.number for s in _ocr_sections(text, ocr=False)] == ["I", "1", "2", "II"]


def test_letters_and_capitals_numbered_in_the_older_style():
    """Plans numbered "A-", "I-", "1-", "a-" (or "1/", "a/") keep all their levels: a lettered line is an
    item, never the wrapped end of the heading above it, so "1- Nội dung tuyên truyền" stays a heading."""
    _, sections = _sections_of(
        "KẾ HOẠCH\nTổ chức các hoạt động kỷ niệm năm 2019\n"
        "A- MỤC ĐÍCH, YÊU CẦU\nTuyên truyền sâu rộng ý nghĩa của ngày lễ.\nB- NỘI DUNG\n"
        "I- Công tác tuyên truyền\n1- Nội dung tuyên truyền\n"
        "a- Tuyên truyền về truyền thống cách mạng của quê hương.\n"
        "b/ Tuyên truyền về thành tựu phát triển kinh tế - xã hội.\n2/ Hình thức tuyên truyền\n"
        "- Treo băng rôn, khẩu hiệu tại trụ sở các cơ quan.\n"
        "x-quang và a-xít là từ, không phải số thứ tự của mục.\n"
    )
    assert [(s.number, s.title, s.level) for s in sections] == [
        ("A", "MỤC ĐÍCH, YÊU CẦU", 1),
        ("B", "NỘI DUNG", 1),
        ("I", "Công tác tuyên truyền", 2),
        ("1", "Nội dung tuyên truyền", 3),
        ("2", "Hình thức tuyên truyền", 3),
    ]
