"""Legal citations: find, normalize, resolve.

Found on the raw text (before any word segmentation) in three passes:
1. number-symbol codes (`citation_patterns.CODE_RE`) with the type word before them ("Chỉ thị số",
   "Quyết định", "Nghị quyết số:") and the date, issuer ("của ...") and subject ("về ...") after them;
2. laws cited by name with a year or date ("Luật thi đua, khen thưởng năm 2003");
3. short references to an earlier citation ("Chỉ thị nêu trên", "Quyết định số 04 nêu trên").
Then a "của ..." closing a list of citations is given to each of them, and a missing issuer is taken
from the code where that is unambiguous (`citation_resolve`). One entry per mention. In OCR'd text only,
a code group OCR misread is repaired when the registry knows exactly one code it can be
(`citation_patterns.read_ocr_symbol`); `code_repairs` names every repair in a warning.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial

from rapidfuzz.distance import Levenshtein

from extractor.base.blocks import LOW_CONFIDENCE, Layout, span_confidence
from extractor.base.normalize import DASHES
from extractor.stages.citation_resolve import (
    IssuerPhrase,
    PlanPlace,
    implicit_issuer,
    issuer_after,
    issuer_before,
    place_cited_issuer,
)
from extractor.stages.segment import section_at
from extractor.vocab import citation_patterns as pat
from extractor.vocab.dates import DateMatch, day_at, find_dates
from models import Citation, Metadata, Section, Warning

# A line break may separate a code from its date where a PDF or OCR reader keeps visual lines.
_DATE_LEAD_RE = re.compile(r"[ \t]*,?[ \t]*\n?[ \t]*(?:\(\s*)?(?=ng[àa]y\b)", re.IGNORECASE)
_SUBJECT_LEAD_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:(?P<about>về việc|v/v|về)[ \t]+|(?=(?P<verb>[^\W\d]+)))", re.IGNORECASE
)
# Trích yếu that begin with a verb rather than "về ..." ("... của Chính phủ ban hành Chương trình ...").
_SUBJECT_VERBS = frozenset(
    "ban hành quy định hướng dẫn sửa đổi triển khai thực hiện tổ chức phát động phê duyệt công bố".split()
)
_CLAUSE_END_RE = re.compile(r"[;\n\t]|\.(?=\s|$)")
_LIST_LINK_RE = re.compile(r"^[ \t]*(?:,|;)?[ \t]*(?:(?:và|hoặc|cùng)[ \t]+)?$")
_BASIS_LINE_RE = re.compile(
    r"^[ \t\-–+*•]*(?:Căn cứ|Thực hiện|Triển khai|Theo|Trên cơ sở|Xét|Tiếp tục thực hiện)\b", re.IGNORECASE | re.M
)
_HEADING_RE = re.compile(r"^[ \t]*(?:[IVX]{1,5}|\d{1,2}|PHẦN|Phần|Chương|CHƯƠNG)[ \t]*[.\-)/:][ \t]*\S", re.M)
# No leading look-behind: it would stop the regex engine from skipping ahead to the first letters.
_LAW_HEAD_RE = re.compile(r"(?P<type>Bộ luật|Luật|Pháp lệnh|Hiến pháp)(?!\w)")
# "Luật Đất đai năm 2013", and the informal "Luật Hình sự 2015" (a bare year right after the name; the number
# of a code, "105/2021", is no year).
_LAW_YEAR_RE = re.compile(r"(?P<lead>[ \t]*,?[ \t]*)(?:năm[ \t]+|(?<![\d/.\-]))(?P<year>(?:19|20)\d\d)(?![\d/])")
# A name followed by "năm YYYY" only when the year names the law, not when it closes another phrase.
_NOT_LAW_NAME_END_RE = re.compile(
    r"(?:\b(?:trong|của|cho|tại|đến|từ|đoạn|các|mỗi|hằng|hàng|cả|nay|trước|sau|vào|thi hành|hiện hành))$",
    re.IGNORECASE,
)
_NOT_LAW_NAME_RE = re.compile(r"\bvà các\b|\bcác văn bản\b|[\"“”]", re.IGNORECASE)
_MAX_LAW_NAME_WORDS = 16
_SHORT_REF_TAIL = (
    r"(?:nêu trên|đã nêu|vừa nêu|trên(?=[ \t]*[,;.:)\n]|[ \t]+(?:và|của|đã|được|để|nhằm|theo|về|thì|là)\b))"
)


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    doc_type: str | None
    family: str
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    code: str | None = None
    code_start: int = 0
    code_end: int = 0
    read_symbol: str | None = None
    """The symbol as OCR read it, before any repair."""
    ocr: bool = False
    issuer_part: str | None = None
    date: DateMatch | None = None
    issuer: IssuerPhrase | None = None
    subject: str | None = None
    refers_to: _Found | None = None
    """The antecedent of a short reference."""
    clause_end: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def find_citations(layout: Layout, sections: list[Section], metadata: Metadata) -> list[Citation]:
    text = layout.text
    place = PlanPlace.of(metadata, text)
    found = _code_citations(text, _OcrText.of(layout))
    found += _law_citations(text, found)
    found.sort(key=lambda f: f.start)
    for item in found:
        _read_tail(text, item)
    own = _OwnNumber.of(metadata)
    found = [item for item in found if not own.is_self(item)]
    _share_list_issuers(text, found)
    for item in found:
        if item.issuer is None:
            item.issuer = issuer_before(text, item.start)  # "đề nghị của X tại Tờ trình số ...", "X đã ban hành ..."
    _link_yearless_codes(found)
    found += _short_references(text, found)
    found.sort(key=lambda f: f.start)
    preamble_end = _preamble_end(text, sections)
    return _build(text, found, sections, place, preamble_end)


# -- pass 1: codes ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _OcrText:
    """Where the text was read by OCR: only there are codes read with OCR's slips in mind."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, layout: Layout) -> _OcrText:
        blocks = [block for block in layout.blocks if block.ocr]
        return cls([block.start for block in blocks], [block.end for block in blocks])

    def covers(self, pos: int) -> bool:
        at = bisect_right(self.starts, pos) - 1
        return at >= 0 and pos <= self.ends[at]


def _code_citations(text: str, ocr: _OcrText) -> list[_Found]:
    out: list[_Found] = []
    makers: list[Callable[..., _Found]] = []
    for m in _code_matches(text, ocr):
        number, number_start = pat.ocr_number(m["number"]), m.start()
        split = _SPLIT_NUMBER_RE.search(text, max(0, number_start - 16), number_start)
        if split and len(split["head"]) + len(number) <= 5:
            # OCR spaces inside a number right after "số": "số 1 2/KH-UBND" is 12/KH-UBND.
            number, number_start = split["head"] + number, split.start("head")
        before_start = max(0, number_start - 60)
        before = text[before_start:number_start]
        so = pat.SO_BEFORE_RE.search(before)
        typed = _type_word_ending(text, before_start + so.start() if so else number_start)
        if typed is None and pat.OWN_NUMBER_LINE_RE.search(before):
            continue  # the plan's own "Số:" line
        if m["lower"] and (typed is None or not pat.lower_symbol_known(_DASH_RE.sub("-", m["lower"]))):
            continue  # a lower-case code needs a type word and known groups ("Kế hoạch số 12/kh-ubnd")
        start, word, outer = number_start, None, None
        if typed:
            start = typed.start()
            word = pat.type_names()[" ".join(typed["type"].lower().split())]
            # A type named by two type words ("Thông báo kết luận số 15-TB/HU"): the code says which.
            wrapping = _type_word_ending(text, start)
            if wrapping is not None:
                outer = pat.type_names()[" ".join(wrapping["type"].lower().split())]
                start = wrapping.start()
        elif so:
            start = before_start + so.start()
        makers.append(partial(_from_code, m, number, number_start, start, word, ocr.covers(m.start()), outer=outer))
        out.append(makers[-1]())
    for index, item in enumerate(out):
        dangling = _DANGLING_HYPHEN_RE.match(text, item.code_end) if item.ocr else None
        other = (_lost_group_symbol(item, out) if dangling else _other_mention_symbol(item, out)) if item.ocr else None
        if other is not None:
            out[index] = makers[index](as_other=other)
            if dangling:
                out[index].end = out[index].code_end = dangling.end()
    return out


# A code whose last group OCR lost at a line end: "Quyết định số 62/2013/QĐ-" then a new line.
_DANGLING_HYPHEN_RE = re.compile(f"[ \t]*[-{DASHES}][ \t]*(?=\n)")


def _lost_group_symbol(item: _Found, found: list[_Found]) -> str | None:
    """The symbol of the document's other mentions of the same number and year that go on where this
    OCR'd code breaks off after a hyphen ("62/2013/QĐ-" where the plan also cites "62/2013/QĐ-TTg"), when
    they all agree."""
    prefix = f"{item.symbol}-"
    symbols = {
        other.symbol
        for other in found
        if other is not item
        and (other.number, other.year, other.family) == (item.number, item.year, item.family)
        and other.symbol
        and other.symbol.startswith(prefix)
        and "-" not in other.symbol[len(prefix) :]
    }
    return symbols.pop() if len(symbols) == 1 else None


def _symbol_groups(symbol: str) -> list[str]:
    return re.split(r"[-/]", symbol)


def _other_mention_symbol(item: _Found, found: list[_Found]) -> str | None:
    """The symbol that the document's other mentions of the same number and year give an OCR'd code with
    one group that is no known code ("219/CIT-UBND" where the plan also cites "219/CTr-UBND"), when they
    all agree, differ only in that group and it is within two letters of theirs: the document itself then
    says which code OCR misread, as no repair of the group alone can (CIT is one stray stroke from CT)."""
    read = _symbol_groups(item.read_symbol or "")
    unknown = [i for i, g in enumerate(read) if not pat.is_known_group(g, item.family, i == 0)]
    if len(unknown) != 1 or not item.symbol:
        return None
    at, own = unknown[0], _symbol_groups(item.symbol)
    symbols = set()
    for other in found:
        groups = _symbol_groups(other.symbol or "")
        if (
            other is item
            or (other.number, other.year, other.family) != (item.number, item.year, item.family)
            or len(groups) != len(own)
            or any(a != b for i, (a, b) in enumerate(zip(groups, own, strict=True)) if i != at)
            or not pat.is_known_group(groups[at], item.family, at == 0)
        ):
            continue
        if Levenshtein.distance(groups[at].lower(), read[at].lower(), score_cutoff=2) <= 2:
            symbols.add(other.symbol)
    return symbols.pop() if len(symbols) == 1 else None


# A code's number starts at most this far before its first slash ("34 - CT / TW"), and the code ends
# at most this far after it ("/2008/NQLT-CP-UBTƯMTTQVN" with gaps).
_CODE_BEFORE_SLASH, _CODE_AFTER_SLASH = 40, 80


def _code_matches(text: str, ocr: _OcrText) -> list[re.Match[str]]:
    """CODE_RE matches, searched only around slashes: every code has one, and a plan has a few dozen, so
    this is several times faster than running the pattern over the whole text."""
    matches: list[re.Match[str]] = []
    find = text.find
    pos = 0
    while (slash := find("/", pos)) >= 0:
        m = _search_code(text, max(pos, slash - _CODE_BEFORE_SLASH), slash + _CODE_AFTER_SLASH, ocr.covers(slash))
        if m is None or m.start() > slash:
            pos = slash + 1  # a later code is found from its own slash, never cut by this window
            continue
        matches.append(m)
        pos = m.end()
    return matches


def _search_code(text: str, start: int, end: int, ocr: bool) -> re.Match[str] | None:
    """The first code in text[start:end]; in OCR'd text a group split by a space counts when it joins into
    a known code ("52/2015/N Đ-CP")."""
    if ocr:
        m = pat.ocr_code_re().search(text, start, end)
        if m is None or pat.spaced_groups_known(m):
            return m
    return pat.CODE_RE.search(text, start, end)


_WORD_START_RE = re.compile(r"(?<![\w])\w")
_MAX_TYPE_WORDS = 4


def _type_word_ending(text: str, end: int) -> re.Match[str] | None:
    """The type word ("Quyết định", "Thông tư liên tịch") that ends at `end`, spaces before it allowed.

    Tried from the start of each of the last few words (the longest first) instead of searching a window."""
    while end > 0 and text[end - 1] in " \t\n":
        end -= 1
    starts = [w.start() for w in _WORD_START_RE.finditer(text, max(0, end - 40), end)][-_MAX_TYPE_WORDS:]
    pattern = pat.type_word_re()
    for start in starts:
        m = pattern.fullmatch(text, start, end)
        if m is not None:
            return m
    return None


_SPLIT_NUMBER_RE = re.compile(r"(?<!\w)số[ \t]*:?[ \t]*(?P<head>\d{1,3}) $", re.IGNORECASE)
_DASH_RE = re.compile(f"[{DASHES}]")


@dataclass(frozen=True, slots=True)
class _OwnNumber:
    """The plan's own number and symbol: a code equal to them names the plan itself ("Số: 41/KH-UBND" in a
    header the reader did not keep on its own line, "Kèm theo Kế hoạch số 41/KH-UBND"), not a cited
    document, unless the text dates it differently (the same number of an earlier year)."""

    number: str | None
    symbol: str | None
    issued: str | None

    @classmethod
    def of(cls, metadata: Metadata) -> _OwnNumber:
        return cls(metadata.number, metadata.symbol, metadata.issued_date)

    def is_self(self, found: _Found) -> bool:
        if not (self.number and self.symbol and found.number and found.symbol):
            return False
        if found.number.lstrip("0") != self.number.lstrip("0") or found.symbol.upper() != self.symbol.upper():
            return False
        return found.date is None or self.issued is None or found.date.iso == self.issued


def _from_code(
    m: re.Match[str], number: str, number_start: int, start: int, word: str | None, ocr: bool,
    as_other: str | None = None, outer: str | None = None,
) -> _Found:
    """The citation of one code match; in OCR'd text with its groups repaired (`pat.read_ocr_symbol`), or
    read `as_other` mentions of the same number read it (`_other_mention_symbol`)."""
    if m["ptype"]:
        family = "party"
        symbol = read_symbol = f"{pat.compact(m['ptype'])}/{pat.compact(m['pissuer'])}"
        if ocr:
            symbol = as_other or _ocr_repaired(symbol, family, word)
        type_code, _, issuer_part = symbol.partition("/")
        year = None
    else:
        family = "state"
        if m["lower"]:
            symbol = pat.canonical_symbol(pat.compact(m["lower"]))
            year = int(m["lyear"]) if m["lyear"] else None
        elif m["dsym"]:
            symbol = pat.compact(m["dsym"])
            year = int(m["dyear"])
        else:
            symbol = pat.compact(m["lsym"] or m["ssym"])
            year = int(pat.compact(m["year"])) if m["year"] else None
        read_symbol = symbol  # before any repair
        if ocr and not m["lower"]:
            symbol = as_other or _ocr_repaired(symbol, family, word)
        head, _, rest = symbol.partition("-")
        fixed = _misread_type_code(head, word) if rest else None
        if fixed:
            head, symbol = fixed, f"{fixed}-{rest}"
        if ("state", head.lower()) in pat.type_by_code() and rest:
            type_code, issuer_part = head, rest
        else:
            # No type part: a công văn (427/UBND-THVX) or a law / resolution of the National Assembly
            # (202/2025/QH15), whose type only the word before it says.
            type_code, issuer_part = "", symbol
    doc_type = _doc_type(word, family, type_code, year, outer)
    if family == "party":
        code = f"{number}-{symbol}"
    elif m["dsym"]:
        code = f"{number}-{year}/{symbol}"  # as written: "19-2016/NQ-CP"
    elif year is not None:
        code = f"{number}/{year}/{symbol}"
    else:
        code = f"{number}/{symbol}"
    return _Found(
        start=start,
        end=m.end(),
        doc_type=doc_type,
        family=family,
        number=number,
        year=year,
        symbol=symbol,
        code=code,
        code_start=number_start,
        code_end=m.end(),
        read_symbol=read_symbol,
        ocr=ocr and not m["lower"],
        issuer_part=issuer_part,
    )


def _ocr_repaired(symbol: str, family: str, word: str | None) -> str:
    """The OCR'd symbol with its groups repaired (`pat.read_ocr_symbol`), but for a type part repaired into
    a code of another type than the type word written before it names: the word says OCR's slip was some
    other one ("Chương trình số 219/CIT-UBND" is no Chỉ thị, CT)."""
    repaired, readings = pat.read_ocr_symbol(symbol, family)
    head = readings[0]
    if head.slip and _names_other_type(head.code, family, word):
        rest = "-".join(r.code for r in readings[1:])
        return f"{head.read}/{rest}" if family == "party" else "-".join(filter(None, (head.read, rest)))
    return repaired


def _names_other_type(type_code: str, family: str, word: str | None) -> bool:
    named = pat.type_by_code().get((family, type_code.lower()))
    return bool(word and named and word not in pat.GENERIC_TYPES and named != word)


def _misread_type_code(head: str, word: str | None) -> str | None:
    """The type code that the written type word names, when the code as read is one letter off it
    ("Quyết định số 689/QĐĐ-TTg": OCR doubled a letter; "Nghị quyết số 35/NQQ-CP"). Both the word and the
    code then say the type, so the code is repaired; the citation's text stays as written, and the
    document warns (`code_repairs`). Without a type word, or with a code that is no type code at all,
    nothing is repaired."""
    if not word or ("state", head.lower()) in pat.type_by_code():
        return None
    codes = [code for (family, code), name in pat.type_by_code().items() if family == "state" and name == word]
    near = [code for code in codes if Levenshtein.distance(code, head.lower(), score_cutoff=1) <= 1]
    if len(near) != 1:
        return None
    return near[0].upper()


def code_repairs(citations: list[Citation], layout: Layout | None = None) -> list[Warning]:
    """A warning for each citation whose code was repaired: by its type word (`_misread_type_code`), or in
    OCR'd text by `pat.read_ocr_symbol` and the joining of a group OCR split with a space, naming what was
    repaired; and, in OCR'd text, for each group left as read because several known codes are as near."""
    ocr = _OcrText.of(layout) if layout is not None else _OcrText([], [])
    warnings: list[Warning] = []
    for c in citations:
        if not (c.code and c.symbol):
            continue
        m = _search_code(layout.text, c.start, c.end, True) if layout and ocr.covers(c.start) else None
        if m is not None and not m["lower"]:
            warnings += _ocr_code_warnings(c, m)
        elif c.symbol.lower() not in pat.compact(c.text).lower():
            warnings.append(_repaired(c, "its type word names that type"))
    return warnings


def _repaired(c: Citation, why: str) -> Warning:
    return Warning(code="citation-code-repaired", message=f"'{c.text}' read as {c.code} ({why})", start=c.start,
                   end=c.end)


def _ocr_code_warnings(c: Citation, m: re.Match[str]) -> list[Warning]:
    family = "party" if m["ptype"] else "state"
    raw = f"{m['ptype']}/{m['pissuer']}" if m["ptype"] else m["lsym"] or m["ssym"] or m["dsym"]
    groups = pat.symbol_groups(raw.replace("/", "-"))
    notes = [f"OCR's space inside '{g}' dropped" for g in groups if any(ch.isspace() for ch in g)]
    if m["year"] and any(ch.isspace() for ch in m["year"]):
        notes.insert(0, f"OCR's space inside the year '{m['year']}' dropped")
    _, readings = pat.read_ocr_symbol(pat.compact(raw), family)
    taken = _symbol_groups(c.symbol or "")
    if len(taken) > len(readings):
        notes.append(f"'{'-'.join(taken[len(readings):])}', lost at a line end, as the plan's other mentions of "
                     f"number {c.number} read it")
    for index, r in enumerate(readings):
        group = taken[index] if len(taken) == len(readings) else r.code
        if group == r.read:
            continue
        if group == r.code:
            notes += [f"'{r.read}' as {r.code}: {r.slip}"] if r.slip else []
        elif index == 0 and _misread_type_code(r.code, c.doc_type) == group:
            notes.append(f"'{r.read}' as {group}: its type word names that type")
        else:
            notes.append(f"'{r.read}' as {group}: as the plan's other mentions of number {c.number} read it")
    out: list[Warning] = []
    if notes:
        out.append(_repaired(c, "; ".join(notes)))
    elif (c.symbol or "").lower() not in pat.compact(c.text).lower():
        out.append(_repaired(c, "its type word names that type"))
    for r in readings:
        if r.doubt:
            out.append(
                Warning(
                    code="citation-code-doubtful",
                    message=f"'{c.text}': '{r.read}' is no known code and OCR may have misread "
                    f"{' or '.join(r.doubt)}; left as read",
                    start=c.start,
                    end=c.end,
                )
            )
    return out


def _doc_type(
    word: str | None, family: str, type_code: str, year: int | None, outer: str | None = None
) -> str | None:
    from_code = pat.type_by_code().get((family, type_code.lower())) if type_code else None
    if outer and outer == from_code:
        return outer  # "Thông báo kết luận số 15-TB/HU" is a Thông báo
    if word and word not in pat.GENERIC_TYPES:
        return word
    if from_code:
        return from_code
    if word:
        return word  # "Văn bản số 07/SNV-CCHC": the generic word as written, the code names no type
    if family == "state" and not type_code and year is None:
        return "Công văn"  # ND 30: only a công văn has a symbol without a type part
    return None


# -- pass 2: laws by name ----------------------------------------------------------------------------


def _law_citations(text: str, codes: list[_Found]) -> list[_Found]:
    out: list[_Found] = []
    covered_until = -1
    by_start = {c.code_start: c for c in codes}
    for m in _LAW_HEAD_RE.finditer(text):
        if m.start() < covered_until or (m.start() and text[m.start() - 1].isalnum()):
            continue  # the inner "Luật" of "Luật sửa đổi, bổ sung ... của Luật ... năm 2013"
        window = text[m.end() : m.end() + 240]
        cut = _CLAUSE_END_RE.search(window)
        window = window[: cut.start()] if cut else window
        anchor = _law_anchor(window, m.end(), by_start)
        if anchor is None:
            continue
        name_end, kind, payload = anchor
        name = text[m.end() : name_end].strip(" ,")
        if not _is_law_name(m["type"], name):
            continue
        if kind == "code":
            code = payload
            assert isinstance(code, _Found)
            if code.start >= m.start():
                code.start, code.doc_type = m.start(), m["type"]
            covered_until = code.end
            continue
        item = _Found(start=m.start(), end=name_end, doc_type=m["type"], family="state")
        if kind == "year":
            assert isinstance(payload, tuple)
            item.year, item.end = payload
            item.code_end = item.end
        else:
            assert isinstance(payload, DateMatch)
            item.date, item.year = payload, payload.year
            item.end = item.code_end = payload.end
        covered_until = item.end
        out.append(item)
    return out


def _is_law_name(law_type: str, name: str) -> bool:
    """Whether `name` (the words between "Luật" and its year, date or number) names one law.

    "Hiến pháp năm 2013" needs no name; an amending law ("Luật sửa đổi, bổ sung một số điều của Luật A và
    Luật B") names the laws it amends, so it may be long and hold other law heads; any other name that
    holds another law head is a list ("Luật Cán bộ, công chức và Luật Viên chức năm 2010"), whose year
    belongs to the last law only."""
    if not name:
        return law_type == "Hiến pháp"
    amending = _AMENDING_RE.match(name) is not None
    limit = _MAX_AMENDING_LAW_NAME_WORDS if amending else _MAX_LAW_NAME_WORDS
    if len(name.split()) > limit or _NOT_LAW_NAME_RE.search(name) or _NOT_LAW_NAME_END_RE.search(name):
        return False
    return amending or _LAW_HEAD_RE.search(name) is None


_AMENDING_RE = re.compile(r"(?:sửa đổi|bổ sung)\b", re.IGNORECASE)
_MAX_AMENDING_LAW_NAME_WORDS = 36


def _law_anchor(window: str, offset: int, codes_by_start: dict[int, _Found]):
    """Earliest of: the law's code ("số 06/2022/QH15"), its date ("ngày 15/6/2022"), its year."""
    candidates: list[tuple[int, str, object]] = []
    for start, code in codes_by_start.items():
        if offset <= start < offset + len(window):
            so = re.search(r"(?:,[ \t]*)?số[ \t]*:?[ \t]*$", window[: start - offset])
            if so:
                candidates.append((offset + so.start(), "code", code))
    for d in find_dates(window):
        if d.precision == "day" and d.year is not None:
            lead = re.search(r"(?:,[ \t]*)?(?:được[ \t]+\S+[ \t]+)?ngày[ \t]*$", window[: d.start])
            if d.text.lower().startswith("ngày"):
                candidates.append((offset + d.start, "date", _shift(d, offset)))
            elif lead:
                candidates.append((offset + lead.start(), "date", _shift(d, offset)))
            break
    y = _LAW_YEAR_RE.search(window)
    if y:
        candidates.append((offset + y.start(), "year", (int(y["year"]), offset + y.end())))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])


def _shift(d: DateMatch, offset: int) -> DateMatch:
    return DateMatch(d.start + offset, d.end + offset, d.text, d.year, d.month, d.day, d.precision, d.year_inferred)


# -- date, issuer and subject after a citation -----------------------------------------------------


def _read_tail(text: str, item: _Found) -> None:
    pos = item.end
    for _ in range(2):
        lead = _DATE_LEAD_RE.match(text, pos) if item.date is None else None
        if lead:
            date = day_at(text, lead.end())
            if date is not None:
                item.date = date
                pos = item.end = date.end
                continue
        if item.issuer is None:
            phrase = issuer_after(text, pos)
            if phrase:
                item.issuer = phrase
                pos = item.end = phrase.end
                continue
        break
    item.clause_end = pos
    item.subject = _subject_at(text, pos)


def _subject_at(text: str, pos: int) -> str | None:
    lead = _SUBJECT_LEAD_RE.match(text, pos)
    if not lead:
        return None
    if not lead["about"] and (lead["verb"] or "").lower() not in _SUBJECT_VERBS:
        return None
    begin = lead.end()
    end_match = _CLAUSE_END_RE.search(text, begin)
    end = end_match.start() if end_match else len(text)
    # A following citation introduced by a list connector closes the subject.
    nxt = re.search(
        r"(?:,|;|\bvà)[ \t]+(?=" + pat.type_word_re().pattern + r"[ \t]+(?:số[ \t]*:?[ \t]*)?\d)",
        text[begin:end],
        re.IGNORECASE,
    )
    if nxt:
        end = begin + nxt.start()
    subject = text[begin:end].strip(" ,")
    return subject or None


# -- lists: one "của ..." for several citations ----------------------------------------------------


def _share_list_issuers(text: str, found: list[_Found]) -> None:
    """Give the closing "của ..." of a list ("A, B và C của X") to the list members without their own."""
    for i in range(len(found) - 2, -1, -1):
        item, nxt = found[i], found[i + 1]
        if item.issuer is not None or nxt.issuer is None or item.code is None or nxt.code is None:
            continue
        if item.subject is not None:
            continue
        gap = text[item.clause_end : nxt.start]
        if _LIST_LINK_RE.match(gap) and ";" not in gap:
            item.issuer = nxt.issuer
            item.extra["shared_issuer"] = "1"


# -- pass 3: short references ------------------------------------------------------------------------


def _link_yearless_codes(found: list[_Found]) -> None:
    """A code written again without its year ("Nghị quyết số 19/NQ-CP ngày 28/4/2016" after "Nghị quyết
    19-2016/NQ-CP ngày 28/4/2016") is another mention of the same document: numbers run per year and
    issuer, so type, number, symbol and the same date identify it. Without a date it may be another year's."""
    for k, item in enumerate(found):
        if item.code is None or item.year is not None or item.date is None or item.refers_to is not None:
            continue
        for earlier in reversed(found[:k]):
            if (
                earlier.code is not None
                and earlier.year is not None
                and earlier.refers_to is None
                and (earlier.doc_type, earlier.number, earlier.symbol) == (item.doc_type, item.number, item.symbol)
                and earlier.date is not None
                and earlier.date.iso == item.date.iso
            ):
                item.refers_to = earlier
                break


def _short_references(text: str, found: list[_Found]) -> list[_Found]:
    """'Chỉ thị nêu trên', 'Quyết định số 04 nêu trên', 'Quyết định số 04' -> their antecedent.

    The short tail or bare number is found first (by plain substring search, `_short_anchor_positions`) and
    the type word looked for right before it, which is much faster than scanning for every type word."""
    if not found:
        return []
    out: list[_Found] = []
    spans = [(f.start, f.end) for f in found]
    last_end = 0
    for pos in _short_anchor_positions(text):
        m = _SHORT_ANCHOR_RE.match(text, pos) if pos >= last_end else None
        if m is None:
            continue
        last_end = m.end()
        tail = m["tail"] or m["tail2"]
        if not (tail or m["number"]):
            continue
        typed = _type_before_short_re().search(text, max(0, m.start() - 40), m.start())
        if typed is None:
            continue
        start = typed.start()
        if any(s <= start < e for s, e in spans):
            continue
        doc_type = pat.type_names()[" ".join(typed["type"].lower().split())]
        antecedent = None
        for cand in reversed(found):
            if cand.start < start and cand.doc_type == doc_type and m["number"] in (None, cand.number):
                antecedent = cand
                break
        if antecedent is None:
            continue
        end = m.end() if tail else m.end("number")
        out.append(
            _Found(
                start=start,
                end=end,
                doc_type=doc_type,
                family=antecedent.family,
                refers_to=antecedent,
                number=m["number"],
            )
        )
    return out


_SHORT_ANCHOR_RE = re.compile(
    r"(?<!\w)(?:số[ \t]+(?P<number>\d{1,5})(?![\d/\-.]|[ \t]*[/\-])[ \t]*(?P<tail>"
    + _SHORT_REF_TAIL
    + r")?|(?P<tail2>"
    + _SHORT_REF_TAIL
    + r"))",
    re.IGNORECASE,
)


_SHORT_ANCHOR_WORDS = ("số", "nêu trên", "đã nêu", "vừa nêu", "trên")


def _short_anchor_positions(text: str) -> list[int]:
    """Where `_SHORT_ANCHOR_RE` may match: the starts of its literal words, found with str.find on the
    lower-cased text (a case-insensitive regex cannot skip ahead and costs a full scan)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: keep offsets right
        return [m.start() for m in _SHORT_ANCHOR_RE.finditer(text)]
    positions: set[int] = set()
    for word in _SHORT_ANCHOR_WORDS:
        at = lowered.find(word)
        while at >= 0:
            positions.add(at)
            at = lowered.find(word, at + 1)
    return sorted(positions)


@lru_cache(maxsize=1)
def _type_before_short_re() -> re.Pattern[str]:
    return re.compile(pat.type_word_re().pattern + r"[ \t]+$", re.IGNORECASE)


# -- output -----------------------------------------------------------------------------------------


def _preamble_end(text: str, sections: list[Section]) -> int:
    if sections:
        return min(s.start for s in sections)
    basis = None
    for line in re.finditer(r"^.*$", text, re.M):
        if _BASIS_LINE_RE.match(line.group()):
            basis = line
            break
    if basis is None:
        return 0
    heading = _HEADING_RE.search(text, basis.end())
    return heading.start() if heading else len(text)


def _role(text: str, item: _Found, preamble_end: int) -> str:
    if item.start >= preamble_end:
        return "reference"
    line_start = text.rfind("\n", 0, item.start) + 1
    return "basis" if _BASIS_LINE_RE.match(text, line_start) else "reference"


def _build(
    text: str, found: list[_Found], sections: list[Section], place: PlanPlace, preamble_end: int
) -> list[Citation]:
    ids: dict[int, str] = {}
    citations: list[Citation] = []
    for index, item in enumerate(found):
        ids[id(item)] = f"c{index + 1}"
    for item in found:
        issuer = issuer_raw = None
        if item.issuer is not None:
            issuer_raw = item.issuer.raw
            issuer = place_cited_issuer(issuer_raw, place)
        elif item.issuer_part:
            issuer = implicit_issuer(item.issuer_part, item.doc_type, item.family, place)
        refers_to = ids[id(item.refers_to)] if item.refers_to is not None else None
        citations.append(
            Citation(
                id=ids[id(item)],
                text=text[item.start : item.end],
                start=item.start,
                end=item.end,
                section=section_at(sections, item.start),
                doc_type=item.doc_type,
                number=item.number,
                year=item.year,
                symbol=item.symbol,
                code=item.code,
                date=item.date.iso if item.date else None,
                issuer=issuer,
                issuer_raw=issuer_raw,
                subject=item.subject,
                family=item.family,
                role=_role(text, item, preamble_end),
                refers_to=refers_to,
            )
        )
    return citations


# -- OCR confidence ---------------------------------------------------------------------------------


def low_confidence(citations: list[Citation], layout: Layout) -> list[Warning]:
    """A `low-confidence` warning for each code whose number OCR read below LOW_CONFIDENCE. The number is
    kept (the citation still points the reader to its document), but the warning says it may be wrong."""
    if not any(block.ocr for block in layout.blocks):
        return []
    starts = [block.start for block in layout.blocks]
    warnings: list[Warning] = []
    for citation in citations:
        if citation.code is None or citation.number is None:
            continue
        code = pat.CODE_RE.search(layout.text, citation.start, citation.end)
        if code is None or code["number"] is None:
            continue
        start, end = code.span("number")
        block = layout.blocks[bisect_right(starts, start) - 1]
        confidence = span_confidence(block, start - block.start, end - block.start)
        if confidence is not None and confidence < LOW_CONFIDENCE:
            warnings.append(
                Warning(
                    code="low-confidence",
                    message=f"citation {citation.id} ({citation.code}): number '{code['number']}' read by OCR at "
                    f"confidence {confidence:.2f}, below {LOW_CONFIDENCE}; kept, may be wrong",
                    start=start,
                    end=end,
                )
            )
    return warnings
