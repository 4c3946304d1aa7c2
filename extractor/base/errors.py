"""Errors that vnplan reports to users as one line, and the helpers to print them safely."""

from __future__ import annotations

import sys


class VnplanError(Exception):
    """An input that vnplan cannot read; the message is the cause, in one line, for the user."""

    def __init__(self, cause: str, *, stage: str = "read") -> None:
        super().__init__(cause)
        self.cause = cause
        self.stage = stage


class LimitExceeded(VnplanError):
    """An input went over a safety limit (pages, pixels, size, depth, time, memory)."""


def printable(name: object) -> str:
    """A file name with control characters escaped, so a hostile name cannot forge terminal output."""
    out = []
    for ch in str(name):
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0 or ch in "\u2028\u2029\u202e\u202d\u2066\u2067\u2068\u2069":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def fail(path: object, cause: str) -> None:
    """Print the one-line error for a file on stderr."""
    print(f"vnplan: error: {printable(path)}: {cause}", file=sys.stderr)
