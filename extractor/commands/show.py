"""`vnplan show FILE --html OUT.html`: one self-contained page of a document with its citations, dates,
units and tasks highlighted (spaCy displaCy span rendering), normalized citation fields on hover, and the
audit findings beside the text.

The spaCy `Doc` is built from the pipeline's own words and offsets (a blank Vocab, no Vietnamese
tokenizer, which would need pyvi). All document text is escaped, also inside the embedded JSON, and the
page carries a Content-Security-Policy that allows no scripts and no network.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from dataclasses import asdict
from pathlib import Path

from models import PlanDocument

LABEL_COLORS = {"CITATION": "#f4a261", "DATE": "#8ecae6", "UNIT": "#b7e4c7", "TASK": "#e9c46a"}
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def json_for_html(data: object) -> str:
    """JSON safe inside a <script type="application/json"> element: no '<', '>' or '&' survives raw."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _spans(doc: PlanDocument) -> list[tuple[int, int, str, str | None, str | None]]:
    """(start, end, label, kb id, hover text) for everything the page highlights."""
    from extractor.vocab.dates import find_dates

    spans: list[tuple[int, int, str, str | None, str | None]] = []
    for c in doc.citations:
        fields = {
            k: v
            for k, v in c.model_dump().items()
            if k in ("doc_type", "code", "date", "issuer", "subject", "role", "refers_to") and v
        }
        hover = "; ".join(f"{k}: {v}" for k, v in fields.items())
        spans.append((c.start, c.end, "CITATION", c.id, hover))
    for match in find_dates(doc.text):
        spans.append((match.start, match.end, "DATE", None, None))
    for unit in doc.units:
        for mention in unit.mentions:
            spans.append((mention.start, mention.end, "UNIT", None, f"{unit.canonical} ({unit.kind})"))
    for task in doc.tasks:
        spans.append((task.start, task.end, "TASK", task.id, None))
    return spans


def _render_line(line: str, offset: int, spans: list, vocab) -> tuple[str, dict[str, str]]:  # noqa: ANN001
    """displaCy markup for one line of the text, and the hover text per kb id used in it."""
    from spacy import displacy
    from spacy.tokens import Doc, Span

    words = [(m.start(), m.end()) for m in _WORD.finditer(line)]
    if not words:
        return "", {}
    spaces = [next_start > end for (_, end), (next_start, _) in zip(words, words[1:], strict=False)] + [False]
    sdoc = Doc(vocab, words=[line[s:e] for s, e in words], spaces=spaces)
    group = []
    hovers: dict[str, str] = {}
    end_of_line = offset + len(line)
    for start, end, label, kb_id, hover in spans:
        if end <= offset or start >= end_of_line:
            continue
        char_span = sdoc.char_span(
            max(start, offset) - offset, min(end, end_of_line) - offset, label=label, alignment_mode="expand"
        )
        if char_span is None:
            continue
        # displaCy writes kb ids into a link unescaped: only ids of the pipeline's own shape get a link
        # (a hand-edited JSON input could carry markup in an id).
        kb_id = kb_id if kb_id and _SAFE_ID.fullmatch(kb_id) else None
        span = Span(sdoc, char_span.start, char_span.end, label=label, kb_id=kb_id or "")
        group.append(span)
        if kb_id and hover:
            hovers[kb_id] = hover
    if not group:  # displaCy warns on a line without spans; plain escaped text is all it needs
        return f'<div class="spans">{html.escape(line)}</div>', {}
    sdoc.spans["sc"] = group
    markup = displacy.render(
        sdoc,
        style="span",
        options={"colors": LABEL_COLORS, "kb_url_template": "#{}"},
        jupyter=False,
    )
    return markup, hovers


def _add_hover(markup: str, hovers: dict[str, str]) -> str:
    """Give each citation's kb link a title attribute with its normalized fields (escaped)."""
    for kb_id, hover in hovers.items():
        anchor = f'href="#{kb_id}"'
        markup = markup.replace(anchor, f'{anchor} title="{html.escape(hover, quote=True)}"')
    return markup


def render_page(doc: PlanDocument, findings: list) -> str:  # noqa: ANN001 - audit.Finding
    from spacy.vocab import Vocab

    vocab = Vocab()
    spans = _spans(doc)
    body_parts = []
    offset = 0
    for line in doc.text.split("\n"):
        markup, hovers = _render_line(line, offset, spans, vocab)
        body_parts.append(_add_hover(markup, hovers) if markup else "")
        offset += len(line) + 1
    meta = doc.metadata.model_dump()
    signer = meta.pop("signer") or {}
    meta.update({f"signer_{k}": v for k, v in signer.items()})
    meta_rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in meta.items() if v is not None
    )
    citation_rows = "".join(
        f'<li id="{html.escape(c.id)}"><b>{html.escape(c.code or c.doc_type or "")}</b> '
        f"{html.escape(c.doc_type or '')} {html.escape(c.date or '')} — {html.escape(c.issuer or '')}"
        f"{' → ' + html.escape(c.refers_to) if c.refers_to else ''}</li>"
        for c in doc.citations
    )
    finding_rows = "".join(
        f'<li class="{html.escape(f.severity)}"><b>{html.escape(f.rule)}</b> '
        f"({html.escape(f.severity)}, offset {f.start}): {html.escape(f.message)}<br><q>{html.escape(f.quote)}</q></li>"
        for f in findings
    )
    title = html.escape(doc.metadata.title or Path(doc.source.path).name)
    embedded = json_for_html(
        {
            "source": doc.source.model_dump(),
            "citations": [c.model_dump() for c in doc.citations],
            "findings": [asdict(f) for f in findings],
        }
    )
    lines = "\n".join(f'<div class="line">{part}</div>' for part in body_parts if part)
    legend = "".join(
        f'<span class="key" style="background:{color}">{label}</span>' for label, color in LABEL_COLORS.items()
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:0;display:grid;
grid-template-columns:minmax(0,3fr) minmax(0,1.2fr);gap:1rem}}
main{{padding:1rem 1.5rem}} aside{{padding:1rem;background:#f7f7f7;border-left:1px solid #ddd;font-size:.9em}}
.line .spans{{line-height:2.2!important;padding:0!important}} table{{border-collapse:collapse;font-size:.9em}}
th{{text-align:left;padding-right:1em;color:#555}} .key{{padding:2px 6px;margin-right:4px;border-radius:3px}}
li.error{{color:#9b2226}} li.warning{{color:#7f5539}} li:target{{background:#ffe8a3}}
</style></head><body>
<main><h1>{title}</h1><p>{legend}</p><table>{meta_rows}</table><hr>{lines}</main>
<aside><h2>Citations ({len(doc.citations)})</h2><ol>{citation_rows}</ol>
<h2>Audit findings ({len(findings)})</h2><ul>{finding_rows}</ul></aside>
<script type="application/json" id="vnplan-data">{embedded}</script>
</body></html>
"""


def cmd_show(args: argparse.Namespace) -> int:
    from extractor.base.output import write_atomic
    from extractor.commands.audit import check_document, load_documents, load_registry

    docs, errors = load_documents([args.file])
    if errors or not docs:
        return 2
    doc = docs[0]
    page = render_page(doc, check_document(doc, load_registry()))
    write_atomic(Path(args.html), page)
    print(f"wrote {args.html}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="write an HTML page of a document with its extractions highlighted")
    p.add_argument("file", metavar="FILE", help="a document or an extracted .json")
    p.add_argument("--html", required=True, metavar="OUT.html", help="where to write the page")
    p.set_defaults(func=cmd_show)
