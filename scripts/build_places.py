"""Build `extractor/data/places.csv`: every administrative unit below the province, with its province.

Usage (from the repository root; rerunnable, it rewrites the file):

    pip install --no-deps vietnamadminunits==1.0.4   # build-time only; the sqlite file is read, not imported
    python scripts/build_places.py [--db PATH/TO/vietnamadminunits/data/dataset.db]

Source: the `dataset.db` of vietnamadminunits 1.0.4 (MIT; the package underthesea's own 2025 address
data is built from). Its table `admin_units_legacy` lists the 696 districts and 10,040 communes, wards
and towns in force until 30 June 2025 (the 63-province list, with GSO codes); `admin_units` lists the
3,321 communes, wards and special zones from 1 July 2025 (34 provinces, Nghị quyết 202/2025/QH15 and
the UBTVQH resolutions on the commune reorganisation). The districts were abolished on 1 July 2025.
We use that file rather than underthesea's mapping.json, whose ward table drops the names of units
that differ only by tone marks (Cẩm Giang / Cẩm Giàng).

Rows: `code,name,kind,district_code,province_before_2025,province_after_2025,valid_from,valid_to`.
`code` is the GSO code, `name` the short official name (`Tân Hà`, `1 Bảo Lộc`, `Cam Ly - Đà Lạt`),
`kind` the unit word in lower case (xã, phường, thị trấn, đặc khu, huyện, quận, thị xã, thành phố),
`district_code` the code of a pre-2025 commune's district (the row of that district). Provinces are
the short names of `extractor.vocab.provinces` (the 63 before, the 34 after); a pre-2025 unit's 2025
province is its province's successor; a unit of 2025 has no single province before (communes were
merged across the old provinces' borders).
`valid_from` is blank where the data does not say (the legacy list is the state of mid-2025, after
the 2023-2025 mergers). The first line is a `#` comment naming the source and its sha256.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.vocab import provinces  # noqa: E402 - after the path set-up

OUT = ROOT / "extractor" / "data" / "places.csv"
SOURCE = "vietnamadminunits"
VERSION = "1.0.4"
LAST_DAY_BEFORE = "2025-06-30"
FIRST_DAY_AFTER = "2025-07-01"
COLUMNS = [
    "code",
    "name",
    "kind",
    "district_code",
    "province_before_2025",
    "province_after_2025",
    "valid_from",
    "valid_to",
]


def default_db() -> Path:
    spec = importlib.util.find_spec(SOURCE)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{SOURCE} is not installed: pip install --no-deps {SOURCE}=={VERSION}, or pass --db")
    return Path(spec.submodule_search_locations[0]) / "data" / "dataset.db"


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def short_name(text: str | None, kind: str | None) -> str:
    """The short name without the source's disambiguating tail ('Kỳ Anh (Thị xã)' -> 'Kỳ Anh') and
    without the unit word the source keeps before a number ('Quận 1' -> '1', as 'Phường 1 Bảo Lộc'
    is '1 Bảo Lộc')."""
    name = re.sub(r"\s*\([^)]*\)$", "", nfc(text))
    unit = nfc(kind)
    if unit and re.fullmatch(rf"{re.escape(unit)} \d+", name, re.IGNORECASE):
        return name[len(unit) + 1 :]
    return name


def province_pair(short: str, era: str) -> tuple[str, str]:
    """(name before 2025, name after 2025) of a province of the data, checked against our province tables."""
    province = provinces.lookup(short)
    if province is None:
        sys.exit(f"unknown province in the source: {short!r}")
    after = provinces.province_2025(province)
    if after is None:
        sys.exit(f"no 2025 successor for {short!r}")
    if era == "after":
        if after != province.name:
            sys.exit(f"{short!r} is not one of the 34 provinces of 2025")
        return "", after
    return province.name, after


def legacy_rows(db: sqlite3.Connection) -> list[list[str]]:
    rows: list[list[str]] = []
    districts: dict[str, list[str]] = {}
    query = (
        "SELECT provinceShort, district, districtShort, districtType, districtCode, ward, wardShort, wardType, wardCode"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    for (
        province,
        _district,
        district_short,
        district_type,
        district_code,
        ward,
        ward_short,
        ward_type,
        ward_code,
    ) in db.execute(query):
        before, after = province_pair(nfc(province), "before")
        districts.setdefault(
            district_code,
            [
                district_code,
                short_name(district_short, district_type),
                nfc(district_type).lower(),
                "",
                before,
                after,
                "",
                LAST_DAY_BEFORE,
            ],
        )
        if ward:  # island districts without communes have one row with no ward
            rows.append(
                [
                    ward_code,
                    short_name(ward_short, ward_type),
                    nfc(ward_type).lower(),
                    district_code,
                    before,
                    after,
                    "",
                    LAST_DAY_BEFORE,
                ]
            )
    return list(districts.values()) + rows


def current_rows(db: sqlite3.Connection) -> list[list[str]]:
    query = "SELECT provinceShort, wardShort, wardType, wardCode FROM admin_units ORDER BY provinceCode, wardCode"
    rows = []
    for province, ward_short, ward_type, ward_code in db.execute(query):
        before, after = province_pair(nfc(province), "after")
        rows.append(
            [
                ward_code,
                short_name(ward_short, ward_type),
                nfc(ward_type).lower(),
                "",
                before,
                after,
                FIRST_DAY_AFTER,
                "",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help=f"the dataset.db of {SOURCE} {VERSION} (default: the installed one)")
    args = parser.parse_args()
    path = args.db or default_db()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = legacy_rows(db) + current_rows(db)
    if any("," in field or '"' in field for row in rows for field in row):
        sys.exit("a field holds a comma or a quote: extractor/vocab/places.py reads the rows by splitting")
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            f"# source: {SOURCE} {VERSION} (MIT, PyPI), file data/dataset.db (sha256 {digest}), tables"
            " admin_units_legacy (until 2025-06-30) and admin_units (from 2025-07-01); built by"
            " scripts/build_places.py\n"
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row[2]] = kinds.get(row[2], 0) + 1
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} units {kinds}")


if __name__ == "__main__":
    main()
