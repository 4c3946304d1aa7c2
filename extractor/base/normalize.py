"""Text normalization: what every reader applies to its text, and the folding used for comparisons.

`clean_text` produces the stored text (verbatim wording, NFC, look-alike characters mapped, control
characters and soft hyphens removed, spaces folded). `fold` produces comparison keys only (lower case,
dashes and tone placement folded, abbreviations expanded); it is never stored as data.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from extractor.base.resources import load_abbreviations

# Look-alikes that break regexes: Icelandic eth for Đ, exotic spaces, zero-width characters.
_CHAR_MAP = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð -> Đ
        "\u00f0": "\u0111",  # ð -> đ
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u3000": " ",
        "\u00ad": None,  # soft hyphen (legacy TCVN3 'ư' is converted before this runs)
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
# Control characters, and line breaks inside a block (HTML source wrapping, NEL, line/paragraph
# separators): a block is one line of the assembled text, so these become spaces. Lone surrogates are
# removed (they cannot be stored as UTF-8). With `_CHAR_MAP`, one translate: one pass over the text.
_CONTROLS = [*range(0x20), 0x7F, 0x85, 0x2028, 0x2029]
_CLEAN_MAP = {**_CHAR_MAP, **dict.fromkeys(_CONTROLS, " "), **dict.fromkeys(range(0xD800, 0xE000))}
# Most text holds none of them: a search (in C) is cheaper than a translate, which rebuilds the text.
_NEEDS_CLEAN = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff" + "".join(map(chr, _CHAR_MAP)) + "]")
_SPACES = re.compile(r"[ \t]+")

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_RE = re.compile(f"[{DASHES}]")


def clean_text(text: str) -> str:
    """Normalize one block's text for storage: NFC, look-alikes mapped, spaces folded, trimmed.

    Tabs are folded too: readers give table cells separately, so a tab inside a block is only spacing.
    """
    text = unicodedata.normalize("NFC", text)
    if _NEEDS_CLEAN.search(text):
        text = text.translate(_CLEAN_MAP)  # tabs become spaces: only runs of spaces are left to fold
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


# Old-style vs new-style tone placement in oa/oe/uy: fold "hoà" and "hòa" to one key (tone on the
# first vowel, as the guidelines' scoring does). In "qu" the u is part of the consonant: "quà" stays.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![a-zA-Z\u0300-\u036f])")


def fold_tone_placement(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    # Only a syllable-final glide+vowel pair moves: "hoà" -> "hòa", but "hoàn" (tone on the a) stays.
    moved = _TONE_RE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


_QUOTES_RE = re.compile("[\"'“”‘’«»`]")
_SPACE_AROUND = re.compile(r"\s*([-,])\s*")


AbbreviationCase = Literal["exact", "any", "lower"]


@lru_cache(maxsize=3)
def abbreviation_table(case: AbbreviationCase) -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of `abbreviations.csv` as whole words (longest first) and its table, keyed by case rule:
    "exact" matches as written; "any" matches in any case (keys upper case); "lower" matches lower-case
    text and expands to lower case (comparison keys)."""
    rows = load_abbreviations()
    if case == "lower":
        table = {abbr.lower(): expansion.lower() for abbr, expansion in rows.items()}
    elif case == "any":
        table = {abbr.upper(): expansion for abbr, expansion in rows.items()}
    else:
        table = dict(rows)
    alternatives = "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w&])({alternatives})(?![\w&])", re.I if case == "any" else 0)
    return pattern, table


def expand_abbreviations(text: str, case: AbbreviationCase = "lower") -> str:
    """Expand the common abbreviations (UBND, HĐND, HĐTĐKT, TĐKT, LĐTB&XH, TB&XH, ...) as whole words.

    The one expander: fold() uses "lower", issuer names from headers "any", cited issuers "exact"."""
    pattern, table = abbreviation_table(case)
    if case == "any":
        return pattern.sub(lambda m: table[m.group(1).upper()], text)
    return pattern.sub(lambda m: table[m.group(1)], text)


@lru_cache(maxsize=4096)
def fold(text: str | None) -> str:
    """Comparison key: NFC, lower case, dashes to '-', quotes dropped, tone placement and spacing around
    '-' and ',' folded, common abbreviations expanded. Cached: the stages fold the same names and lines
    again and again (a unit's key, a role label tried as honorific and as role)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP).lower()
    text = _DASH_RE.sub("-", text)
    text = _QUOTES_RE.sub("", text)
    text = expand_abbreviations(text)
    text = fold_tone_placement(text)
    text = _SPACE_AROUND.sub(r" \1 ", text)
    return " ".join(text.split()).replace(" - ", "-").replace(" , ", ", ")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what the regex class \w matches


def word_positions(text: str, word: str, first_only: bool = False) -> list[int]:
    r"""Where `word` stands in `text` as whole words ("xã" is not the start of "xã hội"), in order: the
    matches of `(?<!\w)word(?!\w)`, found with `str.find` (a pattern that opens with a look-behind is tried
    at every position of the text, and one pattern per word is compiled). `first_only`: stop at the first."""
    if not word:
        return [m.start() for m in re.finditer(r"(?<!\w)(?!\w)", text)][: 1 if first_only else None]
    found: list[int] = []
    size = len(word)
    at = text.find(word)
    while at >= 0:
        end = at + size
        if (at == 0 or not _is_word_char(text[at - 1])) and (end == len(text) or not _is_word_char(text[end])):
            found.append(at)
            if first_only:
                break
            at = text.find(word, end)  # matches do not overlap
        else:
            at = text.find(word, at + 1)
    return found


def has_word(text: str, word: str) -> bool:
    r"""Whether `word` stands in `text` as whole words, as `re.search(r"(?<!\w)word(?!\w)", text)` finds."""
    return bool(word_positions(text, word, first_only=True))
