"""LibreOffice-converted formats (.doc, .rtf, .odt) and the sandbox that runs external programs."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest

from extractor.base.blocks import assemble
from extractor.base.errors import LimitExceeded, VnplanError
from extractor.readers import office, read
from extractor.readers.sandbox import run_program
from tests.conftest import need_program

RTF = (
    r"{\rtf1\ansi\ansicpg1252\uc1{\fonttbl{\f0 Times New Roman;}}\f0 "
    r"K\u7870? HO\u7840?CH\par "
    r"Th\u7921?c hi\u7879?n c\u7843?i c\u225?ch h\u224?nh ch\u237?nh n\u259?m 2026\par "
    r"\trowd\cellx3000\cellx6000\intbl STT\cell\intbl N\u7897?i dung\cell\row "
    r"\trowd\cellx3000\cellx6000\intbl 1\cell\intbl R\u224? so\u225?t\cell\row\pard "
    r"Sau b\u7843?ng\par}"
)


def test_rtf_via_libreoffice(tmp_path: Path) -> None:
    need_program("soffice")
    path = tmp_path / "plan.rtf"
    path.write_text(RTF, encoding="ascii")
    result = read(path)
    assert result.format == "rtf"
    lines = assemble(result.blocks).text.split("\n")
    assert lines == ["KẾ HOẠCH", "Thực hiện cải cách hành chính năm 2026", "STT\tNội dung", "1\tRà soát",
                     "Sau bảng"]


def test_real_doc_complete(real_dir: Path, tmp_path: Path) -> None:
    soffice = need_program("soffice")
    source = real_dir / "lamdong-kh-phong-chong-ma-tuy-2026.doc"
    result = read(source)
    assert result.format == "doc"
    run_program([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                 "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(source)],
                timeout=180)
    # LibreOffice writes the text as stored (this file has decomposed tone marks); we store NFC
    reference = unicodedata.normalize("NFC", (tmp_path / f"{source.stem}.txt").read_text(encoding="utf-8-sig"))

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    assert words(assemble(result.blocks).text) == words(reference)
    regions = {block.region for block in result.blocks}
    assert {"header-left", "header-right"} <= regions


def test_missing_libreoffice_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(VnplanError, match="LibreOffice"):
        read(path)


def test_unconvertible_input_is_a_clear_error(tmp_path: Path) -> None:
    need_program("soffice")
    path = tmp_path / "broken.odt"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(VnplanError):
        read(path)


def test_sandbox_missing_program() -> None:
    with pytest.raises(VnplanError, match="not installed"):
        run_program(["vnplan-no-such-program-xyz"], timeout=5)


def test_sandbox_timeout_kills_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "survivor"
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="limit"):
        run_program(["sh", "-c", f"(sleep 2; touch {marker}) & sleep 30"], timeout=0.5)
    assert time.monotonic() - started < 20  # stopped at the limit, long before the 30 s sleep ends
    time.sleep(2.5)
    assert not marker.exists()  # the backgrounded grandchild died with its group


def test_sandbox_memory_limit_and_no_shell(tmp_path: Path) -> None:
    python = need_program("python3")
    done = run_program([python, "-c", "bytearray(2 * 1024**3)"], timeout=20, memory_bytes=512 * 1024**2)
    assert done.returncode != 0
    echoed = run_program(["echo", "$(id); rm -rf /"], timeout=5)
    assert echoed.stdout == b"$(id); rm -rf /\n"
    with pytest.raises(TypeError):
        run_program("echo hi", timeout=5)  # type: ignore[arg-type]
