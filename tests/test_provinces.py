"""Provinces of bodies below the province: the places table (data/places.csv) and its look-ups.

Real examples: the issuers of the corpus seeds, of the corpus/wild tune split and of ../shared/real
(their gold), and the 2025 communes and wards of Lâm Đồng named in ../shared/real plans.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from extractor.base.normalize import fold
from extractor.base.resources import data_path
from extractor.vocab import places, provinces
from tests.conftest import GOLD, REAL, REAL_GOLD, ROOT, need

WILD_MANIFEST = ROOT / "corpus" / "wild" / "MANIFEST.tsv"
REAL_EXTRA_GOLD = ROOT / "tests" / "gold_real_extra"


def table() -> list[dict[str, str]]:
    lines = data_path("places.csv").read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(lines[1:]))


def test_the_table_names_its_source_and_holds_every_unit():
    first = data_path("places.csv").read_text(encoding="utf-8").splitlines()[0]
    assert re.match(r"# source: vietnamadminunits 1\.0\.4 .*sha256 [0-9a-f]{64}", first)
    rows = table()
    count: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        era = "after" if row["valid_from"] else "before"
        count[era, "district" if row["kind"] in ("huyện", "quận", "thị xã", "thành phố") else "commune"] += 1
    # 696 districts and 10,035 communes before 1 July 2025; 3,321 communes, wards and special zones after.
    assert count == {("before", "district"): 696, ("before", "commune"): 10035, ("after", "commune"): 3321}
    old_names = {p.name for p in provinces._tables()[0].values()}
    new_names = {p.name for p in provinces._tables()[1].values()}
    for row in rows:
        assert row["province_after_2025"] in new_names
        assert row["province_before_2025"] in old_names | ({""} if row["valid_from"] else set())


def test_table_keys_are_what_fold_makes_of_the_names():
    """The index keys names without calling `fold` (cold start); it must agree with `fold` on every row,
    and the split reader with the csv module."""
    lines = data_path("places.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",") for line in lines[1:]] == list(csv.reader(lines[1:]))
    for row in table():
        key = places._key(row["name"])
        assert key == fold(row["name"]), row
        assert len(key.split()) <= places._MAX_WORDS


def _units(kind_filter: tuple[str, ...], era: str) -> dict[tuple[str, str], set[str]]:
    """(kind, folded name) -> provinces, for the units of one era."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in table():
        if row["kind"] in kind_filter and bool(row["valid_from"]) == (era == "after"):
            province = row["province_after_2025"] if era == "after" else row["province_before_2025"]
            found[row["kind"], fold(row["name"])].add(province)
    return found


def test_every_district_before_2025_gives_its_province_or_none_when_its_name_repeats():
    """'UBND huyện Hương Khê' (2015) -> Hà Tĩnh, and so on for all 696 districts; a district name that
    two provinces share gives None (the issuer text alone cannot tell them apart)."""
    kinds = ("huyện", "quận", "thị xã")  # 'thành phố X' may also be read as the province X
    settled = 0
    for (kind, name), named in _units(kinds, "before").items():
        for text in (f"Ủy ban nhân dân {kind} {name}", f"UBND {kind.upper()} {name.upper()}"):
            found = places.province_of_issuer(text, "2015")
            if len(named) == 1:
                assert found is not None and found.name in named, text
                settled += 1
            else:
                assert found is None, text
    assert settled > 1000


def test_party_committees_of_districts_and_the_place_line():
    units = _units(("huyện",), "before")
    unique = [(name, next(iter(p))) for (_kind, name), p in units.items() if len(p) == 1]
    for name, province in unique:
        found = places.province_of_issuer(f"Huyện ủy {name.title()}", "2020")
        assert found is not None and found.name == province
        by_place = places.province_of_place(name.title(), "2015")
        # A bare place name is matched against units of every kind and the provinces: a district that
        # shares its name with a commune of another province gives None, never that other province.
        assert by_place is None or by_place.name == province
    assert sum(places.province_of_place(n.title(), "2015") is not None for n, _ in unique) > 300


def test_a_commune_name_shared_by_provinces_is_settled_only_by_its_district_or_province():
    tan_ha = {p.province_at("2020") for p in places.places_named("Tân Hà", "xã")}
    assert len(tan_ha) > 1  # communes of Lâm Đồng, Bình Thuận, Tây Ninh (before 2025)
    assert places.province_of_issuer("Ủy ban nhân dân xã Tân Hà", "2020") is None
    assert places.province_of_issuer("UBND xã Tân Hà", None) is None
    settled = places.province_of_issuer("ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ\nỦY BAN NHÂN DÂN XÃ TÂN HÀ", "2020")
    assert settled is not None and settled.name == "Lâm Đồng"
    settled = places.province_of_issuer("UBND xã Tân Hà, tỉnh Tây Ninh", "2020")
    assert settled is not None and settled.name == "Tây Ninh"
    # A district and a province that contradict each other settle nothing.
    assert places.province_of_issuer("UBND xã Tân Hà, huyện Lâm Hà, tỉnh Tây Ninh", "2020") is None
    assert places.province_of_place("Tân Hà", "2020") is None


def test_dates_choose_the_units_in_force():
    # Gia Nghĩa: a city of Đắk Nông until 30 June 2025; after, its wards lie in Lâm Đồng.
    assert places.province_of_place("Gia Nghĩa", "2020") == provinces.lookup("Đắk Nông")
    assert places.province_of_place("Gia Nghĩa", "2025-09") == provinces.lookup("Lâm Đồng")
    # A ward formed on 1 July 2025 named in a text of 2020: its old province is not known.
    assert places.province_of_issuer("UBND phường Nam Gia Nghĩa", "2020") is None
    found = places.province_of_issuer("UBND phường Nam Gia Nghĩa", "2025-08-01")
    assert found is not None and provinces.province_2025(found) == "Lâm Đồng"
    # The province returned carries its 2025 successor for the metadata stage.
    before = places.province_of_issuer("Ủy ban nhân dân thành phố Gia Nghĩa", "2021")
    assert before is not None and before.name == "Đắk Nông" and provinces.province_2025(before) == "Lâm Đồng"
    # The table holds the units of mid-2025 only: the town (thị xã) Gia Nghĩa became a city in 2019,
    # and its former kind is unknown to it, so nothing is guessed.
    assert places.province_of_issuer("Ủy ban nhân dân thị xã Gia Nghĩa", "2018") is None


def test_provinces_named_with_their_unit_word():
    for text, name in (
        ("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "Hà Tĩnh"),
        ("UBND TP.HCM", "Hồ Chí Minh"),
        ("Thành ủy Hà Nội", "Hà Nội"),
        ("Tỉnh ủy Lâm Đồng\nBan Tuyên giáo", "Lâm Đồng"),
        ("Thành ủy Đà Lạt", "Lâm Đồng"),  # a district-level city of Lâm Đồng (before 2025)
    ):
        assert places.province_of_issuer(text, "2024") == provinces.lookup(name), text


def test_words_that_are_no_unit_name_give_nothing():
    for text in (
        "Bộ Y tế",
        "Bộ Công an",
        "Sở Lao động - Thương binh và Xã hội",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Ủy ban nhân dân các xã, phường, đặc khu",
        "Ban Thường vụ Huyện ủy",
        "",
        None,
    ):
        assert places.province_of_issuer(text, "2026") is None


def _gold_metadata() -> list[tuple[str, dict]]:
    """Gold metadata of the seeds, of the corpus/wild tune split (never the sealed check split) and of
    the real plans."""
    tune = set()
    with WILD_MANIFEST.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["split"] == "tune":
                tune.add(Path(row["file"]).stem)
    paths = sorted(GOLD.glob("*.gold.json"))
    paths += [
        GOLD / "wild" / f"{stem}.gold.json" for stem in sorted(tune) if (GOLD / "wild" / f"{stem}.gold.json").is_file()
    ]
    paths += sorted(REAL_EXTRA_GOLD.glob("*.gold.json")) + sorted(REAL_GOLD.glob("*.gold.json"))
    return [(path.name, json.loads(path.read_text(encoding="utf-8"))["metadata"]) for path in paths]


def test_real_issuers_give_their_gold_province_or_none():
    """Issuers of real plans: never a wrong province; the right one whenever the issuer names it."""
    golds = _gold_metadata()
    assert len(golds) >= 12
    named = 0
    for name, meta in golds:
        block = "\n".join(filter(None, (meta.get("parent_issuer"), meta.get("issuer"))))
        when = meta.get("issued_date") or (str(meta["plan_year"]) if meta.get("plan_year") else None)
        found = places.province_of_issuer(block, when)
        gold = meta.get("province")
        assert found is None or provinces.name_at(found, when) == gold, name
        if gold and re.search(rf"(?i)(tỉnh|thành phố)\s+{re.escape(gold)}", block):
            assert found is not None, name
            named += 1
    assert named >= 10


def _lam_dong_unit_cells() -> list[str]:
    """Table cells of ../shared/real Lâm Đồng plans (2026) that are exactly one commune or ward's name."""
    import docx

    cells = set()
    for path in sorted(REAL.glob("lamdong-*.docx")):
        for table_ in docx.Document(str(path)).tables:
            for row in table_.rows:
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if re.fullmatch(r"(?:Xã|Phường|Đặc khu) [^\s,;:()]+(?: [^\s,;:()]+){0,5}", text):
                        cells.add(text)
    return sorted(cells)


def test_lam_dong_communes_and_wards_of_2025():
    need(REAL.is_dir(), "../shared/real is not present")
    cells = _lam_dong_unit_cells()
    assert len(cells) >= 20  # 'Xã Bảo Lâm 2', 'Phường Nam Gia Nghĩa', 'Phường 2 Bảo Lộc', ...
    lam_dong = provinces.lookup("Lâm Đồng")
    alone = 0
    for cell in cells:
        kind, _, name = cell.partition(" ")
        found = places.province_of_issuer(f"Ủy ban nhân dân {cell}", "2026")
        elsewhere = {p.province_after_2025 for p in places.places_named(name, kind.lower()) if p.valid_at("2026")}
        if elsewhere == {"Lâm Đồng"}:
            assert found == lam_dong, cell
            alone += 1
        else:  # the same name is a 2025 unit of another province too: only the province settles it
            assert "Lâm Đồng" in elsewhere and found is None, cell
        assert places.province_of_issuer(f"UBND tỉnh Lâm Đồng\nUBND {cell.upper()}", "2026") == lam_dong
    assert alone >= 15


@pytest.mark.parametrize(
    "text",
    [
        "Ủy ban MTTQ Việt Nam phường 1 Bảo Lộc",
        "Ủy ban MTTQ Việt Nam phường Bảo Lộc 1",
        "UBND phường Xuân Hương - Đà Lạt",
        "UBND xã Đinh Văn Lâm Hà",
        "ĐẢNG ỦY PHƯỜNG B'LAO",
    ],
)
def test_lam_dong_names_as_the_real_plans_write_them(text):
    """Spellings met in ../shared/real (numbered wards, '- Đà Lạt' wards, a name that holds an older
    unit's name: 'Đinh Văn Lâm Hà' is not the old town 'Đinh Văn')."""
    assert places.province_of_issuer(text, "2026-01") == provinces.lookup("Lâm Đồng")
