"""Legal citations: find, normalize, resolve.

Placeholder until the citation stage lands.
"""

from __future__ import annotations

from extractor.blocks import Layout
from models import Citation, Metadata, Section


def find_citations(layout: Layout, sections: list[Section], metadata: Metadata) -> list[Citation]:
    return []
