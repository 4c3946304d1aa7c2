"""`vnplan show FILE --html OUT.html`: the auditor's page of one document, one self-contained file.

- the document's own text, verbatim: written from `text` by character offsets, never re-tokenized
  (show_text.py), tables drawn as tables, headings where sections start;
- citations, units, dates and tasks highlighted; each citation links to its entry in a sticky side list
  that groups the mentions of one document (short references by `refers_to`, the rest by the audit's
  document identity) with the audit findings beside it;
- each task a card with its text, period, lead and coordinating units, linked to and from the text;
- for PDFs and scans, each page's image beside its text (show_images.py), unless `--no-images`.

All document text is escaped (Jinja2 autoescape; the embedded JSON escapes '<', '>' and '&' too), and the
page carries a Content-Security-Policy that allows no script and no network: it works offline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.commands.show_text import Block, Highlight, Paragraph, TextRenderer, blocks_of, by_page
from models import Citation, PlanDocument, Section, Task

if TYPE_CHECKING:
    from extractor.commands.audit import Finding

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
TEMPLATE = "show.html.j2"


def json_for_html(data: object) -> str:
    """JSON safe inside a <script type="application/json"> element: no '<', '>' or '&' survives raw."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# ---------------------------------------------------------------------------------------------- citations


@dataclass(slots=True)
class Mention:
    anchor: str
    number: int
    """Its place among the mentions of its document."""
    where: str


@dataclass(slots=True)
class Wording:
    """One verbatim wording of a cited document, and where in the text it is written so."""

    text: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class CitationGroup:
    anchor: str
    label: str
    fields: list[str]
    wordings: list[Wording] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


def _root(c: Citation, by_id: dict[str, Citation]) -> Citation:
    """The citation a chain of short references ends at."""
    seen = {c.id}
    while c.refers_to and c.refers_to in by_id and c.refers_to not in seen:
        c = by_id[c.refers_to]
        seen.add(c.id)
    return c


def _identity(c: Citation, province: str | None) -> str:
    """Which document a (root) citation names: the audit's identity for a coded citation (code, plus the
    place for local issuers); a law or document cited by name alone by its words, so two different laws
    of one year stay apart."""
    from extractor.base.normalize import fold
    from extractor.commands.audit import document_identity

    identity = document_identity(c, province) if c.code else None
    return identity or "name|" + fold(" ".join(c.text.split()))


def _fields(c: Citation) -> list[str]:
    role = "basis (Căn cứ)" if c.role == "basis" else None
    return [v for v in (c.date, c.issuer, c.subject, role) if v]


def group_citations(doc: PlanDocument, findings: list[Finding]) -> tuple[list[CitationGroup], list[Finding]]:
    """Citation groups in order of first mention, each with its findings; findings tied to no citation."""
    by_id = {c.id: c for c in doc.citations}
    paths = section_paths(doc)
    groups: dict[str, CitationGroup] = {}
    for index, c in enumerate(doc.citations):
        root = _root(c, by_id)
        key = _identity(root, doc.metadata.province)
        group = groups.get(key)
        if group is None:
            label = f"{root.doc_type} {root.code}" if root.doc_type and root.code else root.code or root.text
            group = groups[key] = CitationGroup(f"doc-{len(groups) + 1}", label, _fields(root))
        path = paths.get(c.section or "")
        where = ", ".join(w for w in (f"section {path}" if path else "",
                                      "short reference" if c.refers_to else "") if w)
        wording = next((w for w in group.wordings if w.text == c.text), None)
        if wording is None:
            wording = Wording(c.text)
            group.wordings.append(wording)
        wording.mentions.append(Mention(citation_anchor(index), len(group.ids) + 1, where))
        group.ids.add(c.id)
    owner = {cid: g for g in groups.values() for cid in g.ids}
    other: list[Finding] = []
    for f in findings:
        target = owner.get(f.citation or "")
        if target is None:
            other.append(f)
        elif f not in target.findings:
            target.findings.append(f)
    return list(groups.values()), other


def section_paths(doc: PlanDocument) -> dict[str, str]:
    """Section id -> its number with its ancestors' ("II.1.a"): "a" alone names many sections."""
    by_id = {s.id: s for s in doc.sections}
    paths: dict[str, str] = {}
    for section in doc.sections:
        numbers: list[str] = []
        seen: set[str] = set()
        current: Section | None = section
        while current is not None and current.id not in seen:
            seen.add(current.id)
            numbers.append(current.number)
            current = by_id.get(current.parent or "")
        paths[section.id] = ".".join(reversed(numbers))
    return paths


def citation_anchor(index: int) -> str:
    return f"cit-{index + 1}"


# ---------------------------------------------------------------------------------------------- tasks


@dataclass(slots=True)
class TaskCard:
    anchor: str
    text_anchor: str
    label: str
    origin: str
    section: str
    text: str
    period: list[str]
    lead: list[str]
    coordinating: list[str]


def period_chips(task: Task) -> list[str]:
    p = task.period
    chips = [f"Q{q}" for q in p.quarters] + [f"month {m}" for m in p.months] + [f"by {d}" for d in p.deadlines]
    if p.start or p.end:
        chips.append(f"{p.start or '…'} – {p.end or '…'}")
    if p.recurring:
        chips.append(p.recurring)
    if p.text and p.text not in chips:
        chips.append(f"“{p.text}”")
    return chips


def task_cards(doc: PlanDocument) -> list[TaskCard]:
    sections = {s.id: s for s in doc.sections}
    paths = section_paths(doc)
    cards = []
    for index, task in enumerate(doc.tasks):
        section = sections.get(task.section or "")
        cards.append(
            TaskCard(
                anchor=f"card-{index + 1}",
                text_anchor=task_anchor(index),
                label=f"T{index + 1}" + (f" ({task.id})" if task.id != f"t{index + 1}" else ""),
                origin=task.origin,
                section=f"{paths[section.id]}. {section.title}" if section else "",
                text=task.text,
                period=period_chips(task),
                lead=list(task.lead),
                coordinating=list(task.coordinating),
            )
        )
    return cards


def task_anchor(index: int) -> str:
    return f"task-{index + 1}"


# ---------------------------------------------------------------------------------------------- text


def highlights(doc: PlanDocument, groups: list[CitationGroup]) -> list[Highlight]:
    from extractor.vocab.dates import find_dates

    group_of = {m.anchor: g.anchor for g in groups for w in g.wordings for m in w.mentions}
    found: list[Highlight] = []
    for index, c in enumerate(doc.citations):
        anchor = citation_anchor(index)
        hover = "; ".join(
            f"{k}: {v}" for k, v in c.model_dump().items()
            if k in ("doc_type", "code", "date", "issuer", "subject", "role", "refers_to") and v
        )
        found.append(Highlight(c.start, c.end, "citation", anchor, href=f"#{group_of[anchor]}", title=hover))
    for index, task in enumerate(doc.tasks):
        found.append(Highlight(task.start, task.end, "task", task_anchor(index), badge=f"T{index + 1}",
                               badge_href=f"#card-{index + 1}"))
    for u_index, unit in enumerate(doc.units):
        for m_index, mention in enumerate(unit.mentions):
            found.append(Highlight(mention.start, mention.end, "unit", f"unit-{u_index + 1}-{m_index + 1}",
                                   title=f"{unit.canonical} ({unit.kind})", css=f"kind-{unit.kind}"))
    for index, match in enumerate(find_dates(doc.text)):
        iso = "-".join(f"{v:02d}" for v in (match.year, match.month, match.day) if v is not None)
        found.append(Highlight(match.start, match.end, "date", f"date-{index + 1}", title=iso))
    return found


@dataclass(slots=True)
class PageView:
    number: int | None
    image: str | None
    blocks: list[object]


def _block_view(block: Block, renderer: TextRenderer) -> object:
    from markupsafe import Markup

    if isinstance(block, Paragraph):
        return {"html": Markup(renderer.render(block.start, block.end)), "heading": block.heading, "rows": None}
    return {"rows": [[Markup(renderer.render(a, b)) for a, b in row] for row in block.rows],
            "continued": block.continued}


# ---------------------------------------------------------------------------------------------- page


def _meta_rows(doc: PlanDocument) -> list[tuple[str, str]]:
    m = doc.metadata
    signer = " ".join(v for v in (m.signer.on_behalf, m.signer.title, m.signer.name) if v)
    rows = [
        ("type", m.doc_type), ("number", m.code), ("issuer", m.issuer), ("parent issuer", m.parent_issuer),
        ("province", m.province), ("issued", m.issued_date), ("plan year", m.plan_year), ("signer", signer),
        ("source", f"{Path(doc.source.path).name} ({doc.source.format}"
                   f"{', OCR' if doc.source.ocr else ''}{f', {doc.source.pages} pages' if doc.source.pages else ''})"),
    ]
    return [(name, str(value)) for name, value in rows if value]


def render_page(doc: PlanDocument, findings: list[Finding], images: dict[int, str] | None = None,
                image_note: str | None = None) -> str:
    """The page's HTML. `images`: page number -> data URI of its image (PDFs and scans)."""
    import jinja2
    from markupsafe import Markup

    from extractor.base.resources import data_path

    groups, other = group_citations(doc, findings)
    renderer = TextRenderer(doc.text, highlights(doc, groups))
    images = images or {}
    pages = [
        PageView(number, images.get(number) if number else None, [_block_view(b, renderer) for b in blocks])
        for number, blocks in by_page(doc, blocks_of(doc))
    ]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(data_path(TEMPLATE).read_text(encoding="utf-8"))
    embedded = json_for_html(
        {
            "source": doc.source.model_dump(),
            "citations": [c.model_dump() for c in doc.citations],
            "findings": [asdict(f) for f in findings],
        }
    )
    return template.render(
        csp=Markup(CSP),  # our constant: its quotes stay quotes
        title=doc.metadata.title or Path(doc.source.path).name,
        meta=_meta_rows(doc),
        image_note=image_note,
        pages=pages,
        cards=task_cards(doc),
        groups=groups,
        citation_count=len(doc.citations),
        other_findings=other,
        warnings=doc.warnings,
        embedded=Markup(embedded),
    )


# ---------------------------------------------------------------------------------------------- command


def _source_file(doc: PlanDocument, given: str | None, input_path: Path) -> tuple[Path | None, str | None]:
    """The original file whose pages to draw, or None and why not. For an extracted .json it is
    `--source` or the path the JSON names, and only when its bytes are the ones extracted."""
    if input_path.suffix.lower() != ".json":
        return input_path, None
    candidate = Path(given) if given else Path(doc.source.path)
    if not candidate.is_file():
        return None, f"page images left out: {candidate} not found (give the original with --source FILE)"
    digest = hashlib.sha256(candidate.read_bytes()).hexdigest()
    if digest != doc.source.sha256:
        return None, f"page images left out: {candidate} is not the file this JSON was extracted from"
    return candidate, None


def cmd_show(args: argparse.Namespace) -> int:
    from extractor.base.errors import VnplanError, fail
    from extractor.base.output import write_atomic
    from extractor.commands.audit import check_corpus, check_document, load_documents, load_registry
    from extractor.commands.show_images import page_images

    docs, errors = load_documents([args.file])
    if errors or not docs:
        return 2
    doc = docs[0]
    findings = check_document(doc, load_registry()) + check_corpus([doc])
    images: dict[int, str] = {}
    note = None
    if doc.source.format in ("pdf", "image"):
        if args.no_images:
            note = "page images left out (--no-images)"
        else:
            source, note = _source_file(doc, args.source, Path(args.file))
            if source is not None:
                try:
                    images = page_images(source, doc.source.format, dpi=args.image_dpi)
                except VnplanError as exc:
                    fail(source, exc.cause)
                    return 2
    write_atomic(Path(args.html), render_page(doc, findings, images, note))
    print(f"wrote {args.html}")
    return 0


def _dpi(value: str) -> int:
    try:
        dpi = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 20 <= dpi <= 300:
        raise argparse.ArgumentTypeError("must be between 20 and 300")
    return dpi


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="write an HTML page of a document with its extractions highlighted")
    p.add_argument("file", metavar="FILE", help="a document or an extracted .json")
    p.add_argument("--html", required=True, metavar="OUT.html", help="where to write the page")
    p.add_argument("--no-images", action="store_true", help="leave out the page images of PDFs and scans")
    p.add_argument("--image-dpi", type=_dpi, default=100, metavar="DPI",
                   help="resolution of the page images (default 100; JPEG quality 60)")
    p.add_argument("--source", metavar="FILE",
                   help="for an extracted .json: the original file, when it is not at the path the JSON names")
    p.set_defaults(func=cmd_show)
