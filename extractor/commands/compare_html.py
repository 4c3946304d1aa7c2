"""The comparison report as one self-contained HTML page.

No network is needed to open it: styles and the small table-sorting script are embedded, charts are
inline SVG or coloured table cells. All document text is escaped, and a Content-Security-Policy allows
only the embedded script (by its hash) and inline styles.
"""

from __future__ import annotations

import base64
import hashlib
import html

SORT_SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'vi');
        return asc ? r : -r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.body.setAttribute('data-ready', 'yes');
"""

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;
color:#222} h1{margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #eee;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.85em;margin:.5rem 0} th,td{border:1px solid #ddd;padding:3px 7px;
vertical-align:top} th{background:#f3f5f7;cursor:pointer;position:sticky;top:0} th[aria-sort]::after{
content:' \\2195'} td.n{text-align:right;font-variant-numeric:tabular-nums} .heat td.n{min-width:3em;
text-align:center} .muted{color:#777} .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));
gap:1rem} .card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem} .card h3{font-size:1em;margin:.2rem 0}
.add{color:#1b7f3b} .drop{color:#b3261e} .keep{color:#555} details{margin:.3rem 0} .scroll{overflow-x:auto}
"""


def _hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def csp() -> str:
    return (
        f"default-src 'none'; script-src '{_hash(SORT_SCRIPT)}'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def table(rows: list[dict], columns: list[str] | None = None, caption: str = "", heat: bool = False) -> str:
    if not rows:
        return f'<p class="muted">{esc(caption)} none.</p>' if caption else '<p class="muted">none</p>'
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    numbers = [v for row in rows for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    top = max(numbers, default=0) or 1
    head = "".join(f"<th>{esc(c.removesuffix('_pct') + ' %' if c.endswith('_pct') else c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c, "")
            if isinstance(v, int | float) and not isinstance(v, bool):
                shown = f"{v:.1f}%" if c.endswith("_pct") else v
                style = ""
                if heat and v:
                    alpha = 0.15 + 0.85 * (v / top)
                    style = f' style="background:rgba(214,96,77,{alpha:.2f})"'
                cells.append(f'<td class="n" data-v="{v}"{style}>{esc(shown)}</td>')
            else:
                cells.append(f"<td>{esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cls = "sortable heat" if heat else "sortable"
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}' \
           f"</tbody></table></div>"


def bar_chart(rows: list[dict], label: str, value: str, title: str, percent: bool = False) -> str:
    """A horizontal bar chart as inline SVG; `percent` prints the values with a % sign."""
    if not rows:
        return ""
    width, bar_h, left = 760, 22, 330
    top = max(float(r[value]) for r in rows) or 1.0
    parts = [f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" '
             f'height="{bar_h * len(rows) + 10}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>']
    for i, r in enumerate(rows):
        w = (width - left - 70) * float(r[value]) / top
        y = i * bar_h + 5
        name = str(r[label])
        short = name if len(name) <= 52 else name[:51] + "…"
        shown = f"{float(r[value]):.1f}%" if percent else str(r[value])
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12"><title>{esc(name)}</title>'
                     f"{esc(short)}</text>")
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 6}" fill="#4c78a8"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="11">{esc(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


QUARTER_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#e45756")


def quarter_chart(rows: list[dict], title: str) -> str:
    """Tasks per quarter per province: a group of four vertical bars for each province, as inline SVG."""
    if not rows:
        return '<p class="muted">No task has a quarter.</p>'
    group_w, bar_w, plot_h, base = 150, 26, 180, 210
    width = max(420, group_w * len(rows) + 60)
    top = max((r[f"Q{q}"] for r in rows for q in (1, 2, 3, 4)), default=0) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" height="{base + 60}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>']
    for q, colour in enumerate(QUARTER_COLOURS, 1):
        parts.append(f'<rect x="{40 + (q - 1) * 70}" y="4" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{56 + (q - 1) * 70}" y="15" font-size="12">Q{q}</text>')
    parts.append(f'<line x1="30" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>')
    for i, r in enumerate(rows):
        x0 = 40 + i * group_w
        for q, colour in enumerate(QUARTER_COLOURS, 1):
            n = r[f"Q{q}"]
            h = plot_h * n / top
            x = x0 + (q - 1) * (bar_w + 4)
            parts.append(f'<rect x="{x}" y="{base - h:.1f}" width="{bar_w}" height="{h:.1f}" fill="{colour}">'
                         f"<title>{esc(r['province'])} Q{q}: {n}</title></rect>")
            parts.append(f'<text x="{x + bar_w / 2}" y="{base - h - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x0 + 2 * (bar_w + 4) - 2}" y="{base + 16}" font-size="12" text-anchor="middle">'
                     f"{esc(r['province'])}</text>")
    parts.append("</svg>")
    return "".join(parts)


def comparison_cards(comparisons: list[dict]) -> str:
    if not comparisons:
        return '<p class="muted">No two plans of the same issuer or kind of issuer to compare.</p>'
    def items(comp: dict, key: str, css: str) -> str:
        values = comp[key]
        lis = "".join(f"<li>{esc(v)}</li>" for v in values)
        name = key.replace("_", " ")
        return f'<details><summary class="{css}">{esc(name)}: {len(values)}</summary><ul>{lis}</ul></details>'

    cards = []
    for comp in comparisons:
        cards.append(
            f'<div class="card"><h3>{esc(comp["kind"])}</h3><p>{esc(comp["old"])}<br>→ {esc(comp["new"])}</p>'
            + "".join(items(comp, f"{what}_{change}", css) for what in ("tasks", "citations")
                      for change, css in (("added", "add"), ("dropped", "drop"), ("kept", "keep")))
            + "</div>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def render_report(report: dict) -> str:
    by = report["by"]
    matrix = report["citation_matrix"]
    categories = report["task_categories"]
    sections = [
        ("Tasks per quarter per province",
         quarter_chart(report["quarters_by_province"], "tasks per quarter per province")),
        ("Most cited documents",
         bar_chart(report["most_cited"][:12], "document", "plans", "most cited documents (plans citing each)")
         + table(report["most_cited"])),
        ("Share of tasks led by each kind of unit (a task's lead units share it equally)",
         bar_chart(report["lead_kinds"], "kind", "share_pct", "percent of tasks per lead kind", percent=True)
         + table(report["lead_kinds"])),
        ("Units by kind",
         bar_chart(report["units_by_kind"], "kind", "units", "distinct units per kind")
         + table(report["units_by_kind"])),
        ("Documents (one row per plan, its formats listed)", table(report["documents"])),
        ("Tasks per quarter per plan (heat map)", table(report["quarter_heatmap"], heat=True)),
        ("Cited documents × province", table(matrix["rows"], ["document", *matrix["columns"]], heat=True)),
        ("Plan against plan", comparison_cards(report["comparisons"])),
        (f"National versus local citations by {by}",
         bar_chart(report["national_local"], by, "national_pct", "percent national", percent=True)
         + table(report["national_local"])),
        ("Task categories (rule set: extractor/data/task_categories.csv)",
         table(categories["rows"], ["plan", *categories["columns"]], heat=True)),
        (f"What each {by} rests on", table(report["citations_by_group"])),
        ("Documents cited with conflicting dates or issuers", table(report["conflicting_citations"])),
        ("Tasks without a time or a responsible unit", table(report["tasks_missing"])),
    ]
    body = "".join(f"<section><h2>{esc(title)}</h2>{content}</section>" for title, content in sections)
    n = len(report["documents"])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vnplan comparison of {n} plans</title><style>{STYLE}</style></head>
<body><h1>vnplan: comparison of {n} plans</h1>
<p class="muted">Click a column header to sort. A plan published in several formats counts once (its
formats are listed); cited documents are counted by identity; shares are percentages of tasks.</p>
{body}
<script>{SORT_SCRIPT}</script></body></html>
"""
