"""Which document a citation names, across plans: the key the comparison counts cited documents by.

- A citation with a code is keyed by the code (number, year inside it, symbol: type part and issuer
  part), the year it was issued (inside the code, else of its date) and, for a local issuer, the
  province: every province has its own 01/CT-UBND, and the Prime Minister's 468/QĐ-TTg of 2016 is not
  that of 2019. The type word written before the code is not part of the key ("Văn bản 163/2024/QH15" and
  "Nghị quyết 163/2024/QH15" are one document); the code's type part is.
- A law (or another document) cited by name: its type, its name as written (folded) and its year; a
  name without any year or without a name is not keyed ("Luật 2025" names no law).
- Two fixes across the whole set, each only when it points at exactly one document:
  a mention without a year joins the one dated document of the same code and place; and a code whose
  issuer part is no known issuer code joins the document with the same number, year, type part and place
  whose known issuer code is one edit away (an OCR slip: "163/2024/QHI15" -> "163/2024/QH15"). A code
  with two candidates, or no known neighbour, stays its own document.
- A law cited once by name and once with its code ("Luật Thi đua, khen thưởng số 06/2022/QH15") is one
  document when the coded mention carries the name and year.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.base.normalize import fold
from extractor.base.textsim import code_key
from models import Citation

# Where a cited name ends: its number ("số 06/2022"), date ("ngày 15/6"), year ("năm 2003", "2015").
_NAME_END = re.compile(r"(?:,\s*|\s+)(?:số\s*:?\s*\d|ngày\s+\d|năm\s+\d{4}|\d{4}\b)|\s*\(|$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _issuer_levels() -> dict[str, str]:
    from extractor.base.resources import read_csv

    # Upper case: codes are compared as code_key gives them ("QĐ-TTG").
    return {row["code"].upper(): row["level"] for row in read_csv("issuer_codes.csv") if row["code"]}


@lru_cache(maxsize=1)
def _generic_types() -> frozenset[str]:
    from extractor.vocab.citation_patterns import GENERIC_TYPES

    return GENERIC_TYPES


@dataclass(frozen=True, slots=True)
class CodeParts:
    number: str
    year: str  # inside the code ("91/2017/NĐ-CP"), else ""
    type_part: str
    issuer_part: str  # the issuer code without its term number (QH15 -> QH)
    symbol: str  # everything after the number (and year) as written, upper case


_STATE = re.compile(r"^(?P<num>[\d.]+)/(?:(?P<year>\d{4})/)?(?P<symbol>.+)$")
_PARTY = re.compile(r"^(?P<num>[\d.]+)-(?P<symbol>.+)$")


def code_parts(code: str) -> CodeParts | None:
    """The parts of a normalized code: state form n[/yyyy]/TYPE-ISSUER, Party form n-TYPE/ISSUER."""
    state = _STATE.match(code)
    if state:
        symbol = state["symbol"]
        type_part, _, issuer = symbol.partition("-") if "-" in symbol else ("", "", symbol)
        if _issuer_code(type_part) in _issuer_levels():  # a công văn: ISSUER-UNIT ("4111/BYT-TCDS")
            type_part, issuer = "", type_part
        return CodeParts(state["num"], state["year"] or "", type_part, _issuer_code(issuer), symbol)
    party = _PARTY.match(code)
    if party:
        type_part, _, issuer = party["symbol"].partition("/")
        return CodeParts(party["num"], "", type_part, _issuer_code(issuer), party["symbol"])
    return None


def _issuer_code(part: str) -> str:
    return re.sub(r"\d+$", "", part.split("-")[0]).upper()


def law_name(c: Citation) -> str:
    """The name of a document cited by name: the words between its type and its number, date or year."""
    text = " ".join(c.text.split())
    if c.doc_type and fold(text).startswith(fold(c.doc_type)):
        text = text[len(c.doc_type):]
    end = _NAME_END.search(text)
    return text[: end.start() if end else len(text)].strip(" ,.;:")


@dataclass
class CitedDocument:
    """One cited document across the plans: its key, a label, the plans citing it and its mentions."""

    key: str
    code: str | None
    year: str
    place: str
    mentions: list[Citation] = field(default_factory=list)
    names: Counter[str] = field(default_factory=Counter)

    @property
    def doc_type(self) -> str:
        types = Counter(m.doc_type for m in self.mentions if m.doc_type and m.doc_type not in _generic_types())
        if types:
            return types.most_common(1)[0][0]
        return next((m.doc_type for m in self.mentions if m.doc_type), None) or "Văn bản"

    @property
    def label(self) -> str:
        if self.code:
            # The code as most often written, of the key's own spelling (not an OCR slip merged into it).
            written = Counter(
                "".join(m.code.split()) for m in self.mentions if m.code and code_key(m.code) == self.code
            )
            shown = f"{self.doc_type} {written.most_common(1)[0][0] if written else self.code}"
            if self.year and self.year not in self.code:
                shown += f" ({self.year})"
            return shown
        name = self.names.most_common(1)[0][0] if self.names else ""
        return " ".join(p for p in (self.doc_type, name, self.year and f"năm {self.year}") if p)

    @property
    def issuer(self) -> str:
        issuers = Counter(m.issuer for m in self.mentions if m.issuer)
        return issuers.most_common(1)[0][0] if issuers else ""

    @property
    def date(self) -> str:
        dates = Counter(m.date for m in self.mentions if m.date)
        return dates.most_common(1)[0][0] if dates else ""


def _year(c: Citation) -> str:
    if c.year:
        return str(c.year)
    return c.date[:4] if c.date and c.date[:4].isdigit() else ""


def _place(code: str, province: str | None) -> str:
    parts = code_parts(code)
    central = parts is not None and _issuer_levels().get(parts.issuer_part) == "central"
    return "" if central else fold(province)


def raw_key(c: Citation, plan_province: str | None) -> tuple[str, str, str, str] | None:
    """(kind, code or folded name, year, place) before the fixes across the set; None: not keyable."""
    if c.refers_to:
        return None
    year = _year(c)
    if c.code:
        code = code_key(c.code)
        return ("code", code, year, _place(code, plan_province))
    name = fold(law_name(c))
    if c.doc_type and name and year:
        return (fold(c.doc_type), name, year, "")
    return None


def _key_text(key: tuple[str, str, str, str]) -> str:
    kind, what, year, place = key
    parts = [what if kind == "code" else f"{kind}: {what}", year, place]
    return " | ".join(p for p in parts if p)


class CitedIndex:
    """The cited documents of a set of plans; add every plan's citations, then ask `key_of`."""

    def __init__(self) -> None:
        self._raw: dict[tuple[str, str, str, str], list[Citation]] = defaultdict(list)
        self._alias: dict[tuple[str, str, str, str], tuple[str, str, str, str]] = {}
        self._documents: dict[str, CitedDocument] = {}
        self._done = False

    def add(self, citations: list[Citation], plan_province: str | None) -> None:
        for c in citations:
            key = raw_key(c, plan_province)
            if key is not None:
                self._raw[key].append(c)
        self._done = False

    def _resolve(self) -> None:
        if self._done:
            return
        self._alias = {}
        coded = [k for k in self._raw if k[0] == "code"]
        by_code_place: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
        for k in coded:
            by_code_place[(k[1], k[3])].append(k)
        # A mention without a year joins the one dated document of its code and place.
        for k in coded:
            if not k[2]:
                dated = [o for o in by_code_place[(k[1], k[3])] if o[2]]
                if len(dated) == 1:
                    self._alias[k] = dated[0]
        # An unknown issuer code one edit from a known one, with everything else equal: an OCR slip.
        from rapidfuzz.distance import Levenshtein

        known = _issuer_levels()
        for k in coded:
            parts = code_parts(k[1])
            if parts is None or not parts.issuer_part or parts.issuer_part in known:
                continue
            near = []
            for o in coded:
                other = code_parts(o[1])
                # An unknown code was taken as local; a central neighbour has no place to agree on.
                if (other and o != k and other.issuer_part in known and o[2] == k[2] and o[3] in ("", k[3])
                        and (other.number, other.year, other.type_part) == (parts.number, parts.year, parts.type_part)
                        and Levenshtein.distance(other.issuer_part, parts.issuer_part) == 1):
                    near.append(o)
            if len(near) == 1:
                self._alias[k] = self._alias.get(near[0], near[0])
        # A law cited by name and elsewhere with its code and name.
        named_codes: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
        for k in coded:
            for c in self._raw[k]:
                name = fold(law_name(c))
                if c.doc_type and name and k[2]:
                    named_codes[(fold(c.doc_type), name, k[2])].append(self._alias.get(k, k))
        for k in self._raw:
            if k[0] != "code":
                targets = set(named_codes.get((k[0], k[1], k[2]), []))
                if len(targets) == 1:
                    self._alias[k] = targets.pop()
        self._documents = {}
        for k, mentions in self._raw.items():
            final = self._final(k)
            text = _key_text(final)
            doc = self._documents.get(text)
            if doc is None:
                code = final[1] if final[0] == "code" else None
                doc = self._documents[text] = CitedDocument(text, code, final[2], final[3])
            doc.mentions.extend(mentions)
            if k[0] != "code":
                doc.names.update(law_name(c) for c in mentions)
        self._done = True

    def key_of(self, c: Citation, plan_province: str | None) -> str | None:
        """The cited document's key (its id in the report), None when the citation names none."""
        self._resolve()
        key = raw_key(c, plan_province)
        if key is None:
            return None
        return _key_text(self._final(key))

    def _final(self, key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
        seen = {key}
        while key in self._alias and self._alias[key] not in seen:
            key = self._alias[key]
            seen.add(key)
        return key

    def document(self, key: str) -> CitedDocument:
        self._resolve()
        return self._documents[key]


__all__ = ["CitedDocument", "CitedIndex", "code_parts", "law_name", "raw_key"]
