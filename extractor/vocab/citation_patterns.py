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
from dataclasses import dataclass
from functools import lru_cache

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

CODE_RE = re.compile(
    _NUMBER
    + "(?:"
    + _SLASH
    + r"(?P<year>(?:19|20)\d\d)"
    + _SLASH
    + rf"(?P<lsym>{_TOKEN}(?:{_HYPHEN}{_TOKEN})*)"
    + "|"
    + _SLASH
    + rf"(?P<ssym>{_TOKEN}(?:{_HYPHEN}{_TOKEN})+)"
    + "|"
    # The Government's resolutions numbered with their year after a dash ("19-2016/NQ-CP", as the
    # Government writes its annual resolutions on the business environment, 2014-2018).
    + _HYPHEN
    + rf"(?P<dyear>(?:19|20)\d\d){_SLASH}(?P<dsym>{_TOKEN}(?:{_HYPHEN}{_TOKEN})+)"
    + "|"
    + _HYPHEN
    + rf"(?P<ptype>{_TOKEN}){_SLASH}(?P<pissuer>{_TOKEN}(?:{_HYPHEN}{_TOKEN})*)"
    + "|"
    + r"[ \t]*/[ \t]*(?:(?P<lyear>(?:19|20)\d\d)[ \t]*/[ \t]*)?"
    + rf"(?P<lower>{_LOWER_TOKEN}(?:[-{DASHES}]{_LOWER_TOKEN})+)(?![\w&])"
    + ")"
)


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
