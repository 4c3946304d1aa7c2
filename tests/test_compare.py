"""The comparison report: tables from extracted corpus plans, safe CSV, and an HTML page that renders."""

from __future__ import annotations

import csv
import html
import io
import re
import subprocess

import pytest

from extractor.commands.cited_identity import CitedIndex
from extractor.commands.compare import (
    Plan,
    build_report,
    categorize,
    diff_plans,
    distinct_citations,
    lead_kind_share,
    load_categories,
    load_plans,
    most_cited,
    write_csvs,
)
from extractor.commands.compare_html import render_report
from extractor.pipeline import extract
from models import Citation, Metadata, Period, PlanDocument, Source, Task, Unit
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
    # Each task counted once, its lead units sharing it: the shares are percentages summing to 100.
    assert round(sum(r["tasks"] for r in report["lead_kinds"])) == sum(len(p.doc.tasks) for p in plans)
    assert abs(sum(r["share_pct"] for r in report["lead_kinds"]) - 100) < 0.5
    assert report["units_by_kind"] and report["quarters_by_province"]


def test_same_plan_in_several_formats_is_counted_once_with_its_formats(corpus_outputs, tmp_path):
    doc = PlanDocument.model_validate_json(next(corpus_outputs.glob("*.json")).read_text(encoding="utf-8"))
    for fmt in ("txt", "docx", "pdf"):  # three outputs of one plan: each file has its own content id
        copy = doc.model_copy(update={"id": f"{fmt}{doc.id}"[:16],
                                      "source": doc.source.model_copy(update={"format": fmt})})
        (tmp_path / f"a.{fmt}.json").write_text(copy.model_dump_json(), encoding="utf-8")
    # A draft of the same plan (same issuer, title and year, no number) whose text differs: another plan.
    draft = doc.model_copy(update={"id": "draft" + doc.id[5:], "text": doc.text[: len(doc.text) // 2],
                                   "metadata": doc.metadata.model_copy(update={"number": None})})
    (tmp_path / "draft.docx.json").write_text(draft.model_dump_json(), encoding="utf-8")
    plans, duplicates, _ = load_plans([str(tmp_path)])
    assert len(plans) == 2 and duplicates == 2
    assert sorted(p.formats for p in plans) == [["docx", "pdf", "txt"], ["txt"]]
    report = build_report(plans, "province")
    assert sorted(r["formats"] for r in report["documents"]) == ["docx, pdf, txt", "txt"]


def cite(text: str, **fields) -> Citation:  # noqa: ANN003
    return Citation(id="c", text=text, start=0, end=len(text), **fields)


def test_cited_documents_are_keyed_by_identity_not_type_and_year():
    laws = plan([], province="Lâm Đồng")
    laws.doc.citations = [
        cite("Luật Phòng, chống ma túy năm 2025", doc_type="Luật", year=2025),
        cite("Luật sửa đổi, bổ sung một số điều của Bộ Luật hình sự 2025", doc_type="Luật", year=2025),
        cite("Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội", doc_type="Nghị quyết",
             code="163/2024/QH15", number="163", year=2024, date="2024-11-27"),
        cite("163/2024/QH15 của Quốc hội", doc_type="Văn bản", code="163/2024/QH15", number="163", year=2024),
        cite("Quyết định số 468/QĐ-TTg ngày 23/3/2016", doc_type="Quyết định", code="468/QĐ-TTg",
             date="2016-03-23"),
        cite("Quyết định số 468/QĐ-TTg ngày 02/4/2019", doc_type="Quyết định", code="468/QĐ-TTg",
             date="2019-04-02"),
    ]
    scan = plan([], province="Lâm Đồng")
    scan.doc.citations = [cite("Nghị quyết số 163/2024/QHI15", doc_type="Nghị quyết", code="163/2024/QHI15",
                               number="163", year=2024)]
    other = plan([], province="Huế")  # an unknown issuer code with no known neighbour stays apart
    other.doc.citations = [cite("Kế hoạch số 12/KH-SYT", doc_type="Kế hoạch", code="12/KH-SYT", date="2020-01-02")]
    index = CitedIndex()
    for p in (laws, scan, other):
        index.add(p.doc.citations, p.doc.metadata.province)
        p.index = index
    keys = [index.key_of(c, "Lâm Đồng") for c in laws.doc.citations]
    assert keys[0] != keys[1]  # two laws of 2025, not one "Luật 2025"
    assert keys[2] == keys[3] == index.key_of(scan.doc.citations[0], "Lâm Đồng")  # Văn bản / OCR slip QHI15
    assert keys[4] != keys[5]  # the Prime Minister's 468 of 2016 and of 2019
    labels = {d["document_id"]: d["document"] for d in most_cited([laws, scan, other])}
    assert labels[keys[2]] == "Nghị quyết 163/2024/QH15"
    assert labels[keys[0]] == "Luật Phòng, chống ma túy năm 2025"
    assert "Luật sửa đổi, bổ sung một số điều của Bộ Luật hình sự năm 2025" in labels.values()
    assert len(distinct_citations(laws)) == 5 and len(distinct_citations(other)) == 1


def test_lead_units_share_a_task_equally():
    shares = lead_kind_share([plan([task("A"), task("B")], province="Huế")])
    assert shares == [{"kind": "(none)", "tasks": 2, "share_pct": 100.0}]
    doc = plan([task("A"), task("B")], province="Huế")
    doc.doc.tasks[0].lead = ["Sở Nội vụ", "Sở Tài chính"]
    doc.doc.tasks[1].lead = ["Sở Nội vụ"]
    doc.doc.units = [Unit(name=n, canonical=n, key=n.lower(), kind="department") for n in ("Sở Nội vụ", "Sở Tài chính")]
    assert lead_kind_share([doc]) == [{"kind": "department", "tasks": 2.0, "share_pct": 100.0}]


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
    assert list(rows[0])[:2] == ["document_id", "plan_key"] and rows[0]["document_id"] == "x" * 16
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
    charts = re.findall(r'<svg class="chart" role="img" aria-label="([^"]+)"', dom)
    assert {"tasks per quarter per province", "most cited documents (plans citing each)",
            "distinct units per kind", "percent of tasks per lead kind"} <= set(charts)
    assert re.search(r"<rect[^>]*height=\"[1-9]", dom)  # bars drawn, not empty charts
    assert re.search(r">\d+\.\d%</t(?:ext|d)>", dom)  # shares shown as percentages
    shot = tmp_path / "report.png"
    subprocess.run(flags + [f"--screenshot={shot}", "--window-size=1300,1800", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
