"""The `vnplan` command line. Subcommands live in their own modules and register themselves here."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from extractor import __version__
from extractor.base.errors import VnplanError, fail, printable

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


def cmd_extract(args: argparse.Namespace) -> int:
    from extractor.base.limits import apply_memory_limit
    from extractor.base.output import document_json, output_path, write_atomic
    from extractor.pipeline import extract

    apply_memory_limit()
    seen_outputs: dict[Path, str] = {}

    if args.output is None and len(args.files) > 1:
        print("vnplan: error: several files need -o DIR", file=sys.stderr)
        return 2
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            doc = extract(path)
            if args.output is None:
                sys.stdout.write(document_json(doc))
            else:
                target = output_path(Path(args.output), path.name)
                if target in seen_outputs:  # plan.pdf from two folders: never overwrite an earlier output
                    raise VnplanError(f"output {target.name} is already written for {seen_outputs[target]}; "
                                      "use `vnplan batch` to mirror folders")
                seen_outputs[target] = name
                write_atomic(target, document_json(doc))
        except VnplanError as exc:
            fail(name, exc.cause)
            status = 2
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # an unexpected bug must still not print a traceback at the user
            fail(name, f"internal error in extraction ({type(exc).__name__}: {exc})")
            status = 2
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from models import PlanDocument

    print(json.dumps(PlanDocument.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that subcommand's module is imported (None imports all, for help)."""
    parser = argparse.ArgumentParser(
        prog="vnplan", description="Turn Vietnamese government plans into structured JSON."
    )
    parser.add_argument("--version", action="version", version=f"vnplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("extract", help="extract one or more files to JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", metavar="DIR", help="write DIR/<file name>.json for each input")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("schema", help="print the JSON Schema of the output")
    p.set_defaults(func=cmd_schema)

    for name, (module_name, summary) in COMMAND_MODULES.items():
        if command is None or command == name:
            importlib.import_module(module_name).register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    command = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(command if command in COMMAND_MODULES or command in ("extract", "schema") else None)
    args = parser.parse_args(words)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("vnplan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except VnplanError as exc:
        print(f"vnplan: error: {printable(exc.cause)}", file=sys.stderr)
        return 2
    except OSError as exc:  # an output folder that cannot be written, a missing registry file, ...
        where = f"{printable(exc.filename)}: " if exc.filename else ""
        print(f"vnplan: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug must still reach the user as one line, not a traceback
        print(f"vnplan: error: internal error ({type(exc).__name__}: {printable(exc)})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
