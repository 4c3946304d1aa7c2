"""Task records: a numbered item whose sub-headings are all field labels, the task table's columns written
as headings ("1. Khảo sát, đánh giá" / "a) Các hoạt động chủ yếu" / "b) Phương thức thực hiện" / "c) Thời
gian thực hiện"). The record is one task; its labelled parts are its fields, never tasks of their own:
the unit part gives the lead and coordinating units, the time part its period. A time part that lists
several dated activities gives one task per activity, each with the record's units (guidelines C4).

The labels are read with the task-table column vocabulary (`task_columns.csv`), so a record is recognised
by its structure (every sub-heading a column label) rather than by phrases of one plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.base.blocks import Layout
from extractor.base.normalize import fold
from extractor.stages.periods import period_of
from extractor.stages.task_tables import classify_header
from extractor.vocab.unit_names import parse_unit_list, split_units
from models import Period, Section

# The field a label names; "thực hiện" alone (Phương thức / Đơn vị thực hiện) names who carries it out.
_FIELDS = {"lead": "units", "coordinating": "units", "time": "time", "content": "content", "product": "content"}
_LABEL_WORDS = 5  # a label is a column name ("Phương thức thực hiện", "Thời gian hoàn thành")
_UNIT_LABEL_RE = re.compile(r"(?<!\w)(?:đơn vị|cơ quan|chủ trì|phối hợp)(?!\w)")
_MARKER_RE = re.compile(r"^\s*(?:[-–+•*]|\(?\d{1,2}[.)])\s*")


@dataclass(slots=True)
class Record:
    section: Section
    fields: dict[str, list[Section]]
    """Field kind ("units", "time", "content") -> the sub-sections that hold it."""
    units: list[str] = field(default_factory=list)
    """Units a run-on unit part names ("a) Đơn vị thực hiện: Thanh tra tỉnh"), where no task parser did."""
    activities: list[tuple[str, int, int, Period]] = field(default_factory=list)
    """Dated activities of a listed time part: text, start, end, period."""
    period: Period | None = None
    """The time part's one statement, when it is not a list."""

    def field_spans(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for sections in self.fields.values() for s in sections]


def _label_field(title: str) -> str | None:
    """The field a sub-heading labels: the column its words name (the earliest keyword wins, so "Thời
    gian thực hiện" is the time, "Phương thức thực hiện" the units)."""
    label = _label_part(title)
    if len(label.split()) > _LABEL_WORDS:
        return None  # a heading that says what to do ("Tổ chức, thực hiện chương trình …") labels nothing
    column = classify_header(label)
    return _FIELDS.get(column) if column else None


def _sentence_units(text: str) -> list[str]:
    """The units a sentence opens with, read without a unit slot (an ambiguous head needs a clear start)."""
    parsed = parse_unit_list(text)
    return [u.text for u in parsed[0]] if parsed else []


def _label_part(title: str) -> str:
    """A run-on heading ("c) Thời gian thực hiện: Tổ chức hàng năm") labels by its part before the colon."""
    return title.split(":", 1)[0]


def _statements(layout: Layout, section: Section) -> list[tuple[str, int, int]]:
    """The lines of a field's body below its heading, markers stripped, with their offsets; a run-on
    heading's text after its colon is the first statement."""
    out: list[tuple[str, int, int]] = []
    for block in layout.blocks:
        if block.end <= section.start or block.start >= section.end or block.kind == "row":
            continue
        if block.start <= section.start:  # the heading's own line: a run-on statement after its colon
            if ":" in block.text:
                tail = block.text.split(":", 1)[1].strip(" ;.")
                if tail:
                    out.append((tail, block.end - len(tail), block.end))
            continue
        text = _MARKER_RE.sub("", block.text).strip(" ;.")
        if text:
            out.append((text, block.start, block.end))
    return out


def find_records(layout: Layout, sections: list[Section], plan_year: int | None) -> list[Record]:
    children: dict[str, list[Section]] = {}
    for section in sections:
        if section.parent:
            children.setdefault(section.parent, []).append(section)
    records: list[Record] = []
    for section in sections:
        parts = children.get(section.id, [])
        kinds = [_label_field(part.title) for part in parts]
        # A record assigns work: one of its parts names who carries it out. A chapter (level 1) whose
        # parts are labels is a part of the plan ("IV. THỜI GIAN VÀ TIẾN ĐỘ"), not a work item.
        if section.level < 2 or len(parts) < 2 or None in kinds or "units" not in kinds:
            continue
        fields: dict[str, list[Section]] = {}
        for part, kind in zip(parts, kinds, strict=True):
            fields.setdefault(kind or "", []).append(part)
        record = Record(section=section, fields=fields)
        for part in fields.get("units", []):
            # A part labelled by the unit ("Đơn vị thực hiện: Thanh tra tỉnh") holds names; a part on the
            # way of doing ("Phương thức thực hiện") holds sentences, whose units need a clear start.
            names = _UNIT_LABEL_RE.search(fold(_label_part(part.title))) is not None
            for text, _, _ in _statements(layout, part):
                units = split_units(text) if names else _sentence_units(text)
                record.units += [u for u in units if u not in record.units]
        for part in fields.get("time", []):
            statements = [(text, start, end, period_of(text.lower(), plan_year))
                          for text, start, end in _statements(layout, part)]
            if len(statements) == 1:
                record.period = statements[0][3]
            else:
                record.activities.extend(statements)
        records.append(record)
    return records


__all__ = ["Record", "find_records"]
