"""Versioned DDL for `vnplan export` databases: an existing database is brought to the current tables.

The database records its layout version in the table `vnplan_schema` (one row per applied step). A new
database gets the current tables (export_tables.metadata) and the latest version at once. A database
without `vnplan_schema` but with `documents` was made by a vnplan of JSON schema 1.0 (layout 1, whose DDL
is `LAYOUT_1_DDL` below, kept verbatim so tests can build one); `upgrade` applies each later step in
order, in a transaction where the database allows DDL in one (PostgreSQL; SQLite adds columns one by one,
and a step that stopped half way is taken up again, since each addition first checks the column).

A step adds what a new JSON field needs and never drops data: rows written before it get nulls (or, for
`plan_key` and `units.key`, values computed from what the rows hold) until their documents are exported
again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, inspect, text

VERSION_TABLE = "vnplan_schema"

# Layout 1: the tables of vnplan for JSON schema 1.0, as its metadata.create_all made them (the same DDL
# in SQLite and PostgreSQL). Frozen: never edit; add a step instead.
LAYOUT_1_DDL = """
CREATE TABLE documents (
    id VARCHAR(64) NOT NULL, sha256 VARCHAR(64) NOT NULL, schema_version VARCHAR(16) NOT NULL,
    pipeline_version VARCHAR(32) NOT NULL, source_path TEXT NOT NULL, format VARCHAR(16) NOT NULL,
    pages INTEGER, ocr BOOLEAN NOT NULL, encoding VARCHAR(32), doc_type TEXT, number TEXT, symbol TEXT,
    code TEXT, issuer TEXT, issuer_raw TEXT, parent_issuer TEXT, parent_issuer_raw TEXT, province TEXT,
    province_2025 TEXT, place TEXT, issued_date VARCHAR(10), plan_year INTEGER, title TEXT,
    signer_title TEXT, signer_name TEXT, signer_on_behalf TEXT, recipients TEXT, warnings TEXT,
    text TEXT NOT NULL, PRIMARY KEY (id)
);
CREATE INDEX ix_documents_plan_year ON documents (plan_year);
CREATE INDEX ix_documents_province ON documents (province);
CREATE INDEX ix_documents_province_2025 ON documents (province_2025);
CREATE INDEX ix_documents_sha256 ON documents (sha256);
CREATE TABLE citations (
    document_id VARCHAR(64) NOT NULL, id VARCHAR(64) NOT NULL, text TEXT NOT NULL,
    start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, section VARCHAR(64), doc_type TEXT,
    number TEXT, year INTEGER, symbol TEXT, code TEXT, date VARCHAR(10), issuer TEXT, issuer_raw TEXT,
    subject TEXT, family VARCHAR(16), role VARCHAR(16) NOT NULL, refers_to VARCHAR(64),
    PRIMARY KEY (document_id, id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE sections (
    document_id VARCHAR(64) NOT NULL, id VARCHAR(64) NOT NULL, parent VARCHAR(64), number TEXT NOT NULL,
    title TEXT NOT NULL, level INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
    PRIMARY KEY (document_id, id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE tasks (
    document_id VARCHAR(64) NOT NULL, id VARCHAR(64) NOT NULL, text TEXT NOT NULL, section VARCHAR(64),
    origin VARCHAR(16) NOT NULL, q1 BOOLEAN NOT NULL, q2 BOOLEAN NOT NULL, q3 BOOLEAN NOT NULL,
    q4 BOOLEAN NOT NULL, quarters TEXT, months TEXT, deadlines TEXT, period_start VARCHAR(10),
    period_end VARCHAR(10), recurring TEXT, period_text TEXT, start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    PRIMARY KEY (document_id, id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE units (
    document_id VARCHAR(64) NOT NULL, canonical TEXT NOT NULL, name TEXT NOT NULL, kind VARCHAR(32) NOT NULL,
    mention_count INTEGER NOT NULL, mentions TEXT,
    PRIMARY KEY (document_id, canonical),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);
CREATE TABLE task_units (
    document_id VARCHAR(64) NOT NULL, task_id VARCHAR(64) NOT NULL, role VARCHAR(16) NOT NULL,
    position INTEGER NOT NULL, name TEXT NOT NULL, canonical TEXT,
    PRIMARY KEY (document_id, task_id, role, position),
    FOREIGN KEY(document_id, task_id) REFERENCES tasks (document_id, id) ON DELETE CASCADE
)
"""


@dataclass(frozen=True)
class Step:
    """One layout version: the columns it adds (table, column, type per dialect), statements per dialect
    run after them, and a Python backfill."""

    version: int
    schema: str  # the JSON schema_version this layout holds
    adds: tuple[tuple[str, str, dict[str, str]], ...] = ()
    statements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    backfill: Callable[[Connection], None] | None = None


def _backfill_unit_keys(conn: Connection) -> None:
    """units.key of rows written before the column: the unit key of their canonical name."""
    from extractor.vocab.unit_names import unit_key

    rows = conn.execute(text('SELECT document_id, canonical FROM units WHERE "key" IS NULL')).all()
    if rows:
        conn.execute(
            text('UPDATE units SET "key" = :key WHERE document_id = :document_id AND canonical = :canonical'),
            [{"key": unit_key(canonical), "document_id": doc, "canonical": canonical} for doc, canonical in rows],
        )


_SQLITE_JSON = "JSON"
_PG_INT_ARRAY = "INTEGER[]"

# PostgreSQL cannot run a subquery in ALTER ... USING, so the JSON text -> array casts go through
# session-local functions.
_PG_ARRAY_FUNCTIONS = (
    "CREATE FUNCTION pg_temp.vnplan_int_array(value text) RETURNS integer[] LANGUAGE sql IMMUTABLE AS "
    "$$ SELECT CASE WHEN value IS NULL THEN NULL ELSE "
    "ARRAY(SELECT jsonb_array_elements_text(value::jsonb)::integer) END $$",
    "CREATE FUNCTION pg_temp.vnplan_text_array(value text) RETURNS text[] LANGUAGE sql IMMUTABLE AS "
    "$$ SELECT CASE WHEN value IS NULL THEN NULL ELSE "
    "ARRAY(SELECT jsonb_array_elements_text(value::jsonb)) END $$",
    # Layout 1 wrote a unit's mentions as [start, end, text]; layout 2 as objects.
    "CREATE FUNCTION pg_temp.vnplan_mentions(value text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS "
    "$$ SELECT CASE WHEN value IS NULL THEN NULL ELSE (SELECT COALESCE(jsonb_agg(jsonb_build_object("
    "'text', m->>2, 'start', (m->>0)::integer, 'end', (m->>1)::integer)), '[]'::jsonb) "
    "FROM jsonb_array_elements(value::jsonb) AS m) END $$",
)

STEPS: tuple[Step, ...] = (
    Step(version=1, schema="1.0"),
    Step(
        version=2,
        schema="1.1",
        adds=(
            ("documents", "plan_key", {"sqlite": "VARCHAR(64)", "postgresql": "VARCHAR(64)"}),
            ("documents", "quality_ocr_text_share", {"sqlite": "FLOAT", "postgresql": "FLOAT"}),
            ("documents", "quality_pages_repaired", {"sqlite": _SQLITE_JSON, "postgresql": _PG_INT_ARRAY}),
            ("documents", "quality_pages_ocr", {"sqlite": _SQLITE_JSON, "postgresql": _PG_INT_ARRAY}),
            ("documents", "quality_draft", {"sqlite": "BOOLEAN", "postgresql": "BOOLEAN"}),
            ("documents", "quality_warnings_by_code", {"sqlite": _SQLITE_JSON, "postgresql": "JSONB"}),
            ("documents", "quality_needs_review", {"sqlite": "BOOLEAN", "postgresql": "BOOLEAN"}),
            ("units", "key", {"sqlite": "TEXT", "postgresql": "TEXT"}),
        ),
        statements={
            "postgresql": (
                *_PG_ARRAY_FUNCTIONS,
                "ALTER TABLE tasks ALTER COLUMN quarters TYPE integer[] USING pg_temp.vnplan_int_array(quarters)",
                "ALTER TABLE tasks ALTER COLUMN months TYPE integer[] USING pg_temp.vnplan_int_array(months)",
                "ALTER TABLE tasks ALTER COLUMN deadlines TYPE text[] USING pg_temp.vnplan_text_array(deadlines)",
                "ALTER TABLE documents ALTER COLUMN recipients TYPE text[] "
                "USING pg_temp.vnplan_text_array(recipients)",
                "ALTER TABLE documents ALTER COLUMN warnings TYPE jsonb USING warnings::jsonb",
                "ALTER TABLE units ALTER COLUMN mentions TYPE jsonb USING pg_temp.vnplan_mentions(mentions)",
                "DROP FUNCTION pg_temp.vnplan_int_array(text)",
                "DROP FUNCTION pg_temp.vnplan_text_array(text)",
                "DROP FUNCTION pg_temp.vnplan_mentions(text)",
            ),
            "sqlite": (
                "UPDATE units SET mentions = (SELECT json_group_array(json_object('text', json_extract(m.value, "
                "'$[2]'), 'start', json_extract(m.value, '$[0]'), 'end', json_extract(m.value, '$[1]'))) "
                "FROM json_each(units.mentions) AS m) "
                "WHERE mentions IS NOT NULL AND json_type(mentions, '$[0]') = 'array'",
            ),
            "*": (
                "CREATE INDEX IF NOT EXISTS ix_documents_plan_key ON documents (plan_key)",
                "CREATE INDEX IF NOT EXISTS ix_documents_quality_needs_review ON documents (quality_needs_review)",
                'CREATE INDEX IF NOT EXISTS ix_units_key ON units ("key")',
                # Rows exported before plan_key existed are each their own plan until exported again.
                "UPDATE documents SET plan_key = id WHERE plan_key IS NULL",
            ),
        },
        backfill=_backfill_unit_keys,
    ),
)
LATEST = STEPS[-1].version


def _version_table(conn: Connection) -> None:
    conn.execute(text(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER PRIMARY KEY, "
                      "schema_version VARCHAR(16) NOT NULL, applied_at VARCHAR(32) NOT NULL)"))


def _stamp(conn: Connection, step: Step) -> None:
    from datetime import UTC, datetime

    conn.execute(
        text(f"INSERT INTO {VERSION_TABLE} (version, schema_version, applied_at) VALUES (:v, :s, :t)"),
        {"v": step.version, "s": step.schema, "t": datetime.now(UTC).isoformat(timespec="seconds")},
    )


def current_version(engine: Engine) -> int | None:
    """The database's layout version; None for a database without vnplan tables."""
    tables = set(inspect(engine).get_table_names())
    if VERSION_TABLE in tables:
        with engine.connect() as conn:
            found = conn.execute(text(f"SELECT MAX(version) FROM {VERSION_TABLE}")).scalar()
        return int(found) if found is not None else 1
    return 1 if "documents" in tables else None


def _apply(conn: Connection, step: Step, dialect: str) -> None:
    schema = inspect(conn)
    for table, column, types in step.adds:
        if column not in {c["name"] for c in schema.get_columns(table)}:
            conn.execute(text(f'ALTER TABLE {table} ADD COLUMN "{column}" {types[dialect]}'))
    for statement in (*step.statements.get(dialect, ()), *step.statements.get("*", ())):
        conn.execute(text(statement))
    if step.backfill is not None:
        step.backfill(conn)
    _stamp(conn, step)


def upgrade(engine: Engine) -> list[int]:
    """Create or upgrade the export tables in `engine`; the upgrade steps applied (empty for a new or an
    up-to-date database)."""
    from extractor.commands.export_tables import metadata

    dialect = engine.dialect.name
    version = current_version(engine)
    if version is None:
        with engine.begin() as conn:
            metadata.create_all(conn)
            _version_table(conn)
            _stamp(conn, STEPS[-1])
        return []
    applied = []
    for step in STEPS:
        if step.version <= version:
            continue
        if dialect not in ("sqlite", "postgresql"):
            raise RuntimeError(f"no migration to layout {step.version} for {dialect}: export to a new database")
        with engine.begin() as conn:
            _version_table(conn)
            if version == 1 and not conn.execute(text(f"SELECT 1 FROM {VERSION_TABLE}")).first():
                _stamp(conn, STEPS[0])
            _apply(conn, step, dialect)
        version = step.version
        applied.append(step.version)
    return applied


__all__ = ["LATEST", "LAYOUT_1_DDL", "STEPS", "VERSION_TABLE", "current_version", "upgrade"]
