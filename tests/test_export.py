"""`vnplan export`: extracted documents into SQLite, PostgreSQL, Parquet and JSON Lines, idempotently."""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from extractor.base.normalize import fold
from extractor.commands import export as export_module
from extractor.commands.batch_engines import DocTask, process_document
from extractor.commands.export_tables import TABLES, metadata
from models import PlanDocument, Task, Unit
from models.document import Mention, Period
from tests.conftest import CORPUS, GOLD, need

# The README example: quarter-1 tasks per province and year.
README_QUERY = """
SELECT d.province, d.plan_year, COUNT(*) AS q1_tasks, COUNT(DISTINCT d.id) AS plans
FROM tasks t JOIN documents d ON d.id = t.document_id
WHERE t.q1
GROUP BY d.province, d.plan_year
ORDER BY d.province, d.plan_year
"""


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
            Unit(name=name, canonical=key, kind="other", mentions=[Mention(text=name, start=0, end=0)])
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
    tasks: Counter[tuple] = Counter()
    plans: Counter[tuple] = Counter()
    for path in out.rglob("*.txt.json"):
        doc = PlanDocument.model_validate_json(path.read_text())
        key = (doc.metadata.province, doc.metadata.plan_year)
        q1 = sum(1 for t in doc.tasks if 1 in t.period.quarters)
        if q1:
            tasks[key] += q1
            plans[key] += 1
    return sorted((*key, tasks[key], plans[key]) for key in tasks)


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
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(README_QUERY))] == expected_q1(out) != []
    schema = inspect(engine)
    assert schema.get_pk_constraint("tasks")["constrained_columns"] == ["document_id", "id"]
    assert schema.get_foreign_keys("task_units")[0]["referred_table"] == "tasks"
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
    engine.dispose()
    return url


def test_postgresql_export_matches_sqlite_and_hides_the_password(out_dir, tmp_path, capsys):
    url = postgres_url()
    check_database(url, out_dir, capsys)
    password = create_engine(url).url.password
    assert run_export(out_dir, "--to", url.replace("postgresql+psycopg", "postgresql")) == 0
    said = capsys.readouterr()
    assert password not in said.out + said.err and "***" in said.out


def test_parquet_and_jsonl_hold_the_same_rows(out_dir, tmp_path, capsys):
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
        assert [json.loads(line) for line in lines] == parquet.to_pylist()
    assert str(pq.read_schema(tmp_path / "pq" / "tasks.parquet").field("q1").type) == "bool"
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
    broken.write_text('{"schema_version": "1.0", "source": {}, "id": 3}')
    assert run_export(out_dir, "--to", f"jsonl:{tmp_path / 'jl'}") == 1
    assert "broken.txt.json: invalid document" in capsys.readouterr().err
