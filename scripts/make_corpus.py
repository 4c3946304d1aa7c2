"""Build the multi-format test corpus from the five seed plans in corpus/*.txt.

Usage (from the repository root; rerunnable, it rewrites every generated file):

    python scripts/make_corpus.py

For every seed `corpus/<stem>.txt` it writes

- `corpus/docx/<stem>.docx`: the plan as a Word file laid out the way Vietnamese offices write one
  (Decree 30 page and fonts): the header block (issuer and "Số:" left, national motto and place-date
  right) and the signature block ("Nơi nhận" left, signer right) as borderless two-column layout
  tables; the title centred and bold; section headings bold with Word AUTOMATIC numbering
  (numbering.xml abstractNum/num, `w:numPr` on the paragraph, the label not typed in the text);
  the task tables as real bordered Word tables, one Word row per seed row (continuation rows kept).
- `corpus/pdf/<stem>.pdf`: that DOCX converted by LibreOffice (headless, private profile).
- `corpus/html/003_01b55a5d3fb9d28a.html`: one plan that came from a web page, inside invented site
  chrome (menu, sidebar, visitor counter, poll, footer), the plan as <p>/<table>/<h3>/<strong>.
- `corpus/scan/004_733c3bcffdaa3c3d.pdf`: that PDF rendered with pypdfium2 at 300 dpi in grey, with
  seeded sensor noise, thresholded to black and white and saved by Pillow as an image-only PDF (one
  CCITT G4 image per page, no text layer), as office scanners make them.

Only the plan goes into these files: web-page clutter of the seed before the header block or title and
after the signature block is left out, as a Word original would not have it. The seed is parsed with
general rules (a title line "KẾ HOẠCH", heading labels "I.", "1.", "2-", "1.1.", tab-separated task rows,
"Nơi nhận" and the signer lines); `parse_plan` is also what tests/test_corpus.py compares readers with.

DOCX, HTML and scan bytes are deterministic (fixed zip timestamps, document properties and dates); the
PDFs differ between runs only in LibreOffice's creation date and document id. Needs LibreOffice (`soffice`),
python-docx, pypdfium2, numpy and Pillow.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
HTML_SEED = "003_01b55a5d3fb9d28a"
SCAN_SEED = "004_733c3bcffdaa3c3d"
SCAN_DPI = 300
SOFFICE_SECONDS = 300

# ---------------------------------------------------------------------------------------------------
# Parsing a seed into a plan model
# ---------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_TITLE = re.compile(r"KẾ HOẠCH\b")
_MOTTO = re.compile(r"CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM")
_MOTTO_SUB = re.compile(r"Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc")
_NUMBER_LINE = re.compile(r"Số\s*:")
_PLACE_DATE = re.compile(r"[^\d,]{2,40},\s*ngày\b|(ngày|tháng)\b.*\bnăm\s+\d{4}$")
_RECIPIENTS = re.compile(r"Nơi nhận\s*:?")
_ON_BEHALF = re.compile(r"(KT|TM|TL|TUQ|Q|T/M)\.?\s")
_HEADING = re.compile(
    r"(?P<label>(?P<roman>[IVX]{1,5})(?P<rsep>[.\-])"
    r"|(?P<arabic>\d{1,2}(?:\.\d{1,2}){1,3})(?P<msep>\.?)"
    r"|(?P<single>\d{1,2})(?P<ssep>[.\-]))\s+(?P<text>\S.*)"
)
_BOLD_MARK = re.compile(r"\*\*(.+?)\*\*")
_RULE = re.compile(r"[-_=.]{5,}")
_ROMAN = {"I": 1, "V": 5, "X": 10}


def clean(text: str) -> str:
    """The text of one line or cell as it is stored: NFC, spaces folded, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN[ch]
        total += -value if nxt in _ROMAN and _ROMAN[nxt] > value else value
    return total


@dataclass
class Heading:
    label: str
    """The visible label as the seed types it ("I.", "2-", "2.2.1.")."""
    values: tuple[int, ...]
    """Counter values the label shows, outermost first (roman I -> (1,), "2.2.1." -> (2, 2, 1))."""
    level: int
    """0 for roman numerals, n for n arabic components."""
    separator: str


@dataclass
class Paragraph:
    text: str
    """Text without the heading label; may hold **bold** spans copied from the seed."""
    heading: Heading | None = None
    role: str = "body"
    """"title", "subtitle", "rule", "heading" or "body"."""

    @property
    def line(self) -> str:
        """The paragraph as one text line, label included, as the seed has it."""
        return f"{self.heading.label} {self.text}" if self.heading else self.text


@dataclass
class Table:
    rows: list[list[str]]

    @property
    def width(self) -> int:
        return max(len(row) for row in self.rows)


@dataclass
class Plan:
    stem: str
    header_left: list[str] = field(default_factory=list)
    header_right: list[str] = field(default_factory=list)
    body: list[Paragraph | Table] = field(default_factory=list)
    footer_left: list[str] = field(default_factory=list)
    footer_right: list[str] = field(default_factory=list)


def _nonempty_lines(text: str) -> list[str]:
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.strip()]


def _tab_cells(raw: str) -> list[str] | None:
    return [clean(cell) for cell in raw.split("\t")] if "\t" in raw.strip(" ") else None


def _is_header_line(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(
        (letters and all(ch.isupper() for ch in letters))
        or _MOTTO_SUB.fullmatch(line)
        or _NUMBER_LINE.match(line)
        or _PLACE_DATE.match(line)
    )


def _is_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(word.isalpha() and word[0].isupper() for word in words)


def _heading(line: str) -> Heading | None:
    match = _HEADING.fullmatch(line)
    if match is None:
        return None
    if match["roman"]:
        return Heading(match["label"], (roman_value(match["roman"]),), 0, match["rsep"])
    if match["arabic"]:
        values = tuple(int(part) for part in match["arabic"].split("."))
        return Heading(match["label"], values, len(values), match["msep"])
    return Heading(match["label"], (int(match["single"]),), 1, match["ssep"])


def parse_plan(stem: str, text: str) -> Plan:
    """Split a seed into header block, body (paragraphs, headings, tables) and signature block."""
    raw_lines = _nonempty_lines(text)
    lines = [clean(line) for line in raw_lines]
    first_heading = next((i for i, line in enumerate(lines) if _heading(line)), len(lines))
    titles = [i for i, line in enumerate(lines[:first_heading]) if _TITLE.match(line)]
    title = titles[-1] if titles else 0

    plan = Plan(stem)
    start = title
    while start > 0 and _is_header_line(lines[start - 1]):
        start -= 1
    for line in lines[start:title]:
        # The motto and the place-date stand on the right, issuer and "Số:" on the left.
        right = _MOTTO.match(line) or _MOTTO_SUB.fullmatch(line) or _PLACE_DATE.match(line)
        (plan.header_right if right else plan.header_left).append(line)

    footer = next((i for i in range(title, len(lines)) if _RECIPIENTS.match(lines[i])), len(lines))
    end = footer
    if footer < len(lines):
        plan.footer_left.append(lines[footer])
        end = footer + 1
        while end < len(lines) and lines[end].startswith("-"):
            plan.footer_left.append(lines[end])
            end += 1
        while end < len(lines) and (_is_header_line(lines[end]) or _ON_BEHALF.match(lines[end])):
            plan.footer_right.append(lines[end])
            end += 1
        if plan.footer_right and end < len(lines) and _is_name(lines[end]):
            plan.footer_right.append(lines[end])
    plan.body = _parse_body(raw_lines[title:footer])
    return plan


def _parse_body(raw_lines: list[str]) -> list[Paragraph | Table]:
    body: list[Paragraph | Table] = []
    table: Table | None = None
    for index, raw in enumerate(raw_lines):
        line = clean(raw)
        cells = _tab_cells(raw)
        if cells is not None:
            filled = sum(1 for cell in cells if cell)
            if filled >= 2 or (table is not None and filled >= 1 and len(cells) == len(table.rows[-1])):
                if table is None:
                    table = Table([])
                    body.append(table)
                table.rows.append(cells)
                continue
        table = None
        if index == 0:
            body.append(Paragraph(line, role="title"))
        elif index == 1 and not _BOLD_MARK.search(raw_lines[0]) and clean(raw_lines[0]) == "KẾ HOẠCH":
            body.append(Paragraph(line, role="subtitle"))
        elif _RULE.fullmatch(line):
            body.append(Paragraph(line, role="rule"))
        elif (heading := _heading(line)) is not None:
            text = line[len(heading.label) :].strip()
            body.append(Paragraph(text, heading=heading, role="heading"))
        else:
            body.append(Paragraph(line))
    for item in body:
        if isinstance(item, Table):
            width = item.width
            item.rows = [row + [""] * (width - len(row)) for row in item.rows]
    return body


# ---------------------------------------------------------------------------------------------------
# Word automatic numbering
# ---------------------------------------------------------------------------------------------------


class Numbering:
    """Assign Word list numbers so that every heading shows exactly its seed label.

    One abstract list per label separator ("." or "-"); level 0 is upper roman, levels 1-4 decimal with
    multi-level labels ("%2.%3."). Headings continue the current list while Word's counting gives the
    seed's number; otherwise a new list instance starts at that number (w:lvlOverride/w:startOverride),
    as Word does after "Restart numbering". A multi-level label that cannot be reached by continuing
    stays typed in the text, as in real documents that mix automatic and typed numbers.
    """

    def __init__(self) -> None:
        self.abstracts: dict[str, int] = {}
        self.nums: list[tuple[int, int, dict[int, int]]] = []
        self.current: dict[str, int] = {}
        self.counters: dict[int, list[int | None]] = {}

    def assign(self, heading: Heading) -> int | None:
        """The numId for a heading, or None when its label must stay typed."""
        sep, level = heading.separator, heading.level
        num_id = self.current.get(sep)
        if num_id is not None:
            counters = list(self.counters[num_id])
            counters[level] = (counters[level] or 0) + 1
            counters[level + 1 :] = [None] * (len(counters) - level - 1)
            shown = counters[1 : level + 1] if level else counters[:1]
            if all(v is not None for v in shown) and tuple(shown) == heading.values:
                self.counters[num_id] = counters
                return num_id
        if len(heading.values) != 1:
            return None
        abstract = self.abstracts.setdefault(sep, len(self.abstracts))
        num_id = len(self.nums) + 1
        self.nums.append((num_id, abstract, {level: heading.values[0]}))
        counters = [None] * 5
        counters[level] = heading.values[0]
        self.counters[num_id] = counters
        self.current[sep] = num_id
        return num_id

    def xml(self) -> list[str]:
        """abstractNum and num elements, in schema order, for numbering.xml."""
        w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        parts = []
        for sep, abstract in self.abstracts.items():
            levels = []
            for ilvl in range(5):
                fmt = "upperRoman" if ilvl == 0 else "decimal"
                text = "%1" if ilvl == 0 else ".".join(f"%{k}" for k in range(2, ilvl + 2))
                levels.append(
                    f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                    f'<w:lvlText w:val="{text}{sep}"/><w:lvlJc w:val="left"/>'
                    '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr>'
                    '<w:rPr><w:b/></w:rPr></w:lvl>'
                )
            parts.append(
                f'<w:abstractNum {w} w:abstractNumId="{abstract}"><w:multiLevelType w:val="multilevel"/>'
                + "".join(levels)
                + "</w:abstractNum>"
            )
        for num_id, abstract, starts in self.nums:
            overrides = "".join(
                f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{value}"/></w:lvlOverride>'
                for ilvl, value in starts.items()
            )
            parts.append(
                f'<w:num {w} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{overrides}</w:num>'
            )
        return parts


# ---------------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------------

FIXED_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def build_docx(plan: Plan) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:cs"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(6)
    props = doc.core_properties
    props.author = props.last_modified_by = "vnplan corpus builder"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.title = plan.stem

    def add_runs(paragraph, text: str, bold: bool = False, italic: bool = False) -> None:  # noqa: ANN001
        # **x** in the seed is bold in the original: keep it as a bold run, not as asterisks.
        pos = 0
        for match in _BOLD_MARK.finditer(text):
            if match.start() > pos:
                run = paragraph.add_run(text[pos : match.start()])
                run.bold, run.italic = bold or None, italic or None
            run = paragraph.add_run(match[1])
            run.bold, run.italic = True, italic or None
            pos = match.end()
        if pos < len(text):
            run = paragraph.add_run(text[pos:])
            run.bold, run.italic = bold or None, italic or None

    def set_borders(table, value: str) -> None:  # noqa: ANN001
        borders = "".join(
            f'<w:{side} w:val="{value}" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(
            parse_xml(
                '<w:tblBorders xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"{borders}</w:tblBorders>"
            )
        )

    def layout_table(left: list[str], right: list[str], left_style, right_style, widths) -> None:  # noqa: ANN001
        table = doc.add_table(rows=1, cols=2)
        set_borders(table, "nil")
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid, which LibreOffice lays out by
        for column, (cell, lines, style) in enumerate(
            zip(table.rows[0].cells, (left, right), (left_style, right_style), strict=True)
        ):
            cell.width = widths[column]
            first = True
            for line in lines:
                paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                style(paragraph, line)
            if first:
                cell.paragraphs[0].text = ""

    def header_left(paragraph, line: str) -> None:  # noqa: ANN001
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        add_runs(paragraph, line, bold=not _NUMBER_LINE.match(line))
        for run in paragraph.runs:
            run.font.size = Pt(12)

    def header_right(paragraph, line: str) -> None:  # noqa: ANN001
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        add_runs(paragraph, line, bold=not _PLACE_DATE.match(line), italic=bool(_PLACE_DATE.match(line)))
        for run in paragraph.runs:
            run.font.size = Pt(12 if _MOTTO.match(line) else 13)

    def footer_left(paragraph, line: str) -> None:  # noqa: ANN001
        paragraph.paragraph_format.space_after = Pt(0)
        heading = _RECIPIENTS.match(line) is not None
        add_runs(paragraph, line, bold=heading, italic=heading)
        for run in paragraph.runs:
            run.font.size = Pt(11 if heading else 10)

    def footer_right(paragraph, line: str) -> None:  # noqa: ANN001
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        if _is_name(line):
            paragraph.paragraph_format.space_before = Pt(60)  # room for the signature and the seal
        add_runs(paragraph, line, bold=True)

    if plan.header_left or plan.header_right:
        layout_table(plan.header_left, plan.header_right, header_left, header_right, (Mm(68), Mm(102)))

    numbering = Numbering()
    for item in plan.body:
        if isinstance(item, Table):
            _add_task_table(doc, item, set_borders)
            continue
        paragraph = doc.add_paragraph()
        fmt = paragraph.paragraph_format
        if item.role in ("title", "subtitle", "rule"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(0 if item.role == "title" else 6)
            add_runs(paragraph, item.text, bold=item.role != "rule")
        elif item.heading is not None:
            num_id = numbering.assign(item.heading)
            # Short headings are bold; long numbered items are running text with an automatic number.
            bold = item.heading.level == 0 or len(item.text) <= 120
            if num_id is None:
                fmt.first_line_indent = Mm(10)
                add_runs(paragraph, item.line, bold=bold)
            else:
                p_pr = paragraph._p.get_or_add_pPr()
                p_pr.append(
                    parse_xml(
                        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                        f'<w:ilvl w:val="{item.heading.level}"/><w:numId w:val="{num_id}"/></w:numPr>'
                    )
                )
                add_runs(paragraph, item.text, bold=bold)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Mm(10)
            add_runs(paragraph, item.text)

    if plan.footer_left or plan.footer_right:
        doc.add_paragraph()
        layout_table(plan.footer_left, plan.footer_right, footer_left, footer_right, (Mm(85), Mm(80)))

    if numbering.nums:
        numbering_element = doc.part.numbering_part.element
        for existing in list(numbering_element):
            numbering_element.remove(existing)
        for part in numbering.xml():
            numbering_element.append(parse_xml(part))

    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _add_task_table(doc, table: Table, set_borders) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    word_table = doc.add_table(rows=len(table.rows), cols=table.width)
    set_borders(word_table, "single")
    word_table.autofit = False
    # Column widths follow the longest text of each column, within 165 mm of text width.
    longest = [max(len(row[col]) for row in table.rows) for col in range(table.width)]
    weights = [min(max(n, 6), 90) for n in longest]
    widths = [Mm(165 * w / sum(weights)) for w in weights]
    for column, width in zip(word_table.columns, widths, strict=True):
        column.width = width
    for r, (row, cells) in enumerate(zip(word_table.rows, table.rows, strict=True)):
        for c, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if longest[c] <= 6:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.font.size = Pt(12)
            run.bold = r == 0 or None


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so that rebuilding gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dest.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# PDF (LibreOffice) and scan
# ---------------------------------------------------------------------------------------------------


def convert_to_pdf(docx_files: list[Path], out_dir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("make_corpus: LibreOffice (soffice) is needed to make the PDFs")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vnplan-lo-") as profile, tempfile.TemporaryDirectory() as tmp:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            *map(str, docx_files),
        ]
        subprocess.run(command, check=True, timeout=SOFFICE_SECONDS, capture_output=True)
        for docx in docx_files:
            made = Path(tmp) / f"{docx.stem}.pdf"
            if not made.is_file():
                raise SystemExit(f"make_corpus: LibreOffice made no PDF for {docx.name}")
            shutil.move(str(made), out_dir / made.name)


def build_scan(pdf: Path) -> bytes:
    """An image-only PDF of `pdf`, like an office black-and-white scan: pages rendered in grey, seeded
    sensor noise, thresholded to 1 bit and stored CCITT G4 by Pillow (no text layer)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(20240101)
    pages: list[Image.Image] = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for page in document:
            grey = page.render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
            pixels = np.asarray(grey, dtype=np.int16) + rng.normal(0, 25, (grey.height, grey.width))
            ink = (pixels > 150).astype(np.uint8) * 255  # rough glyph edges and a few specks
            pages.append(Image.fromarray(ink, mode="L").convert("1", dither=Image.Dither.NONE))
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(
        out, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI,
        creationDate=FIXED_TIME.timetuple(), modDate=FIXED_TIME.timetuple(),
    )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# HTML in site chrome
# ---------------------------------------------------------------------------------------------------

_SITE_TOP = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Văn bản - Cổng thông tin điện tử Sở Nội vụ</title>
<link rel="stylesheet" href="/themes/portal/style.css">
<script src="/scripts/jquery.min.js"></script>
</head>
<body>
<div id="page">
<div id="banner"><a href="/"><img src="/images/logo.png" alt="Cổng thông tin điện tử Sở Nội vụ"></a>
<form class="search" action="/tim-kiem"><input type="text" name="q" placeholder="Tìm kiếm...">
<button type="submit">Tìm</button></form></div>
<ul id="menu">
<li><a href="/">Trang chủ</a></li>
<li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li>
<li><a href="/van-ban">Văn bản</a>
<ul><li><a href="/van-ban/trung-uong">Văn bản Trung ương</a></li>
<li><a href="/van-ban/dia-phuong">Văn bản địa phương</a></li></ul></li>
<li><a href="/cai-cach-hanh-chinh">Cải cách hành chính</a></li>
<li><a href="/lien-he">Liên hệ</a></li>
</ul>
<div id="columns">
<div id="sidebar">
<div class="box"><h4>Liên kết nhanh</h4>
<ul>
<li><a href="/lich-cong-tac">Lịch công tác tuần</a></li>
<li><a href="/thu-tuc">Bộ thủ tục hành chính</a></li>
<li><a href="/hoi-dap">Hỏi - Đáp pháp luật</a></li>
<li><a href="/tuyen-dung">Thông báo tuyển dụng</a></li>
<li><a href="https://chinhphu.vn">Cổng TTĐT Chính phủ</a></li>
</ul></div>
<div class="box"><h4>Bình chọn</h4>
<form action="/binh-chon" method="post"><p>Bạn tìm thông tin trên trang này có dễ không?</p>
<label><input type="radio" name="v" value="1"> Rất dễ</label><br>
<label><input type="radio" name="v" value="2"> Tạm được</label><br>
<label><input type="radio" name="v" value="3"> Khó tìm</label><br>
<button type="submit">Gửi ý kiến</button> <a href="/binh-chon/ket-qua">Xem kết quả</a></form></div>
<div class="box counter"><h4>Số lượt truy cập</h4>
<p>Hôm nay: 1.582</p><p>Tháng này: 40.917</p><p>Tổng cộng: 2.306.744</p><p>Đang trực tuyến: 23</p></div>
</div>
<div id="main">
<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/van-ban">Văn bản</a>
&raquo; Văn bản địa phương</div>
<div class="share"><a href="#" onclick="window.print()">In trang</a> | <a href="/gui-email">Gửi email</a></div>
<div class="article">
"""

_SITE_BOTTOM = """</div>
<div class="other-news"><h4>Các văn bản khác</h4>
<ul>
<li><a href="/van-ban/3120">Hướng dẫn xét tặng danh hiệu thi đua cuối năm</a></li>
<li><a href="/van-ban/3117">Thông báo lịch tiếp công dân quý I</a></li>
<li><a href="/van-ban/3109">Quyết định kiện toàn tổ công tác cải cách hành chính</a></li>
</ul></div>
</div>
</div>
<div id="footer"><p>Cơ quan chủ quản: Sở Nội vụ. Chịu trách nhiệm chính: Chánh Văn phòng Sở.</p>
<p>Điện thoại: 0222 3 800 800 - Email: sonoivu@example.gov.vn</p>
<p>Ghi rõ nguồn khi phát hành lại thông tin từ trang này.</p></div>
</div>
</body>
</html>
"""


def build_html(plan: Plan) -> str:
    """The plan as a page of a provincial web portal (invented chrome around the plan's own markup)."""
    e = html.escape

    def lines_html(lines: list[str], strong: bool) -> str:
        inner = "<br>\n".join(_BOLD_MARK.sub(r"<strong>\1</strong>", e(line)) for line in lines)
        return f"<strong>{inner}</strong>" if strong else inner

    parts: list[str] = []
    if plan.header_left or plan.header_right:
        parts.append(
            '<table class="layout" width="100%" border="0"><tr>'
            f'<td width="40%" align="center"><p>{lines_html(plan.header_left, True)}</p></td>'
            f'<td width="60%" align="center"><p>{lines_html(plan.header_right, True)}</p></td>'
            "</tr></table>"
        )
    for item in plan.body:
        if isinstance(item, Table):
            rows = []
            for index, row in enumerate(item.rows):
                tag = "th" if index == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{e(cell)}</{tag}>" for cell in row) + "</tr>")
            parts.append('<table border="1" cellspacing="0" cellpadding="4">\n' + "\n".join(rows) + "\n</table>")
        elif item.role in ("title", "subtitle"):
            parts.append(f'<p align="center"><strong>{lines_html([item.text], False)}</strong></p>')
        elif item.role == "rule":
            parts.append(f'<p align="center">{e(item.text)}</p>')
        elif item.heading is not None and item.heading.level == 0:
            parts.append(f"<h3>{e(item.line)}</h3>")
        elif item.heading is not None:
            parts.append(f"<p><strong>{e(item.line)}</strong></p>")
        else:
            parts.append(f"<p>{lines_html([item.text], False)}</p>")
    if plan.footer_left or plan.footer_right:
        parts.append(
            '<table class="layout" width="100%" border="0"><tr>'
            f'<td width="50%" valign="top"><p>{lines_html(plan.footer_left, False)}</p></td>'
            f'<td width="50%" align="center" valign="top"><p>{lines_html(plan.footer_right, True)}</p></td>'
            "</tr></table>"
        )
    return _SITE_TOP + "\n".join(parts) + "\n" + _SITE_BOTTOM


# ---------------------------------------------------------------------------------------------------


def seeds() -> Iterator[tuple[str, str]]:
    for path in sorted(CORPUS.glob("*.txt")):
        yield path.stem, path.read_text(encoding="utf-8")


def write_if_changed(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main() -> int:
    plans = {stem: parse_plan(stem, text) for stem, text in seeds()}
    if not plans:
        raise SystemExit(f"make_corpus: no seed plans in {CORPUS}")
    docx_files = []
    for stem, plan in plans.items():
        path = CORPUS / "docx" / f"{stem}.docx"
        write_if_changed(path, build_docx(plan))
        docx_files.append(path)
    convert_to_pdf(docx_files, CORPUS / "pdf")
    if HTML_SEED in plans:
        write_if_changed(CORPUS / "html" / f"{HTML_SEED}.html", build_html(plans[HTML_SEED]).encode("utf-8"))
    if SCAN_SEED in plans:
        write_if_changed(CORPUS / "scan" / f"{SCAN_SEED}.pdf", build_scan(CORPUS / "pdf" / f"{SCAN_SEED}.pdf"))
    for folder in ("docx", "pdf", "html", "scan"):
        for path in sorted((CORPUS / folder).glob("*")):
            print(f"{path.relative_to(ROOT)}\t{path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
