"""Drop web-page clutter pasted around a plan (menus, counters, polls), by where it stands relative to the
document's own structure: before its first header or title line, after its signature block.

Placeholder: keeps every block until the structure stage lands.
"""

from __future__ import annotations

from extractor.blocks import Block


def trim_clutter(blocks: list[Block]) -> list[Block]:
    return blocks
