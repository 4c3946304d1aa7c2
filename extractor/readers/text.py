"""Plain text (.txt): UTF-8 (with or without BOM), UTF-16, cp1258 and legacy encodings; always NFC.

Lines holding tab-separated cells become table rows, as text copied from a Word table keeps them.
"""

from __future__ import annotations

from pathlib import Path

from extractor.base.blocks import Block, ReadResult
from extractor.base.limits import Limits
from extractor.base.normalize import clean_text
from extractor.readers.encodings import decode_bytes


def read(path: Path, limits: Limits) -> ReadResult:
    text, encoding = decode_bytes(path.read_bytes())
    return ReadResult(blocks=blocks_from_text(text), format="txt", encoding=encoding)


def blocks_from_text(text: str) -> list[Block]:
    """Split text into paragraph and row blocks (one per non-empty line)."""
    blocks: list[Block] = []
    table = -1
    row_index = 0
    previous_row: Block | None = None
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        cells = [clean_text(cell) for cell in raw.split("\t")] if "\t" in raw.strip(" ") else None
        if cells is not None and _is_row(cells, previous_row):
            if previous_row is None:
                table += 1
                row_index = 0
            block = Block(kind="row", cells=cells, table=table, row=row_index)
            row_index += 1
            previous_row = block
        else:
            block = Block(kind="paragraph", text=clean_text(raw))
            previous_row = None
        blocks.append(block)
    return blocks


def _is_row(cells: list[str], previous_row: Block | None) -> bool:
    """A tab line is a row when it has two filled cells, or continues a row of the same width."""
    filled = sum(1 for cell in cells if cell)
    if filled >= 2:
        return True
    return previous_row is not None and filled >= 1 and len(cells) == len(previous_row.cells or [])
