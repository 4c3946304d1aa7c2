"""Safety limits for untrusted input. Going over one is a clear `LimitExceeded`, never a hang or crash."""

from __future__ import annotations

import math
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from extractor.base.errors import LimitExceeded, VnplanError


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float = 300.0
    """Wall time for one document (reading, OCR and extraction)."""
    file_bytes: int = 200 * 1024 * 1024
    pages: int = 1000
    image_pixels: int = 80_000_000
    """Pixels of one page image handed to OCR (width x height at the rendering resolution)."""
    docx_uncompressed_bytes: int = 300 * 1024 * 1024
    docx_compression_ratio: int = 200
    """A member expanding more than this many times its compressed size is treated as a zip bomb."""
    html_depth: int = 2000
    """Element nesting of an HTML page, measured on the parsed tree (the parser itself stops at 2048)."""
    html_elements: int = 500_000
    """Elements of an HTML page, counted on the parsed tree."""
    table_cells: int = 1_000_000
    """Grid cells of the tables of one document (HTML or DOCX), estimated from the spans before the grid
    is built."""
    tmp_bytes: int = 1024 * 1024 * 1024
    """Disk taken by one document's temporary files (page images for OCR, LibreOffice's conversion)."""
    text_chars: int = 20_000_000
    memory_bytes: int = 4 * 1024 * 1024 * 1024
    """Address-space cap of the extracting process (CLI and batch workers) and of helper processes
    (LibreOffice, Tesseract)."""
    subprocess_seconds: float = 180.0


MIB = 1024 * 1024
MIN_MEMORY_MB = 128
"""Below this address-space cap the interpreter and the readers cannot even be imported."""
MAX_SECONDS = 10_000_000.0
"""The largest time limit the system timer takes safely (about 115 days)."""

ENV_PROBLEMS: dict[str, str] = {}
"""Environment settings that are not valid, name -> one-line cause; `check_environment` raises the first.
The library falls back to the default for them; the command line refuses to start."""


def _env_number(name: str, default: float, *, what: str, minimum: float, maximum: float) -> float:
    """A finite number from the environment within [minimum, maximum]; a bad value is recorded in
    `ENV_PROBLEMS` (never printed here, so the command line can report it as its one error line)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or value > maximum:
        ENV_PROBLEMS[name] = f"invalid {name}: {raw!r} ({what} above 0 and at most {maximum:.0f})"
        return default
    if value < minimum:
        ENV_PROBLEMS[name] = f"{name}={raw} is too small (at least {minimum:g})"
        return default
    return value


def check_environment() -> None:
    """Raise the first problem with a VNPLAN_* setting (timeout, memory, temporary disk), before any work."""
    for cause in ENV_PROBLEMS.values():
        raise VnplanError(cause, stage="input")


DEFAULT_LIMITS = Limits(
    seconds=_env_number(
        "VNPLAN_TIMEOUT", 300.0, what="a number of seconds", minimum=0.0, maximum=MAX_SECONDS
    ),
    memory_bytes=int(
        _env_number(
            "VNPLAN_MEMORY_MB", 4096.0, what="a number of megabytes", minimum=MIN_MEMORY_MB, maximum=2.0**40
        )
        * MIB
    ),
    tmp_bytes=int(
        _env_number("VNPLAN_TMP_MB", 1024.0, what="a number of megabytes", minimum=1.0, maximum=2.0**40) * MIB
    ),
)


def worker_memory_bytes(workers: int, limits: Limits = DEFAULT_LIMITS) -> int:
    """The address-space cap of each of `workers` batch workers: min(VNPLAN_MEMORY_MB, machine memory /
    workers), so that N workers together cannot take more than the machine has; never below the minimum
    a worker needs to start."""
    import psutil

    share = psutil.virtual_memory().total // max(1, workers)
    return max(min(limits.memory_bytes, share), MIN_MEMORY_MB * MIB)


def memory_capped() -> bool:
    """Whether this process runs under an address-space cap (VNPLAN_MEMORY_MB, or one set from outside)."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY


def apply_memory_limit(limits: Limits = DEFAULT_LIMITS, memory_bytes: int | None = None) -> None:
    """Cap this process's address space (at `memory_bytes`, default the limits' cap), so a hostile input
    ends in MemoryError (reported as a clear error) instead of exhausting the machine. Only lowers an
    existing cap, never raises it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = limits.memory_bytes if memory_bytes is None else memory_bytes
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


@contextmanager
def time_limit(seconds: float | None, what: str = "document") -> Iterator[None]:
    """Raise `LimitExceeded` when the block runs longer than `seconds` (main thread only, via SIGALRM)."""
    if (
        seconds is None
        or seconds <= 0
        or not hasattr(signal, "SIGALRM")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise LimitExceeded(f"time limit of {seconds:g} s exceeded while processing the {what}")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
