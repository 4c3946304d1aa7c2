"""Unit names: splitting lists into units, canonical names, kinds; collect_units over tasks."""

from __future__ import annotations

import pytest

from extractor.base.blocks import Block, assemble
from extractor.stages.units import collect_units
from extractor.vocab.unit_names import canonical_unit, parse_unit_list, split_units, unit_key, unit_kind
from models import Metadata, Task


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Các phòng chuyên môn và các đơn vị trực thuộc", ["Các phòng chuyên môn", "các đơn vị trực thuộc"]),
        ("Sở Lao động - Thương binh và Xã hội", ["Sở Lao động - Thương binh và Xã hội"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Hội đồng Thi đua - Khen thưởng", ["Hội đồng Thi đua - Khen thưởng"]),
        ("Báo và Phát thanh, Truyền hình tỉnh", ["Báo và Phát thanh, Truyền hình tỉnh"]),
        ("Sở Tư pháp; UBND các xã, phường, đặc khu", ["Sở Tư pháp", "UBND các xã", "phường", "đặc khu"]),
        ("Sở Tư pháp, Văn phòng UBND tỉnh, Công an tỉnh", ["Sở Tư pháp", "Văn phòng UBND tỉnh", "Công an tỉnh"]),
        ("Văn phòng Sở - Cơ quan Thường trực Hội đồng thi đua, khen thưởng Sở", ["Văn phòng Sở"]),
        ("Sở Giáo dục và Đào tạo, Sở Y tế", ["Sở Giáo dục và Đào tạo", "Sở Y tế"]),
        ("Theo phân công tại Quyết định số 1737/QĐ-UBND", []),
        # Media, mass organisations, courts and party bodies are units in general usage.
        ("Đài Phát thanh - Truyền hình tỉnh, Báo Quảng Ngãi", ["Đài Phát thanh - Truyền hình tỉnh", "Báo Quảng Ngãi"]),
        ("Báo và Đài Phát thanh, Truyền hình Nghệ An", ["Báo và Đài Phát thanh, Truyền hình Nghệ An"]),
        (
            "Ủy ban MTTQ Việt Nam tỉnh, Hội Liên hiệp Phụ nữ tỉnh, Tỉnh đoàn",
            ["Ủy ban MTTQ Việt Nam tỉnh", "Hội Liên hiệp Phụ nữ tỉnh", "Tỉnh đoàn"],
        ),
        ("Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh", ["Viện Kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh"]),
        ("Các cấp ủy, chính quyền các cấp", ["Các cấp ủy", "chính quyền các cấp"]),
        # A unit column is a unit slot: a generic head before lower-case words still opens a unit.
        ("Cơ quan quản lý cấp trên của trường học", ["Cơ quan quản lý cấp trên của trường học"]),
        ("Đơn vị được thanh tra trong quý III", ["Đơn vị được thanh tra trong quý III"]),
        # A parenthesised unit is a unit of its own; a parenthesised role is not.
        ("Sở Tài chính (Chi cục Thuế khu vực)", ["Sở Tài chính", "Chi cục Thuế khu vực"]),
        ("Sở Y tế (cơ quan thường trực)", ["Sở Y tế"]),
    ],
)
def test_split_units(text, units):
    assert split_units(text) == units


@pytest.mark.parametrize(
    ("sentence", "units", "next_words"),
    [
        ("Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan", ["Sở Nội vụ"], "chủ trì"),
        (
            "Các sở, ban, ngành và Ủy ban nhân dân các xã, phường, đặc khu căn cứ các chỉ tiêu",
            ["Các sở", "ban", "ngành", "Ủy ban nhân dân các xã", "phường", "đặc khu"],
            "căn cứ",
        ),
        (
            "Thường trực Hội đồng Thi đua và Khen thưởng Sở thường xuyên tổ chức kiểm tra",
            ["Thường trực Hội đồng Thi đua và Khen thưởng Sở"],
            "thường xuyên",
        ),
        ("các tổ chức, đoàn thể trong việc tuyên truyền", ["các tổ chức", "đoàn thể"], "trong việc"),
    ],
)
def test_parse_unit_list_stops_at_the_predicate(sentence, units, next_words):
    parsed = parse_unit_list(sentence)
    assert parsed is not None
    found, end = parsed
    assert [u.text for u in found] == units
    assert sentence[end:].lstrip(" ,").startswith(next_words)


@pytest.mark.parametrize(
    "sentence",
    ["Tổ chức tập huấn nghiệp vụ", "Ban hành kế hoạch", "Báo cáo UBND tỉnh", "Tổ chức Hội nghị sơ kết 6 tháng"],
)
def test_verbs_that_look_like_heads_are_not_units(sentence):
    assert parse_unit_list(sentence) is None


def test_key_folds_variants_into_one_unit():
    variants = [
        "Sở LĐTB&XH",
        "Sở Lao động – TB&XH",
        "Sở Lao động - Thương binh và Xã hội",
        "SỞ LAO ĐỘNG-THƯƠNG BINH VÀ XÃ HỘI",
    ]
    assert len({unit_key(v) for v in variants}) == 1
    assert len({unit_key(canonical_unit(v)) for v in variants}) == 1
    office = unit_key("Văn phòng UBND tỉnh", "Lâm Đồng")
    assert office == unit_key("Văn phòng Ủy ban nhân dân tỉnh Lâm Đồng")
    broadcaster = unit_key("Báo và Phát Thanh, Truyền hình tỉnh")
    assert broadcaster == unit_key("Báo và Phát thanh, Truyền hình tỉnh")


@pytest.mark.parametrize(
    ("written", "province", "canonical"),
    [
        # Mixed case as written keeps its proper nouns; abbreviations and dashes are normalized.
        ("Công an tỉnh", "Lâm Đồng", "Công an tỉnh Lâm Đồng"),
        ("Sở Lao động – TB&XH", None, "Sở Lao động - Thương binh và Xã hội"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "Hà Tĩnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Hà Tĩnh"),
        ("các Sở, ban, ngành", None, "Các Sở, ban, ngành"),
        ("Chi cục DS-KHHGĐ", None, "Chi cục DS-KHHGĐ"),
        # Capitals only: running-text case, the place name after its level word capitalised.
        ("UBND HUYỆN HƯƠNG KHÊ", None, "Ủy ban nhân dân huyện Hương Khê"),
        ("SỞ LAO ĐỘNG-THƯƠNG BINH VÀ XÃ HỘI", None, "Sở lao động-thương binh và xã hội"),
    ],
)
def test_canonical_keeps_the_case_of_proper_nouns(written, province, canonical):
    assert canonical_unit(written, province) == canonical


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sở Nội vụ", "department"),
        ("Văn phòng UBND tỉnh", "office"),
        ("Hội đồng Thi đua - Khen thưởng tỉnh", "committee"),
        ("UBND các xã", "peoples_committee"),
        ("phường", "locality"),
        ("Trường Trung cấp nghề", "school"),
        ("Hội cựu chiến binh trong ngành", "association"),
        ("Đảng ủy khối", "party"),
        ("các đơn vị trực thuộc", "generic"),
        ("Lãnh đạo Sở Y tế", "department"),
        ("Công an tỉnh", "other"),
        ("Hội Nông dân tỉnh", "association"),
        ("chính quyền các cấp", "generic"),
        ("Cấp ủy cơ sở", "party"),
        ("Bảo hiểm xã hội tỉnh", "other"),
        ("Đài Phát thanh - Truyền hình tỉnh", "other"),
    ],
)
def test_unit_kind(name, kind):
    assert unit_kind(name) == kind


def test_collect_units_groups_mentions_by_canonical_name():
    layout = assemble(
        [
            Block(kind="paragraph", text="- Sở LĐTB&XH chủ trì tổ chức hội nghị."),
            Block(kind="paragraph", text="- Sở Lao động – Thương binh và Xã hội phối hợp với Văn phòng UBND tỉnh."),
        ]
    )
    line1, line2 = layout.blocks
    tasks = [
        Task(id="t1", text="x", origin="list", lead=["Sở LĐTB&XH"], start=line1.start, end=line1.end),
        Task(
            id="t2",
            text="y",
            origin="list",
            lead=["Sở Lao động – Thương binh và Xã hội"],
            coordinating=["Văn phòng UBND tỉnh"],
            start=line2.start,
            end=line2.end,
        ),
    ]
    units = collect_units(tasks, layout, Metadata(province="Cao Bằng"))
    assert len(units) == 2
    department = next(u for u in units if u.kind == "department")
    assert department.name == "Sở LĐTB&XH"
    assert [layout.text[m.start : m.end] for m in department.mentions] == [
        "Sở LĐTB&XH",
        "Sở Lao động – Thương binh và Xã hội",
    ]
    office = next(u for u in units if u.kind == "office")
    assert office.canonical == "Văn phòng Ủy ban nhân dân tỉnh Cao Bằng"
    assert office.key == "văn phòng ủy ban nhân dân tỉnh cao bằng"


def test_mentions_point_at_the_unit_as_written_nearest_the_task():
    from extractor.base.blocks import Block, assemble
    from extractor.stages.units import collect_units
    from models import Metadata, Task

    layout = assemble([
        Block(kind="paragraph", text="1. Phòng Nội vụ"),
        Block(kind="paragraph", text="- Tổng hợp báo cáo về Phòng Nội vụXã trước ngày 15/12."),
        Block(kind="paragraph", text="- Phòng Nội vụ chủ trì tập huấn nghiệp vụ."),
    ])
    line2, line3 = layout.blocks[1], layout.blocks[2]
    tasks = [
        Task(id="t1", text=line2.text, origin="list", lead=["Phòng Nội vụ"], start=line2.start, end=line2.end),
        Task(id="t2", text=line3.text, origin="list", lead=["Phòng Nội vụ"], start=line3.start, end=line3.end),
    ]
    [unit] = collect_units(tasks, layout, Metadata())
    starts = [m.start for m in unit.mentions]
    # t1: not the glued "Phòng Nội vụXã" inside it, but the heading above; t2: inside its own line
    assert starts == [len("1. "), line3.start + 2]
    assert all(layout.text[m.start:m.end] == "Phòng Nội vụ" for m in unit.mentions)


# Bare fragments: a head noun, a place word, a verb or a negation alone names no unit (issue 15).
FRAGMENTS = {
    "ban", "ngành", "sở", "phòng", "hội", "phường", "xã", "huyện", "tỉnh", "thành phố", "thị xã", "thị trấn",
    "đơn vị", "cơ quan", "địa phương", "đoàn thể", "ngành liên quan", "đơn vị liên quan", "cơ quan liên quan",
    "không", "lãnh đạo", "chỉ đạo", "chủ trì", "phối hợp", "thực hiện", "tổ chức",
}


def _wild_tune_documents() -> list:
    from tests.test_wild import document_dir, manifest_rows

    folder = document_dir()
    if folder is None:
        return []
    return [folder / row["file"] for row in manifest_rows()
            if row["split"] == "tune" and row["format"] in ("docx", "doc") and (folder / row["file"]).exists()]


def test_no_unit_is_a_bare_fragment():
    """units[] of the corpus plans and the tune plans of corpus/wild (born-digital ones; the sealed check
    split is not read here) holds no bare fragment; a written group stays whole ("các sở, ban, ngành")."""
    from extractor.pipeline import extract
    from tests.conftest import CORPUS

    paths = sorted(CORPUS.glob("*/*.docx")) + sorted(CORPUS.glob("*/*.txt")) + _wild_tune_documents()
    assert paths
    found = {}
    for path in paths:
        for unit in extract(path).units:
            if unit.key.strip(" ,.;") in FRAGMENTS:
                found.setdefault(path.name, []).append(unit.name)
    assert not found


def test_a_written_group_stays_whole_in_units():
    from extractor.vocab.unit_names import regroup_units

    assert regroup_units(["các sở", "ban", "ngành liên quan"]) == ["các sở, ban, ngành liên quan"]
    assert regroup_units(["Ủy ban nhân dân các huyện", "thành phố", "thị xã"]) == [
        "Ủy ban nhân dân các huyện, thành phố, thị xã"
    ]
    # Capitalised names and quantified groups are units of their own.
    assert regroup_units(["Sở Y tế", "Chi cục DS-KHHGĐ"]) == ["Sở Y tế", "Chi cục DS-KHHGĐ"]
    assert regroup_units(["Sở Nội vụ", "các đơn vị trực thuộc"]) == ["Sở Nội vụ", "các đơn vị trực thuộc"]


@pytest.mark.parametrize(
    ("clause", "units"),
    [
        # "(có) liên quan" closes a unit: the next word opens the predicate, even one no lexicon lists.
        ("các Sở ngành và địa phương liên quan lập kế hoạch", ["các Sở ngành", "địa phương liên quan"]),
        ("các đơn vị có liên quan ứng dụng công nghệ thông tin", ["các đơn vị có liên quan"]),
        ("các sở, ngành liên quan, UBND các huyện thực hiện", ["các sở", "ngành liên quan", "UBND các huyện"]),
        # A recurring time after a unit is its clause's adverbial, not part of the name.
        ("Ủy ban nhân dân cấp huyện hàng năm bố trí ngân sách", ["Ủy ban nhân dân cấp huyện"]),
        ("Sở Y tế định kỳ 6 tháng báo cáo", ["Sở Y tế"]),
        # So is a scope of duty ("theo chức năng, nhiệm vụ được giao", "trong phạm vi quản lý").
        ("Các sở, ngành và UBND huyện, thị xã theo chức năng, nhiệm vụ được giao triển khai",
         ["Các sở", "ngành", "UBND huyện", "thị xã"]),
        ("Ủy ban nhân dân cấp huyện trong phạm vi quản lý chỉ đạo", ["Ủy ban nhân dân cấp huyện"]),
        ("Sở Tài chính theo dõi việc thực hiện", ["Sở Tài chính"]),
    ],
)
def test_unit_list_ends_at_a_closing_modifier_or_an_adverbial(clause: str, units: list[str]) -> None:
    parsed = parse_unit_list(clause, 0, unit_slot=True)
    assert parsed is not None and [u.text for u in parsed[0]] == units


def test_a_cell_of_bulleted_units_gives_each_unit() -> None:
    assert split_units("- Sở TN và MT; - UBND các huyện, TP, TX.") == ["Sở TN và MT", "UBND các huyện, TP, TX"]
    assert split_units("- BQL Khu kinh tế tỉnh - UBND các huyện") == ["BQL Khu kinh tế tỉnh", "UBND các huyện"]


def test_a_cell_ending_in_a_scope_of_duty_keeps_only_its_units() -> None:
    assert split_units("Các sở, ngành theo thẩm quyền xử lý") == ["Các sở", "ngành"]
    assert split_units("Huyện H. Khê") == ["Huyện H. Khê"]  # a stop that is no adverbial stays in the unit


def test_list_ended_by_an_adverbial_returns_where_the_predicate_starts() -> None:
    clause = "Sở Y tế định kỳ 6 tháng báo cáo Ủy ban nhân dân tỉnh"
    parsed = parse_unit_list(clause, 0)
    assert parsed is not None
    units, end = parsed
    assert [u.text for u in units] == ["Sở Y tế"] and clause[end:].startswith("báo cáo")
