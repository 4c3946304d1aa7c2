"""Decoding of plain-text bytes: Unicode encodings first, then Windows-1258.

Legacy Vietnamese font encodings (TCVN3, VNI) are handled by `extractor.readers.legacy`, which recognises them
by byte patterns in plain text and by font names in DOCX and PDF.
"""

from __future__ import annotations

import codecs
import unicodedata

from extractor.base.errors import VnplanError


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    return controls > max(8, len(sample) // 100)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises `VnplanError` for bytes that are not text."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise VnplanError(f"invalid UTF-16 text ({exc.reason})") from None
    if _looks_binary(data):
        raise VnplanError("binary content, not a text file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from extractor.readers import legacy

    converted = legacy.decode_legacy_bytes(data)
    if converted is not None:
        return converted
    # cp1258 writes tone marks as combining characters: compose them.
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), "cp1258"
