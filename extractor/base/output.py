"""Writing outputs: atomically (temp file + fsync + rename), and never outside the output folder.

Every file vnplan writes or reads in an output folder (documents, `errors.jsonl`, temporary files, the
batch lock) is reached from the output folder one component at a time, each folder opened with
`O_NOFOLLOW | O_DIRECTORY` relative to the one above (`dir_fd`) and the file itself opened or renamed
relative to its folder's descriptor: a symbolic link anywhere below the output folder is refused
(`... is a symbolic link`), even one planted while vnplan runs. The output folder itself may be a link:
that is the user's choice.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from extractor.base.errors import VnplanError, os_cause

LINK = "is a symbolic link"
LOCK_FILE = ".vnplan-batch.lock"
TEMP_PREFIX = ".vnplan-"
TEMP_SUFFIX = ".tmp"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NO_CREATE = "permission denied (this file system does not allow new files or folders here)"


class JsonModel(Protocol):
    """A pydantic model (base imports nothing of ours, so not models.PlanDocument by name)."""

    def model_dump_json(self, *, indent: int | None = None) -> str: ...


def document_json(doc: JsonModel) -> str:
    """A document as vnplan writes it (the CLI's stdout and -o, batch outputs): resume reads this form."""
    return doc.model_dump_json(indent=2) + "\n"


class StdoutError(Exception):
    """Writing to stdout failed (full, closed, a broken pipe): nothing more can be written there."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def write_stdout(text: str) -> None:
    """Write to stdout; a failure is a `StdoutError`, which the command line reports as `stdout: <cause>`."""
    import sys

    if sys.stdout is None:
        raise StdoutError(OSError(errno.EBADF, "stdout is closed"))
    try:
        sys.stdout.write(text)
    except OSError as exc:
        raise StdoutError(exc) from None


def _read_umask() -> int:
    current = os.umask(0)  # the only way to read it is to set it: done once, at import, before any thread
    os.umask(current)
    return current


_UMASK = _read_umask()


def _error(exc: OSError, path: Path, stage: str = "write") -> VnplanError:
    return VnplanError(os_cause(exc), stage=stage, path=path)


def _parts(relative: str | Path) -> list[str]:
    """The components of a path inside the output folder; anything that could leave it is refused."""
    relative = Path(relative)
    parts = [part for part in relative.parts if part != "."]
    if relative.is_absolute() or not parts or ".." in parts:
        raise VnplanError("output path would leave the output folder", stage="write")
    return parts


def open_root(root: Path, *, create: bool = True, stage: str = "write") -> int:
    """A descriptor of the output folder itself, created when missing (a link here is followed)."""
    if create:
        try:
            os.makedirs(root, exist_ok=True)
        except FileExistsError:
            raise VnplanError("not a folder", stage=stage, path=root) from None
        except OSError as exc:
            if exc.errno == errno.ENOENT and _parent_is_folder(root):
                raise VnplanError(_NO_CREATE, stage=stage, path=root) from None  # /proc answers ENOENT
            raise _error(exc, root, stage) from None
    try:
        return os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise _error(exc, root, stage) from None


def _parent_is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path.parent).st_mode)
    except OSError:
        return False


def _refusal(exc: OSError, dir_fd: int, name: str, path: Path, stage: str = "write") -> VnplanError:
    """Why `name` in `dir_fd` could not be opened: a link, not a folder, or the system's cause."""
    try:
        mode = os.lstat(name, dir_fd=dir_fd).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISLNK(mode):
        return VnplanError(LINK, stage=stage, path=path)
    return _error(exc, path, stage)


def open_folder(root_fd: int, parts: list[str], root: Path, *, create: bool, stage: str = "write") -> int:
    """A descriptor of root/parts..., walked component by component without following any link;
    missing folders are created (`create`) or reported as FileNotFoundError."""
    fd = os.dup(root_fd)
    walked = root
    try:
        for part in parts:
            walked = walked / part
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass  # made meanwhile (or a link planted meanwhile: the open below refuses it)
                except OSError as exc:
                    if exc.errno == errno.ENOENT:
                        raise VnplanError(_NO_CREATE, stage=stage, path=walked) from None
                    raise _error(exc, walked, stage) from None
                try:
                    child = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    raise _refusal(exc, fd, part, walked, stage) from None
            except OSError as exc:
                raise _refusal(exc, fd, part, walked, stage) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _name_max(dir_fd: int) -> int:
    try:
        return os.fpathconf(dir_fd, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def _check_name(dir_fd: int, name: str, path: Path, stage: str = "write") -> None:
    """Refuse a name the file system cannot hold, and a link or folder standing where the file goes."""
    length, limit = len(os.fsencode(name)), _name_max(dir_fd)
    if length > limit:
        raise VnplanError(f"file name too long ({length} bytes, the limit is {limit})", stage=stage, path=path)
    try:
        mode = os.lstat(name, dir_fd=dir_fd).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _error(exc, path, stage) from None
    if stat.S_ISLNK(mode):
        raise VnplanError(LINK, stage=stage, path=path)
    if stat.S_ISDIR(mode):
        raise VnplanError("is a folder", stage=stage, path=path)


def _temp_name() -> str:
    return f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"


def _create_temp(dir_fd: int, folder: Path) -> tuple[str, int]:
    """A new temporary file in `dir_fd`, never through a link (O_EXCL | O_NOFOLLOW)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        name = _temp_name()
        try:
            return name, os.open(name, flags, 0o666 & ~_UMASK, dir_fd=dir_fd)
        except FileExistsError:
            try:
                if stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode):
                    raise VnplanError(LINK, stage="write", path=folder / name) from None
            except FileNotFoundError:
                pass
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise VnplanError(_NO_CREATE, stage="write", path=folder) from None
            raise _error(exc, folder / name) from None
    raise VnplanError("cannot create a temporary file", stage="write", path=folder)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_inside(root: Path, relative: str | Path, data: str | bytes) -> None:
    """Write `data` to root/relative so that readers see the old file or the whole new one, never a part:
    a temporary file in the same folder, fsync, then a rename relative to the folder's descriptor. Missing
    folders are created; a link on any component below `root` is refused."""
    parts = _parts(relative)
    target = root.joinpath(*parts)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    root_fd = open_root(root)
    try:
        dir_fd = open_folder(root_fd, parts[:-1], root, create=True)
    finally:
        os.close(root_fd)
    try:
        name = parts[-1]
        _check_name(dir_fd, name, target)
        tmp, fd = _create_temp(dir_fd, target.parent)
        try:
            try:
                _write_all(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException as exc:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise _error(exc, target) from None
            raise
    finally:
        os.close(dir_fd)


class BackgroundWriter:
    """`write_inside` on one thread, so that each document's fsync (milliseconds on a real disk) overlaps
    the extraction of the next one instead of adding to it; the data is as durable as before.

    Files are written in the order given. At most `depth` wait to be written, so a slow disk holds the
    extraction back instead of piling documents up in memory. A failed write comes back from `submit` or
    `finish` as (name, error), under the name it was given with.
    """

    def __init__(self, depth: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vnplan-write")
        self._pending: deque[tuple[str, Future[None]]] = deque()
        self._depth = depth

    def submit(self, name: str, root: Path, relative: str | Path, data: str | bytes) -> list[tuple[str, BaseException]]:
        """Queue a write; returns the failures of the earlier writes that have finished meanwhile."""
        self._pending.append((name, self._pool.submit(write_inside, root, relative, data)))
        failed: list[tuple[str, BaseException]] = []
        while self._pending and (len(self._pending) > self._depth or self._pending[0][1].done()):
            failed += self._settle()
        return failed

    def finish(self) -> list[tuple[str, BaseException]]:
        """Wait for every queued write; returns their failures."""
        failed: list[tuple[str, BaseException]] = []
        try:
            while self._pending:
                failed += self._settle()
        finally:
            self._pool.shutdown(wait=True)
        return failed

    def _settle(self) -> list[tuple[str, BaseException]]:
        name, future = self._pending.popleft()
        error = future.exception()
        return [(name, error)] if error is not None else []


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` atomically (see `write_inside`); `path` itself must not be a link."""
    write_inside(path.parent, path.name, data)


def open_inside(root: Path, relative: str | Path, flags: int, *, create_folders: bool = False,
                stage: str = "write") -> int | None:
    """A descriptor of root/relative opened with `flags` (plus O_NOFOLLOW), every component below `root`
    reached without following links; None when a folder or the file is missing (and not created).
    Anything but a regular file is refused (a FIFO would block, a device would be written)."""
    parts = _parts(relative)
    target = root.joinpath(*parts)
    try:
        root_fd = open_root(root, create=create_folders, stage=stage)
    except VnplanError:
        if not create_folders and not os.path.lexists(root):
            return None
        raise
    try:
        dir_fd = open_folder(root_fd, parts[:-1], root, create=create_folders, stage=stage)
    except FileNotFoundError:
        return None
    finally:
        os.close(root_fd)
    try:
        if flags & os.O_CREAT:
            _check_name(dir_fd, parts[-1], target, stage)
        try:
            fd = os.open(parts[-1], flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666 & ~_UMASK,
                         dir_fd=dir_fd)
        except FileNotFoundError:
            if flags & os.O_CREAT:
                raise VnplanError(_NO_CREATE, stage=stage, path=target) from None
            return None
        except OSError as exc:
            raise _refusal(exc, dir_fd, parts[-1], target, stage) from None
    finally:
        os.close(dir_fd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise VnplanError("not a regular file", stage=stage, path=target)
    os.set_blocking(fd, True)
    return fd


def append_inside(root: Path, relative: str | Path, data: str | bytes) -> None:
    """Append `data` to root/relative with one write and an fsync (a log line), never through a link."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = open_inside(root, relative, os.O_WRONLY | os.O_APPEND | os.O_CREAT, create_folders=True)
    assert fd is not None
    try:
        _write_all(fd, payload)
        os.fsync(fd)
    except OSError as exc:
        raise _error(exc, root.joinpath(*_parts(relative))) from None
    finally:
        os.close(fd)


def read_inside(root: Path, relative: str | Path) -> bytes | None:
    """The bytes of root/relative, or None when it does not exist; a link below `root` is refused."""
    fd = open_inside(root, relative, os.O_RDONLY, stage="input")
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def lock_folder(root: Path, name: str = LOCK_FILE) -> int:
    """Take the lock of an output folder (flock on root/name, holding our pid) and return its descriptor;
    keep it open for as long as the folder is in use. The kernel releases the lock when the process
    ends, however it ends, so the lock of a dead process is simply taken over. Raises `VnplanError`
    naming the holder's pid when another process holds it."""
    import fcntl

    fd = open_inside(root, name, os.O_RDWR | os.O_CREAT, create_folders=True, stage="input")
    assert fd is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip() or "unknown"
        os.close(fd)
        raise VnplanError(f"output folder is in use by another vnplan batch (pid {holder})", stage="input",
                          path=root) from None
    except OSError as exc:
        os.close(fd)
        raise _error(exc, root / name, "input") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


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
