"""pdfium's text page in bulk: character codes in one call, font and size once per text object; and
the page loader every PDF path shares (`load_page`), kept here so that reading a born-digital PDF never
imports the OCR modules.

Calls into pdfium through ctypes cost about a microsecond each, so the PDF reader's per-character loop
(`pdf.py`) and the table cells (`pdf_tables.py`) ask for as little per character as they can.
"""

from __future__ import annotations

import array
import ctypes
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractor.base.errors import VnplanError


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
    if 0xFFFE in units:  # (searched in C: most pages have none)
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


@dataclass(frozen=True, slots=True)
class CharCalls:
    """pdfium's per-character calls of one text page, bound for speed: `handle` is what they take first.

    pypdfium2's bindings convert every argument through ctypes' `argtypes` on every call, which costs
    more than the call; bound without `argtypes`, with the text page as a ready `c_void_p`, the index as
    a plain C int and the out-arguments as `byref`s, a call costs about half. Where the bindings do not
    expose their library, pypdfium2's own functions (and the text page object) are used.
    """

    handle: object
    text_object: Callable[[object, int], int | None]  # (handle, index) -> the text object's address
    loose_box: Callable[..., int]  # (handle, index, byref(FS_RECTF))
    origin: Callable[..., int]  # (handle, index, byref(c_double), byref(c_double))
    is_generated: Callable[[object, int], int]


def char_calls(handle) -> CharCalls:  # noqa: ANN001 - an FPDF_TEXTPAGE
    import pypdfium2.raw as raw

    functions = _unconverted_functions()
    if functions is None:
        return CharCalls(handle, text_object_getter(), raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin,
                         raw.FPDFText_IsGenerated)
    return CharCalls(ctypes.cast(handle, ctypes.c_void_p), *functions)


@cache
def _unconverted_functions() -> tuple[Callable[..., Any], ...] | None:
    """FPDFText_GetTextObject, _GetLooseCharBox, _GetCharOrigin, _IsGenerated without `argtypes`."""
    import pypdfium2.raw as raw

    try:
        from pypdfium2_raw import bindings

        library = bindings._libs["pdfium"]
        function_type = type(raw.FPDFText_GetTextObject)
        functions = [function_type((name, library)) for name in
                     ("FPDFText_GetTextObject", "FPDFText_GetLooseCharBox", "FPDFText_GetCharOrigin",
                      "FPDFText_IsGenerated")]
    except (ImportError, AttributeError, KeyError, TypeError):
        return None
    functions[0].restype = ctypes.c_void_p  # the address as an int (None for no object)
    for function in functions[1:]:
        function.restype = ctypes.c_int
    return tuple(functions)


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


def load_page(document: object, index: int):  # noqa: ANN201 - a pypdfium2.PdfPage
    """Page `index` of a pypdfium2 document; a page pdfium cannot load is a corrupt PDF, in one line."""
    import pypdfium2 as pdfium

    try:
        return document[index]  # type: ignore[index]
    except pdfium.PdfiumError as exc:
        raise VnplanError(
            f"corrupt PDF (page {index + 1} cannot be loaded: the page tree is broken or has a cycle; "
            f"pdfium: {str(exc).rstrip('.')})"
        ) from None
