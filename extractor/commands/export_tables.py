"""The relational shape of vnplan's output: tables, keys, and the flattening of one document into rows.

One definition (SQLAlchemy Core) serves every target: the databases create it as is, Parquet and JSON
Lines take their column types from it. Keys: a document by its content-hash id; every child by
(document_id, its id within the document). Offsets are named start_offset / end_offset (END is reserved
in SQL). Lists are native where the target has them: PostgreSQL arrays (integer[], text[]) and jsonb,
Parquet list<int32>, list<string>, list<struct> and map columns; SQLite stores them as JSON text (query
them with json_each). A column's Parquet type is named in its `info["arrow"]` (see export.arrow_type).

The tables of an existing database are brought to this layout by export_migrations (versioned DDL); a
change here needs a migration step there (tests/test_export.py checks a migrated database against a new one).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.types import TypeEngine

from models import PlanDocument, flat_metadata, flat_metadata_fields

# Column types of the metadata fields where Text is not right; indexes where queries group by them.
_METADATA_TYPES: dict[str, Any] = {"issued_date": String(10), "plan_year": Integer}
_METADATA_INDEXED = frozenset({"province", "province_2025", "plan_year"})


def _metadata_column(name: str) -> Column:
    return Column(name, _METADATA_TYPES.get(name, Text), index=name in _METADATA_INDEXED or None)


def _array(item: type[TypeEngine[Any]]) -> TypeEngine[Any]:
    """A list column: a PostgreSQL array, JSON text elsewhere."""
    return JSON(none_as_null=True).with_variant(ARRAY(item), "postgresql")


def _json() -> TypeEngine[Any]:
    """A structured column: jsonb in PostgreSQL, JSON text elsewhere."""
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _list_column(name: str, item: type[TypeEngine[Any]], arrow: str, comment: str) -> Column:
    return Column(name, _array(item), comment=comment, info={"arrow": arrow})


def _json_column(name: str, arrow: str, comment: str) -> Column:
    return Column(name, _json(), comment=comment, info={"arrow": arrow})


metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True, comment="Content hash id of the input (PlanDocument.id)"),
    Column("sha256", String(64), nullable=False, index=True),
    Column("schema_version", String(16), nullable=False),
    Column("pipeline_version", String(32), nullable=False),
    Column("source_path", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("pages", Integer),
    Column("ocr", Boolean, nullable=False),
    Column("encoding", String(32)),
    *(_metadata_column(name) for name in flat_metadata_fields()),
    _list_column("recipients", Text, "list<string>", "The 'Nơi nhận' lines"),
    _json_column("warnings", "warnings", "Array of {code, message, start, end}"),
    Column("text", Text, nullable=False, comment="The text all offsets point into"),
    Column("plan_key", String(64), index=True, comment="One value for the formats of one plan (plan_key.py)"),
    # The quality group (schema 1.1); null for documents of schema 1.0.
    Column("quality_ocr_text_share", Float, comment="Share of the text that came from OCR, 0-1"),
    _list_column("quality_pages_repaired", Integer, "list<int32>", "Pages whose lying text layer was repaired"),
    _list_column("quality_pages_ocr", Integer, "list<int32>", "Pages read by OCR"),
    Column("quality_draft", Boolean, comment="The document is marked as a draft"),
    _json_column("quality_warnings_by_code", "map<string,int32>", "Warning counts by code"),
    Column("quality_needs_review", Boolean, index=True, comment="Something in it calls for a human look"),
)


def _child(name: str, *columns: Column, key: tuple[str, ...] = ("document_id", "id")) -> Table:
    return Table(
        name,
        metadata,
        Column("document_id", String(64), nullable=False),
        *columns,
        PrimaryKeyConstraint(*key),
        ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
    )


sections = _child(
    "sections",
    Column("id", String(64), nullable=False),
    Column("parent", String(64)),
    Column("number", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
)

citations = _child(
    "citations",
    Column("id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("section", String(64)),
    Column("doc_type", Text),
    Column("number", Text),
    Column("year", Integer),
    Column("symbol", Text),
    Column("code", Text),
    Column("date", String(10)),
    Column("issuer", Text),
    Column("issuer_raw", Text),
    Column("subject", Text),
    Column("family", String(16)),
    Column("role", String(16), nullable=False),
    Column("refers_to", String(64)),
)

tasks = _child(
    "tasks",
    Column("id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("section", String(64)),
    Column("origin", String(16), nullable=False),
    Column("q1", Boolean, nullable=False),
    Column("q2", Boolean, nullable=False),
    Column("q3", Boolean, nullable=False),
    Column("q4", Boolean, nullable=False),
    _list_column("quarters", Integer, "list<int32>", "Quarters 1-4"),
    _list_column("months", Integer, "list<int32>", "Months 1-12"),
    _list_column("deadlines", Text, "list<string>", "ISO dates, partial where the text is"),
    Column("period_start", String(10)),
    Column("period_end", String(10)),
    Column("recurring", Text),
    Column("period_text", Text),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
)

task_units = Table(
    "task_units",
    metadata,
    Column("document_id", String(64), nullable=False),
    Column("task_id", String(64), nullable=False),
    Column("role", String(16), nullable=False, comment="'lead' or 'coordinating'"),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False, comment="The unit as written in the task"),
    Column("canonical", Text, comment="units.canonical of the same document, when the name is one of its"),
    PrimaryKeyConstraint("document_id", "task_id", "role", "position"),
    ForeignKeyConstraint(["document_id", "task_id"], ["tasks.document_id", "tasks.id"], ondelete="CASCADE"),
)

units = _child(
    "units",
    Column("canonical", Text, nullable=False),
    Column("key", Text, index=True, comment="Folded matching key, the same across documents (schema 1.1)"),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("mention_count", Integer, nullable=False),
    _json_column("mentions", "mentions", "Array of {start, end, text}"),
    key=("document_id", "canonical"),
)

TABLES: tuple[Table, ...] = (documents, sections, citations, tasks, task_units, units)
CHILD_TABLES: tuple[Table, ...] = (task_units, units, citations, sections, tasks)  # deletion order


def quality_columns(doc: PlanDocument) -> dict[str, Any]:
    """The quality group's columns; all null for a document without a `quality` object (schema 1.0)."""
    quality = getattr(doc, "quality", None)

    def get(name: str, default: Any = None) -> Any:
        return getattr(quality, name, default) if quality is not None else None

    share = get("ocr_text_share")
    counts = get("warnings_by_code")
    return {
        "quality_ocr_text_share": float(share) if share is not None else None,
        "quality_pages_repaired": list(get("pages_repaired") or []) if quality is not None else None,
        "quality_pages_ocr": list(get("pages_ocr") or []) if quality is not None else None,
        "quality_draft": get("draft"),
        "quality_warnings_by_code": dict(counts) if counts is not None else None,
        "quality_needs_review": get("needs_review"),
    }


def flatten(doc: PlanDocument, plan_key: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for one document; `plan_key` defaults to the document's own id."""
    from extractor.base.normalize import fold

    meta = doc.metadata
    rows: dict[str, list[dict[str, Any]]] = {table.name: [] for table in TABLES}
    rows["documents"].append(
        {
            "id": doc.id,
            "sha256": doc.source.sha256,
            "schema_version": doc.schema_version,
            "pipeline_version": doc.pipeline_version,
            "source_path": doc.source.path,
            "format": doc.source.format,
            "pages": doc.source.pages,
            "ocr": doc.source.ocr,
            "encoding": doc.source.encoding,
            **flat_metadata(meta.model_dump()),
            "recipients": list(doc.recipients),
            "warnings": [w.model_dump() for w in doc.warnings],
            "text": doc.text,
            "plan_key": plan_key or doc.id,
            **quality_columns(doc),
        }
    )
    for section in doc.sections:
        rows["sections"].append(
            {
                "document_id": doc.id,
                **section.model_dump(exclude={"start", "end"}),
                "start_offset": section.start,
                "end_offset": section.end,
            }
        )
    for citation in doc.citations:
        rows["citations"].append(
            {
                "document_id": doc.id,
                **citation.model_dump(exclude={"start", "end"}),
                "start_offset": citation.start,
                "end_offset": citation.end,
            }
        )

    canonical_of: dict[str, str] = {}
    for unit in doc.units:
        for written in (unit.name, *(m.text for m in unit.mentions)):
            canonical_of.setdefault(fold(written), unit.canonical)
    for task in doc.tasks:
        period = task.period
        rows["tasks"].append(
            {
                "document_id": doc.id,
                "id": task.id,
                "text": task.text,
                "section": task.section,
                "origin": task.origin,
                **{f"q{q}": q in period.quarters for q in (1, 2, 3, 4)},
                "quarters": list(period.quarters),
                "months": list(period.months),
                "deadlines": list(period.deadlines),
                "period_start": period.start,
                "period_end": period.end,
                "recurring": period.recurring,
                "period_text": period.text,
                "start_offset": task.start,
                "end_offset": task.end,
            }
        )
        for role, names in (("lead", task.lead), ("coordinating", task.coordinating)):
            for position, name in enumerate(names):
                rows["task_units"].append(
                    {
                        "document_id": doc.id,
                        "task_id": task.id,
                        "role": role,
                        "position": position,
                        "name": name,
                        "canonical": canonical_of.get(fold(name)),
                    }
                )
    seen: set[str] = set()
    for unit in doc.units:
        if unit.canonical in seen:  # one row per canonical unit; the pipeline should not repeat one
            continue
        seen.add(unit.canonical)
        rows["units"].append(
            {
                "document_id": doc.id,
                "canonical": unit.canonical,
                "key": getattr(unit, "key", None),
                "name": unit.name,
                "kind": unit.kind,
                "mention_count": len(unit.mentions),
                "mentions": [m.model_dump() for m in unit.mentions],
            }
        )
    return rows
