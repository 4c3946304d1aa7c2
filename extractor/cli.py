"""The `vnplan` command line. Subcommands live in their own modules and register themselves here."""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import json
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from extractor import __version__
from extractor.base.errors import VnplanError, describe, fail, os_cause, printable
from extractor.base.output import StdoutError, write_stdout

if TYPE_CHECKING:
    from models import PlanDocument

# Temporary folders of killed runs that the next run removes (see base/tempdirs.py).
STALE_TEMP_PREFIXES = ("vnplan-ocr-", "vnplan-img-", "vnplan-office-", "vnplan-mp-", "vnplan-tmp-", "pymp-")

# Objects allocated (less those freed) between collections of the youngest generation in `vnplan extract`.
YOUNG_GC_THRESHOLD = 10_000

# Subcommands that live in their own module with `register(subparsers)`. Only the module of the command
# being run is imported, so `vnplan extract` does not pay for scipy, SQLAlchemy or Ray.
COMMAND_MODULES = {
    "eval": ("extractor.commands.evaluate", "score extraction against gold annotations"),
    "bench": ("extractor.commands.bench", "measure speed and memory on this machine"),
    "audit": ("extractor.commands.audit", "check the citations of documents or extracted JSON"),
    "show": ("extractor.commands.show", "write an HTML page of a document with its extractions highlighted"),
    "batch": ("extractor.commands.batch", "extract many files in parallel, resumably"),
    "export": ("extractor.commands.export", "load extracted JSON into SQLite, PostgreSQL, Parquet or JSON Lines"),
    "compare": ("extractor.commands.compare", "compare extracted plans across provinces, years and issuers"),
}


def _cause(exc: OSError, name: str) -> str:
    """An operating-system error while extracting `name`, naming the other file when it is another."""
    cause = os_cause(exc)
    if exc.filename is not None and os.fsdecode(exc.filename) != name:
        return f"{printable(os.fsdecode(exc.filename))}: {cause}"
    return cause


STDIN = "-"
OUTPUT_FORMATS = ("json", "jsonl", "md")


@dataclass(frozen=True, slots=True)
class ExtractInput:
    """One document to extract: `name` is how it is shown and recorded, `path` None for standard input,
    `output` its name below -o DIR (without .json/.md)."""

    name: str
    path: Path | None
    output: str


def _usage(message: str) -> int:
    print(f"vnplan: error: {message}", file=sys.stderr)
    return 2


def resolve_inputs(arguments: list[str]) -> tuple[list[ExtractInput], list[str]]:
    """The documents the arguments name (a folder gives its supported files, recursively, links not
    followed), and a one-line problem for each argument that cannot be used: all found before any work."""
    from extractor.readers import format_of

    inputs: list[ExtractInput] = []
    singles: list[int] = []  # the inputs named one by one (not found in a folder)
    problems: list[str] = []
    for argument in arguments:
        if argument == STDIN:
            inputs.append(ExtractInput(STDIN, None, "stdin"))
            continue
        path = Path(argument)
        if path.is_dir():
            from extractor.commands.batch import folder_files

            found = [ExtractInput(str(file), file, relative) for file, relative in folder_files(path)]
            if not found:
                problems.append(f"{printable(argument)}: no supported files in the folder")
            inputs += found
        elif not os.path.lexists(path):
            problems.append(f"{printable(argument)}: no such file or folder")
        else:
            try:
                format_of(path)
            except VnplanError as exc:
                problems.append(f"{printable(argument)}: {describe(exc)}")
                continue
            singles.append(len(inputs))
            inputs.append(ExtractInput(argument, path, path.name))
    if sum(item.path is None for item in inputs) > 1:
        problems.append("standard input (-) can be read only once")
    return _mirror_same_names(inputs, singles), problems


def _mirror_same_names(inputs: list[ExtractInput], singles: list[int]) -> list[ExtractInput]:
    """Files named one by one that share a file name (A/plan.docx, B/plan.docx) take their path below
    their common folder (A/plan.docx.json, B/plan.docx.json), the way `vnplan batch` mirrors the paths of
    a pattern or a list; every other input keeps its name. A file named twice still clashes (refused)."""
    by_name: dict[str, list[int]] = {}
    for index in singles:
        by_name.setdefault(inputs[index].output, []).append(index)
    named = list(inputs)
    for indices in by_name.values():
        paths = {index: Path(os.path.abspath(str(inputs[index].path))) for index in indices}
        if len(set(paths.values())) < 2:
            continue
        try:
            base = Path(os.path.commonpath([str(path.parent) for path in paths.values()]))
        except ValueError:  # on different drives: no common folder, the clash is refused as before
            continue
        from extractor.commands.batch import mirrored_name  # imported only when names clash

        for index, path in paths.items():
            named[index] = replace(inputs[index], output=mirrored_name(path, base))
    return named


def _read_stdin(limit: int) -> bytes:
    stream = sys.stdin.buffer if sys.stdin is not None else None
    data = stream.read(limit + 1) if stream is not None else b""
    if not data:
        raise VnplanError("standard input is empty")
    return data


def cmd_extract(args: argparse.Namespace) -> int:
    # The imports, and then each PDF page's characters and runs, make tens of thousands of objects that
    # live a moment: collected every 700 new objects (the default), the same young objects are walked
    # again and again (0.12-0.25 s of a 2.5 s run over 63 PDF pages); every 10,000, most have died first
    # (0.04-0.08 s).
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])
    from extractor.base.limits import DEFAULT_LIMITS, apply_memory_limit
    from extractor.base.output import BackgroundWriter, document_json, open_root, output_path
    from extractor.pipeline import FORMAT_SUFFIXES, extract, extract_bytes

    # What the imports built (modules, models, compiled patterns) lives as long as the process: frozen, the
    # garbage collector no longer walks it on every collection of the documents' short-lived objects.
    gc.freeze()
    several = len(args.files) > 1 or any(os.path.isdir(name) for name in args.files if name != STDIN)
    to = args.to or ("jsonl" if several and args.output is None else "json")
    if args.format is not None and STDIN not in args.files:
        return _usage("--format is for standard input (-); a file's format comes from its suffix")
    if args.format is not None and args.format.lower().lstrip(".") not in FORMAT_SUFFIXES:
        return _usage(f"unknown format '{printable(args.format)}' (known: {', '.join(sorted(FORMAT_SUFFIXES))})")
    if to == "jsonl" and args.output is not None:
        return _usage("--to jsonl prints to stdout; with -o DIR use --to json or md")
    if to == "json" and several and args.output is None:
        return _usage("several documents print as JSON Lines (--to jsonl, the default) or go to -o DIR")
    inputs, problems = resolve_inputs(args.files)
    if problems:
        for problem in problems:
            print(f"vnplan: error: {problem}", file=sys.stderr)
        return 2
    out_dir = Path(args.output) if args.output is not None else None
    if out_dir is not None:
        os.close(open_root(out_dir))  # a file, /proc or a read-only folder: one line, before any work
    elif sys.stdout is None:
        raise StdoutError(OSError(errno.EBADF, "stdout is closed"))
    apply_memory_limit()

    def render(doc: PlanDocument) -> str:
        if to == "md":
            from extractor.commands.markdown import to_markdown

            return to_markdown(doc)
        return doc.model_dump_json() + "\n" if to == "jsonl" else document_json(doc)

    seen_outputs: dict[Path, str] = {}
    status = 0
    writer = BackgroundWriter() if out_dir is not None else None
    try:
        for item in inputs:
            name = item.name
            try:
                if item.path is None:
                    doc = extract_bytes(_read_stdin(DEFAULT_LIMITS.file_bytes), args.format, name=STDIN)
                else:
                    doc = extract(item.path)
                if out_dir is None or writer is None:
                    write_stdout(render(doc))
                    continue
                target = output_path(out_dir, item.output)
                if to == "md":
                    target = target.with_name(target.name.removesuffix(".json") + ".md")
                if target in seen_outputs:  # plan.pdf from two folders: never overwrite an earlier output
                    raise VnplanError(f"output {target.name} is already written for {seen_outputs[target]}; "
                                      "use `vnplan batch` to mirror folders")
                seen_outputs[target] = name
                for failed, error in writer.submit(name, out_dir, target.relative_to(out_dir.resolve()), render(doc)):
                    status = _report_failure(failed, error)
            except (KeyboardInterrupt, StdoutError):
                raise
            except Exception as exc:  # noqa: BLE001 - every other failure is this document's, reported
                status = _report_failure(name, exc)
    finally:
        if writer is not None:
            for failed, error in writer.finish():  # (an interrupt still lets the finished documents land)
                status = _report_failure(failed, error)
    return status


def _report_failure(name: str, exc: BaseException) -> int:
    """One line on stderr naming the document and the cause of its failure; the exit status (2) to return.
    Interrupts and stdout failures are not a document's: they are raised again."""
    if isinstance(exc, StdoutError) or not isinstance(exc, Exception):
        raise exc
    if isinstance(exc, VnplanError):
        fail(name, describe(exc))
    elif isinstance(exc, MemoryError):
        fail(name, "out of memory")
    elif isinstance(exc, OSError):  # an unreadable input (permission denied), a temporary folder, ...
        fail(name, _cause(exc, name))
    else:  # an unexpected bug must still not print a traceback at the user
        fail(name, f"internal error in extraction ({type(exc).__name__}: {printable(exc)})")
    return 2


def cmd_schema(args: argparse.Namespace) -> int:
    from models import PlanDocument

    schema = PlanDocument.model_json_schema()
    head = {key: schema.pop(key) for key in ("$schema", "$id")}  # first, where readers and tools look
    print(json.dumps({**head, **schema}, ensure_ascii=False, indent=2))
    return 0


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that subcommand's module is imported (None imports all, for help)."""
    parser = argparse.ArgumentParser(
        prog="vnplan", description="Turn Vietnamese government plans into structured JSON."
    )
    parser.add_argument("--version", action="version", version=f"vnplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "extract",
        help="extract files, folders or standard input to JSON, JSON Lines or Markdown",
        description="Extract each input: one document prints as JSON, several (or a folder) as JSON Lines, "
        "one document a line; -o DIR writes DIR/<name>.json instead.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a file, a folder (its supported files, recursively) "
                   "or - for standard input")
    p.add_argument("-o", "--output", metavar="DIR", help="write DIR/<file name>.json (.md) for each input; a "
                   "folder's files keep their path inside it, files of one name their path below their common "
                   "folder")
    p.add_argument("--to", choices=OUTPUT_FORMATS, help="json (one document, the default), jsonl (several: one "
                   "document a line, the default for several), md (metadata, sections, tasks, citations)")
    p.add_argument("--format", metavar="FORMAT", help="the format of standard input: txt, html, docx, pdf, doc, "
                   "rtf, odt, png, jpg, tiff, ... (default: guessed from its leading bytes)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("schema", help="print the JSON Schema of the output")
    p.set_defaults(func=cmd_schema)

    for name, (module_name, summary) in COMMAND_MODULES.items():
        if command is None or command == name:
            importlib.import_module(module_name).register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def _open_standard_streams() -> None:
    """A closed stdin, stdout or stderr gets /dev/null, so that no file vnplan opens later lands on
    descriptor 1 and receives what a helper program prints (sys.stdout stays None: see write_stdout)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


def _silence_stdout() -> None:
    """After stdout failed: send what is left in its buffer to /dev/null, so that Python's own flush at
    exit does not print "Exception ignored ..." on stderr."""
    if sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def stdout_is_broken_pipe() -> bool:
    """Is stdout a pipe whose reader has gone? (poll reports POLLERR; a write would fail with EPIPE)."""
    import select

    if sys.stdout is None:
        return False
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError, AttributeError):
        return False
    if any(event & select.POLLERR for _, event in events):
        return True
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return True
    except (OSError, ValueError):
        return False
    return False


def _stdout_error() -> OSError | None:
    """The error of writing what is left in stdout's buffer, if it fails (None: stdout works)."""
    if sys.stdout is None:
        return None
    try:
        sys.stdout.flush()
    except OSError as exc:
        return exc
    except ValueError:
        return None
    return None


def _stdout_failed(exc: OSError) -> int:
    _silence_stdout()
    if exc.errno == errno.EPIPE:
        return 0  # the reader of our output went away (`| head`): not an error of ours
    print(f"vnplan: error: stdout: {os_cause(exc)}", file=sys.stderr)
    return 2


def _prepare(command: str | None) -> None:
    """Before any work: settings validated, signals handled, temporary folders of killed runs removed."""
    from extractor.base.limits import check_environment
    from extractor.base.tempdirs import install_cleanup, sweep_stale

    check_environment()
    install_cleanup()
    if command in ("extract", "batch", "eval", "show", "audit", "bench"):
        sweep_stale(STALE_TEMP_PREFIXES)


def main(argv: list[str] | None = None) -> int:
    # vnplan uses no pydantic plugins: without this (pydantic's documented switch, set before pydantic is
    # imported; a value set by the user wins) pydantic scans every installed package's entry points.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _open_standard_streams()
    words = sys.argv[1:] if argv is None else argv
    command = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(command if command in COMMAND_MODULES or command in ("extract", "schema") else None)
    args = parser.parse_args(words)
    try:
        _prepare(args.command)
        status = int(args.func(args) or 0)
        if sys.stdout is not None:
            try:
                sys.stdout.flush()
            except OSError as exc:
                return _stdout_failed(exc) or status
        return status
    except KeyboardInterrupt:
        print("vnplan: interrupted", file=sys.stderr)
        return 130
    except StdoutError as exc:
        return _stdout_failed(exc.error)
    except BrokenPipeError as exc:
        if stdout_is_broken_pipe():  # our reader went away: exit quietly, as `| head` expects
            _silence_stdout()
            return 0
        where = f"{printable(exc.filename)}: " if exc.filename else ""
        print(f"vnplan: error: {where}broken pipe (a helper process or worker went away)", file=sys.stderr)
        return 2
    except VnplanError as exc:
        print(f"vnplan: error: {describe(exc)}", file=sys.stderr)
        return 2
    except MemoryError:
        print("vnplan: error: out of memory", file=sys.stderr)
        return 2
    except OSError as exc:  # an output folder that cannot be written, a missing registry file, ...
        if exc.filename is None and (failed := _stdout_error()) is not None:
            return _stdout_failed(failed)  # a print() of the command into a full or closed stdout
        where = f"{printable(os.fsdecode(exc.filename))}: " if exc.filename else ""
        print(f"vnplan: error: {where}{os_cause(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug must still reach the user as one line, not a traceback
        print(f"vnplan: error: internal error ({type(exc).__name__}: {printable(exc)})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
