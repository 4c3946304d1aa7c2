"""Metadata: header block, title, place and date, signer and recipients.

Placeholder until the structure stage lands.
"""

from __future__ import annotations

from extractor.blocks import Layout
from models import Metadata, Section, Warning


def extract_metadata(layout: Layout, sections: list[Section]) -> tuple[Metadata, list[str], list[Warning]]:
    return Metadata(), [], []
