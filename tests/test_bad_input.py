"""Hostile and broken inputs: `vnplan extract` answers each with one clear line and exit status 2.

Every case runs the real CLI in a subprocess, once writing to stdout and once with `-o DIR`, and requires:
exactly one line on stderr, `vnplan: error: <file>: <cause>` (the file name with control characters
escaped), exit status 2, no traceback and no "internal error" (an unforeseen exception is a bug, not a
cause), nothing on stdout, nothing written or left half-written in DIR. Fixtures are built here in
tmp_path; the encrypted PDF is written by hand (PDF standard security handler, revision 2, RC4 with
hashlib's MD5) because no PDF writer with encryption is installed.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.base.errors import printable
from tests.conftest import CORPUS, ROOT

SECRET_MARKER = "VNPLAN-XXE-SECRET-7f3a9c"


def run_extract(path: Path, out_dir: Path | None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "extractor", "extract", str(path)]
    if out_dir is not None:
        command += ["-o", str(out_dir)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", errors="replace",
        timeout=180, cwd=ROOT, env=env,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], path: Path) -> str:
    """The one error line's cause, after checking status, stream contents and format."""
    both = result.stdout + result.stderr
    assert "Traceback" not in both, both[-2000:]
    assert result.returncode == 2, f"exit {result.returncode}; stderr: {result.stderr[-2000:]!r}"
    assert result.stdout == "", f"stdout not empty: {result.stdout[:500]!r}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), f"stderr is not one line: {result.stderr!r}"
    prefix = f"vnplan: error: {printable(path)}: "
    assert lines[0].startswith(prefix), f"expected {prefix!r}...; got {lines[0]!r}"
    cause = lines[0][len(prefix) :]
    assert cause.strip(), "empty cause"
    assert "internal error" not in cause, f"not a clear cause: {cause!r}"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", lines[0]), f"control character printed: {lines[0]!r}"
    return cause


def assert_rejected(path: Path, tmp_path: Path) -> list[str]:
    """Run both ways; returns the two causes."""
    causes = [assert_one_line_error(run_extract(path, None), path)]
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    causes.append(assert_one_line_error(run_extract(path, out_dir), path))
    left = sorted(p.name for p in out_dir.rglob("*"))
    assert left == [], f"written to the output folder: {left}"
    return causes


# --- fixtures -------------------------------------------------------------------------------------------


def missing_file(tmp_path: Path) -> Path:
    return tmp_path / "khong-co.txt"


def empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "rong.txt"
    path.write_bytes(b"")
    return path


def binary_garbage_txt(tmp_path: Path) -> Path:
    path = tmp_path / "rac.txt"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    return path


def truncated_pdf(tmp_path: Path) -> Path:
    data = (CORPUS / "pdf" / "002_6d3ad743c8a9f7c4.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def encrypted_pdf_bytes(user_password: bytes = b"secret", owner_password: bytes = b"owner") -> bytes:
    """A one-page PDF protected by a user password (standard security handler, V1/R2, 40-bit RC4)."""
    padded_user = (user_password + _PAD)[:32]
    owner_hash = _rc4(hashlib.md5((owner_password + _PAD)[:32]).digest()[:5], padded_user)
    permissions = -64
    file_id = hashlib.md5(b"vnplan bad-input fixture").digest()
    key = hashlib.md5(padded_user + owner_hash + struct.pack("<i", permissions) + file_id).digest()[:5]
    user_hash = _rc4(key, _PAD)
    content = b"BT /F1 24 Tf 72 720 Td (KE HOACH CONG TAC NAM 2024) Tj ET"
    content_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    stream = _rc4(content_key, content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner_hash.hex().encode(), user_hash.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1, file_id.hex().encode(), file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def encrypted_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "mat-khau.pdf"
    path.write_bytes(encrypted_pdf_bytes())
    return path


def docx_not_zip(tmp_path: Path) -> Path:
    path = tmp_path / "gia.docx"
    path.write_bytes("Đây không phải tệp Word.\n".encode() * 50)
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zip_bomb_docx(tmp_path: Path, megabytes: int = 400) -> Path:
    """A DOCX package whose document.xml inflates to `megabytes` MB of zeros (about 1 KB per MB on disk)."""
    path = tmp_path / "bom.docx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'.encode())
            for _ in range(megabytes):  # streamed: never more than one chunk in memory or on disk uncompressed
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


def xxe_docx(tmp_path: Path) -> Path:
    """A DOCX whose document.xml declares an external entity pointing at a local file."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET_MARKER + "\n", encoding="utf-8")
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        f'<w:document xmlns:w="{_W}"><w:body>'
        "<w:p><w:r><w:t>KẾ HOẠCH công tác năm 2024</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Nội dung: &xxe;</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    path = tmp_path / "xxe.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("word/document.xml", document)
    return path


def deep_html(tmp_path: Path) -> Path:
    path = tmp_path / "sau.html"
    depth = 100_000
    path.write_text(
        "<html><body>" + "<div>" * depth + "KẾ HOẠCH" + "</div>" * depth + "</body></html>", encoding="utf-8"
    )
    return path


def unknown_extension(tmp_path: Path) -> Path:
    path = tmp_path / "ke-hoach.xyz"
    path.write_text("KẾ HOẠCH\nCông tác thi đua năm 2024\n", encoding="utf-8")
    return path


def control_character_name(tmp_path: Path) -> Path:
    path = tmp_path / "ke\x1b[31mhoach\nvnplan: error: forged\r.txt"
    path.write_bytes(b"")
    return path


CASES: dict[str, Callable[[Path], Path]] = {
    "missing file": missing_file,
    "empty file": empty_file,
    "binary garbage .txt": binary_garbage_txt,
    "truncated pdf": truncated_pdf,
    "encrypted pdf": encrypted_pdf,
    "docx not a zip": docx_not_zip,
    "zip bomb docx": zip_bomb_docx,
    # Under the total size limit: only the compression ratio gives it away.
    "zip bomb docx 250 MB": lambda folder: zip_bomb_docx(folder, megabytes=250),
    "xxe docx": xxe_docx,
    "html 100000 deep": deep_html,
    "unknown extension": unknown_extension,
    "control characters in name": control_character_name,
}


@pytest.mark.timeout(400)
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_clear_error_line(case: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    path = CASES[case](source)
    assert_rejected(path, tmp_path)


def test_external_entity_content_never_appears(tmp_path: Path) -> None:
    path = xxe_docx(tmp_path)
    out_dir = tmp_path / "out"
    for result in (run_extract(path, None), run_extract(path, out_dir)):
        assert SECRET_MARKER not in result.stdout + result.stderr
    for written in out_dir.rglob("*") if out_dir.exists() else []:
        if written.is_file():
            assert SECRET_MARKER not in written.read_text(encoding="utf-8", errors="replace")


def test_control_characters_are_escaped_in_the_message(tmp_path: Path) -> None:
    path = control_character_name(tmp_path)
    result = run_extract(path, None)
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert "\\x1b[31m" in result.stderr and "\\x0a" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_encrypted_pdf_fixture_is_a_valid_protected_pdf(tmp_path: Path) -> None:
    """The hand-made fixture is what it claims: closed without the password, readable with it."""
    import pypdfium2 as pdfium

    path = encrypted_pdf(tmp_path)
    with pytest.raises(pdfium.PdfiumError, match="[Pp]assword"):
        pdfium.PdfDocument(str(path))
    document = pdfium.PdfDocument(str(path), password="secret")
    try:
        textpage = document[0].get_textpage()
        assert "KE HOACH" in textpage.get_text_range()
        textpage.close()
    finally:
        document.close()


def test_memory_cap_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An input that needs more memory than VNPLAN_MEMORY_MB allows ends in one clear line, not a crash."""
    huge = tmp_path / "huge.txt"
    plan = (CORPUS / "001_e90ebdcfd4b0b768.txt").read_text(encoding="utf-8")
    huge.write_text(plan * 2500, encoding="utf-8")  # ~25 MB of text
    monkeypatch.setenv("VNPLAN_MEMORY_MB", "300")
    cause = assert_rejected(huge, tmp_path)[0]
    assert "memory" in cause


def test_two_inputs_with_one_output_name_do_not_overwrite(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    first, second = tmp_path / "a" / "plan.txt", tmp_path / "b" / "plan.txt"
    for path, year in ((first, 2020), (second, 2021)):
        path.parent.mkdir()
        path.write_text(f"KẾ HOẠCH\nCông tác thi đua, khen thưởng năm {year}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(first), str(second), "-o", str(out_dir)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "already written" in result.stderr
    assert "2020" in (out_dir / "plan.txt.json").read_text(encoding="utf-8")
