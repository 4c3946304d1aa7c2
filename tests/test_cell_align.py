"""Unit entries of a padded timetable cell matched with the content bullets they stand beside."""

from __future__ import annotations

from extractor.pipeline import extract
from extractor.stages.cell_align import align_by_height, is_padded

# A day of a monthly timetable as Word lays it out: the first bullet (an anniversary) has no unit; the
# unit cell's empty paragraphs put each entry level with its bullet, which wraps over two or three lines.
CONTENT = [
    "- Hoạt động Kỷ niệm 88 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2018)",
    "Sáng: - Hội nghị Gặp mặt đại biểu trí thức, văn nghệ sỹ, nghệ nhân, nhà báo tiêu biểu",
    "- Đón Đoàn lãnh đạo tỉnh sang thăm, chúc Tết cổ truyền Mậu Tuất năm 2018",
    "- Họp Hội đồng khoa học đánh giá nguyên nhân bệnh đạo ôn vụ Xuân năm 2017",
]
UNITS = ["", "", "", "- Ban Tuyên giáo Tỉnh ủy", "", "- Sở Ngoại vụ", "", "- Sở NN và PTNT", ""]


def test_padding_is_empty_paragraphs_before_an_entry():
    assert is_padded(UNITS)
    assert not is_padded(["- Sở Y tế", "- Sở Nội vụ", ""])  # trailing empties align nothing
    assert not is_padded(["", ""])


def test_fewer_padded_entries_than_bullets_go_to_the_bullets_level_with_them():
    assert align_by_height(CONTENT, [0, 1, 2, 3], UNITS, [3, 5, 7], len(UNITS)) == [1, 2, 3]


def test_no_reading_without_padding_or_with_as_many_entries():
    dense = ["- Ban Tuyên giáo Tỉnh ủy", "- Sở Ngoại vụ", "- Sở NN và PTNT"]
    assert align_by_height(CONTENT, [0, 1, 2, 3], dense, [0, 1, 2], 9) is None
    four = ["- A", "", "- B", "", "- C", "", "- D"]
    assert align_by_height(CONTENT, [0, 1, 2, 3], four, [0, 2, 4, 6], 7) is None  # by order instead


def test_an_entry_far_from_every_free_bullet_gives_no_reading():
    content = [CONTENT[0] + " " + CONTENT[1], "- Họp Ban Chỉ đạo"]  # six lines, then one
    units = ["", "", "", "- Sở Y tế", "", "", ""]  # halfway down the first bullet: level with neither
    assert align_by_height(content, [0, 1], units, [3], 7) is None
    assert align_by_height(content, [0, 1], ["", "", "", "", "", "", "- Sở Y tế"], [6], 7) == [1]


def test_real_timetable_day_whose_first_bullet_has_no_unit():
    """The February 2018 programme of UBND tỉnh Hà Tĩnh (corpus/wild, tune), 2 February: six bullets, the
    first an anniversary with no unit; five unit entries and five leader entries padded level with the rest."""
    from tests.test_wild import need_documents

    doc = extract(need_documents() / "province-vpubnd-hatinh-ctr-cong-tac-thang-02-2018.docx")
    day = [t for t in doc.tasks if t.origin == "table" and t.period.deadlines == ["2018-02-02"]]
    leads = {t.text[:30]: t.lead for t in day}
    assert leads["Hoạt động Kỷ niệm 88 năm Ngày "] == []
    assert leads["Hội nghị Gặp mặt đại biểu trí "] == ["Ban TG Tỉnh ủy", "Đ/c Khánh - CT", "Đ/c Vinh - PCT"]
    assert leads["Họp HĐKH đánh giá nguyên nhân "] == ["Sở NN và PTNT", "Đ/c Sơn - PCT"]
    assert leads["Nghe báo cáo kết quả rà soát, "] == ["Sở TN và MT", "Đ/c Sơn - PCT"]
