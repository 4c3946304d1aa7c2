"""Tasks: the plan's actionable items from tables (`task_tables`), lists and prose (`task_prose`).

A task is kept when it has a time (quarter, month or deadline) or a responsible unit, as the gold
guidelines define the scored tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extractor.base.blocks import Layout
from extractor.stages.periods import has_time, is_time_only, period_of
from extractor.stages.segment import section_at
from extractor.stages.task_prose import find_prose_tasks
from extractor.stages.task_records import Record, find_records
from extractor.stages.task_tables import find_table_tasks
from models import Metadata, Period, Section, Task

AddTask = Callable[[str, str, Period, list[str], list[str], int, int], None]
_YEAR_RE = re.compile(r"(?<!\d)(?:năm|/)\s*((?:19|20)\d\d)(?!\d)")


def _plan_year(layout: Layout, metadata: Metadata) -> int | None:
    """The metadata's plan year; without one, the latest year the document's opening names (the year a
    plan is for is written in its title, after any year of the documents it is based on)."""
    if metadata.plan_year:
        return metadata.plan_year
    years = [int(y) for y in _YEAR_RE.findall(layout.text[:3000])]
    return max(years) if years else None


def _plan_month(metadata: Metadata, plan_year: int | None) -> int | None:
    """The one month a plan is for, when its title names exactly one ("Chương trình công tác tháng 02")."""
    months = period_of(metadata.title.lower(), plan_year).months if metadata.title else []
    return months[0] if len(months) == 1 else None


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    return any(lo < start < hi for lo, hi in spans)


def _fold_record(record: Record, found: list[tuple[int, Task]], add: AddTask) -> None:
    """Replace the tasks found inside a record's labelled parts by the record: its units are those the
    unit part names, its time the time part's one statement, or one task per activity the part lists."""
    unit_spans = [(s.start, s.end) for s in record.fields.get("units", [])]
    lead: list[str] = []
    coordinating: list[str] = []
    for start, task in found:
        if _inside(unit_spans, start):
            lead += [u for u in task.lead if u not in lead]
            coordinating += [u for u in task.coordinating if u not in coordinating]
    if not lead and not coordinating:
        lead = list(record.units)
    heading = record.section
    title_end = heading.start + len(heading.title)
    spans = [*record.field_spans(), (heading.start - 1, title_end)]
    found[:] = [(start, task) for start, task in found if not _inside(spans, start)]
    period = record.period if record.period is not None and not record.activities else Period()
    add("list", heading.title, period, lead, coordinating, heading.start, title_end)
    for text, start, end, activity_period in record.activities:
        add("list", text, activity_period, list(lead), list(coordinating), start, end)


def find_tasks(layout: Layout, sections: list[Section], metadata: Metadata) -> list[Task]:
    plan_year = _plan_year(layout, metadata)
    found: list[tuple[int, Task]] = []

    def add(origin: str, text: str, period: Period, lead: list[str], coordinating: list[str], start: int,
            end: int) -> None:
        if is_time_only(text):  # "1. Thời gian: từ ngày 15/3 đến ngày 17/3/2024." is the plan's time, no work
            return
        task = Task(id="", text=text, section=section_at(sections, start), origin=origin,
                    period=period, lead=lead, coordinating=coordinating, start=start, end=end)
        found.append((start, task))

    for item in find_table_tasks(layout, plan_year, _plan_month(metadata, plan_year)):
        lead, coordinating = item.units()
        period = item.period(plan_year)
        # A row with neither units nor a time is a group heading or a total, unless its unit cell is
        # written and unreadable (a scan): the row is then a task whose units stay unknown.
        if not (lead or coordinating or has_time(period) or item.unit_cells_written):
            continue
        add("table", item.text, period, lead, coordinating, item.start, item.end)
    for prose in find_prose_tasks(layout, sections, plan_year):
        add(prose.origin, prose.text, prose.period, prose.lead, prose.coordinating, prose.start, prose.end)
    for record in find_records(layout, sections, plan_year):
        _fold_record(record, found, add)
    found.sort(key=lambda pair: pair[0])
    tasks = [task for _, task in found]
    for number, task in enumerate(tasks, 1):
        task.id = f"t{number}"
    return tasks
