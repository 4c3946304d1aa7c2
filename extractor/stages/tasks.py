"""Tasks: the plan's actionable items from tables (`task_tables`), lists and prose (`task_prose`).

A task is kept when it has a time (quarter, month or deadline) or a responsible unit, as the gold
guidelines define the scored tasks.
"""

from __future__ import annotations

import re

from extractor.base.blocks import Layout
from extractor.stages.periods import has_time, period_of
from extractor.stages.segment import section_at
from extractor.stages.task_prose import find_prose_tasks
from extractor.stages.task_tables import find_table_tasks
from models import Metadata, Period, Section, Task

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


def find_tasks(layout: Layout, sections: list[Section], metadata: Metadata) -> list[Task]:
    plan_year = _plan_year(layout, metadata)
    found: list[tuple[int, Task]] = []

    def add(origin: str, text: str, period: Period, lead: list[str], coordinating: list[str], start: int,
            end: int) -> None:
        task = Task(id="", text=text, section=section_at(sections, start), origin=origin,
                    period=period, lead=lead, coordinating=coordinating, start=start, end=end)
        found.append((start, task))

    for item in find_table_tasks(layout, plan_year, _plan_month(metadata, plan_year)):
        lead, coordinating = item.units()
        period = item.period(plan_year)
        if not (lead or coordinating or has_time(period)):
            continue
        add("table", item.text, period, lead, coordinating, item.start, item.end)
    for prose in find_prose_tasks(layout, sections, plan_year):
        add(prose.origin, prose.text, prose.period, prose.lead, prose.coordinating, prose.start, prose.end)
    found.sort(key=lambda pair: pair[0])
    tasks = [task for _, task in found]
    for number, task in enumerate(tasks, 1):
        task.id = f"t{number}"
    return tasks
