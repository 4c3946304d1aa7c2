"""Unit names: where a list of responsible units starts and ends in a sentence, how it splits into
units, and the canonical form and kind of each unit.

Decisions rest on the structure of unit names, not on a list of full names: a unit starts with a head
noun ("Sở", "Văn phòng", "Hội đồng", "UBND", "các đơn vị", ...; `data/unit_heads.csv`), a list goes on
through ",", ";" and "và" and ends at a predicate ("chủ trì", "phối hợp", "xây dựng", ...;
`data/unit_predicates.csv`). A separator splits two units only when a head noun follows it, so "Sở Lao
động - Thương binh và Xã hội" and "Sở Văn hóa, Thể thao và Du lịch" stay whole while "Các phòng chuyên môn
và các đơn vị trực thuộc" gives two units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractor.base.normalize import DASHES, clean_text, expand_abbreviations, fold, fold_tone_placement
from extractor.base.resources import read_csv

_QUANTIFIERS = ("các ", "những ", "mỗi ", "từng ", "toàn thể ")
_PLACE_WORDS = ("tỉnh", "huyện", "xã", "thành phố", "trung ương", "cấp")
_WORD_RE = re.compile(r"\w+")
# Characters that end a unit list outright.
_HARD_STOPS = '.:!?"“”…\n\t'
# The next position where `parse_unit_list` has anything to do: a hard stop, a separator, either bracket or
# the start of a word (its first letter or digit); the parser skips the characters between in C.
_LIST_EVENT_RE = re.compile(rf"[{re.escape(_HARD_STOPS)},;()]| (?:và|-|–) |(?<![^\W_])[^\W_]")
MAX_LIST_WORDS = 40
# "(có) liên quan" closes the unit it follows ("các sở, ngành liên quan", "các đơn vị có liên quan"): after
# it only a separator continues the list; any other word opens the predicate.
_CELL_BULLET_RE = re.compile(r"^[-–+•*]\s*")
_CLOSING_RE = re.compile(r"(?<!\w)liên quan[ ]+$", re.IGNORECASE)
# A recurring time right after a unit is the adverbial of its clause, never part of its name ("Ủy ban nhân dân
# cấp huyện hằng năm bố trí ngân sách", "Sở Y tế định kỳ 6 tháng báo cáo").
# So is a scope of duty ("Các sở, ngành theo chức năng, nhiệm vụ được giao triển khai ...", "UBND cấp
# huyện trong phạm vi quản lý chỉ đạo ...", "... căn cứ chức năng, nhiệm vụ của mình có trách nhiệm"):
# a unit's name never goes on with "theo chức năng".
_DUTY = r"(?:chức[ ]+năng|nhiệm[ ]+vụ|quyền[ ]+hạn|thẩm[ ]+quyền|trách[ ]+nhiệm|lĩnh[ ]+vực|quản[ ]+lý)"
_ADVERBIAL_RE = re.compile(
    r"(?:h[àằ]ng[ ]+(?:năm|quý|tháng|tuần|ngày)|định[ ]+kỳ(?:[ ]+(?:h[àằ]ng[ ]+\w+|\d+[ ]+tháng|\w+[ ]+tháng))?"
    rf"|(?:theo|trong[ ]+phạm[ ]+vi|căn[ ]+cứ(?:[ ]+vào)?)(?:[ ]*,?[ ]*{_DUTY})+"
    r"(?:[ ]+(?:được[ ]+giao|của[ ]+mình|của[ ]+ngành))?"
    r"|trong[ ]+phạm[ ]+vi)(?!\w)"
)


@dataclass(frozen=True, slots=True)
class Head:
    text: str
    kind: str
    ambiguous: bool
    named: bool = False
    """Only a post's title before a capitalised name ("Công chức Văn hóa - Xã hội", "Cán bộ Tư pháp"):
    written alone ("cán bộ, công chức") the word names people in general, not who is responsible."""


@dataclass(frozen=True, slots=True)
class UnitSpan:
    """One unit inside a text: offsets relative to the parsed string."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _heads() -> tuple[Head, ...]:
    rows = read_csv("unit_heads.csv")
    # `ambiguous`: "y" for heads that double as verbs or common nouns, "name" for named posts only.
    heads = [
        Head(r["head"].lower(), r["kind"], r["ambiguous"] in ("y", "name"), r["ambiguous"] == "name") for r in rows
    ]
    return tuple(sorted(heads, key=lambda h: len(h.text), reverse=True))


@lru_cache(maxsize=1)
def _nonheads() -> tuple[str, ...]:
    return tuple(sorted((r["phrase"].lower() for r in read_csv("unit_nonheads.csv")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _modifiers() -> frozenset[str]:
    """Verbs that modify a unit noun ("các cơ quan liên quan"), never its predicate."""
    return frozenset(r["phrase"].lower() for r in read_csv("unit_modifiers.csv"))


@lru_cache(maxsize=1)
def _predicates() -> dict[str, str]:
    return {r["phrase"].lower(): r["role"] for r in read_csv("unit_predicates.csv")}


@lru_cache(maxsize=1)
def _predicate_re() -> re.Pattern[str]:
    phrases = sorted(_predicates(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.IGNORECASE)


def adverbial_between(text: str, start: int, stop: int) -> bool:
    """Whether an adverbial that ends a unit list (a recurring time, a scope of duty) lies in
    `text[start:stop]`: what follows the list there is the clause's, not the last unit's."""
    return _ADVERBIAL_RE.search(text, start, stop) is not None


def has_predicate(text: str) -> bool:
    """Whether `text` holds a known predicate (a verb of the lexicon as a whole word)."""
    return _predicate_re().search(text) is not None


def predicate_role(phrase: str) -> str | None:
    return _predicates().get(phrase.lower())


@lru_cache(maxsize=1)
def _head_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, Head]]:
    def alternation(phrases: list[str]) -> re.Pattern[str]:
        ordered = sorted(phrases, key=len, reverse=True)
        return re.compile("(?:" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)", re.IGNORECASE)

    heads = {h.text: h for h in _heads()}
    return alternation(list(_nonheads())), alternation(list(heads)), heads


def head_at(text: str, pos: int) -> Head | None:
    """The head noun that starts at `pos`, else None (compounds such as "ban hành" are not heads)."""
    if pos >= len(text) or not text[pos].isalpha():
        return None
    nonheads, heads, by_text = _head_patterns()
    m = heads.match(text, pos)
    if m is None:
        return None
    blocker = nonheads.match(text, pos)
    if blocker is not None and blocker.end() >= m.end():
        # "đài phát" blocks "đài" but not the longer head "đài phát thanh".
        return None
    return by_text.get(m.group().lower())


def names_body(head: Head) -> bool:
    """Whether the head names an organisation ("sở", "trung tâm", "huyện ủy"), not a place or a person."""
    return head.kind not in ("locality", "person")


def body_heads() -> tuple[str, ...]:
    """The head nouns that name an organisation."""
    return tuple(h.text for h in _heads() if names_body(h))


def blocked_at(text: str, pos: int) -> bool:
    """Whether a compound that is no unit ("ban hành", "phòng chống", "đoàn kết") starts at `pos`."""
    nonheads, _, _ = _head_patterns()
    return nonheads.match(text, pos) is not None


# A head noun written alone opens a group of the same kind ("Sở, ngành liên quan").
_BARE_HEADS = {"sở", "ban", "ngành", "phòng", "đơn vị", "cơ quan", "địa phương", "đoàn thể", "hội"}
_QUANTIFIER_RE = re.compile("|".join(re.escape(q) for q in _QUANTIFIERS), re.IGNORECASE)


def _skip_quantifier(text: str, pos: int) -> tuple[int, bool]:
    m = _QUANTIFIER_RE.match(text, pos)
    return (m.end(), True) if m else (pos, False)


def _next_word(text: str, pos: int) -> re.Match[str] | None:
    return _WORD_RE.search(text, pos)


def starts_unit(text: str, pos: int, in_list: bool = False) -> Head | None:
    """The head of a unit that starts at `pos`. Heads that double as verbs or common nouns ("Tổ chức",
    "Ban", "Phòng", "Báo") count at the start of a list only when the context marks them as a unit:
    a quantifier before them, or a capitalised name, a comma or a place word after them."""
    inner, quantified = _skip_quantifier(text, pos)
    head = head_at(text, inner)
    if head is None:
        return None
    if head.named:
        word = _next_word(text, inner + len(head.text))
        if word is None or text[inner + len(head.text) : word.start()].strip():
            return None
        return head if word.group()[0].isupper() else None
    if not head.ambiguous or quantified or in_list:
        return head
    lower = text[: inner + len(head.text) + 40].lower()
    after = inner + len(head.text)
    rest = text[after:]
    if rest.startswith(","):
        return head
    word = _next_word(text, after)
    if word is None or text[after : word.start()].strip(" -–"):
        return None
    if _head_patterns()[0].match(text, word.start()):
        # "Tổ chức Hội nghị ...": the head is a verb before a word that is never a unit ("hội nghị").
        return None
    following = word.group()
    if following[0].isupper() or following.isdigit() or following.lower() == "được":
        # A name, a number, or a passive / relative "được" ("Đơn vị được giao ...") marks a noun.
        return head
    if following.lower() == "và":
        nxt = _next_word(text, word.end())
        return head if nxt is not None and nxt.group()[0].isupper() else None
    if any(lower.startswith(place, word.start()) for place in _PLACE_WORDS):
        return head
    if following.lower() == "các":
        nxt = _next_word(text, word.end())
        if head.kind in ("person", "peoples_committee") or (nxt is not None and nxt.group().lower() == "cấp"):
            # "Thủ trưởng các đơn vị", "chính quyền các cấp", "Công đoàn các cấp".
            return head
    return None


def clear_unit_start(text: str, pos: int) -> bool:
    """A unit starts at `pos` whose head cannot be read as a verb or common noun: an unambiguous head
    ("Sở", "Thủ trưởng"), a quantified one ("Các đơn vị") or one before a capitalised name ("Ban Tổ
    chức")."""
    inner, quantified = _skip_quantifier(text, pos)
    head = head_at(text, inner)
    if head is None:
        return False
    if not head.ambiguous or quantified:
        return True
    word = _next_word(text, inner + len(head.text))
    return word is not None and not text[inner + len(head.text) : word.start()].strip() and word.group()[0].isupper()


@lru_cache(maxsize=4096)
def _is_role(text: str) -> bool:
    """Appositions that name a role, not another unit ("Cơ quan Thường trực Hội đồng ...")."""
    key = fold(text)
    return key.startswith(
        (
            "cơ quan thường trực",
            "thường trực hội đồng",
            "cơ quan chủ trì",
            "cơ quan đầu mối",
            "đơn vị thường trực",
            "đơn vị chủ trì",
            "đơn vị đầu mối",
        )
    )


def parse_unit_list(text: str, pos: int = 0, unit_slot: bool = False) -> tuple[list[UnitSpan], int] | None:
    """Parse the list of units that starts at `pos`; returns the units and where the list ends.

    The list ends before a predicate, a hard stop ('.', ':', quotes), a recurring-time adverbial (then the
    returned end is past it, where the predicate starts) or a separator that no unit
    follows. None when no unit starts at `pos`. `unit_slot`: the context already marks `pos` as a unit
    position (after "phối hợp với"), so heads that double as common nouns count there too.
    """
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if starts_unit(text, pos, in_list=unit_slot) is None:
        return None
    predicate = _predicate_re()
    after: int | None = None  # where the clause goes on after an adverbial that ends the list
    units: list[UnitSpan] = []
    unit_start = pos
    protected = _head_end(text, pos)
    i = pos
    words = 0
    end = len(text)
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _HARD_STOPS or text.startswith("...", i):
            end = i
            break
        if ch in ",;" or text.startswith(" và ", i) or text.startswith(" - ", i) or text.startswith(" – ", i):
            sep_end = i + (1 if ch in ",;" else (4 if text.startswith(" và ", i) else 3))
            nxt = sep_end
            while nxt < n and text[nxt] == " ":
                nxt += 1
            if nxt >= n:
                end = i
                break
            head = starts_unit(text, nxt, in_list=True)
            match = predicate.match(text, nxt) if text[nxt].islower() else None
            if head is not None and ch == " " and _bare_ambiguous_head(text[unit_start:i]):
                # "Báo và Đài Phát thanh, Truyền hình tỉnh": a bare "Báo" names no unit by itself, so
                # "và" joins the words of one name here.
                head = None
            if head is not None and not (match and head_at(text, nxt) is None):
                units.append(_span(text, unit_start, i))
                unit_start = nxt
                protected = _head_end(text, nxt)
                i = nxt
                continue
            if match or ch == ";":
                end = i
                break
            i = sep_end
            continue
        if ch == ")":  # a bracket the list was written in closes ("(..., phối hợp với Sở X)."): a bracket
            end = i  # of the list's own is passed whole below
            break
        if ch == "(":
            close = text.find(")", i)
            if close == -1:
                end = i
                break
            inner = text[i + 1 : close].strip()
            if starts_unit(inner, 0, in_list=True) is not None and not _is_role(inner):
                units.append(_span(text, unit_start, i))
                units.append(_span(text, i + 1, close))
                unit_start = close + 1
            else:
                units.append(_span(text, unit_start, i))
                unit_start = close + 1
            i = close + 1
            continue
        if ch.isalnum() and (i == 0 or not text[i - 1].isalnum()):
            adverbial = _ADVERBIAL_RE.match(text, i) if i > unit_start else None
            if adverbial or (i > unit_start and _CLOSING_RE.search(text, unit_start, i)):
                end = i  # "các sở, ngành liên quan | tham mưu ...", "UBND cấp huyện | hằng năm bố trí ..."
                if adverbial:  # the predicate comes after the adverbial: the list's caller looks there
                    after = adverbial.end()
                    while after < n and text[after] in " ,":
                        after += 1
                break
            # A capitalised word inside a name is part of it ("Sở Xây dựng", "Ban Tổ chức").
            if i >= protected and ch.islower():
                match = predicate.match(text, i)
                if match is not None and i != unit_start:
                    end = i
                    break
            words += 1
            if words > MAX_LIST_WORDS:
                return None
        event = _LIST_EVENT_RE.search(text, i + 1)
        i = event.start() if event else n
    units.append(_span(text, unit_start, end))
    # A role after a unit is its apposition ("Văn phòng Sở - Cơ quan Thường trực ..."), not a unit.
    units = [u for index, u in enumerate(units) if u.text and not (index and _is_role(u.text))]
    if not units:
        return None
    return units, end if after is None else after


_POS_LIST_WORDS = (",", ";", "và", "-", "–", "hoặc")
_LOWER_TAIL_WORDS = 3


def has_open_tail(unit: str) -> bool:
    """A unit whose name runs on in lower-case words ("Công an tỉnh nâng cao hiệu quả ...") may have
    swallowed a predicate the word lists do not know: the place to ask the POS tagger."""
    inner, _ = _skip_quantifier(unit, 0)
    head = head_at(unit, inner)
    rest = unit[inner + len(head.text) :] if head else unit
    tail = [w for w in _WORD_RE.findall(rest) if w.islower() and w not in _PLACE_WORDS and w not in ("các", "cấp")]
    return len(tail) >= _LOWER_TAIL_WORDS


def _modifier_at(lower: str, at: int) -> bool:
    """Whether a modifier phrase of the lexicon ("liên quan", "có liên quan") starts at `at` of the
    lower-cased text as whole words."""
    return any(lower.startswith(m, at) and not lower[at + len(m) : at + len(m) + 1].isalnum() for m in _modifiers())


def pos_subject_end(text: str, start: int, end: int) -> int | None:
    """Where the predicate of the clause `text[start:end]` begins, by underthesea's word segmentation and
    POS tags: the first lower-case verb after the unit's head that is neither a list member ("..., du
    lịch") nor part of a name ("... đầu tư, thương mại", a verb before a place word). None when no such
    verb is found. Only for clauses where the predicate lexicon finds no boundary; the tagger is imported
    here, on first use, so documents that never need it do not pay for it."""
    from underthesea import pos_tag

    clause = text[start:end]
    try:
        tokens = pos_tag(clause)
    except Exception:  # noqa: BLE001 - a tagger failure leaves the boundary unknown, as without it
        return None
    head_end = _head_end(clause, 0)
    lower = clause.lower()
    placed: list[tuple[int, str, str]] = []
    offset = 0
    for word, tag in tokens:
        at = clause.find(word, offset)
        if at == -1:
            return None
        placed.append((at, word, tag))
        offset = at + len(word)
    for index, (at, word, tag) in enumerate(placed):
        if at < head_end or not tag.startswith("V") or not word[:1].islower() or index == 0:
            continue
        if _modifier_at(lower, at):
            continue  # "các đơn vị có liên quan": the tagger's verb "có" opens a modifier of the unit
        previous = placed[index - 1][1].lower()
        following = placed[index + 1] if index + 1 < len(placed) else None
        if previous in _POS_LIST_WORDS or following is None:
            continue
        if following[1].lower() in _POS_LIST_WORDS or following[2] == "CH" or following[1].lower() in _PLACE_WORDS:
            continue
        return start + at
    return None


def _bare_ambiguous_head(piece: str) -> bool:
    """`piece` is only a head that doubles as a common word ("Báo", "Đài"), with no name after it."""
    piece = piece.strip(" ,;-–")
    head = head_at(piece, 0)
    return head is not None and head.ambiguous and len(head.text) == len(piece) and piece[:1].isupper()


def _head_end(text: str, pos: int) -> int:
    """End of the quantifier and head noun that open a unit (no predicate can start inside them)."""
    inner, _ = _skip_quantifier(text, pos)
    head = head_at(text, inner)
    return inner + len(head.text) if head else pos + 1


def _span(text: str, start: int, end: int) -> UnitSpan:
    raw = text[start:end]
    stripped = raw.strip(" ,;-–")
    offset = raw.find(stripped) if stripped else 0
    return UnitSpan(start + offset, start + offset + len(stripped), stripped)


def split_units(text: str) -> list[str]:
    """Split a written list of units into units ("Các phòng chuyên môn và các đơn vị trực thuộc" -> two).

    Used for table cells: text that starts with no unit head (a note such as "Theo phân công tại ...")
    gives no unit.
    """
    text = " ".join(text.split())
    if not text:
        return []
    pieces: list[str] = []
    for part in re.split(r"\s*;\s*", text):
        part = _CELL_BULLET_RE.sub("", part)  # a cell's list of units in bullets ("- Sở TN và MT; - UBND ...")
        if not part:
            continue
        parsed = parse_unit_list(part, unit_slot=True)
        if parsed is None:
            # Not a unit ("Theo phân công tại Quyết định ..."): a cell may hold a note instead.
            continue
        units, end = parsed
        pieces.extend(u.text for u in units)
        rest = part[end:].strip(" ,.")
        adverbial = _ADVERBIAL_RE.search(part, units[-1].end, end) if units else None
        if rest and pieces and units and part[end - 1 : end] != "," and adverbial is None:
            # Words the list parser stopped at still belong to the cell's last unit, as written
            # ("Huyện H. Khê": the parser stops at "H.", whose dot is kept); an adverbial it stopped at
            # ("theo chức năng ...") does not.
            pieces[-1] = part[units[-1].start : len(part.rstrip(" ,."))]
    return [p for p in pieces if p]


def unit_kind(name: str) -> str:
    """Kind of a unit by its head noun (person heads such as "Lãnh đạo" defer to the unit they lead)."""
    lower = " ".join(name.lower().split())
    pos, quantified = _skip_quantifier(lower, 0)
    for _ in range(3):
        head = head_at(lower, pos)
        if head is None:
            return "other"
        if head.kind == "person":
            pos = pos + len(head.text)
            while pos < len(lower) and lower[pos] == " ":
                pos += 1
            pos, quantified = _skip_quantifier(lower, pos)
            continue
        if head.kind == "generic" or (quantified and head.kind in ("locality", "department", "office")):
            return "generic"
        return head.kind
    return "other"


_PROVINCE_GAP_RE = re.compile(r"(?<!\w)tỉnh$")
# A dash between words, any kind, spaced or not on one side; a bare hyphen inside a code (DS-KHHGĐ) stays.
_DASH_SPACING_RE = re.compile(rf"\s*[{DASHES}]\s*|\s+-\s*|\s*-\s+")
_PROVINCE_GAP_CASED_RE = re.compile(r"(?<!\w)(?:tỉnh|Tỉnh|TỈNH)$")
# Administrative level words: in official names the place name after them is a proper noun, each
# syllable capitalised ("huyện Hương Khê"); Nghị định 30/2020/NĐ-CP, Phụ lục II, on capital letters.
_LEVEL_WORD_RE = re.compile(
    r"(?<!\w)(tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã(?! hội)|phường)((?: [^\W\d_]+)+)$"  # "xã hội" is a word
)


_QUANTIFIER_RE = re.compile(r"(?<!\w)(?:các|những|mọi|toàn thể)\s", re.IGNORECASE)


def regroup_units(names: list[str]) -> list[str]:
    """Join the members of one written group back into it ("các sở", "ban", "ngành liên quan" ->
    "các sở, ban, ngành liên quan"): a member written without a capital or a quantifier continues the
    plural name, the common-noun group or the bare head noun before it. Tasks keep the members apart
    (they are scored so); the document's list of units keeps the group whole, as it is one unit."""
    out: list[str] = []
    for name in names:
        bare = name[:1].islower() and not _QUANTIFIER_RE.match(name + " ")
        previous = out[-1] if out else ""
        group = bool(_QUANTIFIER_RE.search(previous + " ")) or previous[:1].islower() or (
            fold(previous) in _BARE_HEADS
        )
        if out and bare and group:
            out[-1] = f"{out[-1]}, {name}"
        else:
            out.append(name)
    return out


def unit_key(name: str, province: str | None = None) -> str:
    """The unit's matching key, the same across documents: abbreviations expanded, case, dashes and tone
    placement folded, the plan's own province filled in where the name ends in a bare "tỉnh"."""
    key = fold(name)
    key = key.strip(" ,;.")
    if province and _PROVINCE_GAP_RE.search(key):
        key = f"{key} {fold(province)}"
    return key


def _sentence_case(upper: str) -> str:
    """An all-capitals name ("UBND HUYỆN HƯƠNG KHÊ") in the case of running text: lower case, the first
    letter and the place name after a level word capitalised. Other proper nouns cannot be told apart in
    capitals, so they stay lower case (the key, not this name, is what compares)."""
    lower = fold(upper)
    match = _LEVEL_WORD_RE.search(lower)
    if match:
        place = " ".join(word[:1].upper() + word[1:] for word in match.group(2).split())
        lower = f"{lower[: match.start(2)]} {place}"
    return lower[:1].upper() + lower[1:]


def canonical_unit(name: str, province: str | None = None) -> str:
    """The unit's canonical name: abbreviations expanded, dashes, spacing and tone placement normalized,
    the case of proper nouns kept as written ("Công an tỉnh Lâm Đồng"); the plan's province filled in
    after a bare "tỉnh". Names in capitals only are put in running-text case. Compare with `unit_key`."""
    text = clean_text(name).strip(" ,;.")
    if not text:
        return ""
    if not any(ch.islower() for ch in text):
        text = _sentence_case(text)
    else:
        text = expand_abbreviations(text, case="exact")
        text = fold_tone_placement(_DASH_SPACING_RE.sub(" - ", text))
    if province and _PROVINCE_GAP_CASED_RE.search(text):
        text = f"{text} {province}"
    return text[:1].upper() + text[1:]


__all__ = [
    "UnitSpan",
    "adverbial_between",
    "blocked_at",
    "body_heads",
    "names_body",
    "canonical_unit",
    "unit_key",
    "clear_unit_start",
    "has_open_tail",
    "has_predicate",
    "head_at",
    "parse_unit_list",
    "pos_subject_end",
    "regroup_units",
    "predicate_role",
    "split_units",
    "starts_unit",
    "unit_kind",
]
