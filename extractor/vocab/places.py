"""Administrative units below the province (districts, communes, wards), and the province they lie in.

The table is `data/places.csv`, built by `scripts/build_places.py` from vietnamadminunits 1.0.4 (its
first line names the file and its sha256): the 696 districts and 10,040 communes, wards and towns in
force until 30 June 2025 (63 provinces) and the 3,321 communes, wards and special zones from 1 July 2025
(34 provinces). Many names repeat across provinces ("Tân Hà", "Phường 1"): a name that leaves more than
one province open gives None unless the text also names a district or province that settles it.
The table is read on the first call only (about 14,000 rows), then cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extractor.base.normalize import fold, fold_tone_placement
from extractor.base.resources import data_path
from extractor.vocab import provinces
from extractor.vocab.provinces import Province

# Unit words as written (lower case, after tone placement is folded), and the kind each denotes.
# Party committees name their unit after the word: "Huyện ủy Nghi Xuân" is the committee of a district.
_UNIT_WORDS = {
    "thị trấn": "thị trấn",
    "đặc khu": "đặc khu",
    "thị xã": "thị xã",
    "thị ủy": "thị xã",
    "tx.": "thị xã",
    "xã": "xã",
    "phường": "phường",
    "huyện ủy": "huyện",
    "huyện": "huyện",
    "quận ủy": "quận",
    "quận": "quận",
    "thành ủy": "thành phố",
    "thành phố": "thành phố",
    "tp.": "thành phố",
    "tp": "thành phố",
    "tỉnh ủy": "tỉnh",
    "tỉnh": "tỉnh",
}
_PROVINCE_KINDS = ("tỉnh", "thành phố")  # a "thành phố" is either a centrally-run city or a district-level one
_CLAUSE_END = re.compile(r"[,;:()\[\]\n]")


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    """Short official name, e.g. 'Tân Hà', '1 Bảo Lộc', 'Cam Ly - Đà Lạt'."""
    kind: str
    """Unit word in lower case: xã, phường, thị trấn, đặc khu, huyện, quận, thị xã, thành phố."""
    province_before_2025: str
    """Short name of its province among the 63 ('' for a unit formed on 1 July 2025)."""
    province_after_2025: str
    """Short name of its province among the 34 (for a pre-2025 unit: its province's successor)."""
    valid_from: str
    valid_to: str

    def province_at(self, when: str | None) -> str | None:
        """Its province's short name at the ISO date `when` (possibly partial); None when it did not exist yet."""
        if self.valid_from and when and when < self.valid_from[: len(when)]:
            return None  # a 2025 commune in an earlier text: the old province is not known
        if self.province_before_2025 and (not when or not self.valid_to or when <= self.valid_to[: len(when)]):
            return self.province_before_2025
        return self.province_after_2025

    def valid_at(self, when: str | None) -> bool:
        if not when:
            return True
        return (not self.valid_from or self.valid_from[: len(when)] <= when) and (
            not self.valid_to or when <= self.valid_to[: len(when)]
        )


def _key(name: str) -> str:
    """The table side of `fold`: the names are NFC with folded tone placement, so lower case without
    apostrophes and with '-' unspaced gives the same key (tests/test_provinces.py checks every row)."""
    return name.lower().replace("'", "").replace(" - ", "-")


_Row = tuple[str, str, str, str, str, str]  # name, kind, province before, after, valid from, valid to


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, list[_Row]]]:
    """kind -> key of the name -> the rows of the units of that kind and name (a Place is made only
    for the few rows a look-up returns: the table is loaded on a document's first look-up)."""
    found: dict[str, dict[str, list[_Row]]] = {}
    # No field holds a comma or a quote (scripts/build_places.py checks), so a split reads the rows
    # as the csv module would, in half the time.
    lines = data_path("places.csv").read_text(encoding="utf-8").splitlines()
    for line in lines[2:]:  # after the '# source:' line and the header
        _code, name, kind, _district, before, after, valid_from, valid_to = line.split(",")
        row = (name, kind, before, after, valid_from, valid_to)
        names = found.get(kind)
        if names is None:
            names = found[kind] = {}
        key = _key(name)
        if key in names:
            names[key].append(row)
        else:
            names[key] = [row]
        if name[0].isdigit():  # '1 Bảo Lộc' is also written 'Bảo Lộc 1'
            number, _, rest = key.partition(" ")
            if rest:
                names.setdefault(f"{rest} {number}", []).append(row)
    return found


def _places(rows: list[_Row]) -> tuple[Place, ...]:
    return tuple(Place(*row) for row in rows)


_MAX_WORDS = 6  # no name in the table has more words (tests/test_provinces.py checks)


def places_named(name: str, kind: str | None = None) -> tuple[Place, ...]:
    """Every unit called `name` (any case and tone placement), of `kind` when given."""
    key = fold(name)
    index = _index()
    kinds = [kind] if kind else list(index)
    return tuple(place for k in kinds for place in _places(index.get(k, {}).get(key, [])))


def _longest_name(kind: str, clause: str) -> tuple[Place, ...]:
    """The units of `kind` whose name is the longest run of words opening `clause` ('Tân Hà về việc ...')."""
    names = _index().get(kind, {})
    words = fold(clause).split()
    for size in range(min(len(words), _MAX_WORDS), 0, -1):
        rows = names.get(" ".join(words[:size]))
        if rows:
            return _places(rows)
    return ()


def _province_opening(clause: str) -> Province | None:
    found = provinces.mentions(clause)
    if found and not clause[: found[0].start].strip():
        return found[0].province
    return None


def _provinces_of(units: tuple[Place, ...], when: str | None) -> set[Province]:
    """The provinces the units lie in at `when`: those in force then, else (a name still written after
    its unit was merged away) the pre-2025 units, at their province's successor."""
    current = [unit for unit in units if unit.valid_at(when)] or list(units)
    found = set()
    for unit in current:
        name = unit.province_at(when)
        province = provinces.lookup(name) if name else None
        if province is not None:
            found.add(province)
    return found


_NOT_A_UNIT = {"xã": r"(?!\s+hội(?!\w))"}  # 'xã hội' is 'society' (Bảo hiểm xã hội, Lao động - ... Xã hội)


@lru_cache(maxsize=1)
def _unit_regex() -> re.Pattern[str]:
    words = sorted(_UNIT_WORDS, key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") + _NOT_A_UNIT.get(w, "") for w in words)
    return re.compile(rf"(?<!\w)({alternatives})(?:(?<=\.)|(?!\w))\s*", re.IGNORECASE)


def _prepare(text: str) -> str:
    return fold_tone_placement(unicodedata.normalize("NFC", text))


def _mentions(text: str, when: str | None) -> list[set[Province]]:
    """The set of provinces each unit or province named in `text` leaves open (names unknown to the
    table are skipped)."""
    matches = list(_unit_regex().finditer(text))
    found: list[set[Province]] = []
    free_from = 0
    free: list[str] = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        delimiter = _CLAUSE_END.search(text, match.end(), end)
        clause = text[match.end() : delimiter.start() if delimiter else end]
        free.append(text[free_from : match.start()])
        free_from = match.end() + len(clause)
        kind = _UNIT_WORDS[" ".join(match.group(1).lower().split())]
        province = None
        if kind in _PROVINCE_KINDS:  # 'tỉnh Lâm Đồng', 'thành phố Hà Nội', and the whole 'TP.HCM'
            province = _province_opening(clause) or provinces.lookup(match.group(0) + clause)
        if province is not None:
            found.append({province})
        elif kind != "tỉnh":
            units = _longest_name(kind, clause)
            if units:
                found.append(_provinces_of(units, when))
    free.append(text[free_from:])
    found += [{mention.province} for part in free for mention in provinces.mentions(part)]
    return found


def _settled(candidates: list[set[Province]]) -> Province | None:
    if not candidates:
        return None
    common = set.intersection(*candidates)
    return next(iter(common)) if len(common) == 1 else None


def province_of_issuer(text: str | None, when: str | None = None) -> Province | None:
    """The province of the body named in `text`, or None when the text leaves it open.

    `text` is an issuer's name as written, in any case: one body's name on one line (its wrapped
    lines joined with spaces), or the issuing block's names one per line, parent first (the parent's
    often names the district or province that settles a commune's): 'Ủy ban nhân dân xã Tân Hà',
    'UBND HUYỆN HƯƠNG KHÊ', 'Ủy ban MTTQ Việt Nam phường 1 Bảo Lộc' (also 'phường Bảo Lộc 1'),
    'Huyện ủy Nghi Xuân', 'ĐẢNG ỦY XÃ ĐINH VĂN LÂM HÀ', 'UBND xã Tân Hà, huyện Lâm Hà', 'UBND TP.HCM'.
    `when` is the document's ISO date, possibly partial ('2024', '2025-08'): a name is read as a unit
    in force then (a commune formed on 1 July 2025 for a plan of 2026, a district for a plan of 2015);
    a pre-2025 unit named after its abolition lies in its province's successor; a 2025 unit named in
    an earlier text gives nothing (its old province is not known).

    Each unit named (xã, phường, thị trấn, đặc khu, huyện, quận, thị xã, thành phố, their party
    committees, TP./TX.) and each province named leaves a set of provinces open; the answer is the
    one province they all share, else None: 'xã Tân Hà' alone is a commune of several provinces and
    gives None. The result is a `provinces.Province`, so `provinces.name_at` and
    `provinces.province_2025` give its name at the date and its province after 1 July 2025. Central
    bodies name no unit and give None.
    """
    if not text:
        return None
    return _settled(_mentions(_prepare(text), when))


def province_of_place(name: str | None, when: str | None = None) -> Province | None:
    """The province of the place of a plan's place-date line ('Hương Khê' from 'Hương Khê, ngày 12
    tháng 3 năm 2015'), or None when the name is unknown or leaves more than one province open.

    The name may carry its unit word ('Thị xã Kỳ Anh', 'TP. Bảo Lộc'); without one it is matched
    against the units of every kind and against the provinces themselves (a place that names a
    province and a unit of another gives None). `when` is as in `province_of_issuer`.
    """
    if not name:
        return None
    text = _prepare(name).strip(" ,.")
    if _unit_regex().match(text):
        return province_of_issuer(text, when)
    units = places_named(text)
    candidates = _provinces_of(units, when) if units else set()
    province = provinces.lookup(text)
    if province is not None:
        candidates.add(province)
    return next(iter(candidates)) if len(candidates) == 1 else None


__all__ = ["Place", "places_named", "province_of_issuer", "province_of_place"]
