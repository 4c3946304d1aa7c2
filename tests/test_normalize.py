"""Normalization: stored text keeps its wording in NFC; comparison keys fold what the guidelines fold."""

from __future__ import annotations

import random
import re
import unicodedata

from extractor.base import normalize
from extractor.base.normalize import clean_text, fold


def test_clean_text_is_nfc_and_maps_look_alikes():
    decomposed = unicodedata.normalize("NFD", "Kế hoạch Ủy ban nhân dân")
    assert clean_text(decomposed) == "Kế hoạch Ủy ban nhân dân"
    assert clean_text("\u00d0ồng Tháp") == "Đồng Tháp"  # Icelandic eth typed for Đ
    assert clean_text("Số:\u00a0 41/KH-HĐTĐKT\u200b") == "Số: 41/KH-HĐTĐKT"
    assert clean_text("thi\u00ad đua\x0b  năm") == "thi đua năm"


def test_clean_text_keeps_dashes_and_tone_placement_verbatim():
    text = "Sở Lao động – Thương binh và Xã hội tỉnh Khánh Hoà"
    assert clean_text(text) == text


def test_fold_tone_placement_dashes_quotes_and_case():
    assert fold("Khánh Hoà") == fold("khánh hòa")
    assert fold("Thuỷ lợi") == fold("thủy lợi")
    assert fold("quà tặng") == "quà tặng"  # 'qu' is a consonant: nothing moves
    assert fold("Lao động – Thương binh") == fold("Lao động-Thương binh") == "lao động-thương binh"
    assert fold("“Đoàn kết”") == "đoàn kết"


def test_fold_expands_common_abbreviations():
    assert fold("UBND tỉnh") == fold("Ủy ban nhân dân tỉnh")
    assert fold("Sở LĐTB&XH") == fold("Sở Lao động - Thương binh và Xã hội")
    assert fold("Sở Lao động - TB&XH") == fold("Sở Lao động – Thương binh và Xã hội")
    assert fold("Ban TĐKT tỉnh") == fold("Ban Thi đua - Khen thưởng tỉnh")
    # An abbreviation inside a longer token is left alone.
    assert "ủy ban nhân dân" not in fold("KH-UBNDX")


def _clean_text_in_passes(text: str) -> str:
    """`clean_text` as it was written before its passes were joined: the reference."""
    text = unicodedata.normalize("NFC", text).translate(normalize._CHAR_MAP)
    text = re.sub(r"[\ud800-\udfff]", "", re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]", " ", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def test_clean_text_gives_what_its_separate_passes_give() -> None:
    codes = [*range(0x250), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070), *range(0xD7F0, 0xE010),
             0x3000, 0xFEFF, 0x300, 0x301, 0x303, 0x309, 0x323]
    pool = [chr(code) for code in codes] + [" "] * 60 + ["\t"] * 10
    rng = random.Random(17)
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 24)))
        assert normalize.clean_text(text) == _clean_text_in_passes(text), repr(text)
    # The quick test finds exactly the characters the translate changes.
    assert {chr(code) for code in normalize._CLEAN_MAP} == {
        chr(code) for code in range(0x110000) if normalize._NEEDS_CLEAN.match(chr(code))
    }
