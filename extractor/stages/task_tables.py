"""Tasks from task tables: columns mapped by their header's meaning, group rows giving their quarter,
wrapped rows joined, a table continued over a page break read as one table.

A content cell that holds several bullets (a timetable's day: "Sáng: - Họp ... - Làm việc ...") gives
one task per bullet (guidelines, "Table cells holding several bullets"), each with the row's time and
the unit cells' bullets aligned with it: by order when the unit cell lists as many bullets, the whole
cell when it names one, by height when a unit cell padded with empty paragraphs lists fewer entries
(stages.cell_align), none otherwise (the alignment cannot be read). A day column
holding a bare day number is a day of the month the plan is for ("Chương trình công tác tháng 02").
A timetable whose time cells are hours ("7h30 - 8h00") takes its day from the day heading above it or
from a day row inside it ("Ngày 20/3/2024 (thứ Tư)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from extractor.base.blocks import Block, Layout
from extractor.base.normalize import fold, has_word
from extractor.base.resources import read_csv
from extractor.stages.cell_align import align_by_height, is_padded
from extractor.stages.periods import has_time, merge_periods, period_of, time_heading
from extractor.vocab.frame_lines import letter_key
from extractor.vocab.syllables import is_syllable
from extractor.vocab.unit_names import split_units
from models import Period

_COLUMN_PRIORITY = ("number", "coordinating", "monitor", "time", "product", "note", "content", "lead")
_GROUP_NUMBER_RE = re.compile(r"^(?:[IVXLC]+|[A-ZĐ])[.)]?$")
_ITEM_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*[.)]?$")
_BARE_DAY_RE = re.compile(r"\s*(\d{1,2})\s*")
# What only precedes an entry of a schedule cell: the part of the day and a clock time ("Sáng:",
# "Chiều: 14h00", "7h30’"); a weekday alone on its line ("Thứ Bảy", "Chủ nhật") labels the day.
_DAY_PART_RE = re.compile(
    r"(?:(?:buổi\s+)?(?:sáng|chiều|trưa|tối)\b\s*:?\s*)?(?:\d{1,2}\s*(?:h|giờ)\s*\d{0,2}\s*['’‘]?\s*:?\s*)?",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*:?", re.IGNORECASE)
# Hour-by-hour schedules: a clock time or span ("7h30", "8 giờ 15", "8h00 - 9h30"), a day written out
# ("ngày 15/3/2024", "ngày 15 tháng 3"), a day heading ("Ngày 15/3/2024 (thứ Sáu):") and an entry that
# opens with its time ("7h30 ngày 15/3/2024: Đón đoàn ...", "- 8h00 - 9h30: Khai mạc").
_PART_OF_DAY = r"(?:(?:buổi\s+)?(?:sáng|chiều|trưa|tối)\s*,?\s*)"
_CLOCK = r"\d{1,2}\s*(?:h|giờ)\s*(?:\d{1,2}\s*(?:phút|['’‘])?)?"
_DAY = (
    r"(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*,?\s*)?ngày\s*"
    r"\d{1,2}\s*(?:/\s*\d{1,2}(?:\s*/\s*\d{4})?|tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
    r"(?:\s*\([^()]{0,30}\))?"
)
_DAY_HEADING_RE = re.compile(rf"^\s*(?:[-+•*–]\s*)?{_PART_OF_DAY}?{_DAY}\s*:?\s*$", re.IGNORECASE)
_SCHEDULE_ENTRY_RE = re.compile(
    rf"^{_PART_OF_DAY}?:?\s*(?:từ\s+)?(?P<clock>{_CLOCK})(?:\s*(?:-|–|đến)\s*{_CLOCK})?"
    rf"(?:\s*,?\s*{_PART_OF_DAY}?(?P<day>{_DAY}))?(?:\s*(?::|-|–)\s*(?=\S)|\s+(?=[A-ZĐÀ-Ỹ]))",
    re.IGNORECASE,
)
_CLOCK_CELL_RE = re.compile(rf"^\s*(?:từ\s+)?{_CLOCK}(?:\s*(?:-|–|đến)\s*{_CLOCK})?\s*$", re.IGNORECASE)
_TIME_ONLY_RE = re.compile(
    rf"^\s*(?:[-+•*–]\s*)?(?:{_PART_OF_DAY}|{_PART_OF_DAY}?(?:từ\s+)?{_CLOCK}(?:\s*(?:-|–|đến)\s*{_CLOCK})?)\s*:?\s*$",
    re.IGNORECASE,
)


def schedule_label(text: str) -> bool:
    """`text` is only a part of the day or a clock time ("Buổi sáng:", "16h00"): a label of the entries
    of a schedule, never a task of its own."""
    return bool(text.strip()) and _TIME_ONLY_RE.match(text) is not None


def day_heading(text: str, plan_year: int | None) -> Period | None:
    """The day a day heading of a schedule names ("Ngày 15/3/2024 (thứ Sáu):"), as a deadline with its
    month and quarter; None when `text` is not only a day."""
    if not _DAY_HEADING_RE.match(text):
        return None
    period = period_of(text, plan_year, scheduled=True)
    return period if period.deadlines else None


def schedule_entry(text: str, plan_year: int | None) -> tuple[int, Period | None] | None:
    """A schedule entry that opens with its clock time ("7h30 ngày 15/3/2024: Đón đoàn ..."): where its
    text begins after the time, and the day the entry names itself (None: the day is the heading's)."""
    m = _SCHEDULE_ENTRY_RE.match(text)
    if m is None:
        return None
    day = period_of(m["day"], plan_year, scheduled=True) if m["day"] else None
    return m.end(), day if day is not None and day.deadlines else None
_CELL_BULLET_RE = re.compile(r"[-+•*–—]\s*")


@dataclass
class CellItem:
    """One entry of a cell that lists several: its text and where it lies in the cell's text."""

    text: str
    start: int
    end: int
    line: int = 0
    """The index of the paragraph where the entry opens, among the cell's paragraphs (empty ones too)."""


def cell_items(lines: list[str]) -> tuple[list[CellItem], bool]:
    """The entries of a cell from its paragraphs, and whether any opened with a bullet. A paragraph opens
    an entry when it starts with a bullet (after any day-part label) or follows a label; otherwise it
    continues the entry above ("- Huyện H. Khê," / "Bộ CH BĐBP" is one). Offsets are into the cell text,
    the non-empty paragraphs joined by spaces, as readers lay it out."""
    items: list[CellItem] = []
    marked = False
    opens_next = True
    pos = 0
    for number, line in enumerate(lines):
        if not line:
            continue
        line_start, pos = pos, pos + len(line) + 1
        if _WEEKDAY_RE.fullmatch(line):
            opens_next = True
            continue
        label = _DAY_PART_RE.match(line)
        body_at = label.end() if label else 0
        bullet = _CELL_BULLET_RE.match(line, body_at)
        if bullet:
            marked = True
            after = _DAY_PART_RE.match(line, bullet.end())  # "- Sáng: Hội nghị ..."
            body_at = after.end() if after else bullet.end()
        body = line[body_at:].strip()
        if not body:
            opens_next = opens_next or body_at > 0
            continue
        body_start = line_start + line.index(body, body_at)
        if bullet or opens_next or body_at > 0 or not items:
            items.append(CellItem(body, body_start, line_start + len(line), number))
        else:
            items[-1].text += " " + body
            items[-1].end = line_start + len(line)
        opens_next = False
    return items, marked



@dataclass
class TableTask:
    text_parts: list[str]
    start: int
    end: int
    number: str
    lead_parts: list[str] = field(default_factory=list)
    lead_more_parts: list[str] = field(default_factory=list)
    """The cells of a second column of who acts (read apart: its units are not the first column's)."""
    coordinating_parts: list[str] = field(default_factory=list)
    time_parts: list[str] = field(default_factory=list)
    group_period: Period | None = None
    extra_lead: list[str] = field(default_factory=list)
    extra_coordinating: list[str] = field(default_factory=list)
    extra_periods: list[Period] = field(default_factory=list)
    plan_month: int | None = None
    """The one month the plan is for, where its title names one (a day column's bare days fall in it)."""
    bullet: bool = False
    """One bullet of a cell that holds several: its own time, where it has one, wins over the row's."""

    @property
    def text(self) -> str:
        return " ".join(p for p in self.text_parts if p)

    def period(self, plan_year: int | None) -> Period:
        own = period_of(self.text, plan_year)
        time_text = " ".join(self.time_parts)
        day = _BARE_DAY_RE.fullmatch(time_text)
        if day and self.plan_month and plan_year and 1 <= int(day[1]) <= 31:
            time_text = f"ngày {int(day[1])}/{self.plan_month}/{plan_year}"
        cell = period_of(time_text, plan_year, scheduled=True)
        if self.bullet and own.deadlines:  # a bullet's own dates win over its row's day
            return merge_periods(self.group_period, own)
        group = self.group_period
        if group is not None and group.deadlines and (cell.deadlines or own.deadlines):
            group = None  # the row's own day wins over the day heading of its schedule
        return merge_periods(group, cell, own, *self.extra_periods)

    @property
    def unit_cells_written(self) -> bool:
        """Whether a unit cell of the row holds words, read as units or not (OCR may garble them)."""
        cells = (*self.lead_parts, *self.lead_more_parts, *self.coordinating_parts)
        return any(len(_LETTERS_RE.findall(cell)) >= 2 for cell in cells)

    def units(self) -> tuple[list[str], list[str]]:
        lead = split_units(" ".join(self.lead_parts)) + split_units(" ".join(self.lead_more_parts))
        lead = _unique(lead + self.extra_lead)
        coordinating = _unique(split_units(" ".join(self.coordinating_parts)) + self.extra_coordinating)
        return lead, coordinating


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """Folded comparison key; cached because cells and units repeat across rows and merged cells."""
    return fold(text)


def _same_text(a: str, b: str) -> bool:
    """A merged cell repeated on the next row is a copy: compare case- and space-insensitively (cheap,
    as this runs on every row against the task above, whose text grows as rows wrap)."""
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = _key(item)
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


_NOT_WORD_RE = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _keywords() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for row in read_csv("task_columns.csv"):
        table.setdefault(row["column"], []).append(fold(row["keyword"]))
    return table


_LETTERS_RE = re.compile(r"[^\W\d_]+")


def _without_ocr_noise(cell: str) -> str:
    """The cell without the stray tokens OCR makes of a stamp or a rule's stroke ("Thời 1wmaw gian"),
    which break a keyword apart: tokens mixing letters and digits, and lower-case letter runs that are no
    Vietnamese syllable (capitals stay: they are abbreviations, "TT", "UBND")."""
    kept = []
    for token in cell.split():
        letters = _LETTERS_RE.fullmatch(token)
        mixed = any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token)
        if mixed or (letters and token.islower() and len(token) > 1 and not is_syllable(token)):
            continue
        kept.append(token)
    return " ".join(kept)


@lru_cache(maxsize=4096)
def _plain_words(text: str) -> str:
    """`text` word by word without its marks (`letter_key`): "thực hiện" -> "THUC HIEN"."""
    return " ".join(filter(None, (letter_key(word) for word in text.split())))


def classify_header(cell: str, ocr: bool = False) -> str | None:
    """Meaning of a header cell ("Đơn vị phối hợp" -> coordinating), by keywords on folded text."""
    if ocr:
        cell = _without_ocr_noise(cell)
    key = fold(cell)
    if not key:
        return None
    keywords = _keywords()
    for column in _COLUMN_PRIORITY:
        for word in keywords.get(column, []):
            if column == "number":
                # The whole cell is the number header; OCR may leave a rule's stroke beside it ("| TT").
                if _NOT_WORD_RE.sub(" ", key).strip() == word:
                    return column
            elif has_word(key, word):
                return column
    # A word broken by a narrow PDF column ("Ngà y"): the whole cell, its spaces dropped, is a keyword.
    compact = key.replace(" ", "")
    for column in _COLUMN_PRIORITY:
        if any(compact == word.replace(" ", "") for word in keywords.get(column, [])):
            return column
    if ocr:
        # OCR confuses tone and vowel marks ("thực hiên", "tô chức"); its base letters still name the column.
        plain = _plain_words(key)
        for column in _COLUMN_PRIORITY:
            if column != "number" and any(has_word(plain, _plain_words(word)) for word in keywords.get(column, [])):
                return column
    if ocr and len(key.split()) <= 2 and len(compact) >= 3:
        # A one-word header OCR read one letter short or wrong ("Ngà", "Nga y" for "Ngày"): a one-word
        # keyword of four letters or more one edit away. Only for OCR'd rows, whose letters are doubtful.
        for column in _COLUMN_PRIORITY:
            if any(" " not in word and len(word) >= 4 and Levenshtein.distance(compact, word) == 1
                   for word in keywords.get(column, [])):
                return column
    return None


# A unit column of a schedule ("Đơn vị được kiểm tra", "Cơ quan được giám sát"): the units are what the
# plan acts on, not who acts.
_PASSIVE_HEADER_RE = re.compile(r"(?<!\w)được(?!\w)")
_LEAD_CUE_HEADERS = ("chủ trì", "thực hiện", "trách nhiệm")


def header_map(cells: list[str], ocr: bool = False) -> dict[int, str] | None:
    """Column index -> meaning when `cells` is a task-table header (a content column and a unit or
    time column), else None.

    A schedule without a content column ("STT | Đơn vị được kiểm tra | Thời gian kiểm tra") lists the
    units visited or served, each at its time: the unit column is then the row's text ("content"), and
    also its lead ("content_lead") only where the header says the unit acts ("Đơn vị thực hiện").
    `ocr`: the row was read by OCR, so a one-word header one letter off a keyword still names its column."""
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if len(cell) > 60:
            return None
        column = classify_header(cell, ocr)
        if column == "lead" and "lead" in mapping.values() and "lead_more" not in mapping.values():
            # A second column of who acts ("Cơ quan chuẩn bị" beside "Lãnh đạo chủ trì"): its units lead too.
            mapping[index] = "lead_more"
        elif column and column not in mapping.values():
            mapping[index] = column
    values = set(mapping.values())
    if "content" in values and values & {"lead", "coordinating", "time"}:
        return mapping
    if "content" not in values and "time" in values and "lead" in values:
        index = next(i for i, meaning in mapping.items() if meaning == "lead")
        key = fold(cells[index])
        acts = any(cue in key for cue in _LEAD_CUE_HEADERS) and not _PASSIVE_HEADER_RE.search(key)
        mapping[index] = "content_lead" if acts else "content"
        return mapping
    return None


_UNIT_MEANINGS = ("lead", "lead_more", "coordinating")


def sub_header_map(
    header: list[str], below: list[str], mapping: dict[int, str], ocr: bool = False
) -> dict[int, str] | None:
    """The header's meanings completed by a second header row under its merged cells, else None.

    A header cell merged across columns (the readers leave the columns it covers empty: DOCX grid
    spans, PDF and scanned cells) names a group whose sub-columns the next row names: "Đơn vị phối hợp"
    over "Tổ chức trong nước | Tổ chức nước ngoài", "Đơn vị thực hiện" over "Chủ trì | Phối hợp". A
    sub-column whose own name has a meaning takes it; one under a unit group is a column of that group.
    The row below is such a row only when its cells stand under merged header cells alone and the
    item's number and content cells are empty."""
    width = len(header)
    if not below or len(below) != width:
        return None
    occupied = {i for i, meaning in mapping.items() if meaning in ("number", "content", "content_lead")}
    if any(below[i].strip() for i in occupied if i < width):
        return None
    parent_of: dict[int, int] = {}
    for i, cell in enumerate(header):
        if not cell.strip():
            continue
        end = i + 1
        while end < width and not header[end].strip():
            end += 1
        if end - i >= 2:  # merged over the empty cells after it
            parent_of.update({j: i for j in range(i, end)})
    filled = [j for j, cell in enumerate(below) if cell.strip()]
    if not filled or any(j not in parent_of for j in filled):
        return None
    if not any(sum(parent_of.get(j) == i for j in filled) >= 2 for i in set(parent_of.values())):
        return None
    completed = dict(mapping)
    for j in filled:
        own = classify_header(below[j], ocr)
        parent = mapping.get(parent_of[j])
        if parent in _UNIT_MEANINGS:
            # Within a group of who acts, only "phối hợp" changes the role; other names say what kind
            # of body the column lists ("Tổ chức/cơ quan", "Doanh nghiệp").
            completed[j] = "coordinating" if own == "coordinating" else parent
        elif own in ("lead", "coordinating", "time"):
            completed[j] = own
    return completed


CONTENT_SHARE = 0.5
"""Share of a column's filled cells that must read as times (or as units) for its cells to say what the
column holds; the other kind must stay below `OTHER_SHARE`."""
OTHER_SHARE = 0.2
_SAMPLE_ROWS = 30


def checked_by_content(mapping: dict[int, str], rows: list[Block], plan_year: int | None) -> dict[int, str]:
    """An OCR'd header's column meanings checked against what the columns hold.

    OCR garbles a scanned header's small print ("Thời Hmw _ thực hiển", "Đơnvị đâu mồi tực th hiễn"), so
    its keywords can name a column wrongly or not at all, while the cells below are read at body size: a
    column whose cells are times ("Quý 3", "Thường xuyên") is the time column, one whose cells are units
    ("Sở KHĐT, Ban QL KKT") leads when the header left no lead column (the first such column, as the lead
    column comes before the coordinating one in every layout of `task_columns.csv`), and the column
    just before the content whose cells are item numbers ("1.1", "1.2") is the number column."""
    sampled = [row for row in rows if row.cells][:_SAMPLE_ROWS]
    width = max((len(row.cells or []) for row in sampled), default=0)
    times: dict[int, float] = {}
    units: dict[int, float] = {}
    for index in range(width):
        cells = [c for c in (_legible(_cell(row, index)[0]) for row in sampled) if c]
        if len(cells) < 2:
            continue
        times[index] = sum(_reads_as_time(c, plan_year) for c in cells) / len(cells)
        units[index] = sum(bool(split_units(c)) for c in cells) / len(cells)
    checked = dict(mapping)
    content_at = next((i for i, meaning in checked.items() if meaning == "content"), -1)
    if "number" not in checked.values() and content_at > 0 and content_at - 1 not in checked:
        # The number column before the content ("TT" read as noise): its cells are item numbers.
        numbers = [c for c in (_legible(_cell(row, content_at - 1)[0]) for row in sampled) if c]
        if len(numbers) >= 2 and sum(bool(_ITEM_NUMBER_RE.match(c) or _GROUP_NUMBER_RE.match(c))
                                     for c in numbers) >= CONTENT_SHARE * len(numbers):
            checked[content_at - 1] = "number"
    for index, meaning in mapping.items():
        if meaning in _UNIT_MEANINGS and times.get(index, 0) >= CONTENT_SHARE \
                and units.get(index, 0) < OTHER_SHARE and "time" not in checked.values():
            checked[index] = "time"
    if "lead" not in checked.values():
        lead = next((i for i in sorted(units) if i > content_at and i not in checked
                     and units[i] >= CONTENT_SHARE and times.get(i, 0) < OTHER_SHARE), None)
        coordinating = next((i for i, meaning in checked.items() if meaning == "coordinating"), None)
        if lead is not None and (coordinating is None or lead < coordinating):
            checked[lead] = "lead"
    if "time" not in checked.values():
        time = next((i for i in sorted(times) if i > content_at and i not in checked
                     and times[i] >= CONTENT_SHARE and units.get(i, 0) < OTHER_SHARE), None)
        if time is not None:
            checked[time] = "time"
    return checked


def _legible(cell: str) -> str:
    """The cell without OCR's marks between words ("Thường ` ˆ xuyên „"): tokens with no digit and no
    letter that has a case."""
    return " ".join(t for t in cell.split() if any(ch.isdigit() or ch.lower() != ch.upper() for ch in t))


def _reads_as_time(cell: str, plan_year: int | None) -> bool:
    period = period_of(cell, plan_year)
    return has_time(period) or bool(period.recurring)


def _tables(layout: Layout) -> list[list[Block]]:
    tables: dict[int, list[Block]] = {}
    for block in layout.blocks:
        if block.kind == "row" and block.table is not None:
            tables.setdefault(block.table, []).append(block)
    return [tables[k] for k in sorted(tables)]


def find_table_tasks(layout: Layout, plan_year: int | None, plan_month: int | None = None) -> list[TableTask]:
    found: list[TableTask] = []
    mapping: dict[int, str] | None = None
    width = 0
    for rows in _tables(layout):
        start = 0
        own = None
        for index, row in enumerate(rows[:3]):
            own = header_map(row.cells or [], row.ocr)
            if own:
                start = index + 1
                completed = sub_header_map(row.cells or [], rows[start].cells or [], own, row.ocr) \
                    if start < len(rows) else None
                if completed is not None:
                    own, start = completed, start + 1
                break
        if own and rows[start - 1].ocr:
            own = checked_by_content(own, rows[start:], plan_year)
        if own:
            mapping, width = own, len(rows[0].cells or [])
        elif mapping is None or len(rows[0].cells or []) != width:
            # Not a task table, nor the continuation of one over a page break.
            mapping = None
            continue
        day = _schedule_day(layout, rows, start, mapping, plan_year) if own else None
        found.extend(_read_rows(rows[start:], mapping, plan_year, found[-1] if found else None, day))
    for task in found:
        task.plan_month = plan_month
    return found


def _schedule_day(
    layout: Layout, rows: list[Block], header_at: int, mapping: dict[int, str], plan_year: int | None
) -> Period | None:
    """The day of a timetable whose time cells are hours of a day ("7h30 - 8h00"): the day heading on
    the line above the table or on a row above its header ("Ngày 20/3/2024 (thứ Tư):"), else None."""
    time_index = next((i for i, meaning in mapping.items() if meaning == "time"), None)
    if time_index is None:
        return None
    times = [_cell(row, time_index)[0] for row in rows[header_at:]]
    if not any(_CLOCK_CELL_RE.match(t) for t in times if t.strip()):
        return None
    for row in rows[: max(0, header_at - 1)]:
        day = day_heading(" ".join(c for c in row.cells or [] if c), plan_year)
        if day is not None:
            return day
    above = [b for b in layout.blocks if b.end <= rows[0].start and b.kind != "row"]
    return day_heading(above[-1].text, plan_year) if above else None


def _cell(row: Block, index: int) -> tuple[str, int, int]:
    cells = row.cells or []
    if index >= len(cells):
        return "", row.end, row.end
    start, end = row.cell_spans[index] if index < len(row.cell_spans) else (row.start, row.end)
    return cells[index], start, end


_WORD_OF_THREE_RE = re.compile(r"[^\W\d_]{3,}")


def _cells(row: Block, indices: list[int]) -> tuple[str, int, int]:
    """The cell of a meaning; where sub-columns share it, their cells joined by ";" (one entry each),
    leaving out the check marks of columns that tick a kind ("x" under "Doanh nghiệp trong nước")."""
    if len(indices) == 1:
        return _cell(row, indices[0])
    cells = [_cell(row, index) for index in indices]
    named = [cell for cell in cells if _WORD_OF_THREE_RE.search(cell[0])]
    if not named:
        return "", cells[0][1], cells[0][1]
    return "; ".join(cell[0] for cell in named), named[0][1], named[-1][2]


def _read_rows(
    rows: list[Block],
    mapping: dict[int, str],
    plan_year: int | None,
    previous: TableTask | None,
    day: Period | None = None,
) -> list[TableTask]:
    indices: dict[str, list[int]] = {}
    for index, meaning in sorted(mapping.items()):
        indices.setdefault(meaning, []).append(index)
    if "content_lead" in indices:
        # The unit column is both the row's text and its lead.
        indices["content"] = indices["lead"] = indices.pop("content_lead")
    tasks: list[TableTask] = []
    group: Period | None = day if day is not None else previous.group_period if previous else None
    last: TableTask | None = previous
    for row in rows:
        values = {meaning: _cells(row, found) for meaning, found in indices.items()}
        number = values.get("number", ("", 0, 0))[0].strip()
        content, c_start, c_end = values.get("content", ("", row.start, row.end))
        others = [values[m][0] for m in ("lead", "lead_more", "coordinating", "time") if m in values and values[m][0]]
        if not content and not others and not number:
            continue
        if _WEEKDAY_RE.fullmatch(content):
            continue  # a timetable's day with nothing scheduled but its weekday ("Chủ nhật")
        heading = time_heading(content) if content else None
        row_day = day_heading(content, plan_year) if content and not others and not number else None
        if row_day is not None:
            group, last = row_day, None  # a day row of a timetable: the day of the rows below it
            continue
        if (number and _GROUP_NUMBER_RE.match(number) and not others) or (heading and not others and not number):
            group = heading[0] if heading else period_of(content, plan_year) or None
            if group is not None and not (group.quarters or group.months):
                group = None
            last = None
            continue
        same_content = not content or _same_text(content, last.text) if last is not None else False
        # Without a number column, a row with a time of its own (a timetable's day) is a new entry.
        own_time = "number" not in indices and bool(values.get("time", ("",))[0].strip())
        if not number and last is not None and not same_content and not own_time:
            # A row wrapped over several lines: its cells continue the task above.
            last.text_parts.append(content)
            last.end = max(last.end, c_end) if content else last.end
            _add_cells(last, values)
            continue
        if last is not None and number in ("", last.number) and same_content:
            # A merged cell repeated on the next row: the same task, more units and times.
            extra = TableTask([content], c_start, c_end, number)
            _add_cells(extra, values)
            lead, coordinating = extra.units()
            last.extra_lead.extend(lead)
            last.extra_coordinating.extend(coordinating)
            last.extra_periods.append(period_of(" ".join(extra.time_parts), plan_year, scheduled=True))
            continue
        if not content:
            continue
        bullets = _bullet_tasks(row, indices, values, number, group)
        if bullets:
            tasks.extend(bullets)
            last = None
            continue
        bullet = _CELL_BULLET_RE.match(content)  # "- Họp Ban Chỉ đạo": the text without its bullet
        if bullet:
            content, c_start = content[bullet.end() :], c_start + bullet.end()
        task = TableTask([content], c_start, c_end, number, group_period=group)
        _add_cells(task, values)
        tasks.append(task)
        last = task
    return tasks


def _bullet_tasks(
    row: Block, indices: dict[str, list[int]], values: dict[str, tuple[str, int, int]], number: str,
    group: Period | None,
) -> list[TableTask]:
    """One task per bullet of a content cell that lists several, else []."""
    lines = row.cell_lines
    index = indices.get("content", [None])[0]
    if lines is None or index is None or index >= len(lines):
        return []
    items, marked = cell_items(lines[index])
    if not marked or len(items) < 2:
        return []
    cell_text, c_start, _ = values["content"]
    _place_items(items, cell_text)
    unit_columns: dict[str, list[list[str]]] = {}
    for meaning in _UNIT_MEANINGS:
        per_column = [_aligned_units(lines, index, column, items) for column in indices.get(meaning, [None])]
        unit_columns[meaning] = [[e for entries in per_bullet for e in entries]
                                 for per_bullet in zip(*per_column, strict=True)]
    tasks = []
    for k, item in enumerate(items):
        task = TableTask([item.text], c_start + item.start, c_start + item.end, number, group_period=group, bullet=True)
        if "time" in values and values["time"][0]:
            task.time_parts.append(values["time"][0])
        task.extra_lead += _entry_units(unit_columns["lead"][k]) + _entry_units(unit_columns["lead_more"][k])
        task.extra_coordinating += _entry_units(unit_columns["coordinating"][k])
        tasks.append(task)
    return tasks


def _place_items(items: list[CellItem], cell_text: str) -> None:
    """Put each entry where it stands in the cell's text. A reader may join a cell's lines otherwise than
    with single spaces (PDF joins a word broken by a hyphen): find each entry's opening words, in order."""
    cursor = 0
    for item in items:
        head = item.text[:24]
        found = cell_text.find(head, cursor)
        if found < 0:
            item.start, item.end = min(item.start, len(cell_text)), min(item.end, len(cell_text))
            continue
        shift = found - item.start
        item.start = found
        item.end = min(len(cell_text), max(found + len(head), item.end + shift))
        cursor = found + len(head)


def _entry_units(entries: list[str]) -> list[str]:
    """The units of a unit column's entries: the unit parser's, or else the entry as written, split at
    commas and semicolons (the column's header says it names who acts: "VP UBND tỉnh", "Đ/c Khánh - CT")."""
    units: list[str] = []
    for entry in entries:
        units += split_units(entry) or [piece.strip() for piece in re.split(r"[,;]", entry) if piece.strip()]
    return units


def _aligned_units(
    lines: list[list[str]], content: int, index: int | None, bullets: list[CellItem]
) -> list[list[str]]:
    """The unit text for each bullet of the content cell: by order when the unit cell lists as many
    entries, the whole cell when it names one, by height when a padded cell lists fewer
    (stages.cell_align), else nothing (the alignment cannot be read)."""
    count = len(bullets)
    if index is None or index >= len(lines):
        return [[] for _ in range(count)]
    items, _ = cell_items(lines[index])
    if len(items) == count:
        return [[item.text] for item in items]
    if len(items) == 1:
        return [[items[0].text] for _ in range(count)]
    row_lines = max((len(cell) for cell in lines if is_padded(cell)), default=0)
    where = align_by_height(
        lines[content], [b.line for b in bullets], lines[index], [item.line for item in items], row_lines
    )
    aligned: list[list[str]] = [[] for _ in range(count)]
    for item, bullet in zip(items, where or [], strict=False):
        aligned[bullet].append(item.text)
    return aligned


def _add_cells(task: TableTask, values: dict[str, tuple[str, int, int]]) -> None:
    for meaning, parts in (
        ("lead", task.lead_parts),
        ("lead_more", task.lead_more_parts),
        ("coordinating", task.coordinating_parts),
        ("time", task.time_parts),
    ):
        if meaning in values and values[meaning][0]:
            parts.append(values[meaning][0])


__all__ = [
    "TableTask",
    "classify_header",
    "day_heading",
    "find_table_tasks",
    "header_map",
    "schedule_entry",
    "schedule_label",
]
