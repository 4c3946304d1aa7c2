"""Provinces: official names of the 63 provincial units before 1 July 2025 and the 34 after.

The names and the old -> new mapping come from underthesea's address data (built from vietnamadminunits;
keys `old_province_names`, `province_names`, `province_mapping` of its mapping.json). Only the province
part of that 5 MB file is parsed (it sits at the top; the ward table after it is never read), once.
Spelling variants the data lacks (Thừa Thiên Huế, TP. HCM, Đắc Nông, new-style tones) are in
`data/provinces.csv`.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractor.base.normalize import DASHES, fold
from extractor.base.resources import read_csv

_PROVINCE_KEYS = ("province_mapping", "province_names", "old_province_names")
_STOP_KEY = '"ward_mapping"'


@dataclass(frozen=True, slots=True)
class Province:
    key: str
    name: str
    """Short official name, e.g. 'Bà Rịa - Vũng Tàu' (the output form)."""
    full_name: str
    """With its unit word, e.g. 'Tỉnh Bà Rịa - Vũng Tàu'."""
    key_2025: str | None


def _mapping_path() -> Path | None:
    # Locate the package without importing it: importing underthesea costs ~0.4 s.
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "address" / "data" / "mapping.json"
    return path if path.is_file() else None


def _read_province_part(path: Path) -> dict[str, dict]:
    """Parse only the province objects of mapping.json: read up to the ward table, decode each key."""
    text = ""
    with path.open(encoding="utf-8") as handle:
        while _STOP_KEY not in text:
            chunk = handle.read(1 << 16)
            if not chunk:
                break
            text += chunk
    decoder = json.JSONDecoder()
    found: dict[str, dict] = {}
    for key in _PROVINCE_KEYS:
        match = re.search(rf'"{key}"\s*:\s*', text)
        if match:
            found[key], _ = decoder.raw_decode(text, match.end())
    return found


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Province], dict[str, Province]]:
    """(old key -> Province of the 63, new key -> Province of the 34)."""
    path = _mapping_path()
    data = _read_province_part(path) if path else {}
    mapping = data.get("province_mapping", {})
    old = {
        key: Province(key, info["short"], info["name"], mapping.get(key))
        for key, info in data.get("old_province_names", {}).items()
    }
    new = {key: Province(key, info["short"], info["name"], key) for key, info in data.get("province_names", {}).items()}
    return old, new


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, Province]:
    """fold(name) -> Province, for short names, full names and the packaged variants."""
    old, new = _tables()
    index: dict[str, Province] = {}
    for table in (new, old):  # old names win where the two share a key
        for province in table.values():
            index[fold(province.name)] = province
            index[fold(province.full_name)] = province
    for row in read_csv("provinces.csv"):
        aliased = old.get(row["key"]) or new.get(row["key"])
        if aliased:
            index[fold(row["alias"])] = aliased
    return index


def _name_pattern(name: str) -> str:
    words = []
    for word in name.split():
        if word in DASHES + "-":
            words.append(f"[{DASHES}-]")
        else:
            words.append(re.escape(word).replace(r"\.", r"\.?"))
    return r"\s*".join(words) if any(w.startswith("[") for w in words) else r"\s+".join(words)


@lru_cache(maxsize=1)
def _mention_regex() -> re.Pattern[str]:
    old, new = _tables()
    names = {p.name for p in old.values()} | {p.name for p in new.values()}
    names |= {row["alias"] for row in read_csv("provinces.csv")}
    names = {n for n in names if not n.upper().startswith("TP")}  # "TP." forms are unit words, see below
    alternatives = sorted((_name_pattern(n) for n in names), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


_UNIT_BEFORE = re.compile(r"(?:tỉnh|thành\s+phố|tp\.?)\s*$", re.IGNORECASE)


def lookup(name: str | None) -> Province | None:
    """The province a written name denotes ('TỈNH LÂM ĐỒNG', 'Bà Rịa – Vũng Tàu', 'Thừa Thiên Huế')."""
    if not name:
        return None
    return _alias_index().get(fold(name))


@dataclass(frozen=True, slots=True)
class Mention:
    province: Province
    start: int
    end: int
    with_unit: bool
    """True when 'tỉnh' / 'thành phố' / 'TP.' stands right before the name."""


def mentions(text: str) -> list[Mention]:
    """Every province name in `text`, with offsets."""
    found = []
    for match in _mention_regex().finditer(text):
        province = lookup(match.group(1))
        if province is None:
            continue
        with_unit = bool(_UNIT_BEFORE.search(text[max(0, match.start() - 12) : match.start()]))
        found.append(Mention(province, match.start(), match.end(), with_unit))
    return found


@lru_cache(maxsize=1)
def _former_names() -> dict[str, list[tuple[str, str]]]:
    """key -> [(last day official, name)], earliest first: names a unit bore before its current one."""
    former: dict[str, list[tuple[str, str]]] = {}
    for row in read_csv("provinces.csv"):
        if row.get("official_until"):
            former.setdefault(row["key"], []).append((row["official_until"], row["alias"]))
    return {key: sorted(names) for key, names in former.items()}


def name_at(province: Province, when: str | None) -> str:
    """The official short name of `province` at the date `when` (ISO, possibly partial: '2024', '2024-06'):
    'Thừa Thiên Huế' for a plan of 2024, 'Huế' from 1 January 2025. Without a date, the current name."""
    if when:
        for until, name in _former_names().get(province.key, ()):
            if when <= until[: len(when)]:
                return name
    return province.name


def province_2025(province: Province | None) -> str | None:
    """Short name of the provincial unit that took `province` over on 1 July 2025."""
    if province is None or province.key_2025 is None:
        return None
    old, new = _tables()
    after = new.get(province.key_2025)
    return after.name if after else None


__all__ = ["Mention", "Province", "lookup", "mentions", "name_at", "province_2025"]
