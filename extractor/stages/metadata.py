"""Metadata: header block, title, place and date, signer and recipients.

The frame (extractor.stages.frame) says which lines are the header block, the title block and the closing;
this module reads the fields out of them. Without a header block (web copies that start at the title),
the issuer and province come from what the body says ("Sở Lao động – Thương binh và Xã hội xây dựng kế
hoạch ...", "tỉnh Tây Ninh").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from extractor.base.blocks import LOW_CONFIDENCE, Layout, span_confidence
from extractor.base.normalize import DASHES, expand_abbreviations, fold, fold_tone_placement
from extractor.base.resources import read_csv
from extractor.stages.frame import (
    Frame,
    Line,
    frame_of,
    is_header_anchor,
    is_noise,
    is_person_name,
    is_separator,
    is_upper_line,
    person_name,
    read_position,
    symbol_only_line,
    title_text,
    type_of_line,
)
from extractor.stages.issuers import Vocabulary, expand, normalize_issuer
from extractor.vocab import places, provinces
from extractor.vocab.frame_lines import (
    ARCHIVE_ITEM_RE,
    DATE_LINE_RE,
    DATE_NUMERIC_RE,
    MOTTO_RE,
    NUMBER_LABEL_RE,
    NUMBER_RE,
    SIGN_PREFIX_RE,
    letter_key,
    ocr_digits,
    recipients_label_at,
)
from extractor.vocab.unit_names import blocked_at, body_heads, head_at, names_body
from models import Metadata, Section, Signer, Warning


def extract_metadata(
    layout: Layout, sections: list[Section], frame: Frame | None = None
) -> tuple[Metadata, list[str], list[Warning]]:
    frame = frame or frame_of(layout)
    warnings: list[Warning] = []
    meta = Metadata()
    header = [frame.lines[i] for i in frame.header]

    doubts = _Doubts()
    _read_number(header, meta, doubts)
    _read_place_date(header, meta, doubts)
    issuer_lines = _issuer_lines(header)
    ocr = any(line.block.ocr for line in header)
    groups = group_issuer_lines(issuer_lines, ocr=ocr)
    # An OCR'd header is read against the document's own words (tone marks lost, words glued).
    repair = _ocr_repair(frame, layout.text) if ocr else _as_written
    if groups:
        meta.issuer_raw = groups[-1]
        meta.issuer = normalize_issuer(repair(groups[-1]))
        if len(groups) > 1:
            meta.parent_issuer_raw = groups[-2]
            meta.parent_issuer = normalize_issuer(repair(groups[-2]))
    else:
        raw = issuer_from_body(frame)
        if raw:
            meta.issuer_raw = raw
            meta.issuer = normalize_issuer(raw)

    if frame.type_line is not None:
        found = type_of_line(frame.lines[frame.type_line].text)
        meta.doc_type = found[0] if found else None
        meta.title = title_text(frame)
    else:
        warnings.append(Warning(code="no-title-block", message="no document type line (e.g. 'KẾ HOẠCH') found"))

    meta.plan_year = plan_year(meta.title, meta.issued_date)
    province = _province(meta, groups, frame, layout.text)
    if province is not None:
        when = meta.issued_date or (str(meta.plan_year) if meta.plan_year else None)
        meta.province = provinces.name_at(province, when)
        meta.province_2025 = provinces.province_2025(province)

    signer, recipients = read_closing(frame)
    if _deputy_title_lost(signer):
        warnings.append(Warning(
            code="signer-title-unread",
            message=f"signer title '{signer.title}' under '{signer.on_behalf}' names the head a deputy signs for "
            "(a word of the title was not read): title left empty",
        ))
        signer.title = None
    closing = frame.lines[frame.closing_start : frame.closing_end]
    if signer.name and doubts.unread_words("signer.name", closing, signer.name):
        signer.name = None
    meta.signer = signer
    return meta, recipients, warnings + doubts.warnings


def _as_written(text: str) -> str:
    return text


def _ocr_repair(frame: Frame, text: str):  # noqa: ANN202 - a str -> str function
    """Repair OCR'd header words against the body's own spelling (see `issuers.Vocabulary`)."""
    body = text[frame.offset(frame.body_start) : frame.offset(frame.closing_start)]
    return Vocabulary(body).repair


# --- OCR confidence ---------------------------------------------------------------------------------


class _Doubts:
    """Judges OCR'd values by the confidence of their own words and records a `low-confidence` warning
    for each value read below LOW_CONFIDENCE, which the caller then leaves null: never a guessed value."""

    def __init__(self) -> None:
        self.warnings: list[Warning] = []

    def unread(self, field: str, line: Line, start: int, end: int) -> bool:
        """Whether the value at `line.text[start:end]` was read below the threshold (then warned)."""
        confidence = span_confidence(line.block, start, end)
        if confidence is None or confidence >= LOW_CONFIDENCE:
            return False
        at = line.block.start + start if line.block.start >= 0 else None
        self.warnings.append(
            Warning(
                code="low-confidence",
                message=f"metadata.{field}: '{line.text[start:end].strip()}' read by OCR at confidence "
                f"{confidence:.2f}, below {LOW_CONFIDENCE}; left null",
                start=at,
                end=at + end - start if at is not None else None,
            )
        )
        return True

    def unread_words(self, field: str, lines: list[Line], value: str) -> bool:
        """`unread` for a value given as text (a signer's name): judged on the first line holding its words."""
        wanted = value.split()
        for line in lines:
            spans = [m.span() for m in re.finditer(r"\S+", line.text)]
            words = [line.text[a:b] for a, b in spans]
            for k in range(len(words) - len(wanted) + 1):
                if words[k : k + len(wanted)] == wanted:
                    return self.unread(field, line, spans[k][0], spans[k + len(wanted) - 1][1])
        return False


# --- number, place and date -------------------------------------------------------------------------


_PLACE_DAY_RE = re.compile(r"\w,\s*ngày\b", re.IGNORECASE)
# A "Số:" line broken inside its symbol by a narrow column ("Số: /KH-" / "UBND"), and the code's rest.
_BROKEN_CODE_RE = re.compile(r"(?<!\w)Số\b.*[/\-–]\s*$", re.IGNORECASE)
_CODE_REST_RE = re.compile(r"^\s*[A-ZĐ0-9][A-ZĐ0-9&.\-–]*\s*$")


def _read_number(header: list[Line], meta: Metadata, doubts: _Doubts) -> None:
    for k, line in enumerate(header):
        # The code's rest is the next line of the same column (the right column's lines may come between).
        rest = next((ln for ln in header[k + 1 :] if ln.region == line.region), None)
        if rest is not None and _BROKEN_CODE_RE.search(line.text) and _CODE_REST_RE.match(rest.text):
            line = Line(line.index, line.block, line.text.rstrip() + rest.text.strip())
        match = NUMBER_RE.search(line.text)
        if not match:
            continue
        party = bool(match.group("psym"))
        num, sym = ("pnum", "psym") if party else ("num", "sym")
        meta.number = _number(line, match, num, doubts)
        meta.symbol = _symbol(line, match, num, sym, doubts)
        if meta.symbol is None:
            meta.code = None
        elif party:
            meta.code = f"{meta.number or ''}-{meta.symbol}"
        else:
            year = f"{match.group('year')}/" if match.group("year") else ""
            meta.code = f"{meta.number or ''}/{year}{meta.symbol}"
        return
    for line in header:  # no "Số:" line: one that kept only its symbol
        match = symbol_only_line(line.text)
        if match:
            lead = len(line.text) - len(line.text.lstrip())  # the match is on the stripped line
            meta.number = _number(line, match, "num", doubts, lead)
            meta.symbol = _symbol(line, match, "num", "sym", doubts, lead)
            meta.code = f"{meta.number or ''}/{meta.symbol}" if meta.symbol else None
            return


def _number(line: Line, match: re.Match[str], group: str, doubts: _Doubts, lead: int = 0) -> str | None:
    """The number as read, or None where it is blank or its words were read below the threshold."""
    if not match.group(group):
        return None
    start, end = match.span(group)
    return None if doubts.unread("number", line, lead + start, lead + end) else ocr_digits(match.group(group))


def _symbol(line: Line, match: re.Match[str], num: str, sym: str, doubts: _Doubts, lead: int = 0) -> str | None:
    """The symbol, or None where its own words were read below the threshold. A word it shares with the
    number ("5Ø/KH-UBND") is judged with the number: its one confidence cannot say which part is faint."""
    start, end = match.span(sym)
    if match.group(num):
        gap = line.text.find(" ", lead + match.end(num))
        start = max(lead + start, gap) if gap >= 0 else lead + end
    else:
        start += lead
    if start < lead + end and doubts.unread("symbol", line, start, lead + end):
        return None
    return _fold_symbol(match.group(sym))


def _fold_symbol(symbol: str) -> str:
    return re.sub(f"[{DASHES}]", "-", re.sub(r"\s+", "", symbol)).rstrip(".")


def _read_place_date(header: list[Line], meta: Metadata, doubts: _Doubts) -> None:
    for k, line in enumerate(header):
        text, origin = _without_number_and_motto(line.text)
        lines = [line] * len(origin)
        if re.search(r"(?:ng[àa]y|th[áa]ng)\s*\d{0,2}\s*$", text, re.IGNORECASE) and k + 1 < len(header):
            following, more = _without_number_and_motto(header[k + 1].text)
            text = f"{text} {following}"  # "Cao Bằng, ngày" / "tháng 3 năm 2021"; "..., ngày 28 tháng 02" / "năm 2018"
            origin += [origin[-1] if origin else 0, *more]
            lines += [line] + [header[k + 1]] * len(more)
        match = DATE_LINE_RE.search(text) or DATE_NUMERIC_RE.search(text)
        if not match:
            continue
        parts: dict[str, str | None] = {}
        for group, part in (("y", "year"), ("m", "month"), ("d", "day")):
            read = match.group(group)
            if read:
                start, end = match.span(group)
                at = lines[start]
                first = origin[start]
                last = origin[end - 1] + 1 if lines[end - 1] is at else len(at.text)
                if doubts.unread(f"issued_date.{part}", at, first, last):
                    read = None
            parts[group] = read
        # What OCR could not read is left out, as a blank is: a doubtful day gives the month, a month the year.
        if parts["m"] is None:
            parts["d"] = None
        meta.issued_date = iso_date(parts["y"], parts["m"], parts["d"])
        place = _strip_issuer_column(match.group("place") or "")
        meta.place = place or None
        return


def _without_number_and_motto(text: str) -> tuple[str, list[int]]:
    """The line with its number and motto each replaced by a space (so neither is read as a place), and
    for every character left the offset in the line it came from."""
    origin = list(range(len(text)))
    for pattern in (NUMBER_RE, MOTTO_RE):
        pieces: list[str] = []
        kept: list[int] = []
        pos = 0
        for m in pattern.finditer(text):
            pieces += [text[pos : m.start()], " "]
            kept += [*origin[pos : m.start()], origin[m.start()]]
            pos = m.end()
        pieces.append(text[pos:])
        kept += origin[pos:]
        text, origin = "".join(pieces), kept
    return text, origin


def _strip_issuer_column(place: str) -> str:
    """'VÀ XÃ HỘI Cao Bằng' (columns merged on one line) -> 'Cao Bằng': capitals before a place name
    written in title case belong to the issuing block."""
    words = place.strip(" *-").split()
    while len(words) > 1 and words[0].isupper() and not all(w.isupper() for w in words):
        words.pop(0)
    return " ".join(words)


def iso_date(year: str | None, month: str | None, day: str | None) -> str | None:
    """ISO date, partial where the text leaves parts blank: ('2021', '3', None) -> '2021-03'."""
    if not year:
        return None
    month = ocr_digits(month) if month else month
    day = ocr_digits(day) if day else day
    if not month or not 1 <= int(month) <= 12:
        return year
    if not day or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


# --- issuer ------------------------------------------------------------------------------------------


def _issuer_lines(header: list[Line]) -> list[str]:
    """Lines of the issuing block: the header's capital lines that are not motto, number or date.

    The "Số:" line stands under the issuing block in its column, so capitals below it are something else:
    a received stamp ("UBND TỈNH ... / ĐẾN / Số: ... / Ngày: ...") that the receiving office put across
    the header of its copy. Lines that are mostly not letters are seal or signature noise."""
    out: list[str] = []
    closed = False  # the place-and-date line was passed in the right column
    for line in header:
        if (line.region or "") == "header-right":
            # A date wrapped in its column ("Hà Tĩnh, ngày 31 tháng 01" / "năm 2018") closes it as well.
            closed = closed or bool(out and (DATE_LINE_RE.search(line.text) or _PLACE_DAY_RE.search(line.text)))
            continue
        if closed and not line.region:
            break  # below the two header columns: a greeting ("CHÚC MỪNG NĂM MỚI") or the title
        text = line.text
        motto = MOTTO_RE.search(text)
        if motto:
            text = text[: motto.start()]  # "UBND TỈNH X CỘNG HÒA XÃ HỘI ..." on one line
        # A "Số:" line broken inside its symbol ("Số: /KH-" / "UBND") closes the block as a whole one does.
        number = (
            NUMBER_RE.search(text) or symbol_only_line(text) or _BROKEN_CODE_RE.search(text)
            or NUMBER_LABEL_RE.match(text)  # "Số: 1B5/KH - Byt": a number line OCR garbled, no name
        )
        if number:
            text = text[: number.start()]
            if out:
                last = text.strip(f" *-_=.\t{DASHES}")
                if last and is_upper_line(last) and not is_noise(last) and not is_header_anchor(last):
                    out.append(last)
                break
        date = DATE_LINE_RE.search(text) or re.search(r",\s*ngày\s*\d{0,2}\s*$", text)
        if date:
            # "VÀ XÃ HỘI Cao Bằng, ngày": the capitals before the place belong to the issuing block
            head = text[: date.start()].split()
            upper = []
            for word in head:
                if not word.isupper():
                    break
                upper.append(word)
            text = " ".join(upper) if len(upper) < len(head) else ""
            if out and not text:
                # The place-and-date line closes the header: capitals below it (a greeting such as
                # "CHÚC MỪNG NĂM MỚI", a title) are not the issuing block, which already began above.
                break
        text = text.strip(f" *-_=.\t{DASHES}")
        if not text or is_separator(text) or is_header_anchor(text) or not is_upper_line(text) or is_noise(text):
            continue
        if type_of_line(text):
            continue
        out.append(text)
    return [text for text in out if text]


@lru_cache(maxsize=1)
def _issuer_words() -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for row in read_csv("issuer_words.csv"):
        kinds.setdefault(row["kind"], set()).add(fold_tone_placement(row["phrase"]).upper())
    return kinds


def _starts_with(text: str, kind: str) -> bool:
    upper = " ".join(fold_tone_placement(text).upper().split())
    return any(upper == w or upper.startswith(w + " ") for w in _issuer_words().get(kind, ()))


def group_issuer_lines(lines: list[str], ocr: bool = False) -> list[str]:
    """Join the issuing block's lines into names: a line that continues the one above (starts with 'VÀ',
    a unit word such as 'TỈNH', follows a bare agency type such as 'ỦY BAN NHÂN DÂN', or opens with no
    organisation noun) is appended; any other line starts the next name (parent issuer above issuer).
    OCR'd lines are matched to the organisation nouns without their tone marks ('TỎ' for 'TỔ')."""
    groups: list[str] = []
    for line in lines:
        text = " ".join(line.split())
        if groups and _continues(groups[-1], text, ocr):
            groups[-1] = f"{groups[-1]} {text}"
        else:
            groups.append(text)
    return groups


def _continues(previous: str, line: str, ocr: bool = False) -> bool:
    if previous.rstrip().endswith(("-", ",", "&")) or re.search(r"\b(?:VÀ|CỦA|VỀ)$", previous.upper()):
        return True
    if line[:1] in "-&," + DASHES or _starts_with(line, "function"):
        return True
    upper = " ".join(fold_tone_placement(previous).upper().split())  # "UỶ BAN" is "ỦY BAN" written the old way
    agencies = _issuer_words().get("agency", set())
    if upper in agencies:
        return True
    # A name wrapped inside its agency type ("ỦY BAN NHÂN" / "DÂN" in a narrow header column).
    joined = f"{upper} {' '.join(fold_tone_placement(line).upper().split())}"
    if any(a.startswith(upper + " ") and (joined.startswith(a) or a.startswith(joined)) for a in agencies):
        return True
    if _starts_with(line, "unit"):
        return not _has_place(previous)
    # Each name of the issuing block opens with its organisation noun (Sở, Ban, Trung tâm, Ủy ban nhân dân,
    # Huyện ủy, ...; Nghị định 30/2020 Phụ lục I mục IV); a capital line that opens with none is the name
    # above wrapped in its narrow column ("BAN CHỈ ĐẠO CẢI CÁCH" / "HÀNH CHÍNH CỦA CHÍNH PHỦ").
    return not _opens_with_body(line, ocr)


_BODY_WORDS = 4  # the longest organisation noun, in words ("ủy ban mặt trận tổ quốc" expands from UBMTTQ)


def _opens_with_body(line: str, ocr: bool) -> bool:
    text = expand(line)  # "UBND", "BCH", "BQL" open names too
    if blocked_at(text, 0):
        head = head_at(text, 0)  # "ĐÀI PHÁT THANH" is a head that "đài phát" does not block
        return head is not None and names_body(head)
    words = text.split()
    keys = _body_head_keys()
    return any(
        (letter_key(" ".join(words[:n])) if ocr else fold_tone_placement(" ".join(words[:n])).lower()) in keys[ocr]
        for n in range(1, min(len(words), _BODY_WORDS + 2) + 1)
    )


@lru_cache(maxsize=1)
def _body_head_keys() -> dict[bool, frozenset[str]]:
    """The organisation nouns (unit heads and the issuing block's agency words), as written in lower case
    and as OCR letter keys."""
    nouns = {fold_tone_placement(h).lower() for h in body_heads()} | {
        a.lower() for a in _issuer_words().get("agency", set())
    }
    return {False: frozenset(nouns), True: frozenset(letter_key(n) for n in nouns)}


def _has_place(name: str) -> bool:
    return bool(re.search(r"\b(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG)\b", name.upper())) or bool(
        provinces.mentions(name)
    )


@lru_cache(maxsize=1)
def _actor_regex() -> re.Pattern[str]:
    agencies = sorted(
        (row["phrase"] for row in read_csv("issuer_words.csv") if row["kind"] == "agency"), key=len, reverse=True
    )
    start = "|".join(re.escape(a) for a in agencies)
    return re.compile(
        rf"(?<![\w])(?P<actor>(?:{start})(?:\s+[^\s.;:]+){{0,14}}?)\s+"
        r"(?:xây\s+dựng|ban\s+hành|phát\s+động|triển\s+khai)\s+(?:[Kk]ế\s+hoạch|phong\s+trào|chương\s+trình)"
    )


def issuer_from_body(frame: Frame) -> str | None:
    """The body's own statement of who issues the plan: '<agency> xây dựng/ban hành kế hoạch ...'."""
    lines = [
        line.text for line in frame.lines[frame.body_start : frame.closing_start] if line.block.kind == "paragraph"
    ]
    # Joined, so that a statement wrapped over lines (text and PDF layers) still reads as one.
    for match in _actor_regex().finditer(" ".join(lines)):
        actor = re.sub(r"\s*\([^)]*\)", "", match.group("actor"))  # "(Liên hiệp Hội)" is an alias
        actor = re.sub(r"^(?:.*\s)?(?=(?:Sở|Ủy ban|Hội đồng|Ban|Liên hiệp)\s)", "", actor)
        if 2 <= len(actor.split()) <= 15:
            return actor.strip(" ,")
    return None


# --- province and plan year --------------------------------------------------------------------------


def _province(meta: Metadata, groups: list[str], frame: Frame, text: str) -> provinces.Province | None:
    for name in reversed(groups):
        found = provinces.mentions(name)
        if found:
            return found[0].province
    if _central_issuer(meta):
        return None  # a ministry or a central body belongs to no province, wherever it signs ("Hà Nội, ngày")
    # A district's or commune's body names its unit, not its province: the administrative-unit table
    # places it, when the name is unique at the plan's date (or the block names the district too).
    below = places.province_of_issuer("\n".join(groups), meta.issued_date) if groups else None
    if below:
        return below
    if meta.place:
        at_place = provinces.lookup(meta.place) or places.province_of_place(meta.place, meta.issued_date)
        if at_place:
            return at_place
    for raw in (meta.issuer_raw, meta.parent_issuer_raw):
        if raw:
            named = provinces.mentions(raw)
            if named and named[0].with_unit:
                return named[0].province
    body_start = frame.offset(frame.body_start)
    body_end = frame.offset(frame.closing_start)
    counts = Counter(m.province for m in provinces.mentions(text[body_start:body_end]) if m.with_unit)
    if counts:
        return counts.most_common(1)[0][0]
    return None


def _central_issuer(meta: Metadata) -> bool:
    """Is the top of the issuing block a central body (a ministry, the Government, a central Party board)?"""
    from extractor.vocab.citation_patterns import central_name

    top = meta.parent_issuer or meta.issuer
    if not top:
        return False
    return central_name(top) is not None or bool(_NATIONAL_RE.search(fold(top)))


# Names that say a body is national: "... Trung ương", a body "của Chính phủ" / "quốc gia" (Ban Chỉ đạo Cải
# cách hành chính của Chính phủ, Ủy ban An toàn giao thông Quốc gia), or one whose name ends in "Việt Nam"
# (Tập đoàn Điện lực Việt Nam, Bảo hiểm xã hội Việt Nam; "Ủy ban MTTQ Việt Nam tỉnh X" names its place after).
_NATIONAL_RE = re.compile(r"\btrung ương\b|\bcủa (?:thủ tướng )?chính phủ$|\bquốc gia$|\bviệt nam$")


_RANGE_RE = re.compile(rf"((?:19|20)\d\d)\s*[{DASHES}-]\s*(?:19|20)\d\d")
_YEAR_RE = re.compile(r"(?<![\d/])((?:19|20)\d\d)(?![\d/])")


def plan_year(title: str | None, issued_date: str | None) -> int | None:
    """The year the plan is for: a range in the title gives its first year, else the title's year
    (not one after 'đến'), else the year of issue."""
    if title:
        match = _RANGE_RE.search(title)
        if match:
            return int(match.group(1))
        for match in _YEAR_RE.finditer(title):
            before = title[max(0, match.start() - 10) : match.start()].lower()
            if re.search(r"đến\s+(?:năm\s+)?$", before):
                continue
            return int(match.group(1))
    if issued_date:
        return int(issued_date[:4])
    return None


# --- closing: signer and recipients ------------------------------------------------------------------


@dataclass(slots=True)
class _Closing:
    recipients: list[str]
    signer_lines: list[str]


def read_closing(frame: Frame) -> tuple[Signer, list[str]]:
    lines = frame.lines[frame.closing_start : frame.closing_end]
    closing = _split_closing(lines)
    return _signer(closing.signer_lines, ocr=any(line.block.ocr for line in lines)), closing.recipients


def _split_closing(lines: list[Line]) -> _Closing:
    recipients: list[str] = []
    signer_lines: list[str] = []
    in_recipients = False
    texts = [line.text.strip() for line in lines]
    for i, line in enumerate(lines):
        text = texts[i]
        region = line.region or ""
        if region == "footer-right":
            signer_lines.append(text)
            continue
        match = recipients_label_at(texts, i)
        if match:
            in_recipients = True
            rest = text[match.end() :].strip()
            if rest:
                _recipient_or_signer(rest, recipients, signer_lines)
            continue
        if in_recipients and (re.match(r"^[-+•*]", text) or region == "footer-left"):
            _recipient_or_signer(text, recipients, signer_lines)
            # The archive copy ("- Lưu: VT, ...") is the list's last item (Nghị định 30/2020, Phụ lục I):
            # dash lines after it are notes or an appendix's first lines, not recipients.
            if ARCHIVE_ITEM_RE.match(text):
                in_recipients = False
            continue
        if in_recipients and recipients and text[:1].islower():
            recipients[-1] = f"{recipients[-1]} {text.rstrip(' ;.,')}"
            continue
        signer_lines.append(text)
    return _Closing([r for r in recipients if r], signer_lines)


_ARCHIVE_RE = re.compile(r"^Lưu\s*[:.]?", re.IGNORECASE)


def _recipient_or_signer(text: str, recipients: list[str], signer_lines: list[str]) -> None:
    """One recipient line; columns merged into one line leave the signer's words after its ';'."""
    if not re.match(r"^[-+•*]", text) and (is_upper_line(text) or SIGN_PREFIX_RE.match(text)):
        signer_lines.append(text)
        return
    parts = re.split(r"[;.]\s*(?=[-+•]\s)", text)
    if len(parts) > 1:  # "- V01, C04 - Bộ Công an; - Thường trực Tỉnh ủy;": two recipients on one line
        for part in parts:
            _recipient_or_signer(part, recipients, signer_lines)
        return
    body = re.sub(r"^[-+•*]\s*", "", text)
    cut = re.search(r"[;.]\s+(?=\S)", body)
    if cut:
        tail = body[cut.end() :]
        if is_upper_line(tail) or SIGN_PREFIX_RE.match(tail) or is_person_name(tail):
            signer_lines.append(tail)
            body = body[: cut.start()]
    body = body.strip().rstrip(" ;.,").strip()
    if body and not _ARCHIVE_RE.match(body):
        recipients.append(body)


def _signer(lines: list[str], ocr: bool = False) -> Signer:
    """The signer from the closing's signature lines. In OCR'd text a seal or signature stroke crosses
    these lines, so a title must read as a known position ('PHÓ GIÁM ĐỐC', one letter off at most) and
    lines that are mostly not words are skipped."""
    on_behalf: list[str] = []
    title = None
    name = None
    for text in lines:
        text = text.strip()
        if not text or is_separator(text) or (ocr and is_noise(text)):
            continue
        if SIGN_PREFIX_RE.match(text) and title is None:
            on_behalf.append(text)
            continue
        person = person_name(text)
        if person:
            if name is None:
                name = person
        elif title is None and is_upper_line(text) and len(text.split()) <= 8:
            position = read_position(text)
            if position is None and _names_a_body(text):
                continue  # a signature block of the body alone ("VĂN PHÒNG UBND TỈNH / HÀ TĨNH") has no title
            if position or not ocr:
                title = position if ocr else text
    return Signer(title=title, name=name, on_behalf=" ".join(on_behalf) or None)


_ON_BEHALF_OF_HEAD_RE = re.compile(r"(?:^|\s)(?:KT|K/T)\s*[./]?\s*(?P<head>[^.]+?)\s*$", re.IGNORECASE)


def _deputy_title_lost(signer: Signer) -> bool:
    """"KT. CHỦ TỊCH" means a deputy signs for the head ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "KT. BỘ TRƯỞNG /
    THỨ TRƯỞNG": Nghị định 30/2020, Phụ lục I): a title that is the head's own post then lost a word (a
    stamp over "PHÓ" in a scan), and it cannot be read as written."""
    if not signer.title or not signer.on_behalf:
        return False
    m = _ON_BEHALF_OF_HEAD_RE.search(signer.on_behalf)
    return m is not None and fold(m["head"]) == fold(signer.title)


def _names_a_body(text: str) -> bool:
    """A signature line that names a body, not a post: it opens with an agency or unit word of the
    issuing block ("VĂN PHÒNG", "ỦY BAN NHÂN DÂN", "SỞ") or is a province's name alone (the second line
    of a wrapped body name). Positions are read first, so "CHÁNH VĂN PHÒNG" is still a title."""
    name = expand_abbreviations(text, case="any")
    if any(_starts_with(name, kind) for kind in ("agency", "unit")):
        return True
    bare = re.sub(r"^(?:TỈNH|THÀNH PHỐ)\s+", "", " ".join(text.split()), flags=re.I)
    return provinces.lookup(bare) is not None


__all__ = [
    "extract_metadata",
    "group_issuer_lines",
    "iso_date",
    "issuer_from_body",
    "plan_year",
    "read_closing",
]
