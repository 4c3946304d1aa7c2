"""`vnplan export`: load a folder of extracted JSON into SQLite, PostgreSQL, Parquet or JSON Lines.

Documents are streamed from the folder and written in small groups, so memory does not grow with the
archive. Databases get each document replaced whole (its old rows deleted and the new ones inserted in
one transaction), keyed by the content hash: exporting the same outputs again changes nothing. Parquet
and JSON Lines targets are files rewritten as a whole snapshot of the folder, each replaced atomically.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from extractor.base.errors import VnplanError, printable
from extractor.commands.export_tables import CHILD_TABLES, TABLES, documents, flatten
from extractor.commands.plan_key import PlanFacts, plan_keys

DEFAULT_URL = "sqlite:///plans.db"
URL_VARIABLE = "VNPLAN_DATABASE_URL"
GROUP_SIZE = 100  # documents per transaction / write

EPILOG = f"""\
targets (--to):
  sqlite:///FILE          an SQLite database file (the default: {DEFAULT_URL})
  postgresql://USER:PASSWORD@HOST:PORT/DB
                          a PostgreSQL database (another SQLAlchemy URL works once its driver is installed)
  parquet:DIR or DIR/     one Parquet file per table in DIR
  jsonl:DIR               one JSON Lines file per table in DIR
Without --to, the URL is taken from ${URL_VARIABLE}, else the default. Passwords are never printed.

tables: documents (key id, the content hash id; plan_key: one value for the formats of one plan;
quality_* columns), sections, citations, tasks, units (key document_id and the item's id; units by
canonical name), task_units (the lead and coordinating units of each task). Lists are arrays or jsonb in
PostgreSQL, list columns in Parquet, JSON text in SQLite (query them with json_each).

A database made by an older vnplan is upgraded in place first (versioned DDL, recorded in the table
vnplan_schema); its old rows keep their values, with nulls in the new columns until exported again.

Exporting again is idempotent: databases replace each document's rows in one transaction; Parquet and
JSON Lines files are rewritten from the folder. Files under OUT_DIR that are not vnplan documents
(errors.jsonl, other JSON) are skipped; a document that does not validate is reported and makes the exit
status 1."""


class Sink(Protocol):
    shown: str

    def write(self, group: list[dict[str, list[dict[str, Any]]]]) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


def _one_line(exc: BaseException, secret: str | None) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if secret:
        text = text.replace(secret, "***")
    return f"{type(orig).__name__}: {text}"


class DatabaseSink:
    """Any SQLAlchemy database; the tables are created when missing, and brought to the current layout
    (export_migrations) when they were made by an older vnplan."""

    upgraded: list[int]

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, SQLAlchemyError

        try:
            parsed = make_url(url)
        except ArgumentError:
            raise VnplanError("not a database URL", stage="export") from None
        if parsed.drivername == "postgresql" and _has("psycopg") and not _has("psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.shown = parsed.render_as_string(hide_password=True)
        self.secret = parsed.password if isinstance(parsed.password, str) else None
        try:
            # JSON columns (SQLite's lists, PostgreSQL's jsonb) keep Vietnamese text readable, not \u-escaped.
            self.engine = create_engine(parsed, json_serializer=_json_text)
            if parsed.get_backend_name() == "sqlite":
                event.listen(self.engine, "connect", _sqlite_foreign_keys)
            from extractor.commands.export_migrations import upgrade

            self.upgraded = upgrade(self.engine)
        except (SQLAlchemyError, ImportError, RuntimeError) as exc:
            raise VnplanError(f"cannot open {self.shown}: {_one_line(exc, self.secret)}", stage="export") from None

    def write(self, group: list[dict[str, list[dict[str, Any]]]]) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        ids = [rows["documents"][0]["id"] for rows in group]
        try:
            with self.engine.begin() as conn:  # one transaction: each document is replaced whole or not at all
                for table in CHILD_TABLES:
                    conn.execute(table.delete().where(table.c.document_id.in_(ids)))
                conn.execute(documents.delete().where(documents.c.id.in_(ids)))
                for table in TABLES:
                    batch = [row for rows in group for row in rows[table.name]]
                    if batch:
                        conn.execute(table.insert(), batch)
        except SQLAlchemyError as exc:
            raise VnplanError(f"writing to {self.shown}: {_one_line(exc, self.secret)}", stage="export") from None

    def close(self) -> None:
        self.engine.dispose()

    def abort(self) -> None:
        self.engine.dispose()


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _has(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


class _FileSink:
    """One file per table in a folder, written to temporary names and renamed into place on success."""

    suffix = ""

    def __init__(self, folder: Path, shown: str) -> None:
        self.folder = folder
        self.shown = shown
        if folder.exists() and not folder.is_dir():
            raise VnplanError(f"{printable(folder)} is not a folder", stage="export")
        folder.mkdir(parents=True, exist_ok=True)

    def final(self, table: str) -> Path:
        return self.folder / f"{table}{self.suffix}"

    def temporary(self, table: str) -> Path:
        return self.folder / f".{table}{self.suffix}.{os.getpid()}.tmp"

    def abort(self) -> None:
        for table in TABLES:
            self.temporary(table.name).unlink(missing_ok=True)


class ParquetSink(_FileSink):
    suffix = ".parquet"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, f"parquet:{folder}")
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.pq = pa, pq
        self.schemas = {table.name: pa.schema([_arrow_field(pa, c) for c in table.columns]) for table in TABLES}
        self.writers = {
            name: pq.ParquetWriter(self.temporary(name), schema) for name, schema in self.schemas.items()
        }

    def write(self, group: list[dict[str, list[dict[str, Any]]]]) -> None:
        for name, writer in self.writers.items():
            batch = [row for rows in group for row in rows[name]]
            if batch:
                writer.write_table(self.pa.Table.from_pylist(batch, schema=self.schemas[name]))

    def close(self) -> None:
        for name, writer in self.writers.items():
            writer.close()
            os.replace(self.temporary(name), self.final(name))

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.close()
        super().abort()


def arrow_type(pa: Any, name: str) -> Any:
    """The Parquet type named in a column's info["arrow"] (export_tables)."""
    int32, string = pa.int32(), pa.string()
    types = {
        "list<int32>": pa.list_(int32),
        "list<string>": pa.list_(string),
        "map<string,int32>": pa.map_(string, int32),
        "mentions": pa.list_(pa.struct([("text", string), ("start", int32), ("end", int32)])),
        "warnings": pa.list_(
            pa.struct([("code", string), ("message", string), ("start", int32), ("end", int32)])
        ),
    }
    return types[name]


def _arrow_field(pa: Any, column: Any) -> Any:
    from sqlalchemy import Boolean, Float, Integer

    if "arrow" in column.info:
        kind = arrow_type(pa, column.info["arrow"])
    elif isinstance(column.type, Boolean):
        kind = pa.bool_()
    elif isinstance(column.type, Integer):
        kind = pa.int64()
    elif isinstance(column.type, Float):
        kind = pa.float64()
    else:
        kind = pa.string()
    return pa.field(column.name, kind, nullable=bool(column.nullable))


class JsonlSink(_FileSink):
    suffix = ".jsonl"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, f"jsonl:{folder}")
        self.handles = {t.name: self.temporary(t.name).open("w", encoding="utf-8") for t in TABLES}

    def write(self, group: list[dict[str, list[dict[str, Any]]]]) -> None:
        for name, handle in self.handles.items():
            for rows in group:
                for row in rows[name]:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    def close(self) -> None:
        for name, handle in self.handles.items():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(self.temporary(name), self.final(name))

    def abort(self) -> None:
        for handle in self.handles.values():
            handle.close()
        super().abort()


def open_target(target: str | None) -> Sink:
    """The sink for a --to value (see EPILOG), or for $VNPLAN_DATABASE_URL, or the SQLite default."""
    if target is None:
        target = os.environ.get(URL_VARIABLE) or DEFAULT_URL
    if target.startswith("parquet:"):
        return ParquetSink(Path(target.removeprefix("parquet:")))
    if target.startswith("jsonl:"):
        return JsonlSink(Path(target.removeprefix("jsonl:")))
    if "://" in target:
        return DatabaseSink(target)
    if target.endswith(("/", os.sep)):
        return ParquetSink(Path(target))
    raise VnplanError(
        "unknown target (use sqlite:///FILE, postgresql://..., parquet:DIR or DIR/, jsonl:DIR)", stage="export"
    )


def document_files(folder: Path) -> Iterator[Path]:
    """JSON files below `folder`, in a stable order, without following symbolic links."""
    for root, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(root, d)))
        for filename in sorted(filenames):
            full = os.path.join(root, filename)
            if filename.endswith(".json") and not filename.startswith(".") and not os.path.islink(full):
                yield Path(full)


def load_document(path: Path):  # noqa: ANN201 - a models.PlanDocument, or None for a file that is not one
    """The document in `path`; None when the file is not a vnplan document; VnplanError when it is broken."""
    from pydantic import ValidationError

    from models import PlanDocument
    from models.document import SCHEMA_VERSION

    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise VnplanError(f"not readable JSON ({exc})", stage="export") from None
    if not isinstance(data, dict) or "schema_version" not in data or "source" not in data:
        return None
    if data["schema_version"] != SCHEMA_VERSION:
        shown = printable(data["schema_version"])
        raise VnplanError(
            f"schema version {shown} (this vnplan reads {SCHEMA_VERSION}: extract it again with vnplan batch)",
            stage="export",
        )
    try:
        return PlanDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise VnplanError(f"invalid document: {where}: {first['msg']}", stage="export") from None


def _scan(folder: Path, counts: Counter[str]) -> tuple[dict[str, Path], list[PlanFacts]]:
    """First pass: the valid documents (id -> path, the first path of a content) and their plan facts."""
    paths: dict[str, Path] = {}
    facts: list[PlanFacts] = []
    for path in document_files(folder):
        try:
            doc = load_document(path)
        except VnplanError as exc:
            print(f"vnplan: error: {printable(path)}: {exc.cause}", file=sys.stderr)
            counts["invalid"] += 1
            continue
        if doc is None:
            counts["not documents"] += 1
            continue
        if doc.id in paths:  # the same content under two names: one row, the first path
            counts["duplicates"] += 1
            continue
        paths[doc.id] = path
        facts.append(PlanFacts.of(doc))
    return paths, facts


def export(folder: Path, sink: Sink) -> Counter[str]:
    """Stream every document under `folder` into `sink`; the counts of what happened.

    Two passes: the first validates every file and computes the plan keys (which fold the formats of one
    plan, so they need all documents), the second writes the rows in groups.
    """
    counts: Counter[str] = Counter()
    group: list[dict[str, list[dict[str, Any]]]] = []
    try:
        paths, facts = _scan(folder, counts)
        keys = plan_keys(facts, lambda doc_id: _load(paths[doc_id]).text)
        for doc_id, path in paths.items():
            rows = flatten(_load(path), keys[doc_id])
            for name, table_rows in rows.items():
                counts[name] += len(table_rows)
            group.append(rows)
            if len(group) >= GROUP_SIZE:
                sink.write(group)
                group = []
        if group:
            sink.write(group)
        sink.close()
    except BaseException:
        sink.abort()
        raise
    counts["plans"] = len(set(keys.values()))
    return counts


def _load(path: Path):  # noqa: ANN202 - a models.PlanDocument
    doc = load_document(path)
    if doc is None:  # it was a document in the first pass: the folder changed under us
        raise VnplanError(f"{printable(path)} changed during the export", stage="export")
    return doc


def cmd_export(args: argparse.Namespace) -> int:
    from models.document import SCHEMA_VERSION

    folder = Path(args.out_dir)
    if not folder.is_dir():
        print(f"vnplan: error: {printable(folder)}: not a folder", file=sys.stderr)
        return 2
    try:
        sink = open_target(args.to)
        counts = export(folder, sink)
    except VnplanError as exc:
        print(f"vnplan: error: {exc.cause}", file=sys.stderr)
        return 2
    upgraded = getattr(sink, "upgraded", [])
    if upgraded:
        print(f"vnplan export: upgraded the tables of {sink.shown} to layout {upgraded[-1]} (schema {SCHEMA_VERSION})")
    tables = ", ".join(f"{counts[t.name]} {t.name}" for t in TABLES[1:])
    print(f"vnplan export: {counts['documents']} documents of {counts['plans']} plans to {sink.shown} ({tables})")
    skipped = [f"{counts[k]} {k}" for k in ("duplicates", "not documents", "invalid") if counts[k]]
    if skipped:
        print("  skipped: " + ", ".join(skipped))
    return 1 if counts["invalid"] else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="load extracted JSON into SQLite, PostgreSQL, Parquet or JSON Lines",
        description="Load every document under OUT_DIR (as written by `vnplan batch`) into tables.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder of extracted JSON documents")
    p.add_argument("--to", metavar="TARGET", help=f"where to write (default: ${URL_VARIABLE}, else {DEFAULT_URL})")
    p.set_defaults(func=cmd_export)


__all__ = ["export", "open_target", "register"]
