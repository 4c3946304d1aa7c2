"""Tasks: the plan's actionable items from tables, lists and prose.

Placeholder until the task stage lands.
"""

from __future__ import annotations

from extractor.blocks import Layout
from models import Metadata, Section, Task


def find_tasks(layout: Layout, sections: list[Section], metadata: Metadata) -> list[Task]:
    return []
