"""The document's own text as HTML for `vnplan show`: verbatim, never re-tokenized.

The PlanDocument's `text` is one block a line; a table row is its cells joined by tabs (a paragraph never
holds a tab: `clean_text` folds them), so consecutive lines with tabs and the same number of cells are
drawn as one HTML table. Highlights are character-offset spans (tasks, citations, units, dates) nested
into valid HTML: a span crossing the end of an enclosing one is split there, and each piece is clipped
to its line or cell. Every character of `text` is written once, escaped, in order; markup only wraps it.
"""

from __future__ import annotations

import heapq
import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from models import PlanDocument

# Outer to inner when two spans start and end at the same place.
PRIORITY = {"task": 0, "citation": 1, "unit": 2, "date": 3}


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    kind: str
    anchor: str
    """Element id of the span's first piece (ours, never an id from the document)."""
    href: str | None = None
    title: str | None = None
    css: str = ""
    badge: str | None = None
    """Short label drawn before the first piece (CSS generated content, so not part of the text)."""
    badge_href: str | None = None


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    heading: int | None = None
    """Section level when a section starts on this line."""


@dataclass(slots=True)
class Table:
    rows: list[list[tuple[int, int]]] = field(default_factory=list)
    """Each row's cells as (start, end) offsets into the text."""
    continued: bool = False
    """True for the part of a table after a page break."""

    @property
    def start(self) -> int:
        return self.rows[0][0][0]


Block = Paragraph | Table


def blocks_of(doc: PlanDocument) -> list[Block]:
    """Paragraph lines and tables, in text order, with their offsets."""
    heading_levels = {s.start: s.level for s in doc.sections}
    blocks: list[Block] = []
    offset = 0
    for line in doc.text.split("\n"):
        if "\t" in line:
            cells: list[tuple[int, int]] = []
            pos = offset
            for cell in line.split("\t"):
                cells.append((pos, pos + len(cell)))
                pos += len(cell) + 1
            last = blocks[-1] if blocks else None
            # A grid has the same number of cells on every row: another count is another table.
            if isinstance(last, Table) and len(last.rows[-1]) == len(cells):
                last.rows.append(cells)
            else:
                blocks.append(Table([cells]))
        elif line.strip():
            blocks.append(Paragraph(offset, offset + len(line), heading_levels.get(offset)))
        offset += len(line) + 1
    return blocks


def by_page(doc: PlanDocument, blocks: list[Block]) -> list[tuple[int | None, list[Block]]]:
    """Blocks grouped by the page their first character lies on; one group without a page number for
    formats without pages. A table running over a page break is split at the break."""
    if not doc.pages:
        return [(None, blocks)]
    starts = sorted((p.start, p.number) for p in doc.pages)

    def page_of(offset: int) -> int:
        number = starts[0][1]
        for start, page in starts:
            if start > offset:
                break
            number = page
        return number

    groups: list[tuple[int | None, list[Block]]] = []
    for block in blocks:
        pieces: Iterable[tuple[int, Block]]
        if isinstance(block, Table):
            split: list[tuple[int, Block]] = []
            for row in block.rows:
                page = page_of(row[0][0])
                if split and split[-1][0] == page:
                    table = split[-1][1]
                    assert isinstance(table, Table)
                    table.rows.append(row)
                else:
                    split.append((page, Table([row], continued=bool(split) or block.continued)))
            pieces = split
        else:
            pieces = [(page_of(block.start), block)]
        for page, piece in pieces:
            if groups and groups[-1][0] == page:
                groups[-1][1].append(piece)
            else:
                groups.append((page, [piece]))
    return groups


class TextRenderer:
    """Renders ranges of one document's text with its highlights; remembers which anchors it wrote, so
    a span split over lines or cells carries its id (and badge) on its first piece only."""

    def __init__(self, text: str, highlights: list[Highlight]) -> None:
        self.text = text
        self.highlights = sorted(highlights, key=lambda h: (h.start, -h.end, PRIORITY.get(h.kind, 9)))
        self._written: set[str] = set()

    def _within(self, start: int, end: int) -> Iterator[Highlight]:
        for h in self.highlights:
            if h.start >= end:
                break
            if h.end > start and h.end > h.start:
                yield h

    def render(self, start: int, end: int) -> str:
        """HTML of text[start:end] with every highlight overlapping it, properly nested."""
        queue: list[tuple[int, int, int, int, Highlight]] = []
        for seq, h in enumerate(self._within(start, end)):
            a, b = max(h.start, start), min(h.end, end)
            heapq.heappush(queue, (a, -b, PRIORITY.get(h.kind, 9), seq, h))
        out: list[str] = []
        stack: list[tuple[int, str]] = []  # (end of each open piece, its closing tag)
        pos = start
        seq = len(queue)
        while queue:
            a, neg_b, prio, _, h = heapq.heappop(queue)
            b = -neg_b
            while stack and stack[-1][0] <= a:
                pos = self._close(out, stack, pos)
            out.append(html.escape(self.text[pos:a]))
            pos = a
            if stack and b > stack[-1][0]:  # crosses the end of the enclosing piece: split there
                seq += 1
                heapq.heappush(queue, (stack[-1][0], -b, prio, seq, h))
                b = stack[-1][0]
            opening, tag = self._open(h, inside_link=any(t == "a" for _, t in stack))
            out.append(opening)
            stack.append((b, tag))
        while stack:
            pos = self._close(out, stack, pos)
        out.append(html.escape(self.text[pos:end]))
        return "".join(out)

    def _close(self, out: list[str], stack: list[tuple[int, str]], pos: int) -> int:
        b, tag = stack.pop()
        out.append(html.escape(self.text[pos:b]))
        out.append(f"</{tag}>")
        return b

    def _open(self, h: Highlight, inside_link: bool) -> tuple[str, str]:
        """The opening tag of one piece of `h`, and its tag name."""
        first = h.anchor not in self._written
        self._written.add(h.anchor)
        classes = " ".join(c for c in (h.kind, h.css, "" if first else "cont") if c)
        attrs = [f'class="{html.escape(classes, quote=True)}"']
        if first:
            attrs.append(f'id="{html.escape(h.anchor, quote=True)}"')
        if h.title:
            attrs.append(f'title="{html.escape(h.title, quote=True)}"')
        tag = "span"
        if h.href and not inside_link:  # a link inside a link is not HTML: the inner one stays a span
            tag = "a"
            attrs.append(f'href="{html.escape(h.href, quote=True)}"')
        opening = f"<{tag} {' '.join(attrs)}>"
        if first and h.badge:
            label = html.escape(h.badge, quote=True)
            if h.badge_href and not inside_link:
                target = html.escape(h.badge_href, quote=True)
                opening = f'<a class="badge" href="{target}" data-n="{label}" aria-label="{label}"></a>' + opening
            else:
                opening = f'<span class="badge" data-n="{label}"></span>' + opening
        return opening, tag
