"""Legacy Vietnamese encodings: TCVN3 and VNI in plain text and in DOCX runs, converted to Unicode NFC.

Legacy bytes come from sources independent of the converter (which uses viparse's tables): glibc iconv
for TCVN3, and the VNI table of duydev/vietnamese-conversion (src/charsets.ts) for VNI.
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import docx
import pytest

from extractor.readers import read
from extractor.readers.encodings import decode_bytes
from extractor.readers.legacy import convert_run, decode_legacy_bytes, font_encoding, is_caps_font
from tests.conftest import need_program

SENTENCE = (
    "căn cứ nghị định số 30/2020/NĐ-CP của chính phủ về công tác văn thư; ủy ban nhân dân tỉnh lâm đồng "
    "ban hành kế hoạch thực hiện nhiệm vụ năm 2026, bảo đảm người dân được hưởng lợi ích thiết thực."
)

# duydev/vietnamese-conversion src/charsets.ts, VNI column, for the letters SENTENCE_VNI needs.
VNI_FROM_DUYDEV = {
    "ă": "aê", "â": "aâ", "ê": "eâ", "ô": "oâ", "ơ": "ô", "ư": "ö", "đ": "ñ", "Đ": "Ñ", "à": "aø",
    "á": "aù", "ạ": "aï", "ả": "aû", "ấ": "aá", "ầ": "aà", "ậ": "aä", "ắ": "aé", "ẵ": "aü", "ặ": "aë", "ẳ": "aú",
    "é": "eù", "ế": "eá", "ề": "eà", "ể": "eå", "ệ": "eä", "í": "í", "ì": "ì", "ị": "ò", "ỉ": "æ",
    "ó": "où", "ọ": "oï", "ố": "oá", "ồ": "oà", "ộ": "oä", "ớ": "ôù", "ờ": "ôø", "ợ": "ôï", "ở": "ôû", "ỡ": "ôõ",
    "ú": "uù", "ủ": "uû", "ụ": "uï", "ứ": "öù", "ừ": "öø", "ự": "öï", "ử": "öû", "ỹ": "yõ", "ỵ": "î",
}


def _to_vni(text: str) -> bytes:
    return "".join(VNI_FROM_DUYDEV.get(ch, ch) for ch in text).encode("cp1252")


def _tcvn3(text: str) -> bytes:
    iconv = need_program("iconv")
    done = subprocess.run([iconv, "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(),
                          capture_output=True, check=True)
    return done.stdout


def test_tcvn3_plain_text_detected_and_converted() -> None:
    data = _tcvn3(SENTENCE)
    assert decode_legacy_bytes(data) == (SENTENCE, "tcvn3")
    assert decode_bytes(data) == (SENTENCE, "tcvn3")


def test_tcvn3_vn1_capitals_from_iconv() -> None:
    text = "Ủy ban nhân dân tỉnh. " + SENTENCE
    assert decode_legacy_bytes(_tcvn3(text)) == (text, "tcvn3")


def test_vni_plain_text_detected_and_converted() -> None:
    text = SENTENCE + " Sẵn sàng, khẳng định, chú ý kỹ lưỡng."
    decoded = decode_legacy_bytes(_to_vni(text))
    assert decoded is not None and decoded[1] == "vni"
    assert decoded[0] == unicodedata.normalize("NFC", text)


def test_cp1258_and_latin_text_left_alone() -> None:
    iconv = need_program("iconv")
    cp1258 = subprocess.run([iconv, "-f", "UTF-8", "-t", "CP1258"], input=SENTENCE.encode(),
                            capture_output=True, check=True).stdout
    assert decode_legacy_bytes(cp1258) is None
    decoded, encoding = decode_bytes(cp1258)  # cp1258 gives combining tones; readers apply NFC
    assert (unicodedata.normalize("NFC", decoded), encoding) == (SENTENCE, "cp1258")
    spanish = "El niño está aquí con la señora; mañana habrá reunión en el salón municipal.".encode("latin-1")
    assert decode_legacy_bytes(spanish) is None


@pytest.mark.parametrize(("font", "encoding", "caps"), [
    (".VnTime", "tcvn3", False), (".VnTimeH", "tcvn3", True), ("ABCDEF+.VnArialH,Bold", "tcvn3", True),
    ("VNI-Times", "vni", False), ("Times New Roman", None, False), (None, None, False),
])
def test_font_names(font: str | None, encoding: str | None, caps: bool) -> None:
    assert font_encoding(font) == encoding
    assert is_caps_font(font) == caps


def test_convert_run_pdf_style_strings() -> None:
    latin = _tcvn3("kế hoạch cải cách hành chính").decode("latin-1")
    assert convert_run(latin, "ABCDEF+.VnTime") == ("kế hoạch cải cách hành chính", "tcvn3")
    assert convert_run(latin, ".VnTimeH") == ("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH", "tcvn3")
    assert convert_run(latin, "Arial") == (latin, None)
    assert convert_run(_to_vni("người dân").decode("cp1252"), "VNI-Times") == ("người dân", "vni")


def test_docx_runs_in_vntime_fonts(tmp_path: Path) -> None:
    document = docx.Document()
    heading = document.add_paragraph()
    run = heading.add_run(_tcvn3("kế hoạch").decode("latin-1"))
    run.font.name = ".VnTimeH"
    body = document.add_paragraph()
    run = body.add_run(_tcvn3(SENTENCE).decode("latin-1"))
    run.font.name = ".VnTime"
    mixed = document.add_paragraph()
    mixed.add_run("Unicode: ")
    vni_run = mixed.add_run(_to_vni("người dân").decode("cp1252"))
    vni_run.font.name = "VNI-Times"
    path = tmp_path / "legacy.docx"
    document.save(path)
    result = read(path)
    lines = [block.line for block in result.blocks if block.line]
    assert lines == ["KẾ HOẠCH", SENTENCE, "Unicode: người dân"]
    assert result.encoding == "tcvn3, vni"
    assert result.warnings and result.warnings[0][0] == "legacy-encoding"
