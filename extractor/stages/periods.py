"""Time expressions of a task -> `Period`: quarters, months, deadlines, ranges and recurring times.

Rules (gold GUIDELINES, Tasks): an end limit ("trước ngày 15/11", "chậm nhất ngày ...", "đến hết ngày
...") gives a deadline and no month; a named month ("tháng 4", "trong tháng 01/2026"), a quarter ("Quý
I/2026") or a range ("từ ngày 01/01 đến 31/12/2022", "Từ tháng 11/2025 đến tháng 4/2026") gives the
months and quarters it covers (a range also its end as deadline); a scheduled day (a schedule table's
time cell, `scheduled=True`) gives its deadline and month; a day named in running text without a cue
("(11/6)", "ngày Chuyển đổi số Quốc gia 10/10") is a commemoration: its month only. Full dates in running
text without a cue (a cited document's date, a historic anniversary) are not the item's time.
Recurring times ("hằng tháng", "định kỳ 6 tháng") are kept in `recurring` and add nothing.
Dates are parsed by `extractor.vocab.dates`.
"""

from __future__ import annotations

import re

from extractor.vocab.dates import DateMatch, find_dates
from models import Period

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# A quarter's numeral as OCR misreads it: "HI" or "IH" for "III" (two strokes fused into an H), "II1" or
# "Il" (a stroke read as a digit one or an l). Typed text never writes these after "Quý", so they are read
# as the numeral they show; a bare digit stays the digit.
_OCR_QUARTER = r"[ilh1|]*[ih][ilh1|]*v?"
_ROMAN_QUARTER = rf"(?:iv|i{{1,3}}|{_OCR_QUARTER}|l)"  # (a lone "l" is OCR's "I")
_QUARTER_NUMERAL = rf"(?:{_ROMAN_QUARTER}|[1-4])"
# "Quý" as typed, or as OCR reads it off a scan: its tone mark misread or doubled ("Quy", "Quỷý"), the
# space before the numeral lost ("Quyl,2"). Only a numeral after it makes a quarter.
_QUARTER_RE = re.compile(
    rf"(?<![\w])(?<!hằng )(?<!hàng )(?<!mỗi )qu[ýíyỳỷỹỵ]{{1,2}}\s*({_QUARTER_NUMERAL})(?![\w])", re.I
)
# The next quarter of a list or range after one ("Quý I, II năm 2026", "quý III và IV", "Quý I - III",
# "quý II đến quý IV"). A bare digit continues the list only where nothing but a year or punctuation follows
# ("Quý I, 2 lớp tập huấn" lists no second quarter).
_QUARTER_NEXT_RE = re.compile(
    rf"\s*(,|và|&|-|–|đến|tới)\s*(?:qu[ýí]\s+)?({_ROMAN_QUARTER}(?![\w])|[1-4](?=\s*(?:$|[,;.)/&-]|năm|và)))",
    re.I,
)
_RANGE_WORDS = ("-", "–", "đến", "tới")


def quarter_number(numeral: str) -> int | None:
    """The quarter a numeral after "Quý" names ("II", "3", OCR's "HI"), or None."""
    key = numeral.lower()
    if key in _ROMAN:
        return _ROMAN[key]
    read = re.sub(r"[l1|]", "i", key.replace("h", "ii"))
    return _ROMAN.get(read) if read in ("i", "ii", "iii", "iv") else None
_MONTH_RE = re.compile(
    r"(?<![\w])th[áa]ng\s+(\d{1,2})(?:\s*(?:/|-|\.|năm)\s*(\d{4}))?(?![\w/])(?!\s*(?:chuyên|lần|đợt|bài|tin))",
    re.I,
)
_MONTH_RANGE_RE = re.compile(
    r"từ\s+tháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*(\d{4}))?\s*(?:đến|tới|-|–)\s*(?:hết\s+)?tháng\s+(\d{1,2})"
    r"(?:\s*(?:/|năm)\s*(\d{4}))?",
    re.I,
)
# Months listed after one "tháng" ("tháng 4 và 5/2024", "(tháng 7, 8/2023)", "Tháng 10, 11"): the list ends
# on its year, or on punctuation or the end of the text; "tháng 3, 5 huyện ..." lists no second month.
_MONTH_LIST_RE = re.compile(
    r"(?<![\w])th[áa]ng\s+(\d{1,2}(?:\s*(?:,|và|&)\s*\d{1,2})+)"
    r"(?:\s*(?:/|-|năm)\s*(\d{4})(?![\w/])|(?=\s*(?:$|[).;:,])))",
    re.I,
)
_NOT_A_MONTH_BEFORE = re.compile(r"(?:\d|mỗi|hằng|hàng|các|những|mấy|vài)\s*$", re.I)
_DEADLINE_CUE_RE = re.compile(
    r"(?:trước|chậm nhất(?:\s+là)?|hạn chót|hạn|đến hết|hết|đến|tới|kết thúc|định kỳ(?:\s+vào)?)\s*(?:ngày|trong)?"
    r"\s*(?:là\s+)?$",
    re.I,
)
_RANGE_START_RE = re.compile(r"từ\s*(?:ngày)?\s*$", re.I)
# "ngày 15 - 16/3/2024", "trong 02 ngày 15/11 - 20/11/2025": a range written without "từ", two days joined by a
# dash after "ngày" (with "đến" and no "từ" the first day may be a cited date: "ngày 3/4 đến nay").
_COMPACT_RANGE_START_RE = re.compile(r"ngày\s*$", re.I)
_COMPACT_RANGE_LINK_RE = re.compile(r"\s*[-–]\s*(?:ngày\s*)?")
_RECURRING_RE = re.compile(
    r"(?<![\w])(?:(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần|ngày)|định kỳ(?:\s+(?:hằng|hàng)\s+\w+|\s+\d+\s+tháng)?"
    r"|thường xuyên)(?![\w])",
    re.I,
)
_DAY_MONTH_WORDS_RE = re.compile(r"(?<![\w])ngày\s*(\d{1,2})\s+tháng\s+(\d{1,2})(?!\s*(?:năm|/)\s*\d)(?![\d])", re.I)
_BARE_DAY_MONTH_RE = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?![\w/])")
# What precedes the range of a report's data period: "kỳ 6 tháng (", "số liệu tính", "kỳ báo cáo:".
_DATA_PERIOD_RE = re.compile(
    r"(?:(?<!\w)kỳ(?:\s+báo\s+cáo)?|(?<!\w)(?:chốt\s+)?số\s+liệu)(?:\s+[\w/]+){0,3}?\s*[(:]?\s*(?:tính\s*)?$", re.I
)
_NEXT_YEAR_RE = re.compile(r"^\s*(?:năm\s+(?:liền\s+kề|sau|kế\s+tiếp))", re.I)
# "... số 34/2016/NĐ-CP ngày 14/5/2016": the date of a cited document, not a schedule.
_CITED_DATE_RE = re.compile(r"\d+\s*/\s*[\wĐđ/.-]*[A-ZĐ][\wĐđ/-]*\s+ngày\s*$")
_NGAY_GLUED_RE = re.compile(r"(ngày)(\d)", re.I)
# A time heading: "Quý I:", "* Quý II", "Tháng 3 năm 2012:", "I  Quý I" (table group row).
_TIME_HEADING_RE = re.compile(
    r"^\s*(?:[*+•\-–]\s*)?(?:(?P<q>qu[ýí]\s+(?:iv|i{1,3}|[1-4]))(?:\s*(?:/|năm)\s*\d{4})?"
    r"|(?P<m>th[áa]ng\s+\d{1,2})(?:\s*(?:/|năm)\s*\d{4})?)\s*(?P<sep>[:.\-–]|$)",
    re.I,
)


def quarter_of_month(month: int) -> int:
    return (month - 1) // 3 + 1


def _months_between(y1: int, m1: int, y2: int, m2: int) -> list[int]:
    months: list[int] = []
    year, month = y1, m1
    for _ in range(36):
        months.append(month)
        if (year, month) >= (y2, m2):
            break
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return months


class _Builder:
    def __init__(self) -> None:
        self.quarters: list[int] = []
        self.months: list[int] = []
        self.deadlines: list[str] = []
        self.start: str | None = None
        self.end: str | None = None
        self.recurring: str | None = None
        self.phrases: list[tuple[int, int]] = []

    def add_month(self, month: int) -> None:
        if 1 <= month <= 12:
            if month not in self.months:
                self.months.append(month)
            self.add_quarter(quarter_of_month(month))

    def add_quarter(self, quarter: int) -> None:
        if quarter not in self.quarters:
            self.quarters.append(quarter)

    def add_deadline(self, iso: str) -> None:
        if iso not in self.deadlines:
            self.deadlines.append(iso)

    def build(self, text: str) -> Period:
        """The period, its phrase taken from `text` at the recorded spans."""
        return self.period("; ".join(text[s:e] for s, e in sorted(set(self.phrases))) or None)

    def period(self, phrase: str | None) -> Period:
        return Period(
            quarters=self.quarters,
            months=self.months,
            deadlines=self.deadlines,
            start=self.start,
            end=self.end,
            recurring=self.recurring,
            text=phrase,
        )


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


_DIGIT_RE = re.compile(r"\d")


def period_of(text: str, plan_year: int | None, scheduled: bool = False) -> Period:
    """The period an item's own text gives (see the module docstring for the rules)."""
    if _DIGIT_RE.search(text) is None:
        # Every date, month and numbered quarter needs a digit: most items have none, and the
        # date patterns cost a pass each over the text.
        return _undated_period(text)
    b = _Builder()
    # "ngày15/11": give the date parser its space without moving offsets (same length is not
    # possible, so parse a spaced copy and map offsets back).
    spaced, offsets = _space_glued_days(text)
    used: list[tuple[int, int]] = []

    for m in _MONTH_RANGE_RE.finditer(text):
        y1 = int(m[2]) if m[2] else (int(m[4]) if m[4] else plan_year or 2000)
        y2 = int(m[4]) if m[4] else y1
        m1, m2 = int(m[1]), int(m[3])
        if m[4] is None and m2 < m1:
            y2 = y1 + 1
        for month in _months_between(y1, m1, y2, m2):
            b.add_month(month)
        b.start, b.end = f"{y1:04d}-{m1:02d}", f"{y2:04d}-{m2:02d}"
        used.append(m.span())
        b.phrases.append(m.span())

    for m in _MONTH_LIST_RE.finditer(text):
        months = [int(n) for n in re.findall(r"\d{1,2}", m[1])]
        after_word = _NOT_A_MONTH_BEFORE.search(text[max(0, m.start() - 8) : m.start()])
        if all(1 <= month <= 12 for month in months) and not after_word:
            for month in months:
                b.add_month(month)
            used.append(m.span())
            b.phrases.append(m.span())

    dates = [_shift(d, offsets) for d in find_dates(spaced, plan_year)]
    dates = [d for d in dates if not _overlaps(used, d.start, d.end)]
    cued: set[int] = set()
    for index, d in enumerate(dates):
        before = text[max(0, d.start - 24) : d.start]
        if d.precision == "month":
            if d.month:
                b.add_month(d.month)
            used.append((d.start, d.end))
            b.phrases.append((d.start, d.end))
            continue
        if d.precision != "day" or d.year is None:
            continue
        year = d.year
        if d.year_inferred and _NEXT_YEAR_RE.match(text[d.end : d.end + 30]):
            year += 1
        iso = f"{year:04d}-{d.month:02d}-{d.day:02d}"
        previous = dates[index - 1] if index else None
        linked = (
            previous is not None
            and (index - 1) in cued
            and re.fullmatch(r"\s*(?:,|và|;)\s*(?:ngày\s*)?", text[previous.end : d.start])
        )
        nxt = dates[index + 1] if index + 1 < len(dates) else None
        compact = (
            nxt is not None
            and _COMPACT_RANGE_START_RE.search(before) is not None
            and _COMPACT_RANGE_LINK_RE.fullmatch(text[d.end : nxt.start]) is not None
            and not _CITED_DATE_RE.search(before)
        )
        if nxt is not None and (_RANGE_START_RE.search(before) or compact):
            if re.fullmatch(r"\s*(?:đến|tới|-|–)\s*(?:hết\s+)?(?:ngày\s*)?", text[d.end : nxt.start]) and nxt.year:
                opening = d.start - len(before) + before.lower().rfind("ngày" if compact else "từ")
                if _DATA_PERIOD_RE.search(text[max(0, opening - 40) : opening]):
                    # "báo cáo kỳ 6 tháng (từ ngày 15/12 đến ngày 14/6, gửi trước ngày 20/6)": the range is
                    # the period the report's data cover, not when the task is done.
                    cued.update({index, index + 1})
                    used.append((d.start, nxt.end))
                    continue
                b.start = iso
                end_iso = f"{nxt.year:04d}-{nxt.month:02d}-{nxt.day:02d}" if nxt.day else None
                if end_iso:
                    b.end = end_iso
                    b.add_deadline(end_iso)
                for month in _months_between(year, d.month or 1, nxt.year, nxt.month or 12):
                    b.add_month(month)
                cued.update({index, index + 1})
                used.append((d.start, nxt.end))
                b.phrases.append((max(0, opening), nxt.end))
                continue
        if index in cued:
            continue
        if _DEADLINE_CUE_RE.search(before) or linked:
            b.add_deadline(iso)
            cued.add(index)
            used.append((d.start, d.end))
            cue = _DEADLINE_CUE_RE.search(before)
            b.phrases.append((d.start - (len(before) - cue.start()) if cue else d.start, d.end))
        elif scheduled and not _CITED_DATE_RE.search(before):
            b.add_deadline(iso)
            if d.month:
                b.add_month(d.month)
            used.append((d.start, d.end))
            b.phrases.append((d.start, d.end))

    # "ngày 23 tháng 1" (year left to the table header or the plan year).
    for m in _DAY_MONTH_WORDS_RE.finditer(text):
        if _overlaps(used, m.start(), m.end()) or plan_year is None:
            continue
        day, month = int(m[1]), int(m[2])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        before = text[max(0, m.start() - 24) : m.start()]
        if scheduled or _DEADLINE_CUE_RE.search(before):
            b.add_deadline(f"{plan_year:04d}-{month:02d}-{day:02d}")
        if scheduled or not _DEADLINE_CUE_RE.search(before):
            b.add_month(month)
        used.append(m.span())
        b.phrases.append(m.span())

    # Commemorations: "(11/6)", "ngày Chuyển đổi số Quốc gia 10/10" -> the month only.
    for m in _BARE_DAY_MONTH_RE.finditer(text):
        if _overlaps(used, m.start(), m.end()):
            continue
        day, month = int(m[1]), int(m[2])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        if plan_year is not None and _DEADLINE_CUE_RE.search(before[-24:]):
            # "trước 15/11 hằng năm báo cáo": an end limit written without "ngày" and its year.
            b.add_deadline(f"{plan_year:04d}-{month:02d}-{day:02d}")
            used.append(m.span())
            b.phrases.append(m.span())
            continue
        in_brackets = before.endswith("(") and text[m.end() : m.end() + 1] == ")"
        named_day = re.search(r"ngày\s+[A-ZĐÀ-Ỹ][^,;.()]*$", before) is not None
        if in_brackets or named_day:
            b.add_month(month)
            used.append(m.span())
            b.phrases.append(m.span())

    for m in _MONTH_RE.finditer(text):
        if _overlaps(used, m.start(), m.end()) or _NOT_A_MONTH_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
            continue
        b.add_month(int(m[1]))
        used.append(m.span())
        b.phrases.append(m.span())

    _add_quarters_and_recurring(b, text)
    return b.build(text)


def _undated_period(text: str) -> Period:
    b = _Builder()
    _add_quarters_and_recurring(b, text)
    return b.build(text)


def _add_quarters_and_recurring(b: _Builder, text: str) -> None:
    for m in _QUARTER_RE.finditer(text):
        quarter = quarter_number(m[1])
        if quarter is None:
            continue
        b.add_quarter(quarter)
        end = m.end()
        while (follow := _QUARTER_NEXT_RE.match(text, end)) is not None:
            following = quarter_number(follow[2])
            if following is None:
                break
            ranged = follow[1].lower() in _RANGE_WORDS and following > quarter
            for covered in range(quarter + 1, following + 1) if ranged else (following,):
                b.add_quarter(covered)
            quarter, end = following, follow.end()
        b.phrases.append((m.start(), end))
    recurring = _RECURRING_RE.search(text)
    if recurring:
        b.recurring = recurring.group().lower() if not recurring.group()[0].isupper() else recurring.group()
        b.phrases.append(recurring.span())


def _space_glued_days(text: str) -> tuple[str, list[int]]:
    """Copy of `text` with "ngày15" spaced, and for each copy position its original offset."""
    if not _NGAY_GLUED_RE.search(text):
        return text, []
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for m in _NGAY_GLUED_RE.finditer(text):
        for i in range(last, m.end(1)):
            out.append(text[i])
            offsets.append(i)
        out.append(" ")
        offsets.append(m.end(1))
        last = m.end(1)
    for i in range(last, len(text)):
        out.append(text[i])
        offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets


def _shift(d: DateMatch, offsets: list[int]) -> DateMatch:
    if not offsets:
        return d
    start, end = offsets[d.start], offsets[d.end - 1] + 1
    return DateMatch(start, end, d.text, d.year, d.month, d.day, d.precision, d.year_inferred)


def time_heading(text: str) -> tuple[Period, int] | None:
    """A leading time heading ("* Quý II:", "Tháng 3 năm 2012: ...") -> its period and the offset where
    the rest of the line begins; None when the line does not start with one."""
    m = _TIME_HEADING_RE.match(text)
    if m is None:
        return None
    if m["q"]:
        quarter = _ROMAN[m["q"].split()[-1].lower()]
        period = Period(quarters=[quarter], text=text[m.start("q") : m.end()].rstrip(" :.-–"))
    else:
        month = int(m["m"].split()[-1])
        if not 1 <= month <= 12:
            return None
        period = Period(
            months=[month], quarters=[quarter_of_month(month)], text=text[m.start("m") : m.end()].rstrip(" :.-–")
        )
    rest = m.end()
    while rest < len(text) and text[rest] == " ":
        rest += 1
    return period, rest


# A phase label ("Đợt 1", "Giai đoạn II", "Lần thứ hai") followed by its time and nothing more: the heading
# of a time-headed list, whose items take the phase's range ("Đợt 1: từ ngày 15/3 đến ngày 20/3/2022",
# "Đợt 2 (tháng 9/2022):").
_PHASE_RE = re.compile(r"^(?:đợt|giai\s+đoạn|lần|vòng)\s+(?:\d{1,2}|[ivx]{1,4}|thứ\s+\w+)(?!\w)\s*[:(–-]?\s*", re.I)


def phase_heading(text: str, plan_year: int | None) -> Period | None:
    """The period of a phase heading, else None (also when the line goes on past its time)."""
    m = _PHASE_RE.match(text.strip())
    if m is None:
        return None
    rest = text.strip()[m.end() :].rstrip(" :.)")
    if not rest or not is_time_only(rest):
        return None
    period = period_of(rest, plan_year)
    return period if has_time(period) else None


def merge_periods(*periods: Period | None) -> Period:
    """Union of periods (a heading's quarter plus the item's own deadline)."""
    out = _Builder()
    texts: list[str] = []
    for p in periods:
        if p is None:
            continue
        for q in p.quarters:
            out.add_quarter(q)
        for m in p.months:
            if m not in out.months:
                out.months.append(m)
        for d in p.deadlines:
            out.add_deadline(d)
        out.start = out.start or p.start
        out.end = p.end or out.end
        out.recurring = out.recurring or p.recurring
        if p.text and p.text not in texts:
            texts.append(p.text)
    return out.period("; ".join(texts) or None)


def has_time(period: Period) -> bool:
    return bool(period.quarters or period.months or period.deadlines)


# The words a time phrase is written with ("từ ngày 15/3 đến hết ngày 17/3/2024", "Trong quý II năm 2026",
# "Thời gian: tháng 4, 5", "7h30 ngày 15/3"): a text of nothing else names no work.
_TIME_WORDS_RE = re.compile(
    r"(?<!\w)(?:thời gian(?: thực hiện| hoàn thành)?|từ|đến|tới|hết|trước|sau|trong|vào|khoảng|ngày|tháng|năm|quý"
    r"|tuần|đợt|giờ|lúc|sáng|chiều|tối|và|hoặc|[ivx]+|\d+h\d*|\d+)(?!\w)",
    re.I,
)


def is_time_only(text: str) -> bool:
    """Whether `text` is a time phrase and nothing more: a lone time line is no task."""
    return not re.search(r"\w", _TIME_WORDS_RE.sub(" ", text))


__all__ = [
    "has_time",
    "is_time_only",
    "merge_periods",
    "period_of",
    "phase_heading",
    "quarter_of_month",
    "time_heading",
]
