"""Comparison keys and similarities used by the evaluation (GUIDELINES.md, "How the output is scored").

Every similarity here compares `normalize.fold` keys (case, Unicode form, dashes, quotes, tone placement,
spacing around '-' and ',', common abbreviations) with rapidfuzz, on a 0-100 scale.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz

from extractor.base.normalize import DASHES, fold

_DASH_RE = re.compile(f"[{DASHES}]")
# Innermost bracket pairs first, so nested notes go too: "X (b/c (gấp))" -> "X".
_BRACKETED = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")
# Units split into the pieces between commas, semicolons and the word "và" (GUIDELINES.md, Tasks).
_UNIT_SEPARATORS = re.compile(r"\s*(?:[,;]|(?<!\w)và(?!\w))\s*")
_EDGE_PUNCTUATION = " .:-–"
_NOT_ALNUM = re.compile(r"[\W_]+")


def ratio(a: str | None, b: str | None) -> float:
    """Plain similarity of the folded strings (sections, citation issuers, recipients)."""
    return fuzz.ratio(fold(a), fold(b))


def token_sort(a: str | None, b: str | None) -> float:
    """Token-sorted similarity of the folded strings (metadata issuer, parent_issuer, title)."""
    return fuzz.token_sort_ratio(fold(a), fold(b))


def without_brackets(text: str) -> str:
    """The text without notes in brackets ("Sở Nội vụ (b/c)" -> "Sở Nội vụ")."""
    previous = None
    while previous != text:
        previous, text = text, _BRACKETED.sub("", text)
    return text.strip()


def code_key(code: str | None) -> str:
    """A citation code as a key: NFC, dash variants to '-', spaces removed, upper case."""
    if not code:
        return ""
    text = _DASH_RE.sub("-", unicodedata.normalize("NFC", code))
    return "".join(text.split()).upper()


def section_number_key(number: str | None) -> str:
    """A heading number without punctuation or spaces, folded: 'II.' -> 'ii', '2.2.1.' -> '221'."""
    return _NOT_ALNUM.sub("", fold(number))


def unit_pieces(units: Iterable[str]) -> Counter[str]:
    """The folded pieces of a task's unit list, between commas, semicolons and "và".

    "Các sở, ban, ngành" written as one entry or as three gives the same pieces, as the guidelines ask.
    """
    pieces: Counter[str] = Counter()
    for unit in units:
        for piece in _UNIT_SEPARATORS.split(fold(unit)):
            piece = piece.strip(_EDGE_PUNCTUATION)
            if piece:
                pieces[piece] += 1
    return pieces
