"""`vnplan batch`: extract a whole archive, in parallel, resumably, on one machine or a Ray cluster.

The parent process only finds the inputs (streamed, never all held at once), hands them to an engine
with a bounded number in flight, and keeps the books: progress, `errors.jsonl` and the summary.
Everything about one document happens in `batch_engines.process_document`, in a worker.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractor.base.errors import VnplanError, describe, printable
from extractor.base.output import (
    LOCK_FILE,
    append_inside,
    lock_folder,
    open_inside,
    open_root,
    output_path,
    write_stdout,
)
from extractor.commands.batch_engines import DocResult, DocTask, LocalEngine, PoolStartError, RayEngine
from extractor.readers import READERS, SUPPORTED_SUFFIXES

ERRORS_FILE = "errors.jsonl"
GLOB_CHARS = frozenset("*?[")
PLAIN_PROGRESS_EVERY = 30.0

EPILOG = f"""\
inputs:
  FOLDER      every file with a supported suffix below it ({' '.join(SUPPORTED_SUFFIXES)}), recursively;
              the output mirrors the path inside FOLDER: DIR/<path inside FOLDER>.json
  FILE        one file; the output is DIR/<file name>.json
  'PATTERN'   a glob (quote it; ** descends folders); the output mirrors the path below the
              pattern's fixed leading folders
  @LIST       a text file of input paths, one a line (blank lines and lines starting with # are
              ignored); relative paths are read from LIST's folder and mirrored below DIR
Symbolic links are never followed. Two inputs that would write the same output are refused (the second
is recorded as failed).

resume:
  A document is skipped when DIR already holds its output for the same input bytes (sha256), schema
  version and pipeline version, so rerunning an interrupted batch continues where it stopped. Outputs
  are written atomically: a file in DIR is always a whole document. --force extracts everything again.

errors:
  Each failed document appends one JSON line to DIR/{ERRORS_FILE}: file, output, stage, error, time,
  seconds, run, status "failed". The file is a log across runs and is never rewritten: when a later run
  extracts a document that failed before, it appends a line with status "resolved" for it. The last line
  for a file and output tells its current state.

lock:
  A batch holds DIR/{LOCK_FILE} (flock, with its pid) while it runs: a second batch on the same DIR
  exits 2 at once; the lock of a process that died is released by the system and taken over.

exit status: 0 when every document was extracted or already up to date, 1 when some failed or the
worker processes could not start, 2 for a usage error or an output folder that cannot be used,
130 when interrupted (rerun the same command to continue)."""


@dataclass(frozen=True, slots=True)
class Found:
    """One input: its path, the relative name its output takes, or why it cannot be used."""

    path: Path
    name: str
    problem: str | None = None


def _suffix_supported(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in READERS


def _walk(folder: Path, prefix: Path, skip: Path | None, links: Counter) -> Iterator[Found]:
    """Supported files below `folder`, in a stable order, without following symbolic links."""
    for root, dirnames, filenames in os.walk(folder, followlinks=False):
        kept = []
        for dirname in sorted(dirnames):
            full = os.path.join(root, dirname)
            if os.path.islink(full):
                links["links"] += 1
            elif skip is None or os.path.realpath(full) != str(skip):
                kept.append(dirname)
        dirnames[:] = kept
        for filename in sorted(filenames):
            if not _suffix_supported(filename):
                continue
            full = os.path.join(root, filename)
            if os.path.islink(full):
                links["links"] += 1
                continue
            yield Found(Path(full), str(prefix / os.path.relpath(full, folder)))


def folder_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """(path, path relative to `folder`) of every supported file below it, as a batch finds them."""
    for found in _walk(folder, Path(), None, Counter()):
        yield found.path, found.name


def _glob_base(pattern: str) -> Path:
    """The leading folders of a pattern that hold no wildcard."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts[:-1]:
        if GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def mirrored_name(path: Path, base: Path) -> str:
    """The output name of `path` below `base`: its path relative to `base`, or its file name when it
    lies outside `base` (or on another drive)."""
    try:
        name = os.path.relpath(path, base)
    except ValueError:
        return path.name
    if name.startswith(".." + os.sep) or name == "..":
        return path.name
    return name


def _listed(list_file: Path) -> Iterator[tuple[Path, str]]:
    """(path, output name) for each entry of a listing."""
    base = list_file.parent
    try:
        handle = list_file.open(encoding="utf-8")
    except OSError as exc:
        raise VnplanError(f"cannot read the list {printable(list_file)}: {exc.strerror}", stage="input") from None
    with handle:
        for line in handle:
            entry = line.rstrip("\r\n")
            if not entry.strip() or entry.lstrip().startswith("#"):
                continue
            path = Path(entry)
            path = path if path.is_absolute() else base / path
            yield path, mirrored_name(path, base)


def find_inputs(arguments: list[str], out_dir: Path, links: Counter) -> Iterator[Found]:
    """Stream the inputs named on the command line (see EPILOG for the conventions)."""
    skip = out_dir.resolve()
    for argument in arguments:
        if argument.startswith("@"):
            for path, name in _listed(Path(argument[1:])):
                yield from _single(path, name, skip, links)
        elif not os.path.lexists(argument) and GLOB_CHARS & set(argument):
            base = _glob_base(argument)
            matched = False
            for match in glob.iglob(argument, recursive=True):
                matched = True
                relative = Path(os.path.relpath(match, base))
                if os.path.islink(match):
                    links["links"] += 1
                elif os.path.isdir(match):
                    yield from _walk(Path(match), relative, skip, links)
                elif _suffix_supported(match):
                    yield Found(Path(match), str(relative))
            if not matched:
                yield Found(Path(argument), Path(argument).name, "the pattern matched no file")
        else:
            path = Path(argument)
            if path.is_dir() and not path.is_symlink():
                yield from _walk(path, Path(), skip, links)
            else:
                yield from _single(path, path.name, skip, links)


def _single(path: Path, name: str, skip: Path, links: Counter) -> Iterator[Found]:
    if path.is_symlink():
        yield Found(path, name, "a symbolic link (links are not followed)")
    elif path.is_dir():
        yield from _walk(path, Path(name), skip, links)
    elif not path.exists():
        yield Found(path, name, "no such file or folder")
    else:
        yield Found(path, name)


def format_name(path: Path | str) -> str:
    entry = READERS.get(os.path.splitext(str(path))[1].lower())
    return entry[1] if entry else "other"


class ErrorLog:
    """DIR/errors.jsonl: one JSON line per failure, appended with a single write each, never rewritten,
    and never through a symbolic link (base/output.py walks to it without following links)."""

    def __init__(self, out_dir: Path, run: str) -> None:
        self.out_dir = out_dir
        self.path = out_dir / ERRORS_FILE
        self.run = run
        self.open_failures = self._open_failures()

    def _open_failures(self) -> set[tuple[str, str]]:
        """(file, output) pairs whose last record is a failure (a success now gets a 'resolved' line)."""
        failing: set[tuple[str, str]] = set()
        fd = open_inside(self.out_dir, ERRORS_FILE, os.O_RDONLY, stage="input")
        if fd is None:
            return failing
        with open(fd, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                    key = (record["file"], record["output"])
                    status = record.get("status", "failed")
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line after a power cut
                if status == "failed":
                    failing.add(key)
                else:
                    failing.discard(key)
        return failing

    def append(self, record: dict) -> None:
        line = json.dumps({**record, "run": self.run}, ensure_ascii=False) + "\n"
        append_inside(self.out_dir, ERRORS_FILE, line)

    def failed(self, source: str, output: str, result: DocResult) -> None:
        self.append(
            {
                "file": source,
                "output": output,
                "status": "failed",
                "stage": result.stage,
                "error": result.error,
                "time": _now(),
                "seconds": round(result.seconds, 3),
            }
        )
        self.open_failures.add((source, output))

    def succeeded(self, source: str, output: str) -> None:
        if (source, output) in self.open_failures:
            self.append({"file": source, "output": output, "status": "resolved", "time": _now()})
            self.open_failures.discard((source, output))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clock(seconds: float) -> str:
    """H:MM:SS, as rich's elapsed and remaining columns show time."""
    whole = max(0, round(seconds))
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class Reporter:
    """Progress on stderr: a rich bar on a terminal, a line every 30 s in logs, or nothing."""

    def __init__(self, mode: str, total: int | None) -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "plain"
        self.mode = mode
        self.total = total
        self.began = time.monotonic()
        self.last_line = self.began
        self.bar = None
        if mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} docs/s"),
                TextColumn("[red]{task.fields[failed]} failed"),
                TextColumn("elapsed"),
                TimeElapsedColumn(),
                TextColumn("·"),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self.bar.start()
            self.bar_task = self.bar.add_task("batch", total=total, rate="-", failed=0)

    def update(self, finished: int, failed: int) -> None:
        now = time.monotonic()
        rate = finished / max(now - self.began, 1e-9)
        if self.bar is not None:
            self.bar.update(self.bar_task, completed=finished, rate=f"{rate:.1f}", failed=failed)
        elif self.mode == "plain" and now - self.last_line >= PLAIN_PROGRESS_EVERY:
            self.last_line = now
            print(self.plain_line(finished, failed, now - self.began), file=sys.stderr, flush=True)

    def plain_line(self, finished: int, failed: int, elapsed: float) -> str:
        """The progress line for logs, its times read as the bar's: `elapsed 0:00:31 · left 0:00:01`."""
        rate = finished / max(elapsed, 1e-9)
        of = f"/{self.total}" if self.total is not None else ""
        times = f"elapsed {clock(elapsed)}"
        if self.total is not None and rate > 0:
            times += f" · left {clock((self.total - finished) / rate)}"
        return f"vnplan batch: {finished}{of} documents, {failed} failed, {rate:.1f} docs/s, {times}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class Books:
    """Counts, error records and progress, updated as each result comes back."""

    def __init__(self, out_dir: Path, errors: ErrorLog, reporter: Reporter) -> None:
        self.out_dir = out_dir.resolve()
        self.errors = errors
        self.reporter = reporter
        self.counts: Counter[str] = Counter()
        self.by_format: Counter[tuple[str, str]] = Counter()
        self.review = 0

    def relative(self, output: str) -> str:
        return os.path.relpath(output, self.out_dir)

    def record(self, task: DocTask, result: DocResult) -> None:
        output = self.relative(task.output)
        if result.status == "failed":
            self.errors.failed(task.source, output, result)
        else:
            self.errors.succeeded(task.source, output)
            self.review += result.review
        self._count(format_name(task.source), result.status)

    def refuse(self, found: Found, problem: str) -> None:
        result = DocResult(str(found.path), "failed", 0.0, "input", problem)
        self.errors.failed(str(found.path), found.name + ".json", result)
        self._count(format_name(found.path), "failed")

    def _count(self, fmt: str, status: str) -> None:
        self.counts[status] += 1
        self.by_format[(fmt, status)] += 1
        self.reporter.update(sum(self.counts.values()), self.counts["failed"])

    def summary(self, seconds: float, links: int, duplicates: int) -> str:
        total = sum(self.counts.values())
        rate = total / seconds if seconds > 0 else 0.0
        lines = [
            f"vnplan batch: {total} documents in {seconds:.1f} s ({rate:.1f} docs/s): "
            f"{self.counts['done']} extracted, {self.counts['skipped']} up to date (skipped), "
            f"{self.counts['failed']} failed"
        ]
        if self.review:
            lines.append(f"  {self.review} of {self.counts['done'] + self.counts['skipped']} documents need review "
                         "(quality.needs_review: OCR text, repaired pages, drafts, warnings)")
        formats = sorted({fmt for fmt, _ in self.by_format})
        for fmt in formats:
            parts = [f"{self.by_format[(fmt, s)]} {s}" for s in ("done", "skipped", "failed")]
            lines.append(f"  {fmt}: " + ", ".join(parts))
        if links:
            lines.append(f"  {links} symbolic links not followed")
        if duplicates:
            lines.append(f"  {duplicates} inputs named twice, done once")
        if self.counts["failed"]:
            lines.append(f"  failures are listed in {printable(self.errors.path)}")
        return "\n".join(lines)


def make_tasks(
    founds: Iterator[Found], out_dir: Path, seconds: float, force: bool, books: Books, seen: Counter
) -> Iterator[DocTask]:
    """Turn inputs into tasks, refusing (as failed records) those that cannot be given an output."""
    claimed: dict[str, str] = {}  # output -> real input path: no two inputs may write one output
    root = str(out_dir.resolve())
    for found in founds:
        if found.problem:
            books.refuse(found, found.problem)
            continue
        try:
            target = output_path(out_dir, found.name)
        except VnplanError as exc:
            books.refuse(found, exc.cause)
            continue
        real = os.path.realpath(found.path)
        owner = claimed.get(str(target))
        if owner == real:
            seen["duplicates"] += 1
            continue
        if owner is not None:
            books.refuse(found, f"its output {found.name}.json is already written by {printable(owner)}")
            continue
        claimed[str(target)] = real
        yield DocTask(source=str(found.path), output=str(target), seconds=seconds, force=force, root=root)


def missing_inputs(arguments: list[str]) -> Iterator[str]:
    """A problem line for each named folder, file or @LIST that does not exist or cannot be read (a
    pattern that matches nothing, or a missing entry of a list, is a failed record as before)."""
    for argument in arguments:
        if argument.startswith("@"):
            if not os.access(argument[1:], os.R_OK) or os.path.isdir(argument[1:]):
                yield f"{printable(argument[1:])}: cannot read the list of inputs"
        elif not os.path.lexists(argument) and not GLOB_CHARS & set(argument):
            yield f"{printable(argument)}: no such file or folder"


def count_inputs(arguments: list[str], out_dir: Path) -> int | None:
    try:
        return sum(1 for _ in find_inputs(arguments, out_dir, Counter()))
    except VnplanError:
        return None


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _say(text: str) -> None:
    """The summary on stdout (a full stdout is an error of its own; a closed one is left alone)."""
    if sys.stdout is not None:
        write_stdout(text + "\n")


def _error(exc: VnplanError) -> int:
    print(f"vnplan: error: {describe(exc)}", file=sys.stderr)
    return 2


def cmd_batch(args: argparse.Namespace) -> int:
    from extractor.base.limits import DEFAULT_LIMITS, MAX_SECONDS

    out_dir = Path(args.out)
    if args.workers is not None and args.workers < 1:
        print("vnplan: error: --workers must be at least 1", file=sys.stderr)
        return 2
    seconds = args.timeout if args.timeout is not None else DEFAULT_LIMITS.seconds
    if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_SECONDS:
        print(f"vnplan: error: --timeout must be a number of seconds above 0 and at most {MAX_SECONDS:.0f}",
              file=sys.stderr)
        return 2
    if args.address and args.engine != "ray":
        print("vnplan: error: --address needs --engine ray", file=sys.stderr)
        return 2
    if args.engine == "ray" and importlib_missing("ray"):
        print("vnplan: error: --engine ray needs Ray: pip install 'vnplan[ray]'", file=sys.stderr)
        return 2
    problems = list(missing_inputs(args.inputs))  # a mistyped folder: one line each, before any work
    for problem in problems:
        print(f"vnplan: error: {problem}", file=sys.stderr)
    if problems:
        return 2
    try:
        os.close(open_root(out_dir, stage="input"))  # a file, /proc, read-only: one line, before any work
        lock = lock_folder(out_dir)  # held until we return; released by the system if we are killed
    except VnplanError as exc:
        return _error(exc)
    try:
        return _run_batch(args, out_dir, seconds)
    finally:
        os.close(lock)


def _run_batch(args: argparse.Namespace, out_dir: Path, seconds: float) -> int:
    began = time.monotonic()
    try:
        errors = ErrorLog(out_dir, _now())
    except VnplanError as exc:
        return _error(exc)
    engine: LocalEngine | RayEngine
    if args.engine == "ray":
        engine = RayEngine(args.workers, args.address)
    else:
        engine = LocalEngine(args.workers or default_workers())
    mode = args.progress
    total = count_inputs(args.inputs, out_dir) if mode != "off" else None
    reporter = Reporter(mode, total)
    books = Books(out_dir, errors, reporter)
    links: Counter = Counter()
    seen: Counter = Counter()
    try:
        founds = find_inputs(args.inputs, out_dir, links)
        engine.run(make_tasks(founds, out_dir, seconds, args.force, books, seen), books.record)
    except PoolStartError as exc:  # never a silent exit 0 with nothing done
        reporter.close()
        _say(books.summary(time.monotonic() - began, links["links"], seen["duplicates"]))
        print(f"vnplan: error: {describe(exc)}", file=sys.stderr)
        return 1
    except VnplanError as exc:
        reporter.close()
        return _error(exc)
    except KeyboardInterrupt:
        reporter.close()
        _say(books.summary(time.monotonic() - began, links["links"], seen["duplicates"]))
        raise
    reporter.close()
    _say(books.summary(time.monotonic() - began, links["links"], seen["duplicates"]))
    if not sum(books.counts.values()):
        print("vnplan batch: no supported files found", file=sys.stderr)
    return 1 if books.counts["failed"] else 0


def importlib_missing(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(name) is None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "batch",
        help="extract many files in parallel, resumably, to a folder of JSON",
        description="Extract every input to DIR/<relative path>.json, in parallel and resumably.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="PATH", help="a folder, a file, a quoted glob, or @LIST")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: all cores, or the Ray cluster's)"
    )
    p.add_argument(
        "--timeout", type=float, metavar="S", help="time limit per document in seconds (default: 300)"
    )
    p.add_argument("--force", action="store_true", help="extract again even when an output is up to date")
    p.add_argument(
        "--engine", choices=("local", "ray"), default="local", help="local process pool (default) or Ray"
    )
    p.add_argument(
        "--address", metavar="HOST:PORT", help="Ray cluster to join (default: a local Ray instance)"
    )
    p.add_argument(
        "--progress",
        choices=("auto", "bar", "plain", "off"),
        default="auto",
        help="bar on a terminal, a line every 30 s otherwise (auto, the default), or none",
    )
    p.set_defaults(func=cmd_batch)
