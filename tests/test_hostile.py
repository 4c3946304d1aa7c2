"""Hostile and broken surroundings (issue 14): output folders, batches and the command line.

Every case is built in tmp_path at test time and runs the real CLI in a subprocess (a few run the CLI's
`main` in a subprocess with one function replaced, to fail where a real fault cannot be made on
demand). Each asserts the exit status, the one line `vnplan: error: <file>: <cause>`, no traceback, no
write outside the output folder and nothing half-written there. Cases that need a real unprivileged
user run under `unshare --user` (our files then keep their owner bits but root's overrides are gone)
and skip when that is not possible.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from extractor.base import output, tempdirs
from extractor.base.errors import VnplanError, os_cause, printable
from extractor.base.limits import MIB, MIN_MEMORY_MB, Limits, worker_memory_bytes
from tests.conftest import CORPUS, ROOT

PLAN = CORPUS / "001_e90ebdcfd4b0b768.txt"
LINK = "is a symbolic link"


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("VNPLAN_")}
    return {**base, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8", **extra}


def vnplan(*argv: str | Path, prefix: tuple[str, ...] = (), extra_env: dict[str, str] | None = None,
           **kwargs) -> subprocess.CompletedProcess[str]:
    command = [*prefix, sys.executable, "-m", "extractor", *map(str, argv)]
    kwargs.setdefault("capture_output", True)
    return subprocess.run(command, text=True, encoding="utf-8", errors="replace", cwd=ROOT,
                          env=env(**(extra_env or {})), timeout=120, **kwargs)


def patched_main(patch: str, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    """The CLI's main in a subprocess, after running `patch` (Python source) to plant a fault."""
    code = f"import sys\n{patch}\nfrom extractor.cli import main\nsys.exit(main({[str(a) for a in argv]!r}))\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env(),
                          timeout=120)


def error_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The one error line, after checking the status and that no traceback was printed."""
    both = (result.stdout or "") + result.stderr
    assert "Traceback" not in both and "Exception ignored" not in both, both[-2000:]
    assert result.returncode == status, f"exit {result.returncode}; stderr: {result.stderr[-2000:]!r}"
    lines = [line for line in result.stderr.splitlines() if line.startswith("vnplan: error: ")]
    assert len(lines) == 1, f"not one error line: {result.stderr!r}"
    assert "internal error" not in lines[0], lines[0]
    return lines[0]


def expect(result: subprocess.CompletedProcess[str], status: int, file: object, cause: str) -> None:
    line = error_line(result, status)
    prefix = f"vnplan: error: {printable(file)}: " if file is not None else "vnplan: error: "
    assert line.startswith(prefix), f"expected {prefix!r}; got {line!r}"
    assert cause in line[len(prefix):], f"expected {cause!r} in {line!r}"


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    """Every file below `folder` (but `skip`) with its size and mtime: to prove nothing was written."""
    found = {}
    for path in folder.rglob("*"):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        info = path.lstat()
        found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def assert_whole(out: Path) -> None:
    """Nothing half-written: no temporary file left, every JSON output a whole document."""
    if not out.is_dir():
        return
    for path in out.rglob("*"):
        assert not (path.name.startswith(output.TEMP_PREFIX) and path.name.endswith(output.TEMP_SUFFIX)), path
        if path.suffix == ".json" and path.is_file() and not path.is_symlink():
            json.loads(path.read_text(encoding="utf-8"))


def records(out: Path) -> list[dict]:
    path = out / "errors.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/a/b/plan.txt: an input whose output lies two folders down."""
    folder = tmp_path / "in" / "a" / "b"
    folder.mkdir(parents=True)
    shutil.copy(PLAN, folder / "plan.txt")
    return tmp_path / "in"


def unprivileged(*extra: str) -> tuple[str, ...]:
    """A prefix that runs a command without root's overrides of permission bits, or a skip."""
    if os.geteuid() != 0:
        pytest.skip("needs root (to drop root's privileges in a user namespace)")
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run([unshare, "--user", *extra, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available: {probe.stderr.decode(errors='replace').strip()}")
    return (unshare, "--user", *extra)


# --- 1. no link on any component below the output folder ---------------------------------------------

POSITIONS = ("child folder", "nested folder", "the file itself")


def plant(out: Path, position: str, target: Path) -> Path:
    """A symbolic link at `position` on the way to out/a/b/plan.txt.json, pointing at `target`."""
    link = {"child folder": out / "a", "nested folder": out / "a" / "b",
            "the file itself": out / "a" / "b" / "plan.txt.json"}[position]
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=target.is_dir())
    return link


@pytest.mark.parametrize("position", POSITIONS)
def test_output_json_link_inside_the_folder_is_refused(tree: Path, tmp_path: Path, position: str) -> None:
    """A link that stays inside the output folder passes any check of where the path leads; the walk
    with O_NOFOLLOW refuses it all the same."""
    out = tmp_path / "out"
    decoy = out / "decoy"
    decoy.mkdir(parents=True)
    target = decoy if position != "the file itself" else decoy / "x.json"
    if position == "the file itself":
        target.write_text("{}")
    link = plant(out, position, target)
    before = snapshot(tmp_path, skip=out)
    result = vnplan("batch", tree, "--out", out, "--progress", "off")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [record] = records(out)
    assert record["stage"] == "write" and record["error"] == f"{link}: {LINK}", record
    assert sorted(p.name for p in decoy.iterdir()) == ([] if position != "the file itself" else ["x.json"])
    if position == "the file itself":
        assert target.read_text() == "{}"
    assert snapshot(tmp_path, skip=out) == before
    assert_whole(out)


@pytest.mark.parametrize("position", POSITIONS)
def test_output_json_link_out_of_the_folder_is_refused(tree: Path, tmp_path: Path, position: str) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    plant(out, position, elsewhere if position != "the file itself" else elsewhere / "stolen.json")
    before = snapshot(tmp_path, skip=out)
    result = vnplan("batch", tree, "--out", out, "--progress", "off")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [record] = records(out)
    assert record["error"] in ("output path would leave the output folder", f"{out / 'a'}: {LINK}") or \
        record["error"].endswith(LINK), record
    assert not any(elsewhere.iterdir())
    assert snapshot(tmp_path, skip=out) == before
    assert_whole(out)


def test_extract_output_link_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("keep")
    source = tmp_path / "plan.txt"
    shutil.copy(PLAN, source)
    (out / "plan.txt.json").symlink_to(elsewhere)
    expect(vnplan("extract", source, "-o", out), 2, source, "")
    assert elsewhere.read_text() == "keep"
    assert_whole(out)


def test_errors_log_link_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")  # a failure, so that the log would be written
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.log"
    outside.write_text("keep\n")
    (out / "errors.jsonl").symlink_to(outside)
    expect(vnplan("batch", folder, "--out", out, "--progress", "off"), 2, out / "errors.jsonl", LINK)
    assert outside.read_text() == "keep\n"


def test_errors_log_link_planted_during_the_run_is_refused(tmp_path: Path) -> None:
    """Between runs the check at start catches a link; during a run every append opens with O_NOFOLLOW."""
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.log"
    outside.write_text("keep\n")
    (out / "errors.jsonl").symlink_to(outside)
    with pytest.raises(VnplanError, match=LINK):
        output.append_inside(out, "errors.jsonl", "{}\n")
    assert outside.read_text() == "keep\n"


def test_lock_file_link_is_refused(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.lock"
    outside.write_text("keep")
    (out / output.LOCK_FILE).symlink_to(outside)
    expect(vnplan("batch", tree, "--out", out, "--progress", "off"), 2, out / output.LOCK_FILE, LINK)
    assert outside.read_text() == "keep"
    assert not (out / "a").exists()


@pytest.mark.parametrize("position", POSITIONS)
def test_temporary_file_link_is_refused(tmp_path: Path, position: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is made in the output's folder, reached without links, with O_EXCL|O_NOFOLLOW:
    a link at its folder (even one to outside, planted after any path check) or at its name is refused."""
    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if position == "child folder":
        shutil.rmtree(out / "a")
        (out / "a").symlink_to(elsewhere, target_is_directory=True)
    elif position == "nested folder":
        (out / "a" / "b").rmdir()
        (out / "a" / "b").symlink_to(elsewhere, target_is_directory=True)
    else:
        (out / "a" / "b" / ".vnplan-fixed.tmp").symlink_to(elsewhere / "stolen")
        monkeypatch.setattr(output, "_temp_name", lambda: ".vnplan-fixed.tmp")
    with pytest.raises(VnplanError, match=LINK) as caught:
        output.write_inside(out, "a/b/plan.txt.json", "data")
    assert str(caught.value.path).startswith(str(out / "a"))
    assert not any(elsewhere.iterdir())
    assert not (out / "a" / "b" / "plan.txt.json").exists()


def test_output_root_may_itself_be_a_link(tree: Path, tmp_path: Path) -> None:
    """The output folder is the user's choice, link or not; only what lies below it is walked strictly."""
    real = tmp_path / "real-out"
    real.mkdir()
    (tmp_path / "out").symlink_to(real, target_is_directory=True)
    result = vnplan("batch", tree, "--out", tmp_path / "out", "--progress", "off")
    assert result.returncode == 0, result.stderr
    assert (real / "a" / "b" / "plan.txt.json").is_file()


def test_fifo_in_place_of_the_errors_log_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "errors.jsonl")
    expect(vnplan("batch", folder, "--out", out, "--progress", "off"), 2, out / "errors.jsonl",
           "not a regular file")


# --- 2. a pool that cannot start; broken pipes --------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "cause"),
    [("BrokenPipeError(errno.EPIPE, 'Broken pipe')", "broken pipe"),
     ("BlockingIOError(errno.EAGAIN, 'Resource temporarily unavailable')", "resource temporarily unavailable"),
     ("OSError(errno.EMFILE, 'Too many open files')", "too many open files")],
    ids=["broken pipe", "no processes left", "no descriptors left"],
)
def test_pool_that_cannot_start_fails_with_exit_1(tree: Path, tmp_path: Path, fault: str, cause: str) -> None:
    """As when run by a user whose workers cannot start: a failure, never exit 0 with nothing done."""
    patch = f"""
import errno
import pebble
def schedule(self, *args, **kwargs):
    raise {fault}
pebble.ProcessPool.schedule = schedule
"""
    out = tmp_path / "out"
    result = patched_main(patch, "batch", str(tree), "--out", str(out), "--progress", "off")
    expect(result, 1, None, f"cannot start worker processes: {cause}")
    assert not list(out.rglob("*.json"))


def test_pool_that_cannot_fork_fails_with_exit_1(tree: Path, tmp_path: Path) -> None:
    """A real fault: an unprivileged user who may not create one more process (RLIMIT_NPROC)."""
    tools = [shutil.which(name) for name in ("prlimit", "setpriv")]
    if os.geteuid() != 0 or None in tools:
        pytest.skip("needs root, prlimit and setpriv (to run as nobody with RLIMIT_NPROC=1)")
    prlimit, setpriv = tools
    # nobody keeps read access to the interpreter under /root (CAP_DAC_READ_SEARCH), nothing else.
    prefix = (str(prlimit), "--nproc=1", str(setpriv), "--reuid=65534", "--regid=65534", "--clear-groups",
              "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search")
    if subprocess.run([*prefix, sys.executable, "-c", "pass"], capture_output=True).returncode != 0:
        pytest.skip("cannot run Python as nobody here")
    writable = tmp_path / "w"
    writable.mkdir()
    writable.chmod(0o777)
    out = writable / "out"
    result = vnplan("batch", tree, "--out", out, "--progress", "off", "--workers", "2", prefix=prefix)
    expect(result, 1, None, "cannot start worker processes: resource temporarily unavailable")
    assert not list(out.rglob("*.json"))


def test_broken_pipe_not_on_stdout_is_an_error(tmp_path: Path) -> None:
    patch = """
import errno
import extractor.cli as cli
def broken(args):
    raise BrokenPipeError(errno.EPIPE, "Broken pipe")
cli.cmd_schema = broken
"""
    expect(patched_main(patch, "schema"), 2, None, "broken pipe")


def test_broken_pipe_on_stdout_is_a_quiet_exit_0() -> None:
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(PLAN)], stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env(), timeout=120)
    reader.stdin.close()
    reader.wait()
    assert result.returncode == 0 and result.stderr == "", result.stderr


# --- 3. one batch per output folder -------------------------------------------------------------------


def test_second_batch_on_the_same_folder_exits_2_at_once(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / output.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f"{os.getpid()}\n".encode())
        began = time.monotonic()
        result = vnplan("batch", tree, "--out", out, "--progress", "off")
        assert time.monotonic() - began < 30
    finally:
        os.close(fd)
    expect(result, 2, out, f"output folder is in use by another vnplan batch (pid {os.getpid()})")
    assert not (out / "a").exists()


def test_stale_lock_of_a_dead_batch_is_taken_over(tree: Path, tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    out = tmp_path / "out"
    out.mkdir()
    (out / output.LOCK_FILE).write_text(f"{dead.pid}\n")
    result = vnplan("batch", tree, "--out", out, "--progress", "off")
    assert result.returncode == 0, result.stderr
    assert (out / output.LOCK_FILE).read_text().strip() != str(dead.pid)
    assert (out / "a" / "b" / "plan.txt.json").is_file()


# --- 4. each known cause its own message --------------------------------------------------------------


@pytest.mark.parametrize("how", ["extract -o", "batch --out", "batch --out below a file"])
def test_output_path_that_is_a_file_is_not_a_folder(tree: Path, tmp_path: Path, how: str) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("keep")
    if how == "extract -o":
        result, where = vnplan("extract", PLAN, "-o", a_file), a_file
    elif how == "batch --out":
        result, where = vnplan("batch", tree, "--out", a_file), a_file
    else:
        result, where = vnplan("batch", tree, "--out", a_file / "sub"), a_file / "sub"
    expect(result, 2, where, "not a folder")
    assert a_file.read_text() == "keep"


@pytest.mark.parametrize("how", ["batch into a new folder in /proc", "batch into /proc/self",
                                 "extract -o /proc/self"])
def test_output_in_proc_is_permission_denied(tree: Path, how: str) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc")
    if how == "batch into a new folder in /proc":
        expect(vnplan("batch", tree, "--out", "/proc/vnplan-out"), 2, "/proc/vnplan-out", "permission denied")
    elif how == "batch into /proc/self":
        expect(vnplan("batch", tree, "--out", "/proc/self"), 2, f"/proc/self/{output.LOCK_FILE}",
               "permission denied")
    else:
        expect(vnplan("extract", PLAN, "-o", "/proc/self"), 2, PLAN, "permission denied")


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_read_only_output_folder_is_permission_denied(tree: Path, tmp_path: Path, command: str) -> None:
    prefix = unprivileged()
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        if command == "extract":
            result = vnplan("extract", PLAN, "-o", out, prefix=prefix)
            expect(result, 2, PLAN, "permission denied")
        else:
            result = vnplan("batch", tree, "--out", out, "--progress", "off", prefix=prefix)
            expect(result, 2, out / output.LOCK_FILE, "permission denied")
    finally:
        out.chmod(0o755)
    assert list(out.iterdir()) == []


def test_read_only_file_system_is_named(tree: Path, tmp_path: Path) -> None:
    prefix = unprivileged("--map-root-user", "--mount")
    mount = tmp_path / "ro"
    mount.mkdir()
    script = (f"mount -t tmpfs none {mount} && mount -o remount,ro {mount} && "
              f'exec "$@"')
    command = [*prefix, "sh", "-c", script, "sh", sys.executable, "-m", "extractor"]
    result = subprocess.run([*command, "batch", str(tree), "--out", str(mount / "out")], capture_output=True,
                            text=True, cwd=ROOT, env=env(), timeout=120)
    if "mount:" in result.stderr:
        pytest.skip(f"cannot mount a read-only tmpfs here: {result.stderr.strip()}")
    expect(result, 2, mount / "out", "read-only file system")


def test_immutable_output_folder_is_operation_not_permitted(tmp_path: Path) -> None:
    chattr = shutil.which("chattr")
    if chattr is None or os.geteuid() != 0:
        pytest.skip("needs chattr and root")
    out = tmp_path / "out"
    out.mkdir()
    if subprocess.run([chattr, "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("the file system under tmp_path does not support chattr +i")
    try:
        expect(vnplan("extract", PLAN, "-o", out), 2, PLAN, "operation not permitted")
    finally:
        subprocess.run([chattr, "-i", str(out)], check=True)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_unreadable_input_is_permission_denied(tmp_path: Path, command: str) -> None:
    prefix = unprivileged()
    folder = tmp_path / "in"
    folder.mkdir()
    secret = folder / "secret.txt"
    shutil.copy(PLAN, secret)
    secret.chmod(0o000)
    out = tmp_path / "out"
    if command == "extract":
        expect(vnplan("extract", secret, prefix=prefix), 2, secret, "permission denied")
    else:
        result = vnplan("batch", folder, "--out", out, "--progress", "off", prefix=prefix)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        [record] = records(out)
        assert record["error"] == "permission denied", record
    assert_whole(out)


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_file_name_of_254_bytes_is_file_name_too_long(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    source = folder / ("k" * 250 + ".txt")  # 254 bytes: its output name (+ ".json") is 259
    shutil.copy(PLAN, source)
    out = tmp_path / "out"
    if command == "extract":
        expect(vnplan("extract", source, "-o", out), 2, source, "file name too long")
    else:
        result = vnplan("batch", folder, "--out", out, "--progress", "off")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        [record] = records(out)
        assert "file name too long" in record["error"], record
    assert_whole(out)
    assert not list(out.rglob("*.json"))


def test_stdout_full_is_no_space_left_on_device() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = vnplan("extract", PLAN, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    expect(result, 2, "stdout", "no space left on device")


def test_stdout_full_after_a_batch_is_no_space_left(tree: Path, tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = vnplan("batch", tree, "--out", tmp_path / "out", "--progress", "off", stdout=full,
                        stderr=subprocess.PIPE, capture_output=False)
    expect(result, 2, "stdout", "no space left on device")


def test_stdout_closed_is_named() -> None:
    result = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "extractor", "extract",
                             str(PLAN)], capture_output=False, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=env(), timeout=120)
    expect(result, 2, "stdout", "closed")


@pytest.mark.parametrize(
    ("value", "command"),
    [("inf", "extract"), ("nan", "extract"), ("-1", "extract"), ("0", "extract"), ("abc", "extract"),
     ("", "extract"), ("1e300", "extract"), ("inf", "batch"), ("abc", "batch")],
)
def test_invalid_timeout_is_refused_before_any_work(tree: Path, tmp_path: Path, value: str, command: str) -> None:
    out = tmp_path / "out"
    args = ("extract", PLAN, "-o", out) if command == "extract" else ("batch", tree, "--out", out)
    result = vnplan(*args, extra_env={"VNPLAN_TIMEOUT": value})
    expect(result, 2, None, f"invalid VNPLAN_TIMEOUT: {value!r}")
    assert not out.exists()


@pytest.mark.parametrize("value", ["20", str(MIN_MEMORY_MB - 1)])
def test_memory_cap_too_small_to_start_is_refused(tree: Path, tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    result = vnplan("batch", tree, "--out", out, extra_env={"VNPLAN_MEMORY_MB": value})
    expect(result, 2, None, f"VNPLAN_MEMORY_MB={value} is too small (at least {MIN_MEMORY_MB})")
    assert not out.exists()


@pytest.mark.parametrize("value", ["abc", "inf", "-5", "0"])
def test_invalid_memory_cap_is_refused(value: str) -> None:
    expect(vnplan("extract", PLAN, extra_env={"VNPLAN_MEMORY_MB": value}), 2, None,
           f"invalid VNPLAN_MEMORY_MB: {value!r}")


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0"])
def test_invalid_timeout_option_is_refused(tree: Path, tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    expect(vnplan("batch", tree, "--out", out, "--timeout", value), 2, None, "--timeout must be")
    assert not out.exists()


def test_a_real_bug_is_internal_error_with_its_class(tmp_path: Path) -> None:
    patch = """
import extractor.pipeline as pipeline
def broken(path, *args, **kwargs):
    raise KeyError("bug")
pipeline.extract = broken
"""
    result = patched_main(patch, "extract", str(PLAN))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"vnplan: error: {PLAN}: internal error in extraction (KeyError: 'bug')"]


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system"),
     (errno.ENAMETOOLONG, "file name too long"), (errno.ENOSPC, "no space left on device"),
     (errno.ENOTDIR, "not a folder"), (errno.ELOOP, LINK), (errno.EPIPE, "broken pipe")],
)
def test_os_errors_are_named_by_their_errno(code: int, words: str) -> None:
    assert os_cause(OSError(code, "whatever the library said")) == words


# --- 5. the per-worker memory cap ----------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2, 8, 64])
def test_each_worker_gets_the_smaller_of_the_cap_and_its_share(workers: int, monkeypatch) -> None:
    import psutil

    total = 16 * 1024 * MIB
    monkeypatch.setattr(psutil, "virtual_memory", lambda: type("M", (), {"total": total})())
    limits = Limits(memory_bytes=4096 * MIB)
    expected = max(min(4096 * MIB, total // workers), MIN_MEMORY_MB * MIB)
    assert worker_memory_bytes(workers, limits) == expected


def test_batch_workers_run_under_the_per_worker_cap(tmp_path: Path) -> None:
    """The pool's initializer receives min(VNPLAN_MEMORY_MB, machine memory / workers)."""
    from extractor.commands.batch_engines import LocalEngine

    engine = LocalEngine(2)
    import psutil

    assert engine.memory_bytes == max(min(4096 * MIB, psutil.virtual_memory().total // 2), MIN_MEMORY_MB * MIB)


# --- 6. temporary folders -----------------------------------------------------------------------------


def test_private_tempdir_is_removed_after_its_block(tmp_path: Path) -> None:
    with tempdirs.private_tempdir("vnplan-test-", str(tmp_path)) as folder:
        assert folder.is_dir() and f"vnplan-test-{os.getpid()}-" in folder.name
        (folder / "page.png").write_bytes(b"x")
    assert not folder.exists()


TEMPDIR_CHILD = """
import sys, time
from extractor.base import tempdirs
tempdirs.install_cleanup()
with tempdirs.private_tempdir("vnplan-test-", sys.argv[1]) as folder:
    (folder / "frame.tif").write_bytes(b"x" * 1000)
    print(folder, flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_private_tempdir_is_removed_on_signals(tmp_path: Path, signum: int) -> None:
    proc = subprocess.Popen([sys.executable, "-c", TEMPDIR_CHILD, str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env())
    assert proc.stdout is not None
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir()
    proc.send_signal(signum)
    proc.wait(timeout=30)
    assert not folder.exists()
    if signum != signal.SIGINT:
        assert proc.returncode == -signum  # ends as the signal would have ended it


def test_sweep_removes_folders_of_dead_processes_only(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"vnplan-ocr-{dead.pid}-abcd"
    live = tmp_path / f"vnplan-ocr-{os.getpid()}-efgh"
    unrelated = tmp_path / "vnplan-ocr-nopid"
    other = tmp_path / f"someone-{dead.pid}-x"
    for folder in (stale, live, unrelated, other):
        folder.mkdir()
        (folder / "f").write_bytes(b"x")
    link = tmp_path / f"vnplan-ocr-{dead.pid}-link"
    link.symlink_to(other, target_is_directory=True)
    removed = tempdirs.sweep_stale(["vnplan-ocr-"], str(tmp_path), before=time.time() + 10)
    assert removed == [stale]
    assert live.exists() and unrelated.exists() and other.exists() and link.is_symlink()


def test_sweep_keeps_folders_newer_than_the_run(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    fresh = tmp_path / f"vnplan-ocr-{dead.pid}-abcd"
    fresh.mkdir()
    assert tempdirs.sweep_stale(["vnplan-ocr-"], str(tmp_path), before=time.time() - 60) == []
    assert fresh.exists()


def test_sweep_removes_multiprocessing_folders_whose_socket_nobody_binds(tmp_path: Path) -> None:
    if not Path("/proc/net/unix").exists():
        pytest.skip("no /proc/net/unix")
    dead, live, empty = tmp_path / "pymp-dead", tmp_path / "pymp-live", tmp_path / "pymp-empty"
    for folder in (dead, live, empty):
        folder.mkdir()
    gone = socket.socket(socket.AF_UNIX)
    gone.bind(str(dead / "listener-1"))
    gone.close()  # the socket file stays, bound by nobody: a forkserver killed with -9
    held = socket.socket(socket.AF_UNIX)
    held.bind(str(live / "listener-2"))
    held.listen()
    try:
        removed = tempdirs.sweep_stale(["pymp-"], str(tmp_path), before=time.time() + 10)
    finally:
        held.close()
    assert removed == [dead]
    assert live.exists() and empty.exists()


def test_killed_batch_leaves_no_temporary_folder_after_the_next_run(tmp_path: Path, request) -> None:
    """kill -9 of a batch leaves its multiprocessing folder (vnplan-mp-<pid>-*); the next run removes it."""
    import psutil

    tmp = Path(tempfile.mkdtemp(prefix="vh-", dir="/tmp"))  # short: a socket path holds 107 bytes
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        shutil.copy(PLAN, folder / f"{i:03}.txt")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "batch", str(folder), "--out", str(out),
                             "--workers", "1", "--progress", "off"], cwd=ROOT, env=env(TMPDIR=str(tmp)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp.glob("vnplan-mp-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    family = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
    proc.kill()
    proc.wait()
    for child in family:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)
    left = list(tmp.glob("vnplan-mp-*"))
    if not left:
        pytest.skip("the batch ended before it could be killed")
    time.sleep(1.1)  # the next run sweeps only what is older than its own start
    result = vnplan("batch", folder, "--out", out, "--workers", "1", "--progress", "off",
                    extra_env={"TMPDIR": str(tmp)})
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in left)
    assert list(tmp.iterdir()) == []  # its own folder is gone at exit too
