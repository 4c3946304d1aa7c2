"""Telling the header and signature blocks apart from data: the kinds of lines that mark them.

Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I) lay out the header block
(issuer / national motto / "Số:" / place and date) and the signature block ("Nơi nhận" / signer) side by
side, in borderless tables in Word and web pages, in two columns in PDF. Readers of every format use
`layout_kind` so that these blocks become paragraphs with a region, not table rows.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from extractor.base.normalize import DASHES, fold

MOTTO = re.compile(r"cộng hòa xã hội chủ nghĩa việt nam|độc lập\s*-\s*tự do\s*-\s*hạnh phúc")
NUMBER_LINE = re.compile(r"^số\s*:")
DATE_LINE = re.compile(r"ngày\s*[\d.…_ ]*\s*tháng\s*[\d.…_ ]*\s*năm\s*(\d{4}|[.…_ ]+)")
RECIPIENTS = re.compile(r"^nơi nhận\s*:?")
AUTHORITY = re.compile(r"^(tm|kt|tl|tuq|q)\s*\.\s*\S")
MAX_LAYOUT_COLUMNS = 3
MAX_LAYOUT_ROWS = 8


def layout_kind(lines: list[str], rows: int, columns: int, body_started: bool, has_text_after: bool) -> str | None:
    """"header" or "footer" when a table (its text lines, row and column counts) only lays out the header
    or signature block, else None.

    Structure: few columns and rows. Content: at least one line of the header kinds (motto, "Số:",
    place and date) or of the signature kinds ("Nơi nhận", authority mark, an upper-case signer title
    alone in its cell). Position decides which: before the running body -> header, after -> footer.
    """
    if not rows or rows > MAX_LAYOUT_ROWS or not 1 <= columns <= MAX_LAYOUT_COLUMNS:
        return None
    folded = [fold(line) for line in lines]
    if not folded or sum(len(line) for line in folded) > 1500:
        return None
    header_hits = sum(1 for line in folded if MOTTO.search(line) or NUMBER_LINE.search(line) or DATE_LINE.search(line))
    footer_hits = sum(1 for line in folded if RECIPIENTS.search(line) or AUTHORITY.search(line))
    if not body_started and header_hits:
        return "header"
    if body_started and (footer_hits or (header_hits and not has_text_after)):
        return "footer"
    if body_started and not has_text_after and signer_like(lines):
        return "footer"
    return None


def signer_like(lines: list[str]) -> bool:
    """A closing table whose lines are short upper-case titles and names (signature without marks)."""
    upper = [line for line in lines if len(line) <= 60 and line.upper() == line and any(c.isalpha() for c in line)]
    return bool(upper) and len(lines) <= 12


# --- the lines of the frame, as `stages.frame` finds them (exact and OCR-damaged forms) -------------------
# `layout_kind` above reads folded text with its own short patterns (a table's cell lines, always clean
# digital text); the patterns below read raw lines, OCR noise included. Both describe the same lines.

_D = f"[{DASHES}-]"
MOTTO_RE = re.compile(
    r"c[ộo]ng\s+h(?:òa|oà|oa)\s+x[ãa]\s+h[ộo]i\s+ch[ủu]\s+ngh[ĩi]a\s+vi[ệe]t(?:\s+nam)?"  # "NAM" may wrap
    rf"|đ[ộo]c\s+l[ậa]p\s*{_D}\s*t[ựu]\s+do\s*{_D}\s*h[ạa]nh\s+ph[úu]c"
    r"|đ[ảa]ng\s+c[ộo]ng\s+s[ảa]n\s+vi[ệe]t\s+nam",
    re.IGNORECASE,
)
# Digits as OCR misreads them (O/Ø/o for 0, l/I/| for 1), accepted only where a number is expected and
# only in a token that holds at least one real digit (`ocr_digits` maps them back).
_OCR_0 = "OoØøÓóÒòÔôQD"
_OCR_1 = "lI|"
_OCR_DIGIT = f"[0-9{_OCR_0}{_OCR_1}]"
_OCR_NUMBER = rf"(?={_OCR_DIGIT}*\d){_OCR_DIGIT}+"
_OCR_DIGIT_MAP = str.maketrans({**{c: "0" for c in _OCR_0}, **{c: "1" for c in _OCR_1}})


def ocr_digits(token: str) -> str:
    """'5Ø' -> '50', 'Ó2' -> '02', 'l1' -> '11': a number as OCR wrote it, read back as digits."""
    return token.translate(_OCR_DIGIT_MAP)


# "Số: 41/KH-HĐTĐKT", "Số: /KH-SLĐTBXH", "Số 60-NQ/TW" (Party form), "Số: 04/2018/QĐ-UBND"; OCR variants
# of the word "Số" ("Sô:", "Sồ") and of the digits ("Số: 5Ø /KH-...").
_PIECE = r"[^\W\d_][\w&.]*"
_SO = "S[ốôoóòỏõọồổỗộơớờởỡợ]"
# A draft leaves the number blank or dotted ("Số: ..../KH-UBND"); a number may carry a letter or a dotted
# part ("05a", "15.3"); a symbol's groups are joined by dashes, or by a dot typed for one ("KH.UBND").
NUMBER_RE = re.compile(
    rf"(?<!\w){_SO}\s*[:.;]?\s*"
    rf"(?:(?:(?P<num>{_OCR_NUMBER}(?:\.\d{{1,2}})?[a-z]?)|[.…_]+)?\s*/\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?"
    rf"(?P<sym>{_PIECE}(?:\s*{_D}\s*[\w&.]+)+|[^\W\d_]+\.[^\W\d_][\w&]*)"
    rf"|(?P<pnum>{_OCR_NUMBER})\s*{_D}\s*(?P<psym>{_PIECE}\s*/\s*[\w&.]+(?:{_D}[\w&.]+)*))"
)
# The label that opens the number line ("Số:"), also where OCR garbled the number after it; with nothing
# readable after it, a draft's blank ("Số:  /") or a scan whose number OCR lost.
NUMBER_LABEL_RE = re.compile(rf"^\s*{_SO}\s*:")


def bare_number_label(text: str) -> bool:
    """'Số:' with nothing readable after it."""
    m = NUMBER_LABEL_RE.match(text)
    return m is not None and not text[m.end() :].strip(" .…_/")


# A number line whose "Số:" and number OCR lost, leaving "/KH-TCTLNTW-C04": the symbol must open with a
# known type code (checked by `symbol_only_line`).
SYMBOL_ONLY_RE = re.compile(
    rf"^\W{{0,3}}(?P<num>{_OCR_NUMBER})?\s*/\s*(?P<sym>(?P<code>[^\W\d_]+)\s*{_D}\s*[\w&.]+(?:\s*{_D}\s*[\w&.]+)*)\W*$"
)
# Day and month may be OCR-misread digits, glued to the words ("ngày44tháng"); "năm" may be lost before
# the year. The words themselves are matched with or without their tone marks.
# Any tone or hat on the vowel: OCR misreads them ("24 thắng 6 năm 2016"), and the frame around the
# numbers (ngày .. tháng .. năm) leaves no other reading.
_A_FAMILY = "aàáảãạăằắẳẵặâầấẩẫậ"
NGAY = f"ng[{_A_FAMILY}]y"
_THANG = f"th[{_A_FAMILY}]ng"
_NAM = "n[ăaâắằẳẵặấầẩẫậ]m"
_DAYNUM = rf"(?={_OCR_DIGIT}?\d){_OCR_DIGIT}{{1,2}}(?!\d)"
# After "<place>," the "ngày" may be lost too, under a day written in by hand ("Hà Nội, ngày 02 tháng 10"
# read as "Hà Nội, tháng 10 năm 2025"): the line still dates the plan, to the month.
DATE_LINE_RE = re.compile(
    rf"(?:(?P<place>[^\W\d_][^,\d:;]{{1,50}}?)\s*,\s*)?(?:{NGAY}\s*(?P<d>{_DAYNUM})?\s*(?:[/.-]\s*)?|(?<=,)|(?<=,\s))"
    rf"{_THANG}\s*(?P<m>{_DAYNUM})?\s*(?:[/.-]\s*)?(?:{_NAM}\s*)?(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
DATE_NUMERIC_RE = re.compile(
    rf"(?:(?P<place>[^\W\d_][^,\d:;]{{1,50}}?)\s*,\s*)?{NGAY}\s*(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<m>\d{{1,2}})\s*[/.-]\s*"
    r"(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)
SEPARATOR_RE = re.compile(r"^[\s\-_=*.~–—…•+]+$")
RECIPIENTS_RE = re.compile(r"^\W*n[ơo]i\s+nh[ậa]n\s*:?", re.IGNORECASE)
# "Nơi n ân:", "Noi nhan:" as OCR gives it: the words on `letter_key`, one letter off, then the colon.
_OCR_RECIPIENTS_RE = re.compile(r"^\W*(?P<words>n\S{0,2}i\s*n?\s*\S{0,2}\s*\S{1,3}n)\s*:", re.IGNORECASE)


def recipients_match(text: str) -> re.Match[str] | None:
    """The 'Nơi nhận:' that opens the recipients list, exact or OCR-damaged."""
    match = RECIPIENTS_RE.match(text)
    if match:
        return match
    match = _OCR_RECIPIENTS_RE.match(text)
    if match and Levenshtein.distance(letter_key(match.group("words")), "NOINHAN", score_cutoff=1) <= 1:
        return match
    return None


# A label line OCR has damaged past reading ("nhận:", "vận:"): one short word, or two, and the colon.
_SHORT_LABEL_RE = re.compile(r"^\W*[^\W\d_]{1,5}(?:\s+[^\W\d_]{1,5})?\s*:\s*$")
_LIST_ITEM_RE = re.compile(r"^\s*[-+•*]\s*\S")
# The recipients list ends with the archive copy ("- Lưu: VT, NC."; Nghị định 30/2020, Phụ lục I).
ARCHIVE_ITEM_RE = re.compile(r"^\s*[-+•*]?\s*L[ưuú]u\s*[:.]?\s*(?:V\s*T|VP|\S+\s*,)", re.IGNORECASE)


def recipients_label_at(texts: list[str], i: int, reach: int = 40) -> re.Match[str] | None:
    """The recipients label on line `i`: 'Nơi nhận:' as `recipients_match` reads it, or a short label line
    OCR damaged past reading that the list's own shape confirms: dash items from the next line on, the last
    of them the archive copy ('- Lưu: VT, ...')."""
    text = texts[i]
    match = recipients_match(text)
    if match or not _SHORT_LABEL_RE.match(text):
        return match
    following = texts[i + 1 : i + 1 + reach]
    if not following or not _LIST_ITEM_RE.match(following[0]):
        return None
    for line in following:
        if ARCHIVE_ITEM_RE.match(line):
            return _SHORT_LABEL_RE.match(text)
    return None
# Signing prefixes (Nghị định 30/2020, Phụ lục I; Party T/M, K/T, T/L): KT. TM. Q. TL. TUQ. T/M ...
SIGN_PREFIX_RE = re.compile(r"^\s*(?:(?:KT|TM|TL|TUQ|Q)\s*[./:]|[TK]\s*/\s*[MTL]\b\.?)\s*\S", re.IGNORECASE)
APPENDIX_RE = re.compile(
    r"^\s*(?:PHỤ\s+LỤC|Phụ\s+lục)(?:\s+[IVXLC\d]+\b.*)?\s*$|^\s*\(\s*(?:Ban\s+hành\s+)?kèm\s+theo", re.IGNORECASE
)


def _base_letter(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    return decomposed[0] if decomposed and not unicodedata.combining(decomposed[0]) else ""


# Upper-case Latin letters with their marks dropped (Đ -> D), combining marks removed: one translate
# instead of a decomposition per word.
_LETTER_TABLE = str.maketrans(
    {
        **{chr(cp): _base_letter(chr(cp)) for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))},
        **{chr(cp): None for cp in range(0x300, 0x370)},
        "Đ": "D",
    }
)
_NOT_ALNUM = re.compile(r"[\W_]+")


def letter_key(text: str) -> str:
    """Comparison key that survives OCR's tone-mark errors: upper case, marks dropped, Đ -> D, letters and
    digits only ('KÉẺ HOẠCH' -> 'KEEHOACH')."""
    return _NOT_ALNUM.sub("", text.upper().translate(_LETTER_TABLE))
