"""The frame of a plan: header block, title block, body, closing (recipients and signature), appendix.

Vietnamese official documents follow one layout (Nghị định 30/2020/NĐ-CP, Phụ lục I; reference §4.2):
issuing block and national motto side by side, the "Số:" line and the place-and-date line under them,
the type word ("KẾ HOẠCH") and the title, the body, then "Nơi nhận:" beside the signature, then any
appendix. Readers of DOCX/PDF mark the side-by-side parts with `Block.region`; text files give them as
plain lines in either order. `find_frame` locates these parts from what the lines are, never from their
order alone, so both layouts work. Segmentation, metadata and trimming all read the same frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from extractor.base.blocks import Block, Layout
from extractor.base.resources import read_csv
from extractor.vocab.frame_lines import (
    APPENDIX_RE,
    DATE_LINE_RE,
    DATE_NUMERIC_RE,
    MOTTO_RE,
    NGAY,
    NUMBER_LABEL_RE,
    NUMBER_RE,
    SEPARATOR_RE,
    SIGN_PREFIX_RE,
    SYMBOL_ONLY_RE,
    bare_number_label,
    letter_key,
    recipients_label_at,
    recipients_match,
)
from extractor.vocab.markers import NUMBERED_LINE_RE

_LATIN_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def document_types() -> tuple[str, ...]:
    """Type words of the title block ('Kế hoạch', 'Quyết định', ...), longest first."""
    names = {row["name"] for row in read_csv("doc_types.csv") if row["name"]}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _type_line_re() -> re.Pattern[str]:
    # Each type's letters with any spaces between them: "KẾ HOẠCH", and "K Ế H O Ạ C H" from PDF letter
    # spacing. The form with spaces only between words ("KẾ\s+HOẠCH") would match nothing this one does
    # not match with the same span, so it is left out (half the pattern to compile).
    alternatives = [r"\s*".join(re.escape(c) for c in name.upper().replace(" ", "")) for name in document_types()]
    return re.compile(r"^\W{0,3}(?P<type>" + "|".join(alternatives) + r")(?![^\W\d_])(?P<rest>.*)$")


def type_of_line(text: str) -> tuple[str, str] | None:
    """(type in usual capitalisation, rest of the line) when `text` is a title-block type line."""
    match = _type_line_re().match(text)
    if match:
        written = re.sub(r"\s+", "", match.group("type"))
        for name in document_types():
            if name.upper().replace(" ", "") == written:
                return name, match.group("rest").strip()
    return _ocr_type_of_line(text)


@lru_cache(maxsize=1)
def _type_keys() -> tuple[tuple[str, str, int], ...]:
    """(key, type name, word count) of every type word."""
    return tuple((letter_key(name), name, len(name.split())) for name in document_types())


# A form field of a received stamp stamped beside the type word ("Số.....6.44....") or leading noise.
_FIELD_TOKEN = re.compile(r"^(?:[^\w]*\d*[^\w]*|[^\W\d_]{1,4}[.:…]{3,}[\d.:…]*)$")


def _ocr_type_of_line(text: str) -> tuple[str, str] | None:
    """An OCR-damaged type line: the type word in capitals, a tone mark lost or doubled ('KÉ HOẠCH',
    'KÉẺ HOẠCH'), maybe after noise from a stamp. Matched on `letter_key` with one edit allowed for
    long words; a short key ('ĐỀ ÁN' / 'DỰ ÁN') must match exactly."""
    tokens = text.split()
    while tokens and _FIELD_TOKEN.match(tokens[0]):
        tokens.pop(0)
    if not tokens or not tokens[0][:1].isalpha():
        return None
    if not is_upper_line(tokens[0]) or len(tokens[0]) < 2:
        return None
    heads: dict[int, tuple[str, str]] = {}  # word count -> (written head, its key), capitals only
    for n in range(1, min(len(tokens), 5) + 1):
        head = " ".join(tokens[:n])
        if not is_upper_line(head):
            break
        heads[n] = (head, letter_key(head))
    best: tuple[int, int, str, int] | None = None
    for key, name, n_words in _type_keys():
        for n in (n_words, n_words + 1):  # one extra token: a word split in two by OCR
            if n not in heads or abs(len(heads[n][1]) - len(key)) > 1:
                continue
            distance = Levenshtein.distance(heads[n][1], key, score_cutoff=1)
            if distance > 1 or (distance and len(key) < 7):
                continue
            fine = Levenshtein.distance(heads[n][0].upper(), name.upper())
            if best is None or (distance, fine) < best[:2]:
                best = (distance, fine, name, n)
    if best is None:
        return None
    rest = " ".join(tokens[best[3] :])
    if rest and is_upper_line(rest) and len(rest.split()) <= 3 and not re.search(r"\d", rest):
        return None  # "KẾ HOẠCH VÀ ĐẦU TƯ": a name that starts with a type word, not a type line
    return best[2], rest.strip()


@dataclass(slots=True)
class Line:
    index: int
    block: Block
    text: str

    @property
    def region(self) -> str | None:
        return self.block.region


@dataclass(slots=True)
class Frame:
    lines: list[Line]
    header: list[int] = field(default_factory=list)
    """Indices (into `lines`) of the header block: issuing block, motto, number, place-and-date."""
    type_line: int | None = None
    title: list[int] = field(default_factory=list)
    body_start: int = 0
    closing_start: int = 0
    """First line of the recipients/signature block (== body end); len(lines) when there is none."""
    closing_end: int = 0
    appendix_start: int | None = None

    def within(self, first: int, last: int) -> Frame:
        """The frame of lines[first:last] (what trimming keeps), its indices rebased and clamped."""
        kept = [Line(i, line.block, line.text) for i, line in enumerate(self.lines[first:last])]

        def rebase(index: int) -> int:
            return min(max(index - first, 0), len(kept))

        return Frame(
            lines=kept,
            header=[rebase(i) for i in self.header if first <= i < last],
            type_line=rebase(self.type_line) if self.type_line is not None and first <= self.type_line < last else None,
            title=[rebase(i) for i in self.title if first <= i < last],
            body_start=rebase(self.body_start),
            closing_start=rebase(self.closing_start),
            closing_end=rebase(self.closing_end),
            appendix_start=rebase(self.appendix_start) if self.appendix_start is not None else None,
        )

    def offset(self, index: int) -> int:
        """Start offset of line `index` (the text length past the last line)."""
        if index < len(self.lines):
            return self.lines[index].block.start
        return self.lines[-1].block.end if self.lines else 0


# The two motto lines as letter keys, and how many letters OCR may get wrong in each (a letter in ten:
# "CỘNG HÒA XÃ HỘT CHỦ NGHĨA" for "HỘI"); the lines are long and fixed, so no other line comes that near.
_MOTTO_KEYS = (("CONGHOAXAHOICHUNGHIAVIETNAM", 3), ("DOCLAPTUDOHANHPHUC", 2))


def is_motto(text: str) -> bool:
    if MOTTO_RE.search(text):
        return True
    if len(text) > 60:
        return False
    key = letter_key(text)
    return any(
        abs(len(key) - len(motto)) <= slack and Levenshtein.distance(key, motto, score_cutoff=slack) <= slack
        for motto, slack in _MOTTO_KEYS
    )


def is_separator(text: str) -> bool:
    return bool(SEPARATOR_RE.match(text)) or not text.strip()


def is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def is_noise(text: str) -> bool:
    """A line that is mostly not words: a seal, a signature or a stamp read by OCR ('` € TRƯỞNG', 'œ qa Oo e').
    Words are tokens of two or more letters; the line is noise when they hold under 60% of its characters
    or fewer than half of its tokens are words."""
    tokens = text.split()
    if not tokens:
        return True
    words = [t for t in tokens if sum(c.isalpha() for c in t) >= 2 and sum(c.isalpha() for c in t) >= 0.6 * len(t)]
    letters = sum(len(w) for w in words)
    return 2 * len(words) < len(tokens) or letters < 0.6 * len("".join(tokens))


def is_person_name(text: str) -> bool:
    """A signer's name line: 2-5 syllables, each capitalised, letters only."""
    words = text.strip().split()
    if not 2 <= len(words) <= 5:
        return False
    if not all(_LATIN_WORD.fullmatch(w) for w in words):
        return False
    if all(w.isupper() for w in words):
        return False  # titles are in capitals; names are written in title case
    return all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


def is_header_anchor(text: str) -> bool:
    stripped = text.strip()
    if is_motto(text) or NUMBER_RE.match(stripped) or bare_number_label(stripped):
        return True
    return bool(_place_date_line(text)) or bool(symbol_only_line(text))


@lru_cache(maxsize=1)
def _type_codes() -> frozenset[str]:
    return frozenset(row["code"].upper() for row in read_csv("doc_types.csv") if row["code"])


def symbol_only_line(text: str) -> re.Match[str] | None:
    """'/KH-TCTLNTW-C04' alone on a line: a number line whose 'Số:' (and number) the scan lost."""
    match = SYMBOL_ONLY_RE.match(text.strip())
    if match and match.group("code").upper() in _type_codes():
        return match
    return None


def _place_date_line(text: str) -> re.Match[str] | None:
    stripped = text.strip()
    match = DATE_LINE_RE.match(stripped) or DATE_NUMERIC_RE.match(stripped)
    # The line is "<place>, ngày ..." and nothing else: a date in a sentence or a page stamp
    # ("Cập nhật lúc 09:15 ngày 12/02/2024") is not the header's place-and-date line.
    if match and match.group("place") and len(stripped) - match.end() <= 3:
        return match
    # "Cao Bằng, ngày" with the month and year on the next line
    if re.match(rf"^[^\W\d_][^,\d:;]{{1,50}}?,\s*{NGAY}\s*\d{{0,2}}\s*$", stripped, re.IGNORECASE):
        return re.match(r".*", stripped)
    return None


def lines_of(blocks: list[Block], text: str | None = None) -> list[Line]:
    out: list[Line] = []
    for block in blocks:
        line = text[block.start : block.end] if text is not None and block.start >= 0 else block.line
        if block.kind == "paragraph" and not line.strip():
            continue
        out.append(Line(len(out), block, line))
    return out


def frame_of(layout: Layout) -> Frame:
    """The frame of an assembled layout, for callers that hold no frame (the pipeline computes it once)."""
    return find_frame(lines_of(layout.blocks, layout.text))


def find_frame(lines: list[Line]) -> Frame:
    frame = Frame(lines=lines, closing_start=len(lines), closing_end=len(lines))
    if not lines:
        return frame
    _find_head(frame)
    _find_closing(frame)
    return frame


# --- header and title ---------------------------------------------------------------------------------

_HEAD_WINDOW = 60


def _ocr_speck(line: Line) -> bool:
    """An OCR'd line of three characters or fewer: the star or rule under an issuing block ("*" read as
    "k2"), which stands between the block and the number line below it."""
    return line.block.ocr and len(line.text.strip()) <= 3


def _find_head(frame: Frame) -> None:
    lines = frame.lines
    window = min(len(lines), max(_HEAD_WINDOW, len(lines) // 3))
    type_index = None
    for line in lines[:window]:
        if line.block.kind == "paragraph" and not (line.region or "").startswith("footer") and type_of_line(line.text):
            type_index = line.index
            break
    if type_index is not None:
        # A web page's own title echoing the plan's ("KẾ HOẠCH Công tác ... 2020" above "KẾ HOẠCH") is
        # not the title block: the plan's type line is the last of such a run.
        found = type_of_line(lines[type_index].text)
        for later in lines[type_index + 1 : type_index + 3]:
            again = type_of_line(later.text)
            if again and found and again[0] == found[0]:
                type_index = later.index
    limit = type_index if type_index is not None else window
    anchors = [
        line.index for line in lines[:limit] if (line.region or "").startswith("header") or is_header_anchor(line.text)
    ]
    header: list[int] = []
    if anchors:
        first = anchors[0]
        # Issuing-block lines stand just above the first anchor (or beside it, in a region).
        above = first
        while (
            above > 0
            and first - above < 5
            and (
                is_upper_line(lines[above - 1].text)
                or is_separator(lines[above - 1].text)
                or _ocr_speck(lines[above - 1])
                or NUMBER_LABEL_RE.match(lines[above - 1].text)
            )
            and not type_of_line(lines[above - 1].text)
        ):
            above -= 1
        while above < first and is_separator(lines[above].text):
            above += 1
        last = anchors[-1]
        header = [i for i in range(above, last + 1)]
        if type_index is not None:
            header = [i for i in range(above, type_index)]
            # Keep what is plainly header: regions, anchors, capitals, separators.
            header = [
                i
                for i in header
                if (lines[i].region or "").startswith("header")
                or is_header_anchor(lines[i].text)
                or is_upper_line(lines[i].text)
                or is_separator(lines[i].text)
                or _continues_date(lines, i)
            ]
    frame.header = header
    frame.type_line = type_index
    if type_index is None:
        frame.body_start = (max(header) + 1) if header else 0
        return
    frame.title = _title_lines(lines, type_index)
    end = (frame.title[-1] if frame.title else type_index) + 1
    # Separators and a "(Kèm theo ...)" note close the title block.
    while end < len(lines) and (is_separator(lines[end].text) or re.match(r"^\(.*\)$", lines[end].text.strip())):
        end += 1
    frame.body_start = end


def _continues_date(lines: list[Line], i: int) -> bool:
    """The rest of a place-and-date line wrapped in a narrow column ("tháng 3 năm 2021", "3 năm 2026",
    "năm 2018")."""
    return i > 0 and bool(re.match(r"^\s*(?:tháng\b.*|\d{1,2}\s+)?năm\s*\d{4}", lines[i].text, re.IGNORECASE))


_TERMINAL = re.compile(r"[.;:!?]\s*$")
_TITLE_MAX_WORDS = 45


def _title_lines(lines: list[Line], type_index: int) -> list[int]:
    """Lines holding the title after the type word: the rest of the type line and what continues it."""
    _, rest = type_of_line(lines[type_index].text) or ("", "")
    title: list[int] = [type_index] if _strip_markup(rest) else []
    i = type_index + 1
    while i < len(lines) and len(title) < 4:
        line = lines[i]
        text = _strip_markup(line.text)
        if line.block.kind != "paragraph" or is_separator(line.text) or not text:
            break
        words = len(text.split())
        if words > _TITLE_MAX_WORDS or text.startswith("(") or _looks_numbered(text) or line.block.label:
            break
        previous = _strip_markup(lines[i - 1].text) if title else ""
        if title:
            continues = text[:1].islower() or (
                line.block.align == "center"
                and lines[i - 1].block.align == "center"
                and line.block.bold == lines[i - 1].block.bold
            )
            if not continues or _TERMINAL.search(previous):
                break
        elif _TERMINAL.search(text) and not text.endswith(":"):
            break  # a sentence ("Thực hiện Kế hoạch ... năm 2020.") opens the body
        title.append(i)
        i += 1
    return title


_MARKUP_RE = re.compile(r"\*{1,3}|_{2,}|#+\s")


def _strip_markup(text: str) -> str:
    return " ".join(_MARKUP_RE.sub(" ", text).split())


# OCR noise before a title ("01344046. Phối hợp ..." where a stamp's date ran into the line): a leading
# token without letters that no title opens with (a bare mark, or a run of digits longer than a year).
_TITLE_NOISE = re.compile(r"^(?:[^\w\s]+|[\d\W_]*\d{5,}[\d\W_]*)\s+(?=[^\W\d_])")


def _looks_numbered(text: str) -> bool:
    return bool(NUMBERED_LINE_RE.match(text))


def title_text(frame: Frame) -> str | None:
    parts: list[str] = []
    for i in frame.title:
        text = frame.lines[i].text
        if i == frame.type_line:
            text = (type_of_line(text) or ("", text))[1]
        text = _strip_markup(text)
        if not parts:
            text = _TITLE_NOISE.sub("", text)
        parts.append(text)
    title = " ".join(p for p in parts if p).strip(" .;:-")
    return title or None


# --- signer lines ---------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _signer_words() -> dict[str, list[tuple[str, str]]]:
    """kind -> [(letter_key, phrase)], longest phrase first."""
    kinds: dict[str, list[tuple[str, str]]] = {}
    for row in read_csv("signer_words.csv"):
        kinds.setdefault(row["kind"], []).append((letter_key(row["phrase"]), row["phrase"]))
    for entries in kinds.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return kinds


def _lead_phrase(tokens: list[str], kind: str) -> tuple[str, int] | None:
    """(phrase, tokens used) of the `kind` phrase that `tokens` open with, on `letter_key`: exact for
    short keys, one letter off for long ones; the closest written form wins a tie (THỨ / THỦ TRƯỞNG)."""
    best: tuple[int, int, str, int] | None = None
    for key, phrase in _signer_words().get(kind, ()):
        n = len(phrase.split())
        if len(tokens) < n:
            continue
        written = " ".join(tokens[:n])
        distance = Levenshtein.distance(letter_key(written), key, score_cutoff=1)
        if distance > 1 or (distance and len(key) < 7):
            continue
        fine = Levenshtein.distance(written.upper(), phrase.upper())
        if best is None or (distance, fine) < best[:2]:
            best = (distance, fine, phrase, n)
    return (best[2], best[3]) if best else None


def read_position(text: str) -> str | None:
    """'PHÓ GIAM ĐỌC' -> 'PHÓ GIÁM ĐỐC': a signer's title that opens with a known position, in its
    correct spelling; what follows a position (THƯỜNG TRỰC, a body's name) is kept."""
    tokens = re.sub(r"^\W+", "", text).replace("-", " - ").split()  # "-THU TRƯỞNG": a stray mark before it
    out: list[str] = []
    deputy = _lead_phrase(tokens, "deputy")
    if deputy and len(tokens) > deputy[1]:
        out.append(deputy[0])
        tokens = tokens[deputy[1] :]
    position = _lead_phrase(tokens, "position")
    if position is None:
        return None
    out.append(position[0])
    tokens = tokens[position[1] :]
    qualifier = _lead_phrase(tokens, "qualifier")
    if qualifier:
        out.append(qualifier[0])
        tokens = tokens[qualifier[1] :]
    return " ".join(out + tokens)


def person_name(text: str) -> str | None:
    """The name of a signature line, without a military or police rank before it ('Đại tá Nguyễn Văn A'
    -> 'Nguyễn Văn A'; OCR may join the rank's words with a hyphen)."""
    text = " ".join(text.split())
    if is_person_name(text):
        return text
    tokens = text.replace("-", " ").split()
    rank = _lead_phrase(tokens, "rank")
    if rank:
        rest = " ".join(tokens[rank[1] :])
        if is_person_name(rest):
            return rest
    return None


# --- closing: recipients, signature, appendix --------------------------------------------------------


def _find_closing(frame: Frame) -> None:
    lines = frame.lines
    start = frame.body_start
    n = len(lines)
    footer = [line.index for line in lines[start:] if (line.region or "").startswith("footer")]
    texts = [line.text for line in lines]
    recipients = [i for i in range(start, n) if len(texts[i]) < 200 and recipients_label_at(texts, i)]
    candidates = []
    if footer:
        candidates.append(footer[0])
    if recipients:
        candidates.append(recipients[-1])
    prefix = [
        line.index
        for line in lines[start:]
        if SIGN_PREFIX_RE.match(line.text) and is_upper_line(line.text) and len(line.text.split()) <= 10
    ]
    if prefix:
        candidates.append(prefix[-1])
    if not candidates:
        closing = _closing_by_signature(lines, start)
        if closing is None:
            return
        candidates.append(closing)
    closing = min(candidates)
    if not footer:
        # Signature lines written before "Nơi nhận:" belong to the closing too.
        while closing - 1 > start and _signature_like(lines[closing - 1].text):
            closing -= 1
    frame.closing_start = closing
    end = closing
    while end < n and _in_closing(lines, end, closing):
        end += 1
    frame.closing_end = end
    for line in lines[end:]:
        if APPENDIX_RE.match(line.text) or type_of_line(line.text):
            frame.appendix_start = line.index
            break


def _signature_like(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(SIGN_PREFIX_RE.match(stripped))
        or (is_upper_line(stripped) and len(stripped.split()) <= 8 and not is_header_anchor(stripped))
        or person_name(stripped) is not None
    )


def _closing_by_signature(lines: list[Line], start: int) -> int | None:
    """Without 'Nơi nhận:' or regions: the signer lines after the body's last sentence ('... ./.')."""
    last = None
    for line in lines[max(start, len(lines) - 40) :]:
        if line.text.rstrip().endswith("/."):
            last = line.index
    if last is None or last + 1 >= len(lines):
        return None
    following = lines[last + 1 : last + 4]
    if following and _signature_like(following[0].text):
        return last + 1
    return None


def _in_closing(lines: list[Line], i: int, closing: int) -> bool:
    """Whether line `i` still belongs to the closing block that starts at `closing`."""
    line = lines[i]
    text = line.text.strip()
    if (line.region or "").startswith("footer"):
        return True
    if i == closing:
        return True
    if APPENDIX_RE.match(text) or type_of_line(text):
        return False
    if recipients_match(text) or re.match(r"^[-+•*]\s*\S", text) or _signature_like(text):
        return True
    if re.match(r"^\(?\s*(?:đã\s+ký|ký\s+tên|ký,|ký\s+và)", text, re.IGNORECASE):
        return True
    # A recipient wrapped onto a second line continues in lower case, or ends with the ';' of the list.
    previous = lines[i - 1].text.rstrip()
    if text.endswith(";") and len(text.split()) <= 25:
        return True
    return text[:1].islower() and not previous.endswith((";", "."))


__all__ = [
    "Frame",
    "Line",
    "document_types",
    "find_frame",
    "frame_of",
    "is_motto",
    "is_noise",
    "is_person_name",
    "is_separator",
    "is_upper_line",
    "lines_of",
    "person_name",
    "read_position",
    "symbol_only_line",
    "title_text",
    "type_of_line",
]
