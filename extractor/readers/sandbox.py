"""Running external programs (LibreOffice, Tesseract, poppler) on untrusted input, safely.

An argument list is passed straight to exec (never a shell), the child gets its own session so the whole
process group can be killed on timeout (LibreOffice forks helpers), and an address-space cap can be set.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path

from extractor.base.errors import LimitExceeded, VnplanError


def _with_memory_cap(argv: list[str], memory_bytes: int | None, file_bytes: int | None = None) -> list[str]:
    """Prefix the command with util-linux `prlimit --as` (and `--fsize`), which caps the child's address
    space (and the size of any file it writes) without Python code between fork and exec (`preexec_fn`
    is unsafe when threads run, and OCR runs Tesseract from two threads)."""
    caps = ([f"--as={memory_bytes}"] if memory_bytes else []) + ([f"--fsize={file_bytes}"] if file_bytes else [])
    if not caps:
        return argv
    prlimit = shutil.which("prlimit")
    if prlimit is None:  # util-linux is essential on Debian; elsewhere the program runs uncapped
        return argv
    return [prlimit, *caps, "--", *argv]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the child's whole process group (it leads its own session), then reap the child."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # pipes held open by an unkillable grandchild: give up on them
        process.kill()


# Programs running now, so that a document's time limit can stop those started from worker threads.
_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()


def kill_running() -> None:
    """Kill every program this process started through `run_program` that is still running."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def run_program(
    argv: list[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    memory_bytes: int | None = None,
    env: dict | None = None,
    file_bytes: int | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `argv` with a wall-time limit; return the completed process (the caller checks returncode).

    Raises VnplanError when the program is not installed, LimitExceeded when it runs over `timeout`
    seconds (its whole process group is killed).
    """
    if not argv or not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        raise TypeError("argv must be a non-empty list of strings")
    program = argv[0]
    resolved = shutil.which(program) if os.sep not in program else program
    if resolved is None or not os.path.exists(resolved):
        raise VnplanError(f"{Path(program).name} is not installed (needed to read this file)")
    try:
        process = subprocess.Popen(
            _with_memory_cap([resolved, *argv[1:]], memory_bytes, file_bytes),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
    except FileNotFoundError as exc:
        raise VnplanError(f"{Path(program).name} is not installed (needed to read this file)") from exc
    except PermissionError as exc:
        raise VnplanError(f"{Path(program).name} cannot be executed: permission denied") from exc
    with _RUNNING_LOCK:
        _RUNNING.add(process)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise LimitExceeded(
            f"{Path(program).name} ran longer than the {timeout:g} s limit and was stopped"
        ) from None
    except BaseException:  # e.g. the document time limit (SIGALRM) fired while waiting
        _kill_group(process)
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    # Helpers the child left behind in its group (LibreOffice's oosplash/soffice.bin) must not outlive it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
