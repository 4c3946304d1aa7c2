"""Legal citations: find, normalize, resolve.

Found on the raw text (before any word segmentation) in three passes:
1. number-symbol codes (`citation_patterns.CODE_RE`) with the type word before them ("Chỉ thị số",
   "Quyết định", "Nghị quyết số:") and the date, issuer ("của ...") and subject ("về ...") after them;
2. laws cited by name with a year or date ("Luật thi đua, khen thưởng năm 2003");
3. short references to an earlier citation ("Chỉ thị nêu trên", "Quyết định số 04 nêu trên").
Then a "của ..." closing a list of citations is given to each of them, and a missing issuer is taken
from the code where that is unambiguous (`citation_resolve`). One entry per mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor import citation_patterns as pat
from extractor.blocks import Layout
from extractor.citation_resolve import (
    IssuerPhrase,
    PlanPlace,
    implicit_issuer,
    issuer_after,
    normalize_issuer,
)
from extractor.dates import DateMatch, find_dates
from extractor.segment import section_at
from models import Citation, Metadata, Section

_DATE_LEAD_RE = re.compile(r"[ \t]*,?[ \t]*(?:\(\s*)?(?=ng[àa]y\b)", re.IGNORECASE)
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
_LAW_HEAD_RE = re.compile(r"(?<!\w)(?P<type>Bộ luật|Luật|Pháp lệnh|Hiến pháp)(?!\w)")
_LAW_YEAR_RE = re.compile(r"(?P<lead>[ \t]*,?[ \t]*)năm[ \t]+(?P<year>(?:19|20)\d\d)(?!\d)")
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
    code_end: int = 0
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
    found = _code_citations(text)
    found += _law_citations(text, found)
    found.sort(key=lambda f: f.start)
    for item in found:
        _read_tail(text, item)
    _share_list_issuers(text, found)
    found += _short_references(text, found)
    found.sort(key=lambda f: f.start)
    preamble_end = _preamble_end(text, sections)
    return _build(text, found, sections, place, preamble_end)


# -- pass 1: codes ---------------------------------------------------------------------------------


def _code_citations(text: str) -> list[_Found]:
    out: list[_Found] = []
    for m in pat.CODE_RE.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        typed = pat.type_before_code_re().search(before)
        if typed is None and pat.OWN_NUMBER_LINE_RE.search(before):
            continue  # the plan's own "Số:" line
        start = m.start()
        word = None
        if typed:
            start = m.start() - len(before) + typed.start()
            word = pat.type_names()[" ".join(typed["type"].lower().split())]
        else:
            so = pat.SO_BEFORE_RE.search(before)
            if so:
                start = m.start() - len(before) + so.start()
        out.append(_from_code(m, start, word))
    return out


def _from_code(m: re.Match[str], start: int, word: str | None) -> _Found:
    number = m["number"]
    if m["ptype"]:
        family = "party"
        type_code, issuer_part = pat.compact(m["ptype"]), pat.compact(m["pissuer"])
        symbol = f"{type_code}/{issuer_part}"
        year = None
    else:
        family = "state"
        symbol = pat.compact(m["lsym"] or m["ssym"])
        year = int(m["year"]) if m["year"] else None
        head, _, rest = symbol.partition("-")
        if ("state", head.lower()) in pat.type_by_code() and rest:
            type_code, issuer_part = head, rest
        else:
            # No type part: a công văn (427/UBND-THVX) or a law / resolution of the National Assembly
            # (202/2025/QH15), whose type only the word before it says.
            type_code, issuer_part = "", symbol
    doc_type = _doc_type(word, family, type_code, year)
    return _Found(
        start=start,
        end=m.end(),
        doc_type=doc_type,
        family=family,
        number=number,
        year=year,
        symbol=symbol,
        code=pat.compact(m.group()),
        code_end=m.end(),
        issuer_part=issuer_part,
    )


def _doc_type(word: str | None, family: str, type_code: str, year: int | None) -> str | None:
    from_code = pat.type_by_code().get((family, type_code.lower())) if type_code else None
    if word and word not in pat.GENERIC_TYPES:
        return word
    if from_code:
        return from_code
    if family == "state" and not type_code and year is None:
        return "Công văn"  # ND 30: only a công văn has a symbol without a type part
    return None


# -- pass 2: laws by name ----------------------------------------------------------------------------


def _law_citations(text: str, codes: list[_Found]) -> list[_Found]:
    out: list[_Found] = []
    covered_until = -1
    by_start = {c.code_end - len(c.code or ""): c for c in codes}
    for m in _LAW_HEAD_RE.finditer(text):
        if m.start() < covered_until:
            continue  # the inner "Luật" of "Luật sửa đổi, bổ sung ... của Luật ... năm 2013"
        window = text[m.end() : m.end() + 240]
        cut = _CLAUSE_END_RE.search(window)
        window = window[: cut.start()] if cut else window
        anchor = _law_anchor(window, m.end(), by_start)
        if anchor is None:
            continue
        name_end, kind, payload = anchor
        name = text[m.end() : name_end].strip(" ,")
        if not name or len(name.split()) > _MAX_LAW_NAME_WORDS or _NOT_LAW_NAME_RE.search(name):
            continue
        if _NOT_LAW_NAME_END_RE.search(name):
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
        if item.date is None and _DATE_LEAD_RE.match(text, pos):
            lead = _DATE_LEAD_RE.match(text, pos)
            assert lead is not None
            dates = find_dates(text[lead.end() : lead.end() + 40])
            if dates and dates[0].start <= 5 and dates[0].precision == "day" and dates[0].year is not None:
                item.date = _shift(dates[0], lead.end())
                pos = item.end = item.date.end
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


def _short_references(text: str, found: list[_Found]) -> list[_Found]:
    """'Chỉ thị nêu trên', 'Quyết định số 04 nêu trên', 'Quyết định số 04' -> their antecedent.

    The short tail or bare number is found first and the type word looked for right before it, which is
    much faster than scanning for every type word."""
    if not found:
        return []
    out: list[_Found] = []
    spans = [(f.start, f.end) for f in found]
    for m in _SHORT_ANCHOR_RE.finditer(text):
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
            issuer = normalize_issuer(issuer_raw, place)
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
