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

from extractor.normalize import DASHES
from extractor.resources import read_csv

_GAP = r"[ \t]*\n?[ \t]*"
_HYPHEN = _GAP + f"[-{DASHES}]" + _GAP
_SLASH = _GAP + "/" + _GAP
# A code group: capitals and digits with at most one lower-case letter (TTg, QĐi, QyĐ, CTr, HĐND17).
_TOKEN = r"[A-ZĐ][A-ZĐ0-9&]*[a-zđ]?[A-ZĐ0-9&]*(?![\w&])"
_NUMBER = r"(?<![\w./\-])(?P<number>\d{1,5}(?:\.\d{1,3})?)"

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
    + _HYPHEN
    + rf"(?P<ptype>{_TOKEN}){_SLASH}(?P<pissuer>{_TOKEN}(?:{_HYPHEN}{_TOKEN})*)"
    + ")"
)

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
def type_word_re() -> re.Pattern[str]:
    names = sorted(type_names(), key=len, reverse=True)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    return re.compile(rf"(?<!\w)(?P<type>{alternatives})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def type_before_code_re() -> re.Pattern[str]:
    """A type word, optionally 'số' / 'số:', right before a code (matched against the preceding text)."""
    return re.compile(
        type_word_re().pattern + rf"{_GAP}(?:(?P<so>số){_GAP}:?{_GAP})?$",
        re.IGNORECASE,
    )


SO_BEFORE_RE = re.compile(rf"(?<!\w)(?P<so>[Ss]ố){_GAP}:?{_GAP}$")
# The plan's own number line: "Số: 41/KH-HĐTĐKT" at the start of a line or table cell.
OWN_NUMBER_LINE_RE = re.compile(r"(?:^|[\n\t])[ \t]*S[ốỐ][ \t]*:?[ \t]*$", re.IGNORECASE)


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
