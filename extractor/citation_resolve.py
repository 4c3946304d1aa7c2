"""Resolving who issued a cited document: the "của ..." phrase, its place, or the code's issuer part.

The issuer is stored with its abbreviations expanded and its place: "của UBND tỉnh" in a plan of Bà Rịa -
Vũng Tàu becomes "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu". Where the text names no issuer, the code's
issuer part decides when that is unambiguous (`NĐ-CP` -> Chính phủ; a `/TW` Nghị quyết -> Ban Chấp hành
Trung ương Đảng; a yearless `QĐ-UBND` in a provincial plan -> that province's Ủy ban nhân dân).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extractor.citation_patterns import central_issuer_names, issuer_code
from extractor.normalize import fold
from extractor.resources import load_abbreviations
from models import Metadata

# Where an issuer phrase ends: punctuation, a table cell or line break, or the first word of what
# follows it (the trích yếu verb, a date, a list connector). Matched case-insensitively...
_STOP_ANY_CASE = (
    r"về|v/v|ban hành|sửa đổi|bổ sung|thực hiện|triển khai|phát động|phê duyệt|tiếp tục|đẩy mạnh|"
    r"tăng cường|công bố|áp dụng|ngày|năm|số|theo|tại|đã|đang|đến|trong|nhằm|để|giao|quy định|"
    r"hướng dẫn|được|gắn|là|cho|với|và các|cũng như"
)
# ... except words that also begin body names in capitals ("Ban Tổ chức", "Ủy ban Kiểm tra").
_STOP_LOWER = r"tổ chức|kiểm tra|chỉ đạo|xây dựng|giải quyết"
_ISSUER_END_RE = re.compile(
    rf"[;:.()\[\]\t\n\"“”,]|\s+(?:(?i:{_STOP_ANY_CASE})|{_STOP_LOWER})(?!\w)|\s+(?i:và|hoặc)\s+(?=[A-ZĐ]\w*\s+(?:số|\d))"
)
_MAX_ISSUER_WORDS = 14
_OF_RE = re.compile(r"[ \t]*,?[ \t]*\b(?P<of>của)[ \t]+")
_DASH_SPACING_RE = re.compile(r"\s*[-\u2013\u2014]\s*")
_LOCAL_LEVEL_RE = re.compile(r"\b(?:huyện|quận|thị xã|xã|phường|thị trấn)\b", re.IGNORECASE)
_PLACE_WORD_END_RE = re.compile(r"(?:\s+(?P<unit>tỉnh|thành phố))$", re.IGNORECASE)
_PARTY_COMMITTEE_END_RE = re.compile(r"(?P<committee>Tỉnh\s+[uủ][yỷ]|Thành\s+[uủ][yỷ])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IssuerPhrase:
    start: int
    end: int
    raw: str


def issuer_after(text: str, pos: int) -> IssuerPhrase | None:
    """The "của <issuer>" phrase starting at `pos` (after optional spaces and a comma), if any."""
    m = _OF_RE.match(text, pos)
    if not m:
        return None
    begin = m.end()
    window = text[begin : begin + 160]
    stop = _ISSUER_END_RE.search(window)
    phrase = window[: stop.start()] if stop else window
    words = phrase.split()
    if not words or not words[0][0].isupper():
        return None  # "của các cơ quan", "của tỉnh": not a named issuer
    if len(words) > _MAX_ISSUER_WORDS:
        phrase = phrase[: _nth_word_end(phrase, _MAX_ISSUER_WORDS)]
    phrase = _cut_after_central_name(phrase.rstrip(" -\u2013"))
    return IssuerPhrase(begin, begin + len(phrase), phrase)


_lower = lru_cache(maxsize=256)(str.lower)
_TERM_WORD_RE = re.compile(r"\s+kh[oó]a\b", re.IGNORECASE)


def _cut_after_central_name(phrase: str) -> str:
    """ "Chính phủ cơ sở dữ liệu ..." -> "Chính phủ": a central body's name is complete, so lower-case
    words after it (other than its term, "khóa XV") belong to the sentence, not to the issuer."""
    lowered = phrase.lower()
    for name in central_issuer_names():
        if lowered.startswith(_lower(name)):
            rest = phrase[len(name) :]
            if rest[:1].isspace() and rest.strip()[:1].islower() and not _TERM_WORD_RE.match(rest):
                return phrase[: len(name)]
            return phrase
    return phrase


def _nth_word_end(text: str, n: int) -> int:
    count = 0
    for m in re.finditer(r"\S+", text):
        count += 1
        if count == n:
            return m.end()
    return len(text)


def expand_issuer_abbreviations(text: str) -> str:
    """Expand the abbreviations of `abbreviations.csv` (UBND, HĐND, TĐKT, TB&XH ...) as whole words."""
    table = load_abbreviations()
    pattern = _abbreviation_re(tuple(sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda m: table[m.group(1)], text)


_ABBR_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _abbreviation_re(keys: tuple[str, ...]) -> re.Pattern[str]:
    if keys not in _ABBR_CACHE:
        _ABBR_CACHE[keys] = re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w&])")
    return _ABBR_CACHE[keys]


@dataclass(frozen=True, slots=True)
class PlanPlace:
    """The plan's own province and how the text names its unit ("tỉnh" or "thành phố")."""

    province: str | None
    unit: str
    local: bool
    """True when the plan is issued at province level (so a bare "UBND" code is the province's)."""
    own_issuer: str | None
    own_issuer_codes: frozenset[str]
    """Lower-case codes the plan's own issuer signs with: its symbol's issuer part and its initials."""

    @classmethod
    def of(cls, metadata: Metadata, text: str) -> PlanPlace:
        province = metadata.province
        unit = "tỉnh"
        if province:
            m = re.search(r"(tỉnh|thành phố)\s+" + re.escape(province), text, re.IGNORECASE)
            if m:
                unit = m.group(1).lower()
        issuers = " ".join(filter(None, (metadata.issuer, metadata.parent_issuer)))
        local = bool(province) and not _LOCAL_LEVEL_RE.search(issuers)
        own_codes: set[str] = set()
        if metadata.symbol and "-" in metadata.symbol:
            own_codes.add(metadata.symbol.split("-", 1)[1].lower())
        if metadata.issuer:
            own_codes |= initials(metadata.issuer)
        return cls(province, unit, local, metadata.issuer, frozenset(own_codes))

    def place(self) -> str:
        return f"{self.unit} {self.province}"


def normalize_issuer(raw: str, place: PlanPlace) -> str:
    """Expanded issuer with its place: a bare "tỉnh" or "Tỉnh ủy" takes the plan's province."""
    issuer = expand_issuer_abbreviations(" ".join(raw.split()))
    issuer = _DASH_SPACING_RE.sub(" - ", issuer)
    for name in central_issuer_names():
        if issuer.lower() == name.lower():
            return name  # "Chính Phủ" -> "Chính phủ"
    if place.province and fold(place.province) not in fold(issuer):
        unit = _PLACE_WORD_END_RE.search(issuer)
        if unit:
            issuer = f"{issuer[: unit.start()]} {unit['unit'].lower()} {place.province}"
        elif _PARTY_COMMITTEE_END_RE.search(issuer):
            issuer = f"{issuer} {place.province}"
    return issuer


def implicit_issuer(symbol_issuer: str, doc_type: str | None, family: str, place: PlanPlace) -> str | None:
    """The issuer implied by a code's issuer part, where that is unambiguous; else None.

    `symbol_issuer` is the issuer part of the code: "NĐ-CP" -> "CP", "CT/TW" -> "TW", "UBND-THVX" -> "UBND".
    """
    groups = [g for g in re.split(r"-", symbol_issuer) if g]
    if not groups:
        return None
    head = groups[0]
    if place.own_issuer and head.lower() in place.own_issuer_codes:
        # The plan's own body citing its earlier documents (…/KH-SLĐTBXH in a Sở's plan).
        issuer = place.own_issuer
        if place.province and not _PLACE_TAIL_RE.search(issuer):
            issuer = f"{issuer} {place.place()}"  # "Sở Nội vụ" -> "Sở Nội vụ tỉnh X"
        return normalize_issuer(issuer, place)
    if family == "state" and len(groups) > 1 and all(issuer_code(g) for g in groups):
        return None  # joint documents (TTLT-BNV-VPCP): several issuers
    known = issuer_code(head)
    if known is None:
        return None
    if known.types and doc_type not in known.types:
        return None
    if known.level == "central":
        return known.issuer
    if not (place.local and place.province):
        return None
    if known.family == "party":
        committee = "Thành ủy" if place.unit == "thành phố" else known.issuer
        return f"{committee} {place.province}"
    return f"{known.issuer} {place.place()}"


_PLACE_TAIL_RE = re.compile(r"\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)(?:\s.*)?$")
_INITIAL_SKIP = frozenset({"và", "-", "–"})


def initials(name: str) -> set[str]:
    """Syllable initials of a body's name, the usual way its code is formed (lower case):
    "Sở Lao động - Thương binh và Xã hội" -> {"slđtbxh", "slđtbvxh"}; "Ủy ban nhân dân" -> {"ubnd"}."""
    name = _PLACE_TAIL_RE.sub("", name)
    words = [w for w in re.split(r"[\s\-–]+", name) if w]
    letters = [(_base_letter(w[0]), w.lower() in _INITIAL_SKIP) for w in words]
    return {
        "".join(ch for ch, skip in letters if not skip).lower(),
        "".join(ch for ch, _ in letters).lower(),
    }


def _base_letter(ch: str) -> str:
    if ch in "Đđ":
        return ch
    return unicodedata.normalize("NFD", ch)[0]
