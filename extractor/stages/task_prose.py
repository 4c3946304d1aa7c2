"""Tasks from lists and prose: items under a time heading, items with their own time, items whose
subject is a unit ("Sở Nội vụ có trách nhiệm ...", "Giao X chủ trì, phối hợp với Y ..."), items
under a heading that names a unit ("2- Văn phòng Sở - Cơ quan Thường trực ...") or a board member ("4.1.
Ông Nguyễn Văn A - Trưởng đoàn", labelled "- Trưởng ban: chỉ đạo chung ..."; honorifics and roles from
`board_roles.csv`), and the entries of an hour-by-hour schedule ("7h30 ngày 15/3/2024: Đón đoàn ...",
under a day heading "Ngày 15/3/2024 (thứ Sáu):").

Works with or without sections: headings are recognised from their numbering here, and section titles
(when the structure stage found them) only add to that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.base.blocks import Layout
from extractor.base.normalize import fold
from extractor.base.resources import read_csv
from extractor.stages.periods import has_time, merge_periods, period_of, phase_heading, time_heading
from extractor.stages.task_tables import day_heading, schedule_entry, schedule_label
from extractor.vocab.frame_lines import recipients_match
from extractor.vocab.markers import ITEM_MARKER_RE, ITEM_NUMBER_RE
from extractor.vocab.unit_names import (
    UnitSpan,
    adverbial_between,
    clear_unit_start,
    has_open_tail,
    has_predicate,
    parse_unit_list,
    pos_subject_end,
    predicate_role,
)
from models import Period, Section

_PREAMBLE_END_RE = re.compile(r"(?:như sau|sau đây)\s*:?\s*$", re.I)
# The plan's closing: "Trên đây là ...", or the recipients label as the frame reads it (OCR-damaged too:
# "Nơi nhân:"), after which the recipients' notes ("+ VB giấy: Sở KH và ĐT ...") are no duties.
_CLOSING_RE = re.compile(r"^\s*trên đây là", re.I)
# Headings of the parts that state aims, not assignments; items there count only with their own time.
_PURPOSE_RE = re.compile(
    r"^(?:(?:mục đích|yêu cầu|mục tiêu|quan điểm|căn cứ)(?:\s*(?:,|-|và)\s*)?)+$"
    r"|^(?:đối tượng|phạm vi)(?:\s+\w+){0,2}$"
    # Who attends a meeting: invitees, not assignees.
    r"|^(?:thành phần|đại biểu)(?:\s+\w+){0,4}$"
)
# A heading that labels a time ("1. Thời gian: Tổ chức trong 01 ngày, dự kiến ngày 9/10"): its run-on
# text schedules the item.
_TIME_LABEL_RE = re.compile(r"^(?:thời gian|thời hạn|thời điểm)(?:\s+\w+){0,3}$")
# A place-and-date line ("Hà Nội, ngày ... tháng 10 năm 2025"), e.g. on a banner inside the plan.
_PLACE_DATE_RE = re.compile(r"^[^\W\d][\w .'-]{0,40},\s*ngày\b[\s\d.…/]*tháng\b", re.I)
_FRONTED_RE = re.compile(
    r"^(?:căn cứ|trên cơ sở|đối với|để|nhằm|trong|sau khi|riêng|đồng thời|ngoài ra|qu[ýí]\s+\w+|tháng\s+\d+)"
    r"[^:;]*?,\s*",
    re.I,
)
_PARTICIPLE_RE = re.compile(r"(?:đã\s+)?được\s+\w+", re.I)
_SUBORDINATE_RE = re.compile(r"(?:nếu|khi|trường hợp|trong trường hợp|sau khi|để|nhằm|trong)\s", re.I)
_FRONTED_NO_COMMA_RE = re.compile(r"^căn cứ\s+(?:vào\s+)?(?:kế hoạch|nội dung)[^,:;]*?\bnày\s+", re.I)
_ASSIGN_RE = re.compile(r"^(?:giao(?:\s+cho)?|đề nghị|yêu cầu)\s+", re.I)
_CLAUSE_BREAK_RE = re.compile(r"(?:[.;:]\s+|,\s+(?=\S))")
_COORDINATION_RE = re.compile(r"(?<!\w)(?:phối hợp|phối kết hợp)(?:\s+chặt chẽ)?\s+(?:với|cùng)\s+", re.I)
_LEAD_CUES = ("có trách nhiệm", "chịu trách nhiệm", "chủ trì")
# "được" after a subject: the subject receives the action ("Mỗi đơn vị được đề xuất 01 tập thể"), unless
# it opens a relative clause of assignment ("Đơn vị được giao nhiệm vụ ... thường xuyên kiểm tra").
_PASSIVE_RE = re.compile(r"(?<!\w)được\s+(?P<verb>\w+(?:\s+\w+)?)", re.I)
_ASSIGNED_VERBS = ("giao", "phân công", "phân cấp", "ủy quyền", "uỷ quyền", "ủy nhiệm", "uỷ nhiệm", "chỉ định")
_STRONG_LEAD_CUES = ("có trách nhiệm", "chịu trách nhiệm")
_RELATIVE_WORDS = 25
_HANDOVER_RE = re.compile(r"giao(?:\s+cho)?\s+", re.I)


@dataclass
class ProseTask:
    text: str
    start: int
    end: int
    origin: str
    period: Period
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    # Units of an enumeration's lead-in ("Sở Y tế có nhiệm vụ: (1) ...; (2) ..."), for its items.
    default_lead: list[str] = field(default_factory=list)


@dataclass
class _Heading:
    level: int
    units: list[str]
    period: Period | None
    purpose: bool
    person: bool = False
    """The heading names a person or board role: its items are duties, or the names of its members."""
    coordinating: list[str] = field(default_factory=list)
    """Partners a lead-in names for the items below it ("Giao X chủ trì, phối hợp với Y thực hiện ... sau:")."""


def _level(line: str) -> int | None:
    m = ITEM_NUMBER_RE.match(line)
    if m is None:
        return None
    if m["roman"]:
        return 1
    if m["num"]:
        return 2 + m["num"].count(".")
    return 6


def _is_heading(text: str, bold: bool, is_section: bool) -> bool:
    if is_section:
        return True
    body = ITEM_NUMBER_RE.sub("", text, count=1).strip()
    if not body or len(body) > 160:
        return False
    if body.endswith((".", ";")) and not body.endswith("./.") and len(body) > 60:
        return False
    if _level(text) == 6 and (body.endswith((".", ";")) or predicate_role_any(body) is not None):
        # Lettered lines that are sentences or start with a verb are items ("a) Tham mưu ...").
        return False
    return _level(text) is not None and (bold or len(body) <= 120)


def unit_subject(text: str) -> tuple[list[str], list[str], int] | None:
    """Lead and coordinating units that a sentence names as its subject, and where they end.

    Tries the item's start (after a fronted "Căn cứ ..., " clause or "Giao ...") and every clause start
    that a lead cue ("có trách nhiệm", "chủ trì") follows.
    """
    starts = [0]
    item_starts = {0}
    fronted = _FRONTED_RE.match(text) or _FRONTED_NO_COMMA_RE.match(text)
    if fronted:
        # The fronted clause may hold commas itself: try every comma up to the first full stop.
        stop = text.find(". ", 0)
        limit = stop if stop != -1 else len(text)
        # The fronted clause goes on over phrases of nouns ("Trong phạm vi, chức năng, nhiệm vụ, ...")
        # and further fronted clauses ("..., nếu có vướng mắc, ..."); a phrase with a predicate of its
        # own means the subject was left out ("..., nhiệm vụ phối hợp với các sở, ..."): the later
        # commas are the predicate's, and what follows them is no subject.
        fronted_starts = [fronted.end()]
        for m in re.finditer(r",\s*", text[fronted.end():limit]):
            phrase = text[fronted_starts[-1]: fronted.end() + m.start()]
            # A passive participle qualifies a noun ("nhiệm vụ được giao"): no predicate of a clause.
            if has_predicate(_PARTICIPLE_RE.sub(" ", phrase)) and not _SUBORDINATE_RE.match(phrase):
                break
            fronted_starts.append(fronted.end() + m.end())
        starts = fronted_starts + starts
        item_starts.update(fronted_starts)
    sentence_starts: set[int] = set()
    for m in _CLAUSE_BREAK_RE.finditer(text):
        starts.append(m.end())
        if m.group()[0] == ":":
            item_starts.add(m.end())
        elif m.group()[0] == ".":
            # A later sentence of the item may name its own agent ("... . Thủ trưởng các cơ quan định
            # kỳ ..."); there, a head that doubles as a verb ("Tổ chức, ...") needs clearer evidence.
            sentence_starts.add(m.end())
    lead: list[str] = []
    coordinating: list[str] = []
    end = -1
    for index, start in enumerate(starts):
        assign = _ASSIGN_RE.match(text[start:])
        pos = start + (assign.end() if assign else 0)
        subject = _subject_at(text, pos)
        if subject is None:
            continue
        units, stop = subject
        after = text[stop:].lstrip(" ,")
        handover = _HANDOVER_RE.match(after)
        if handover is not None:
            # "Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì ...": the assignee is the task's unit.
            assignee = _subject_at(text, len(text) - len(after) + handover.end())
            if assignee is None:
                continue
            units, stop = assignee
            after = text[stop:].lstrip(" ,")
            assign = handover
        cue = next((c for c in _LEAD_CUES if after.lower().startswith(c)), None)
        role = predicate_role(after.split(" ")[0] + " " + after.split(" ")[1]) if after.count(" ") else None
        is_item_start = start in item_starts or (start in sentence_starts and clear_unit_start(text, pos))
        if not (is_item_start or cue or assign):
            continue
        strong = any(after.lower().startswith(c) for c in _STRONG_LEAD_CUES)
        if not strong and (not after or predicate_role_any(after) is None):
            # No known predicate ends the subject: let the POS tagger find the verb (a lead cue such as
            # "có trách nhiệm:" ends it itself).
            cut = _pos_cut(text, pos, units, stop)
            if cut is None:
                continue
            units, stop = cut
            after = text[stop:].lstrip(" ,")
            role = None
        names = [u.text for u in units]
        if role == "coordinating" and lead:
            coordinating.extend(names)
        elif not lead:
            lead.extend(names)
            end = stop
        if index == 0 or lead:
            break
    if not lead:
        return None
    return lead, coordinating, end


_SENTENCE_END_RE = re.compile(r"[.;:\n]")


def _pos_cut(
    text: str, pos: int, units: list[UnitSpan], stop: int, unit_slot: bool = False
) -> tuple[list[UnitSpan], int] | None:
    """The unit list at `pos` cut where the POS tagger puts the verb, when its last unit runs on in
    lower-case words that may hide a predicate; None when the tagger is not needed or finds no verb."""
    if not has_open_tail(units[-1].text):
        return None
    sentence_end = _SENTENCE_END_RE.search(text, pos)
    cut = pos_subject_end(text, pos, sentence_end.start() if sentence_end else len(text))
    if cut is None or cut > stop:
        return None
    parsed = parse_unit_list(text[:cut], pos, unit_slot=unit_slot)
    if parsed is None or text[parsed[1] : cut].strip(" ,"):
        return None
    return parsed[0], cut


def _subject_at(text: str, pos: int) -> tuple[list[UnitSpan], int] | None:
    """The unit list that opens at `pos` as a subject: None when it is passive ("Mỗi đơn vị được đề
    xuất ..."); a relative clause of assignment ("đơn vị được giao nhiệm vụ ...") stays in the unit."""
    parsed = parse_unit_list(text, pos)
    if parsed is None:
        return None
    units, stop = parsed
    if adverbial_between(text, units[-1].end, stop):
        return units, stop  # "địa phương căn cứ nhiệm vụ được giao, ...": the participle is the adverbial's
    passive = _passive_kind(text, pos, stop)
    if passive == "passive":
        return None
    if isinstance(passive, int):
        verb_end = max(stop, passive)
        main = _relative_clause_end(text, verb_end)
        last = units[-1]
        if main == verb_end:
            # No other predicate: "được giao ..." is the main one ("Sở Y tế được giao chủ trì ..."), and
            # the unit ends before "được".
            passive_at = _PASSIVE_RE.search(text, last.start)
            assert passive_at is not None
            stop = passive_at.start()
        else:
            stop = main
        units = [*units[:-1], UnitSpan(last.start, stop, text[last.start : stop].rstrip(" ,"))]
    return units, stop


def _passive_kind(text: str, start: int, stop: int) -> int | str | None:
    """ "passive" when the subject `text[start:stop]` is followed by a passive "được" (not an agent);
    where the assignment verb ends when "được" opens a relative clause of assignment ("đơn vị được giao
    ..."); else None."""
    m = _PASSIVE_RE.search(text, start)
    if m is None or m.start() > stop:
        return None
    verb = m["verb"].lower()
    for assigned in _ASSIGNED_VERBS:
        if verb == assigned or verb.startswith(assigned + " "):
            return m.start("verb") + len(assigned)
    return "passive"


_WORD_OR_SEP_RE = re.compile(r"\s*(?:,|\bvà\b|\w+)", re.I)


def _relative_clause_end(text: str, stop: int) -> int:
    """End of a subject's relative clause of assignment, which names the assigned duty: a few words
    ("nhiệm vụ"), a run of predicates and their object ("được giao nhiệm vụ theo dõi, kiểm tra, đôn đốc
    tại Phụ lục ..."); the main predicate is the first predicate after that object. `stop` is where the
    assignment verb ends; returned unchanged when no main predicate follows within the sentence."""
    i = stop
    phase = "before_duty"  # -> "duty_verbs" -> "object"
    words = 0
    while i < len(text) and words < _RELATIVE_WORDS:
        rest = text[i:].lstrip(" ")
        i = len(text) - len(rest)
        if not rest or rest[0] in ".;:!?\n\t":
            return stop
        if rest.lower().startswith(_STRONG_LEAD_CUES):
            return i
        if rest[0].islower() and predicate_role_any(rest) is not None:
            if phase == "object":
                return i
            phase = "duty_verbs"
            i += len(_predicate_phrase(rest))
            continue
        m = _WORD_OR_SEP_RE.match(text, i)
        if m is None:
            i += 1
            continue
        if phase == "duty_verbs" and m.group().strip().lower() not in (",", "và"):
            phase = "object"
        words += 1
        i = m.end()
    return stop


def _predicate_phrase(after: str) -> str:
    words = after.split()
    for size in (3, 2, 1):
        if len(words) >= size and predicate_role(" ".join(words[:size]).strip(",;")):
            return " ".join(words[:size]).rstrip(",;")
    return words[0] if words else ""


def predicate_role_any(after: str) -> str | None:
    """Role of the predicate that opens `after` (any predicate of the lexicon), else None."""
    words = after.split()
    for size in (3, 2, 1):
        if len(words) >= size:
            role = predicate_role(" ".join(words[:size]).strip(",;"))
            if role:
                return role
    return None


def coordinating_units(text: str) -> list[str]:
    found: list[str] = []
    for m in _COORDINATION_RE.finditer(text):
        # The slot after "phối hợp với" holds units: generic bodies such as "chính quyền" count there.
        parsed = parse_unit_list(text, m.end(), unit_slot=True)
        if parsed:
            units, stop = parsed
            if predicate_role_any(text[stop:].lstrip(" ,")) is None:
                units, _ = _pos_cut(text, m.end(), units, stop, unit_slot=True) or parsed
            found.extend(u.text for u in units)
    return found


def heading_units(title: str, passive: bool = False) -> list[str]:
    """Units a heading names ("Sở Nội vụ:", "Giao Sở Nội vụ (Cơ quan Thường trực ...):"). A unit list
    with a passive "được" ("Đơn vị được khen thưởng") names objects, not owners, unless `passive`."""
    assign = _ASSIGN_RE.match(title)
    text = title[assign.end() :] if assign else title
    text = text.rstrip(" :")
    parsed = parse_unit_list(text)
    if parsed is None:
        return []
    units, stop = parsed
    rest = text[stop:].strip(" :.-–")
    if passive and _passive_kind(text, 0, stop) == "passive":
        # The passive clause ends the heading and qualifies its last unit ("đơn vị được kiểm tra").
        return [u.text for u in units[:-1]] + [text[units[-1].start :].strip(" :.-–")]
    if rest or _passive_kind(text, 0, stop) == "passive":
        # "ĐƠN VỊ ĐƯỢC KIỂM TRA": the units a heading lists as objects do not own the items below it.
        return []
    return [u.text for u in units]


def _lead_in(title: str) -> list[str] | None:
    """The lead units of a heading that introduces items (it ends with ":") and is a clause with a unit
    subject and its predicate ("Các đơn vị tham mưu, triển khai ..., như:"), else None."""
    assign = _ASSIGN_RE.match(title)  # "Giao Phòng Nội vụ chủ trì, ...": the units after the verb
    if not clear_unit_start(title, assign.end() if assign else 0):
        return None
    subject = unit_subject(title)
    if subject is None or subject[2] <= 0 or not title[subject[2] :].strip(" ,:"):
        return None
    return subject[0]


def _only_lead_cue(title: str) -> bool:
    """A lead-in heading whose predicate is only its cue ("Các sở, ngành ... có trách nhiệm:"): it names
    who does the items below and no work of its own."""
    subject = unit_subject(title)
    if subject is None:
        return False
    rest = title[subject[2] :].strip(" ,:.").lower()
    return rest in _STRONG_LEAD_CUES or bool(_FOLLOWING_ITEMS_RE.match(rest))


# A lead-in whose work is the items that follow ("chủ trì, phối hợp với các cơ quan liên quan thực hiện các
# nội dung sau"): it assigns them and does nothing of its own.
_FOLLOWING_ITEMS_RE = re.compile(
    r"^(?:chủ trì,?\s*)?(?:(?:phối hợp|phối kết hợp)(?:\s+chặt chẽ)?\s+(?:với|cùng)\s+.+?\s+)?"
    r"(?:tổ chức\s+|triển khai\s+)?thực hiện\s+(?:các|những)\s+(?:nội dung|nhiệm vụ|công việc)"
    r"(?:\s+\w+){0,2}?\s+(?:sau|sau đây|như sau)$"
)


_LETTERS = "abcdđeghiklmnopqrstuvxy"
_INLINE_MARKER_RE = re.compile(r"(?:(?<=\s)|^)\((\d{1,2}|[a-zđ])\)\s*|(?:(?<=[;:.]\s)|^)(\d{1,2}|[a-zđ])\)\s+")


def _ordinal(marker: str) -> tuple[str, int]:
    return ("n", int(marker)) if marker.isdigit() else ("l", _LETTERS.find(marker))


def enumeration(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """The items of an enumeration inside one paragraph ("C04: (1) Chủ trì ...; (2) Phối hợp ...",
    "... như sau: a) ...; b) ..."): the text before the first marker and each item with its offset, the
    marker left out. Markers must run in sequence (the first may continue an earlier paragraph's run
    when it opens the paragraph); None when fewer than two are found."""
    if ")" not in text:
        return None  # every marker closes with ")": most paragraphs need no pass of the pattern
    kept: list[re.Match[str]] = []
    for m in _INLINE_MARKER_RE.finditer(text):
        kind, number = _ordinal(m[1] or m[2])
        if not kept:
            if m.start() == 0 or number in (0, 1) and kind == "l" or number == 1:
                kept.append(m)
            continue
        last_kind, last = _ordinal(kept[-1][1] or kept[-1][2])
        if kind == last_kind and number == last + 1:
            kept.append(m)
    if len(kept) < 2:
        return None
    items: list[tuple[int, str]] = []
    for index, m in enumerate(kept):
        end = kept[index + 1].start() if index + 1 < len(kept) else len(text)
        segment = text[m.end() : end]
        items.append((m.end() + len(segment) - len(segment.lstrip()), segment.strip()))
    return text[: kept[0].start()].strip(), items


# A closing bracket that names who performs an item ("Phát biểu khai mạc (Đồng chí Bộ trưởng ...).").
_PERFORMER_RE = re.compile(r"\(([^()]{2,120})\)\s*[.;]?\s*$")
_PERSON_RE = re.compile(r"^(?:đồng chí|đ/c)\s+\S", re.I)


def _closing_bracket(text: str) -> str | None:
    """What the bracket that closes an item holds, None without one or when it holds contact details
    ("Đồng chí ..., điện thoại: 09..." says whom to call, not who acts)."""
    m = _PERFORMER_RE.search(text)
    if m is None or ":" in m[1] or re.search(r"\d{3}", m[1]):
        return None
    return m[1].strip()


def bracket_assignment(text: str) -> list[str]:
    """The lead a closing bracket assigns with its own predicate, in any list or numbered item: "...,
    trong tháng 6/2024 (Văn phòng Sở chủ trì, phối hợp với Phòng Quản lý văn hóa).", "(giao Trung tâm Văn
    hóa tỉnh thực hiện)"; [] when the bracket holds no unit with a predicate."""
    inner = _closing_bracket(text)
    subject = unit_subject(inner) if inner is not None else None
    return subject[0] if subject is not None else []


def bracket_performer(text: str) -> list[str]:
    """The unit or person a closing bracket names as the item's performer, as an agenda writes it;
    [] when the bracket holds anything else (a note, a reference, a unit with its own predicate)."""
    inner = _closing_bracket(text)
    if inner is None:
        return []
    if _PERSON_RE.match(inner):
        return [inner]
    parsed = parse_unit_list(inner, unit_slot=True)
    if parsed is None or inner[parsed[1] :].strip(" .;"):
        return []
    return [u.text for u in parsed[0]]


@lru_cache(maxsize=1)
def _board_words() -> dict[str, tuple[str, ...]]:
    """Honorifics and board roles (`board_roles.csv`), folded, longest first ("phó trưởng ban" before
    "trưởng ban")."""
    words: dict[str, list[str]] = {}
    for row in read_csv("board_roles.csv"):
        words.setdefault(row["kind"], []).append(fold(row["phrase"]))
    return {kind: tuple(sorted(found, key=len, reverse=True)) for kind, found in words.items()}


_PLURAL_RE = re.compile(r"(?:các|những)\s+")


def _opening(text: str, kind: str) -> int | None:
    """Where the honorific or role (`kind`) that opens `text` ends, else None; a role may be plural
    ("Các Phó Trưởng đoàn", "Các thành viên Ban Chỉ đạo")."""
    key = fold(text)
    plural = _PLURAL_RE.match(key) if kind == "role" else None
    at = plural.end() if plural else 0
    for word in _board_words().get(kind, ()):
        if key.startswith(word, at) and not key[at + len(word) : at + len(word) + 1].isalnum():
            # fold keeps the length of the words it compares ("Đ/c", "Ủy viên"): the offset holds.
            return at + len(word)
    return None


_NAME_WORD_RE = re.compile(r"[A-ZĐÀ-Ỹ][\w.]*")
_LINKS = (" - ", " – ", ", ", " (")


def person_role(text: str) -> bool:
    """`text` (a heading or a label) is a person and role, as boards and delegations assign duties: an
    honorific and a capitalised name or post ("Ông Nguyễn Văn A - Trưởng đoàn", "Đồng chí Phó Chủ tịch
    UBND tỉnh - Phó Trưởng ban"), or a board role ("Trưởng ban", "Phó Trưởng ban Thường trực")."""
    text = text.strip(" :.")
    if not text or len(text.split()) > 20 or text.endswith((";", "?")):
        return False
    honorific = _opening(text, "honorific")
    if honorific is not None:
        names = text[honorific:].split()
        capitals = 0
        for word in names:
            if not _NAME_WORD_RE.fullmatch(word.rstrip(",:")):
                break
            capitals += 1
        if fold(text[:honorific]) in ("ông", "bà"):
            # "Ông"/"Bà" open names of two syllables or more ("Bà Rịa - Vũng Tàu" is a place).
            return capitals >= 2
        return capitals >= 1
    role = _opening(text, "role")
    if role is None:
        return False
    rest = text[role:]
    return not rest or rest[:1] in (",", "(", ":") or rest.startswith(_LINKS) or rest.lstrip()[:1].isupper()


def role_label(text: str) -> tuple[str, int] | None:
    """A labelled duty of a board member ("Trưởng ban: chỉ đạo chung ...", "Bà Trần Thị B - Ủy viên: tổng
    hợp ..."): the label as written and where the duty begins; None when the label is no person or role,
    or what follows names a member ("Trưởng ban: Đồng chí Nguyễn Văn A"), not a duty."""
    label, colon, duty = text.partition(":")
    duty_at = len(label) + len(colon) + len(duty) - len(duty.lstrip())
    duty = duty.strip()
    if not colon or not duty or not person_role(label):
        return None
    if _opening(duty, "honorific") is not None or _opening(duty, "role") is not None:
        return None
    if not (duty[:1].islower() or predicate_role_any(duty) is not None):
        return None
    return label.strip(), duty_at


_MEMBER_LINK_RE = re.compile(r"\s+[-–]\s+|,\s+")


def _names_member(text: str) -> bool:
    """`text` only names a member of a board or delegation ("Đồng chí Nguyễn Văn A, Phó Chủ tịch UBND
    tỉnh;", "Giám đốc Sở Nội vụ - Thành viên"): a person, a role or a post and unit, no duty."""
    first = _MEMBER_LINK_RE.split(text.strip(" ;.:"), maxsplit=1)[0]
    return _opening(first, "honorific") is not None or person_role(first) or bool(heading_units(first))


def find_prose_tasks(layout: Layout, sections: list[Section], plan_year: int | None) -> list[ProseTask]:
    section_starts = {s.start for s in sections}
    section_at_start = {s.start: s for s in sections}
    paragraphs = [b for b in layout.blocks if b.kind == "paragraph"]
    first_heading = next(
        (i for i, b in enumerate(paragraphs) if b.start in section_starts or _level(b.line) == 1), None
    )
    stack: list[_Heading] = []
    time_context: Period | None = None
    tasks: list[ProseTask] = []
    current: ProseTask | None = None
    current_raw: list[str] = []

    def flush() -> None:
        nonlocal current
        if current is not None:
            _finish(current, stack, plan_year, tasks)
        current = None

    def open_item(text: str, offset: int, end: int, origin: str, period: Period) -> None:
        """Start the item `text` (at `offset`); an enumeration inside it gives one item per member."""
        nonlocal current
        found = enumeration(text)
        if found is None:
            current = ProseTask(text, offset, end, origin, period)
            return
        prefix, items = found
        default: list[str] = []
        if prefix:
            lead_in = _lead_in(prefix.rstrip(" :")) if prefix.endswith(":") else None
            if lead_in is not None:
                _finish(ProseTask(prefix, offset, offset + len(prefix), origin, period), stack, plan_year, tasks)
                default = lead_in
        for index, (at, item) in enumerate(items):
            task = ProseTask(item, offset + at, offset + at + len(item), "list", period, default_lead=list(default))
            if index + 1 < len(items):
                _finish(task, stack, plan_year, tasks)
            else:
                task.end = end
                current = task

    for index, block in enumerate(paragraphs):
        line = block.line
        if first_heading is not None and index < first_heading:
            continue
        if _CLOSING_RE.match(line) or recipients_match(line):
            flush()
            break
        if _PLACE_DATE_RE.match(line):
            flush()
            continue
        if first_heading is None and (_PREAMBLE_END_RE.search(line) or fold(line).startswith("căn cứ")):
            continue
        # Continuation of the item above: a line that starts in lower case.
        if current is not None and block.label is None and _continues(current.text, line):
            current.text = f"{current.text} {line}"
            current.end = block.end
            continue
        stripped = _strip_bullet_only(line)
        day = day_heading(stripped, plan_year)
        if day is not None:
            # "Ngày 15/3/2024 (thứ Sáu):": the day of the schedule entries below it, no task itself.
            flush()
            time_context = day
            continue
        if schedule_label(stripped):
            flush()  # "Buổi sáng:", a lone "16h00": labels of a schedule's entries, no task
            continue
        entry = schedule_entry(stripped, plan_year)
        if entry is not None:
            # "7h30 ngày 15/3/2024: Đón đoàn ...": one task, its day the entry's own, else its heading's.
            flush()
            rest_at, own_day = entry
            offset = block.start + (len(line) - len(stripped)) + rest_at
            period = own_day or time_context or Period()
            current = ProseTask(stripped[rest_at:].strip(), offset, block.end, "list", period)
            current_raw = [line]
            continue
        phase = phase_heading(stripped, plan_year)
        if phase is not None:
            flush()  # "Đợt 1: từ ngày 15/3 đến ngày 20/3/2022": the items below take its range
            time_context = phase
            continue
        heading = time_heading(stripped)
        if heading is not None:
            period, rest_at = heading
            rest = stripped[rest_at:].strip()
            flush()
            offset = block.start + (len(line) - len(stripped)) + rest_at
            if not rest or rest.endswith(":"):
                time_context = period
                continue
            current = ProseTask(rest, offset, block.end, "list", merge_periods(time_context, period))
            current_raw = [line]
            continue
        level = _level(line)
        section = section_at_start.get(block.start)
        if level is None and section is not None:
            # A heading whose number the structure stage read and this module's patterns do not (an OCR
            # misreading such as "H." for "II."): the section gives its rank.
            level, body = section.level, section.title
        else:
            body = ITEM_NUMBER_RE.sub("", line, count=1).strip()
        # A numbered line that only introduces the items below ("1. Các sở, ngành ... có trách nhiệm:")
        # heads them as a unit heading does, bold or not.
        unit_title = level is not None and (
            bool(heading_units(body.partition(": ")[0])) or person_role(body.partition(": ")[0])
            or (body.endswith(":") and _only_lead_cue(body.rstrip(" :")))
        )
        if level is not None and (unit_title or _is_heading(line, block.bold, block.start in section_starts)):
            flush()
            time_context = None
            title, _, run_on = body.partition(": ")
            title = title.rstrip(":").strip()
            sibling: _Heading | None = None
            while stack and stack[-1].level >= level:
                sibling = stack.pop() if stack[-1].level == level else (stack.pop() and sibling)
            units = heading_units(title)
            person = not units and person_role(title)
            if person:
                units = [title]  # "4.1. Ông Nguyễn Văn A - Trưởng đoàn": the lead as written, name and role
            # A heading that names its unit or person assigns the items below it, also inside a part that
            # only describes ("I. Thành phần đoàn kiểm tra" / "1. Ông Nguyễn Văn A - Trưởng đoàn").
            purpose = not units and (
                bool(_PURPOSE_RE.match(fold(title))) or (bool(stack) and stack[-1].purpose)
            )
            if not units and sibling is not None and sibling.units:
                # "2. Các cơ quan, đơn vị được kiểm tra" after "1. Sở Nội vụ": among headings that assign
                # duties, a unit named by its role in the plan owns the items below it too.
                units = heading_units(title, passive=True)
            lead_in = None if units or purpose or not (body.endswith(":") or run_on.strip()) else _lead_in(title)
            if lead_in is not None and not run_on.strip() and not _only_lead_cue(title):
                # "3. Các đơn vị tham mưu, triển khai các mặt công tác, như:": a clause that names its
                # units is an item (the lead-in of the items below, which inherit its units).
                offset = block.start + line.index(body)
                _finish(ProseTask(body, offset, block.end, "list", time_context or Period()), stack, plan_year, tasks)
            partners = coordinating_units(title) if lead_in is not None else []
            stack.append(_Heading(level, lead_in or units, None, purpose, person, partners))
            phase = phase_heading(body, plan_year)
            if phase is not None:
                time_context = phase  # "2.1. Đợt 1: từ ... đến ...": a numbered phase heads its items
            elif run_on.strip() and len(title) <= 100:
                offset = block.start + line.index(run_on)
                period = time_context or Period()
                if _TIME_LABEL_RE.match(fold(title)):
                    period = merge_periods(period, period_of(run_on, plan_year, scheduled=True))
                open_item(run_on.strip(), offset, block.end, "list", period)
                current_raw = [line]
            continue
        flush()
        if level is not None and any(h.level == level for h in stack):
            # A numbered item closes the heading of its own rank above it ("4. ..." after the heading
            # "3. Các đơn vị ..., như:"): it does not belong to that heading.
            while stack[-1].level != level:
                stack.pop()
            stack.pop()
        bullet = ITEM_MARKER_RE.match(line)
        text = line[bullet.end() :] if bullet else line
        origin = "list" if (bullet or block.label or time_context) else "paragraph"
        period = time_context or Period()
        if bullet and bullet.group(1).startswith("(") and enumeration(line) is not None:
            # "(2) Phát biểu ... (3) Trình chiếu ...": the paragraph's own marker opens the run.
            open_item(line.strip(), block.start + len(line) - len(line.lstrip()), block.end, origin, period)
        else:
            open_item(text.strip(), block.start + (bullet.end() if bullet else 0), block.end, origin, period)
        current_raw = [line]
    flush()
    del current_raw
    return tasks


# A line that opens with a bare number and a lower-case word ("2030 giao."): the rest of a sentence that
# a page or OCR line break cut after its number, not an item "2030".
_NUMBER_RUN_ON_RE = re.compile(r"^\d+\s+[a-zà-ỹđ]")


def _continues(text: str, line: str) -> bool:
    """`line` continues the item `text`: it starts in lower case, or with a bare number and a lower-case
    word after an unfinished sentence."""
    if ITEM_MARKER_RE.match(line) and not _NUMBER_RUN_ON_RE.match(line):
        return False
    if line[:1].islower():
        return True
    return bool(_NUMBER_RUN_ON_RE.match(line)) and not text.rstrip().endswith((".", ";", ":", "!", "?"))


def _strip_bullet_only(line: str) -> str:
    return re.sub(r"^\s*[-+*•–]\s*", "", line)


# Contact details: a telephone number with the word that introduces it ("liên hệ ...", "điện thoại:",
# "ĐT:"), whom to call and how, no work (also the tail of such a sentence that a line break cut off).
_PHONE = r"(?<!\d)0\d{2,3}[. ]?\d{3}[. ]?\d{3,4}(?!\d)"
_CONTACT_WORD = r"(?<!\w)(?:liên hệ|điện thoại|ĐT|SĐT|email|e-mail)(?!\w)"
_CONTACT_RE = re.compile(rf"{_CONTACT_WORD}.*{_PHONE}|{_PHONE}.*{_CONTACT_WORD}", re.I)


# The courtesy verbs of a submission to a superior ("kính trình", "kính đề nghị", "kính báo cáo").
_SUBMISSION_RE = re.compile(r"[\s,]*kính\s+(?:trình|đề nghị|báo cáo|gửi)(?!\w)", re.I)


def _finish(task: ProseTask, stack: list[_Heading], plan_year: int | None, out: list[ProseTask]) -> None:
    task.period = merge_periods(task.period, period_of(task.text, plan_year))
    if stack and stack[-1].purpose:
        if has_time(task.period):
            out.append(task)
        return
    label = role_label(task.text)
    if label is not None:
        # "- Trưởng ban: chỉ đạo chung ...": the member leads, the duty after the label is the task.
        task.lead, task.text, task.start = [label[0]], task.text[label[1] :], task.start + label[1]
        task.coordinating.extend(u for u in coordinating_units(task.text) if u not in task.coordinating)
        out.append(task)
        return
    if _CONTACT_RE.search(task.text):
        return  # "... đề nghị các đơn vị liên hệ Cục ... (Đồng chí ..., điện thoại: 09...)": whom to call
    subject = unit_subject(task.text)
    if subject is not None and _SUBMISSION_RE.match(task.text, subject[2]):
        # "Sở Nội vụ kính trình ... xem xét": the sender submits to its superior; nothing is assigned.
        return
    performer: list[str] = []
    if subject is None:  # a bracket with its own predicate, in any item; a bare unit only in an agenda's bullet
        performer = bracket_assignment(task.text) or (bracket_performer(task.text) if task.origin == "list" else [])
    if subject is not None:
        task.lead, coordinating, _ = subject
        task.coordinating.extend(coordinating)
    elif performer:
        task.lead = performer
    elif task.default_lead:
        task.lead = list(task.default_lead)
    else:
        for heading in reversed(stack):
            if heading.units:
                if heading.person and _names_member(task.text) and not has_time(task.period):
                    return  # "1. Trưởng đoàn" / "- Đồng chí Nguyễn Văn A, Phó Chủ tịch": a member, no duty
                task.lead = list(heading.units)
                task.coordinating.extend(u for u in heading.coordinating if u not in task.coordinating)
                break
    task.coordinating.extend(u for u in coordinating_units(task.text) if u not in task.coordinating)
    if task.lead or has_time(task.period):
        out.append(task)


__all__ = ["ProseTask", "coordinating_units", "find_prose_tasks", "heading_units", "unit_subject"]
