"""Legacy Vietnamese encodings (TCVN3/ABC, VNI, VISCII): detection and conversion to Unicode NFC.

The conversion tables come from `viparse` (MIT, zero dependencies; its TCVN3 table matches glibc's
TCVN5712-1 on every lower-case code, its VNI table was derived from real documents). VNI letters it
has not observed are added from `data/legacy_vni_extra.csv`, and the TCVN3 (VN1) capitals that some
writers put in the C1 range from `data/legacy_tcvn3_vn1_upper.csv`.

Text drawn in a legacy font reaches us as the font's byte values read as Latin-1/cp1252 characters
(`c¸c` for "các"), whether it comes from a DOCX run, a PDF text layer or plain-text bytes. In DOCX and
PDF the font name says which encoding applies (`.VnTime` -> TCVN3, `VNI-Times` -> VNI); TCVN3 has no
upper-case accented letters, so the "H" fonts (`.VnTimeH`) draw lower-case codes as capitals and their
runs are upper-cased after conversion. Plain text has no font, so its encoding is judged statistically.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from extractor.base.resources import read_csv

# viparse is imported where it is used: importing it loads its whole API (~40 ms), a cost every PDF
# process would pay even when none of its fonts is legacy.
if TYPE_CHECKING:
    from viparse.normalize.tables import Charmap

TCVN3 = "tcvn3"
VNI = "vni"

# PDF subset prefix ("ABCDEF+.VnTime") and style suffixes (".VnTime,Bold", "VNI-Times-Bold").
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(r"[,-](bold|italic|oblique|bolditalic|boldoblique|regular|normal)$", re.I)
# Minimum number of characters a trial conversion must change before plain text is called legacy.
_MIN_CONVERTED = 3
_MIN_SCORE_GAIN_OVER_CP1258 = 0.05


@cache
def _charmap(encoding: str) -> Charmap:
    from viparse.normalize.encodings import get_charmap
    from viparse.normalize.tables import build_charmap

    base = get_charmap(encoding)
    if base is None:
        raise KeyError(encoding)
    if encoding == VNI:
        extra = [(row["legacy"], row["unicode"]) for row in read_csv("legacy_vni_extra.csv")]
    elif encoding == TCVN3:
        # VN1 capitals sit in the C1 control range, which carries no text otherwise.
        rows = read_csv("legacy_tcvn3_vn1_upper.csv")
        extra = [(chr(int(row["byte"][2:], 16)), row["unicode"]) for row in rows]
    else:
        return base
    known = {legacy for legacy, _ in base.pairs}
    return build_charmap(encoding, [*base.pairs, *(pair for pair in extra if pair[0] not in known)])


def font_encoding(font_name: str | None) -> str | None:
    """The legacy encoding a font implies ("tcvn3", "vni"), or None for a Unicode font."""
    if not font_name:
        return None
    name = _SUBSET_TAG.sub("", font_name.strip()).upper()
    if name.startswith(".VN"):
        return TCVN3
    if name.startswith("VNI-") or name.startswith("VNI "):
        return VNI
    return None


def is_caps_font(font_name: str | None) -> bool:
    """TCVN3 "H" fonts (.VnTimeH, .VnArialH, PDF 'ABCDEF+.VnTimeH,Bold') draw every letter as a capital."""
    if font_encoding(font_name) != TCVN3:
        return False
    name = _STYLE_SUFFIX.sub("", _SUBSET_TAG.sub("", (font_name or "").strip()))
    return name.endswith("H")


def convert_text(text: str, encoding: str) -> str:
    """Convert text in a known legacy encoding (as Latin-1/cp1252 characters) to Unicode NFC."""
    from viparse.normalize.tables import convert

    return unicodedata.normalize("NFC", convert(text, _charmap(encoding)))


def convert_run(text: str, font_name: str | None) -> tuple[str, str | None]:
    """Convert a text run drawn in a legacy font to Unicode: (text, encoding or None when unchanged)."""
    encoding = font_encoding(font_name)
    if encoding is None or not text:
        return text, None
    converted = convert_text(text, encoding)
    if is_caps_font(font_name):
        converted = converted.upper()
    return converted, encoding


def decode_legacy_bytes(data: bytes) -> tuple[str, str] | None:
    """Decode plain-text bytes written in a legacy 8-bit Vietnamese encoding, or None.

    Called for bytes that are not UTF-8. Each legacy table is trial-applied to the bytes read as
    Latin-1 and scored against a Vietnamese character model (viparse's detector, which also rejects
    conversions that read as Spanish or German); the winner must change a few characters and score
    clearly better than Windows-1258, the Unicode-era code page these files are otherwise in.
    """
    from viparse.normalize.detector import detect_encoding_by_content
    from viparse.normalize.encodings import AUTO_DETECT_CHARMAPS
    from viparse.normalize.frequency import vietnamese_score

    latin = data.decode("latin-1")
    detection = detect_encoding_by_content(latin, AUTO_DETECT_CHARMAPS)
    if detection.encoding is None:
        return None
    converted = convert_text(latin, detection.encoding)
    changed = sum(1 for a, b in zip(latin, converted, strict=False) if a != b)
    if changed < _MIN_CONVERTED and len(converted) == len(latin):
        return None
    cp1258 = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if vietnamese_score(converted) < vietnamese_score(cp1258) + _MIN_SCORE_GAIN_OVER_CP1258:
        return None
    return converted, detection.encoding
