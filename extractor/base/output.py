"""Writing outputs: atomically (temp file + rename), and never outside the output folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from extractor.base.errors import VnplanError


class JsonModel(Protocol):
    """A pydantic model (base imports nothing of ours, so not models.PlanDocument by name)."""

    def model_dump_json(self, *, indent: int | None = None) -> str: ...


def document_json(doc: JsonModel) -> str:
    """A document as vnplan writes it (the CLI's stdout and -o, batch outputs): resume reads this form."""
    return doc.model_dump_json(indent=2) + "\n"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _read_umask() -> int:
    current = os.umask(0)  # the only way to read it is to set it: done once, at import, before any thread
    os.umask(current)
    return current


_UMASK = _read_umask()


def output_path(out_dir: Path, relative_name: str | Path) -> Path:
    """`out_dir/<relative_name>.json`, refusing any name that would land outside `out_dir`."""
    root = out_dir.resolve()
    relative = Path(relative_name)
    if relative.is_absolute() or ".." in relative.parts:
        raise VnplanError("output path would leave the output folder", stage="write")
    target = (root / relative).with_name(relative.name + ".json")
    resolved = target.resolve()
    if root != resolved and root not in resolved.parents:
        raise VnplanError("output path would leave the output folder", stage="write")
    return target
