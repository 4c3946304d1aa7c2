"""The format-independent block model that every reader produces.

A reader turns a file into a list of `Block`s in reading order: paragraphs (with any visible list label
that Word's automatic numbering would draw) and table rows (with their cells). `assemble` lays the
blocks out into one plain text, one block per line, cells separated by tabs, and records where every
block and cell lies in it, so later stages read `Layout.text` and never care about the input format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "row"]


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    """Paragraph text without its list label; for rows, filled by `assemble` with the tab-joined cells."""
    label: str | None = None
    """Visible list label of an automatically numbered paragraph ("I.", "1.", "a)"), else None."""
    cells: list[str] | None = None
    """Row cells on the table's grid: a merged cell appears once, at its first column, and the columns it
    spans (or continues, when merged vertically) are empty strings, so columns line up across rows."""
    page: int | None = None
    """1-based page number, for paged formats."""
    table: int | None = None
    """Index of the table this row belongs to (0-based, per document); None for paragraphs."""
    row: int | None = None
    """Row index within its table."""
    cell_lines: list[list[str]] | None = None
    """For rows, each cell's paragraphs as the source laid them out (empty ones kept, since they align a
    unit column with the bullets of its content column); None where the format gives no paragraphs."""
    bold: bool = False
    """True when the whole paragraph is bold (formatting hint for headings whose number was lost)."""
    italic: bool = False
    align: str | None = None
    """"center", "right", "left", "justify" when the format says so."""
    style: str | None = None
    """Paragraph style name where the format has one ("Heading 1", "Title")."""
    region: str | None = None
    """Layout region for blocks of the header or signature block laid side by side in the source:
    "header-left", "header-right", "footer-left", "footer-right"; None for the running body."""
    ocr: bool = False
    confidence: float | None = None
    """For OCR'd blocks, the lowest Tesseract confidence of the block's words, 0-1 (a row: of all its
    cells' words); None for text read from a text layer or a block whose words could not be traced."""
    word_confidence: list[float | None] | None = None
    """For OCR'd paragraphs, the confidence (0-1, None where not traced) of each whitespace-separated word
    of `line` in order, so a rule can judge one value's own words rather than the block's weakest."""
    # Filled by `assemble`:
    start: int = -1
    end: int = -1
    cell_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def line(self) -> str:
        """The block as it stands in the assembled text."""
        if self.kind == "row":
            return "\t".join(self.cells or [])
        if self.label:
            return f"{self.label} {self.text}" if self.text else self.label
        return self.text


@dataclass(slots=True)
class ReadResult:
    """What a reader returns: blocks plus facts about the source."""

    blocks: list[Block]
    format: str
    pages: int | None = None
    ocr: bool = False
    encoding: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(code, message) pairs, e.g. ("legacy-encoding", "TCVN3 text converted")."""
    repaired_pages: list[int] = field(default_factory=list)
    """1-based pages whose text layer was judged wrong and repaired (a glyph map, a legacy table)."""
    ocr_pages: list[int] = field(default_factory=list)
    """1-based pages whose text came from OCR (scans, and text layers judged wrong that repair could not fix)."""


@dataclass(slots=True)
class PageSpan:
    number: int
    start: int
    end: int


@dataclass(slots=True)
class Layout:
    """The assembled document: text plus blocks carrying their offsets into it."""

    text: str
    blocks: list[Block]
    pages: list[PageSpan]


LOW_CONFIDENCE = 0.5
"""Tesseract word confidence (0-1) below which an OCR'd value counts as unread: a metadata value is then
null and a citation's number is kept with a `low-confidence` warning (chosen on corpus/wild's tune split)."""


def span_confidence(block: Block, start: int, end: int) -> float | None:
    """The lowest OCR confidence (0-1) of the block's words that overlap `block.line[start:end]`.

    Judged per word where the block carries its words' confidences (and they still match its words),
    else by the block's own lowest; None for text not read by OCR or words not traced."""
    words = block.word_confidence
    spans = [m.span() for m in _WORD_RE.finditer(block.line)] if words is not None else []
    if words is None or len(spans) != len(words):
        return block.confidence if block.ocr else None
    found = [conf for (lo, hi), conf in zip(spans, words, strict=True) if conf is not None and lo < end and start < hi]
    return min(found) if found else None


_WORD_RE = re.compile(r"\S+")


def assemble(blocks: list[Block]) -> Layout:
    """Lay blocks out one per line and record every block's and cell's offsets.

    Empty paragraphs are dropped (they carry no text and only blur line-based rules); rows are kept
    even when empty so table structure survives.
    """
    parts: list[str] = []
    kept: list[Block] = []
    pos = 0
    for block in blocks:
        if block.kind == "paragraph" and not block.line.strip():
            continue
        line = block.line
        block.start = pos
        block.end = pos + len(line)
        block.text = line if block.kind == "row" else block.text
        block.cell_spans = []
        if block.kind == "row":
            cell_pos = pos
            for cell in block.cells or []:
                block.cell_spans.append((cell_pos, cell_pos + len(cell)))
                cell_pos += len(cell) + 1
        parts.append(line)
        kept.append(block)
        pos += len(line) + 1
    text = "\n".join(parts)
    return Layout(text=text, blocks=kept, pages=_page_spans(kept, len(text)))


def _page_spans(blocks: list[Block], text_len: int) -> list[PageSpan]:
    spans: list[PageSpan] = []
    for block in blocks:
        if block.page is None:
            continue
        if spans and spans[-1].number == block.page:
            spans[-1].end = block.end
        else:
            spans.append(PageSpan(block.page, block.start, block.end))
    return spans
