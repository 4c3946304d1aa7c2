"""Heading numbers and list markers: the one grammar that readers and stages share.

Vietnamese administrative documents number their parts with Roman numerals (I., II-), Arabic numerals
(1., 1-), dotted numbers (1.1., 2.2.1.) and letters (a), b.), and their items with dashes, pluses, stars
and bullets (reference §4.2). The atoms below are that grammar; each pattern is one use of it:
- `LIST_MARKER_RE` / `LIST_MARKER_ALONE_RE`: a marker that opens a paragraph (PDF line layout, OCR's
  re-read of a marker column);
- `parse_heading_number`: the number and title of a line that starts like a heading (sections, trim);
- `NUMBERED_LINE_RE`, `BARE_NUMBER_RE`: a line that is numbered, or that is only a number;
- `ITEM_MARKER_RE`, `ITEM_NUMBER_RE`: the markers of task items, with the kind of number they carry.
"""

from __future__ import annotations

import re

from extractor.base.normalize import DASHES

ROMAN_LETTERS = "IVXLC"
ROMAN_NUMERAL = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
"""A well-formed Roman numeral up to 39 (heading numbers never go higher)."""
LOWER_LETTER = "a-zđ"
UPPER_LETTER = "A-ZĐ"
BULLETS = "-+*•–—"
"""Dash, plus, star and bullet characters that open an unnumbered item."""
MARKUP_RE = re.compile(r"\*{1,3}|_{2,}")
"""Markdown emphasis that web pages and converted text wrap around heading numbers."""

# Number forms: "1.2.3" with one to three digits a part in markers, one or two in heading numbers.
_MARKER_NUMBER = r"\d{1,3}(?:\.\d{1,3})*"
_HEADING_NUMBER = rf"(?:[{ROMAN_LETTERS}]+|\d{{1,2}}(?:\.\d{{1,2}})*|[{LOWER_LETTER}])"

_LIST_MARKER = rf"(?:{_MARKER_NUMBER}[.)]|[{LOWER_LETTER}][.)]|[{ROMAN_LETTERS}]{{1,6}}[.)]|[{BULLETS}])"
LIST_MARKER_RE = re.compile(rf"^{_LIST_MARKER}(?:\s|$)")
"""A list marker that starts a paragraph: "1.", "1.2.", "a)", "đ.", "I.", "-", "+", "*", "•"."""
LIST_MARKER_ALONE_RE = re.compile(rf"^{_LIST_MARKER}$")
NUMBER_MARKER_ALONE_RE = re.compile(rf"^(?:\d{{1,3}}|[{ROMAN_LETTERS}]{{1,6}})[.)]$")
"""An Arabic or Roman number marker alone ("3.", "IV)"), as OCR's marker re-read returns it."""

NUMBERED_LINE_RE = re.compile(rf"^{_HEADING_NUMBER}\s*[.)\-–]\s+\S")
BARE_NUMBER_RE = re.compile(rf"^\s*{_HEADING_NUMBER}\s*[.)]\s*$")

ITEM_MARKER_RE = re.compile(
    rf"^\s*([{BULLETS}]|\d+(?:\.\d+)*[.)\-/]?|[{ROMAN_LETTERS}]+[.)\-/]|[{LOWER_LETTER}][.)\-/]"
    rf"|\(\d{{1,2}}\)|\([{LOWER_LETTER}]\))\s+"
)
ITEM_NUMBER_RE = re.compile(
    rf"^\s*(?:(?P<roman>[{ROMAN_LETTERS}]+)[.)\-/]|(?P<num>\d+(?:\.\d+)*)[.)\-/]?|(?P<letter>[{LOWER_LETTER}])[.)\-/])\s+"
)

_SEP = f"[.){DASHES}/:-]"
_NAMED_RE = re.compile(
    rf"^(?P<word>Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|ĐIỀU)\s+(?P<num>[{ROMAN_LETTERS}]+|\d+)\b\s*[.:"
    + DASHES
    + r"-]?\s*(?P<title>.*)$"
)
# Parts numbered by an ordinal ("Phần thứ nhất", "PHẦN THỨ HAI", "Phần thứ 3"): the number is the whole
# ordinal phrase, as written (the ordinal word alone is no number).
_ORDINAL_PART_RE = re.compile(
    r"^(?P<num>(?P<word>Phần|PHẦN|Chương|CHƯƠNG)\s*(?:thứ|THỨ)\s*"
    r"(?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|NHẤT|HAI|BA|TƯ|NĂM|SÁU|BẢY|TÁM|CHÍN|MƯỜI|\d{1,2}))(?!\w)"
    + rf"\s*[.:{DASHES}-]?\s*(?P<title>.*)$"
)
_ROMAN_RE = re.compile(rf"^(?P<num>{ROMAN_NUMERAL})\s*{_SEP}\s*(?P<title>\S.*)$")
_DOTTED_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?(?:\s*[)" + DASHES + r"-])?\s+(?P<title>\S.*)$")
_ARABIC_RE = re.compile(rf"^(?P<num>\d{{1,2}})\s*(?:[.){DASHES}-]|/(?=\s))\s*(?P<title>\S.*)$")
# Letters take the separators numbers do: "a)", "b.", and "a-", "a/" beside "1-", "1/" and "I-", "I/" in
# the older style (there with a space after, so "x-quang" or "v/v" opens no item).
_LETTER_RE = re.compile(rf"^(?P<num>[{LOWER_LETTER}])\s*(?:[).]\s*|[{DASHES}/-]\s+)(?P<title>\S.*)$")
_UPPER_LETTER_RE = re.compile(rf"^(?P<num>[{UPPER_LETTER}])\s*[.){DASHES}-]\s+(?P<title>\S.*)$")


def parse_heading_number(text: str) -> tuple[str, str, str] | None:
    """(style, number, rest) of a line that starts like a heading, else None.

    Styles: "phần"/"chương"/"mục"/"điều" (named parts), "roman", "dotted2", "dotted3", ... (by depth),
    "arabic", "letter", "upper".
    """
    text = MARKUP_RE.sub("", text).strip()
    match = _NAMED_RE.match(text) or _ORDINAL_PART_RE.match(text)
    if match:
        return match.group("word").lower(), match.group("num"), match.group("title")
    match = _ROMAN_RE.match(text)
    if match and match.group("num"):
        return "roman", match.group("num"), match.group("title")
    match = _DOTTED_RE.match(text)
    if match:
        return f"dotted{match.group('num').count('.') + 1}", match.group("num"), match.group("title")
    match = _ARABIC_RE.match(text)
    if match and not re.match(r"^\d", match.group("title")):
        return "arabic", match.group("num"), match.group("title")
    match = _LETTER_RE.match(text)
    if match:
        return "letter", match.group("num"), match.group("title")
    match = _UPPER_LETTER_RE.match(text)
    if match:
        return "upper", match.group("num"), match.group("title")
    return None
