"""Tasks from tables, lists and prose; scored against the gold files through the pipeline."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from extractor.base.blocks import Block, assemble
from extractor.commands.scoring import score_tasks
from extractor.pipeline import extract
from extractor.stages.task_prose import coordinating_units, heading_units, unit_subject
from extractor.stages.tasks import find_tasks
from models import Metadata
from models.document import UnitKind
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


@pytest.mark.parametrize(
    ("sentence", "lead"),
    [
        # A subject before a passive "được" receives the action: it is not the task's unit.
        ("Mỗi trường học được cử 02 giáo viên tham dự lớp tập huấn.", None),
        ("Mỗi xã, phường được phân bổ 02 suất học bổng cho học sinh nghèo.", None),
        # "được giao / được phân công ..." before another predicate is a relative clause of the unit.
        (
            "Các đơn vị được phân công rà soát, thẩm định tại Phụ lục II thường xuyên báo cáo tiến độ.",
            ["Các đơn vị được phân công rà soát, thẩm định tại Phụ lục II"],
        ),
        ("Đơn vị được giao chủ trì có trách nhiệm tổng hợp kết quả.", ["Đơn vị được giao chủ trì"]),
        # ... and the main predicate when nothing follows it.
        ("Sở Y tế được giao chủ trì triển khai đề án.", ["Sở Y tế"]),
        # The unit an assigner hands the task to; a copula ends the subject.
        ("Chủ tịch UBND huyện giao Phòng Văn hóa - Thông tin chủ trì tổ chức hội thi.", ["Phòng Văn hóa - Thông tin"]),
        ("Giao Sở Y tế là cơ quan đầu mối, theo dõi việc triển khai.", ["Sở Y tế"]),
        # A later sentence of the item may name its own agent, if its head cannot be read as a verb.
        ("Rà soát hồ sơ tồn đọng. Thủ trưởng các phòng, ban định kỳ báo cáo kết quả.", ["Thủ trưởng các phòng", "ban"]),
        ("Rà soát hồ sơ tồn đọng. Tổ chức, sắp xếp lại kho lưu trữ của cơ quan.", None),
        # A parenthesised unit beside the subject is a second lead; a parenthesised role is not.
        (
            "Giao Sở Tài chính (Chi cục Thuế khu vực) hướng dẫn các hộ kinh doanh.",
            ["Sở Tài chính", "Chi cục Thuế khu vực"],
        ),
        ("Sở Nội vụ (cơ quan thường trực) tổng hợp kết quả.", ["Sở Nội vụ"]),
        ("Tổ chức Hội nghị tổng kết công tác năm của ngành.", None),
    ],
)
def test_unit_subject(sentence, lead):
    found = unit_subject(sentence)
    assert (found[0] if found else None) == lead


@pytest.mark.parametrize(
    ("sentence", "coordinating"),
    [
        ("Hội Nông dân tỉnh phối hợp với chính quyền các cấp vận động hội viên tham gia.", ["chính quyền các cấp"]),
        ("Ban Chỉ huy Quân sự huyện phối hợp chặt chẽ với chính quyền tổ chức huấn luyện.", ["chính quyền"]),
        ("Tăng cường kiểm tra và phối hợp với địa phương trong công tác phòng cháy.", ["địa phương"]),
        ("Phối hợp với Công an tỉnh nâng cao hiệu quả tuần tra.", ["Công an tỉnh"]),
    ],
)
def test_coordinating_units(sentence, coordinating):
    assert coordinating_units(sentence) == coordinating


def test_pos_tagger_finds_the_verb_the_lexicon_does_not_know():
    # "hỗ trợ" and "có" are not in the predicate lexicon: underthesea's tags end the unit list.
    assert coordinating_units("phối hợp với các cơ quan liên quan có giải pháp hỗ trợ người nghiện.") == [
        "các cơ quan liên quan"
    ]
    found = unit_subject("Hội Cựu chiến binh tỉnh vận động hội viên tham gia giữ gìn trật tự.")
    assert found is not None and found[0] == ["Hội Cựu chiến binh tỉnh"]


def test_the_tagger_keeps_a_modifier_phrase_it_splits_into_a_verb():
    """The Hà Tĩnh environment plan 2018 (tune split): underthesea tags the "có" of "có liên quan" as a
    verb; the modifier phrase stays with its unit. "khẩn trương" and "hoàn thiện" open predicates."""
    assert coordinating_units("Chủ trì, phối hợp với các đơn vị có liên quan ứng dụng công nghệ thông tin.") == [
        "các đơn vị có liên quan"
    ]
    assert coordinating_units(
        "Phối hợp với các Sở, ban, ngành liên quan và Ủy ban nhân dân huyện, thành phố, thị xã hoàn thiện "
        "và triển khai thực hiện Quy định bảo vệ môi trường."
    ) == ["các Sở", "ban", "ngành liên quan", "Ủy ban nhân dân huyện", "thành phố", "thị xã"]
    found = unit_subject("UBND thành phố Hà Tĩnh, thị xã Kỳ Anh, thị xã Hồng Lĩnh khẩn trương tổ chức triển khai.")
    assert found is not None and found[0] == ["UBND thành phố Hà Tĩnh", "thị xã Kỳ Anh", "thị xã Hồng Lĩnh"]


def test_tagger_is_imported_only_when_a_sentence_needs_it():
    import subprocess
    import sys

    code = (
        "import sys; from extractor.pipeline import extract; "
        f"extract({str(CORPUS / '001_e90ebdcfd4b0b768.txt')!r}); print('underthesea' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_passive_heading_owns_no_items():
    assert heading_units("ĐƠN VỊ ĐƯỢC KHEN THƯỞNG") == []
    assert heading_units("Sở Nội vụ (Cơ quan Thường trực Hội đồng Thi đua - Khen thưởng tỉnh)") == ["Sở Nội vụ"]


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
    assert {u.kind for u in doc.units} <= set(get_args(UnitKind))


def test_schedule_table_lists_the_units_visited_at_their_times():
    # No content column: each row's unit is the item; a passive header ("được giám sát") makes it no lead.
    blocks = [
        _para("Phụ lục"),
        *_rows(
            0,
            [
                ["TT", "Cơ quan được giám sát", "Thời gian giám sát"],
                ["A", "Các sở, ngành", ""],
                ["1", "Sở Tài chính", "Từ tháng 2 đến tháng 4/2025"],
                ["2", "Sở Giáo dục và Đào tạo", "Tháng 10/2025"],
            ],
        ),
        *_rows(1, [["TT", "Đơn vị thực hiện", "Thời hạn"], ["1", "Phòng Nội vụ huyện", "Trước ngày 30/6/2025"]]),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2025))
    assert [(t.text, t.lead) for t in tasks] == [
        ("Sở Tài chính", []),
        ("Sở Giáo dục và Đào tạo", []),
        ("Phòng Nội vụ huyện", ["Phòng Nội vụ huyện"]),
    ]
    assert tasks[0].period.months == [2, 3, 4] and tasks[0].period.deadlines == []
    assert tasks[1].period.quarters == [4]
    assert tasks[2].period.deadlines == ["2025-06-30"]


def test_numbered_lead_in_clause_owns_its_bullets_until_the_next_number():
    blocks = [
        _para("II. NHIỆM VỤ"),
        _para("1. Các phòng, ban chuyên môn triển khai các nhiệm vụ sau:"),
        _para("- Rà soát danh mục hồ sơ lưu trữ."),
        _para("- Cập nhật dữ liệu lên phần mềm quản lý, bảo đảm đúng quy trình và thời hạn của năm"),
        _para("2025 theo quy định."),
        _para("2. Hoàn thiện quy chế làm việc của cơ quan."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2025))
    assert [t.lead for t in tasks] == [["Các phòng", "ban chuyên môn"]] * 3
    assert tasks[0].text.startswith("Các phòng, ban chuyên môn triển khai")
    # A line cut after a bare number ("2025 theo ...") continues the sentence above.
    assert tasks[2].text.endswith("thời hạn của năm 2025 theo quy định.")


def test_unit_named_by_its_role_among_unit_headings_owns_its_items():
    blocks = [
        _para("IV. TỔ CHỨC THỰC HIỆN"),
        _para("1. Phòng Văn hóa - Thông tin"),
        _para("a) Xây dựng lịch giám sát cụ thể."),
        _para("2. Các trường học được giám sát"),
        _para("a) Chuẩn bị hồ sơ, tài liệu phục vụ đoàn giám sát."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2025))
    assert [t.lead for t in tasks] == [["Phòng Văn hóa - Thông tin"], ["Các trường học được giám sát"]]


def test_enumeration_inside_one_paragraph_gives_one_task_per_member():
    blocks = [
        _para("III. PHÂN CÔNG"),
        _para(
            "1. Văn phòng: (1) Chuẩn bị hội trường, âm thanh; (2) Phối hợp với Sở Tài chính bố trí kinh phí; "
            "(3) Gửi giấy mời đại biểu."
        ),
        _para("2. Sở Y tế có nhiệm vụ: a) Bố trí xe cứu thương; b) Kiểm tra an toàn thực phẩm."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2025))
    assert [t.text for t in tasks] == [
        "Chuẩn bị hội trường, âm thanh;",
        "Phối hợp với Sở Tài chính bố trí kinh phí;",
        "Gửi giấy mời đại biểu.",
        "Bố trí xe cứu thương;",
        "Kiểm tra an toàn thực phẩm.",
    ]
    assert [t.lead for t in tasks] == [["Văn phòng"]] * 3 + [["Sở Y tế"]] * 2
    assert tasks[1].coordinating == ["Sở Tài chính"]
    layout = assemble(blocks)
    for task in find_tasks(layout, [], Metadata(plan_year=2025)):
        assert layout.text[task.start : task.start + len(task.text)] == task.text


def test_agenda_items_name_their_performer_in_brackets():
    blocks = [
        _para("II. CHƯƠNG TRÌNH HỘI THẢO"),
        _para("1. Thời gian: Tổ chức trong 01 buổi, dự kiến ngày 14/11/2025."),
        _para("2. Thành phần tham dự:"),
        _para("- Lãnh đạo các sở, ngành."),
        _para("3. Chương trình"),
        _para("(1) Khai mạc hội thảo (Đồng chí Giám đốc Sở Tư pháp)."),
        _para("(2) Báo cáo đề dẫn (Phòng Phổ biến pháp luật). (3) Thảo luận, trao đổi ý kiến."),
        _para("Ninh Bình, ngày 14 tháng 11 năm 2025"),
        _para("Mọi vướng mắc, đề nghị liên hệ Văn phòng Sở (Đồng chí Hà, điện thoại: 0912.345.678)."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2025))
    assert [(t.text, t.lead) for t in tasks] == [
        ("Tổ chức trong 01 buổi, dự kiến ngày 14/11/2025.", []),
        ("Khai mạc hội thảo (Đồng chí Giám đốc Sở Tư pháp).", ["Đồng chí Giám đốc Sở Tư pháp"]),
        ("Báo cáo đề dẫn (Phòng Phổ biến pháp luật).", ["Phòng Phổ biến pháp luật"]),
    ]
    assert tasks[0].period.deadlines == ["2025-11-14"] and tasks[0].period.months == [11]


def test_submission_closing_and_unit_predicates():
    blocks = [
        _para("I. NỘI DUNG"),
        _para("1. Đề nghị lãnh đạo các phòng, ban quan tâm chỉ đạo việc thực hiện."),
        _para("2. Sở Tư pháp có văn bản hướng dẫn các xã, phường xây dựng kế hoạch và báo cáo kết quả về Sở."),
        _para("3. Giao Chi cục Thủy lợi - đơn vị thường trực Ban Chỉ huy chủ trì tổng hợp."),
        _para("Sở Tư pháp kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt./."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2025))
    assert [t.lead for t in tasks] == [
        ["lãnh đạo các phòng", "ban"],
        ["Sở Tư pháp"],
        ["Chi cục Thủy lợi"],
    ]


# --- table cells holding several bullets: a timetable (Chương trình công tác tháng) ---------------------

# The rows of a monthly work programme as its DOCX gives them (UBND tỉnh Hà Tĩnh, February 2018): a
# day column, a content cell of bullets behind "Sáng:" / "Chiều:" labels, and two unit columns whose
# bullets line up with the content's.
TIMETABLE = [
    ["Ngày", "Nội dung công việc", "Cơ quan Chuẩn bị", "Lãnh đạo Chủ trì"],
    ["1",
     ["Sáng: 7h30’ Tổ chức Lễ chào cờ đầu tháng",
      "- Giao ban UBND tỉnh triển khai thực hiện kinh tế xã hội tháng 2 năm 2018",
      "Chiều: - Đi thăm hỏi, tặng quà các đơn vị và đồng bào dân tộc Chứt, huyện Hương Khê",
      "- Giao ban Ban Quản lý Khu kinh tế tỉnh"],
     ["- VP UBND tỉnh", "- VP UBND tỉnh", "", "- Huyện H. Khê,", "Bộ CH BĐBP", "- BQL KKT tỉnh"],
     ["- Chủ tịch, các PCT", "- Chủ tịch, các PCT", "", "- Đ/c Khánh - CT", "", "- Đ/c Thắng - PCT"]],
    ["4", ["Chủ Nhật"], [], []],
    ["5",
     ["- Chủ tịch UBND tỉnh tham gia Đoàn công tác tại nước bạn (từ ngày 04/02/2018 đến ngày 06/02/2018)",
      "Sáng: - Làm việc với Đoàn công tác của Bộ Y tế"],
     ["- Sở Ngoại vụ, VP UBND tỉnh", "", "- Sở Y tế", "- Sở Nội vụ"],
     ["Đ/c Vinh - PCT"]],
]


def _timetable_blocks() -> list[Block]:
    blocks = [_para("2. Dự kiến lịch làm việc:")]
    for number, row in enumerate(TIMETABLE):
        lines = [cell if isinstance(cell, list) else [cell] for cell in row]
        cells = [" ".join(line for line in cell if line) for cell in lines]
        blocks.append(Block(kind="row", cells=cells, table=0, row=number, cell_lines=lines))
    return blocks


def test_timetable_cells_give_one_task_per_bullet_with_the_day_and_aligned_units():
    layout = assemble(_timetable_blocks())
    meta = Metadata(title="Công tác tháng 02 năm 2018 của Ủy ban nhân dân tỉnh", plan_year=2018)
    tasks = find_tasks(layout, [], meta)

    def pieces(units: list[str]) -> list[str]:  # units as the guidelines compare them: between commas
        return [p.strip() for unit in units for p in unit.split(",")]

    got = [(t.text, t.period.deadlines, pieces(t.lead)) for t in tasks]
    assert got[:4] == [
        ("Tổ chức Lễ chào cờ đầu tháng", ["2018-02-01"], ["VP UBND tỉnh", "Chủ tịch", "các PCT"]),
        ("Giao ban UBND tỉnh triển khai thực hiện kinh tế xã hội tháng 2 năm 2018", ["2018-02-01"],
         ["VP UBND tỉnh", "Chủ tịch", "các PCT"]),
        ("Đi thăm hỏi, tặng quà các đơn vị và đồng bào dân tộc Chứt, huyện Hương Khê", ["2018-02-01"],
         ["Huyện H. Khê", "Bộ CH BĐBP", "Đ/c Khánh - CT"]),
        ("Giao ban Ban Quản lý Khu kinh tế tỉnh", ["2018-02-01"], ["BQL KKT tỉnh", "Đ/c Thắng - PCT"]),
    ]
    # The weekday alone is no task; a bullet's own dates win over its row's day; three unit bullets for
    # two content bullets cannot be aligned (none is given), one leader for the row goes to both.
    assert [t.text for t in tasks[4:]] == [
        "Chủ tịch UBND tỉnh tham gia Đoàn công tác tại nước bạn (từ ngày 04/02/2018 đến ngày 06/02/2018)",
        "Làm việc với Đoàn công tác của Bộ Y tế",
    ]
    assert tasks[4].period.deadlines == ["2018-02-06"] and tasks[5].period.deadlines == ["2018-02-05"]
    assert tasks[4].lead == tasks[5].lead == ["Đ/c Vinh - PCT"]
    for task in tasks:  # every offset points at the bullet's own text
        assert layout.text[task.start : task.end].endswith(task.text[-10:])


def test_a_cell_with_one_entry_is_one_task():
    rows = [["Ngày", "Nội dung công việc", "Cơ quan chuẩn bị"], ["3", ["- Họp Ban Chỉ đạo"], ["Sở Y tế"]]]
    blocks = [Block(kind="row", cells=[" ".join(c) if isinstance(c, list) else c for c in row], table=0, row=i,
                    cell_lines=[c if isinstance(c, list) else [c] for c in row]) for i, row in enumerate(rows)]
    tasks = find_tasks(assemble(blocks), [], Metadata(title="Công tác tháng 3 năm 2024", plan_year=2024))
    assert [(t.text, t.period.deadlines, t.lead) for t in tasks] == [("Họp Ban Chỉ đạo", ["2024-03-03"], ["Sở Y tế"])]


def test_timetable_of_a_real_monthly_programme():
    """The February 2018 programme of UBND tỉnh Hà Tĩnh (corpus/wild, tune): one task per scheduled entry."""
    from tests.test_wild import need_documents

    path = need_documents() / "province-vpubnd-hatinh-ctr-cong-tac-thang-02-2018.docx"
    doc = extract(path)
    table = [t for t in doc.tasks if t.origin == "table"]
    assert len(table) >= 60
    assert all(d.startswith("2018-02-") for t in table for d in t.period.deadlines)
    assert sum(1 for t in table if t.lead) >= 0.8 * len(table)


def test_header_word_broken_by_a_narrow_pdf_column():
    from extractor.stages.task_tables import classify_header

    assert classify_header("Ngà y") == classify_header("Ngày") == "time"
    assert classify_header("Nội dung công việc") == "content"
    assert classify_header("Ghi chép") is None  # no keyword, whole or broken


def _record_tasks(blocks):
    from extractor.stages.segment import find_sections

    layout = assemble(blocks)
    return find_tasks(layout, find_sections(layout), Metadata(plan_year=2017))


def test_task_record_with_labelled_parts_is_one_task():
    """An item whose sub-headings are all field labels (the task table's columns as headings) is one task:
    its unit part gives the units, its one-statement time part the period; no part is a task itself."""
    tasks = _record_tasks([
        _para("II. NỘI DUNG"),
        _para("1. Tập huấn nghiệp vụ cho cán bộ cấp xã"),
        _para("a) Nội dung hoạt động"),
        _para("- Biên soạn tài liệu tập huấn."),
        _para("b) Đơn vị thực hiện"),
        _para("Sở Nội vụ chủ trì, phối hợp với Ủy ban nhân dân các huyện thực hiện."),
        _para("c) Thời gian thực hiện"),
        _para("Trong quý III năm 2017."),
        _para("2. Kiểm tra kết quả"),
        _para("a) Đơn vị thực hiện: Thanh tra tỉnh"),
        _para("b) Thời gian: Tháng 11 năm 2017"),
    ])
    assert [t.text for t in tasks] == ["Tập huấn nghiệp vụ cho cán bộ cấp xã", "Kiểm tra kết quả"]
    first, second = tasks
    assert first.lead == ["Sở Nội vụ"] and first.coordinating == ["Ủy ban nhân dân các huyện"]
    assert first.period.quarters == [3]
    assert second.period.months == [11]


def test_task_records_on_a_real_thematic_plan():
    """Hà Tĩnh KH 196/2017 (corpus/wild, tune): activity records "n. title / a) Các hoạt động chủ yếu /
    b) Phương thức thực hiện / c) Thời gian thực hiện"; a c) that lists dated activities gives one task per
    activity with the record's units (guidelines notes C4)."""
    from tests.test_wild import need_documents

    doc = extract(need_documents() / "province-ubnd-hatinh-kh196-mat-can-bang-gioi-tinh-2017.docx")
    by_text = {t.text: t for t in doc.tasks}
    record = by_text["Khảo sát, đánh giá"]
    assert record.lead[:1] == ["Sở Y tế"] and record.coordinating == ["các đơn vị có liên quan"]
    assert not any(t.text.startswith("Sở Y tế (Chi cục DS-KHHGĐ) chủ trì") for t in doc.tasks)
    activity = next(t for t in doc.tasks if t.text.startswith("Hội thảo triển khai Kế hoạch tổ chức vào Quý III"))
    assert activity.period.quarters == [3] and activity.lead[:1] == ["Sở Y tế"]
    assert not any(t.text.startswith("Khảo sát, đánh giá đầu vào") for t in doc.tasks)  # an a) bullet
    # "4. Đưa nội dung ... / b) Phương thức thực hiện / - Tổ chức giảng dạy lồng ghép ...": a sentence of the
    # way of doing names no unit ("Tổ chức" is its verb), so the record names none.
    assert not any("Tổ chức giảng dạy" in unit for t in doc.tasks for unit in t.lead)


def test_a_subjectless_clause_after_a_fronted_phrase_takes_its_heading_unit():
    """Hà Tĩnh KH 196/2017 (corpus/wild, tune): "9. Đề nghị Ủy ban MTTQ tỉnh và các hội, đoàn thể" /
    "Trong phạm vi, chức năng, nhiệm vụ phối hợp với các sở, ngành ... vận động ..., hội viên và các tầng
    lớp Nhân dân tích cực ...": the fronted phrase ends where a predicate comes, so the commas after it
    open no subject and the heading's units lead."""
    from extractor.stages.task_prose import unit_subject
    from tests.test_wild import need_documents

    assert unit_subject("Căn cứ Kế hoạch, chức năng, nhiệm vụ, Sở Y tế chủ trì, phối hợp với Sở Tài chính")[0] == ["Sở Y tế"]
    assert unit_subject("Trong quá trình thực hiện, nếu có vướng mắc, các đơn vị báo cáo Sở Y tế")[0] == ["các đơn vị"]
    doc = extract(need_documents() / "province-ubnd-hatinh-kh196-mat-can-bang-gioi-tinh-2017.docx")
    task = next(t for t in doc.tasks if t.text.startswith("Trong phạm vi, chức năng, nhiệm vụ phối hợp"))
    assert task.lead == ["Ủy ban MTTQ tỉnh", "các hội", "đoàn thể"]


# Person-headed duties and hour-by-hour schedules (guidelines, "Layouts of work assignment"). No tune
# document of corpus/wild, corpus/ or ../shared/real has either layout in its prose (the one inspection
# delegation plan of corpus/wild is a sealed check file), so these plans are small synthetic texts
# written in the layouts as provincial plans print them.
_PLAN_HEAD = "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nNghệ An, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\n"


def _text_tasks(body: str):
    from extractor import extract_text

    return extract_text(_PLAN_HEAD + body).tasks


def test_duties_under_a_person_and_role_heading_are_led_by_the_heading():
    """Synthetic plan (no real one in the tune corpus): each duty under "n. <honorific> <name or post> -
    <role>" is a task whose lead is the heading as written; a role heading alone ("Các thành viên ...")
    leads too, a place that opens with "Bà" ("Bà Rịa - Vũng Tàu") does not."""
    tasks = _text_tasks(
        "Hoạt động của Ban Chỉ đạo chuyển đổi số tỉnh năm 2024\n"
        "I. PHÂN CÔNG NHIỆM VỤ\n"
        "1. Đồng chí Chủ tịch UBND tỉnh - Trưởng ban\n"
        "- Chỉ đạo chung mọi hoạt động của Ban Chỉ đạo.\n"
        "- Chủ trì các cuộc họp định kỳ trong quý I và quý III năm 2024.\n"
        "2. Ông Nguyễn Văn An - Phó Chủ tịch UBND tỉnh - Phó Trưởng ban Thường trực\n"
        "- Chỉ đạo xây dựng báo cáo sơ kết, hoàn thành trước ngày 30/6/2024.\n"
        "3. Các thành viên Ban Chỉ đạo\n"
        "- Tham mưu xây dựng kế hoạch chuyển đổi số của ngành.\n"
        "4. Bà Rịa - Vũng Tàu\n"
        "- Gửi báo cáo trước ngày 30/4/2024.\n"
        "II. THÀNH VIÊN ĐOÀN KIỂM TRA\n"
        "- Đồng chí Nguyễn Văn Cường, Phó Giám đốc Sở Nội vụ;\n"
        "- Giám đốc Sở Tài chính - Thành viên;\n"
        "- Tổng hợp kết quả kiểm tra gửi Trưởng đoàn.\n"
    )
    lead = {t.text: t.lead for t in tasks}
    chair = ["Đồng chí Chủ tịch UBND tỉnh - Trưởng ban"]
    assert lead["Chỉ đạo chung mọi hoạt động của Ban Chỉ đạo."] == chair
    assert lead["Chủ trì các cuộc họp định kỳ trong quý I và quý III năm 2024."] == chair
    deputy = next(t for t in tasks if t.text.startswith("Chỉ đạo xây dựng báo cáo sơ kết"))
    assert deputy.lead == ["Ông Nguyễn Văn An - Phó Chủ tịch UBND tỉnh - Phó Trưởng ban Thường trực"]
    assert deputy.period.deadlines == ["2024-06-30"]
    assert lead["Tham mưu xây dựng kế hoạch chuyển đổi số của ngành."] == ["Các thành viên Ban Chỉ đạo"]
    assert lead["Gửi báo cáo trước ngày 30/4/2024."] == []
    # Under a role heading, the lines that only name members are no tasks; a duty there is one.
    assert lead["Tổng hợp kết quả kiểm tra gửi Trưởng đoàn."] == ["THÀNH VIÊN ĐOÀN KIỂM TRA"]
    assert not any(t.text.startswith(("Đồng chí", "Ông", "Bà", "Giám đốc")) for t in tasks)


def test_labelled_duties_of_board_roles_and_member_lists():
    """Synthetic plan: "- Trưởng đoàn: chỉ đạo chung ..." is a task led by the label, its text the duty;
    a line that names the member ("- Trưởng đoàn: Đồng chí Nguyễn Văn An, ...") assigns no duty."""
    tasks = _text_tasks(
        "Kiểm tra công tác cải cách hành chính năm 2024\n"
        "I. THÀNH PHẦN ĐOÀN KIỂM TRA\n"
        "- Trưởng đoàn: Đồng chí Nguyễn Văn An, Phó Chủ tịch UBND tỉnh;\n"
        "- Phó Trưởng đoàn: Ông Lê Văn Bình, Giám đốc Sở Nội vụ;\n"
        "II. NHIỆM VỤ CỦA ĐOÀN KIỂM TRA\n"
        "- Trưởng đoàn: chỉ đạo chung hoạt động của Đoàn kiểm tra, ký thông báo kết luận kiểm tra.\n"
        "- Phó Trưởng đoàn: giúp Trưởng đoàn xây dựng lịch kiểm tra, hoàn thành trong tháng 5/2024.\n"
        "- Thư ký: tổng hợp báo cáo kết quả kiểm tra trước ngày 15/6/2024.\n"
    )
    by_lead = {t.lead[0]: t for t in tasks if t.lead}
    assert by_lead["Trưởng đoàn"].text.startswith("chỉ đạo chung hoạt động của Đoàn kiểm tra")
    assert by_lead["Phó Trưởng đoàn"].period.months == [5]
    assert by_lead["Thư ký"].period.deadlines == ["2024-06-15"]
    assert not any("Nguyễn Văn An" in t.text or "Lê Văn Bình" in t.text for t in tasks)


def test_hour_by_hour_schedule_entries_take_their_day():
    """Synthetic plan: a schedule entry that opens with its clock time is a task whose deadline is the day
    it names, else the day heading's above it; its unit comes from the text; day headings, part-of-day
    labels and a lone time are no tasks."""
    tasks = _text_tasks(
        "Đón tiếp và làm việc với Đoàn công tác của Bộ Nội vụ\n"
        "I. CHƯƠNG TRÌNH LÀM VIỆC\n"
        "7h30 ngày 15/3/2024: Đón đoàn tại sân bay Vinh (Sở Ngoại vụ).\n"
        "Ngày 16/3/2024 (thứ Bảy):\n"
        "Buổi sáng:\n"
        "- 8h00 - 9h30: Làm việc với Ủy ban nhân dân tỉnh (Văn phòng UBND tỉnh).\n"
        "Buổi chiều:\n"
        "- 14h00: Khảo sát thực tế tại Trung tâm Phục vụ hành chính công tỉnh.\n"
        "- 16h00\n"
    )
    by_text = {t.text: t for t in tasks}
    welcome = by_text["Đón đoàn tại sân bay Vinh (Sở Ngoại vụ)."]
    assert welcome.period.deadlines == ["2024-03-15"] and welcome.period.months == [3]
    assert welcome.period.quarters == [1] and welcome.lead == ["Sở Ngoại vụ"]
    meeting = by_text["Làm việc với Ủy ban nhân dân tỉnh (Văn phòng UBND tỉnh)."]
    assert meeting.period.deadlines == ["2024-03-16"] and meeting.lead == ["Văn phòng UBND tỉnh"]
    visit = by_text["Khảo sát thực tế tại Trung tâm Phục vụ hành chính công tỉnh."]
    assert visit.period.deadlines == ["2024-03-16"]
    assert len(tasks) == 3


def test_timetable_of_hours_takes_the_day_heading_above_it():
    """Synthetic plan: a Thời gian / Nội dung / Đơn vị table whose time cells are hours of a day gives one
    task per row, with the day of the heading above the table (or of a day row inside it) as deadline."""
    blocks = [
        _para("I. CHƯƠNG TRÌNH HỘI NGHỊ"),
        _para("Ngày 20/3/2024 (thứ Tư):"),
        *_rows(1, [
            ["Thời gian", "Nội dung", "Đơn vị thực hiện"],
            ["7h30 - 8h00", "Đón tiếp đại biểu", "Văn phòng UBND tỉnh"],
            ["8h00 - 8h15", "Khai mạc Hội nghị", "Sở Nội vụ"],
            ["", "Ngày 21/3/2024 (thứ Năm)", ""],
            ["8h00 - 10h00", "Tham quan mô hình điểm", "Sở Nông nghiệp và Phát triển nông thôn"],
        ]),
    ]
    from extractor.stages.segment import find_sections

    layout = assemble(blocks)
    tasks = find_tasks(layout, find_sections(layout), Metadata(plan_year=2024))
    assert [(t.text, t.period.deadlines, t.lead) for t in tasks] == [
        ("Đón tiếp đại biểu", ["2024-03-20"], ["Văn phòng UBND tỉnh"]),
        ("Khai mạc Hội nghị", ["2024-03-20"], ["Sở Nội vụ"]),
        ("Tham quan mô hình điểm", ["2024-03-21"], ["Sở Nông nghiệp và Phát triển nông thôn"]),
    ]


def test_a_numbered_line_that_only_names_who_acts_heads_the_items_below():
    """Hà Tĩnh KH 122/2018 (corpus/wild, tune), "III. TỔ CHỨC THỰC HIỆN": "1. Các Sở, ban, ngành, đoàn thể
    cấp tỉnh; UBND các huyện, thành phố, thị xã căn cứ chức năng, nhiệm vụ, quyền hạn của mình có trách
    nhiệm:" is no task; its bullets are, led by its units (the scope of duty ends the last unit)."""
    from tests.test_wild import need_documents

    doc = extract(need_documents() / "province-ubnd-hatinh-kh122-bao-ve-moi-truong-2018.doc")
    units = ["Các Sở", "ban", "ngành", "đoàn thể cấp tỉnh", "UBND các huyện", "thành phố", "thị xã"]
    assert not any(t.text.startswith("Các Sở, ban, ngành, đoàn thể cấp tỉnh; UBND các huyện, thành phố, thị xã căn cứ")
                   for t in doc.tasks)
    plan = next(t for t in doc.tasks if t.text.startswith("Xây dựng kế hoạch cụ thể của ngành, địa phương mình"))
    assert plan.lead == units and plan.period.deadlines == ["2018-11-15"]
    helping = next(t for t in doc.tasks if t.text.startswith("Phối hợp với các đơn vị chủ trì"))
    assert helping.lead == units


def test_an_indicator_table_assigns_each_target_to_its_bulleted_units():
    """Hà Tĩnh KH 122/2018 (corpus/wild, tune), annex "TT | Chỉ tiêu | Cơ quan chủ trì | Cơ quan phối hợp |
    Kết quả đến năm 2025" (guidelines notes C8): one task per numbered row, the header no task, and a
    unit cell written as bullets ("- Sở TN và MT; - UBND các huyện, TP, TX.") gives each unit."""
    from tests.test_wild import need_documents

    doc = extract(need_documents() / "province-ubnd-hatinh-kh122-bao-ve-moi-truong-2018.doc")
    assert not any(t.text == "Chỉ tiêu" for t in doc.tasks)
    first = next(t for t in doc.tasks if t.text.startswith("Tỷ lệ dự án đầu tư có báo cáo ĐTM"))
    assert first.origin == "table" and first.lead == ["Sở TN và MT", "UBND các huyện, TP, TX"]
    assert not (first.period.quarters or first.period.months or first.period.deadlines)
    second = next(t for t in doc.tasks if t.text.startswith("Tỷ lệ khu công nghiệp đang hoạt động"))
    assert second.lead[0] == "BQL Khu kinh tế tỉnh"


def test_an_ocr_header_one_letter_off_still_names_its_column():
    """A monthly programme printed and scanned (scripts/derive_formats.py): OCR reads the day column's
    header "Ngày" as "Ngà" or "Nga y"; in an OCR'd row a one-word header one edit from a keyword of four
    letters or more names that column, so the days still give each entry its date. Typed text is exact."""
    from extractor.stages.task_tables import header_map

    cells = ["Ngà", "Nội dung công việc", "Cơ quan Chuẩn bị", "Lãnh đạo Chủ trì"]
    assert header_map(cells, ocr=True) == {0: "time", 1: "content", 2: "lead", 3: "lead_more"}
    assert header_map(["Nga y", *cells[1:]], ocr=True)[0] == "time"
    assert 0 not in (header_map(cells) or {})


def test_scanned_annex_rows_with_noisy_header_and_unreadable_unit_cells():
    """A scanned investment-promotion annex (Hà Tĩnh, tune split) as Tesseract read it: a rule's stroke
    beside the number header ("| TT"), stray letters inside the time header ("Thời 1wmaw gian"), and unit
    cells OCR garbled past reading. The header still names its columns; a numbered row whose unit cell
    is written but unreadable is a task whose units stay unknown (never guessed); the group and total
    rows, with no unit cell, stay out."""
    rows = [
        ["| TT", "Loại hoạt động xúc tiễn đầu tư _", "-Đơnvị đầu MỌI tô chức thực hiện :",
         "Thời 1wmaw gian tô chức thực hiện :", "¬ Đơn vị phối hợp"],
        ["", '"Tổng kinh phí', "", "", ""],
        ["1", "Nghiên cứu, đánh giá tiềm năng, thị trường, xu hướng và đối tác đầu tư", "", "", ""],
        ["1.4", "Tiếp tục liên hệ, làm việc với Đại sử quản các nước", "ìỞ 3ở Ngoại nụ và [rung", "", ""],
        ["1.5", "Tiếp tục khâu nỗi, đôn đốc triển khai thực hiện các thỏa thuận hợp tác",
         "3ở HĐT, 3an QL &€KT và Tung ầm.", "-ả năm", ""],
        ["3.1", "Xây dựng danh mục các dự án kêu gọi đầu tư năm 2017", "Trung tâm Hỗ trợ PTDN và XTĐT", "Quý 1", ""],
    ]
    blocks = _rows(0, rows, page=1)
    for block in blocks:
        block.ocr = True
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2017))
    assert [t.text[:20] for t in tasks] == ["Tiếp tục liên hệ, là", "Tiếp tục khâu nỗi, đ", "Xây dựng danh mục cá"]
    assert tasks[0].lead == [] and tasks[1].lead == []
    assert tasks[2].lead == ["Trung tâm Hỗ trợ PTDN và XTĐT"] and tasks[2].period.quarters == [1]


def test_scanned_header_garbled_past_its_keywords_is_checked_by_its_columns():
    """The same scanned annex read another time (its dotted rules erased): OCR garbled the lead header
    ("Đơnvị đâu mồi tực th hiễn") past every keyword and left "thực hiển" in the time header, which then
    reads as a lead. The cells below are read at body size and say what each column holds: times
    ("Thường xuyên" between OCR's marks, "Quý 1") make the time column, units the lead column."""
    rows = [
        ["| TT", "Loại hoạt động xúc tiễn đầu tư ˆ", "-Đơnvị đâu mồi tực th hiễn Ệ", "Thời Hmw _ thực hiển Ệ",
         "Địa điểm tổ chức", "¬ Đơn vị phối hợp"],
        ["1", "Nghiên cứu, đánh giá tiềm năng, thị trường, xu hướng và đối tác đầu tư", "", "", "", ""],
        ["1.1", "Tiếp tục nghiên cứu đánh giá tiềm năng, xu hướng và đối tác đầu tư", "Trung tâm Hỗ trợ PTDN và XTĐT",
         "Thường ` ˆ xuyên „", "x", "ĐSQ các nước tại Việt Nam"],
        ["1.2", "Nghiên cứu, tìm kiếm thị trường cho các sản phẩm chủ lực của tỉnh", "Sở KHĐT, Sở Công thương",
         "Thường ˆ xuyên", "x", "Các cơ quan thuộc Bộ KHĐT"],
        ["3.1", "Xây dựng danh mục các dự án kêu gọi đầu tư năm 2017", "Trung tâm Hỗ trợ PTDN và XTĐT", "Quý 1", "x", ""],
    ]
    blocks = _rows(0, rows, page=1)
    for block in blocks:
        block.ocr = True
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2017))
    assert [t.lead for t in tasks] == [["Trung tâm Hỗ trợ PTDN và XTĐT"], ["Sở KHĐT", "Sở Công thương"],
                                       ["Trung tâm Hỗ trợ PTDN và XTĐT"]]
    assert tasks[2].period.quarters == [1]
    # Typed (not OCR'd) headers are taken as written: the cells are not asked.
    for block in blocks:
        block.ocr = False
    assert all(not t.lead for t in find_tasks(assemble(blocks), [], Metadata(plan_year=2017)))


def test_scanned_number_header_read_as_noise_is_found_from_its_cells():
    """The 2016 annex of the same plans, scanned: OCR read its "TT" header as a mark, so the header names
    no number column, and a row without a time of its own would read as the wrapped text of the row above.
    The cells before the content are item numbers ("1.1", "1.3"; "1T" as OCR read "1.1"): that column
    numbers the rows, and each numbered row is its own task."""
    rows = [
        ["ˆ", "Loại hoạt động xúc tiến đầu tư", "Đơn vị đầu mối tổ chức thực hiện", "Thời gian tổ chức thực hiện"],
        ["1T", "Tiếp tục nghiên cứu đánh giá tiềm năng, xu hướng và đối tác đầu tư", "Sở KHĐT", "Thường xuyên"],
        ["1.2", "Nghiên cứu, tìm kiếm thị trường cho các sản phẩm chủ lực của tỉnh", "Sở KHĐT, Sở Công thương",
         "Thường xuyên"],
        ["1.3", "Thông qua các nhà đầu tư đã đầu tư tại Hà Tĩnh, tiếp tục kêu gọi các nhà đầu tư", "Sở KHĐT", ""],
    ]
    blocks = _rows(0, rows, page=1)
    for block in blocks:
        block.ocr = True
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2016))
    assert [t.lead for t in tasks] == [["Sở KHĐT"], ["Sở KHĐT", "Sở Công thương"], ["Sở KHĐT"]]


def test_a_merged_unit_header_over_sub_columns_gives_each_its_role():
    """A header cell merged over several columns, whose sub-columns the next row names: "Đơn vị thực hiện"
    over "Chủ trì | Phối hợp" (typed), and, on the scanned Hà Tĩnh 2017 annex (tune split) as OCR read it,
    "Đơn vị phối hợp" over four kinds of partner, the enterprise columns ticked with "x". Each sub-column
    holds units of its role; a tick names no unit; the sub-header row is no task."""
    typed = _rows(0, [
        ["TT", "Nội dung công việc", "Đơn vị thực hiện", "", "Thời gian"],
        ["", "", "Chủ trì", "Phối hợp", ""],
        ["1", "Rà soát thủ tục hành chính", "Văn phòng UBND tỉnh", "Các sở, ban, ngành", "Quý II"],
    ], page=1)
    (task,) = find_tasks(assemble(typed), [], Metadata(plan_year=2026))
    assert task.lead == ["Văn phòng UBND tỉnh"] and task.coordinating == ["Các sở", "ban", "ngành"]
    assert task.period.quarters == [2]
    scanned = _rows(0, [
        ["| TT", "Loại hoạt động xúc tiễn đầu tư ˆ", "-Đơnvị đâu mồi tực th hiễn Ệ", "Thời Hmw _ thực hiển Ệ",
         "¬ Đơn vị phối hợp", "", "", ""],
        ["", "", "", "", "Tổ chức/ cơ quan trongnước", "- TẾ chức/ cơ quan ' ngoài", "Doanh Trong nước",
         "sa nghiệp Nước ngoài Š"],
        ["1.4", "Tiếp tục liên hệ, làm việc với Đại sử quản các nước", "Sở KHĐT, Sở Ngoại vụ", "Cả năm",
         "Các cơ quan liên quan của Bộ KHĐT, Bộ Ngoại giao", "ĐSQ các nước tại Việt Nam", "x", "Xx"],
        ["1.5", "Tiếp tục khâu nối, đôn đốc triển khai thực hiện các thỏa thuận", "Sở KHĐT", "Cả năm",
         "", "", "", "x"],
    ], page=1)
    for block in scanned:
        block.ocr = True
    first, second = find_tasks(assemble(scanned), [], Metadata(plan_year=2017))
    assert first.coordinating == ["Các cơ quan liên quan của Bộ KHĐT, Bộ Ngoại giao", "ĐSQ các nước tại Việt Nam"]
    assert second.coordinating == []


def test_the_recipients_notes_after_an_ocr_damaged_label_are_no_tasks():
    """The 2016 investment-promotion programme (scanned, tune split): OCR read "Nơi nhận:" as "Nơi nhân:";
    the delivery note under the recipients ("+ VB giấy: Sở KH và ĐT ...") names a unit but is no duty."""
    blocks = [
        _para("III. TỔ CHỨC THỰC HIỆN"),
        _para("Sở Kế hoạch và Đầu tư chủ động phối hợp với Cục Đầu tư nước ngoài tổ chức hội thảo trong quý II."),
        _para("Nơi nhân:"),
        _para("- Bộ Kế hoạch và Đầu tư;"),
        _para("- Lưu: VT, CN."),
        _para("+ VB giấy: Sở KH và ĐT và các thành phần không nhận điện tử;"),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2016))
    assert [t.lead for t in tasks] == [["Sở Kế hoạch và Đầu tư"]]


def test_a_lone_time_line_is_no_task():
    # Issue 15: "a lone time line is never a task"; the schedule's items under it still are.
    blocks = [
        _para("II. THỜI GIAN, ĐỊA ĐIỂM"),
        _para("1. Thời gian: từ ngày 15/3/2024 đến ngày 17/3/2024."),
        _para("2. Chương trình cụ thể"),
        _para("- 7h30 ngày 15/3/2024: Khai mạc Hội thi."),
        _para("III. TỔ CHỨC THỰC HIỆN"),
        _para("1. Phòng Quản lý văn hóa chủ trì xây dựng thể lệ, hoàn thành trước ngày 05/3/2024."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2024))
    assert [t.text for t in tasks] == [
        "Khai mạc Hội thi.",
        "Phòng Quản lý văn hóa chủ trì xây dựng thể lệ, hoàn thành trước ngày 05/3/2024.",
    ]
    assert tasks[0].period.deadlines == ["2024-03-15"]


def test_a_closing_bracket_assigns_the_item_with_its_own_predicate():
    # "(X chủ trì, phối hợp với Y)" after an item names its lead and partners, in numbered items too; the
    # partner list stops at the bracket's end.
    blocks = [
        _para("II. NỘI DUNG"),
        _para("1. Tổ chức hội nghị sơ kết công tác tuyên truyền, trong tháng 6/2024 (Văn phòng Sở chủ trì, "
              "phối hợp với Phòng Quản lý văn hóa)."),
        _para("2. Xây dựng phóng sự về các di tích, hoàn thành trong quý III/2024 (giao Trung tâm Văn hóa tỉnh "
              "thực hiện)."),
        _para("3. Rà soát các di tích, tháng 9/2024 (theo Kế hoạch số 12/KH-UBND)."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2024))
    assert [(t.lead, t.coordinating) for t in tasks] == [
        (["Văn phòng Sở"], ["Phòng Quản lý văn hóa"]),
        (["Trung tâm Văn hóa tỉnh"], []),
        ([], []),
    ]


def test_items_under_a_phase_heading_take_its_range_and_the_heading_is_no_task():
    blocks = [
        _para("II/ Thời gian kiểm tra"),
        _para("1. Đợt 1: từ ngày 15/3 đến ngày 20/3/2022"),
        _para("a/ Kiểm tra tại các xã phía Bắc."),
        _para("b/ Kiểm tra tại thị trấn."),
        _para("Đợt 2 (tháng 9/2022):"),
        _para("- Kiểm tra các xã còn lại."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2022))
    assert [t.text for t in tasks] == [
        "Kiểm tra tại các xã phía Bắc.",
        "Kiểm tra tại thị trấn.",
        "Kiểm tra các xã còn lại.",
    ]
    assert [t.period.deadlines for t in tasks] == [["2022-03-20"], ["2022-03-20"], []]
    assert [t.period.months for t in tasks] == [[3], [3], [9]]


def test_person_headed_duties_inside_the_team_composition_part():
    """"Thành phần đoàn kiểm tra" lists who is on the team (no assignment), but a member heading with
    duties below it assigns them: the lead is the heading as written."""
    blocks = [
        _para("I/ Thành phần đoàn kiểm tra"),
        _para("1. Ông Nguyễn Văn A - Trưởng phòng, Trưởng đoàn"),
        _para("- Chỉ đạo chung hoạt động của đoàn."),
        _para("2. Bà Trần Thị B - Chuyên viên, Thành viên"),
        _para("- Tổng hợp báo cáo kết quả kiểm tra trước ngày 30/6/2022."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2022))
    assert [(t.text, t.lead) for t in tasks] == [
        ("Chỉ đạo chung hoạt động của đoàn.", ["Ông Nguyễn Văn A - Trưởng phòng, Trưởng đoàn"]),
        ("Tổng hợp báo cáo kết quả kiểm tra trước ngày 30/6/2022.", ["Bà Trần Thị B - Chuyên viên, Thành viên"]),
    ]


@pytest.mark.parametrize(
    ("sentence", "lead"),
    [
        ("Công chức Văn hóa - Xã hội chủ trì tham mưu tổ chức các hoạt động.", ["Công chức Văn hóa - Xã hội"]),
        ("Cán bộ Tư pháp - Hộ tịch tham mưu UBND xã thực hiện.", ["Cán bộ Tư pháp - Hộ tịch"]),
        ("Trạm Y tế xã phối hợp với Trường Mầm non tổ chức khám sức khỏe.", ["Trạm Y tế xã"]),
        ("Trưởng thôn có trách nhiệm tuyên truyền đến từng hộ gia đình.", ["Trưởng thôn"]),
        ("Đồng chí Chủ tịch UBND xã chỉ đạo chung.", ["Đồng chí Chủ tịch UBND xã"]),
        ("Đ/c Phó Chủ tịch UBND xã chỉ đạo chung.", ["Đ/c Phó Chủ tịch UBND xã"]),
        ("Các thôn, tổ dân phố tổ chức tuyên truyền đến nhân dân.", ["Các thôn", "tổ dân phố"]),
        ("Tuyên truyền để các đồng chí đảng viên nắm rõ.", None),
        # Written alone, the posts name people in general: no one is assigned.
        ("Tuyên truyền, yêu cầu cán bộ, công chức, viên chức chấp hành nghiêm chủ trương.", None),
    ],
)
def test_commune_posts_lead_where_they_are_named(sentence, lead):
    found = unit_subject(sentence)
    assert (found[0] if found else None) == lead


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("Hạn hoàn thành", "time"),
        ("Thời điểm thực hiện", "time"),
        ("Đơn vị phụ trách", "lead"),
        ("Lãnh đạo phụ trách", "lead"),
        ("Đơn vị đầu mối", "lead"),
        ("Dự kiến kinh phí", "note"),
        ("Địa điểm", None),
    ],
)
def test_more_task_table_headers_by_their_words(header, meaning):
    from extractor.stages.task_tables import classify_header

    assert classify_header(header) == meaning


@pytest.mark.parametrize(
    "line",
    [
        "Mọi thông tin cần trao đổi, đề nghị các đơn vị liên hệ Cục Cảnh sát, Bộ Công an (Đồng chí Nguyễn Văn A, "
        "điện thoại: 0988.688.580).",
        "3/V01, điện thoại: 0945 548.065 hoặc C04: Đ/c Cao Thị B) để giải quyết.",  # a cut-off tail of one
    ],
)
def test_contact_details_are_no_task(line):
    blocks = [_para("III. TỔ CHỨC THỰC HIỆN"), _para("- Các đơn vị triển khai trước ngày 15/3."), _para(line)]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2026))
    assert [t.text for t in tasks] == ["Các đơn vị triển khai trước ngày 15/3."]


def test_unit_headed_duties_of_a_ministry_and_a_lead_in_that_assigns_the_items_below():
    """"Vụ Pháp chế có trách nhiệm:" heads its lettered items; "Giao Phòng Nội vụ chủ trì, phối hợp với
    ... thực hiện các nội dung sau:" gives its lead and partners to each item and is no task itself."""
    blocks = [
        _para("III. TỔ CHỨC THỰC HIỆN"),
        _para("1. Vụ Pháp chế có trách nhiệm:"),
        _para("a) Chủ trì rà soát văn bản quy phạm pháp luật, hoàn thành trong quý II/2024;"),
        _para("2. Giao Phòng Nội vụ chủ trì, phối hợp với các cơ quan liên quan thực hiện các nội dung sau:"),
        _para("- Xây dựng kế hoạch tuyển dụng (tháng 4/2024);"),
        _para("- Tổ chức thi tuyển trong tháng 6 và 7/2024."),
    ]
    tasks = find_tasks(assemble(blocks), [], Metadata(plan_year=2024))
    assert [(t.text, t.lead, t.coordinating) for t in tasks] == [
        ("Chủ trì rà soát văn bản quy phạm pháp luật, hoàn thành trong quý II/2024;", ["Vụ Pháp chế"], []),
        ("Xây dựng kế hoạch tuyển dụng (tháng 4/2024);", ["Phòng Nội vụ"], ["các cơ quan liên quan"]),
        ("Tổ chức thi tuyển trong tháng 6 và 7/2024.", ["Phòng Nội vụ"], ["các cơ quan liên quan"]),
    ]
