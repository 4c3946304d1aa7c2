""".html / .htm: the page's main content only, as paragraphs and table rows.

Main-content extraction is readability-lxml's (site navigation, sidebars, polls and footers removed). It
keeps the article's own markup, which matters here: trafilatura, tried first, joins the `<br>`-separated
lines of a header cell ("UBND TỈNH X<br>SỞ Y<br>Số: 12/KH-SY") into one line. We then walk that markup:
block elements become paragraphs (split at `<br>`), data tables become rows, and the borderless tables
that lay out the header and signature blocks become paragraphs with a region, as in the DOCX reader.

The page is checked for nesting depth before any parser sees it (a page nested 100,000 tags deep must be
a clear error, not a recursion failure), and decoded by its BOM or declared charset.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from lxml import html as lxml_html

from extractor.base.blocks import Block, ReadResult
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.base.normalize import clean_text
from extractor.vocab.frame_lines import layout_kind

_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 li blockquote pre section article header footer dd dt center".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


class _DepthCheck(HTMLParser):
    """Streams the page and stops as soon as its element nesting passes the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag not in _VOID:
            self.depth += 1
            if self.depth > self.limit:
                raise LimitExceeded(f"HTML nested more than {self.limit} elements deep")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.depth:
            self.depth -= 1


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding) by BOM, then the declared charset, then UTF-8, then Windows-1258."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name.replace("-sig", "")
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace"), "cp1258"


def read(path: Path, limits: Limits) -> ReadResult:
    text, encoding = decode_html(path.read_bytes())
    checker = _DepthCheck(limits.html_depth)
    checker.feed(text)
    checker.close()
    from readability import Document

    try:
        article = Document(text).summary(html_partial=True)
    except VnplanError:  # the document's time limit
        raise
    except Exception as exc:  # readability raises its own Unparseable and lxml errors on broken pages
        raise VnplanError(f"not a readable HTML page ({type(exc).__name__})") from None
    root = lxml_html.fragment_fromstring(article, create_parent="div")
    return ReadResult(blocks=_Walker().walk(root), format="html", encoding=encoding)


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0
        self.body_started = False

    def walk(self, root: lxml_html.HtmlElement) -> list[Block]:
        elements = list(_top_items(root))
        for index, element in enumerate(elements):
            if element.tag == "table":
                self.table(element, has_text_after=any(_text(e) for e in elements[index + 1:]))
            else:
                self.paragraph(element)
        return self.blocks

    def paragraph(self, element: lxml_html.HtmlElement, region: str | None = None) -> None:
        bold = _all_bold(element)
        style = element.tag if element.tag in _HEADINGS else None
        align = (element.get("align") or "").lower() or None
        for line in _lines(element):
            if line:
                self.blocks.append(Block(kind="paragraph", text=line, bold=bold or style is not None,
                                         style=style, align=align, region=region))
                if region is None:
                    self.body_started = True

    def table(self, table: lxml_html.HtmlElement, has_text_after: bool) -> None:
        rows = [[cell for cell in row if cell.tag in ("td", "th")] for row in table.iter("tr")]
        rows = [row for row in rows if row]
        if not rows:
            return
        lines = [line for row in rows for cell in row for line in _lines(cell) if line]
        kind = layout_kind(lines, len(rows), max(map(len, rows)), self.body_started, has_text_after)
        if kind:
            for row in rows:
                for column, cell in enumerate(row):
                    side = "left" if column < max(len(row) - 1, 1) or len(row) == 1 else "right"
                    self.paragraph(cell, region=f"{kind}-{side}")
            return
        index = self.tables
        self.tables += 1
        for row_index, row in enumerate(rows):
            cells: list[str] = []
            for cell in row:
                cells.append(clean_text(" ".join(_lines(cell))))
                cells.extend([""] * (_int(cell.get("colspan")) - 1))
            self.blocks.append(Block(kind="row", cells=cells, table=index, row=row_index))
        self.body_started = True


MAX_COLSPAN = 1000  # the HTML standard's own cap


def _int(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_COLSPAN)
    except ValueError:
        return 1


def _top_items(root: lxml_html.HtmlElement):  # noqa: ANN202 - an iterator of elements
    """Tables and the innermost block elements holding text, in document order."""
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "table":
            yield child
        elif child.tag in ("ul", "ol", "dl") or (child.tag in _BLOCK and _has_block_child(child)):
            if (child.text or "").strip():
                yield _text_only(child)
            yield from _top_items(child)
        elif child.tag in _BLOCK or child.tag in ("span", "strong", "b", "em", "i", "a", "font"):
            yield child


def _has_block_child(element: lxml_html.HtmlElement) -> bool:
    return any(isinstance(c.tag, str) and (c.tag in _BLOCK or c.tag in ("table", "ul", "ol")) for c in element)


def _text_only(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element's own leading text as a paragraph (for a div that mixes text and blocks)."""
    paragraph = lxml_html.Element("p")
    paragraph.text = element.text
    return paragraph


def _lines(element: lxml_html.HtmlElement) -> list[str]:
    """The element's text split at <br> and nested block boundaries, each line cleaned."""
    parts: list[str] = [""]

    def visit(node: lxml_html.HtmlElement, nested: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            parts[-1] += " "
            return
        block = nested and tag in _BLOCK  # a block inside the element starts and ends a line
        if block:
            parts.append("")
        parts[-1] += node.text or ""
        for child in node:
            if isinstance(child.tag, str) and child.tag == "br":
                parts.append("")
            else:
                visit(child, nested=True)
            parts[-1] += child.tail or ""
        if block:
            parts.append("")

    visit(element, nested=False)
    return [line for line in (clean_text(part) for part in parts) if line]


def _text(element: lxml_html.HtmlElement) -> str:
    return clean_text(element.text_content() or "")


def _all_bold(element: lxml_html.HtmlElement) -> bool:
    """True when all the element's text sits inside <strong>/<b> (or a heading)."""
    total = _text(element)
    if not total:
        return False
    bold = " ".join(_text(e) for e in element.iter("strong", "b"))
    return len(clean_text(bold).replace(" ", "")) >= len(total.replace(" ", ""))
