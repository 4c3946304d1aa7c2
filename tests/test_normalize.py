"""Normalization: stored text keeps its wording in NFC; comparison keys fold what the guidelines fold."""

from __future__ import annotations

import unicodedata

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
