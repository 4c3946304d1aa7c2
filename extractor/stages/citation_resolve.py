"""Resolving who issued a cited document: the "của ..." phrase, its place, or the code's issuer part.

The issuer is stored with its abbreviations expanded and its place: "của UBND tỉnh" in a plan of Bà Rịa -
Vũng Tàu becomes "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu". Where the text names no issuer, the code's
issuer part decides when that is unambiguous (`NĐ-CP` -> Chính phủ; a `/TW` Nghị quyết -> Ban Chấp hành
Trung ương Đảng; `CT/TU` in a provincial plan -> that province's Tỉnh ủy). A local council's or people's
committee's code (`QĐ-UBND`, `NQ-HĐND`) encodes neither level nor place (tỉnh, huyện or xã: vn-conventions
§1.3), so without "của ..." its issuer stays unknown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extractor.base.normalize import expand_abbreviations, fold
from extractor.vocab.citation_patterns import (
    central_name,
    central_name_re,
    issuer_code,
    type_alternation,
    type_word_re,
)
from extractor.vocab.syllables import LOWER_LETTERS
from extractor.vocab.unit_names import has_predicate, head_at, starts_unit, unit_kind
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


@lru_cache(maxsize=1)
def _issuer_end_re() -> re.Pattern[str]:
    """... and a list connector before the next citation ("của Chính phủ và Chỉ thị số ...") or before a
    lower-case word: the words of an official name after "và" are capitalised ("Thương binh và Xã hội"),
    so "của Ban Thường vụ Tỉnh ủy và xử lý ..." / "... và phù hợp với thực tiễn" go on with the clause."""
    return re.compile(
        rf"[;:.()\[\]\t\n\"“”,]|\s+(?:(?i:{_STOP_ANY_CASE})|{_STOP_LOWER})(?!\w)"
        rf"|\s+(?i:và|hoặc)\s+(?=[A-ZĐ]\w*\s+(?:số|\d)|(?i:{type_alternation()})(?!\w)|[{LOWER_LETTERS}])"
    )


_MAX_ISSUER_WORDS = 14
_OF_RE = re.compile(r"[ \t]*,?[ \t]*\b(?P<of>của)[ \t]*\n?[ \t]*(?=\S)")
_DASH_SPACING_RE = re.compile(r"\s*[-\u2013\u2014]\s*")
_LOCAL_LEVEL_RE = re.compile(r"\b(?:huyện|quận|thị xã|xã|phường|thị trấn)\b", re.IGNORECASE)
_PLACE_WORD_END_RE = re.compile(r"(?:\s+(?P<unit>tỉnh|thành phố))$", re.IGNORECASE)
_PARTY_COMMITTEE_END_RE = re.compile(r"(?P<committee>Tỉnh\s+[uủ][yỷ]|Thành\s+[uủ][yỷ])$", re.IGNORECASE)
# A name that ends in a bare unit word below the province, or in a district's party committee.
_LOWER_UNIT_END_RE = re.compile(
    r"(?:\s(?P<unit>huyện|quận|thị xã|xã|phường|thị trấn)"
    r"|(?P<committee>Huyện\s+[uủ][yỷ]|Quận\s+[uủ][yỷ]|Thị\s+[uủ][yỷ]))$",
    re.IGNORECASE,
)
_COMMITTEE_UNIT = {"huyện": "huyện", "quận": "quận", "thị": "thị xã"}


def _capitalised_words(text: str) -> str:
    """The leading words of `text` that start with a capital: a place's name ("Hương Sơn")."""
    words = []
    for word in text.split():
        if not word[:1].isupper():
            break
        words.append(word)
    return " ".join(words)


# The plan's own units in its issuing block: "Ủy ban nhân dân huyện Hương Sơn" -> ("huyện", "Hương Sơn").
_OWN_UNIT_RE = re.compile(
    r"\b(?P<unit>huyện|quận|thị xã|xã|phường|thị trấn)\s+(?P<name>\w+(?:\s+\w+){0,3})"
)


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
    return _name_from(text, m.end())


# Who issued a cited document is often named before it, in two formulas: the request ("Xét đề nghị của
# Giám đốc Sở Công Thương tại Công văn số 834/SCT-KHTCTH", "theo chỉ đạo của UBND tỉnh tại Văn bản số ...")
# and the actor ("UBND tỉnh đã ban hành Quyết định số 67/QĐ-UBND", "đã được Thủ tướng Chính phủ phê duyệt
# tại Quyết định số ..."). Both stay within the citation's clause.
_BEFORE_WINDOW = 160
_REQUEST_TAIL_RE = re.compile(r"[ \t]+tại[ \t]*")
_ACTOR_TAIL_RE = re.compile(
    r"[ \t]+(?:đã[ \t]+|vừa[ \t]+)?(?:ban[ \t]+hành|phê[ \t]+duyệt)(?:[ \t]+tại)?[ \t]*", re.IGNORECASE
)
_CLAUSE_BREAK_RE = re.compile(r"[;:.\n\t]")
_OF_WORD_RE = re.compile(r"(?<!\w)của(?!\w)")
_WORD_START_RE = re.compile(r"(?<!\w)\w")


def issuer_before(text: str, start: int) -> IssuerPhrase | None:
    """The issuer a request or actor formula names right before the citation at `start`, if any.

    In the request formula the person who submits ("Giám đốc Sở Công Thương") stands for the body whose
    document it is (its code names the body: `SCT`), so the body is kept."""
    low = max(0, start - _BEFORE_WINDOW)
    breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(text, low, start)]
    low = breaks[-1] if breaks else low
    for m in reversed(list(_OF_WORD_RE.finditer(text, low, start))):
        phrase = issuer_after(text, m.start())
        if phrase is not None and _REQUEST_TAIL_RE.fullmatch(text, phrase.end, start):
            return _without_person(phrase)
    for m in _WORD_START_RE.finditer(text, low, start):
        if not text[m.start()].isupper() or starts_unit(text, m.start()) is None:
            continue
        phrase = _name_from(text, m.start())
        if phrase is None or not _ACTOR_TAIL_RE.fullmatch(text, phrase.end, start):
            continue
        if has_predicate(phrase.raw) or unit_kind(phrase.raw) == "generic":
            # "Sở Nội vụ tham mưu UBND tỉnh ban hành": the actor is the body nearest the verb; "Các sở đã
            # ban hành": a group names no issuer.
            continue
        return phrase
    return None


def _without_person(phrase: IssuerPhrase) -> IssuerPhrase:
    head = head_at(phrase.raw.lower(), 0)
    if head is None or head.kind != "person":
        return phrase
    rest = len(head.text)
    while rest < len(phrase.raw) and phrase.raw[rest] == " ":
        rest += 1
    if starts_unit(phrase.raw, rest) is None:
        return phrase
    return IssuerPhrase(phrase.start + rest, phrase.end, phrase.raw[rest:])


def _name_from(text: str, begin: int) -> IssuerPhrase | None:
    """The issuer's name that starts at `begin`, up to where the phrase ends; None unless capitalised."""
    joint = _JOINT_RE.match(text, begin)  # "của liên Bộ Nội vụ - Bộ Tài chính"
    if joint:
        begin = joint.end()
    window = _join_soft_wraps(text[begin : begin + 200])
    phrase = window[: _name_end(window)]
    words = phrase.split()
    if not words or not words[0][0].isupper():
        return None  # "của các cơ quan", "của tỉnh": not a named issuer
    if len(words) > _MAX_ISSUER_WORDS:
        phrase = phrase[: _nth_word_end(phrase, _MAX_ISSUER_WORDS)]
    phrase = _cut_after_central_name(phrase.rstrip(" -\u2013"))
    place = _LOWER_AFTER_PLACE_RE.match(phrase)
    if place:
        phrase = place.group(1)  # "Hội đồng nhân dân tỉnh vệ đê án" (OCR's "về đề án"): a place is a name
    return IssuerPhrase(begin, begin + len(phrase), phrase)


# A place word of a local body's name followed by a lower-case word: the name ends at the place word,
# which a proper name in capitals would follow ("tỉnh Hà Tĩnh"); "tỉnh ủy" is the party committee.
_LOWER_AFTER_PLACE_RE = re.compile(
    rf"^(.*?(?<!\w)(?:tỉnh|thành phố|huyện|quận|thị xã))[ \t]+(?!(?:ủy|uỷ)(?!\w))[{LOWER_LETTERS}]"
)


# Where a line goes on after a wrap, not as a new paragraph: what a new paragraph opens with.
_NEW_PARAGRAPH_RE = re.compile(
    r"[ \t]*(?:[-–+*•]|\d|[IVX]+[.\-)]|[A-ZĐ]{2,}\b|(?i:căn cứ|thực hiện|triển khai|theo|trên cơ sở|xét|tiếp tục)\b)"
)
_WRAP_CONTINUES_RE = re.compile(r"[ \t]*(?:[\w\-–]+[ \t]+){0,6}?\w+[ \t]*(?:[,;.]|(?:về|ngày|năm|ban hành|quy định)\b)")


def _join_soft_wraps(window: str) -> str:
    """The window with line breaks that only wrap a sentence (PDF and OCR text keep visual lines) read as
    spaces, offsets unchanged: "của UBND tỉnh Cao\nBằng về việc ..." names "UBND tỉnh Cao Bằng".

    A break is a wrap where the next line does not open a paragraph (a bullet, a number, a heading in
    capitals, a basis phrase such as "Căn cứ") and goes on, within four words, to what follows an
    issuer (a comma, "về", "ngày", ...) or starts in lower case."""
    at = window.find("\n")
    while at >= 0:
        nxt = at + 1
        if (
            nxt < len(window)
            and window[at - 1 : at] not in (";", ".", ":")
            and not _NEW_PARAGRAPH_RE.match(window, nxt)
            and (window[nxt : nxt + 1].islower() or _WRAP_CONTINUES_RE.match(window, nxt))
        ):
            window = f"{window[:at]} {window[nxt:]}"
        at = window.find("\n", nxt)
    return window


_JOINT_RE = re.compile(r"liên[ \t]+(?=[A-ZĐ])")
_PLACE_IN_NAME_RE = re.compile(r"(?<!\w)(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|Tỉnh)(?!\w)")


def _name_end(window: str) -> int:
    """Where the issuer's name that opens `window` ends.

    A comma ends it unless the name goes on with the fields of the same body, as in "Bộ Văn hóa, Thể thao
    và Du lịch", "Sở Lao động, Thương binh và Xã hội" or "Ban Thi đua, Khen thưởng tỉnh" (`_fields_follow`).
    """
    pos = 0
    while True:
        stop = _issuer_end_re().search(window, pos)
        if stop is None:
            return len(window)
        if stop.group() != "," or not _comma_inside_name(window, stop.start()):
            return stop.start()
        pos = stop.end()


def _comma_inside_name(window: str, comma: int) -> bool:
    """A comma inside a name follows a field (no place named yet, no complete central body) and is
    followed by more fields: a capitalised word that opens no new body (a unit head such as Sở, Ban,
    UBND, Tỉnh ủy; a central body such as Thủ tướng Chính phủ) and no new citation (a type word)."""
    if _PLACE_IN_NAME_RE.search(window, 0, comma) or central_name(window[:comma]) is not None:
        return False
    after = comma + 1
    while after < len(window) and window[after] == " ":
        after += 1
    if after >= len(window) or not window[after].isupper():
        return False
    if head_at(window, after) is not None:
        return False
    if type_word_re().match(window, after) or central_name_re().match(window, after):
        return False
    stop = _issuer_end_re().search(window, after)
    return _fields_follow(window[after : stop.start() if stop else len(window)].split())


# A place after the last field ends a body's name ("Ban Thi đua, Khen thưởng tỉnh Nghệ An").
_PLACE_AFTER_FIELDS = frozenset({"tỉnh", "thành", "huyện", "quận", "thị", "Trung", "Tỉnh", "Thành"})


def _fields_follow(words: list[str]) -> bool:
    """Whether `words` continue a list of fields: "Thể thao và Du lịch", "Thương binh và Xã hội",
    "Khen thưởng tỉnh". A field is a capitalised word and at most one lower-case word (field names
    have one or two syllables); the list may close with "và <field>"; only a place may follow. So
    "Bảo hiểm xã hội tỉnh" after "Sở Y tế," is another body, not a field."""
    index = _field_end(words, 0)
    if index is None:
        return False
    if index < len(words) and words[index] == "và":
        index = _field_end(words, index + 1)
        if index is None:
            return False
    return index == len(words) or words[index] in _PLACE_AFTER_FIELDS


def _field_end(words: list[str], index: int) -> int | None:
    if index >= len(words) or not words[index][:1].isupper():
        return None
    index += 1
    if index < len(words) and words[index][:1].islower() and words[index] not in _PLACE_AFTER_FIELDS:
        if words[index] != "và":
            index += 1
    return index


_TERM_WORD_RE = re.compile(r"\s+kh[oó]a\b", re.IGNORECASE)
_JOINED_BODY_RE = re.compile(r"\s*(?:và|[-\u2013,])\s+[A-ZĐ]")


def _cut_after_central_name(phrase: str) -> str:
    """ "Chính phủ cơ sở dữ liệu ..." -> "Chính phủ": a central body's name is complete, so lower-case
    words after it (other than its term, "khóa XV") belong to the sentence, not to the issuer. A second
    body joined by "và" or "-" stays (joint documents: "Bộ Nội vụ và Văn phòng Chính phủ")."""
    m = central_name_re().match(phrase)
    if m is None:
        return phrase
    rest = phrase[m.end() :]
    following = rest.strip()
    # A capitalised unit after the name opens the next sentence ("... của Chính phủ / Các sở, ban, ngành
    # bám sát ...", a heading's last words run into the next line).
    if rest[:1].isspace() and (following[:1].islower() or starts_unit(following, 0, in_list=True) is not None):
        if not (_TERM_WORD_RE.match(rest) or _joins_a_body(rest)):
            return phrase[: m.end()]
    return phrase


def _joins_a_body(rest: str) -> bool:
    """Whether `rest` is "và <body>" / "- <body>", the body opening with a unit head or a central name."""
    joined = _JOINED_BODY_RE.match(rest)
    if joined is None:
        return False
    at = joined.end() - 1
    return head_at(rest, at) is not None or central_name_re().match(rest, at) is not None


def _nth_word_end(text: str, n: int) -> int:
    count = 0
    for m in re.finditer(r"\S+", text):
        count += 1
        if count == n:
            return m.end()
    return len(text)


@dataclass(frozen=True, slots=True)
class PlanPlace:
    """The plan's own province and how the text names its unit ("tỉnh" or "thành phố")."""

    province: str | None
    unit: str
    local: bool
    """True when the plan is issued at province level (so a bare "TU" code is the province's Tỉnh ủy)."""
    own_issuer: str | None
    own_issuer_codes: frozenset[str]
    """Lower-case codes the plan's own issuer signs with: its symbol's issuer part and its initials."""
    own_units: tuple[tuple[str, str], ...] = ()
    """The units below the province that the plan's own issuing block names, (unit word, name):
    (("huyện", "Hương Sơn"), ("xã", "Sơn Kim")) for a commune of Hương Sơn."""

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
        units = tuple(
            (m["unit"], name) for m in _OWN_UNIT_RE.finditer(issuers) if (name := _capitalised_words(m["name"]))
        )
        return cls(province, unit, local, metadata.issuer, frozenset(own_codes), units)

    def own_unit(self, word: str) -> str | None:
        """The name of the plan's own unit of level `word` ("huyện"), if its issuing block names one."""
        return next((name for unit, name in self.own_units if unit == word.lower()), None)

    def place(self) -> str:
        return f"{self.unit} {self.province}"


@lru_cache(maxsize=1024)
def place_cited_issuer(raw: str, place: PlanPlace) -> str:
    """Expanded issuer with its place: a bare "tỉnh" or "Tỉnh ủy" takes the plan's province."""
    issuer = expand_abbreviations(" ".join(raw.split()), "exact")
    issuer = _DASH_SPACING_RE.sub(" - ", issuer)
    canonical = central_name(issuer)
    if canonical is not None:
        return canonical  # "Chính Phủ" -> "Chính phủ"
    lower = _LOWER_UNIT_END_RE.search(issuer)
    if lower:
        # "UBND huyện", "Đảng bộ huyện", "Huyện ủy" in a district's own plan: its own district, as a
        # bare "tỉnh" is the plan's own province.
        word = lower["unit"] or _COMMITTEE_UNIT[fold(lower["committee"]).split()[0]]
        name = place.own_unit(word)
        if name:
            return f"{issuer} {name}"
    if place.province and fold(place.province) not in fold(issuer):
        unit = _PLACE_WORD_END_RE.search(issuer)
        if unit:
            issuer = f"{issuer[: unit.start()]} {unit['unit'].lower()} {place.province}"
        elif _PARTY_COMMITTEE_END_RE.search(issuer):
            issuer = f"{issuer} {place.province}"
    return issuer


@lru_cache(maxsize=1024)
def implicit_issuer(symbol_issuer: str, doc_type: str | None, family: str, place: PlanPlace) -> str | None:
    """The issuer implied by a code's issuer part, where that is unambiguous; else None.

    `symbol_issuer` is the issuer part of the code: "NĐ-CP" -> "CP", "CT/TW" -> "TW", "UBND-THVX" -> "UBND".
    """
    groups = [g for g in re.split(r"-", symbol_issuer) if g]
    if not groups:
        return None
    head = groups[0]
    known = issuer_code(head)
    if known is not None and known.level == "local" and known.family == "state":
        return None  # UBND, HĐND: the level is not in the code, even where the plan's own body uses it
    if place.own_issuer and head.lower() in place.own_issuer_codes:
        # The plan's own body citing its earlier documents (…/KH-SLĐTBXH in a Sở's plan).
        issuer = place.own_issuer
        central = (known is not None and known.level == "central") or central_name(issuer) is not None
        if place.province and not central and not _PLACE_TAIL_RE.search(issuer):
            # "Sở Nội vụ" -> "Sở Nội vụ tỉnh X"; a ministry ("Bộ Công an") belongs to no province.
            issuer = f"{issuer} {place.place()}"
        return place_cited_issuer(issuer, place)
    if family == "state" and len(groups) > 1 and all(issuer_code(g) for g in groups):
        return _joint_issuer(groups)
    if known is None:
        return None
    if known.types and doc_type not in known.types:
        return None
    if known.level == "central":
        return known.issuer
    if not (place.local and place.province) or known.family != "party":
        return None
    # A provincial party committee's code (TU) in a provincial plan: that province's Tỉnh ủy or Thành ủy.
    committee = "Thành ủy" if place.unit == "thành phố" else known.issuer
    return f"{committee} {place.province}"


def _joint_issuer(groups: list[str]) -> str | None:
    """Joint documents (TTLT-BNV-VPCP, NQLT-CP-UBTƯMTTQVN) are issued by all their bodies: their names
    in the code's order, joined by " - " as the code joins them. Only central bodies issue joint
    documents; a group that names a local body (UBND, HĐND: place unknown) leaves the issuer unresolved."""
    bodies = [issuer_code(g) for g in groups]
    if any(b is None or b.level != "central" for b in bodies):
        return None
    return " - ".join(dict.fromkeys(b.issuer for b in bodies if b is not None))


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
