"""Tasks from tables, lists and prose; scored against the gold files through the pipeline."""

from __future__ import annotations

import json

import pytest

from extractor.blocks import Block, assemble
from extractor.pipeline import extract
from extractor.scoring import score_tasks
from extractor.tasks import find_tasks
from models import Metadata
from tests.conftest import CORPUS, GOLD, REAL_GOLD


def _rows(table: int, rows: list[list[str]], start_row: int = 0, page: int | None = None) -> list[Block]:
    return [Block(kind="row", cells=c, table=table, row=start_row + i, page=page) for i, c in enumerate(rows)]


def _para(text: str, label: str | None = None) -> Block:
    return Block(kind="paragraph", text=text, label=label)


def test_table_columns_by_meaning_groups_wraps_and_page_breaks():
    blocks = [
        _para("II. NHIỆM VỤ CỤ THỂ"),
        *_rows(
            0,
            [
                ["TT", "Thời hạn hoàn thành", "Nhiệm vụ", "Cơ quan phối hợp", "Cơ quan chủ trì"],
                ["A", "", "Quý I", "", ""],
                ["1", "Trước ngày 15/3", "Xây dựng kế hoạch phòng, chống", "Công an tỉnh", "Sở Y tế"],
                ["", "", "dịch bệnh năm 2024", "", ""],
            ],
            page=1,
        ),
        # The same table after a page break: no header row, same width.
        *_rows(1, [["2", "Tháng 5", "Tổ chức tập huấn", "Sở Tài chính và các xã, phường", "Sở Y tế"]], page=2),
    ]
    layout = assemble(blocks)
    tasks = find_tasks(layout, [], Metadata(plan_year=2024))
    assert [t.text for t in tasks] == ["Xây dựng kế hoạch phòng, chống dịch bệnh năm 2024", "Tổ chức tập huấn"]
    first, second = tasks
    assert first.origin == "table" and first.id == "t1"
    assert first.period.quarters == [1] and first.period.deadlines == ["2024-03-15"]
    assert first.lead == ["Sở Y tế"] and first.coordinating == ["Công an tỉnh"]
    assert layout.text[first.start : first.start + 10] == "Xây dựng k"
    assert second.period.months == [5] and sorted(second.period.quarters) == [1, 2]
    assert second.coordinating == ["Sở Tài chính", "các xã", "phường"]


def test_list_under_time_headings_and_items_with_their_own_time():
    blocks = [
        _para("I. MỤC ĐÍCH, YÊU CẦU"),
        _para("- Các đơn vị triển khai nghiêm túc kế hoạch."),
        _para("II. NỘI DUNG"),
        _para("* Quý III:"),
        _para("- Tổng kết công tác năm học 2023 - 2024."),
        _para("- Tháng 9 năm 2024: Khai giảng năm học mới (hồ sơ gửi trước ngày 20/8)."),
        _para("III. TỔ CHỨC THỰC HIỆN"),
        _para("- Hoàn thành báo cáo trước ngày 30/11."),
        _para("Trên đây là kế hoạch năm 2024 của Sở Giáo dục và Đào tạo."),
    ]
    layout = assemble(blocks)
    tasks = find_tasks(layout, [], Metadata(plan_year=2024))
    texts = [t.text for t in tasks]
    # Aims ("Mục đích, yêu cầu") are not assignments; the closing paragraph is not a task.
    assert texts == [
        "Tổng kết công tác năm học 2023 - 2024.",
        "Khai giảng năm học mới (hồ sơ gửi trước ngày 20/8).",
        "Hoàn thành báo cáo trước ngày 30/11.",
    ]
    assert tasks[0].period.quarters == [3] and tasks[0].origin == "list"
    assert tasks[1].period.months == [9] and tasks[1].period.deadlines == ["2024-08-20"]
    assert tasks[2].period.deadlines == ["2024-11-30"] and tasks[2].period.quarters == []


def test_prose_assignments_and_unit_headings():
    blocks = [
        _para("III. TỔ CHỨC THỰC HIỆN"),
        _para("Giao Sở Tài nguyên và Môi trường chủ trì, phối hợp với Sở Xây dựng, UBND các huyện triển khai."),
        _para("Căn cứ Kế hoạch này, các phòng, ban chuyên môn xây dựng kế hoạch chi tiết."),
        _para("Văn phòng Sở:", label="2."),
        _para("Tham mưu Giám đốc Sở tổ chức sơ kết.", label="a)"),
        _para("Theo dõi, đôn đốc việc thực hiện kế hoạch", label="b)"),
        _para("của các đơn vị trực thuộc."),
    ]
    layout = assemble(blocks)
    tasks = find_tasks(layout, [], Metadata(plan_year=2024))
    assert tasks[0].lead == ["Sở Tài nguyên và Môi trường"]
    assert tasks[0].coordinating == ["Sở Xây dựng", "UBND các huyện"]
    assert tasks[0].origin == "paragraph"
    assert tasks[1].lead == ["các phòng", "ban chuyên môn"]
    assert [t.lead for t in tasks[2:]] == [["Văn phòng Sở"], ["Văn phòng Sở"]]
    # A line that starts in lower case continues the item above.
    assert tasks[3].text.endswith("của các đơn vị trực thuộc.")
    assert tasks[3].end == layout.blocks[-1].end


def _score(path, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = extract(path)
    return score_tasks(gold["tasks"], [t.model_dump() for t in doc.tasks]), doc


def _check(score) -> None:
    assert score.match.f1 >= 0.95, (score.missed, score.extra)
    for name in ("quarters", "months", "deadlines"):
        assert score.fields[name].accuracy >= 0.98, name


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.gold.json")), ids=lambda p: p.name[:3])
def test_seed_gold_through_the_pipeline(gold_path):
    score, doc = _score(CORPUS / gold_path.name.replace(".gold.json", ".txt"), gold_path)
    _check(score)
    for task in doc.tasks:
        assert doc.text[task.start : task.end].strip()


def test_seed_units_overall():
    lead_tp = lead_total = 0.0
    for gold_path in sorted(GOLD.glob("*.gold.json")):
        score, _ = _score(CORPUS / gold_path.name.replace(".gold.json", ".txt"), gold_path)
        prf = score.units["lead"]
        lead_tp += prf.tp
        lead_total += 2 * prf.tp + prf.fp + prf.fn
    assert 2 * lead_tp / lead_total >= 0.95


@pytest.mark.parametrize(
    "name", ["lamdong-kh-cchc-2026", "lamdong-kh-thi-dua-cchc-2026", "lamdong-kh-tuyen-truyen-cchc-2026"]
)
def test_real_docx_gold(real_dir, name):
    score, doc = _score(real_dir / f"{name}.docx", REAL_GOLD / f"{name}.gold.json")
    assert score.match.f1 >= 0.9, (score.missed, score.extra)
    for field in ("quarters", "months", "deadlines"):
        assert score.fields[field].accuracy >= 0.98
    assert score.units["lead"].f1 >= 0.95
    assert {u.kind for u in doc.units} <= {
        "department",
        "office",
        "committee",
        "peoples_committee",
        "association",
        "locality",
        "school",
        "party",
        "generic",
        "other",
    }
