"""Which outputs are one plan: the same plan published as .docx, .pdf and a scan gets one `plan_key`.

Two rules, in order:
- numbered: the same type, number, issuer (with its province) and issued date. Numbers run per type and
  issuer, so these four name one document, whatever its format;
- unnumbered (drafts and plans whose "Số:" is blank, or a number without an issuer or date): the same
  number (or none), type, issuer, province, title and year, *and* texts at least `TEXT_SIMILARITY` alike,
  so two drafts of one plan with blank numbers stay apart unless their texts are the same.

A plan nothing folds keeps its own document id as its key. Keys of the numbered rule are a digest of the
folded parts, so they agree across runs and exports; keys of the unnumbered rule are the smallest id of
the group, so they agree within one run.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from extractor.base.normalize import fold

TEXT_SIMILARITY = 90.0  # rapidfuzz ratio (0-100) of the folded texts for "the same unnumbered plan"


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What the rules read of one document (its text is loaded only when a rule needs it)."""

    id: str
    doc_type: str
    number: str
    issuer: str
    province: str
    issued_date: str
    year: str
    title: str

    @classmethod
    def of(cls, doc: object) -> PlanFacts:
        """The facts of a models.PlanDocument."""
        meta = getattr(doc, "metadata")  # noqa: B009 - any object shaped like a PlanDocument
        year = meta.plan_year or (meta.issued_date or "")[:4]
        return cls(
            id=getattr(doc, "id"),  # noqa: B009
            doc_type=fold(meta.doc_type),
            number=fold(meta.number),
            issuer=fold(meta.issuer or meta.issuer_raw),
            province=fold(meta.province),
            issued_date=meta.issued_date or "",
            year=str(year or ""),
            title=" ".join(fold(meta.title).split()),
        )

    def numbered_key(self) -> str | None:
        if not (self.number and self.issuer and self.issued_date):
            return None
        parts = "|".join((self.doc_type, self.number, self.issuer, self.province, self.issued_date))
        return "n-" + hashlib.sha256(parts.encode("utf-8")).hexdigest()[:16]

    def unnumbered_group(self) -> tuple[str, ...] | None:
        if not (self.issuer and self.title and self.year):
            return None
        return (self.number, self.doc_type, self.issuer, self.province, self.title, self.year)


def comparable_text(text: str) -> str:
    """The text as the similarity rule compares it: folded, whitespace collapsed (line breaks and table
    tabs differ between formats of one plan)."""
    return " ".join(fold(text).split())


def similar(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b, score_cutoff=TEXT_SIMILARITY) >= TEXT_SIMILARITY


def plan_keys(facts: Iterable[PlanFacts], text_of: Callable[[str], str]) -> dict[str, str]:
    """Document id -> plan key for every document; `text_of(id)` gives a document's text, asked only for
    unnumbered documents that share a group with another."""
    keys: dict[str, str] = {}
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for fact in facts:
        numbered = fact.numbered_key()
        group = None if numbered else fact.unnumbered_group()
        keys[fact.id] = numbered or fact.id
        if group is not None:
            groups[group].append(fact.id)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        texts = {i: comparable_text(text_of(i)) for i in ids}
        clusters: list[list[str]] = []
        for i in sorted(ids):
            # Joins the first cluster whose first member it resembles (single link to the founder, so a
            # chain of drafts each a little different does not drift into one plan).
            home = next((c for c in clusters if similar(texts[c[0]], texts[i])), None)
            if home is None:
                clusters.append([i])
            else:
                home.append(i)
        for cluster in clusters:
            for i in cluster:
                keys[i] = cluster[0]
    return keys


__all__ = ["TEXT_SIMILARITY", "PlanFacts", "comparable_text", "plan_keys"]
