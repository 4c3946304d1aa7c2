"""pdfium's text page in bulk: character codes in one call, font and size once per text object.

Calls into pdfium through ctypes cost about a microsecond each, so the PDF reader's per-character loop
(`pdf.py`) and the table cells (`pdf_tables.py`) ask for as little per character as they can.
"""

from __future__ import annotations

import array
import ctypes
import sys
from collections.abc import Callable


def char_codes(handle, count: int) -> list[int]:  # noqa: ANN001 - an FPDF_TEXTPAGE
    """Every character's UTF-16 code unit, as `FPDFText_GetUnicode` gives it, in one call.

    `FPDFText_GetText` writes one unit per character index, except that it turns the hyphen pdfium marks
    as 2 (a line-ending hyphen) into 0xFFFE: those few are asked for one by one.
    """
    import pypdfium2.raw as raw

    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = raw.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    if written != count + 1:
        return [raw.FPDFText_GetUnicode(handle, i) for i in range(count)]
    units = array.array("H", buffer.raw[: 2 * count])
    if sys.byteorder == "big":  # pdfium writes UTF-16LE
        units.byteswap()
    codes = units.tolist()
    for i, code in enumerate(codes):
        if code == 0xFFFE:
            codes[i] = raw.FPDFText_GetUnicode(handle, i)
    return codes


def text_object_getter() -> Callable[[object, int], int | None]:
    """`FPDFText_GetTextObject` returning the object's address as an int (a hashable cache key), not a
    fresh ctypes pointer per call; through a cast where the bindings do not expose their library."""
    import pypdfium2.raw as raw

    try:
        from pypdfium2_raw import bindings

        function = type(raw.FPDFText_GetTextObject)(("FPDFText_GetTextObject", bindings._libs["pdfium"]))
    except (ImportError, AttributeError, KeyError, TypeError):
        get = raw.FPDFText_GetTextObject
        return lambda handle, index: ctypes.cast(get(handle, index), ctypes.c_void_p).value
    function.argtypes = raw.FPDFText_GetTextObject.argtypes
    function.restype = ctypes.c_void_p
    return function


class StyleCache:
    """(font name without its subset tag, font size, true font size) of a character, asked once per text
    object (every character of an object shares them). A size at or under `min_size` is given as 0 (no
    usable size); the true size is pdfium's."""

    def __init__(self, handle, min_size: float | None = None) -> None:  # noqa: ANN001
        self.handle = handle
        self.min_size = min_size
        self.by_object: dict[int | None, tuple[str, float, float]] = {}  # None is never stored
        self.fonts: dict[bytes, str] = {}
        self.buffer = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def __call__(self, index: int, obj: int | None) -> tuple[str, float, float]:
        import pypdfium2.raw as raw

        raw.FPDFText_GetFontInfo(self.handle, index, self.buffer, 128, ctypes.byref(self.flags))
        key = self.buffer.value
        font = self.fonts.get(key)
        if font is None:
            font = self.fonts[key] = key.decode("latin-1").split("+", 1)[-1]
        true_size = raw.FPDFText_GetFontSize(self.handle, index)
        size = true_size
        if self.min_size is not None and not size > self.min_size:  # NaN too
            size = 0.0
        style = (font, size, true_size)
        if obj is not None:
            self.by_object[obj] = style
        return style
