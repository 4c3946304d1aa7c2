"""The same plan read from .txt, .docx, .pdf (and .html) gives the same paragraphs and table rows; OCR of
the scanned copy stays close to the source text.

The generated files come from scripts/make_corpus.py, whose `parse_plan` is the model of what each
fixture holds: header block, body (paragraphs, headings, task rows) and signature block of the seed.
Every reader's blocks are compared with that model after a light normalization (`norm`): NFC, dash
look-alikes to "-", runs of white space to one space, the seed's markdown bold markers dropped (plain
text's way of writing what the other formats show as a bold run).

Exact: the body, block by block, as one contiguous run (every paragraph's text with its visible list
label, every table row's cells). Tolerated, because it is genuinely format-dependent: the header block
(issuer | motto, "Số" | place-date) and the signature block ("Nơi nhận" | signer) are laid out side by
side, so their lines are compared as a multiset, and a reader may give them as paragraphs or as
layout-table cells. The .txt and .html copies keep the web page around the plan, so only there may
other blocks precede the header block or follow the signature block.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from extractor.base.blocks import Layout, assemble
from extractor.base.normalize import DASHES
from extractor.readers import READERS, read
from tests.conftest import CORPUS, ROOT, need, need_program

STEMS = sorted(path.stem for path in CORPUS.glob("*.txt"))
MAX_CER = 0.03

_DASH = re.compile(f"[{DASHES}]")
_SPACE = re.compile(r"\s+")


_SPACED_HYPHEN = re.compile(r"(?<=\w)- (?=\w)")


def norm(text: str) -> str:
    """NFC, bold markers dropped, dashes and whitespace folded, and a space after a glued hyphen folded
    ("2016- 2020" = "2016-2020"), as the guidelines' comparisons fold spacing around "-": a typed space
    after a hyphen and a line broken after it look the same on a printed page."""
    text = unicodedata.normalize("NFC", text).replace("**", "")
    return _SPACED_HYPHEN.sub("-", _SPACE.sub(" ", _DASH.sub("-", text))).strip()


@cache
def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "scripts" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


Unit = tuple[str, ...]
"""("p", text) for a paragraph line, ("row", cell, cell, ...) for a table row."""


@dataclass
class Expected:
    header: Counter[str]
    body: list[Unit]
    footer: Counter[str]
    text: str
    """The whole plan as normalized text (header, body, signature), for the OCR comparison."""


@cache
def expected(stem: str) -> Expected:
    make_corpus = builder()
    plan = make_corpus.parse_plan(stem, (CORPUS / f"{stem}.txt").read_text(encoding="utf-8"))
    body: list[Unit] = []
    lines: list[str] = [*plan.header_left, *plan.header_right]
    for item in plan.body:
        if isinstance(item, make_corpus.Table):
            body.extend(("row", *(norm(cell) for cell in row)) for row in item.rows)
            lines.extend(" ".join(cell for cell in row if cell) for row in item.rows)
        else:
            body.append(("p", norm(item.line)))
            lines.append(item.line)
    lines += [*plan.footer_left, *plan.footer_right]
    return Expected(
        header=Counter(norm(line) for line in plan.header_left + plan.header_right),
        body=body,
        footer=Counter(norm(line) for line in plan.footer_left + plan.footer_right),
        text=norm(" ".join(lines)),
    )


def units_of(layout: Layout) -> list[Unit]:
    units: list[Unit] = []
    for block in layout.blocks:
        if block.kind == "row":
            units.append(("row", *(norm(cell) for cell in block.cells or [])))
        elif norm(block.line):
            units.append(("p", norm(block.line)))
    return units


def side_by_side_lines(units: list[Unit]) -> Counter[str]:
    """Lines of a header or signature block, whether read as paragraphs or as layout-table cells."""
    lines: Counter[str] = Counter()
    for unit in units:
        for piece in unit[1:]:
            lines.update(norm(line) for line in piece.split("\n") if norm(line))
    return lines


def need_reader(fmt_suffix: str) -> None:
    module = READERS[fmt_suffix][0]
    need(importlib.util.find_spec(module) is not None, f"reader {module} is not written yet")


def describe(got: list[Unit], want: list[Unit]) -> str:
    """The first differences between a reader's blocks and the expected ones, for the failure message."""
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, got, want, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.append(f"  {tag}: expected {want[j1:j2][:3]!r}\n  {' ' * len(tag)}  got      {got[i1:i2][:3]!r}")
        if len(out) == 6:
            break
    return "\n".join(out)


def check_same_plan(path: Path, stem: str, web_page: bool) -> None:
    want = expected(stem)
    got = units_of(assemble(read(path).blocks))
    n = len(want.body)
    starts = [i for i in range(len(got) - n + 1) if got[i : i + n] == want.body]
    assert starts, f"{path.name}: body differs from the seed's\n{describe(got, want.body)}"
    start = starts[0]
    before, after = got[:start], got[start + n :]
    if web_page:  # the page around the plan stays in the text; the blocks next to the body must match
        before = before[len(before) - sum(want.header.values()) :] if want.header else []
        after = after[: sum(want.footer.values())]
    assert side_by_side_lines(before) == want.header, (
        f"{path.name}: header block\n  expected {sorted(want.header.elements())}\n"
        f"  got      {sorted(side_by_side_lines(before).elements())}"
    )
    assert side_by_side_lines(after) == want.footer, (
        f"{path.name}: signature block\n  expected {sorted(want.footer.elements())}\n"
        f"  got      {sorted(side_by_side_lines(after).elements())}"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_txt_reader_matches_the_seed_model(stem: str) -> None:
    check_same_plan(CORPUS / f"{stem}.txt", stem, web_page=True)


@pytest.mark.parametrize("stem", STEMS)
def test_docx_reads_as_the_seed(stem: str) -> None:
    need_reader(".docx")
    check_same_plan(CORPUS / "docx" / f"{stem}.docx", stem, web_page=False)


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_reads_as_the_seed(stem: str) -> None:
    need_reader(".pdf")
    check_same_plan(CORPUS / "pdf" / f"{stem}.pdf", stem, web_page=False)


@pytest.mark.parametrize("path", sorted((CORPUS / "html").glob("*.html")), ids=lambda p: p.stem)
def test_html_reads_as_the_seed(path: Path) -> None:
    need_reader(".html")
    check_same_plan(path, path.stem, web_page=True)


def test_docx_headings_use_word_automatic_numbering() -> None:
    """The fixtures carry real list numbering: numbering.xml definitions, numPr on the headings, and
    the labels drawn by Word, not typed in the paragraph text."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for stem in STEMS:
        with zipfile.ZipFile(CORPUS / "docx" / f"{stem}.docx") as archive:
            numbering = etree.fromstring(archive.read("word/numbering.xml"))
            document = etree.fromstring(archive.read("word/document.xml"))
        assert numbering.findall(f"{w}abstractNum") and numbering.findall(f"{w}num"), stem
        numbered = [p for p in document.iter(f"{w}p") if p.find(f"{w}pPr/{w}numPr") is not None]
        assert numbered, stem
        for p in numbered:
            text = "".join(t.text or "" for t in p.iter(f"{w}t"))
            assert not re.match(r"([IVX]+|\d+)[.\-]\s", text), f"{stem}: label typed in {text[:40]!r}"


def test_scan_has_no_text_layer_and_stays_small() -> None:
    import pypdfium2 as pdfium

    for path in sorted((CORPUS / "scan").glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        try:
            pages = len(document)
            assert pages >= 1
            for page in document:
                textpage = page.get_textpage()
                assert textpage.get_text_range().strip() == "", f"{path.name} has a text layer"
                textpage.close()
        finally:
            document.close()
        assert path.stat().st_size < pages * 300 * 1024, f"{path.name}: over 300 KB a page"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", sorted((CORPUS / "scan").glob("*.pdf")), ids=lambda p: p.stem)
def test_ocr_of_the_scan_is_close_to_the_source(path: Path) -> None:
    from rapidfuzz.distance import Levenshtein

    need_reader(".pdf")
    need_program("tesseract")
    result = read(path)
    assert result.ocr, f"{path.name}: an image-only PDF must go through OCR"
    got = norm(" ".join(block.line for block in assemble(result.blocks).blocks))
    want = expected(path.stem).text
    rate = Levenshtein.distance(got, want) / len(want)
    print(f"\n{path.name}: OCR character error rate {rate:.2%} over {len(want)} characters")
    assert rate <= MAX_CER, f"{path.name}: CER {rate:.2%} > {MAX_CER:.0%}"


def test_derive_formats_prints_and_scans_a_word_plan(tmp_path: Path) -> None:
    """scripts/derive_formats.py (issue 17: a Word plan printed to PDF and scanned is scored on the
    plan's own gold): the printed PDF keeps a text layer, the scan has none, and the manifest rows keep
    the source's split."""
    import subprocess

    import pypdfium2 as pdfium

    need_program("soffice")
    need_program("pdftoppm")
    source = CORPUS / "docx" / "000_b6e2a91fbbaf595e.docx"
    manifest = tmp_path / "MANIFEST.tsv"
    manifest.write_text("file\tsplit\tformat\tsha256\n000_b6e2a91fbbaf595e.docx\ttune\tdocx\tx\n", encoding="utf-8")
    out = tmp_path / "derived"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_formats.py"), str(out), str(source),
                    "--manifest", str(manifest)], check=True, capture_output=True)
    printed, scanned = out / "pdf" / "000_b6e2a91fbbaf595e.pdf", out / "scan" / "000_b6e2a91fbbaf595e.pdf"
    text = pdfium.PdfDocument(str(printed))[0].get_textpage().get_text_range()
    assert "KẾ HOẠCH" in text.upper()
    assert not pdfium.PdfDocument(str(scanned))[0].get_textpage().get_text_range().strip()
    rows = (out / "scan" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[1].split("\t")[:3] == ["000_b6e2a91fbbaf595e.pdf", "tune", "scan"]
