"""Hostile inputs against the readers (issue 14): each cause refused in one line, or read within the caps.

Every input is generated here in tmp_path (DOCX and ODT packages with zipfile, PDFs written object by
object with a correct xref table, TIFFs with Pillow, pages as text), and run through the real CLI:
exit status 2, the one line `vnplan: error: <file>: <cause>`, no traceback; for the memory and
temporary-disk cases the children's peak RSS stays under VNPLAN_MEMORY_MB / 2 and no temporary folder
of ours is left in TMPDIR. Last, the text stages are fuzzed with hypothesis over mutations of a plan.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import resource
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from extractor.base.errors import VnplanError, printable
from tests.conftest import CORPUS, ROOT, need_program

MEMORY_MB = 2048
"""VNPLAN_MEMORY_MB for these runs; no single input may take more than half of it."""
PLAN = "KẾ HOẠCH Tổ chức hội nghị tổng kết công tác thi đua, khen thưởng năm 2024 của Ủy ban nhân dân tỉnh"


def run_cli(path: Path, tmp_path: Path, **env_extra: str) -> subprocess.CompletedProcess[str]:
    temp = tmp_path / "tmpdir"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8", "TMPDIR": str(temp),
           "VNPLAN_MEMORY_MB": str(MEMORY_MB), **env_extra}
    result = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", str(path)], capture_output=True, text=True,
        encoding="utf-8", errors="replace", timeout=120, cwd=ROOT, env=env,
    )
    left = sorted(p.name for p in temp.iterdir() if p.name.startswith("vnplan-"))
    assert left == [], f"temporary folders left behind: {left}"
    return result


def assert_refused(result: subprocess.CompletedProcess[str], path: Path, cause: str | re.Pattern[str]) -> str:
    both = result.stdout + result.stderr
    assert "Traceback" not in both, both[-3000:]
    assert result.returncode == 2, f"exit {result.returncode}; stderr: {result.stderr[-2000:]!r}"
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"stderr is not one line: {result.stderr[-2000:]!r}"
    prefix = f"vnplan: error: {printable(path)}: "
    assert lines[0].startswith(prefix), lines[0]
    got = lines[0][len(prefix):]
    assert "internal error" not in got, got
    if isinstance(cause, str):
        assert got == cause, f"cause {got!r}, expected {cause!r}"
    else:
        assert cause.fullmatch(got), f"cause {got!r} does not match {cause.pattern!r}"
    return got


def assert_read(result: subprocess.CompletedProcess[str], *texts: str) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == "", result.stderr[-2000:]
    for text in texts:
        assert text in result.stdout


def peak_rss_mb() -> float:
    """Peak resident memory of the largest child this test process has waited for (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def assert_under_memory_cap() -> None:
    peak = peak_rss_mb()
    assert peak < MEMORY_MB / 2, f"a child peaked at {peak:.0f} MB, over VNPLAN_MEMORY_MB/2 = {MEMORY_MB / 2:.0f}"


# --- DOCX and ODT packages ---------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XXE_DOCTYPE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


def content_types(main: str = "/word/document.xml", extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{main}" ContentType="{MAIN_TYPE}"/>{extra}</Types>'
    )


def root_rels(target: str = "word/document.xml") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="{target}"/></Relationships>'
    )


def document_xml(body: str, doctype: str = "", encoding: str | None = "UTF-8") -> str:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    return f'{declaration}{doctype}<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'


def paragraph(text: str, num: str = "") -> str:
    ppr = f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr></w:pPr>' if num else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def write_docx(path: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def plain_docx(path: Path, document: str | bytes, main: str = "word/document.xml",
               extra_parts: dict[str, str | bytes] | None = None) -> Path:
    return write_docx(path, {"[Content_Types].xml": content_types(f"/{main}"), "_rels/.rels": root_rels(main),
                             main: document, **(extra_parts or {})})


def encoded(text: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.encode(codec)


BODY = paragraph(PLAN) + paragraph("Nội dung: &xxe;")
# (label, document.xml bytes): the one DOCTYPE in every encoding a parser may take the part in.
DTD_ENCODINGS = {
    "utf-8": encoded(document_xml(BODY, XXE_DOCTYPE), "utf-8"),
    "utf-8 with BOM": encoded(document_xml(BODY, XXE_DOCTYPE), "utf-8", codecs.BOM_UTF8),
    "utf-16-le with BOM": encoded(document_xml(BODY, XXE_DOCTYPE, "UTF-16"), "utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-be with BOM": encoded(document_xml(BODY, XXE_DOCTYPE, "UTF-16"), "utf-16-be", codecs.BOM_UTF16_BE),
    "utf-16-le without BOM": encoded(document_xml(BODY, XXE_DOCTYPE, "UTF-16"), "utf-16-le"),
    "utf-32-le with BOM": encoded(document_xml(BODY, XXE_DOCTYPE, "UTF-32"), "utf-32-le", codecs.BOM_UTF32_LE),
    "utf-32-be with BOM": encoded(document_xml(BODY, XXE_DOCTYPE, "UTF-32"), "utf-32-be", codecs.BOM_UTF32_BE),
    "utf-32-le without BOM": encoded(document_xml(BODY, XXE_DOCTYPE, None), "utf-32-le"),
    "declared windows-1252": encoded(document_xml(paragraph("KE HOACH"), XXE_DOCTYPE, "windows-1252"), "cp1252"),
    "billion laughs": encoded(document_xml(paragraph("&d;"), LAUGHS), "utf-8"),
}


@pytest.mark.parametrize("variant", list(DTD_ENCODINGS))
def test_docx_part_declaring_a_dtd_is_refused_in_any_encoding(variant: str, tmp_path: Path) -> None:
    path = plain_docx(tmp_path / "dtd.docx", DTD_ENCODINGS[variant])
    assert_refused(run_cli(path, tmp_path), path, "document part word/document.xml declares a DTD (DOCTYPE refused)")


def _main_renamed(tmp_path: Path) -> tuple[Path, str]:
    return plain_docx(tmp_path / "renamed.docx", document_xml(BODY, XXE_DOCTYPE), main="word/main.bin"), "word/main.bin"


def _styles_part(tmp_path: Path) -> tuple[Path, str]:
    styles = f'<?xml version="1.0"?>{XXE_DOCTYPE.replace("w:document", "w:styles")}<w:styles xmlns:w="{W}"/>'
    rels = (f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId9" Type="{REL}/styles" Target="st.dat"/></Relationships>')
    path = plain_docx(tmp_path / "styles.docx", document_xml(paragraph(PLAN)),
                      extra_parts={"word/_rels/document.xml.rels": rels, "word/st.dat": styles})
    return path, "word/st.dat"


def _unreferenced_part(tmp_path: Path) -> tuple[Path, str]:
    evil = encoded(f"<?xml version='1.0' encoding='UTF-32'?>{LAUGHS}<x>&d;</x>", "utf-32-be", codecs.BOM_UTF32_BE)
    path = plain_docx(tmp_path / "custom.docx", document_xml(paragraph(PLAN)), extra_parts={"customXml/item1": evil})
    return path, "customXml/item1"


@pytest.mark.parametrize("make", [_main_renamed, _styles_part, _unreferenced_part],
                         ids=["main part renamed via content types", "styles part not named .xml", "custom part"])
def test_docx_part_declaring_a_dtd_is_refused_whatever_its_name(make, tmp_path: Path) -> None:  # noqa: ANN001
    path, part = make(tmp_path)
    assert_refused(run_cli(path, tmp_path), path, f"document part {part} declares a DTD (DOCTYPE refused)")


def test_docx_with_an_svg_image_declaring_its_dtd_is_read(tmp_path: Path) -> None:
    """An SVG picture (image/svg+xml) often carries the SVG 1.1 DOCTYPE; nothing parses it as XML."""
    svg = ('<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>')
    path = write_docx(tmp_path / "svg.docx", {
        "[Content_Types].xml": content_types(extra='<Default Extension="svg" ContentType="image/svg+xml"/>'),
        "_rels/.rels": root_rels(), "word/document.xml": document_xml(paragraph(PLAN)),
        "word/media/image1.svg": svg,
    })
    assert_read(run_cli(path, tmp_path), PLAN)


def test_odt_part_declaring_a_dtd_is_refused_before_libreoffice(tmp_path: Path) -> None:
    content = (f'<?xml version="1.0" encoding="UTF-16"?>{XXE_DOCTYPE.replace("w:document", "office:document-content")}'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
               "<office:body><office:text>&xxe;</office:text></office:body></office:document-content>")
    path = write_docx(tmp_path / "plan.odt", {"mimetype": "application/vnd.oasis.opendocument.text",
                                               "content.xml": codecs.BOM_UTF16_LE + content.encode("utf-16-le")})
    assert_refused(run_cli(path, tmp_path), path, "document part content.xml declares a DTD (DOCTYPE refused)")


def test_docx_span_grid_over_the_cell_limit_is_refused(tmp_path: Path) -> None:
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="63"/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr>'
    # Distinct cell texts keep the part under the zip-bomb ratio: only the span estimate refuses it.
    rows = "".join(row.format(hashlib.sha256(b"%d" % i).hexdigest()[:16]) for i in range(16_000))
    body = paragraph(PLAN) + "<w:tbl>" + rows + "</w:tbl>"
    path = plain_docx(tmp_path / "grid.docx", document_xml(body))
    began = time.monotonic()
    assert_refused(run_cli(path, tmp_path), path, "table of 1008000 cells, over the limit of 1000000")
    assert time.monotonic() - began < 30
    assert_under_memory_cap()


def numbering_docx(path: Path, start: int, fmt: str) -> Path:
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W}">'
        f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId9" Type="{REL}/numbering" Target="numbering.xml"/></Relationships>')
    body = paragraph(PLAN) + paragraph("MỤC ĐÍCH, YÊU CẦU", num="1") + paragraph("NỘI DUNG", num="1")
    return plain_docx(path, document_xml(body), extra_parts={
        "word/_rels/document.xml.rels": rels, "word/numbering.xml": numbering,
    })


@pytest.mark.parametrize("fmt", ["upperRoman", "lowerRoman", "upperLetter", "lowerLetter"])
def test_docx_numbering_start_of_10_to_the_12_is_drawn_in_digits(fmt: str, tmp_path: Path) -> None:
    path = numbering_docx(tmp_path / "numbering.docx", 10**12, fmt)
    began = time.monotonic()
    result = run_cli(path, tmp_path)
    assert time.monotonic() - began < 30
    assert_read(result, "1000000000000. MỤC ĐÍCH, YÊU CẦU", "1000000000001. NỘI DUNG")
    assert_under_memory_cap()


# --- HTML --------------------------------------------------------------------------------------------

ARTICLE = "".join(f"<p>{PLAN}, mục {i}: triển khai các nhiệm vụ trọng tâm trong quý {i % 4 + 1}.</p>" for i in range(4))


def test_html_nested_under_the_depth_limit_keeps_its_content(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 1990 + ARTICLE + "</div>" * 1990 + "</body></html>", encoding="utf-8")
    assert_read(run_cli(path, tmp_path), PLAN + ", mục 3")


@pytest.mark.parametrize("page", [
    "<html><body>" + "<div>" * 100_000 + ARTICLE + "</div>" * 100_000 + "</body></html>",
    "<html><body>" + "<div></b>" * 100_000 + ARTICLE + "</body></html>",
    "<html><body>" + "<span>" * 2001 + ARTICLE + "</body></html>",
], ids=["div 100000 deep", "div-close-b 100000 times", "2001 deep"])
def test_html_nested_over_the_depth_limit_is_refused(page: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    assert_refused(run_cli(path, tmp_path), path, "HTML nested more than 2000 elements deep")
    assert_under_memory_cap()


def test_html_with_too_many_elements_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<html><body>" + "<i></i>" * 500_001 + ARTICLE + "</body></html>", encoding="utf-8")
    assert_refused(run_cli(path, tmp_path), path, "HTML page has more than 500000 elements")


@pytest.mark.parametrize("control", ["\x01", "&#1;", "&#x1f;", "\x0b", "&#xFFFE;"])
def test_html_control_character_after_script_is_dropped(control: str, tmp_path: Path) -> None:
    path = tmp_path / "control.html"
    path.write_text(f"<html><body><div><script>var a = 1;</script>{control}{ARTICLE}</div></body></html>",
                    encoding="utf-8")
    assert_read(run_cli(path, tmp_path), PLAN + ", mục 2")


def test_html_colspan_grid_over_the_cell_limit_is_refused(tmp_path: Path) -> None:
    row = "<tr>" + '<td colspan="1000">x</td>' * 25 + "</tr>"
    path = tmp_path / "grid.html"
    path.write_text(f"<html><body><article>{ARTICLE}<table>{row * 1000}</table></article></body></html>",
                    encoding="utf-8")
    began = time.monotonic()
    assert_refused(run_cli(path, tmp_path), path, "table of 25000000 cells, over the limit of 1000000")
    assert time.monotonic() - began < 30
    assert_under_memory_cap()


# --- PDF ---------------------------------------------------------------------------------------------


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF from object bodies (object i + 1 is objects[i], 1 the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf_objects() -> list[bytes]:
    content = b"BT /F1 12 Tf 72 720 Td (KE HOACH to chuc hoi nghi) Tj ET"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def test_minimal_pdf_fixture_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.pdf"
    path.write_bytes(build_pdf(text_pdf_objects()))
    assert_read(run_cli(path, tmp_path), "KE HOACH to chuc hoi nghi")


def _kids_include_their_parent(objects: list[bytes]) -> None:
    objects[1] = b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"


def _two_nodes_in_a_loop(objects: list[bytes]) -> None:
    objects[1] = b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>"
    objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>")


@pytest.mark.parametrize("edit", [_kids_include_their_parent, _two_nodes_in_a_loop], ids=["self", "two nodes"])
def test_pdf_page_tree_with_a_cycle_is_a_corrupt_pdf(edit, tmp_path: Path) -> None:  # noqa: ANN001
    objects = text_pdf_objects()
    edit(objects)
    path = tmp_path / "cycle.pdf"
    path.write_bytes(build_pdf(objects))
    began = time.monotonic()
    assert_refused(run_cli(path, tmp_path), path,
                   re.compile(r"corrupt PDF \(page \d+ cannot be loaded: the page tree is broken or has a cycle; .*\)"))
    assert time.monotonic() - began < 30


def test_pdf_page_image_over_the_pixel_limit_is_refused_before_rendering(tmp_path: Path) -> None:
    side = 40_000
    data = zlib.compress(bytes(side // 8) * 64)  # the stream is never decoded: its header is the size
    content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + data + b"\nendstream",
    ]
    path = tmp_path / "huge-image.pdf"
    path.write_bytes(build_pdf(objects))
    began = time.monotonic()
    assert_refused(run_cli(path, tmp_path), path,
                   "page 1 draws an image of 40000x40000 pixels, over the limit of 80000000")
    assert time.monotonic() - began < 30
    assert_under_memory_cap()


# --- content that is not what the name says ----------------------------------------------------------


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b"")


def zip_bytes(tmp_path: Path) -> bytes:
    return plain_docx(tmp_path / "any.zip", document_xml(paragraph(PLAN))).read_bytes()


MISMATCHES = {
    "png named .html": ("page.html", lambda tmp: png_bytes(), "file is a PNG image, not HTML"),
    "png named .txt": ("plan.txt", lambda tmp: png_bytes(), "file is a PNG image, not text"),
    "zip named .pdf": ("plan.pdf", zip_bytes, "file is a ZIP archive, not PDF"),
    "pdf named .docx": ("plan.docx", lambda tmp: build_pdf(text_pdf_objects()), "file is a PDF document, not DOCX"),
    "pdf named .png": ("scan.png", lambda tmp: build_pdf(text_pdf_objects()), "file is a PDF document, not an image"),
    "jpeg named .doc": ("plan.doc", lambda tmp: b"\xff\xd8\xff\xe0" + bytes(64), "file is a JPEG image, not a .doc file"),
    "gzip named .html": ("page.html", lambda tmp: b"\x1f\x8b\x08\x00" + bytes(64), "file is a gzip archive, not HTML"),
}


@pytest.mark.parametrize("case", list(MISMATCHES))
def test_content_that_is_not_what_the_suffix_says_is_named(case: str, tmp_path: Path) -> None:
    name, make, cause = MISMATCHES[case]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    assert_refused(run_cli(path, tmp_path), path, cause)


# --- temporary disk ----------------------------------------------------------------------------------


def blank_tiff(path: Path, frames: int, side: int) -> Path:
    from PIL import Image

    images = [Image.new("L", (side, side), 255) for _ in range(frames)]
    images[0].save(path, save_all=True, append_images=images[1:], compression="tiff_deflate")
    return path


def test_tiff_frame_over_the_temporary_disk_budget_is_refused(tmp_path: Path) -> None:
    path = blank_tiff(tmp_path / "scan.tiff", frames=30, side=4000)  # 16 MB a frame, 480 MB converted at once
    assert_refused(run_cli(path, tmp_path, VNPLAN_TMP_MB="10"), path, "temporary files over VNPLAN_TMP_MB=10")
    assert_under_memory_cap()


def test_tiff_frames_are_converted_one_at_a_time(tmp_path: Path) -> None:
    """Four frames of 6.25 MB: 25 MB if all were converted before OCR, at most two at once here."""
    need_program("tesseract")
    path = blank_tiff(tmp_path / "scan.tiff", frames=4, side=2500)
    assert_refused(run_cli(path, tmp_path, VNPLAN_TMP_MB="15"), path, "no text found in the file")


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf"])
def test_invalid_tmp_budget_is_a_clear_error(value: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN + "\n", encoding="utf-8")
    result = run_cli(path, tmp_path, VNPLAN_TMP_MB=value)
    assert "Traceback" not in result.stderr and result.returncode == 2, result.stderr
    assert f"invalid VNPLAN_TMP_MB: {value!r}" in result.stderr, result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_removes_the_readers_temporary_folders(signum: int, tmp_path: Path) -> None:
    need_program("tesseract")
    path = blank_tiff(tmp_path / "scan.tiff", frames=20, side=2500)
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TMPDIR": str(temp)}
    process = subprocess.Popen([sys.executable, "-m", "extractor", "extract", str(path)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.glob("frame-*") for p in temp.glob("vnplan-img-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(temp.glob("vnplan-img-*")), "the reader never made its folder"
    process.send_signal(signum)
    _out, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert process.returncode in (130, -signum, 128 + signum), (process.returncode, err)
    assert sorted(p.name for p in temp.iterdir()) == []


# --- fuzzing the text stages -------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEED = (CORPUS / "000_b6e2a91fbbaf595e.txt").read_text(encoding="utf-8")
SEED_LINES = SEED.splitlines()
NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
MUTATION = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(SEED_LINES) - 1), st.just("")),
    st.tuples(st.just("insert"), st.integers(0, len(SEED_LINES) - 1), NOISE),
    st.tuples(st.just("replace"), st.integers(0, len(SEED_LINES) - 1), NOISE),
    st.tuples(st.just("duplicate"), st.integers(0, len(SEED_LINES) - 1), st.just("")),
    st.tuples(st.just("splice"), st.integers(0, len(SEED_LINES) - 1), NOISE),
    st.tuples(st.just("tab"), st.integers(0, len(SEED_LINES) - 1), st.just("\t")),
)


def mutate(lines: list[str], mutations: list[tuple[str, int, str]]) -> str:
    lines = list(lines)
    for kind, index, noise in mutations:
        index %= max(len(lines), 1)
        if not lines:
            lines.append(noise)
        elif kind == "delete":
            del lines[index]
        elif kind == "insert":
            lines.insert(index, noise)
        elif kind == "replace":
            lines[index] = noise
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "splice":
            cut = len(lines[index]) // 2
            lines[index] = lines[index][:cut] + noise + lines[index][cut:]
        else:
            lines[index] = lines[index].replace(" ", noise, 2)
    return "\n".join(lines)


@settings(derandomize=True, max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MUTATION, min_size=1, max_size=12))
def test_text_stages_survive_mutated_plans(mutations: list[tuple[str, int, str]]) -> None:
    from extractor.base.blocks import ReadResult
    from extractor.pipeline import StageTimer, build_document
    from extractor.readers.text import blocks_from_text

    text = mutate(SEED_LINES, mutations)
    result = ReadResult(blocks=blocks_from_text(text), format="txt", encoding="utf-8")
    try:
        build_document(result, "fuzz.txt", "0" * 64, StageTimer())
    except VnplanError:
        pass
