"""The readers' temporary folders (page images for OCR, LibreOffice's conversion) and their disk budget.

Folders come from `base/tempdirs.py`: private (mode 0700), named with our pid, removed when the block
ends, on SIGINT (KeyboardInterrupt ends the block), on SIGTERM/SIGHUP and at exit, and swept by the next
run after a kill -9. Everything one document writes there counts against `Limits.tmp_bytes`
(`VNPLAN_TMP_MB`, default 1024): a write that would go over it is refused before it is made.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractor.base import tempdirs
from extractor.base.errors import LimitExceeded
from extractor.base.limits import Limits

MIB = 1024 * 1024
PREFIXES = ("vnplan-ocr-", "vnplan-img-", "vnplan-office-")
"""Prefixes of the readers' folders, for `tempdirs.sweep_stale` after a killed run."""


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A private temporary folder for the block, removed however the process ends (but kill -9)."""
    tempdirs.install_cleanup()
    with tempdirs.private_tempdir(prefix) as path:
        yield path


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under `folder` (links not followed)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


class TempBudget:
    """The disk one document may take in its temporary folders."""

    def __init__(self, limits: Limits, *folders: Path) -> None:
        self.limits = limits
        self.folders = list(folders)

    def add(self, folder: Path) -> None:
        self.folders.append(folder)

    def used(self) -> int:
        return sum(folder_bytes(folder) for folder in self.folders)

    def reserve(self, nbytes: int) -> None:
        """Raise `LimitExceeded` if writing `nbytes` more would take the folders over the budget."""
        if self.used() + nbytes > self.limits.tmp_bytes:
            raise LimitExceeded(f"temporary files over VNPLAN_TMP_MB={self.limits.tmp_bytes / MIB:g}")

    def check(self) -> None:
        """Raise `LimitExceeded` if what was written (by a helper program) is over the budget."""
        self.reserve(0)


def image_file_bytes(width: int, height: int) -> int:
    """Size of a grayscale PGM of width x height pixels (one byte a pixel and a short header)."""
    return width * height + 64
