""".html / .htm: the page's main content only, as paragraphs and table rows.

Main-content extraction is readability-lxml's (site navigation, sidebars, polls and footers removed). It
keeps the article's own markup, which matters here: trafilatura, tried first, joins the `<br>`-separated
lines of a header cell ("UBND TỈNH X<br>SỞ Y<br>Số: 12/KH-SY") into one line. We then walk that markup:
block elements become paragraphs (split at `<br>`), data tables become rows, and the borderless tables
that lay out the header and signature blocks become paragraphs with a region, as in the DOCX reader.

The page is decoded by its BOM or declared charset, characters XML cannot hold are dropped, and it is
parsed once to measure nesting depth and size on the tree the later steps see (a page nested 100,000
tags deep is a clear error, not a recursion failure; content nested under the limit is kept: libxml2's
own cut at 256 levels is raised). readability's log becomes the result's warnings, never stderr.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from extractor.base.blocks import Block, ReadResult
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.base.normalize import clean_text
from extractor.vocab.frame_lines import layout_kind

_BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 li blockquote pre section article header footer dd dt center".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
# Characters XML cannot hold (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF): lxml
# refuses to put them in a tree ("All strings must be XML compatible"), so they are dropped first.
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _xml_compatible(text: str) -> str:
    """The page without the characters XML cannot hold, written out or as character references."""

    def reference(match: re.Match[str]) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        bad = code > 0x10FFFF or (code < 0x20 and code not in (9, 10, 13)) or 0xD800 <= code <= 0xDFFF
        return "" if bad or code in (0xFFFE, 0xFFFF) else match.group(0)

    return _CHARREF.sub(reference, _XML_INCOMPATIBLE.sub("", text))


def _parser() -> lxml_html.HTMLParser:
    """libxml2's HTML parser with its own depth cap raised from 256 to 2048 (`huge_tree`), above our
    limit: without it, content nested 256 deep is silently cut off."""
    return lxml_html.HTMLParser(encoding="utf-8", huge_tree=True)


def parse_page(text: str) -> lxml_html.HtmlElement:
    """The page as an lxml tree, parsed the way readability does but without libxml2's depth cut."""
    return lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=_parser())


def check_tree(text: str, limits: Limits) -> None:
    """Measure nesting depth and element count on the parsed tree, as the later steps will see it."""
    parser = _parser()
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError:  # an empty document: readability reports it below
        return
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise LimitExceeded(f"HTML nested more than {limits.html_depth} elements deep")
    depth = deepest = count = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            count += 1
            if depth > deepest:
                deepest = depth
                if deepest > limits.html_depth:
                    raise LimitExceeded(f"HTML nested more than {limits.html_depth} elements deep")
            if count > limits.html_elements:
                raise LimitExceeded(f"HTML page has more than {limits.html_elements} elements")
        else:
            depth -= 1


class _Readability:
    """readability's Document with our parser, and its log collected as warnings (not printed)."""

    def __init__(self) -> None:
        from readability import Document

        class _Document(Document):
            def _parse(self, input):  # noqa: ANN001, ANN202, A002 - readability's signature
                return super()._parse(parse_page(input) if isinstance(input, str) else input)

        self.document_class = _Document

    def summary(self, text: str, warnings: list[tuple[str, str]]) -> str:
        logger = logging.getLogger("readability")
        handler = _Collect(warnings)
        propagate = logger.propagate
        logger.addHandler(handler)
        logger.propagate = False
        try:
            return str(self.document_class(text).summary(html_partial=True))
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate


class _Collect(logging.Handler):
    def __init__(self, warnings: list[tuple[str, str]]) -> None:
        super().__init__(logging.WARNING)
        self.warnings = warnings

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message = f"{message} {type(exc).__name__}: {exc}".strip()
        self.warnings.append(("html-readability", clean_text(message)[:300]))


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
    text = _xml_compatible(text)
    check_tree(text, limits)
    warnings: list[tuple[str, str]] = []
    try:
        article = _Readability().summary(text, warnings)
    except VnplanError:  # the document's time limit
        raise
    except MemoryError:
        raise
    except Exception as exc:  # readability raises its own Unparseable and lxml errors on broken pages
        raise VnplanError(f"not a readable HTML page ({type(exc).__name__})") from None
    try:
        root = lxml_html.fragment_fromstring(article, create_parent="div", parser=_parser())
    except (etree.ParserError, AssertionError):  # nothing left (an unclosed <script> swallows the page)
        root = lxml_html.Element("div")
    _check_table_cells(root, limits)
    return ReadResult(blocks=_Walker().walk(root), format="html", encoding=encoding, warnings=warnings)


def _check_table_cells(root: lxml_html.HtmlElement, limits: Limits) -> None:
    """Estimate the rows x columns of every table from its spans before any grid is built."""
    total = 0
    for table in root.iter("table"):
        cells = sum(_int(cell.get("colspan")) for row in table.iter("tr") for cell in row
                    if cell.tag in ("td", "th"))
        if cells > limits.table_cells:
            raise LimitExceeded(f"table of {cells} cells, over the limit of {limits.table_cells}")
        total += cells
        if total > limits.table_cells:
            raise LimitExceeded(f"tables of {total} cells in all, over the limit of {limits.table_cells}")


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
    """Tables and the innermost block elements holding text, in document order (walked with a stack, not
    recursion: a page may nest up to the depth limit)."""
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child.tag, str):
            continue
        if child.tag == "table":
            yield child
        elif child.tag in ("ul", "ol", "dl") or (child.tag in _BLOCK and _has_block_child(child)):
            if (child.text or "").strip():
                yield _text_only(child)
            stack.append(iter(child))
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
    """The element's text split at <br> and nested block boundaries, each line cleaned (walked with a
    stack of steps, not recursion)."""
    parts: list[str] = [""]
    stack: list[tuple[str, object, bool]] = [("node", element, False)]
    while stack:
        step, value, nested = stack.pop()
        if step == "text":
            parts[-1] += value  # type: ignore[operator]
            continue
        if step == "break":
            parts.append("")
            continue
        node: lxml_html.HtmlElement = value
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            parts[-1] += " "
            continue
        block = nested and tag in _BLOCK  # a block inside the element starts and ends a line
        if block:
            parts.append("")
        parts[-1] += node.text or ""
        steps: list[tuple[str, object, bool]] = []
        for child in node:
            if isinstance(child.tag, str) and child.tag == "br":
                steps.append(("break", None, False))
            else:
                steps.append(("node", child, True))
            steps.append(("text", child.tail or "", False))
        if block:
            steps.append(("break", None, False))
        stack.extend(reversed(steps))
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
