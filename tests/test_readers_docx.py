"""DOCX reader: reading order, tables, merged cells, Word list labels, text boxes, layout tables, safety."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from extractor.base.blocks import assemble
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.base.limits import Limits
from extractor.base.normalize import fold
from extractor.readers import read
from tests.conftest import REAL_GOLD, need

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)

# Two lists: numId 1 = "I." / "1." / "a)" / "%2.%3." levels; numId 2 shares abstract 0 but restarts at 1.
NUMBERING = f"""<w:numbering {NSDECL}>
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="0"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def _numbered(document: docx.document.Document, text: str, num_id: int, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {NSDECL}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _set_numbering(document: docx.document.Document) -> None:
    part = document.part.numbering_part
    element = part.element
    for child in list(element):
        element.remove(child)
    for child in parse_xml(NUMBERING):
        element.append(child)


def _layout_table(document: docx.document.Document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    for row, (left, right) in zip(table.rows, rows, strict=True):
        row.cells[0].text = left
        row.cells[1].text = right


def _plan_docx(path: Path) -> Path:
    document = docx.Document()
    _set_numbering(document)
    document.sections[0].header.paragraphs[0].text = "TIÊU ĐỀ TRANG LẶP LẠI"
    document.sections[0].footer.paragraphs[0].text = "Trang chân 1"
    _layout_table(document, [
        ("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
        ("Số: 12/KH-UBND", "Điện Biên, ngày 05 tháng 3 năm 2024"),
    ])
    document.add_paragraph("KẾ HOẠCH").runs[0].bold = True
    _numbered(document, "MỤC ĐÍCH, YÊU CẦU", 1, 0)
    _numbered(document, "Mục đích", 1, 1)
    _numbered(document, "Chi tiết", 1, 2)
    _numbered(document, "Chi tiết nữa", 1, 2)
    _numbered(document, "Yêu cầu", 1, 1)
    _numbered(document, "Ý thứ nhất", 1, 3)
    _numbered(document, "NHIỆM VỤ", 1, 0)
    _numbered(document, "Nhiệm vụ một", 1, 1)
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate([("STT", "Nội dung", "Thời gian"), ("1", "Rà soát", "Quý I"),
                                ("2", "Tổng kết", "Quý IV")]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical merge
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal merge
    table.cell(0, 0).text = "Nhiệm vụ"
    _numbered(document, "TỔ CHỨC THỰC HIỆN", 1, 0)
    _numbered(document, "Danh sách mới", 2, 0)
    _numbered(document, "gạch đầu dòng", 3, 0)
    box = document.add_paragraph()
    box._p.append(parse_xml(
        f'<w:r {NSDECL}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Chữ trong hộp</w:t>'
        '</w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
        '</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>'
        '<w:t>Chữ trong hộp</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r>'
    ))
    _layout_table(document, [
        ("Nơi nhận:\n- Như trên;\n- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn A"),
    ])
    document.save(path)
    return path


@pytest.fixture
def plan(tmp_path: Path):
    return read(_plan_docx(tmp_path / "plan.docx"))


def test_labels_from_word_numbering(plan) -> None:
    labelled = [(b.label, b.text) for b in plan.blocks if b.label]
    assert labelled == [
        ("I.", "MỤC ĐÍCH, YÊU CẦU"), ("1.", "Mục đích"), ("1.1.", "Chi tiết"), ("1.2.", "Chi tiết nữa"),
        ("2.", "Yêu cầu"), ("a)", "Ý thứ nhất"), ("II.", "NHIỆM VỤ"), ("1.", "Nhiệm vụ một"),
        ("III.", "TỔ CHỨC THỰC HIỆN"), ("I.", "Danh sách mới"), ("-", "gạch đầu dòng"),
    ]


def test_table_rows_interleaved_with_merged_cells_on_the_grid(plan) -> None:
    kinds = [b.kind for b in plan.blocks if b.region is None and b.line.strip()]
    first_row = kinds.index("row")
    assert kinds[first_row:first_row + 3] == ["row"] * 3 and kinds[first_row + 3] == "paragraph"
    rows = [b for b in plan.blocks if b.kind == "row"]
    # A merged cell stands once, at its first grid column, and the columns it spans are empty, so columns
    # line up across rows; the vertical continuation row shows the cell as empty.
    assert [b.cells for b in rows] == [
        ["Nhiệm vụ", "", "Thời gian"], ["1", "Rà soát", "Quý I Quý IV"], ["2", "Tổng kết", ""]]
    assert {b.table for b in rows} == {0} and [b.row for b in rows] == [0, 1, 2]
    # the row sits after "Nhiệm vụ một" and before "TỔ CHỨC THỰC HIỆN"
    lines = assemble(plan.blocks).text.split("\n")
    assert lines.index("1. Nhiệm vụ một") < lines.index("Nhiệm vụ\t\tThời gian") < lines.index("III. TỔ CHỨC THỰC HIỆN")


def test_page_header_and_footer_excluded_text_box_once(plan) -> None:
    text = assemble(plan.blocks).text
    assert "TIÊU ĐỀ TRANG" not in text and "Trang chân" not in text
    assert text.count("Chữ trong hộp") == 1


def test_layout_tables_become_regions(plan) -> None:
    by_region: dict[str | None, list[str]] = {}
    for block in plan.blocks:
        if block.line.strip():
            by_region.setdefault(block.region, []).append(block.line)
    assert by_region["header-left"] == ["ỦY BAN NHÂN DÂN", "TỈNH ĐIỆN BIÊN", "Số: 12/KH-UBND"]
    assert by_region["header-right"] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Điện Biên, ngày 05 tháng 3 năm 2024"]
    assert by_region["footer-left"] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert by_region["footer-right"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn A"]
    ordered = [b.region for b in plan.blocks if b.line.strip()]
    assert ordered[:2] == ["header-left", "header-left"] and ordered[-1] == "footer-right"
    assert all(b.kind == "paragraph" for b in plan.blocks if b.region)


def test_bold_and_style(plan) -> None:
    title = next(b for b in plan.blocks if b.text == "KẾ HOẠCH")
    assert title.bold and title.style == "Normal"
    assert not next(b for b in plan.blocks if b.text == "Mục đích").bold


# --- bad input --------------------------------------------------------------------------------------


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"this is plain text, not a Word file\n" * 10)
    with pytest.raises(VnplanError, match="not a valid DOCX"):
        read(path)


def test_encrypted_ole_container(tmp_path: Path) -> None:
    path = tmp_path / "secret.docx"
    stream_name = "EncryptionInfo".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + stream_name + b"\0" * 1000)
    with pytest.raises(VnplanError, match="password-protected"):
        read(path)


def test_zip_bomb_refused_before_parsing(tmp_path: Path) -> None:
    source = _plan_docx(tmp_path / "ok.docx")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/media/blank.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="zip bomb"):
        read(bomb)
    with pytest.raises(LimitExceeded, match="over the limit"):
        read(source, Limits(docx_uncompressed_bytes=10_000))


def test_doctype_and_entities_refused(tmp_path: Path) -> None:
    source = _plan_docx(tmp_path / "ok.docx")
    evil = tmp_path / "xxe.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"?>", b'?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
                ).replace("KẾ HOẠCH".encode(), b"&x;")
            dst.writestr(item, data)
    with pytest.raises(VnplanError, match="DOCTYPE"):
        read(evil)


def test_zip_without_word_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(VnplanError, match="not a valid DOCX"):
        read(path)


# --- real files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lamdong-kh-cchc-2026", "lamdong-kh-thi-dua-cchc-2026",
                                  "lamdong-kh-tuyen-truyen-cchc-2026"])
def test_real_docx_section_numbers_match_gold(real_dir: Path, name: str) -> None:
    gold_path = REAL_GOLD / f"{name}.gold.json"
    need(gold_path.is_file(), f"{gold_path.name} is not present")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    layout = assemble(read(real_dir / f"{name}.docx").blocks)
    lines = [fold(block.line) for block in layout.blocks if block.kind == "paragraph"]
    missing = []
    for section in gold["sections"]:
        number, title = fold(section["number"]), fold(section["title"])[:25]
        if not any(line.startswith(number) and title in line for line in lines):
            missing.append(f"{section['number']} {section['title']}")
    assert not missing


def test_real_docx_auto_numbered_labels(real_dir: Path) -> None:
    result = read(real_dir / "lamdong-kh-cchc-2026.docx")
    labels = [block.label for block in result.blocks if block.label]
    assert labels[:7] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert "a)" in labels


def test_real_docx_complete_against_libreoffice_text(real_dir: Path, tmp_path: Path) -> None:
    """Every word LibreOffice's own text export shows (labels included) is read, in the same order."""
    from extractor.readers.sandbox import run_program
    from tests.conftest import need_program

    soffice = need_program("soffice")
    source = real_dir / "lamdong-kh-tuyen-truyen-cchc-2026.docx"
    run_program([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                 "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(source)],
                timeout=180)
    reference = (tmp_path / f"{source.stem}.txt").read_text(encoding="utf-8-sig")
    ours = assemble(read(source).blocks).text

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    assert words(ours) == words(reference)
    result = read(source)
    assert sum(1 for b in result.blocks if b.kind == "row") == 23
    assert {b.region for b in result.blocks} >= {"header-left", "header-right", "footer-left", "footer-right"}
