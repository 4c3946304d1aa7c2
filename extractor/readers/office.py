"""Word 97-2003 .doc, .rtf and OpenDocument .odt: converted to DOCX by LibreOffice, then read as DOCX.

LibreOffice runs headless in a private temporary directory (removed on SIGINT/SIGTERM too, and counted
against the temporary-disk budget `VNPLAN_TMP_MB`) with its own throw-away profile (so runs
never share or corrupt a user profile and can run in parallel), macros disabled, under the sandbox's
time and memory limits. Its output is read by the DOCX reader, so numbering labels, tables and layout
tables come out exactly as for a native DOCX.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from extractor.base.blocks import ReadResult
from extractor.base.errors import VnplanError
from extractor.base.limits import Limits
from extractor.readers import docx as docx_reader
from extractor.readers.sandbox import run_program
from extractor.readers.scratch import TempBudget, scratch_dir

SOFFICE_NAMES = ("soffice", "libreoffice")


def find_soffice() -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise VnplanError("LibreOffice (soffice) is not installed; it is needed to read .doc, .rtf and .odt files")


def convert_to_docx(path: Path, limits: Limits, workdir: Path) -> Path:
    """Convert `path` to DOCX inside `workdir` and return the new file."""
    soffice = find_soffice()
    source = workdir / f"input{path.suffix.lower()}"
    shutil.copyfile(path, source)  # a fixed ASCII name: no option-like or odd names reach soffice
    outdir = workdir / "out"
    outdir.mkdir()
    profile = workdir / "profile"
    env = {
        "HOME": str(workdir),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TMPDIR": str(workdir),
        "SAL_USE_VCLPLUGIN": "svp",
    }
    argv = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nodefault",
        "--nolockcheck",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(outdir),
        str(source),
    ]
    _disable_macros(profile)
    completed = run_program(
        argv,
        timeout=limits.subprocess_seconds,
        cwd=workdir,
        memory_bytes=limits.memory_bytes,
        env=env,
        file_bytes=limits.tmp_bytes,  # no file it writes in its temporary folder can exceed the budget
    )
    produced = outdir / "input.docx"
    if not produced.is_file() or produced.stat().st_size == 0:
        detail = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1][:160] if detail else f"exit status {completed.returncode}"
        raise VnplanError(f"LibreOffice could not convert the {path.suffix.lower()} file ({reason})")
    return produced


def _disable_macros(profile: Path) -> None:
    """Seed the fresh profile with macro security 'very high' (never run macros, no prompt)."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
        '<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>\n'
        '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
        '<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>\n'
        "</oor:items>\n",
        encoding="utf-8",
    )


def read(path: Path, limits: Limits) -> ReadResult:
    if path.suffix.lower() == ".odt":
        # LibreOffice parses the ODT's XML itself: its parts get the DOCX reader's checks (zip bombs, DTDs)
        # before it does.
        docx_reader.check_package(path, limits, kind="ODT")
    with scratch_dir("vnplan-office-") as work:
        budget = TempBudget(limits, work)
        budget.reserve(path.stat().st_size)
        converted = convert_to_docx(path, limits, work)
        budget.check()  # LibreOffice's profile, its own temporary files and the converted DOCX
        result = docx_reader.read(converted, limits)
    result.format = path.suffix.lower().lstrip(".")
    return result
