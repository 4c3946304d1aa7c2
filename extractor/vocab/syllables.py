"""Vietnamese syllables, generated from the orthographic grammar: onset + rhyme, tone marks aside.

A written Vietnamese syllable is an optional onset consonant cluster, a rhyme (medial glide, vowel
nucleus, final), and at most one tone mark on the nucleus. The sets below follow the standard
description of Quốc ngữ spelling (onsets and rhymes as taught in primary school, e.g. the rhyme tables
of "Tiếng Việt 1"); tone marks are stripped before the look-up, so both old ("hoà") and new ("hòa")
tone placement pass. The grammar over-generates a little (a rhyme after an onset that never takes it);
that is harmless for its use here, which is telling real text from glyph-id garbage ("WKҧR", "FӫD").
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
    "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip

# Rhymes by nucleus; the final consonants and glides each nucleus takes.
RHYMES = (
    # a ă â
    "a", "ai", "ao", "au", "ay", "ac", "ach", "am", "an", "ang", "anh", "ap", "at",
    "ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
    "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
    # e ê
    "e", "ec", "em", "en", "eng", "eo", "ep", "et",
    "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
    # i y iê yê
    "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
    "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
    "y", "yêm", "yên", "yêng", "yêt", "yêu",
    # o ô ơ oo
    "o", "oc", "oi", "om", "on", "ong", "op", "ot", "ooc", "oong",
    "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
    "ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
    # medial o: oa oă oe
    "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
    "oăc", "oăm", "oăn", "oăng", "oăt",
    "oe", "oem", "oen", "oeo", "oet",
    # u ư uô ươ
    "u", "ua", "uc", "ui", "um", "un", "ung", "up", "ut",
    "uôc", "uôi", "uôm", "uôn", "uông", "uôt",
    "ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
    "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
    # medial u: uâ uê uơ uy uyê
    "uân", "uâng", "uât", "uây",
    "uê", "uêch", "uênh", "uơ",
    "uy", "uya", "uych", "uyn", "uynh", "uyp", "uyt", "uyu",
    "uyên", "uyêt",
)  # fmt: skip

# The five tone marks as combining characters; the vowel marks (circumflex, breve, horn) stay.
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))

# The lower-case letters of Vietnamese (and of foreign names: f, j, w, z), each with or without a tone
# mark, for regex classes: "[a-zà-ỹ]" would take capitals such as "Đ" and "Ấ", which lie inside that
# code point range.
LOWER_LETTERS = "".join(sorted({
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
    for tone in ("", *map(chr, _TONE_MARKS))
    if len(unicodedata.normalize("NFC", base + tone)) == 1
}))


def _build() -> frozenset[str]:
    syllables = {onset + rhyme for onset in ONSETS for rhyme in RHYMES}
    # "gi" before i-initial rhymes is written with one i ("gìn", "giếng"); "qu" + "y" ("quy") is there.
    syllables |= {"gi" + rhyme[1:] for rhyme in RHYMES if rhyme.startswith("i") and len(rhyme) > 1}
    return frozenset(syllables)


SYLLABLES: frozenset[str] = _build()
"""Every toneless Vietnamese syllable, lower case, NFC ("nghiêng", "đươc", "quyên")."""


@lru_cache(maxsize=65536)
def toneless(word: str) -> str:
    """`word` in lower case with its tone mark removed (NFC): "Việt" -> "viêt"."""
    stripped = unicodedata.normalize("NFD", word.lower()).translate(_TONE_MARKS)
    return unicodedata.normalize("NFC", stripped)


def is_syllable(word: str) -> bool:
    """Whether `word` (one token of letters) is a well-formed Vietnamese syllable."""
    return toneless(word) in SYLLABLES
