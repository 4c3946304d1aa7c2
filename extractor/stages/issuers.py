"""Issuer names: the verbatim header line turned into the body's usual name.

`normalize_issuer("UBND TỈNH LÂM ĐỒNG")` -> "Ủy ban nhân dân tỉnh Lâm Đồng". Three steps:
1. spacing and dashes folded, glued abbreviations split ("UBNDTỈNH" -> "UBND TỈNH");
2. abbreviations expanded from `data/abbreviations.csv`;
3. an upper-case name gets its usual capitalisation back, by the rules of Nghị định 30/2020/NĐ-CP
   Phụ lục II for agency names: the agency-type phrase keeps its canonical form ("Ủy ban nhân dân",
   "Sở", "Ban Chỉ đạo"); each word group naming a field after it starts with a capital ("Lao động -
   Thương binh và Xã hội"); function words stay lower case; an administrative-unit word (tỉnh, huyện, xã,
   ...) is lower case and the place name after it gets a capital on every syllable; proper names
   ("Việt Nam", "Trung ương", "Nhà nước") keep their form. The word lists are in
   `data/issuer_words.csv`. A name written in mixed case is kept as written (only steps 1-2 apply).
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.base.normalize import DASHES, abbreviation_table, clean_text, expand_abbreviations, fold
from extractor.base.resources import read_csv

_DASH_RE = re.compile(f"\\s*[{DASHES}-]\\s*")
_MARKUP = re.compile(r"[*_]{1,3}")


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for row in read_csv("issuer_words.csv"):
        kinds.setdefault(row["kind"], []).append(row["phrase"])
    return kinds


@lru_cache(maxsize=1)
def _phrase_table() -> list[tuple[tuple[str, ...], str, str]]:
    """(lower-case syllables, canonical form, kind), longest first."""
    table = []
    for kind, phrases in _words().items():
        for phrase in phrases:
            table.append((tuple(phrase.lower().split()), phrase, kind))
    table.sort(key=lambda item: len(item[0]), reverse=True)
    return table


def _split_glued(text: str) -> str:
    """'UBNDTỈNH' -> 'UBND TỈNH': an abbreviation glued to a unit word or another abbreviation."""
    _, table = abbreviation_table("any")
    units = {u.upper() for u in _words().get("unit", []) if " " not in u}
    out = []
    for token in text.split():
        upper = token.upper()
        if token.isupper() and upper not in table:
            for abbr in sorted(table, key=len, reverse=True):
                rest = upper[len(abbr) :]
                if upper.startswith(abbr) and (rest in units or rest in table):
                    token = f"{token[: len(abbr)]} {token[len(abbr) :]}"
                    break
        out.append(token)
    return " ".join(out)


def fold_spacing(text: str) -> str:
    """Markup dropped, dashes to ' - ', spaces folded, trailing punctuation removed."""
    text = _MARKUP.sub(" ", clean_text(text))
    text = _DASH_RE.sub(" - ", text)
    return " ".join(text.split()).strip(" .,;:")


@lru_cache(maxsize=1)
def _name_abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    """Abbreviations that stand for words of a body's name ("TW" -> "Trung ương") but are also parts of
    document codes, so they are expanded in issuer names only (`data/name_abbreviations.csv`)."""
    table = {row["abbreviation"]: row["expansion"] for row in read_csv("name_abbreviations.csv")}
    alternatives = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w/-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w/-])"), table


def expand(text: str) -> str:
    text = expand_abbreviations(text, "any")
    names, words = _name_abbreviations()
    return names.sub(lambda m: words[m.group(1)], text)


def is_upper_name(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


_VOWELS = set("aăâeêioôơuưy")


def _is_code(token: str) -> bool:
    """An abbreviation or code in an upper-case name: it has a digit, or no vowel a syllable needs."""
    from extractor.vocab.frame_lines import letter_key

    key = letter_key(token).lower()
    return token.isupper() and (any(c.isdigit() for c in key) or (len(key) >= 2 and not set(key) & _VOWELS))


def recapitalize(text: str) -> str:
    """Usual capitalisation of an agency name written in capitals (see the module docstring)."""
    from extractor.vocab import places, provinces

    tokens = text.replace(",", " , ").split()
    lower = [t.lower() for t in tokens]
    out: list[str] = []
    group_start = True  # the next word opens a word group (capital initial)
    place = False  # inside a place name (capital on every syllable)
    i = 0
    while i < len(tokens):
        token = lower[i]
        if token in {"-", ",", "&"}:
            out.append(token)
            group_start = not place
            i += 1
            continue
        if place:
            out.append(_capitalize(tokens[i]))
            i += 1
            continue
        matched = _match_phrase(lower, i, at_start=not out)
        if matched:
            length, canonical, kind = matched
            previous = lower[i - 1] if i else ""
            if kind == "unit" and previous in {"và", "-", ","}:
                matched = None  # "và XÃ HỘI": a field word, not the unit "xã"
            elif kind == "function":
                out.append(canonical)
                i += length
                # "và", "về" open a new group ("Tài nguyên và Môi trường"); others pass the state on.
                group_start = group_start or canonical in {"và", "về"}
                continue
            else:
                out.append(canonical)
                i += length
                if kind == "unit":
                    place = True
                group_start = kind == "agency"
                continue
        tail = " ".join(tokens[i:])
        province = provinces.lookup(tail) if i else None
        if province is not None:
            # The province's spelling, unless the header names it otherwise (a former name such as
            # "THỪA THIÊN HUẾ" stays what it says, capitalised syllable by syllable).
            same = fold(province.name).replace(" ", "") == fold(tail).replace(" ", "")
            out.append(province.name if same else " ".join(_capitalize(t) for t in tokens[i:]))
            break
        if i and i + 4 >= len(tokens) and "," not in tokens[i:] and places.places_named(tail):
            # A district's or commune's name closes the body's name without a unit word before it
            # ("HUYỆN ỦY CAN LỘC", "TRƯỜNG THCS THẠCH LONG"): a proper name, a capital on every syllable.
            out.extend(_capitalize(t) for t in tokens[i:])
            break
        if _is_code(tokens[i]):
            out.append(tokens[i])  # "TW", "C04", "ĐTTP": an abbreviation, not a word
        else:
            out.append(_capitalize(tokens[i]) if group_start else tokens[i].lower())
        group_start = False
        i += 1
    return " ".join(out).replace(" , ", ", ")


def _match_phrase(lower: list[str], i: int, at_start: bool) -> tuple[int, str, str] | None:
    for words, canonical, kind in _phrase_table():
        n = len(words)
        if tuple(lower[i : i + n]) != words:
            continue
        if kind == "agency" and n == 1 and not at_start:
            continue  # "Phòng", "Vụ", "Hội" start a name; inside one they are ordinary words
        return n, canonical, kind
    return None


_WORD_RE = re.compile(r"[^\W\d_]+")


class Vocabulary:
    """The words of a document's own text, for repairing OCR'd header and signature lines: the body
    spells a name out ("Tổ Công tác liên ngành trung ương", "Bộ Công an") where the scan of the header
    lost tone marks ("TỎ CÔNG TÁC LIÊN NGANH") or spaces ("BỘCÔNGAN"). Words are compared on
    `letter_key`; only runs of two or more words are replaced (a single word's letters are ambiguous:
    SỞ / SỐ), and a glued token only by consecutive words of the text that spell it exactly."""

    _MAX_GLUED = 5

    def __init__(self, text: str) -> None:
        from extractor.vocab.frame_lines import letter_key

        self._key = letter_key
        self.words = _WORD_RE.findall(text)
        key_of: dict[str, str] = {}
        self.keys = [key_of.setdefault(w, letter_key(w)) for w in self.words]
        self.index: dict[str, list[int]] = {}
        for position, key in enumerate(self.keys):
            self.index.setdefault(key, []).append(position)

    def repair(self, line: str) -> str:
        tokens = line.split()
        keys = [self._key(t) for t in tokens]
        out: list[str] = []
        i = 0
        while i < len(tokens):
            run = self._run(keys, i)
            if run:
                length, spelling = run
                out.extend(_same_case(w, tokens[i + k]) for k, w in enumerate(spelling))
                i += length
                continue
            glued = self._unglue(keys[i]) if _WORD_RE.fullmatch(tokens[i]) else None
            out.extend(_same_case(w, tokens[i]) for w in glued) if glued else out.append(tokens[i])
            i += 1
        return " ".join(out)

    def _run(self, keys: list[str], i: int) -> tuple[int, list[str]] | None:
        """The longest run of 2+ header words from `i` that the text has, in its commonest spelling."""
        spellings: dict[tuple[str, ...], int] = {}
        longest = 1
        for position in self.index.get(keys[i], ()) if keys[i] else ():
            m = 0
            while i + m < len(keys) and position + m < len(self.keys) and keys[i + m] == self.keys[position + m]:
                m += 1
            if m < 2 or m < longest:
                continue
            if m > longest:
                longest, spellings = m, {}
            spelling = tuple(w.lower() for w in self.words[position : position + m])
            spellings[spelling] = spellings.get(spelling, 0) + 1
        if not spellings:
            return None
        best = max(spellings, key=spellings.__getitem__)
        return longest, list(best)

    def _unglue(self, key: str) -> list[str] | None:
        """'BOCONGAN' -> ['bộ', 'công', 'an'] where the text has those words in that order."""
        if len(key) < 5:
            return None
        counts: dict[tuple[str, ...], int] = {}
        for cut in range(1, min(len(key), 8)):
            for position in self.index.get(key[:cut], ()):
                consumed, m = cut, 1
                while consumed < len(key) and m < self._MAX_GLUED and position + m < len(self.keys):
                    following = self.keys[position + m]
                    if not following or not key.startswith(following, consumed):
                        break
                    consumed += len(following)
                    m += 1
                if consumed == len(key) and m > 1:
                    spelling = tuple(w.lower() for w in self.words[position : position + m])
                    counts[spelling] = counts.get(spelling, 0) + 1
        if not counts:
            return None
        best: tuple[str, ...] = max(counts, key=counts.__getitem__)
        return list(best)


def _same_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def normalize_issuer(raw: str | None) -> str | None:
    """The usual written form of an issuer name from a header line or the body."""
    if not raw:
        return None
    text = _split_glued(" ".join(_MARKUP.sub(" ", clean_text(raw)).split()))
    upper = is_upper_name(text)
    text = fold_spacing(expand(text))
    text = recapitalize(text) if upper else text
    text = text[:1].upper() + text[1:]
    return " ".join(text.split()) or None


__all__ = ["Vocabulary", "expand", "fold_spacing", "is_upper_name", "normalize_issuer", "recapitalize"]
