"""Units: every responsible unit of the document (from the tasks' lead and coordinating units), with
its canonical name, kind and mentions. Splitting and canonical forms live in `unit_names`.
"""

from __future__ import annotations

from bisect import bisect_left

from extractor.base.blocks import Layout
from extractor.base.normalize import word_positions
from extractor.vocab.unit_names import canonical_unit, regroup_units, unit_key, unit_kind
from models import Mention, Metadata, Task, Unit


def collect_units(tasks: list[Task], layout: Layout, metadata: Metadata) -> list[Unit]:
    by_key: dict[str, Unit] = {}
    seen_mentions: set[tuple[str, int]] = set()
    positions: dict[str, list[int]] = {}  # each name is searched once per document
    text = layout.text
    for task in tasks:
        for name in [*regroup_units(task.lead), *regroup_units(task.coordinating)]:
            key = unit_key(name, metadata.province)
            if not key:
                continue
            unit = by_key.get(key)
            if unit is None:
                unit = Unit(
                    name=name, canonical=canonical_unit(name, metadata.province), key=key, kind=unit_kind(name)
                )
                by_key[key] = unit
            # Where the unit is written: inside the task, else the nearest before it (a heading above),
            # else anywhere.
            if name not in positions:
                positions[name] = word_positions(text, name)
            found = positions[name]
            first_inside = bisect_left(found, task.start)
            if first_inside < len(found) and found[first_inside] + len(name) <= task.end:
                start = found[first_inside]
            elif first_inside > 0:
                start = found[first_inside - 1]
            elif found:
                start = found[0]
            else:
                continue
            if (key, start) in seen_mentions:
                continue
            seen_mentions.add((key, start))
            unit.mentions.append(Mention(text=name, start=start, end=start + len(name)))
    for unit in by_key.values():
        unit.mentions.sort(key=lambda m: m.start)
    return list(by_key.values())
