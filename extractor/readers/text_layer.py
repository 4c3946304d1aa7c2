"""Judge each page's text layer before trusting it; repair it, or OCR the page when repair fails.

A PDF whose CID fonts (Identity-H) lost their ToUnicode map yields glyph ids instead of letters:
Times New Roman's "t" (glyph 87) comes out as "W", Vietnamese letters as Cyrillic ("WKҧR" for "thảo").
The judge is one pass over the page's text: the share of its words that are Vietnamese syllables
(`vocab/syllables.py`); acronyms, codes, numbers and foreign words in plain ASCII are left out of the
count. A page below `MIN_SYLLABLE_SHARE` is repaired, in order:

1. a legacy table (TCVN3, VNI) applied to the page's text, when the result passes the judge (a legacy
   font whose name does not say so);
2. a ToUnicode map written into a copy of the PDF for each CID font without one: from the embedded
   font's own `cmap` when it has one, else from the glyph table learned for the font's base name
   (`data/glyph_maps.json`, built by `scripts/learn_glyph_maps.py` from PDFs whose same fonts carry a
   map); the copy is read again, so tables (pdfplumber) see the repaired text too;
3. OCR of the page, when no table fits or the repaired page still fails the judge.

Each repaired or OCR'd page gets a `text-layer` warning naming the page and the reason.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractor.base.blocks import Block
from extractor.base.limits import Limits
from extractor.base.resources import data_path
from extractor.readers.layout import PageContent
from extractor.vocab.syllables import is_syllable

MIN_SYLLABLE_SHARE = 0.8
"""Real text scores 0.975-1.0 in every 400 words (tune files of corpus/wild, corpus/, ../shared/real); a
glyph-id page 0.11 even with a fifth of its words in fonts that kept a map. A page with a fifth of its
words broken still fails."""
MIN_JUDGED_WORDS = 12
"""Fewer judged words than this (a cover page, a signature, a table of figures) is no evidence."""

_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")
_CAMEL = re.compile(r"[a-z][A-Z]")
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


@dataclass(slots=True)
class Verdict:
    share: float
    """Share of judged words that are Vietnamese syllables (1.0 when nothing was judged)."""
    judged: int

    @property
    def ok(self) -> bool:
        return self.judged < MIN_JUDGED_WORDS or self.share >= MIN_SYLLABLE_SHARE


def judge_text(text: str) -> Verdict:
    """Score text as Vietnamese: one regex pass, one set look-up per word (cached)."""
    valid = invalid = 0
    for word in _WORD.findall(text):
        if is_syllable(word):
            valid += 1
        elif word.isascii():
            # Acronyms (UBND, TTg), single letters, English words and URLs are neither; glyph-id garbage
            # in ASCII mixes cases inside a word ("KjQK" for "hành").
            if _CAMEL.search(word):
                invalid += 1
        elif word.isupper() and _LATIN.fullmatch(word):
            continue  # Vietnamese acronyms: QĐ, HĐND
        else:
            invalid += 1
    judged = valid + invalid
    return Verdict(valid / judged if judged else 1.0, judged)


def page_text(page: PageContent) -> str:
    parts = [segment.text for line in page.lines for segment in line.segments]
    parts += [cell for table in page.tables for row in table.rows for cell in row]
    return "\n".join(parts)


def judge_page(page: PageContent) -> Verdict:
    return judge_text(page_text(page))


# ---------------------------------------------------------------------------------------------------
# PDF: judge, repair, OCR

ReadPages = Callable[[Path, object, Limits], tuple[list[PageContent], list[tuple[str, str]]]]


def review_pdf(
    path: Path,
    document: object,
    pages: list[PageContent],
    warnings: list[tuple[str, str]],
    limits: Limits,
    read_pages: ReadPages,
) -> list[int]:
    """Judge every page read from its text layer; repair or OCR the failing ones in place.

    `read_pages` is the PDF reader's page reader, called again on a repaired copy. Appends a warning per
    page it changes and returns the 1-based numbers of the repaired pages (OCR'd ones are `page.ocr`).
    """
    bad = {page.number: verdict for page in pages if not page.ocr and not (verdict := judge_page(page)).ok}
    if not bad:
        return []
    repaired: list[int] = []
    for number in sorted(bad):
        encoding = _legacy_repair(pages[number - 1])
        if encoding:
            repaired.append(number)
            warnings.append(("text-layer", f"page {number}: text in a legacy font ({encoding}) converted"))
            del bad[number]
    if bad:
        repaired += _glyph_repair(path, pages, bad, warnings, limits, read_pages)
    if bad:
        _ocr_pages(document, pages, bad, warnings, limits)
    return repaired


def _legacy_repair(page: PageContent) -> str | None:
    from extractor.readers.legacy import TCVN3, VNI, convert_text

    for encoding in (TCVN3, VNI):
        trial = PageContent(page.number, page.width, page.height)
        trial.lines = [_converted_line(line, encoding, convert_text) for line in page.lines]
        trial.tables = [_converted_table(table, encoding, convert_text) for table in page.tables]
        if judge_page(trial).ok:
            page.lines, page.tables = trial.lines, trial.tables
            return encoding
    return None


def _converted_line(line, encoding: str, convert: Callable[[str, str], str]):  # noqa: ANN001, ANN202
    from dataclasses import replace

    return replace(line, segments=[replace(s, text=convert(s.text, encoding)) for s in line.segments])


def _converted_table(table, encoding: str, convert: Callable[[str, str], str]):  # noqa: ANN001, ANN202
    from dataclasses import replace

    rows = [[convert(cell, encoding) for cell in row] for row in table.rows]
    lines = table.cell_lines and [[[convert(x, encoding) for x in cell] for cell in row] for row in table.cell_lines]
    return replace(table, rows=rows, cell_lines=lines)


def _glyph_repair(
    path: Path,
    pages: list[PageContent],
    bad: dict[int, Verdict],
    warnings: list[tuple[str, str]],
    limits: Limits,
    read_pages: ReadPages,
) -> list[int]:
    import pypdfium2 as pdfium

    from extractor.readers.scratch import scratch_dir

    repaired: list[int] = []
    with scratch_dir("vnplan-tmp-") as work:
        fixed_path = work / "repaired.pdf"
        fixed = add_unicode_maps(path, fixed_path)
        if not fixed:
            return repaired
        by_origin: dict[str, list[str]] = {}
        for name, origin in sorted(set(fixed)):
            by_origin.setdefault(origin, []).append(name)
        how = "; ".join(f"{origin} ({', '.join(names)})" for origin, names in sorted(by_origin.items()))
        document = pdfium.PdfDocument(str(fixed_path))
        try:
            try:
                document.init_forms()  # as the reader opens it: form fields hold the number and date
            except Exception:  # noqa: BLE001 - forms are a bonus
                pass
            again, _ = read_pages(fixed_path, document, limits)
        finally:
            document.close()
    for number in sorted(bad):
        page = again[number - 1]
        if judge_page(page).ok and not page.ocr:
            pages[number - 1] = page
            repaired.append(number)
            before = bad.pop(number)
            warnings.append(("text-layer", f"page {number}: glyph ids without a Unicode map ({bad_share(before)}); "
                             f"repaired with {how}"))
    return repaired


def bad_share(verdict: Verdict) -> str:
    return f"{verdict.share:.0%} Vietnamese syllables"


def _ocr_pages(
    document: object, pages: list[PageContent], bad: dict[int, Verdict], warnings: list[tuple[str, str]], limits: Limits
) -> None:
    from extractor.readers import ocr

    indexes = sorted(number - 1 for number in bad)
    for index, read in ocr.ocr_pdf_pages(document, indexes, limits):
        ocr.place_page(pages[index], read)
        verdict = bad[index + 1]
        warnings.append(("text-layer", f"page {index + 1}: text layer is not Vietnamese text ({bad_share(verdict)} "
                         f"of {verdict.judged} words) and could not be repaired; OCR used"))


# ---------------------------------------------------------------------------------------------------
# Glyph tables


@cache
def learned_tables() -> dict[str, dict[int, str]]:
    """Base font name -> glyph id -> text, from `data/glyph_maps.json`."""
    with data_path("glyph_maps.json").open(encoding="utf-8") as handle:
        return tables_from(json.load(handle))


def tables_from(data: dict) -> dict[str, dict[int, str]]:
    """Unpack the glyph-map file's runs ([gid, code point, count], or [gid, text] for ligatures)."""
    orders: dict[str, dict[int, str]] = {}
    for order_id, entry in data["orders"].items():
        table: dict[int, str] = {}
        for item in entry["ranges"]:
            if len(item) == 3:
                gid, code, count = item
                table.update((gid + k, chr(code + k)) for k in range(count))
            else:
                table[item[0]] = item[1]
        orders[order_id] = table
    return {name: orders[order_id] for name, order_id in data["fonts"].items()}


def add_unicode_maps(source: Path, target: Path) -> list[tuple[str, str]]:
    """Copy `source` to `target` with a ToUnicode map added to every CID font that lacks one and that a
    glyph table fits. Returns (font name, table source) for each font given a map; writes nothing and
    returns [] when no font could be given one."""
    import pikepdf

    fixed: list[tuple[str, str]] = []
    with pikepdf.open(source) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0" or "/ToUnicode" in obj:
                continue
            if str(obj.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
                continue
            found = _font_table(obj)
            if found is None:
                continue
            cmap, origin = found
            obj["/ToUnicode"] = pdf.make_stream(cmap)
            fixed.append((_SUBSET_TAG.sub("", str(obj.get("/BaseFont", "/?"))[1:]), origin))
        if fixed:
            pdf.save(target)
    return fixed


def _font_table(font: object) -> tuple[bytes, str] | None:
    """A ToUnicode CMap for one Type0 font, and where its entries came from; None when nothing fits.

    The font's own cmap comes first; the table learned for its base name fills the glyphs the cmap
    lacks (a subset keeps the glyphs Word's substitutions reach, which no cmap names). Whether the map
    is right is for the judge to say on the repaired page: a wrong glyph order gives garbage again.
    """
    from fontTools.ttLib import TTFont

    descendants = font.get("/DescendantFonts")  # type: ignore[attr-defined]
    if not descendants:
        return None
    descendant = descendants[0]
    file2 = descendant.get("/FontDescriptor", {}).get("/FontFile2")
    own: dict[int, str] = {}
    if file2 is not None:
        try:
            own = _own_cmap(TTFont(io.BytesIO(bytes(file2.read_bytes())), lazy=True))
        except Exception:  # noqa: BLE001 - a broken embedded font has no cmap to offer
            own = {}
    name = _SUBSET_TAG.sub("", str(font.get("/BaseFont", "/"))[1:])  # type: ignore[attr-defined]
    learned = learned_tables().get(name, {})
    if not own and not learned:
        return None
    origins = [what for what, table in (("the font's own cmap", own), ("the learned glyph table", learned)) if table]
    return _tounicode({**learned, **own}, _cid_to_gid(descendant)), " and ".join(origins)


def _own_cmap(font: object) -> dict[int, str]:
    if "cmap" not in font:  # type: ignore[operator]
        return {}
    best = font.getBestCmap() or {}  # type: ignore[attr-defined]
    table: dict[int, str] = {}
    for code, glyph in sorted(best.items(), key=lambda item: _preference(chr(item[0]))):
        table.setdefault(font.getGlyphID(glyph), chr(code))  # type: ignore[attr-defined]
    return table


def _preference(char: str) -> tuple[bool, int]:
    """One glyph drawn for several code points: the Vietnamese letter or ASCII one first ("Đ", not "Ð")."""
    import unicodedata

    base = unicodedata.normalize("NFD", char)[0]
    return (not (base.isascii() or char in "đĐ"), ord(char))


def _cid_to_gid(descendant: object) -> dict[int, int] | None:
    mapping = descendant.get("/CIDToGIDMap")  # type: ignore[attr-defined]
    if mapping is None or str(mapping) == "/Identity":
        return None
    data = bytes(mapping.read_bytes())
    return {cid: int.from_bytes(data[2 * cid : 2 * cid + 2], "big") for cid in range(len(data) // 2)}


def _tounicode(table: dict[int, str], cid_to_gid: dict[int, int] | None) -> bytes:
    if cid_to_gid is None:
        pairs = sorted(table.items())
    else:
        pairs = sorted((cid, table[gid]) for cid, gid in cid_to_gid.items() if gid in table)
    entries = [f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>" for cid, text in pairs if cid <= 0xFFFF]
    chunks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    body = "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")



# ---------------------------------------------------------------------------------------------------
# DOCX


def review_blocks(blocks: list[Block], why: str) -> list[tuple[str, str]]:
    """A warning when converted text (legacy-font runs of a DOCX) still does not read as Vietnamese."""
    verdict = judge_text("\n".join(block.line for block in blocks))
    if verdict.ok:
        return []
    return [("text-layer", f"{why} does not read as Vietnamese ({bad_share(verdict)} of {verdict.judged} words)")]
