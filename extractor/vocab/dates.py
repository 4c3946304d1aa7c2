"""Vietnamese dates in running text: find them, parse them to ISO (full or partial).

Forms (vn-conventions §4.1): "ngày 16 tháng 01 năm 2020", "21/01/2020", "21/1/2020", "01-02-2020",
"01.02.2020", "16/11 /2013" (stray spaces), blanks left for a hand-filled day ("ngày    tháng 3 năm 2021",
"ngày ... tháng ... năm 2021"), months ("tháng 3 năm 2021", "tháng 11/2025"), a day and month without
the year ("trước ngày 15/11"; the year comes from a range's second half or the caller's default) and
ranges with the year written once ("từ ngày 10/4 đến ngày 12/4/2025").

API: `find_dates(text, default_year=None) -> list[DateMatch]`, `parse_date(text, default_year=None) ->
str | None` (the ISO form of the first date in `text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Precision = Literal["day", "month", "year"]

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = rf"\s*[/.{re.escape(_DASH)}]\s*"
# A blank where the writer left room for a hand-filled value: spaces, dots or an ellipsis.
_BLANK = r"(?:[ \t.…_]*)"

_WORDS_RE = re.compile(
    r"(?:(?P<ngay>\bng[àa]y)\s*(?P<d>\d{1,2})?" + _BLANK + r"\s*,?\s*)?"
    r"\bth[áa]ng\s*(?P<m>\d{1,2})?" + _BLANK + r"\s*,?\s*"
    r"n[ăa]m\s*(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
# d/m/y, d-m-y, d.m.y with a 4-digit year.
_NUMERIC_RE = re.compile(
    r"(?:(?<=ngày)|(?<=Ngày)|(?<![\d./\w]))(?P<d>\d{1,2})(?P<s1>" + _SEP + r")(?P<m>\d{1,2})(?P<s2>" + _SEP + r")"
    r"(?P<y>\d{4})(?![\d/\w])"
)
# "tháng 11/2025", "tháng 3-2021"
_MONTH_YEAR_RE = re.compile(r"\bth[áa]ng\s+(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})(?![\d/\w])", re.IGNORECASE)
# d/m without a year: only after "ngày", right after another date in a list/range, or after "từ" opening a
# range to a date.
# "ngày15/11": a date glued to "ngày" by a missing space is still a date; other letters before digits are codes.
# Not before a year ("28/02-2020") nor a third number glued to it; a range's next date may follow
# ("28/02 - 02/3/2018").
_DAY_MONTH_RE = re.compile(
    r"(?:(?<=ngày)|(?<=Ngày)|(?<![\d./\w]))(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})"
    r"(?![\d\w]|[/.]\s*\d|\s*[/\-.]\s*\d{3}|\s*[/\-.]\s*\d{1,2}(?![\d\s]*[/.]))"
)
# A day written without its month, before the next day of its range or list that carries it: "ngày 04 - 06/02/2018",
# "trong 02 ngày 15-16/3/2024", "ngày 04, 05/02". Only after "ngày" or "từ", where a number is a day.
_BARE_DAY_RE = re.compile(
    r"(?:\bng[àa]y|\btừ)\s*(?P<d>\d{1,2})(?=\s*(?:-|–|,|và|đến|tới)\s*(?:ngày\s*)?\d{1,2}\s*[/.\-]\s*(?P<m>\d{1,2}))",
    re.IGNORECASE,
)
_NGAY_BEFORE_RE = re.compile(r"\bng[àa]y\s*$", re.IGNORECASE)
# "từ 01/3 đến 15/3/2024", "Từ 10/4 - 20/4/2025": a d/m after "từ" opening a range that ends on a date.
_FROM_BEFORE_RE = re.compile(r"(?<!\w)từ\s*$", re.IGNORECASE)
_RANGE_LINK_RE = re.compile(r"^\s*(?:đến|tới|-|–|—)\s*(?:hết\s+)?(?:ngày\s*)?$", re.IGNORECASE)
_LIST_LINK_RE = re.compile(r"^\s*(?:,|;|và|hoặc|đến|tới|-|–|—)\s*(?:hết\s+)?(?:ngày\s*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMatch:
    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    precision: Precision
    year_inferred: bool = False
    """True when the year was not written at the date (taken from a range or the default year)."""

    @property
    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if year is not None and not _MIN_YEAR <= year <= _MAX_YEAR:
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if month is None or not 1 <= day <= 31:
            return False
        try:
            date(year if year is not None else 2000, month, day)  # 2000 is a leap year: 29/2 passes
        except ValueError:
            return False
    return True


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def find_dates(text: str, default_year: int | None = None) -> list[DateMatch]:
    """Every date in `text`, in order. Days without a year take the year of the next date of their
    range or list ("từ 10/4 đến 12/4/2025"), else `default_year` (then `year_inferred` is True)."""
    found: list[DateMatch] = []
    spans: list[tuple[int, int]] = []

    for m in _WORDS_RE.finditer(text):
        year, month = int(m["y"]), _int(m["m"])
        day = _int(m["d"]) if month is not None else None
        if not _valid(year, month, day):
            continue
        precision: Precision = "day" if day is not None else "month" if month is not None else "year"
        start = m.start("ngay") if m["ngay"] else m.start()
        found.append(DateMatch(start, m.end(), text[start : m.end()], year, month, day, precision))
        spans.append((start, m.end()))

    for m in _NUMERIC_RE.finditer(text):
        if _overlaps(spans, m.start(), m.end()):
            continue
        # "21/01-2020" mixes separators: not a date (more likely a number and a code).
        if m["s1"].strip() != m["s2"].strip():
            continue
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if not _valid(year, month, day):
            continue
        found.append(DateMatch(m.start(), m.end(), m.group(), year, month, day, "day"))
        spans.append((m.start(), m.end()))

    for m in _MONTH_YEAR_RE.finditer(text):
        if _overlaps(spans, m.start(), m.end()):
            continue
        year, month = int(m["y"]), int(m["m"])
        if _valid(year, month, None):
            found.append(DateMatch(m.start(), m.end(), m.group(), year, month, None, "month"))
            spans.append((m.start(), m.end()))

    found.sort(key=lambda d: d.start)
    found = _add_yearless_days(text, found, spans, default_year)
    return found


def _add_yearless_days(
    text: str, found: list[DateMatch], spans: list[tuple[int, int]], default_year: int | None
) -> list[DateMatch]:
    candidates = [m for m in _DAY_MONTH_RE.finditer(text) if not _overlaps(spans, m.start(), m.end())]
    if not candidates and not _BARE_DAY_RE.search(text):
        return found
    dated = list(found)
    for m in _BARE_DAY_RE.finditer(text):
        day, month = int(m["d"]), int(m["m"])
        if _valid(None, month, day) and not _overlaps(spans, m.start("d"), m.end("d")):
            dated.append(DateMatch(m.start("d"), m.end("d"), m["d"], None, month, day, "day", year_inferred=True))
    dated.sort(key=lambda d: d.start)
    for m in candidates:
        day, month = int(m["d"]), int(m["m"])
        if not _valid(None, month, day):
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        previous = max((d for d in dated if d.end <= m.start()), key=lambda d: d.end, default=None)
        after_ngay = bool(_NGAY_BEFORE_RE.search(before))
        in_list = (
            previous is not None
            and previous.precision == "day"
            and bool(_LIST_LINK_RE.match(text[previous.end : m.start()]))
        )
        range_end = min((d for d in dated if d.start >= m.end()), key=lambda d: d.start, default=None)
        opens_range = (
            range_end is not None
            and range_end.precision == "day"
            and bool(_FROM_BEFORE_RE.search(before))
            and bool(_RANGE_LINK_RE.match(text[m.end() : range_end.start]))
        )
        if not (after_ngay or in_list or opens_range):
            continue
        dated.append(DateMatch(m.start(), m.end(), m.group(), None, month, day, "day", year_inferred=True))
        dated.sort(key=lambda d: d.start)

    # Fill the missing years right to left: a yearless day takes the year of the next date that it is
    # linked to by a range or list connector, else the default year.
    result: list[DateMatch] = []
    following: DateMatch | None = None
    for item in reversed(dated):
        if item.year is None:
            year = None
            if (
                following is not None
                and following.year is not None
                and _LIST_LINK_RE.match(text[item.end : following.start])
            ):
                year = following.year
            year = year if year is not None else default_year
            if year is not None and not _valid(year, item.month, item.day):
                year = None
            item = DateMatch(item.start, item.end, item.text, year, item.month, item.day, "day", True)
        result.append(item)
        following = item
    result.reverse()
    return result


_NGAY_NUMERIC_RE = re.compile(
    r"ng[àa]y\s*(?P<d>\d{1,2})(?P<s1>" + _SEP + r")(?P<m>\d{1,2})(?P<s2>" + _SEP + r")(?P<y>\d{4})(?![\d/\w])",
    re.IGNORECASE,
)


def day_at(text: str, pos: int) -> DateMatch | None:
    """The full date (day, month and year) that "ngày" at `pos` opens ("ngày 21/01/2020", "ngày 16 tháng
    01 năm 2020"), else None. Anchored, so a caller reading what follows a citation does not rescan."""
    m = _WORDS_RE.match(text, pos)
    if m and m["ngay"] and m["d"] and m["m"]:
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if _valid(year, month, day):
            return DateMatch(pos, m.end(), m.group(), year, month, day, "day")
        return None
    m = _NGAY_NUMERIC_RE.match(text, pos)
    if m and m["s1"].strip() == m["s2"].strip():
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if _valid(year, month, day):
            start = m.start("d")
            return DateMatch(start, m.end(), text[start : m.end()], year, month, day, "day")
    return None


def parse_date(text: str, default_year: int | None = None) -> str | None:
    """ISO form of the first date in `text` ("2020-01-21", partial "2021-03" / "2021"), else None."""
    for match in find_dates(text, default_year):
        if match.iso is not None:
            return match.iso
    return None


__all__ = ["DateMatch", "day_at", "find_dates", "parse_date"]
