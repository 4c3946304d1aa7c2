"""Time expressions -> Period (gold GUIDELINES, Tasks: deadlines, months, quarters)."""

from __future__ import annotations

import pytest

from extractor.stages.periods import merge_periods, period_of, time_heading


@pytest.mark.parametrize(
    ("text", "year", "scheduled", "quarters", "months", "deadlines"),
    [
        # An end limit gives a deadline and no month; a glued "ngày15/11" still reads.
        ("Bình xét các danh hiệu thi đua năm 2012 (trước ngày15/11).", 2012, False, [], [], ["2012-11-15"]),
        ("báo cáo về Hội đồng trước ngày 15/6 và 15/12 hàng năm.", 2020, False, [], [], ["2020-06-15", "2020-12-15"]),
        ("Thời gian hoàn thành ban hành kế hoạch chậm nhất là ngày 30/01/2026.", 2026, False, [], [], ["2026-01-30"]),
        # An end limit written without "ngày", and a yearly date of a periodic report ("định kỳ 15/12 hằng năm").
        ("định kỳ trước 15/11 hằng năm báo cáo tình hình thực hiện", 2018, False, [], [], ["2018-11-15"]),
        ("định kỳ 15/12 hằng năm báo cáo UBND tỉnh tình hình thực hiện", 2018, False, [], [], ["2018-12-15"]),
        # A range covers its months and quarters and ends on a deadline.
        (
            "được thực hiện từ ngày 01/01/2022 đến 31/12/2022",
            2022,
            False,
            [1, 2, 3, 4],
            list(range(1, 13)),
            ["2022-12-31"],
        ),
        ("Từ tháng 11/2025 đến tháng 4/2026", 2025, False, [4, 1, 2], [11, 12, 1, 2, 3, 4], []),
        # Named months and quarters.
        ("lựa chọn sáng kiến đề nghị Hội đồng sáng kiến cấp tỉnh xét duyệt (tháng 4).", 2012, False, [2], [4], []),
        ("gửi về Liên hiệp Hội tỉnh trong Quý I năm 2020./.", 2020, False, [1], [], []),
        ("Quý I/2027, các cơ quan, đơn vị, địa phương đánh giá kết quả", 2026, False, [1], [], []),
        ("Ban hành trong tháng 01/2026, kiểm tra chậm nhất trong tháng 6/2026", 2026, True, [1, 2], [1, 6], []),
        # A scheduled day (schedule table) gives its deadline and month; the year from the plan.
        ("Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1", 2026, True, [1], [1], ["2026-01-23"]),
        ("Trước ngày 31/01 năm liền kề", 2026, True, [], [], ["2027-01-31"]),
        # A commemorated day adds its month only.
        ("Kỷ niệm ngày Chủ tịch Hồ Chí Minh ra lời kêu gọi thi đua ái quốc (11/6).", 2012, False, [2], [6], []),
        ("tuyên truyền về chuyển đổi số nhân ngày Chuyển đổi số Quốc gia 10/10.", 2026, False, [4], [10], []),
        # Not the item's time: a cited document's date, a historic range, a reporting period, recurring.
        ("Thực hiện Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh", 2026, False, [], [], []),
        ("Theo các mốc thời gian tại Quyết định số 1737/QĐ-UBND ngày 17/10/2025", 2026, True, [], [], []),
        ("kỷ niệm 80 năm ngày Bác Hồ về nước (28/01/1941 – 28/01/2021)", 2021, False, [], [], []),
        ("Báo cáo công tác thi đua 6 tháng đầu năm 2021", 2021, False, [], [], []),
        ("Định kỳ phát sóng mỗi tháng 02 chuyên mục", 2026, False, [], [], []),
    ],
)
def test_period_of(text, year, scheduled, quarters, months, deadlines):
    period = period_of(text, year, scheduled=scheduled)
    assert sorted(period.quarters) == sorted(quarters)
    assert sorted(period.months) == sorted(months)
    assert period.deadlines == deadlines


def test_period_without_digits_keeps_quarters_and_recurrence():
    # Text without a digit takes the fast path: a quarter in Roman numerals and a recurrence still count.
    period = period_of("Trong Quý IV, các phòng định kỳ hằng quý rà soát danh mục", 2026)
    assert period.quarters == [4] and period.months == [] and period.deadlines == []
    assert period.recurring == "định kỳ hằng quý"
    assert period_of("Tổ chức tập huấn cho cán bộ làm công tác văn thư", 2026).text is None


def test_period_keeps_the_phrase_and_recurrence():
    period = period_of("tổ chức đối thoại định kỳ hằng tháng với người dân trước ngày 20/6", 2026)
    assert period.recurring == "định kỳ hằng tháng"
    assert "trước ngày 20/6" in (period.text or "")
    ranged = period_of("từ ngày 10/4 đến ngày 12/4/2025", 2025)
    assert (ranged.start, ranged.end) == ("2025-04-10", "2025-04-12")


@pytest.mark.parametrize(
    ("line", "quarters", "months", "rest"),
    [
        ("* Quý II:", [2], [], ""),
        ("* Quý IV: Thi đua phấn đấu hoàn thành xuất sắc các nhiệm vụ:", [4], [], "Thi đua phấn đấu"),
        ("- Tháng 3 năm 2012: Xét khen thưởng thành tích cao Đợt 1", [1], [3], "Xét khen thưởng"),
        ("Quý I", [1], [], ""),
    ],
)
def test_time_heading(line, quarters, months, rest):
    found = time_heading(line)
    assert found is not None
    period, at = found
    assert period.quarters == quarters and period.months == months
    assert line[at:].startswith(rest)


def test_not_a_time_heading():
    assert time_heading("Quyết định khen thưởng tháng trước") is None
    assert time_heading("- Tổ chức tập huấn nghiệp vụ") is None


def test_merge_periods_unions():
    merged = merge_periods(time_heading("Quý II:")[0], period_of("(Hồ sơ trình trước ngày 20/6)", 2012))
    assert merged.quarters == [2] and merged.deadlines == ["2012-06-20"] and merged.months == []


def test_a_reports_data_period_is_not_its_time():
    text = "Báo cáo kết quả kỳ 6 tháng (từ ngày 15/12/2024 đến ngày 14/6/2025, gửi trước ngày 20/6/2025)."
    period = period_of(text, 2025)
    assert period.deadlines == ["2025-06-20"] and period.months == [] and period.quarters == []
    data = period_of("Báo cáo năm (số liệu tính từ ngày 15/12/2024 đến ngày 14/12/2025) gửi trước 20/12/2025", 2025)
    assert data.months == [] and "2025-12-14" not in data.deadlines
    # A range of the work itself still counts.
    work = period_of("Tổ chức kiểm tra từ ngày 01/3/2025 đến ngày 30/4/2025.", 2025)
    assert work.months == [3, 4] and work.deadlines == ["2025-04-30"]


@pytest.mark.parametrize(
    ("text", "months", "deadlines"),
    [
        ("Tổ chức từ ngày 04 - 06/02/2018 tại tỉnh", [2], ["2018-02-06"]),
        ("Tập huấn trong 02 ngày 15-16/3/2024", [3], ["2024-03-16"]),
        ("Hội chợ ngày 28/12/2017 - 05/01/2018", [12, 1], ["2018-01-05"]),
        # A cited document's date followed by a dash is no range.
        ("theo Kế hoạch số 12/KH-UBND ngày 15/11/2025 - tổ chức hội nghị", [], []),
    ],
)
def test_compact_day_ranges_give_their_months_and_end(text: str, months: list[int], deadlines: list[str]):
    period = period_of(text, 2018)
    assert period.months == months and period.deadlines == deadlines


@pytest.mark.parametrize(
    ("text", "quarters"),
    [
        # OCR's readings of a quarter's numeral (the printed-and-scanned KH 122 annex): fused or misread strokes.
        ("Quý HI/2019", [3]),
        ("Quý II1/2018", [3]),
        ("quý Il/2020", [2]),
        # Typed numerals and digits as before; what no numeral shows gives none.
        ("Quý IV/2018", [4]),
        ("Quý 1/2018", [1]),
        ("Quý 11/2020", []),
        ("Quý hiệu", []),
    ],
)
def test_quarter_numerals_as_ocr_reads_them(text: str, quarters: list[int]) -> None:
    assert period_of(text, 2018).quarters == quarters


@pytest.mark.parametrize(
    ("text", "quarters"),
    [
        # Lists and ranges of quarters (issue 15: "Quý I, II năm 2026" -> [1, 2]).
        ("Quý I, II năm 2026", [1, 2]),
        ("quý III và IV/2025", [3, 4]),
        ("Quý I - III năm 2024", [1, 2, 3]),
        ("từ quý II đến quý IV", [2, 3, 4]),
        # The time cells of the scanned 2016 investment programme (tune) as OCR read "Quý I,2".
        ("Quyl,2", [1, 2]),
        ("Quỷýl,2 ,", [1, 2]),
        ("Quý 1,2", [1, 2]),
        # A digit after a quarter that counts something else continues no list; words are no quarter.
        ("Quý I, 2 lớp tập huấn", [1]),
        ("quy hoạch, Quỳnh Lưu", []),
    ],
)
def test_quarter_lists_and_ranges(text: str, quarters: list[int]) -> None:
    assert period_of(text, 2024).quarters == quarters


@pytest.mark.parametrize(
    ("text", "months"),
    [
        # Lists of months after one "tháng" (issue 15: "tháng 4 và 5/2024" -> [4, 5]).
        ("tháng 4 và 5/2024", [4, 5]),
        ("Tổ chức hội thi (tháng 7, 8/2023)", [7, 8]),
        ("Tháng 10, 11", [10, 11]),
        # A number after the month that counts something else is no month.
        ("Trong tháng 3, 5 huyện tổ chức", [3]),
    ],
)
def test_month_lists(text: str, months: list[int]) -> None:
    assert period_of(text, 2024).months == months


@pytest.mark.parametrize(
    ("heading", "quarters", "months", "deadlines"),
    [
        ("Đợt 1: từ ngày 15/3 đến ngày 20/3/2022", [1], [3], ["2022-03-20"]),
        ("Đợt 2 (tháng 9/2022):", [3], [9], []),
        ("Lần thứ hai: tháng 10/2022", [4], [10], []),
    ],
)
def test_a_phase_heading_gives_its_time(heading, quarters, months, deadlines):
    from extractor.stages.periods import phase_heading

    period = phase_heading(heading, 2022)
    assert period is not None
    assert (period.quarters, period.months, period.deadlines) == (quarters, months, deadlines)


@pytest.mark.parametrize(
    "line",
    ["Đợt 1: kiểm tra các xã trước ngày 20/3", "Đợt 1", "Giai đoạn 1 (2021 - 2023)", "Đối tượng: tháng 3"],
)
def test_no_phase_heading_where_the_line_goes_on_or_names_no_month(line):
    from extractor.stages.periods import phase_heading

    assert phase_heading(line, 2022) is None
