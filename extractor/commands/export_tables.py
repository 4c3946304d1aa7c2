"""The relational shape of vnplan's output: tables, keys, and the flattening of one document into rows.

One definition (SQLAlchemy Core) serves every target: the databases create it as is, Parquet and JSON
Lines take their column types from it. Keys: a document by its content-hash id; every child by
(document_id, its id within the document). Offsets are named start_offset / end_offset (END is reserved
in SQL); lists that are data (months, deadlines, mentions, recipients, warnings) are JSON text.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from models import PlanDocument, flat_metadata, flat_metadata_fields

# Column types of the metadata fields where Text is not right; indexes where queries group by them.
_METADATA_TYPES: dict[str, Any] = {"issued_date": String(10), "plan_year": Integer}
_METADATA_INDEXED = frozenset({"province", "province_2025", "plan_year"})


def _metadata_column(name: str) -> Column:
    return Column(name, _METADATA_TYPES.get(name, Text), index=name in _METADATA_INDEXED or None)

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
    Column("recipients", Text, comment="JSON array"),
    Column("warnings", Text, comment="JSON array"),
    Column("text", Text, nullable=False, comment="The text all offsets point into"),
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
    Column("quarters", Text, comment="JSON array"),
    Column("months", Text, comment="JSON array"),
    Column("deadlines", Text, comment="JSON array of ISO dates"),
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
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("mention_count", Integer, nullable=False),
    Column("mentions", Text, comment="JSON array of [start, end, text]"),
    key=("document_id", "canonical"),
)

TABLES: tuple[Table, ...] = (documents, sections, citations, tasks, task_units, units)
CHILD_TABLES: tuple[Table, ...] = (task_units, units, citations, sections, tasks)  # deletion order


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def flatten(doc: PlanDocument) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for one document."""
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
            "recipients": _json(doc.recipients),
            "warnings": _json([w.model_dump() for w in doc.warnings]),
            "text": doc.text,
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
                "quarters": _json(period.quarters),
                "months": _json(period.months),
                "deadlines": _json(period.deadlines),
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
                "name": unit.name,
                "kind": unit.kind,
                "mention_count": len(unit.mentions),
                "mentions": _json([[m.start, m.end, m.text] for m in unit.mentions]),
            }
        )
    return rows
