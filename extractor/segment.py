"""Sections: the heading hierarchy (I., 1., 1.1., a), Phần/Chương/Mục/Điều) with offsets.

Placeholder until the structure stage lands.
"""

from __future__ import annotations

from bisect import bisect_right

from extractor.blocks import Layout
from models import Section


def find_sections(layout: Layout) -> list[Section]:
    return []


def section_at(sections: list[Section], offset: int) -> str | None:
    """Id of the innermost section whose span contains `offset` (sections sorted by start)."""
    starts = [s.start for s in sections]
    index = bisect_right(starts, offset) - 1
    while index >= 0:
        section = sections[index]
        # Sections nest and are sorted by start, so the latest-starting one that contains the
        # offset is the innermost.
        if section.start <= offset < section.end:
            return section.id
        index -= 1
    return None
