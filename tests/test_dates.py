"""Vietnamese date parsing: full, short, hyphen, blank-left and yearless forms."""

from __future__ import annotations

import pytest

from extractor.vocab.dates import find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Chỉ thị số 01/CT-UBND ngày 21/01/2020 của UBND tỉnh", "2020-01-21"),
        ("ban hành ngày 21/1/2020", "2020-01-21"),
        ("Nghị quyết số 04-NQ/TW ngày 01-02-2020", "2020-02-01"),
        ("ngày 05–3–2020", "2020-03-05"),
        ("Hà Nội, ngày 16 tháng 01 năm 2020", "2020-01-16"),
        ("Luật Thi đua, Khen thưởng ngày 16/11 /2013", "2013-11-16"),
        ("Cao Bằng, ngày      tháng 3 năm 2021", "2021-03"),
        ("Lâm Đồng, ngày ... tháng ... năm 2026", "2026"),
        ("Ngày 29 tháng 6 năm 2019", "2019-06-29"),
        ("ngày 01.02.2020", "2020-02-01"),
        ("hoàn thành trong tháng 11/2025", "2025-11"),
    ],
)
def test_parse_date_forms(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định số 04/2018/QĐ-UBND",  # number/year of a code, not a month
        "Nghị quyết số 66.25/2026/NQ-CP",
        "ngày 30/2/2020",  # no such day
        "giai đoạn 2021 - 2025",
        "Chỉ thị 34-CT/TW",
        "năm 2021",  # a year alone is not a date
    ],
)
def test_not_dates(text):
    assert parse_date(text) is None


def test_match_offsets_and_text():
    text = "Căn cứ Kế hoạch số 12/KH-UBND ngày 16 tháng 01 năm 2020 của UBND tỉnh"
    (match,) = find_dates(text)
    assert text[match.start : match.end] == match.text == "ngày 16 tháng 01 năm 2020"
    assert (match.year, match.month, match.day, match.precision) == (2020, 1, 16, "day")


def test_range_with_year_written_once():
    matches = find_dates("từ ngày 10/4 đến ngày 12/4/2025")
    assert [m.iso for m in matches] == ["2025-04-10", "2025-04-12"]
    assert matches[0].year_inferred and not matches[1].year_inferred


@pytest.mark.parametrize(
    ("text", "isos"),
    [
        # A phase written without "ngày" (issue 15: "Đợt 1 (từ … đến …)"): "từ" opens a range to a date.
        ("Đợt 1 (từ 01/3 đến 15/3/2024)", ["2024-03-01", "2024-03-15"]),
        ("Từ 10/4 - 20/4/2025", ["2025-04-10", "2025-04-20"]),
        # "từ" before a fraction that no date follows opens no range.
        ("tăng từ 3/4 lên 4/5 số xã", []),
    ],
)
def test_range_from_a_day_without_ngay(text: str, isos: list[str]) -> None:
    assert [m.iso for m in find_dates(text)] == isos


def test_yearless_days_take_default_year():
    matches = find_dates("gửi báo cáo trước ngày 15/6 và 15/12 hàng năm", default_year=2026)
    assert [m.iso for m in matches] == ["2026-06-15", "2026-12-15"]


def test_yearless_day_without_default_has_no_iso():
    (match,) = find_dates("trước ngày 15/11")
    assert (match.day, match.month, match.iso) == (15, 11, None)


def test_bare_fraction_is_not_a_day():
    # "1/2" without "ngày" is a fraction or a count, not a date.
    assert find_dates("giảm 1/2 số thủ tục") == []


def test_month_range():
    matches = find_dates("Từ tháng 11/2025 đến tháng 4/2026")
    assert [(m.iso, m.precision) for m in matches] == [("2025-11", "month"), ("2026-04", "month")]


def test_date_glued_to_ngay_by_a_missing_space():
    assert parse_date("trước ngày15/11", default_year=2021) == "2021-11-15"
    assert parse_date("ban hành ngày15/11/2020") == "2020-11-15"
    assert find_dates("Kế hoạch KH15/11") == []


def test_day_at_reads_only_the_date_that_ngay_opens():
    from extractor.vocab.dates import day_at

    text = "số 12/KH-UBND ngày 16 tháng 01 năm 2020 và ngày 3/4/2021"
    assert day_at(text, text.index("ngày")).iso == "2020-01-16"
    assert day_at(text, text.rindex("ngày")).iso == "2021-04-03"
    assert day_at("ngày 31/02/2021", 0) is None  # no such day
    assert day_at("ngày 15/11 hằng năm", 0) is None  # no year: not a document's date
    assert day_at("trước ngày 15/11/2021", 0) is None  # anchored at the position given


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # A range's first day written without its month, or without its year, takes them from the next day.
        ("Tổ chức từ ngày 04 - 06/02/2018 tại tỉnh", [(2018, 2, 4), (2018, 2, 6)]),
        ("trong 02 ngày 15-16/3/2024", [(2024, 3, 15), (2024, 3, 16)]),
        ("ngày 04, 05/02/2018", [(2018, 2, 4), (2018, 2, 5)]),
        ("từ ngày 28/02 - 02/3/2018", [(2018, 2, 28), (2018, 3, 2)]),
        # A dash before a year is no range: "28/02-2020" is a number and a code.
        ("28/02-2020", []),
    ],
)
def test_day_ranges_and_lists_share_the_month_and_year_written_once(text: str, days: list[tuple[int, int, int]]):
    assert [(d.year, d.month, d.day) for d in find_dates(text, 2018)] == days
