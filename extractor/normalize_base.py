"""The smallest normalization step, shared by modules that must not import each other."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
