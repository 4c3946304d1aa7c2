"""`vnplan eval`: extract each input and score it against its gold annotation.

`vnplan eval --gold GOLD_DIR [--gold DIR2] INPUT...` scores `INPUT` (a file, or a folder searched
recursively) against `GOLD_DIR/<stem>.gold.json`, `<stem>` being the file name without its extension.
Scores are micro-averaged (TP/FP/FN summed over documents) per source folder (each file's own folder,
as reached from the INPUT: `corpus`, `corpus/scan`), per input format and overall. The rules are
docs/GUIDELINES.md "How the output is scored"; the scoring itself is `extractor.commands.scoring`.

A corpus with a `MANIFEST.tsv` (columns `file`, `genre`, `split`, ...; found in the file's folder or
one above it, or given with `--manifest`) is scored per split as well. The `check` split is sealed:
its documents count in `overall` and `split:check` only, never in the source, format or genre groups,
and their per-document scores and errors are never printed (`--detail`, `--json`), so nobody tunes on
them. `--split tune` scores the tune split alone; `--log-check FILE --issue N` appends the check
figures to the check log (`corpus/wild/CHECK_LOG.tsv`), one line per resolved issue.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.base.errors import VnplanError, printable
from extractor.commands import scoring

GOLD_SUFFIX = ".gold.json"


@dataclass
class DocumentResult:
    path: str
    gold: str
    source: str
    format: str
    error: str | None
    scores: dict[str, scoring.FamilyScore]
    split: str | None = None
    genre: str | None = None

    @property
    def sealed(self) -> bool:
        """A document of the check split: scored in aggregate only."""
        return self.split == CHECK


CHECK = "check"
MANIFEST_NAME = "MANIFEST.tsv"
Manifest = dict[str, dict[str, str]]
"""Manifest rows by file name."""


def read_manifest(path: Path) -> Manifest:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise VnplanError(f"cannot read manifest {printable(path)}: {exc}") from None
    if rows and not {"file", "split"} <= set(rows[0]):
        raise VnplanError(f"manifest {printable(path)} has no 'file' and 'split' columns")
    return {row["file"]: row for row in rows}


def manifest_row(path: Path, given: Manifest | None, cache: dict[Path, Manifest]) -> dict[str, str] | None:
    """The manifest row of an input: from `--manifest`, else the MANIFEST.tsv of its folder or the one above."""
    if given is not None:
        return given.get(path.name)
    for folder in (path.parent, path.parent.parent):
        candidate = folder / MANIFEST_NAME
        if candidate.is_file():
            if candidate not in cache:
                cache[candidate] = read_manifest(candidate)
            row = cache[candidate].get(str(path.relative_to(folder))) or cache[candidate].get(path.name)
            if row is not None:
                return row
    return None


# --- inputs and gold ----------------------------------------------------------------------------


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(root).parts)


def _source_of(path: Path) -> str:
    """A file's source group: its folder as reached from the INPUT ('corpus', 'corpus/scan')."""
    return os.path.normpath(str(path.parent))


def collect_inputs(names: list[str]) -> tuple[list[tuple[Path, str]], list[str]]:
    """(file, source label) for every input file, folders searched recursively; and missing inputs."""
    found: list[tuple[Path, str]] = []
    missing: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            files = (file for file in sorted(path.rglob("*")) if file.is_file() and _visible(file, path))
            found.extend((file, _source_of(file)) for file in files)
        elif path.is_file():
            found.append((path, _source_of(path)))
        else:
            missing.append(name)
    return found, missing


def gold_path_for(path: Path, gold_dirs: list[Path]) -> Path | None:
    """`<stem>.gold.json` in the first gold folder that has it."""
    for folder in gold_dirs:
        candidate = folder / f"{path.stem}{GOLD_SUFFIX}"
        if candidate.is_file():
            return candidate
    return None


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VnplanError(f"cannot read gold file {printable(path)}: {exc}") from None
    if not isinstance(gold, dict):
        raise VnplanError(f"gold file {printable(path)} is not a JSON object")
    return gold


def _format_of(path: Path) -> str:
    from extractor.readers import READERS

    known = READERS.get(path.suffix.lower())
    return known[1] if known else (path.suffix.lower().lstrip(".") or "none")


def evaluate_file(path: Path, gold_path: Path, source: str) -> DocumentResult:
    """Extract and score one input. A failed extraction scores as an empty output (everything missed)
    and carries its error, so failures lower the scores instead of hiding from them."""
    from extractor.pipeline import extract

    gold = load_gold(gold_path)
    output: dict[str, Any] = {}
    fmt = _format_of(path)
    error = None
    try:
        doc = extract(path)
        output = doc.model_dump(mode="json")
        fmt = doc.source.format
    except VnplanError as exc:
        error = exc.cause
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # one input's bug must not stop the run
        error = f"internal error in extraction ({type(exc).__name__}: {exc})"
    return DocumentResult(str(path), str(gold_path), source, fmt, error, scoring.score_document(gold, output))


# --- the report ---------------------------------------------------------------------------------


def _group_dict(results: list[DocumentResult]) -> dict[str, Any]:
    totals = scoring.sum_scores([r.scores for r in results])
    group: dict[str, Any] = {
        "documents": len(results),
        "errors": sum(1 for r in results if r.error),
    }
    for family in scoring.FAMILIES:
        group[family] = totals[family].counts()
    metadata_all = scoring.Accuracy()
    for acc in totals["metadata"].fields.values():
        metadata_all.add(acc)
    group["metadata"]["all"] = metadata_all.as_dict()
    outcomes_all = scoring.ValueOutcomes()
    for outcomes in totals["metadata"].outcomes.values():
        outcomes_all.add(outcomes)
    group["metadata"]["outcomes"]["all"] = outcomes_all.as_dict()
    return group


def build_report(results: list[DocumentResult], skipped: list[str], errors: list[dict[str, str]]) -> dict[str, Any]:
    """The JSON report: groups (overall, split:*, source:*, format:*, genre:* on tune) and per-document
    counts and details; documents of the check split appear in `overall` and `split:check` only."""
    groups: dict[str, Any] = {"overall": _group_dict(results)}
    for split in sorted({r.split for r in results if r.split}):
        groups[f"split:{split}"] = _group_dict([r for r in results if r.split == split])
    open_results = [r for r in results if not r.sealed]
    for source in dict.fromkeys(r.source for r in open_results):
        groups[f"source:{source}"] = _group_dict([r for r in open_results if r.source == source])
    for fmt in sorted({r.format for r in open_results}):
        groups[f"format:{fmt}"] = _group_dict([r for r in open_results if r.format == fmt])
    for genre in sorted({r.genre for r in open_results if r.genre and r.split}):
        groups[f"genre:{genre}"] = _group_dict([r for r in open_results if r.genre == genre and r.split])
    documents = [
        {
            "path": r.path,
            "gold": r.gold,
            "source": r.source,
            "format": r.format,
            "error": r.error,
            "scores": {family: r.scores[family].counts() for family in scoring.FAMILIES},
            "detail": {family: r.scores[family].detail() for family in scoring.FAMILIES},
            "split": r.split,
            "genre": r.genre,
        }
        for r in open_results
    ]
    return {
        "matching": scoring.MATCHING,
        "groups": groups,
        "documents": documents,
        "sealed_documents": sum(1 for r in results if r.sealed),
        "skipped": skipped,
        "errors": errors,
    }


# --- rendering ----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _prf_cells(counts: dict[str, Any]) -> list[str]:
    return [
        str(counts["gold"]),
        str(counts["output"]),
        _pct(counts["precision"]),
        _pct(counts["recall"]),
        _pct(counts["f1"]),
    ]


def _acc(counts: dict[str, Any], name: str) -> str:
    return _pct(counts["fields"][name]["accuracy"])


PRF_HEAD = ["gold", "out", "P", "R", "F1"]


def summary_tables(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) per family; one row per group; cells are percentages."""
    groups = report["groups"]

    def rows(cells) -> list[list[str]]:  # noqa: ANN001 - a function of one group's counts
        return [[name, str(group["documents"]), *cells(group)] for name, group in groups.items()]

    head = ["group", "docs"]
    return [
        (
            "Sections",
            head + PRF_HEAD + ["level"],
            rows(lambda g: _prf_cells(g["sections"]) + [_acc(g["sections"], "level")]),
        ),
        (
            "Citations",
            head + PRF_HEAD + ["type", "date", "issuer"],
            rows(lambda g: _prf_cells(g["citations"]) + [_acc(g["citations"], n) for n in scoring.CITATION_FIELDS]),
        ),
        (
            "Tasks",
            head + PRF_HEAD + ["quarter", "month", "deadline", "lead F1", "coord F1"],
            rows(
                lambda g: (
                    _prf_cells(g["tasks"])
                    + [_acc(g["tasks"], n) for n in scoring.TASK_TIME_FIELDS]
                    + [_pct(g["tasks"]["units"][n]["f1"]) for n in scoring.TASK_UNIT_FIELDS]
                )
            ),
        ),
        (
            "Metadata (accuracy)",
            head + [scoring.SCORED_METADATA[n] for n in scoring.METADATA_FIELDS] + ["all"],
            rows(
                lambda g: (
                    [_acc(g["metadata"], n) for n in scoring.METADATA_FIELDS] + [_pct(g["metadata"]["all"]["accuracy"])]
                )
            ),
        ),
        (
            "Metadata (wrong non-null values, counts; spurious: a value where the gold has none, within wrong)",
            head + [scoring.SCORED_METADATA[n] for n in scoring.METADATA_FIELDS] + WRONG_TOTALS_HEAD,
            rows(_wrong_cells),
        ),
        ("Recipients", head + PRF_HEAD, rows(lambda g: _prf_cells(g["recipients"]))),
    ]


# The total columns of the wrong-values table: wrong non-null (wrong + spurious), then its spurious part,
# the nulls where the gold has a value, and the right fields.
WRONG_TOTALS_HEAD = ["wrong", "spurious", "missing", "right"]


def _wrong_cells(group: dict[str, Any]) -> list[str]:
    outcomes = group["metadata"]["outcomes"]
    total = outcomes["all"]
    per_field = [str(outcomes[n]["wrong_non_null"]) for n in scoring.METADATA_FIELDS]
    return per_field + [str(total[name]) for name in ("wrong_non_null", "spurious", "missing", "right")]


def _plain_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _intro(report: dict[str, Any]) -> str:
    overall = report["groups"]["overall"]
    matching = "optimal assignment (scipy)" if report["matching"] == "optimal" else "greedy by similarity"
    return (
        f"{overall['documents']} documents scored, {len(report['skipped'])} skipped without gold, "
        f"{len(report['errors'])} errors; one-to-one matching: {matching}; "
        "P/R/F1 micro-averaged, accuracies over matched items, in %"
    )


def render_text(report: dict[str, Any], detail: bool) -> str:
    lines = [f"vnplan eval: {_intro(report)}"]
    for title, header, rows in summary_tables(report):
        lines += ["", title, *_plain_table(header, rows)]
    if detail:
        lines += ["", *render_detail(report)]
    return "\n".join(lines) + "\n"


def render_markdown(report: dict[str, Any]) -> str:
    lines = [f"_{_intro(report)}._"]
    for title, header, rows in summary_tables(report):
        lines += ["", f"**{title}**", ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|")
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _short(value: Any, width: int = 100) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return printable(text if len(text) <= width else text[: width - 1] + "…")


def render_detail(report: dict[str, Any]) -> list[str]:
    """Per document: '-' missed gold items, '+' extra output items, '~' wrong values on matched ones.
    Documents of the check split are not listed (the report holds none of them)."""
    lines: list[str] = []
    if report.get("sealed_documents"):
        lines.append(f"({report['sealed_documents']} documents of the check split: aggregate figures only)")
    for doc in report["documents"]:
        lines.append(f"== {printable(doc['path'])}  (gold {printable(doc['gold'])}, {doc['format']})")
        if doc["error"]:
            lines.append(f"   error: {printable(doc['error'])} (scored as an empty output)")
        for family in scoring.FAMILIES:
            counts, items = doc["scores"][family], doc["detail"][family]
            if "f1" in counts:
                summary = f"{counts['tp']}/{counts['gold']} found, {counts['fp']} extra, F1 {_pct(counts['f1'])}"
            else:
                right = sum(f["correct"] for f in counts["fields"].values())
                wrong = sum(o["wrong_non_null"] for o in counts["outcomes"].values())
                summary = f"{right}/{len(counts['fields'])} fields right, {wrong} wrong non-null"
            lines.append(f"   {family}: {summary}")
            lines += [f"     - {_short(item)}" for item in items["missed"]]
            lines += [f"     + {_short(item)}" for item in items["extra"]]
            lines += [
                f"     ~ {_short(w['item'], 60)} [{w['field']}{', ' + w['kind'] if 'kind' in w else ''}]:"
                f" gold {_short(w['gold'], 60)}"
                f" / output {_short(w['output'], 60)}"
                for w in items["wrong"]
            ]
    return lines


# --- the command --------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    gold_dirs = [Path(name) for name in args.gold]
    for folder in gold_dirs:
        if not folder.is_dir():
            print(f"vnplan: error: {printable(folder)}: gold folder not found", file=sys.stderr)
            return 2
    if args.log_check and not args.issue:
        print("vnplan: error: --log-check needs --issue N (the issue whose resolution is logged)", file=sys.stderr)
        return 2
    try:
        given = read_manifest(Path(args.manifest)) if args.manifest else None
    except VnplanError as exc:
        print(f"vnplan: error: {exc.cause}", file=sys.stderr)
        return 2
    manifests: dict[Path, Manifest] = {}
    files, missing = collect_inputs(args.inputs)
    errors = [{"path": name, "error": "no such file or folder"} for name in missing]
    skipped: list[str] = []
    results: list[DocumentResult] = []
    show_progress = sys.stderr.isatty()  # extraction with OCR can take minutes; say what runs
    for number, (path, source) in enumerate(files, 1):
        if path.name == MANIFEST_NAME:
            continue
        gold_path = gold_path_for(path, gold_dirs)
        if gold_path is None:
            skipped.append(str(path))
            continue
        try:
            row = manifest_row(path, given, manifests)
        except VnplanError as exc:
            errors.append({"path": str(path), "error": exc.cause})
            continue
        split = (row or {}).get("split") or None
        if args.split != "all" and split != args.split:
            continue
        if show_progress:
            shown = "a document of the check split" if split == CHECK else printable(path)
            print(f"\r\033[K[{number}/{len(files)}] {shown}", end="", file=sys.stderr, flush=True)
        try:
            result = evaluate_file(path, gold_path, source)
        except VnplanError as exc:  # an unreadable gold file: the input cannot be scored
            errors.append({"path": str(path), "error": exc.cause})
            continue
        result.split, result.genre = split, (row or {}).get("genre") or None
        if result.error:  # a sealed document's failure is counted, its cause not shown
            errors.append(
                {"path": "a document of the check split", "error": "extraction failed"}
                if result.sealed
                else {"path": result.path, "error": result.error}
            )
        results.append(result)

    if show_progress:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    for name in skipped:
        print(f"vnplan eval: note: no gold file for {printable(name)}; skipped", file=sys.stderr)
    for error in errors:
        print(f"vnplan: error: {printable(error['path'])}: {printable(error['error'])}", file=sys.stderr)
    report = build_report(results, skipped, errors)
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    elif args.markdown:
        sys.stdout.write(render_markdown(report))
    else:
        sys.stdout.write(render_text(report, args.detail))
    if not results:
        print("vnplan eval: error: no input had a gold file", file=sys.stderr)
        return 1
    if args.log_check:
        if f"split:{CHECK}" not in report["groups"]:
            print("vnplan: error: --log-check: no document of the check split was scored", file=sys.stderr)
            return 2
        append_check_log(Path(args.log_check), args.issue, report["groups"])
    return 1 if errors else 0


CHECK_LOG_FIELDS = ("date", "commit", "issue", "split", "documents", "figures")
# The figures a check-log line records: family -> the keys of its counts.
LOGGED = {
    "tasks": ("f1", "precision", "recall"),
    "sections": ("f1",),
    "citations": ("f1",),
    "recipients": ("f1",),
}


def _logged_figures(group: dict[str, Any]) -> dict[str, float | None]:
    figures: dict[str, float | None] = {}
    for family, keys in LOGGED.items():
        figures |= {f"{family}.{key}": group[family][key] for key in keys}
    figures |= {f"tasks.{name}": group["tasks"]["units"][name]["f1"] for name in scoring.TASK_UNIT_FIELDS}
    figures |= {f"tasks.{name}": group["tasks"]["fields"][name]["accuracy"] for name in scoring.TASK_TIME_FIELDS}
    figures |= {f"metadata.{name}": group["metadata"]["fields"][name]["accuracy"] for name in scoring.METADATA_FIELDS}
    figures["metadata.all"] = group["metadata"]["all"]["accuracy"]
    figures["metadata.wrong_non_null"] = group["metadata"]["outcomes"]["all"]["wrong_non_null"]
    return {name: None if value is None else round(value, 4) for name, value in figures.items()}


def _commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def append_check_log(path: Path, issue: str, groups: dict[str, Any]) -> None:
    """One line per split (tune and check side by side), figures as JSON: the check split is scored once
    per resolved issue, and this log is its record."""
    lines = [] if path.exists() else ["\t".join(CHECK_LOG_FIELDS)]
    today = datetime.date.today().isoformat()
    for split in ("tune", CHECK):
        group = groups.get(f"split:{split}")
        if group is not None:  # JSON holds no tab or newline, so the line stays one TSV row, unquoted
            figures = json.dumps(_logged_figures(group), ensure_ascii=False, sort_keys=True)
            fields = (today, _commit(), " ".join(issue.split()), split, str(group["documents"]), figures)
            lines.append("\t".join(fields))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score extraction against gold annotations",
        description=(
            "Extract each INPUT and score it against GOLD_DIR/<stem>.gold.json (docs/GUIDELINES.md, "
            "'How the output is scored'). Exit status 1 when an input failed or none had a gold file."
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (searched recursively)")
    parser.add_argument(
        "--gold",
        action="append",
        required=True,
        metavar="GOLD_DIR",
        help="folder of <stem>.gold.json files; repeat for several (the first that has a stem wins)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--json", action="store_true", help="print the report as JSON (always with the per-document detail)"
    )
    shown.add_argument("--markdown", action="store_true", help="print the summary as Markdown tables")
    parser.add_argument("--detail", action="store_true", help="list per document what was missed, extra or wrong")
    parser.add_argument(
        "--manifest",
        metavar="TSV",
        help="the corpus manifest (file, genre, split, ...); default: MANIFEST.tsv beside each input or one above",
    )
    parser.add_argument(
        "--split",
        choices=("all", "tune", CHECK),
        default="all",
        help="score only the documents of one split (manifest column 'split'); tune while tuning",
    )
    parser.add_argument(
        "--log-check",
        metavar="TSV",
        help="append the tune and check figures to this check log (once per resolved issue); needs --issue",
    )
    parser.add_argument("--issue", metavar="N", help="the issue a --log-check line belongs to")
    parser.set_defaults(func=cmd_eval)


# --- figures for floors and the README ------------------------------------------------------------


def flat_metrics(report: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every P/R/F1 and accuracy of every group as `<prefix><group>/<family>.<metric>` -> value."""
    out: dict[str, float] = {}

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in ("precision", "recall", "f1", "accuracy") and isinstance(value, int | float):
                out[f"{path}.{key}"] = float(value)
            elif isinstance(value, dict):
                walk(value, f"{path}.{key}" if path else key)

    for group, figures in report["groups"].items():
        for family in scoring.FAMILIES:
            walk(figures.get(family, {}), f"{prefix}{group}/{family}")
    return out
