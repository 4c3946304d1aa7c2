"""Errors that vnplan reports to users as one line, and the helpers to print them safely."""

from __future__ import annotations

import errno
import os
import sys


class VnplanError(Exception):
    """An input that vnplan cannot read; the message is the cause, in one line, for the user.

    `path`, when given, is the file or folder the cause is about (an output folder, a lock file) when
    that is not the input being read; `describe` puts it in front of the cause.
    """

    def __init__(self, cause: str, *, stage: str = "read", path: object = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.stage = stage
        self.path = path


class LimitExceeded(VnplanError):
    """An input went over a safety limit (pages, pixels, size, depth, time, memory)."""


# Our own words where the system's would mislead (ENOTDIR is "Not a directory": we say folder).
_OWN_WORDS = {
    errno.ENOTDIR: "not a folder",
    errno.EISDIR: "is a folder",
    errno.ENOENT: "no such file or folder",
    errno.ELOOP: "is a symbolic link",
    errno.EPIPE: "broken pipe",
    errno.EBADF: "closed (bad file descriptor)",
}


def os_cause(exc: OSError) -> str:
    """The one-line cause of an operating-system error, from its errno: `permission denied`, `read-only
    file system`, `file name too long`, `no space left on device`, ... (never the exception's repr)."""
    code = exc.errno
    if code in _OWN_WORDS:
        return _OWN_WORDS[code]
    text = os.strerror(code) if code else (exc.strerror or str(exc) or type(exc).__name__)
    return text[:1].lower() + text[1:]


def os_error(exc: OSError, *, stage: str = "read", path: object = None) -> VnplanError:
    """A `VnplanError` for an operating-system error, about `path` (default: the error's own file)."""
    return VnplanError(os_cause(exc), stage=stage, path=path if path is not None else exc.filename)


def describe(exc: VnplanError) -> str:
    """`<path>: <cause>` when the error names a path, else the cause, with control characters escaped."""
    if exc.path is not None:
        return f"{printable(exc.path)}: {printable(exc.cause)}"
    return printable(exc.cause)


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
