"""The comparison report: tables from extracted corpus plans, safe CSV, and an HTML page that renders."""

from __future__ import annotations

import csv
import html
import io
import subprocess

import pytest

from extractor.commands.compare import (
    Plan,
    build_report,
    categorize,
    diff_plans,
    load_categories,
    load_plans,
    write_csvs,
)
from extractor.commands.compare_html import render_report
from extractor.pipeline import extract
from models import Metadata, Period, PlanDocument, Source, Task
from tests.conftest import CORPUS, need_program


@pytest.fixture(scope="module")
def corpus_outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    for path in sorted(CORPUS.glob("*.txt")):
        (folder / f"{path.name}.json").write_text(extract(path).model_dump_json(), encoding="utf-8")
    return folder


def task(text: str, quarters: list[int] | None = None) -> Task:
    return Task(id="t", text=text, origin="list", period=Period(quarters=quarters or []), start=0, end=1)


def plan(tasks: list[Task], **meta) -> Plan:  # noqa: ANN003
    doc = PlanDocument(pipeline_version="t", id="x" * 16, source=Source(path="p.txt", format="txt", sha256="0" * 64),
                       text="x", metadata=Metadata(**meta), tasks=tasks)
    return Plan(doc, ["txt"])


def test_report_tables_on_the_corpus(corpus_outputs):
    plans, duplicates, errors = load_plans([str(corpus_outputs)])
    assert len(plans) == 5 and not errors and duplicates == 0
    report = build_report(plans, "province")
    assert len(report["documents"]) == 5
    heat = {row["plan"]: row for row in report["quarter_heatmap"]}
    assert sum(row["Q1"] + row["Q2"] + row["Q3"] + row["Q4"] for row in heat.values()) > 0
    assert report["citation_matrix"]["rows"]
    assert sum(r["tasks"] for r in report["lead_kinds"]) >= sum(len(p.doc.tasks) for p in plans)


def test_same_plan_in_two_formats_is_counted_once(corpus_outputs, tmp_path):
    doc = PlanDocument.model_validate_json(next(corpus_outputs.glob("*.json")).read_text(encoding="utf-8"))
    for fmt, name in (("txt", "a.txt.json"), ("docx", "a.docx.json")):
        copy = doc.model_copy(update={"source": doc.source.model_copy(update={"format": fmt})})
        (tmp_path / name).write_text(copy.model_dump_json(), encoding="utf-8")
    plans, duplicates, _ = load_plans([str(tmp_path)])
    if doc.metadata.title or doc.metadata.issued_date:
        assert len(plans) == 1 and duplicates == 1 and plans[0].formats == ["docx", "txt"]


def test_plan_against_plan_fuzzy_task_matching():
    old = plan([task("Tổng kết công tác thi đua, khen thưởng năm 2020"), task("Tập huấn nghiệp vụ thi đua")],
               issuer="Sở Nội vụ", province="Lâm Đồng", plan_year=2021)
    new = plan([task("Tổng kết công tác thi đua, khen thưởng năm 2021"), task("Số hóa hồ sơ khen thưởng")],
               issuer="Sở Nội vụ", province="Lâm Đồng", plan_year=2022)
    diff = diff_plans(old, new)
    assert diff["tasks_kept"] == ["Tổng kết công tác thi đua, khen thưởng năm 2021"]
    assert diff["tasks_added"] == ["Số hóa hồ sơ khen thưởng"]
    assert diff["tasks_dropped"] == ["Tập huấn nghiệp vụ thi đua"]


def test_task_categories_follow_the_rule_file_order():
    categories = load_categories()
    assert categorize("Tổng kết công tác thi đua, khen thưởng năm 2021", categories) == "Tổng kết / sơ kết"
    assert categorize("Phát động phong trào thi đua", categories) == "Phát động"
    assert categorize("Xét tặng Kỷ niệm chương", categories) == "Khen thưởng / bình xét"
    assert categorize("Mua sắm bàn ghế", categories) == "Khác (other)"


def test_csv_has_bom_and_neutralizes_formulas(tmp_path):
    report = build_report([plan([task("=HYPERLINK(\"http://x\")", [1])], issuer="@SUM(A1)", province="Huế",
                                title="-2+3")], "province")
    write_csvs(report, tmp_path)
    raw = (tmp_path / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["issuer"] == "'@SUM(A1)" and rows[0]["title"] == "'-2+3"
    missing = list(csv.DictReader(io.StringIO((tmp_path / "tasks_missing.csv").read_text(encoding="utf-8-sig"))))
    assert missing[0]["task"].startswith("'=")


def test_html_is_self_contained_and_escaped():
    report = build_report([plan([task("<script>alert(1)</script>", [2])], issuer="Sở <b>X</b>", province="Huế")],
                          "province")
    page = render_report(report)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    attributes = html.unescape(page)  # the CSP sits in an attribute, entity-escaped
    assert "Content-Security-Policy" in attributes and "script-src 'sha256-" in attributes
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_report_renders_in_headless_chromium(corpus_outputs, tmp_path):
    chromium = need_program("chromium")
    plans, _, _ = load_plans([str(corpus_outputs)])
    page = tmp_path / "report.html"
    page.write_text(render_report(build_report(plans, "province")), encoding="utf-8")
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-ready="yes"' in dom  # the embedded sorting script ran under the page's CSP
    assert "Tasks per quarter" in dom and "<svg" in dom and "Cited documents" in dom
    shot = tmp_path / "report.png"
    subprocess.run(flags + [f"--screenshot={shot}", "--window-size=1300,1800", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
