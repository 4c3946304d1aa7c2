"""Private temporary folders that do not outlive their process.

`private_tempdir(prefix)` makes `<tmp>/<prefix><pid>-<random>` (mode 0700) and removes it when the block
ends, when the process ends normally, and on SIGTERM/SIGHUP once `install_cleanup()` has run (SIGINT
raises KeyboardInterrupt, which ends the block). A process killed with SIGKILL cannot clean up: the
next run's `sweep_stale(prefixes)` removes folders whose pid (in the name) is dead. Multiprocessing's
own `pymp-*` folders carry no pid: `use_for_multiprocessing()` puts them in a private folder of ours, and
`sweep_stale` removes old `pymp-*` folders only when every socket in them is bound by nobody.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

_LIVE: dict[str, int] = {}
"""Folders made here -> the pid that made them (a forked child never removes its parent's)."""
_LOCK = threading.Lock()
_INSTALLED = False
_STARTED = time.time()
PYMP = "pymp-"
SOCKET_PATH_MAX = 107


def _remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def make_private_tempdir(prefix: str, folder: str | None = None) -> Path:
    """Create and register `<folder>/<prefix><pid>-<random>`; `remove_registered` or exit removes it."""
    path = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=folder)
    with _LOCK:
        _LIVE[path] = os.getpid()
    return Path(path)


def release(path: Path | str) -> None:
    """Remove a folder made by `make_private_tempdir` now."""
    with _LOCK:
        _LIVE.pop(str(path), None)
    _remove(str(path))


@contextmanager
def private_tempdir(prefix: str, folder: str | None = None) -> Iterator[Path]:
    """A private temporary folder for the block (see the module's docstring for when it is removed)."""
    path = make_private_tempdir(prefix, folder)
    try:
        yield path
    finally:
        release(path)


def remove_registered() -> None:
    """Remove every folder this process still holds (at exit, on SIGTERM)."""
    me = os.getpid()
    with _LOCK:
        paths = [path for path, pid in _LIVE.items() if pid == me]
        for path in paths:
            del _LIVE[path]
    for path in paths:
        _remove(path)


def _on_signal(signum: int, frame: object) -> None:
    remove_registered()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)  # end as the signal would have: the parent sees the same status


def install_cleanup() -> None:
    """Remove this process's folders at exit and on SIGTERM/SIGHUP (then end as the signal would have).
    Only from the main thread; handlers already set by someone else are left alone."""
    global _INSTALLED
    if threading.current_thread() is not threading.main_thread():
        return
    if not _INSTALLED:
        atexit.register(remove_registered)
        _INSTALLED = True
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) in (signal.SIG_DFL, None, _on_signal):
            signal.signal(signum, _on_signal)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _bound_unix_sockets() -> set[str] | None:
    """Paths of every bound Unix socket (Linux /proc/net/unix), or None when unknown."""
    try:
        text = Path("/proc/net/unix").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    paths = set()
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 8 and fields[7].startswith("/"):
            paths.add(fields[7])
    return paths


def _stale_pymp(path: Path, bound: set[str] | None) -> bool:
    """A multiprocessing folder is stale when it holds only sockets that nobody has bound."""
    if bound is None:
        return False
    try:
        entries = list(os.scandir(path))
    except OSError:
        return False
    if not entries:
        return False  # an empty folder may belong to a live process that has not bound its socket yet
    for entry in entries:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            return False
        if not stat.S_ISSOCK(mode) or entry.path in bound:
            return False
    return True


def sweep_stale(prefixes: Iterable[str], folder: str | None = None, *, before: float | None = None) -> list[Path]:
    """Remove temporary folders left by killed runs: `<prefix><pid>-*` whose pid is dead (or reused by a
    process that started after the folder was made), and, for the prefix `pymp-`, folders whose sockets
    nobody has bound. Only folders (never links) owned by this user and last changed before `before`
    (default: when this process started) are touched. Returns what was removed."""
    base = Path(folder or tempfile.gettempdir())
    cutoff = _STARTED if before is None else before
    prefixes = tuple(prefixes)
    bound = _bound_unix_sockets() if PYMP in prefixes else None
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mtime >= cutoff:
            continue
        path = Path(entry.path)
        if prefix == PYMP:
            stale = _stale_pymp(path, bound)
        else:
            match = re.match(r"(\d+)-", entry.name[len(prefix):])
            stale = match is not None and not _same_process_alive(int(match[1]), info.st_mtime)
        if stale:
            _remove(str(path))
            removed.append(path)
    return removed


def _same_process_alive(pid: int, made: float) -> bool:
    """Is the process that made a folder at `made` still alive (not merely its pid, reused since)?"""
    if pid == os.getpid():
        return True
    if not pid_alive(pid):
        return False
    try:
        import psutil

        return psutil.Process(pid).create_time() <= made + 1.0
    except Exception:  # noqa: BLE001 - psutil missing or the process just ended: keep the folder
        return True


def use_for_multiprocessing(prefix: str = "vnplan-mp-") -> Path | None:
    """Make multiprocessing put its temporary files (forkserver sockets) in a private folder of ours,
    named with our pid so that `sweep_stale` can remove it after a kill -9, instead of a `pymp-*` folder.
    None (and multiprocessing left alone) when the temporary folder's path is too long for its sockets."""
    import multiprocessing

    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    current = config.get("tempdir")
    if current and os.path.isdir(current):
        return Path(current)
    # A Unix socket path holds at most 107 bytes: where ours would not fit, multiprocessing keeps its own.
    longest = len(os.fsencode(tempfile.gettempdir())) + len(prefix) + 12 + len("/listener-xxxxxxxx") + 9
    if longest > SOCKET_PATH_MAX:
        return None
    path = make_private_tempdir(prefix)
    config["tempdir"] = str(path)
    return path
