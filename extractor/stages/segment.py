"""Sections: the heading hierarchy (I., 1., 1.1., a), Phần/Chương/Mục/Điều) with offsets.

Only the body is segmented: the header block, the title block and the closing (recipients and
signature) are not sections (see extractor.stages.frame). A numbered line is a heading when it reads as a
title: short, not a full sentence ending in '.' or ';' (those are numbered items), or a short title
running into body text after a colon. Where the reader saw formatting, a bold numbered line is a
heading and a long plain one is an item. Levels follow the order in which the document uses the
numbering styles, with "Phần/Chương/Mục/Điều" above Roman numerals and Roman numerals at the top of
the rest (reference §4.2). A list whose every member is a label running on after a colon is a list of
headings. Each appendix after the closing ("Phụ lục II" with its outline) is segmented on its own, its
numbering restarting at level 1.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from extractor.base.blocks import Layout
from extractor.base.normalize import DASHES
from extractor.stages.frame import Frame, Line, frame_of
from extractor.vocab.markers import BARE_NUMBER_RE, MARKUP_RE, ROMAN_NUMERAL, parse_heading_number
from models import Section

_NAMED_ORDER = {"phần": 0, "chương": 1, "mục": 2, "điều": 3}
_LEADING_SPECKS_RE = re.compile(r"^[\W_]+")

# Word counts that separate titles from numbered sentences (gold titles run up to ~25 words).
_MAX_TITLE_WORDS = 30
_MAX_COLON_TITLE_WORDS = 14
_MAX_SENTENCE_TITLE_WORDS = 10
# A bold line in a document that sets its headings bold may be a long title.
_MAX_BOLD_TITLE_WORDS = 60


@dataclass(slots=True)
class Heading:
    line: Line
    style: str
    number: str
    title: str


def classify(rest: str, bold: bool, uses_bold: bool) -> tuple[str, str | None]:
    """(verdict, title) of a numbered line. Verdicts: "title" (reads as a heading), "weak" (a short
    line ending in '.'), "runon" (a short title running into text after a colon), "item" (a sentence)."""
    rest = " ".join(MARKUP_RE.sub("", rest).split()).strip()
    if not rest or rest[:1] in "-+*•":
        return "item", None
    words = len(rest.split())
    colon = _title_colon(rest)
    if colon is not None:
        head = rest[:colon].strip().rstrip(" .")
        tail = rest[colon + 1 :].strip()
        if head and not tail and len(head.split()) <= _MAX_TITLE_WORDS:
            if uses_bold and not bold and _words_outside_brackets(head) > _MAX_SENTENCE_TITLE_WORDS:
                # Where headings are set bold, a long plain line ending in ':' is a sentence that leads
                # into a list ("1. Tùy tình hình thực tế, tổ chức ... theo các hình thức sau:").
                return "item", None
            return "title", head
        if head and (len(head.split()) <= _MAX_COLON_TITLE_WORDS or _is_name_list(head)):
            return ("title" if uses_bold and bold else "runon"), head
        return "item", None
    limit = _MAX_BOLD_TITLE_WORDS if uses_bold and bold else _MAX_TITLE_WORDS
    if words > limit or rest.endswith((";", ",")):
        return "item", None
    if uses_bold and not bold and words > _MAX_SENTENCE_TITLE_WORDS:
        return "item", None
    if rest.endswith(".") and not rest.endswith("..."):
        if words > _MAX_SENTENCE_TITLE_WORDS:
            # A long sentence is an item; set in bold it may still be a heading among titled siblings.
            return ("weak" if bold else "item"), rest.rstrip(" .")
        return ("title" if bold else "weak"), rest.rstrip(" .")
    if _has_inner_sentence(rest) and not bold:
        return "item", None
    return "title", rest


def _title_colon(text: str) -> int | None:
    """Index of the colon ending a title ('Thành tích đột xuất: Hồ sơ ...'), outside quotes/brackets."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in '(“"[':
            depth += 1
        elif ch in ")”]" and depth:
            depth -= 1
        elif ch == ":" and depth == 0:
            return i
    return None


def _words_outside_brackets(text: str) -> int:
    """Words of a line without its bracketed asides ("Giao Sở Nội vụ (Cơ quan Thường trực ...)" has 4)."""
    return len(re.sub(r"\([^()]*\)", " ", text).split())


def _is_name_list(head: str) -> bool:
    """'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh, Hội ...': a label naming several
    bodies, each piece a capitalised name, however long; a sentence has lower-case pieces ('Các sở, ban')."""
    pieces = [p.strip() for p in re.split(r",|;|\s+và\s+", head)]
    return (
        len(pieces) >= 2
        and len(head.split()) <= _MAX_BOLD_TITLE_WORDS
        and all(p[:1].isupper() for p in pieces)
        and not re.search(r"[.!?]", head)
    )


def _has_inner_sentence(text: str) -> bool:
    """'... năm 2022. Tổ chức ...': a full stop followed by a new sentence."""
    return bool(re.search(r"[a-zà-ỹđ0-9)]\.\s+[A-ZÀ-ỸĐ]", text))


@dataclass(slots=True)
class _Candidate:
    line: Line
    style: str
    number: str
    verdict: str
    title: str | None
    rest: str = ""
    """The line's text after its number, as parsed (OCR's look-alike numbers included)."""


def _plain_title(rest: str) -> str:
    return " ".join(MARKUP_RE.sub("", rest).split()).rstrip(" .:")


def find_sections(layout: Layout, frame: Frame | None = None) -> list[Section]:
    frame = frame or frame_of(layout)
    lines = frame.lines
    body_end = frame.offset(frame.closing_start) if frame.closing_start < len(lines) else len(layout.text)
    full_width = _full_line_width(lines[frame.body_start : frame.closing_start])
    parts = [(lines[frame.body_start : frame.closing_start], body_end)]
    if frame.appendix_start is not None:
        parts += _appendix_parts(lines[frame.appendix_start :], len(layout.text))
    sections: list[Section] = []
    for part_lines, part_end in parts:
        # Each appendix is an outline of its own: its numbering restarts at level 1.
        headings = _headings_of(part_lines, full_width)
        part = _build(headings, _ranks([h.style for h in headings]), part_end)
        renamed = {s.id: f"s{len(sections) + k + 1}" for k, s in enumerate(part)}
        for section in part:
            section.id = renamed[section.id]
            section.parent = renamed[section.parent] if section.parent else None
        sections += part
    return sections


def _appendix_parts(lines: list[Line], text_end: int) -> list[tuple[list[Line], int]]:
    """The appendices after the closing, one part per "Phụ lục ..." line, each with its end offset."""
    starts = [k for k, line in enumerate(lines) if k == 0 or _APPENDIX_TITLE_RE.match(line.text)]
    parts = []
    for n, k in enumerate(starts):
        following = starts[n + 1] if n + 1 < len(starts) else None
        end = lines[following].block.start if following is not None else text_end
        parts.append((lines[k:following], end))
    return parts


_APPENDIX_TITLE_RE = re.compile(r"^\s*(?:PHỤ\s+LỤC|Phụ\s+lục)\b(?:\s+[IVXLC\d]+\b.*)?\s*$", re.IGNORECASE)


def _headings_of(body_lines: list[Line], full_width: int | None) -> list[Heading]:
    """The headings among the numbered lines of one part (the body or an appendix)."""
    parsed = []
    for k, line in enumerate(body_lines):
        if line.block.kind != "paragraph" or line.region:
            continue
        text, last = line.text, k
        if (
            BARE_NUMBER_RE.match(text)
            and k + 1 < len(body_lines)
            and not body_lines[k + 1].block.label
            and body_lines[k + 1].block.kind == "paragraph"  # a table row is never a heading's title
        ):
            last = k + 1
            text = f"{text.strip()} {body_lines[last].text.strip()}"  # "I." alone, its title on the next line
        found = parse_heading_number(text) or (
            (_ocr_roman_lookalike(text) or _ocr_named_part(text)) if line.block.ocr else None
        )
        if not found:
            continue
        style, number, rest = found
        if style == "arabic" and _CODE_START_RE.match(rest):
            continue  # "34-CT/TW ngày ..." at the start of a wrapped line is a citation, not a heading
        if style in _NAMED_ORDER and not any(ch.isalnum() for ch in rest):
            rest = ""  # "Phần thứ 2 - -": OCR's specks after the number are no title
        rest = _with_continuation(rest, body_lines[last], body_lines[last + 1 : last + 8], full_width)
        if style in _NAMED_ORDER and not rest.strip() and k + 1 < len(body_lines):
            # "Phần I" on its own line, its title on the next ("ĐÁNH GIÁ KẾT QUẢ NĂM 2023")
            following = body_lines[k + 1]
            if following.block.kind == "paragraph" and not parse_heading_number(following.text):
                rest = following.text
        parsed.append((line, style, number, rest))
    parsed = _repair_ocr_roman(parsed)
    bold = sum(1 for p in parsed if p[0].block.bold)
    uses_bold = 0 < bold < len(parsed)  # formatting tells headings from items only where it varies
    candidates: list[_Candidate] = []
    for line, style, number, rest in parsed:
        verdict, title = classify(rest, line.block.bold, uses_bold)
        if style in _NAMED_ORDER and not title:
            verdict = "item"
        candidates.append(_Candidate(line, style, number.rstrip(".)"), verdict, title, rest))
    ranks = _ranks([c.style for c in candidates])
    for candidate, child in pairwise(candidates):
        # A numbered line with its own numbered parts right below it is a heading, however it ends or
        # however long: a top division ("II. Các hoạt động ... và giải pháp thực hiện." before "1."), and
        # "1. <long title>" before "1.1."; items are not divided so.
        if (
            candidate.style == "roman"
            and candidate.verdict in {"item", "weak"}
            and len(candidate.rest.split()) <= _MAX_TITLE_WORDS
            and _plain_title(candidate.rest)
            and ranks[child.style] > ranks["roman"]
            and child.number in {"1", "a"}
        ):
            candidate.verdict, candidate.title = "title", _plain_title(candidate.rest)
        elif (
            candidate.verdict == "item"
            and child.number.startswith(candidate.number + ".")
            and child.style.startswith("dotted")
        ):
            reparsed = parse_heading_number(candidate.line.text)
            candidate.verdict, candidate.title = "title", _plain_title(reparsed[2] if reparsed else "")
    position = {id(line): k for k, line in enumerate(body_lines)}
    starts = [position[id(c.line)] for c in candidates]
    return [
        Heading(c.line, c.style, c.number, c.title or "")
        for k, c in enumerate(candidates)
        if c.verdict == "title"
        or (c.verdict in {"weak", "runon"} and _sibling_is_title(candidates, k, ranks))
        or (c.verdict == "runon" and _all_siblings_run_on(candidates, k, ranks))
        or (c.verdict == "weak" and _weak_list_heads_text(candidates, k, ranks, starts))
    ]


# OCR reads the strokes of a Roman numeral as look-alike letters: "I." as "L." or "l.", "II." as "H." or
# "Il.", and drops or adds a stroke ("II." for "III.").
_ROMAN_LOOKALIKE = str.maketrans({"l": "I", "L": "I", "1": "I", "|": "I", "!": "I", "í": "I", "ì": "I", "Í": "I"})
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(numeral: str) -> int | None:
    if not numeral or not re.fullmatch(ROMAN_NUMERAL, numeral):
        return None
    total = 0
    for k, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[k + 1]] if k + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def to_roman(value: int) -> str:
    out = ""
    for numeral, amount in (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1)):
        while value >= amount:
            out += numeral
            value -= amount
    return out


def _repair_ocr_roman(parsed: list[tuple[Line, str, str, str]]) -> list[tuple[Line, str, str, str]]:
    """In OCR'd text, read the top-level numbers in sequence: a Roman-numbered heading (or a capital
    letter that looks like one, with a title in capitals or out of its letters' sequence) that is one
    stroke away from the next numeral expected is that numeral. Roman numbering starts again under each
    higher division (a part, or a capital letter when letters stand above the numerals). The weak marks
    `_ocr_roman_lookalike` returns (a bare numeral, strokes with an H, a number with a comma) are kept only
    where they are the number expected next. Text layers and typed files are left as written."""
    out = []
    expected, last_arabic, last_letter = 1, 0, ""
    letters_above = _letters_above_roman(parsed)
    for line, style, number, rest in parsed:
        if style == _BARE_ROMAN:
            if roman_value(number) != expected:
                continue
            style = "roman"
        elif style == _STROKES_ROMAN:
            if to_roman(expected) not in _stroke_readings(number):
                continue
            style, number = "roman", to_roman(expected)
        elif style == _COMMA_ARABIC:
            if int(number) != last_arabic + 1:
                continue
            style = "arabic"
        if style == "arabic" and number.rstrip(".)").isdigit():
            last_arabic = int(number.rstrip(".)"))
        elif style in {"roman", "upper"} or style in _NAMED_ORDER:
            last_arabic = 0
        letter = number.rstrip(".)")
        in_letter_sequence = style == "upper" and letter == _next_letter(last_letter)
        if in_letter_sequence:
            last_letter = letter
        if style in {"phần", "chương"} or (in_letter_sequence and letters_above):
            expected = 1
        if line.block.ocr and style in {"roman", "upper"} and not in_letter_sequence:
            written = letter.translate(_ROMAN_LOOKALIKE).replace("H", "II")
            value = roman_value(written)
            target = to_roman(expected)
            lookalike = style == "roman" or (written != letter and (_caps_title(rest) or bool(last_letter)))
            if value == expected and lookalike:
                style, number = "roman", target
            elif lookalike and _one_stroke_off(written, target):
                style, number = "roman", target
            elif style == "roman" and value:
                expected = value
            if style == "roman":
                expected = (roman_value(number) or expected) + 1
        out.append((line, style, number, rest))
    return out


def _stroke_readings(written: str) -> set[str]:
    """The numerals OCR's strokes can stand for: look-alikes as "I", an "H" as two strokes or one."""
    strokes = written.translate(_ROMAN_LOOKALIKE)
    return {strokes.replace("H", "II"), strokes.replace("H", "I")}


def _next_letter(letter: str) -> str:
    return chr(ord(letter) + 1) if letter else "A"


def _letters_above_roman(parsed: list[tuple[Line, str, str, str]]) -> bool:
    """Whether capital letters head the document's top divisions ("A." before its first "I.")."""
    for _, style, number, _ in parsed:
        if style == "roman":
            return False
        if style == "upper" and number.rstrip(".)") == "A":
            return True
    return False


# A Roman numeral OCR read with an "H" for "II" among its strokes ("IH.", "HI.", "VH."), before a title in
# capitals: `_repair_ocr_roman` then reads it in sequence.
_OCR_ROMAN_RE = re.compile(r"^(?P<num>[IVXlL1|]*H[IVXlL1|H]*)\s*[.)]\s+(?P<title>\S.*)$")
# OCR loses a marker's dot or reads it as a comma: a Roman numeral alone before a title in capitals
# ("II NỘI DUNG"), an Arabic number with a comma before a capitalised title ("5, Nâng cao ..."). Such a
# mark is weaker than "II." or "5.", so it is taken only where it is the number expected next in its
# sequence (`_repair_ocr_roman`).
_OCR_BARE_ROMAN_RE = re.compile(r"^(?P<num>[IVX]{1,4})\s+(?P<title>\S.*)$")
_OCR_COMMA_ARABIC_RE = re.compile(r"^(?P<num>\d{1,2}),\s+(?P<title>[^\W\d_].*)$")
_BARE_ROMAN = "roman-bare"
_STROKES_ROMAN = "roman-strokes"
_COMMA_ARABIC = "arabic-comma"


def _ocr_roman_lookalike(text: str) -> tuple[str, str, str] | None:
    m = _OCR_ROMAN_RE.match(text.strip())
    if m is not None and len(m["num"]) <= 4 and _caps_title(m["title"]):
        return "roman", m["num"], m["title"]
    if m is not None and 2 <= len(m["num"]) <= 4:
        # Two or more strokes with an "H" ("IH.", "HH.") make no letter or word, whatever the title's case;
        # taken where in sequence.
        return _STROKES_ROMAN, m["num"], m["title"]
    m = _OCR_BARE_ROMAN_RE.match(text.strip())
    if m is not None and _caps_title(m["title"]):
        return _BARE_ROMAN, m["num"], m["title"]
    m = _OCR_COMMA_ARABIC_RE.match(text.strip())
    if m is not None and m["title"][:1].isupper():
        return _COMMA_ARABIC, m["num"], m["title"]
    return None


def _ocr_named_part(text: str) -> tuple[str, str, str] | None:
    """A part or chapter ("Phần thứ 3") behind the specks OCR makes of a scan's margin ("- Phần thứ 3",
    "_—— Phần thứ 4"): no bullet ever opens a part heading, so the marks before it are noise."""
    stripped = _LEADING_SPECKS_RE.sub("", text)
    found = parse_heading_number(stripped) if stripped != text else None
    # Parts and chapters only: an article ("Điều 2") read so in the decision that issues a plan would end
    # the plan's own tree (seen on a tune scan: its tasks were lost).
    return found if found is not None and found[0] in ("phần", "chương") else None


def _caps_title(rest: str) -> bool:
    letters = [c for c in rest if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _one_stroke_off(written: str, target: str) -> bool:
    """'II' for 'III', 'IIII' for 'III': one I-stroke added or lost."""
    if not written or set(written) - set("IVX"):
        return False
    longer, shorter = (written, target) if len(written) > len(target) else (target, written)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:k] + longer[k + 1 :] == shorter and longer[k] == "I" for k in range(len(longer)))


_CODE_START_RE = re.compile(r"^[A-ZĐ][A-Za-zĐđ]{0,5}/")


def _full_line_width(lines: list[Line]) -> int | None:
    """Width of a full line when the text is hard-wrapped (a text or PDF layer that breaks paragraphs
    into lines, seen from many lines starting in lower case); None for text with real paragraphs."""
    texts = [line.text.strip() for line in lines if line.block.kind == "paragraph" and line.text.strip()]
    if len(texts) < 10 or sum(1 for t in texts if t[:1].islower()) < 0.15 * len(texts):
        return None
    lengths = sorted(len(t) for t in texts)
    return lengths[int(0.9 * (len(lengths) - 1))]


def _with_continuation(rest: str, line: Line, following: list[Line], full_width: int | None) -> str:
    """Read a numbered line as the whole sentence it starts when the text wraps it onto the next lines:
    a continuation in lower case, or (in hard-wrapped text) whatever follows a full-width line."""
    if rest.rstrip().endswith((":", ".", ";")):
        return rest
    parts = [rest]
    current = line.text.strip()
    for nxt in following:
        text = nxt.text.strip()
        if nxt.block.kind != "paragraph" or nxt.region or nxt.block.label or not text:
            break
        if parse_heading_number(text) or text[:1] in "-+*•":
            break  # the next numbered line or bullet
        full = full_width is not None and len(current) >= 0.8 * full_width
        dangling = current.endswith((",", "-", *DASHES))  # "... ngành Lao động -" goes on
        # A title in capitals wraps onto a line in capitals ("B. KẾ HOẠCH ... TỈNH HÀ TĨNH" / "GIAI ĐOẠN
        # 2016 - 2020"); body text under it starts in lower or mixed case.
        capitals = _caps_title(rest) and _caps_title(text)
        if not (text[:1].islower() or full or dangling or capitals):
            break
        parts.append(text)
        current = text
        if text.endswith((".", ";", ":")):
            break
    return " ".join(parts)


def _sibling_is_title(candidates: list[_Candidate], k: int, ranks: dict[str, int]) -> bool:
    """A short sentence or a run-on line is a heading when its siblings (same style, no higher-ranked
    line between) include a plain title: "3.1. Thủ tục: Theo quy định ..." beside "3.2. Hồ sơ gồm:"."""
    style = candidates[k].style
    rank = ranks[style]
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(candidates) and ranks[candidates[j].style] >= rank:
            if candidates[j].style == style and candidates[j].verdict == "title":
                return True
            j += step
    return False


def _siblings(candidates: list[_Candidate], k: int, ranks: dict[str, int]) -> list[_Candidate]:
    """The lines of the same style as line k with no higher-ranked line between."""
    style = candidates[k].style
    rank = ranks[style]
    out = [candidates[k]]
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(candidates) and ranks[candidates[j].style] >= rank:
            if candidates[j].style == style:
                out.append(candidates[j])
            j += step
    return out


def _all_siblings_run_on(candidates: list[_Candidate], k: int, ranks: dict[str, int]) -> bool:
    """A list whose every member is a label running on into text ("1. Sở Y tế: Chủ trì ...", "2. Sở Tài
    chính: Bảo đảm ...") is a list of titled parts, one per label."""
    siblings = _siblings(candidates, k, ranks)
    return len(siblings) >= 2 and all(c.verdict == "runon" for c in siblings)


def _weak_list_heads_text(candidates: list[_Candidate], k: int, ranks: dict[str, int], starts: list[int]) -> bool:
    """A list whose every member is a short line ending in '.' with text of its own below it ("1. Mục
    tiêu chung." / paragraph / "2. Mục tiêu cụ thể." / paragraph) is a list of headings; items of one
    sentence each follow one another. `starts`: each candidate's line index in the part."""
    siblings = _siblings(candidates, k, ranks)
    if len(siblings) < 2 or any(c.verdict != "weak" for c in siblings):
        return False
    members = {id(c) for c in siblings}
    return not any(id(c) in members and (j + 1 == len(candidates) or starts[j + 1] - starts[j] < 2)
                   for j, c in enumerate(candidates))


def _ranks(styles: list[str]) -> dict[str, int]:
    """Rank of each numbering style: Phần/Chương/Mục/Điều, then Roman numerals (after capital letters
    that come before them), then the others in order of first use; a dotted number right below the
    plain number it extends (1 > 1.1 > 1.1.1)."""
    order: list[str] = []
    for style in styles:
        if style not in order:
            order.append(style)
    named = sorted((s for s in order if s in _NAMED_ORDER), key=_NAMED_ORDER.__getitem__)
    rest = [s for s in order if s not in _NAMED_ORDER]
    if "roman" in rest:
        upper_first = "upper" in rest and rest.index("upper") < rest.index("roman")
        rest.remove("roman")
        if upper_first:
            rest.remove("upper")
            rest = ["upper", "roman", *rest]
        else:
            rest = ["roman", *rest]
    dotted = sorted((s for s in rest if s.startswith("dotted")), key=lambda s: int(s[6:]))
    if dotted and "arabic" in rest:
        base = [s for s in rest if not s.startswith("dotted")]
        at = base.index("arabic") + 1
        rest = base[:at] + dotted + base[at:]
    return {style: i + 1 for i, style in enumerate(named + rest)}


def _build(headings: list[Heading], ranks: dict[str, int], body_end: int) -> list[Section]:
    """Nest headings by rank; a section's level is its depth (a letter under "3." and a "3.1" under it
    are both level 3)."""
    sections: list[Section] = []
    stack: list[tuple[int, Section]] = []
    for heading in headings:
        rank = ranks[heading.style]
        while stack and stack[-1][0] >= rank:
            stack.pop()
        section = Section(
            id=f"s{len(sections) + 1}",
            parent=stack[-1][1].id if stack else None,
            number=heading.number,
            title=heading.title,
            level=len(stack) + 1,
            start=heading.line.block.start,
            end=body_end,
        )
        sections.append(section)
        stack.append((rank, section))
    # A section ends where the next section of the same or a higher level starts.
    for k, section in enumerate(sections):
        for later in sections[k + 1 :]:
            if later.level <= section.level:
                section.end = later.start
                break
    return sections


def section_at(sections: list[Section], offset: int) -> str | None:
    """Id of the innermost section whose span contains `offset` (sections sorted by start)."""
    starts = [s.start for s in sections]
    index = bisect_right(starts, offset) - 1
    while index >= 0:
        section = sections[index]
        # Sections nest and are sorted by start, so the latest-starting one that contains the
        # offset is the innermost.
        if section.start <= offset < section.end:
            return section.id
        index -= 1
    return None
