"""Safety limits for untrusted input. Going over one is a clear `LimitExceeded`, never a hang or crash."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from extractor.base.errors import LimitExceeded


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
    text_chars: int = 20_000_000
    memory_bytes: int = 4 * 1024 * 1024 * 1024
    """Address-space cap of the extracting process (CLI and batch workers) and of helper processes
    (LibreOffice, Tesseract)."""
    subprocess_seconds: float = 180.0


def _env_number(name: str, default: float) -> float:
    """A positive number from the environment; a bad value is reported once and the default used."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
        if value > 0:
            return value
    except ValueError:
        pass
    print(f"vnplan: warning: {name}={raw!r} is not a positive number; using {default:g}", file=sys.stderr)
    return default


DEFAULT_LIMITS = Limits(
    seconds=_env_number("VNPLAN_TIMEOUT", 300.0),
    memory_bytes=int(_env_number("VNPLAN_MEMORY_MB", 4096.0) * 1024 * 1024),
)


def apply_memory_limit(limits: Limits = DEFAULT_LIMITS) -> None:
    """Cap this process's address space, so a hostile input ends in MemoryError (reported as a clear
    error) instead of exhausting the machine. Only lowers an existing cap, never raises it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = limits.memory_bytes
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
