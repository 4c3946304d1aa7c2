"""Regular expressions and code tables for legal citations (vn-conventions §1–§3).

Three code forms, matched on the raw text before any word segmentation, with spaces or a line break
tolerated inside a code (codes broken over a line or a table cell):
  legal-normative, with a year   91/2017/NĐ-CP, 202/2025/QH15, 55/2005/TTLT-BNV-VPCP, 66.25/2026/NQ-CP
  administrative, no year        01/CT-UBND, 3700/QĐ-UBND, 427/UBND-THVX (công văn: no type part)
  Party (hyphen first)            34-CT/TW, 160-KH/TU, 08-QĐi/TW
Type words and codes come from `data/doc_types.csv`, issuer codes from `data/issuer_codes.csv`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from extractor.base.normalize import DASHES
from extractor.base.resources import read_csv

_GAP = r"[ \t]*\n?[ \t]*"
_HYPHEN = _GAP + f"[-{DASHES}]" + _GAP
_SLASH = _GAP + "/" + _GAP
# A code group: capitals and digits with at most one lower-case letter (TTg, QĐi, QyĐ, CTr, HĐND17,
# UBTƯMTTQVN).
_UPPER = "A-ZĐĂÂÊÔƠƯ"
_TOKEN = rf"[{_UPPER}][{_UPPER}0-9&]*[a-zđ]?[{_UPPER}0-9&]*(?![\w&])"
# A code typed or recognised in lower case ("12/kh-ubnd"): kept only when a type word precedes it and
# every group is a known code (`lower_symbol_known`).
_LOWER_TOKEN = r"[a-zđ]{1,8}"
# OCR reads 0 as O/o and 1 as l/I inside numbers ("0l/CT-UBND"); at least one real digit is required.
_OCR_DIGIT = "0-9OolI"
_NUMBER = rf"(?<![\w./\-])(?P<number>(?=[{_OCR_DIGIT}]{{0,4}}\d)[{_OCR_DIGIT}]{{1,5}}(?:\.\d{{1,3}})?)"
_OCR_DIGITS = str.maketrans("OolI", "0011")



_YEAR = r"(?:19|20)\d\d"
# OCR also puts a space inside the year of a code ("75/20 14/QĐ-UBND", "04/201 1/QĐ-UBND").
_OCR_YEAR = r"(?:19|20)\d\d|(?:1[ \t]9|2[ \t]0)\d\d|(?:19|20)[ \t]\d\d|(?:19|20)\d[ \t]\d"


def _code_re(token: str, year: str = _YEAR) -> re.Pattern[str]:
    return re.compile(
        _NUMBER
        + "(?:"
        + _SLASH
        + rf"(?P<year>{year})"
        + _SLASH
        + rf"(?P<lsym>{token}(?:{_HYPHEN}{token})*)"
        + "|"
        + _SLASH
        + rf"(?P<ssym>{token}(?:{_HYPHEN}{token})+)"
        + "|"
        # The Government's resolutions numbered with their year after a dash ("19-2016/NQ-CP", as the
        # Government writes its annual resolutions on the business environment, 2014-2018).
        + _HYPHEN
        + rf"(?P<dyear>(?:19|20)\d\d){_SLASH}(?P<dsym>{token}(?:{_HYPHEN}{token})+)"
        + "|"
        + _HYPHEN
        + rf"(?P<ptype>{token}){_SLASH}(?P<pissuer>{token}(?:{_HYPHEN}{token})*)"
        + "|"
        + r"[ \t]*/[ \t]*(?:(?P<lyear>(?:19|20)\d\d)[ \t]*/[ \t]*)?"
        + rf"(?P<lower>{_LOWER_TOKEN}(?:[-{DASHES}]{_LOWER_TOKEN})+)(?![\w&])"
        + ")"
    )


CODE_RE = _code_re(_TOKEN)


@lru_cache(maxsize=1)
def ocr_code_re() -> re.Pattern[str]:
    """OCR puts a space inside a code group ("52/2015/N Đ-CP" for NĐ-CP). In OCR'd text a group may hold
    one space after its first letters; the match stands only when each such group joined is a known code
    (`spaced_groups_known`), else CODE_RE's reading is kept. A year may hold one space too. Compiled on
    first use: only OCR'd text needs it, and it is the costliest pattern to compile."""
    return _code_re(rf"(?:[{_UPPER}]{{1,3}}[ \t]{_TOKEN}|{_TOKEN})", _OCR_YEAR)


def ocr_number(number: str) -> str:
    """A code's number with OCR look-alikes read as digits ("0l" -> "01")."""
    return number.translate(_OCR_DIGITS)


_SPACES_RE = re.compile(r"\s+")
_DASH_RE = re.compile(f"[{DASHES}]")


def compact(code: str) -> str:
    """A code as written with spaces and line breaks removed and dashes folded to '-'."""
    return _DASH_RE.sub("-", _SPACES_RE.sub("", code))


@dataclass(frozen=True, slots=True)
class DocType:
    code: str
    name: str
    family: str
    kind: str


@lru_cache(maxsize=1)
def doc_types() -> tuple[DocType, ...]:
    return tuple(DocType(r["code"], r["name"], r["family"], r["kind"]) for r in read_csv("doc_types.csv"))


@lru_cache(maxsize=1)
def type_names() -> dict[str, str]:
    """Lower-case type word -> its usual capitalisation."""
    return {t.name.lower(): t.name for t in doc_types()}


@lru_cache(maxsize=1)
def type_by_code() -> dict[tuple[str, str], str]:
    """(family, lower-case code) -> type word. Codes compare case-insensitively (sources upper-case
    mixed codes such as CT-TTG), never accent-folded (ĐA is not DA)."""
    table: dict[tuple[str, str], str] = {}
    for t in doc_types():
        if t.code:
            table.setdefault((t.family, t.code.lower()), t.name)
    return table


LAW_TYPES = frozenset(t.name for t in doc_types() if t.kind == "normative" and not t.code)
GENERIC_TYPES = frozenset(t.name for t in doc_types() if t.kind == "generic")


@lru_cache(maxsize=1)
def type_alternation() -> str:
    """Every type word as one regex alternation (longest first, any spaces between syllables)."""
    names = sorted(type_names(), key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)


@lru_cache(maxsize=1)
def type_word_re() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?P<type>{type_alternation()})(?!\w)", re.IGNORECASE)


SO_BEFORE_RE = re.compile(rf"(?<!\w)(?P<so>[Ss]ố){_GAP}:?{_GAP}$")
# The plan's own number line: "Số: 41/KH-HĐTĐKT" at the start of a line or table cell.
# OCR and text copies of a header often put the number on the line of the issuer, after a wide gap.
# Only a capitalised "Số:" counts after a gap: a double space before "số" in a sentence is a typo.
OWN_NUMBER_LINE_RE = re.compile(r"(?:(?:^|[\n\t])[ \t]*(?i:s[ố])|[ \t]{2}(?:Số|SỐ)(?=[ \t]*:))[ \t]*:?[ \t]*$")


@dataclass(frozen=True, slots=True)
class IssuerCode:
    code: str
    issuer: str
    level: str
    family: str
    types: frozenset[str]


@lru_cache(maxsize=1)
def issuer_codes() -> dict[str, IssuerCode]:
    """Lower-case issuer code (without a term number: QH15 -> qh) -> issuer."""
    return {
        r["code"].lower(): IssuerCode(
            r["code"], r["issuer"], r["level"], r["family"], frozenset(filter(None, r["types"].split("|")))
        )
        for r in read_csv("issuer_codes.csv")
        if r["code"]
    }


@lru_cache(maxsize=1)
def central_issuer_names() -> tuple[str, ...]:
    """Names of central bodies (Chính phủ, Bộ Chính trị, ...), longest first."""
    names = {r["issuer"] for r in read_csv("issuer_codes.csv") if r["level"] == "central"}
    return tuple(sorted(names, key=len, reverse=True))


_TERM_RE = re.compile(r"\d+$")


def issuer_code(group: str) -> IssuerCode | None:
    """The issuer of one code group, ignoring a trailing term number (QH15, HĐND17, UBTVQH15)."""
    return issuer_codes().get(_TERM_RE.sub("", group).lower())


def lower_symbol_known(symbol: str) -> bool:
    """A lower-case symbol ("kh-ubnd", "tt-bnv") whose type group and issuer groups are all known codes."""
    groups = symbol.split("-")
    head, rest = groups[0].lower(), groups[1:]
    if ("state", head) not in type_by_code() or not rest:
        return False
    return all(issuer_code(g) is not None for g in rest)


def canonical_symbol(symbol: str) -> str:
    """Each group of a symbol in its canonical case ("kh-ubnd" -> "KH-UBND", "ct-ttg" -> "CT-TTg")."""
    out = []
    for index, group in enumerate(symbol.split("-")):
        canonical = _state_type_codes().get(group.lower()) if index == 0 else None
        if canonical is None:
            known = issuer_code(group)
            term = _TERM_RE.search(group)
            canonical = known.code + (term.group() if term else "") if known else group.upper()
        out.append(canonical)
    return "-".join(out)


@lru_cache(maxsize=1)
def _state_type_codes() -> dict[str, str]:
    return {t.code.lower(): t.code for t in doc_types() if t.code and t.family == "state"}


def _name_pattern(name: str) -> str:
    """A body's name as a pattern where ", " and " - " are interchangeable ("Bộ Văn hóa, Thể thao và Du
    lịch" is also written "Bộ Văn hóa - Thể thao và Du lịch") and spaces may be several."""
    parts = re.split(r"\s*[,\-–]\s*", name)
    return rf"\s*[,{DASHES}-]\s*".join(r"\s+".join(map(re.escape, p.split())) for p in parts)


@lru_cache(maxsize=1)
def central_name_re() -> re.Pattern[str]:
    """Any central body's name (longest first), case-insensitive; group `name` is the matched text."""
    alternatives = "|".join(_name_pattern(n) for n in central_issuer_names())
    return re.compile(rf"(?P<name>{alternatives})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _central_by_key() -> dict[str, str]:
    return {_name_key(n): n for n in central_issuer_names()}


def _name_key(name: str) -> str:
    return re.sub(rf"\s*[,{DASHES}-]\s*", " - ", " ".join(name.split())).lower()


def central_name(text: str) -> str | None:
    """The canonical name of the central body that `text` names exactly (any case, "," or "-"), else None."""
    return _central_by_key().get(_name_key(text))


# -- OCR misreadings inside a code --------------------------------------------------------------------
# Only for text read by OCR: a group of a symbol that is no known code but one OCR slip away from exactly
# one known code of its place (the type part, an issuer part) is read as that code. The slips are the ones
# Tesseract makes on code letters: a letter repeated ("QĐĐĐ"), one letter for a look-alike ("TIg": a faint
# crossbar makes T an I; "QD": a lost stroke), or a stray stroke between letters ("QHI15").

_LOOK_ALIKES = frozenset(frozenset(pair) for pair in ("ti", "il", "i1", "l1", "đd", "o0", "s5", "b8", "g6", "z2"))
_STRAY_STROKES = frozenset("il1|.,'`")
_REPEATED = "OCR repeated a letter"


@dataclass(frozen=True, slots=True)
class GroupReading:
    """One group of a symbol as OCR read it and as it is taken."""

    read: str
    code: str
    """The group taken: the known code it was repaired to, else as read."""
    slip: str | None = None
    """What OCR got wrong, when repaired ("OCR repeated a letter", "OCR read 'I' for 'T'")."""
    doubt: tuple[str, ...] = ()
    """Known codes equally near a group left as read: OCR may have misread it, but no guess is made."""


def _base_letter(char: str) -> str:
    return unicodedata.normalize("NFD", char)[0]


def _look_alike(read: str, code: str) -> bool:
    return frozenset((read, code)) in _LOOK_ALIKES or _base_letter(read) == _base_letter(code)


def _runs(text: str) -> list[tuple[str, int]]:
    return [(char, len(list(run))) for char, run in groupby(text)]


def _ocr_slip(read: str, code: str) -> str | None:
    """How `read` is one OCR slip from `code` (both without a term number), else None."""
    r, c = read.lower(), code.lower()
    if r == c or len(r) != len(read) or len(c) != len(code):
        return None
    read_runs, code_runs = _runs(r), _runs(c)
    if [ch for ch, _ in read_runs] == [ch for ch, _ in code_runs] and all(
        rn >= cn for (_, rn), (_, cn) in zip(read_runs, code_runs, strict=True)
    ):
        return _REPEATED
    if len(r) == len(c):
        diffs = [i for i in range(len(r)) if r[i] != c[i]]
        if len(diffs) == 1 and _look_alike(r[diffs[0]], c[diffs[0]]):
            i = diffs[0]
            return f"OCR read '{read[i]}' for '{code[i]}'"
    if len(r) == len(c) + 1:
        for i, char in enumerate(r):
            if char in _STRAY_STROKES and r[:i] + r[i + 1 :] == c:
                return f"OCR added a stray '{read[i]}'"
    return None


@lru_cache(maxsize=8)
def _place_codes(family: str, type_part: bool) -> tuple[str, ...]:
    """The known codes a group may be: a state symbol's first group is a type code or, in a công văn or a
    law (427/UBND-THVX, 202/2025/QH15), an issuer; a Party symbol's type part only a type code; the other
    groups issuer codes."""
    types = [t.code for t in doc_types() if t.code and t.family == family] if type_part else []
    issuers = [c.code for c in issuer_codes().values()] if not type_part or family == "state" else []
    return tuple(dict.fromkeys(types + issuers))


def is_known_group(group: str, family: str, type_part: bool) -> bool:
    """Whether `group` (a term number allowed: QH15) is a known code of its place (`_place_codes`)."""
    base = _TERM_RE.sub("", group).lower()
    return any(code.lower() == base for code in _place_codes(family, type_part))


def read_ocr_group(group: str, family: str, type_part: bool) -> GroupReading:
    """The group `group` of an OCR'd symbol, repaired when exactly one known code of its place is one slip
    away; a repeated letter is tried first, so that "QĐĐ" is QĐ even where another code is one letter off."""
    term = _TERM_RE.search(group)
    base = group[: term.start()] if term else group
    if is_known_group(group, family, type_part):
        return GroupReading(group, group)
    if len(base) < 2:
        return GroupReading(group, group)  # one letter says too little to repair
    codes = [code for code in _place_codes(family, type_part) if len(code) >= 2]
    slips = [(code, slip) for code in codes if (slip := _ocr_slip(base, code))]
    repeated = [(code, slip) for code, slip in slips if slip == _REPEATED]
    near = repeated or slips
    if len(near) == 1:
        code, slip = near[0]
        return GroupReading(group, code + (term.group() if term else ""), slip)
    return GroupReading(group, group, doubt=tuple(code for code, _ in near) if len(near) > 1 else ())


_GROUP_SPLIT_RE = re.compile(_HYPHEN)


def symbol_groups(raw: str) -> list[str]:
    """The groups of a symbol part as written ("N Đ-CP" -> ["N Đ", "CP"]), spaces inside a group kept."""
    return [g.strip() for g in _GROUP_SPLIT_RE.split(raw)]


def spaced_groups_known(m: re.Match[str]) -> bool:
    """Whether every group of an `ocr_code_re` match that holds a space is, joined, a known code of its place."""
    family = "party" if m["ptype"] else "state"
    parts = [(m["ptype"], True), (m["pissuer"], False)] if m["ptype"] else [(m["lsym"] or m["ssym"] or m["dsym"], True)]
    for raw, type_part in parts:
        if raw is None:
            continue
        for index, group in enumerate(symbol_groups(raw)):
            if re.search(r"\s", group) and not is_known_group(compact(group), family, type_part and index == 0):
                return False
    return True


def read_ocr_symbol(symbol: str, family: str) -> tuple[str, list[GroupReading]]:
    """A compact symbol of OCR'd text ("QĐĐĐ-UBND", "CT/TIg") with each group read by `read_ocr_group`:
    the symbol taken and the readings of its groups in order."""
    if family == "party":
        head, _, tail = symbol.partition("/")
        readings = [read_ocr_group(head, family, True)] + [read_ocr_group(g, family, False) for g in tail.split("-")]
        return readings[0].code + "/" + "-".join(r.code for r in readings[1:]), readings
    readings = [read_ocr_group(group, family, index == 0) for index, group in enumerate(symbol.split("-"))]
    return "-".join(r.code for r in readings), readings
