"""Units: every responsible unit of the document (from the tasks' lead and coordinating units), with
its canonical name, kind and mentions. Splitting and canonical forms live in `unit_names`.
"""

from __future__ import annotations

from extractor.blocks import Layout
from extractor.unit_names import canonical_unit, unit_kind
from models import Mention, Metadata, Task, Unit


def collect_units(tasks: list[Task], layout: Layout, metadata: Metadata) -> list[Unit]:
    by_key: dict[str, Unit] = {}
    seen_mentions: set[tuple[str, int]] = set()
    text = layout.text
    for task in tasks:
        for name in [*task.lead, *task.coordinating]:
            key = canonical_unit(name, metadata.province)
            if not key:
                continue
            unit = by_key.get(key)
            if unit is None:
                unit = Unit(name=name, canonical=key, kind=unit_kind(name))  # type: ignore[arg-type]
                by_key[key] = unit
            # Where the unit is written: inside the task, else before it (a heading above), else anywhere.
            start = text.find(name, task.start, task.end)
            if start == -1:
                start = text.rfind(name, 0, task.start)
            if start == -1:
                start = text.find(name)
            if start == -1 or (key, start) in seen_mentions:
                continue
            seen_mentions.add((key, start))
            unit.mentions.append(Mention(text=name, start=start, end=start + len(name)))
    for unit in by_key.values():
        unit.mentions.sort(key=lambda m: m.start)
    return list(by_key.values())
