"""Legacy Vietnamese encodings (TCVN3/ABC, VNI): detection and conversion to Unicode.

Placeholder until the legacy converter lands: nothing is detected.
"""

from __future__ import annotations


def decode_legacy_bytes(data: bytes) -> tuple[str, str] | None:
    """Decode plain-text bytes written in a legacy 8-bit Vietnamese encoding, or None."""
    return None


def convert_run(text: str, font_name: str | None) -> tuple[str, str | None]:
    """Convert a text run drawn in a legacy font to Unicode: (text, encoding or None when unchanged)."""
    return text, None
