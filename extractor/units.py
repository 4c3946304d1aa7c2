"""Units: every responsible unit of the document, split, normalized and classified.

Placeholder until the unit stage lands.
"""

from __future__ import annotations

from extractor.blocks import Layout
from models import Metadata, Task, Unit


def collect_units(tasks: list[Task], layout: Layout, metadata: Metadata) -> list[Unit]:
    return []
