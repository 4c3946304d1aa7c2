"""`vnplan export`: extracted documents into SQLite, PostgreSQL, Parquet and JSON Lines, idempotently."""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from extractor.base.normalize import fold
from extractor.commands import export as export_module
from extractor.commands.batch_engines import DocTask, process_document
from extractor.commands.export_migrations import LATEST, LAYOUT_1_DDL, VERSION_TABLE, current_version
from extractor.commands.export_tables import TABLES, flatten, metadata, quality_columns
from extractor.commands.plan_key import PlanFacts, plan_keys
from models import SCHEMA_VERSION, PlanDocument, Task, Unit
from models.document import Mention, Period
from tests.conftest import CORPUS, GOLD, need

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_examples(language: str) -> dict[str, str]:
    """The README's Exports examples in `language`, by the target named on their first line
    ("-- any database: ...", "-- SQLite: ...", "-- PostgreSQL: ...", "# Parquet: ...")."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Exports"):]
    section = section[: section.index("\n## ", 1)]
    found: dict[str, str] = {}
    for block in re.findall(rf"```{language}\n(.*?)```", section, flags=re.S):
        target = re.match(r"(?:--|#)\s*([^:]+):", block)
        assert target, f"README example without its target on the first line: {block[:60]}"
        found[target.group(1).strip()] = block
    return found


def run_export(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser()
    export_module.register(parser.add_subparsers())
    args = parser.parse_args(["export", *map(str, argv)])
    return args.func(args)


def with_gold_annotations(doc: PlanDocument, gold: dict) -> PlanDocument:
    """The extracted document, completed with the gold tasks and metadata the pipeline does not give yet.

    Offsets are found in the document's own text, so every row points at real text.
    """
    for key in ("province", "plan_year", "issuer", "title", "issued_date", "symbol"):
        if getattr(doc.metadata, key) is None and gold["metadata"].get(key) is not None:
            setattr(doc.metadata, key, gold["metadata"][key])
    if not doc.tasks:
        tasks, cursor = [], 0
        for number, item in enumerate(gold["tasks"], 1):
            start = doc.text.find(item["text"][:40], cursor)
            start = start if start >= 0 else cursor
            tasks.append(
                Task(
                    id=f"t{number}", text=item["text"], origin="table", start=start, end=start,
                    period=Period(quarters=item["quarters"], months=item["months"], deadlines=item["deadlines"]),
                    lead=item["lead"], coordinating=item["coordinating"],
                )
            )
            cursor = start
        doc.tasks = tasks
    if not doc.units:
        names: dict[str, str] = {}
        for task in doc.tasks:
            for name in task.lead + task.coordinating:
                names.setdefault(fold(name), name)
        doc.units = [
            Unit(name=name, canonical=name, key=key, kind="other", mentions=[Mention(text=name, start=0, end=0)])
            for key, name in names.items()
        ]
    return PlanDocument.model_validate(doc.model_dump())


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A batch output folder: the seed plans extracted, completed from gold, plus an errors log."""
    out = tmp_path / "out"
    for seed in sorted(CORPUS.glob("*.txt")):
        target = out / "plans" / f"{seed.name}.json"
        assert process_document(DocTask(str(seed), str(target), seconds=120)).status == "done"
        gold = json.loads((GOLD / f"{seed.stem}.gold.json").read_text(encoding="utf-8"))
        doc = with_gold_annotations(PlanDocument.model_validate_json(target.read_text()), gold)
        target.write_text(doc.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (out / "errors.jsonl").write_text('{"file": "x.pdf", "status": "failed"}\n')
    (out / "notes.json").write_text('{"not": "a document"}')
    return out


def expected_rows(out: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted(out.rglob("*.txt.json")):
        doc = PlanDocument.model_validate_json(path.read_text())
        counts["documents"] += 1
        counts["sections"] += len(doc.sections)
        counts["citations"] += len(doc.citations)
        counts["tasks"] += len(doc.tasks)
        counts["task_units"] += sum(len(t.lead) + len(t.coordinating) for t in doc.tasks)
        counts["units"] += len({u.canonical for u in doc.units})
    return counts


def expected_q1(out: Path) -> list[tuple]:
    """Quarter-1 tasks per (province, year), each plan counted once (its smallest document id)."""
    docs = [PlanDocument.model_validate_json(p.read_text()) for p in out.rglob("*.txt.json")]
    keys = plan_keys([PlanFacts.of(d) for d in docs], {d.id: d.text for d in docs}.__getitem__)
    first = {key: min(i for i, k in keys.items() if k == key) for key in keys.values()}
    tasks: Counter[tuple] = Counter()
    plans: dict[tuple, set[str]] = {}
    for doc in docs:
        if first[keys[doc.id]] != doc.id:
            continue
        where = (doc.metadata.province, doc.metadata.plan_year)
        q1 = sum(1 for t in doc.tasks if 1 in t.period.quarters)
        if q1:
            tasks[where] += q1
            plans.setdefault(where, set()).add(keys[doc.id])
    return sorted(((*key, tasks[key], len(plans[key])) for key in tasks), key=repr)


def expected_deadline_months(out: Path) -> list[tuple]:
    months: Counter[str] = Counter()
    for path in out.rglob("*.txt.json"):
        for t in PlanDocument.model_validate_json(path.read_text()).tasks:
            months.update(d[:7] for d in t.period.deadlines)
    return sorted(months.items())


def table_rows(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {t.name: sorted(map(tuple, conn.execute(t.select()).all())) for t in TABLES}
    engine.dispose()
    return found


def check_database(url: str, out: Path, capsys) -> None:
    assert run_export(out, "--to", url) == 0
    said = capsys.readouterr().out
    assert "1 not documents" in said
    rows = table_rows(url)
    assert Counter({name: len(r) for name, r in rows.items()}) == expected_rows(out)
    assert expected_rows(out)["task_units"] > 0 and expected_rows(out)["tasks"] > 0

    assert run_export(out, "--to", url) == 0  # the same outputs again: nothing changes
    assert table_rows(url) == rows

    # A re-extracted document replaces its old rows entirely (no stale task left behind).
    path = sorted(out.rglob("*.txt.json"))[0]
    doc = PlanDocument.model_validate_json(path.read_text())
    dropped = doc.tasks.pop()
    path.write_text(doc.model_dump_json(indent=2))
    assert run_export(out, "--to", url) == 0
    after = table_rows(url)
    assert len(after["tasks"]) == len(rows["tasks"]) - 1
    assert len(after["task_units"]) == len(rows["task_units"]) - len(dropped.lead) - len(dropped.coordinating)

    engine = create_engine(url)
    examples = readme_examples("sql")
    dialect = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[engine.dialect.name]
    with engine.connect() as conn:
        q1 = sorted((tuple(r) for r in conn.execute(text(examples["any database"]))), key=repr)
        assert q1 == expected_q1(out) != []
        months = [tuple(r) for r in conn.execute(text(examples[dialect]))]
        assert months == expected_deadline_months(out) != []
    schema = inspect(engine)
    assert schema.get_pk_constraint("tasks")["constrained_columns"] == ["document_id", "id"]
    assert schema.get_foreign_keys("task_units")[0]["referred_table"] == "tasks"
    assert {c["name"] for c in schema.get_columns("documents")} >= {"plan_key", "quality_needs_review"}
    if engine.dialect.name == "postgresql":  # lists are arrays and jsonb, not text
        types = {c["name"]: c["type"].compile(engine.dialect) for c in schema.get_columns("tasks")}
        assert (types["quarters"], types["deadlines"]) == ("INTEGER[]", "TEXT[]")
        assert {c["name"]: str(c["type"]) for c in schema.get_columns("units")}["mentions"] == "JSONB"
    engine.dispose()


def test_sqlite_export_is_keyed_idempotent_and_answers_the_readme_query(out_dir, tmp_path, capsys):
    check_database(f"sqlite:///{tmp_path / 'plans.db'}", out_dir, capsys)


def postgres_url() -> str:
    url = os.environ.get("VNPLAN_TEST_POSTGRES_URL")
    need(url is not None, "VNPLAN_TEST_POSTGRES_URL is not set (see scripts/start_postgres.sh)")
    from sqlalchemy.engine import make_url

    url = make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # noqa: BLE001
        need(False, f"PostgreSQL at VNPLAN_TEST_POSTGRES_URL is not reachable: {type(exc).__name__}")
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
    engine.dispose()
    return url


def test_postgresql_export_matches_sqlite_and_hides_the_password(out_dir, tmp_path, capsys):
    url = postgres_url()
    check_database(url, out_dir, capsys)
    password = create_engine(url).url.password
    assert run_export(out_dir, "--to", url.replace("postgresql+psycopg", "postgresql")) == 0
    said = capsys.readouterr()
    assert password not in said.out + said.err and "***" in said.out


def test_parquet_and_jsonl_hold_the_same_rows_in_native_lists(out_dir, tmp_path, capsys, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    expected = expected_rows(out_dir)
    assert run_export(out_dir, "--to", f"{tmp_path / 'pq'}/") == 0
    assert run_export(out_dir, "--to", f"jsonl:{tmp_path / 'jl'}") == 0
    for table in TABLES:
        parquet = pq.read_table(tmp_path / "pq" / f"{table.name}.parquet")
        assert parquet.num_rows == expected[table.name]
        assert parquet.column_names == [c.name for c in table.columns]
        lines = (tmp_path / "jl" / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == expected[table.name]
        assert [json.loads(line) for line in lines] == parquet.to_pylist(maps_as_pydicts="strict")
    tasks_schema = pq.read_schema(tmp_path / "pq" / "tasks.parquet")
    assert str(tasks_schema.field("q1").type) == "bool"
    assert tasks_schema.field("quarters").type == pa.list_(pa.int32())
    assert tasks_schema.field("deadlines").type == pa.list_(pa.string())
    documents_schema = pq.read_schema(tmp_path / "pq" / "documents.parquet")
    assert documents_schema.field("recipients").type == pa.list_(pa.string())
    assert documents_schema.field("quality_warnings_by_code").type == pa.map_(pa.string(), pa.int32())
    tasks = pq.read_table(tmp_path / "pq" / "tasks.parquet").to_pylist()
    assert any(t["deadlines"] for t in tasks) and all(isinstance(t["quarters"], list) for t in tasks)

    # The README's Parquet example, run where it expects its tables.
    (tmp_path / "tables").symlink_to(tmp_path / "pq")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    exec(readme_examples("python")["Parquet"], {})  # noqa: S102 - the README's own example
    printed = {row["values"]: row["counts"] for row in ast.literal_eval(capsys.readouterr().out)}
    assert printed == Counter(q for t in tasks for q in t["quarters"]) != {}
    before = {p.name: p.read_bytes() for p in (tmp_path / "jl").iterdir()}
    assert run_export(out_dir, "--to", f"parquet:{tmp_path / 'pq'}") == 0
    assert run_export(out_dir, "--to", f"jsonl:{tmp_path / 'jl'}") == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "jl").iterdir()} == before
    assert pq.read_table(tmp_path / "pq" / "tasks.parquet").num_rows == expected["tasks"]


def test_target_from_environment_and_errors_in_one_line(out_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VNPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert run_export(out_dir) == 0
    assert (tmp_path / "env.db").exists()
    capsys.readouterr()

    assert run_export(out_dir, "--to", "postgresql://someone:s3cr3t-pw@127.0.0.1:1/none") == 2
    said = capsys.readouterr()
    assert "s3cr3t-pw" not in said.out + said.err
    assert said.err.count("\n") == 1 and "***" in said.err
    assert run_export(out_dir, "--to", "plans.xlsx") == 2

    broken = out_dir / "plans" / "broken.txt.json"
    broken.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "source": {}, "id": 3}))
    assert run_export(out_dir, "--to", f"jsonl:{tmp_path / 'jl'}") == 1
    assert "broken.txt.json: invalid document" in capsys.readouterr().err


def other_format(doc: PlanDocument, fmt: str, text: str | None = None, **meta) -> PlanDocument:  # noqa: ANN003
    """The same plan as another file: its own content id, format and (optionally) text and metadata."""
    new_id = f"{fmt}{doc.id}"[:16]
    return doc.model_copy(update={
        "id": new_id, "text": text if text is not None else doc.text,
        "source": doc.source.model_copy(update={"format": fmt, "path": f"plan.{fmt}"}),
        "metadata": doc.metadata.model_copy(update=meta),
    })


def test_plan_key_folds_the_formats_of_one_plan_but_not_two_drafts(out_dir, tmp_path):
    paths = sorted(out_dir.rglob("*.txt.json"))
    docs = [PlanDocument.model_validate_json(p.read_text()) for p in paths]
    unnumbered = next(d for d in docs if not d.metadata.number and d.metadata.issuer and d.metadata.title)
    numbered = next(d for d in docs if d.metadata.number and d.metadata.issued_date)
    # The PDF of a plan: the same words, broken into other lines.
    pdf_text = unnumbered.text.replace("\n", " \n ")
    # A second draft: the same issuer, title and year, but a third of its text rewritten.
    cut = len(unnumbered.text) // 3
    draft_text = unnumbered.text[:cut] + "Nội dung dự thảo khác. " * (cut // 20) + unnumbered.text[2 * cut:]
    # The scan of the numbered plan, OCR changing some words: the number, issuer and date still agree.
    scan_text = numbered.text.replace("thi đua", "thi dua")
    family = [
        *docs,
        other_format(unnumbered, "pdf", pdf_text),
        other_format(unnumbered, "docx", draft_text),
        other_format(numbered, "image", scan_text),
        other_format(numbered, "doc", numbered.text, number=str(int(numbered.metadata.number or 0) + 1)),
    ]
    for doc in family[len(docs):]:
        (out_dir / "plans" / f"{doc.id}.{doc.source.format}.json").write_text(doc.model_dump_json())
    texts = {d.id: d.text for d in family}
    keys = plan_keys([PlanFacts.of(d) for d in family], texts.__getitem__)
    pdf, draft, scan, renumbered = (keys[d.id] for d in family[len(docs):])
    assert pdf == keys[unnumbered.id] and draft != keys[unnumbered.id]
    assert scan == keys[numbered.id] and renumbered != keys[numbered.id]
    assert len(set(keys.values())) == len(docs) + 2

    url = f"sqlite:///{tmp_path / 'plans.db'}"
    assert run_export(out_dir, "--to", url) == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, plan_key FROM documents")).all())
        plans = conn.execute(text("SELECT COUNT(DISTINCT plan_key) FROM documents")).scalar()
    engine.dispose()
    assert stored == keys and plans == len(docs) + 2


def test_quality_columns_take_the_quality_object_when_present():
    class Quality:
        ocr_text_share, pages_repaired, pages_ocr, draft = 0.25, [2], [2, 3], True
        warnings_by_code, needs_review = {"ocr-low-confidence": 3}, True

    class WithQuality:
        quality = Quality()

    assert quality_columns(WithQuality()) == {  # type: ignore[arg-type]
        "quality_ocr_text_share": 0.25, "quality_pages_repaired": [2], "quality_pages_ocr": [2, 3],
        "quality_draft": True, "quality_warnings_by_code": {"ocr-low-confidence": 3}, "quality_needs_review": True,
    }
    assert set(quality_columns(object()).values()) == {None}  # type: ignore[arg-type]  # a 1.0 document


def layout_1_rows(doc: PlanDocument) -> dict[str, list[dict]]:
    """A document's rows as vnplan for schema 1.0 wrote them: lists as JSON text, mentions as triples."""
    rows = flatten(doc)
    layout_1 = {c: [] for c in rows}
    dropped = {"plan_key", "key"} | {c.name for c in metadata.tables["documents"].columns if c.name.startswith("quality_")}
    for table, table_rows in rows.items():
        for row in table_rows:
            old = {k: v for k, v in row.items() if k not in dropped}
            for k, v in old.items():
                if k == "mentions":
                    old[k] = json.dumps([[m["start"], m["end"], m["text"]] for m in v], ensure_ascii=False)
                elif isinstance(v, list | dict):
                    old[k] = json.dumps(v, ensure_ascii=False)
            layout_1[table].append(old)
    return layout_1


def check_upgrade_from_layout_1(url: str, out: Path, capsys) -> None:
    """A database made by vnplan for schema 1.0 holding one plan; then the current documents exported into it."""
    paths = sorted(out.rglob("*.txt.json"))
    old_doc = PlanDocument.model_validate_json(paths[0].read_text())
    old_doc = old_doc.model_copy(update={"id": "0ld" + old_doc.id[3:]})  # a document not in the folder
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in LAYOUT_1_DDL.split(";"):
            conn.execute(text(statement))
        for table in TABLES:
            batch = layout_1_rows(old_doc)[table.name]
            if batch:
                columns = list(batch[0])
                conn.execute(text(f"INSERT INTO {table.name} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
                                  f"VALUES ({', '.join(':' + c for c in columns)})"), batch)
    assert current_version(engine) == 1

    assert run_export(out, "--to", url) == 0
    assert f"to layout {LATEST}" in capsys.readouterr().out
    assert current_version(engine) == LATEST
    with engine.connect() as conn:
        versions = [r[0] for r in conn.execute(text(f"SELECT version FROM {VERSION_TABLE} ORDER BY version"))]
    assert versions == list(range(1, LATEST + 1))

    # The migrated tables are the tables a new database gets (names; in PostgreSQL, types too).
    migrated = inspect(engine)
    same_type = {"FLOAT": "DOUBLE PRECISION"}
    for table in TABLES:
        assert {c["name"] for c in migrated.get_columns(table.name)} == {c.name for c in table.columns}
        if engine.dialect.name != "postgresql":  # SQLite's declared types carry no meaning
            continue
        for column in migrated.get_columns(table.name):
            declared = table.columns[column["name"]].type.compile(engine.dialect)
            assert column["type"].compile(engine.dialect) == same_type.get(declared, declared), column["name"]

    rows = table_rows(url)
    old_tasks = [r for r in rows["tasks"] if r[0] == old_doc.id]
    assert len(old_tasks) == len(old_doc.tasks)
    quarters = TABLES[3].columns.keys().index("quarters")
    assert sorted(r[quarters] for r in old_tasks) == sorted(t.period.quarters for t in old_doc.tasks)
    with engine.connect() as conn:
        old = conn.execute(text("SELECT plan_key, quality_needs_review FROM documents WHERE id = :i"),
                           {"i": old_doc.id}).one()
        assert tuple(old) == (old_doc.id, None)
        keys = dict(conn.execute(text('SELECT canonical, "key" FROM units WHERE document_id = :i'),
                                 {"i": old_doc.id}).all())
        assert keys and all(keys.values())
        mentions = conn.execute(text("SELECT mentions FROM units WHERE document_id = :i"), {"i": old_doc.id}).scalar()
        mentions = json.loads(mentions) if isinstance(mentions, str) else mentions
        assert set(mentions[0]) == {"text", "start", "end"}
        new = conn.execute(text("SELECT COUNT(*) FROM documents WHERE plan_key IS NOT NULL")).scalar()
        assert new == len(paths) + 1
    engine.dispose()
    assert run_export(out, "--to", url) == 0  # up to date now: no second upgrade
    assert "upgraded" not in capsys.readouterr().out


def test_sqlite_database_of_schema_1_0_is_upgraded_by_export(out_dir, tmp_path, capsys):
    check_upgrade_from_layout_1(f"sqlite:///{tmp_path / 'old.db'}", out_dir, capsys)


def test_postgresql_database_of_schema_1_0_is_upgraded_by_export(out_dir, capsys):
    check_upgrade_from_layout_1(postgres_url(), out_dir, capsys)
