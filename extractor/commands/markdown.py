"""A document as Markdown (`vnplan extract --to md`): metadata, the section tree, tasks as a table,
citations as a list, for reading in a terminal, a notebook or a pull request."""

from __future__ import annotations

from models import Citation, PlanDocument, Section, Task, flat_metadata

_METADATA_LABELS = {
    "doc_type": "type",
    "code": "number and symbol",
    "issuer": "issuer",
    "parent_issuer": "parent issuer",
    "province": "province",
    "province_2025": "province (after 1 July 2025)",
    "place": "place",
    "issued_date": "issued",
    "plan_year": "plan year",
    "signer_on_behalf": "signed for",
    "signer_title": "signer's title",
    "signer_name": "signer",
}


def _cell(value: object) -> str:
    """A table cell: one line, with the characters that would end the cell escaped."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _line(value: object) -> str:
    return " ".join(str(value).split())


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _period(task: Task) -> str:
    period = task.period
    if period.text:
        return period.text
    parts = [f"Q{q}" for q in period.quarters] + [f"month {m}" for m in period.months] + list(period.deadlines)
    return ", ".join(parts)


def _section_tree(sections: list[Section]) -> list[str]:
    depth: dict[str, int] = {}
    lines = []
    for section in sections:
        level = depth[section.parent] + 1 if section.parent in depth else 0
        depth[section.id] = level
        lines.append(f"{'  ' * level}- {_line(section.number)}. {_line(section.title)}")
    return lines


def _citation(citation: Citation, by_id: dict[str, Citation]) -> str:
    facts = [citation.doc_type, citation.code or citation.number or (citation.year and str(citation.year)),
             citation.date and f"dated {citation.date}"]
    if citation.issuer:
        facts.append(citation.issuer)
    if citation.refers_to and citation.refers_to in by_id:
        facts.append(f"refers to “{_line(by_id[citation.refers_to].text)}”")
    shown = "; ".join(_line(fact) for fact in facts if fact)
    return f"- “{_line(citation.text)}” ({citation.role}){': ' + shown if shown else ''}"


def to_markdown(doc: PlanDocument) -> str:
    meta = doc.metadata
    heading = " ".join(part for part in (meta.doc_type, meta.title) if part) or doc.source.path
    out = [f"# {_line(heading)}", "", f"Source: `{_line(doc.source.path)}` ({doc.source.format}), id `{doc.id}`", ""]

    flat = flat_metadata(meta.model_dump())
    rows = [[label, str(flat[name])] for name, label in _METADATA_LABELS.items() if flat.get(name) not in (None, "")]
    out += ["## Metadata", "", *_table(["field", "value"], rows), ""]

    quality = doc.quality
    review = "needs review" if quality.needs_review else "no review needed"
    notes = [f"{quality.ocr_text_share:.0%} of the text from OCR"]
    if quality.draft:
        notes.append("a draft")
    if quality.pages_repaired:
        notes.append("pages repaired: " + ", ".join(map(str, quality.pages_repaired)))
    out += [f"Quality: {review} ({'; '.join(notes)}).", ""]

    out += [f"## Sections ({len(doc.sections)})", ""]
    out += (_section_tree(doc.sections) or ["(none found)"]) + [""]

    titles = {section.id: f"{section.number}. {section.title}" for section in doc.sections}
    out += [f"## Tasks ({len(doc.tasks)})", ""]
    if doc.tasks:
        task_rows = [
            [str(n), task.text, titles.get(task.section or "", ""), _period(task),
             "; ".join(task.lead), "; ".join(task.coordinating)]
            for n, task in enumerate(doc.tasks, start=1)
        ]
        out += _table(["#", "task", "section", "period", "lead", "coordinating"], task_rows)
    else:
        out.append("(none found)")
    out.append("")

    by_id = {citation.id: citation for citation in doc.citations}
    out += [f"## Citations ({len(doc.citations)})", ""]
    out += [_citation(citation, by_id) for citation in doc.citations] or ["(none found)"]
    if doc.recipients:
        out += ["", f"## Recipients ({len(doc.recipients)})", ""]
        out += [f"- {_line(recipient)}" for recipient in doc.recipients]
    return "\n".join(out) + "\n"
