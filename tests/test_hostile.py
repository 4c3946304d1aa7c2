"""Hostile and broken inputs and surroundings (issue 14), in two parts: first output folders, batches
and the command line, then hostile files of every format against the readers.

Every case is built in tmp_path at test time and runs the real CLI in a subprocess (a few run the CLI's
`main` in a subprocess with one function replaced, to fail where a real fault cannot be made on
demand). Each asserts the exit status, the one line `vnplan: error: <file>: <cause>`, no traceback, no
write outside the output folder and nothing half-written there. Cases that need a real unprivileged
user run under `unshare --user` (our files then keep their owner bits but root's overrides are gone)
and skip when that is not possible.

The readers: each cause is refused in one line, or read within the caps. Every input is generated
here in tmp_path (DOCX and ODT packages with zipfile, PDFs written object by object with a correct xref table, TIFFs with Pillow, pages as text), and run through the real CLI:
exit status 2, the one line `vnplan: error: <file>: <cause>`, no traceback; for the memory and
temporary-disk cases the children's peak RSS stays under VNPLAN_MEMORY_MB / 2 and no temporary folder
of ours is left in TMPDIR. Last, the text stages are fuzzed with hypothesis over mutations of a plan.

The first part is the classic set of broken files (missing, empty, garbage, truncated, encrypted,
zip bombs, entities, deep pages, unknown kinds, hostile names, a memory cap).
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.base import output, tempdirs
from extractor.base.errors import VnplanError, os_cause, printable
from extractor.base.limits import MIB, MIN_MEMORY_MB, Limits, worker_memory_bytes
from tests.conftest import CORPUS, ROOT, need_program

# ======================= broken files of every kind =======================

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
    return build_pdf(objects, b" /Encrypt 6 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode()))


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
    # Files named one by one that share a name keep their paths below their common folder (README).
    assert result.returncode == 0, result.stderr
    assert "2020" in (out_dir / "a" / "plan.txt.json").read_text(encoding="utf-8")
    assert "2021" in (out_dir / "b" / "plan.txt.json").read_text(encoding="utf-8")
    assert not (out_dir / "plan.txt.json").exists()


# ======================= output folders, batches and the command line =======================
PLAN = CORPUS / "001_e90ebdcfd4b0b768.txt"
LINK = "is a symbolic link"


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("VNPLAN_")}
    return {**base, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8", **extra}


def vnplan(*argv: str | Path, prefix: tuple[str, ...] = (), extra_env: dict[str, str] | None = None,
           **kwargs) -> subprocess.CompletedProcess[str]:
    command = [*prefix, sys.executable, "-m", "extractor", *map(str, argv)]
    kwargs.setdefault("capture_output", True)
    return subprocess.run(command, text=True, encoding="utf-8", errors="replace", cwd=ROOT,
                          env=env(**(extra_env or {})), timeout=120, **kwargs)


def patched_main(patch: str, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    """The CLI's main in a subprocess, after running `patch` (Python source) to plant a fault."""
    code = f"import sys\n{patch}\nfrom extractor.cli import main\nsys.exit(main({[str(a) for a in argv]!r}))\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env(),
                          timeout=120)


def error_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The one error line, after checking the status and that no traceback was printed."""
    both = (result.stdout or "") + result.stderr
    assert "Traceback" not in both and "Exception ignored" not in both, both[-2000:]
    assert result.returncode == status, f"exit {result.returncode}; stderr: {result.stderr[-2000:]!r}"
    lines = [line for line in result.stderr.splitlines() if line.startswith("vnplan: error: ")]
    assert len(lines) == 1, f"not one error line: {result.stderr!r}"
    assert "internal error" not in lines[0], lines[0]
    return lines[0]


def expect(result: subprocess.CompletedProcess[str], status: int, file: object, cause: str) -> None:
    line = error_line(result, status)
    prefix = f"vnplan: error: {printable(file)}: " if file is not None else "vnplan: error: "
    assert line.startswith(prefix), f"expected {prefix!r}; got {line!r}"
    assert cause in line[len(prefix):], f"expected {cause!r} in {line!r}"


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    """Every file below `folder` (but `skip`) with its size and mtime: to prove nothing was written."""
    found = {}
    for path in folder.rglob("*"):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        info = path.lstat()
        found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def assert_whole(out: Path) -> None:
    """Nothing half-written: no temporary file left, every JSON output a whole document."""
    if not out.is_dir():
        return
    for path in out.rglob("*"):
        assert not (path.name.startswith(output.TEMP_PREFIX) and path.name.endswith(output.TEMP_SUFFIX)), path
        if path.suffix == ".json" and path.is_file() and not path.is_symlink():
            json.loads(path.read_text(encoding="utf-8"))


def records(out: Path) -> list[dict]:
    path = out / "errors.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/a/b/plan.txt: an input whose output lies two folders down."""
    folder = tmp_path / "in" / "a" / "b"
    folder.mkdir(parents=True)
    shutil.copy(PLAN, folder / "plan.txt")
    return tmp_path / "in"


def unprivileged(*extra: str) -> tuple[str, ...]:
    """A prefix that runs a command without root's overrides of permission bits, or a skip."""
    if os.geteuid() != 0:
        pytest.skip("needs root (to drop root's privileges in a user namespace)")
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run([unshare, "--user", *extra, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available: {probe.stderr.decode(errors='replace').strip()}")
    return (unshare, "--user", *extra)


# --- 1. no link on any component below the output folder ---------------------------------------------

POSITIONS = ("child folder", "nested folder", "the file itself")


def plant(out: Path, position: str, target: Path) -> Path:
    """A symbolic link at `position` on the way to out/a/b/plan.txt.json, pointing at `target`."""
    link = {"child folder": out / "a", "nested folder": out / "a" / "b",
            "the file itself": out / "a" / "b" / "plan.txt.json"}[position]
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=target.is_dir())
    return link


@pytest.mark.parametrize("position", POSITIONS)
def test_output_json_link_inside_the_folder_is_refused(tree: Path, tmp_path: Path, position: str) -> None:
    """A link that stays inside the output folder passes any check of where the path leads; the walk
    with O_NOFOLLOW refuses it all the same."""
    out = tmp_path / "out"
    decoy = out / "decoy"
    decoy.mkdir(parents=True)
    target = decoy if position != "the file itself" else decoy / "x.json"
    if position == "the file itself":
        target.write_text("{}")
    link = plant(out, position, target)
    before = snapshot(tmp_path, skip=out)
    result = vnplan("batch", tree, "--out", out, "--progress", "off")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [record] = records(out)
    assert record["stage"] == "write" and record["error"] == f"{link}: {LINK}", record
    assert sorted(p.name for p in decoy.iterdir()) == ([] if position != "the file itself" else ["x.json"])
    if position == "the file itself":
        assert target.read_text() == "{}"
    assert snapshot(tmp_path, skip=out) == before
    assert_whole(out)


@pytest.mark.parametrize("position", POSITIONS)
def test_output_json_link_out_of_the_folder_is_refused(tree: Path, tmp_path: Path, position: str) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    plant(out, position, elsewhere if position != "the file itself" else elsewhere / "stolen.json")
    before = snapshot(tmp_path, skip=out)
    result = vnplan("batch", tree, "--out", out, "--progress", "off")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [record] = records(out)
    assert record["error"] in ("output path would leave the output folder", f"{out / 'a'}: {LINK}") or \
        record["error"].endswith(LINK), record
    assert not any(elsewhere.iterdir())
    assert snapshot(tmp_path, skip=out) == before
    assert_whole(out)


def test_extract_output_link_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("keep")
    source = tmp_path / "plan.txt"
    shutil.copy(PLAN, source)
    (out / "plan.txt.json").symlink_to(elsewhere)
    expect(vnplan("extract", source, "-o", out), 2, source, "")
    assert elsewhere.read_text() == "keep"
    assert_whole(out)


def test_extract_write_failure_names_its_document_and_the_others_land(tmp_path: Path) -> None:
    # Outputs are written on a thread while the next document is extracted: a refused write still comes
    # back under its own document's name, once, and the documents before and after it are written whole.
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = out / "elsewhere.txt"  # inside the folder: refused by the write itself, on the thread
    elsewhere.write_text("keep")
    sources = []
    for name in ("a.txt", "b.txt", "c.txt"):
        sources.append(tmp_path / name)
        shutil.copy(PLAN, sources[-1])
    (out / "b.txt.json").symlink_to(elsewhere)
    result = vnplan("extract", *sources, "-o", out)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"vnplan: error: {printable(sources[1])}: ") and LINK in line, line
    assert elsewhere.read_text() == "keep"
    for name in ("a.txt.json", "c.txt.json"):
        assert json.loads((out / name).read_text(encoding="utf-8"))["source"]["path"].endswith(name[:-5])
    assert_whole(out)


def test_errors_log_link_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")  # a failure, so that the log would be written
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.log"
    outside.write_text("keep\n")
    (out / "errors.jsonl").symlink_to(outside)
    expect(vnplan("batch", folder, "--out", out, "--progress", "off"), 2, out / "errors.jsonl", LINK)
    assert outside.read_text() == "keep\n"


def test_errors_log_link_planted_during_the_run_is_refused(tmp_path: Path) -> None:
    """Between runs the check at start catches a link; during a run every append opens with O_NOFOLLOW."""
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.log"
    outside.write_text("keep\n")
    (out / "errors.jsonl").symlink_to(outside)
    with pytest.raises(VnplanError, match=LINK):
        output.append_inside(out, "errors.jsonl", "{}\n")
    assert outside.read_text() == "keep\n"


def test_lock_file_link_is_refused(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.lock"
    outside.write_text("keep")
    (out / output.LOCK_FILE).symlink_to(outside)
    expect(vnplan("batch", tree, "--out", out, "--progress", "off"), 2, out / output.LOCK_FILE, LINK)
    assert outside.read_text() == "keep"
    assert not (out / "a").exists()


@pytest.mark.parametrize("position", POSITIONS)
def test_temporary_file_link_is_refused(tmp_path: Path, position: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is made in the output's folder, reached without links, with O_EXCL|O_NOFOLLOW:
    a link at its folder (even one to outside, planted after any path check) or at its name is refused."""
    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if position == "child folder":
        shutil.rmtree(out / "a")
        (out / "a").symlink_to(elsewhere, target_is_directory=True)
    elif position == "nested folder":
        (out / "a" / "b").rmdir()
        (out / "a" / "b").symlink_to(elsewhere, target_is_directory=True)
    else:
        (out / "a" / "b" / ".vnplan-fixed.tmp").symlink_to(elsewhere / "stolen")
        monkeypatch.setattr(output, "_temp_name", lambda: ".vnplan-fixed.tmp")
    with pytest.raises(VnplanError, match=LINK) as caught:
        output.write_inside(out, "a/b/plan.txt.json", "data")
    assert str(caught.value.path).startswith(str(out / "a"))
    assert not any(elsewhere.iterdir())
    assert not (out / "a" / "b" / "plan.txt.json").exists()


def test_output_root_may_itself_be_a_link(tree: Path, tmp_path: Path) -> None:
    """The output folder is the user's choice, link or not; only what lies below it is walked strictly."""
    real = tmp_path / "real-out"
    real.mkdir()
    (tmp_path / "out").symlink_to(real, target_is_directory=True)
    result = vnplan("batch", tree, "--out", tmp_path / "out", "--progress", "off")
    assert result.returncode == 0, result.stderr
    assert (real / "a" / "b" / "plan.txt.json").is_file()


def test_fifo_in_place_of_the_errors_log_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "errors.jsonl")
    expect(vnplan("batch", folder, "--out", out, "--progress", "off"), 2, out / "errors.jsonl",
           "not a regular file")


# --- 2. a pool that cannot start; broken pipes --------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "cause"),
    [("BrokenPipeError(errno.EPIPE, 'Broken pipe')", "broken pipe"),
     ("BlockingIOError(errno.EAGAIN, 'Resource temporarily unavailable')", "resource temporarily unavailable"),
     ("OSError(errno.EMFILE, 'Too many open files')", "too many open files")],
    ids=["broken pipe", "no processes left", "no descriptors left"],
)
def test_pool_that_cannot_start_fails_with_exit_1(tree: Path, tmp_path: Path, fault: str, cause: str) -> None:
    """As when run by a user whose workers cannot start: a failure, never exit 0 with nothing done."""
    patch = f"""
import errno
import pebble
def schedule(self, *args, **kwargs):
    raise {fault}
pebble.ProcessPool.schedule = schedule
"""
    out = tmp_path / "out"
    result = patched_main(patch, "batch", str(tree), "--out", str(out), "--progress", "off")
    expect(result, 1, None, f"cannot start worker processes: {cause}")
    assert not list(out.rglob("*.json"))


def test_pool_that_cannot_fork_fails_with_exit_1(tree: Path, tmp_path: Path) -> None:
    """A real fault: an unprivileged user who may not create one more process (RLIMIT_NPROC)."""
    tools = [shutil.which(name) for name in ("prlimit", "setpriv")]
    if os.geteuid() != 0 or None in tools:
        pytest.skip("needs root, prlimit and setpriv (to run as nobody with RLIMIT_NPROC=1)")
    prlimit, setpriv = tools
    # nobody keeps read access to the interpreter under /root (CAP_DAC_READ_SEARCH), nothing else.
    prefix = (str(prlimit), "--nproc=1", str(setpriv), "--reuid=65534", "--regid=65534", "--clear-groups",
              "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search")
    if subprocess.run([*prefix, sys.executable, "-c", "pass"], capture_output=True).returncode != 0:
        pytest.skip("cannot run Python as nobody here")
    writable = tmp_path / "w"
    writable.mkdir()
    writable.chmod(0o777)
    out = writable / "out"
    result = vnplan("batch", tree, "--out", out, "--progress", "off", "--workers", "2", prefix=prefix)
    expect(result, 1, None, "cannot start worker processes: resource temporarily unavailable")
    assert not list(out.rglob("*.json"))


def test_broken_pipe_not_on_stdout_is_an_error(tmp_path: Path) -> None:
    patch = """
import errno
import extractor.cli as cli
def broken(args):
    raise BrokenPipeError(errno.EPIPE, "Broken pipe")
cli.cmd_schema = broken
"""
    expect(patched_main(patch, "schema"), 2, None, "broken pipe")


def test_broken_pipe_on_stdout_is_a_quiet_exit_0() -> None:
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(PLAN)], stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env(), timeout=120)
    reader.stdin.close()
    reader.wait()
    assert result.returncode == 0 and result.stderr == "", result.stderr


# --- 3. one batch per output folder -------------------------------------------------------------------


def test_second_batch_on_the_same_folder_exits_2_at_once(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / output.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f"{os.getpid()}\n".encode())
        began = time.monotonic()
        result = vnplan("batch", tree, "--out", out, "--progress", "off")
        assert time.monotonic() - began < 30
    finally:
        os.close(fd)
    expect(result, 2, out, f"output folder is in use by another vnplan batch (pid {os.getpid()})")
    assert not (out / "a").exists()


def test_stale_lock_of_a_dead_batch_is_taken_over(tree: Path, tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    out = tmp_path / "out"
    out.mkdir()
    (out / output.LOCK_FILE).write_text(f"{dead.pid}\n")
    result = vnplan("batch", tree, "--out", out, "--progress", "off")
    assert result.returncode == 0, result.stderr
    assert (out / output.LOCK_FILE).read_text().strip() != str(dead.pid)
    assert (out / "a" / "b" / "plan.txt.json").is_file()


# --- 4. each known cause its own message --------------------------------------------------------------


@pytest.mark.parametrize("how", ["extract -o", "batch --out", "batch --out below a file"])
def test_output_path_that_is_a_file_is_not_a_folder(tree: Path, tmp_path: Path, how: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("keep")
    if how == "extract -o":
        result, where = vnplan("extract", PLAN, "-o", a_file), a_file
    elif how == "batch --out":
        result, where = vnplan("batch", tree, "--out", a_file), a_file
    else:
        result, where = vnplan("batch", tree, "--out", a_file / "sub"), a_file / "sub"
    expect(result, 2, where, "not a folder")
    assert a_file.read_text() == "keep"


@pytest.mark.parametrize("how", ["batch into a new folder in /proc", "batch into /proc/self",
                                 "extract -o /proc/self"])
def test_output_in_proc_is_permission_denied(tree: Path, how: str) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc")
    if how == "batch into a new folder in /proc":
        expect(vnplan("batch", tree, "--out", "/proc/vnplan-out"), 2, "/proc/vnplan-out", "permission denied")
    elif how == "batch into /proc/self":
        expect(vnplan("batch", tree, "--out", "/proc/self"), 2, f"/proc/self/{output.LOCK_FILE}",
               "permission denied")
    else:
        expect(vnplan("extract", PLAN, "-o", "/proc/self"), 2, PLAN, "permission denied")


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_read_only_output_folder_is_permission_denied(tree: Path, tmp_path: Path, command: str) -> None:
    prefix = unprivileged()
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        if command == "extract":
            result = vnplan("extract", PLAN, "-o", out, prefix=prefix)
            expect(result, 2, PLAN, "permission denied")
        else:
            result = vnplan("batch", tree, "--out", out, "--progress", "off", prefix=prefix)
            expect(result, 2, out / output.LOCK_FILE, "permission denied")
    finally:
        out.chmod(0o755)
    assert list(out.iterdir()) == []


def test_read_only_file_system_is_named(tree: Path, tmp_path: Path) -> None:
    prefix = unprivileged("--map-root-user", "--mount")
    mount = tmp_path / "ro"
    mount.mkdir()
    script = (f"mount -t tmpfs none {mount} && mount -o remount,ro {mount} && "
              f'exec "$@"')
    command = [*prefix, "sh", "-c", script, "sh", sys.executable, "-m", "extractor"]
    result = subprocess.run([*command, "batch", str(tree), "--out", str(mount / "out")], capture_output=True,
                            text=True, cwd=ROOT, env=env(), timeout=120)
    if "mount:" in result.stderr:
        pytest.skip(f"cannot mount a read-only tmpfs here: {result.stderr.strip()}")
    expect(result, 2, mount / "out", "read-only file system")


def test_immutable_output_folder_is_operation_not_permitted(tmp_path: Path) -> None:
    chattr = shutil.which("chattr")
    if chattr is None or os.geteuid() != 0:
        pytest.skip("needs chattr and root")
    out = tmp_path / "out"
    out.mkdir()
    if subprocess.run([chattr, "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("the file system under tmp_path does not support chattr +i")
    try:
        expect(vnplan("extract", PLAN, "-o", out), 2, PLAN, "operation not permitted")
    finally:
        subprocess.run([chattr, "-i", str(out)], check=True)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_unreadable_input_is_permission_denied(tmp_path: Path, command: str) -> None:
    prefix = unprivileged()
    folder = tmp_path / "in"
    folder.mkdir()
    secret = folder / "secret.txt"
    shutil.copy(PLAN, secret)
    secret.chmod(0o000)
    out = tmp_path / "out"
    if command == "extract":
        expect(vnplan("extract", secret, prefix=prefix), 2, secret, "permission denied")
    else:
        result = vnplan("batch", folder, "--out", out, "--progress", "off", prefix=prefix)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        [record] = records(out)
        assert record["error"] == "permission denied", record
    assert_whole(out)


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_file_name_of_254_bytes_is_file_name_too_long(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    source = folder / ("k" * 250 + ".txt")  # 254 bytes: its output name (+ ".json") is 259
    shutil.copy(PLAN, source)
    out = tmp_path / "out"
    if command == "extract":
        expect(vnplan("extract", source, "-o", out), 2, source, "file name too long")
    else:
        result = vnplan("batch", folder, "--out", out, "--progress", "off")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        [record] = records(out)
        assert "file name too long" in record["error"], record
    assert_whole(out)
    assert not list(out.rglob("*.json"))


def test_stdout_full_is_no_space_left_on_device() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = vnplan("extract", PLAN, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    expect(result, 2, "stdout", "no space left on device")


def test_stdout_full_after_a_batch_is_no_space_left(tree: Path, tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = vnplan("batch", tree, "--out", tmp_path / "out", "--progress", "off", stdout=full,
                        stderr=subprocess.PIPE, capture_output=False)
    expect(result, 2, "stdout", "no space left on device")


def test_stdout_closed_is_named() -> None:
    result = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "extractor", "extract",
                             str(PLAN)], capture_output=False, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=env(), timeout=120)
    expect(result, 2, "stdout", "closed")


@pytest.mark.parametrize(
    ("value", "command"),
    [("inf", "extract"), ("nan", "extract"), ("-1", "extract"), ("0", "extract"), ("abc", "extract"),
     ("", "extract"), ("1e300", "extract"), ("inf", "batch"), ("abc", "batch")],
)
def test_invalid_timeout_is_refused_before_any_work(tree: Path, tmp_path: Path, value: str, command: str) -> None:
    out = tmp_path / "out"
    args = ("extract", PLAN, "-o", out) if command == "extract" else ("batch", tree, "--out", out)
    result = vnplan(*args, extra_env={"VNPLAN_TIMEOUT": value})
    expect(result, 2, None, f"invalid VNPLAN_TIMEOUT: {value!r}")
    assert not out.exists()


@pytest.mark.parametrize("value", ["20", str(MIN_MEMORY_MB - 1)])
def test_memory_cap_too_small_to_start_is_refused(tree: Path, tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    result = vnplan("batch", tree, "--out", out, extra_env={"VNPLAN_MEMORY_MB": value})
    expect(result, 2, None, f"VNPLAN_MEMORY_MB={value} is too small (at least {MIN_MEMORY_MB})")
    assert not out.exists()


@pytest.mark.parametrize("value", ["abc", "inf", "-5", "0"])
def test_invalid_memory_cap_is_refused(value: str) -> None:
    expect(vnplan("extract", PLAN, extra_env={"VNPLAN_MEMORY_MB": value}), 2, None,
           f"invalid VNPLAN_MEMORY_MB: {value!r}")


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0"])
def test_invalid_timeout_option_is_refused(tree: Path, tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    expect(vnplan("batch", tree, "--out", out, "--timeout", value), 2, None, "--timeout must be")
    assert not out.exists()


def test_a_real_bug_is_internal_error_with_its_class(tmp_path: Path) -> None:
    patch = """
import extractor.pipeline as pipeline
def broken(path, *args, **kwargs):
    raise KeyError("bug")
pipeline.extract = broken
"""
    result = patched_main(patch, "extract", str(PLAN))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"vnplan: error: {PLAN}: internal error in extraction (KeyError: 'bug')"]


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system"),
     (errno.ENAMETOOLONG, "file name too long"), (errno.ENOSPC, "no space left on device"),
     (errno.ENOTDIR, "not a folder"), (errno.ELOOP, LINK), (errno.EPIPE, "broken pipe")],
)
def test_os_errors_are_named_by_their_errno(code: int, words: str) -> None:
    assert os_cause(OSError(code, "whatever the library said")) == words


# --- 5. the per-worker memory cap ----------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2, 8, 64])
def test_each_worker_gets_the_smaller_of_the_cap_and_its_share(workers: int, monkeypatch) -> None:
    import psutil

    total = 16 * 1024 * MIB
    monkeypatch.setattr(psutil, "virtual_memory", lambda: type("M", (), {"total": total})())
    limits = Limits(memory_bytes=4096 * MIB)
    expected = max(min(4096 * MIB, total // workers), MIN_MEMORY_MB * MIB)
    assert worker_memory_bytes(workers, limits) == expected


def test_batch_workers_run_under_the_per_worker_cap(tmp_path: Path) -> None:
    """The pool's initializer receives min(VNPLAN_MEMORY_MB, machine memory / workers)."""
    from extractor.commands.batch_engines import LocalEngine

    engine = LocalEngine(2)
    import psutil

    assert engine.memory_bytes == max(min(4096 * MIB, psutil.virtual_memory().total // 2), MIN_MEMORY_MB * MIB)


# --- 6. temporary folders -----------------------------------------------------------------------------


def test_private_tempdir_is_removed_after_its_block(tmp_path: Path) -> None:
    with tempdirs.private_tempdir("vnplan-test-", str(tmp_path)) as folder:
        assert folder.is_dir() and f"vnplan-test-{os.getpid()}-" in folder.name
        (folder / "page.png").write_bytes(b"x")
    assert not folder.exists()


# The child starts as from a terminal: under `nohup` (SIGHUP ignored, inherited) install_cleanup rightly
# leaves the ignored signal alone, and the SIGHUP case would wait for nothing.
TEMPDIR_CHILD = """
import signal, sys, time
from extractor.base import tempdirs
signal.signal(signal.SIGHUP, signal.SIG_DFL)
tempdirs.install_cleanup()
with tempdirs.private_tempdir("vnplan-test-", sys.argv[1]) as folder:
    (folder / "frame.tif").write_bytes(b"x" * 1000)
    print(folder, flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_private_tempdir_is_removed_on_signals(tmp_path: Path, signum: int) -> None:
    proc = subprocess.Popen([sys.executable, "-c", TEMPDIR_CHILD, str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env())
    assert proc.stdout is not None
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir()
    proc.send_signal(signum)
    proc.wait(timeout=30)
    assert not folder.exists()
    if signum != signal.SIGINT:
        assert proc.returncode == -signum  # ends as the signal would have ended it


def test_sweep_removes_folders_of_dead_processes_only(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"vnplan-ocr-{dead.pid}-abcd"
    live = tmp_path / f"vnplan-ocr-{os.getpid()}-efgh"
    unrelated = tmp_path / "vnplan-ocr-nopid"
    other = tmp_path / f"someone-{dead.pid}-x"
    for folder in (stale, live, unrelated, other):
        folder.mkdir()
        (folder / "f").write_bytes(b"x")
    link = tmp_path / f"vnplan-ocr-{dead.pid}-link"
    link.symlink_to(other, target_is_directory=True)
    removed = tempdirs.sweep_stale(["vnplan-ocr-"], str(tmp_path), before=time.time() + 10)
    assert removed == [stale]
    assert live.exists() and unrelated.exists() and other.exists() and link.is_symlink()


def test_sweep_keeps_folders_newer_than_the_run(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    fresh = tmp_path / f"vnplan-ocr-{dead.pid}-abcd"
    fresh.mkdir()
    assert tempdirs.sweep_stale(["vnplan-ocr-"], str(tmp_path), before=time.time() - 60) == []
    assert fresh.exists()


def test_sweep_removes_multiprocessing_folders_whose_socket_nobody_binds(tmp_path: Path) -> None:
    if not Path("/proc/net/unix").exists():
        pytest.skip("no /proc/net/unix")
    dead, live, empty = tmp_path / "pymp-dead", tmp_path / "pymp-live", tmp_path / "pymp-empty"
    for folder in (dead, live, empty):
        folder.mkdir()
    gone = socket.socket(socket.AF_UNIX)
    gone.bind(str(dead / "listener-1"))
    gone.close()  # the socket file stays, bound by nobody: a forkserver killed with -9
    held = socket.socket(socket.AF_UNIX)
    held.bind(str(live / "listener-2"))
    held.listen()
    try:
        removed = tempdirs.sweep_stale(["pymp-"], str(tmp_path), before=time.time() + 10)
    finally:
        held.close()
    assert removed == [dead]
    assert live.exists() and empty.exists()


def test_killed_batch_leaves_no_temporary_folder_after_the_next_run(tmp_path: Path, request) -> None:
    """kill -9 of a batch leaves its multiprocessing folder (vnplan-mp-<pid>-*); the next run removes it."""
    import psutil

    tmp = Path(tempfile.mkdtemp(prefix="vh-", dir="/tmp"))  # short: a socket path holds 107 bytes
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        shutil.copy(PLAN, folder / f"{i:03}.txt")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "batch", str(folder), "--out", str(out),
                             "--workers", "1", "--progress", "off"], cwd=ROOT, env=env(TMPDIR=str(tmp)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp.glob("vnplan-mp-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    family = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
    proc.kill()
    proc.wait()
    for child in family:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)
    left = list(tmp.glob("vnplan-mp-*"))
    if not left:
        pytest.skip("the batch ended before it could be killed")
    time.sleep(1.1)  # the next run sweeps only what is older than its own start
    result = vnplan("batch", folder, "--out", out, "--workers", "1", "--progress", "off",
                    extra_env={"TMPDIR": str(tmp)})
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in left)
    assert list(tmp.iterdir()) == []  # its own folder is gone at exit too


# ======================= the readers: hostile files of every format =======================

MEMORY_MB = 2048
"""VNPLAN_MEMORY_MB for these runs; no single input may take more than half of it."""
INPUT_PLAN = "KẾ HOẠCH Tổ chức hội nghị tổng kết công tác thi đua, khen thưởng năm 2024 của Ủy ban nhân dân tỉnh"


def run_cli(path: Path, tmp_path: Path, **env_extra: str) -> subprocess.CompletedProcess[str]:
    temp = tmp_path / "tmpdir"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8", "TMPDIR": str(temp),
           "VNPLAN_MEMORY_MB": str(MEMORY_MB), **env_extra}
    result = _run_measured([sys.executable, "-m", "extractor", "extract", str(path)], env, tmp_path / "peak-kb")
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


_LAST_PEAK_KB = [0]

# The CLI is started by a small Python that reports its child's peak memory. Measured from the test
# process itself, the peak would include the test process: Linux counts a child's resident memory
# before exec (the forked image of the parent) in its peak, and the pytest process grows to over 1 GB
# in a full run.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code if code >= 0 else 128 - code)\n"
)


def _run_measured(command: list[str], env: dict[str, str], peak_file: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(peak_file), *command], capture_output=True, text=True,
        encoding="utf-8", errors="replace", timeout=120, cwd=ROOT, env=env,
    )
    _LAST_PEAK_KB[0] = int(peak_file.read_text() or 0) if peak_file.exists() else 0
    return result


def peak_rss_mb() -> float:
    """Peak resident memory of the last CLI run and the children it waited for (Linux: KiB)."""
    return _LAST_PEAK_KB[0] / 1024


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


BODY = paragraph(INPUT_PLAN) + paragraph("Nội dung: &xxe;")
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
    path = plain_docx(tmp_path / "styles.docx", document_xml(paragraph(INPUT_PLAN)),
                      extra_parts={"word/_rels/document.xml.rels": rels, "word/st.dat": styles})
    return path, "word/st.dat"


def _unreferenced_part(tmp_path: Path) -> tuple[Path, str]:
    evil = encoded(f"<?xml version='1.0' encoding='UTF-32'?>{LAUGHS}<x>&d;</x>", "utf-32-be", codecs.BOM_UTF32_BE)
    path = plain_docx(tmp_path / "custom.docx", document_xml(paragraph(INPUT_PLAN)), extra_parts={"customXml/item1": evil})
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
        "_rels/.rels": root_rels(), "word/document.xml": document_xml(paragraph(INPUT_PLAN)),
        "word/media/image1.svg": svg,
    })
    assert_read(run_cli(path, tmp_path), INPUT_PLAN)


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
    body = paragraph(INPUT_PLAN) + "<w:tbl>" + rows + "</w:tbl>"
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
    body = paragraph(INPUT_PLAN) + paragraph("MỤC ĐÍCH, YÊU CẦU", num="1") + paragraph("NỘI DUNG", num="1")
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

ARTICLE = "".join(f"<p>{INPUT_PLAN}, mục {i}: triển khai các nhiệm vụ trọng tâm trong quý {i % 4 + 1}.</p>" for i in range(4))


def test_html_nested_under_the_depth_limit_keeps_its_content(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 1990 + ARTICLE + "</div>" * 1990 + "</body></html>", encoding="utf-8")
    assert_read(run_cli(path, tmp_path), INPUT_PLAN + ", mục 3")


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
    assert_read(run_cli(path, tmp_path), INPUT_PLAN + ", mục 2")


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


def build_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF from object bodies (object i + 1 is objects[i], 1 the catalog) with a correct xref table;
    `trailer` adds entries to the trailer dictionary (an /Encrypt reference)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
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
    return plain_docx(tmp_path / "any.zip", document_xml(paragraph(INPUT_PLAN))).read_bytes()


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
    path.write_text(INPUT_PLAN + "\n", encoding="utf-8")
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
