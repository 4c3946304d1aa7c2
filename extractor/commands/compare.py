"""`vnplan compare`: tables that compare extracted plans across provinces, years and issuers.

Reads extracted JSON documents and builds:
- documents: one row per plan;
- citations: what each group (province, year or issuer) rests on, the most cited documents, a matrix of
  cited document x province, the national versus local share, and documents cited with conflicting dates;
- tasks: tasks per quarter per plan (heat map), tasks without a time or a unit, the share led by each
  kind of unit, and task categories by the rule set in `extractor/data/task_categories.csv`;
- plan against plan: the same issuer's plans on the same subject, and the same kind of issuer across
  provinces: tasks and citations added, dropped and kept (fuzzy matching of task text).

The same plan extracted from several formats (plan.txt, plan.docx, plan.pdf) is counted once, with its
formats listed (the plan_key rule, plan_key.py); cited documents are counted by identity
(cited_identity.py). Every CSV row about a plan or a cited document carries its id (`document_id`:
the plan's output id, or the cited document's key) beside its label.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractor.base.normalize import fold
from extractor.commands.cited_identity import CitedDocument, CitedIndex
from models import Citation, PlanDocument, Task

GROUPINGS = ("province", "year", "issuer")
TASK_MATCH_THRESHOLD = 80  # token-set similarity (0-100) for "the same task" across two plans
TITLE_MATCH_THRESHOLD = 75  # token-sort similarity of titles without years: "the same subject"
_YEARISH = re.compile(r"\b(?:năm|giai đoạn|nhiệm kỳ)?\s*\d{4}(?:\s*-\s*\d{4})?\b")


@dataclass
class Plan:
    doc: PlanDocument
    formats: list[str] = field(default_factory=list)
    key: str = ""  # the plan_key of its outputs
    index: CitedIndex | None = None  # the cited documents of the whole set

    @property
    def id(self) -> str:
        """The id of the output that stands for the plan (the key of its rows in CSV)."""
        return self.doc.id

    @property
    def province(self) -> str:
        return self.doc.metadata.province or "(unknown)"

    @property
    def year(self) -> str:
        m = self.doc.metadata
        return str(m.plan_year or (m.issued_date or "")[:4] or "(unknown)")

    @property
    def issuer(self) -> str:
        return self.doc.metadata.issuer or "(unknown)"

    @property
    def label(self) -> str:
        m = self.doc.metadata
        return f"{self.province} {self.year} · {m.title or Path(self.doc.source.path).name}"

    def group(self, by: str) -> str:
        return {"province": self.province, "year": self.year, "issuer": self.issuer}[by]


# ------------------------------------------------------------------------------------------------ loading


def load_plans(folders: Iterable[str]) -> tuple[list[Plan], int, list[str]]:
    """Plans found under the folders (recursively), the formats of one plan folded by the plan_key rule
    (plan_key.py); also the count folded and the files that are not documents."""
    from extractor.commands.plan_key import PlanFacts, plan_keys

    docs: dict[str, PlanDocument] = {}
    errors: list[str] = []
    duplicates = 0
    for folder in folders:
        root = Path(folder)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*.json") if not p.is_symlink())
        for path in files:
            try:
                doc = PlanDocument.model_validate_json(path.read_bytes())
            except ValueError:
                errors.append(str(path))
                continue
            if doc.id in docs:  # the same file twice
                duplicates += 1
                continue
            docs[doc.id] = doc
    keys = plan_keys([PlanFacts.of(d) for d in docs.values()], lambda i: docs[i].text)
    by_key: dict[str, Plan] = {}
    for doc in sorted(docs.values(), key=lambda d: (_format_rank(d.source.format), d.source.path)):
        key = keys[doc.id]
        if key in by_key:
            duplicates += 1
            by_key[key].formats.append(doc.source.format)
            continue
        by_key[key] = Plan(doc, [doc.source.format], key)
    plans = sorted(by_key.values(), key=lambda p: (p.province, p.year, p.issuer, p.doc.source.path))
    index = CitedIndex()
    for plan in plans:
        index.add(plan.doc.citations, plan.doc.metadata.province)
    for plan in plans:
        plan.index = index
        plan.formats.sort()
    return plans, duplicates, errors


def _format_rank(fmt: str) -> int:
    """Which output of a plan stands for it: the formats whose text is most faithful first."""
    order = ("docx", "odt", "doc", "rtf", "html", "txt", "pdf", "image")
    return order.index(fmt) if fmt in order else len(order)


# ------------------------------------------------------------------------------------------------ citations


def _index(plan: Plan) -> CitedIndex:
    if plan.index is None:  # a plan built by hand (tests): its own citations only
        plan.index = CitedIndex()
        plan.index.add(plan.doc.citations, plan.doc.metadata.province)
    return plan.index


def distinct_citations(plan: Plan) -> dict[str, Citation]:
    """The plan's cited documents by identity (cited_identity.py): key -> its first mention."""
    index = _index(plan)
    found: dict[str, Citation] = {}
    for c in plan.doc.citations:
        key = index.key_of(c, plan.doc.metadata.province)
        if key and key not in found:
            found[key] = c
    return found


def cited(plan: Plan, key: str) -> CitedDocument:
    return _index(plan).document(key)


def citation_label(plan: Plan, key: str) -> str:
    return cited(plan, key).label


def document_level(plan: Plan, key: str) -> str:
    """national or local for a cited document, read from a mention of its own code (not an OCR slip)."""
    from extractor.base.textsim import code_key

    doc = cited(plan, key)
    own = next((m for m in doc.mentions if m.code and code_key(m.code) == doc.code), doc.mentions[0])
    return citation_level(own)


def citation_level(c: Citation) -> str:
    """national or local, from the issuer part of the code, else from the issuer's name."""
    from extractor.commands.audit import issuer_level

    level = issuer_level(c.code) if c.code else None
    if level:
        return "national" if level == "central" else "local"
    if c.doc_type == "Luật":
        return "national"
    issuer = fold(c.issuer)
    if not issuer:
        return "unknown"
    local_words = ("tỉnh", "thành phố", "huyện", "xã", "sở ", "ủy ban nhân dân", "hội đồng nhân dân")
    return "local" if any(w in issuer for w in local_words) else "national"


def citations_by_group(plans: list[Plan], by: str) -> list[dict]:
    rows: dict[tuple[str, str], dict] = {}
    for plan in plans:
        for key in distinct_citations(plan):
            doc = cited(plan, key)
            row = rows.setdefault(
                (plan.group(by), key),
                {by: plan.group(by), "document_id": key, "document": doc.label, "issuer": doc.issuer,
                 "date": doc.date, "plans": 0},
            )
            row["plans"] += 1
    return sorted(rows.values(), key=lambda r: (r[by], -r["plans"], r["document"]))


def most_cited(plans: list[Plan], top: int = 20) -> list[dict]:
    counts: Counter[str] = Counter()
    provinces: dict[str, set[str]] = defaultdict(set)
    owner: dict[str, Plan] = {}
    for plan in plans:
        for key in distinct_citations(plan):
            counts[key] += 1
            owner.setdefault(key, plan)
            provinces[key].add(plan.province)
    rows = []
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        doc = cited(owner[key], key)
        rows.append({"document_id": key, "document": doc.label, "issuer": doc.issuer, "plans": n,
                     "provinces": len(provinces[key]), "level": document_level(owner[key], key)})
    return rows


def citation_matrix(plans: list[Plan], top: int = 25) -> tuple[list[str], list[dict]]:
    """Rows: the most cited documents; columns: provinces; cells: plans citing it."""
    provinces = sorted({p.province for p in plans})
    cells: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for plan in plans:
        for key in distinct_citations(plan):
            cells[key][plan.province] += 1
            doc = cited(plan, key)
            # A local document's code repeats across provinces (every province has a 01/CT-UBND): name its place.
            labels.setdefault(key, doc.label + (f" · {plan.province}" if doc.place else ""))
    order = sorted(cells, key=lambda k: (-sum(cells[k].values()), labels[k]))[:top]
    rows = [{"document_id": k, "document": labels[k], **{p: cells[k].get(p, 0) for p in provinces}} for k in order]
    return provinces, rows


def national_local_share(plans: list[Plan], by: str) -> list[dict]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for plan in plans:
        for key in distinct_citations(plan):
            counts[plan.group(by)][document_level(plan, key)] += 1
    rows = []
    for group, counter in sorted(counts.items()):
        total = sum(counter.values()) or 1
        rows.append({by: group, "national": counter["national"], "local": counter["local"],
                     "unknown": counter["unknown"], "national_pct": round(100 * counter["national"] / total, 1)})
    return rows


def conflicting_citations(plans: list[Plan]) -> list[dict]:
    from extractor.commands.audit import check_corpus

    rows = []
    for finding in check_corpus([p.doc for p in plans]):
        rows.append({"document": Path(finding.document).name, "citation": finding.quote,
                     "severity": finding.severity, "message": finding.message})
    return rows


# ------------------------------------------------------------------------------------------------ tasks


def counted_tasks(plan: Plan) -> list[Task]:
    return plan.doc.tasks


def is_scheduled(task: Task) -> bool:
    """Whether the task carries any time at all (a quarter, month, deadline, range or recurrence)."""
    p = task.period
    return bool(p.quarters or p.months or p.deadlines or p.start or p.end or p.recurring)


def quarter_heatmap(plans: list[Plan]) -> list[dict]:
    rows = []
    for plan in plans:
        counter: Counter[str] = Counter()
        for task in counted_tasks(plan):
            quarters = set(task.period.quarters)
            for q in quarters:
                counter[f"Q{q}"] += 1
            if not quarters:
                counter["no quarter"] += 1
        rows.append({"document_id": plan.id, "plan": plan.label,
                     **{q: counter.get(q, 0) for q in ("Q1", "Q2", "Q3", "Q4", "no quarter")}})
    return rows


def tasks_missing_time_or_unit(plans: list[Plan]) -> list[dict]:
    rows = []
    for plan in plans:
        for task in counted_tasks(plan):
            missing = [name for name, ok in (("time", is_scheduled(task)), ("unit", bool(task.lead))) if not ok]
            if missing:
                rows.append({"document_id": plan.id, "plan": plan.label, "task_id": task.id, "task": task.text[:200],
                             "missing": " and ".join(missing)})
    return rows


def _kind_of(plan: Plan) -> dict[str, str]:
    kind_of: dict[str, str] = {fold(m.text): u.kind for u in plan.doc.units for m in u.mentions}
    kind_of.update({fold(u.name): u.kind for u in plan.doc.units})
    return kind_of


def lead_kind_share(plans: list[Plan]) -> list[dict]:
    """Share of tasks led by each kind of unit, in percent of all tasks: a task's lead units share it
    equally (two leads: half each), a task without a lead counts under "(none)", so the shares sum to 100."""
    counts: defaultdict[str, float] = defaultdict(float)
    for plan in plans:
        kind_of = _kind_of(plan)
        for task in counted_tasks(plan):
            for lead in task.lead:
                counts[kind_of.get(fold(lead), "other")] += 1 / len(task.lead)
            if not task.lead:
                counts["(none)"] += 1
    total = sum(counts.values()) or 1
    return [{"kind": k, "tasks": round(n, 2), "share_pct": round(100 * n / total, 1)}
            for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def units_by_kind(plans: list[Plan]) -> list[dict]:
    """Distinct units (by their matching key) of each kind across the plans, and in how many plans."""
    units: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for plan in plans:
        for unit in plan.doc.units:
            units[unit.kind][getattr(unit, "key", None) or fold(unit.canonical)].add(plan.key or plan.id)
    rows = [{"kind": kind, "units": len(keys), "mentions_in_plans": sum(len(p) for p in keys.values())}
            for kind, keys in units.items()]
    return sorted(rows, key=lambda r: (-r["units"], r["kind"]))


def quarters_by_province(plans: list[Plan]) -> list[dict]:
    """Tasks per quarter for each province (a task in two quarters counts in both)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for plan in plans:
        for task in counted_tasks(plan):
            for q in sorted(set(task.period.quarters)):
                counts[plan.province][f"Q{q}"] += 1
    return [{"province": p, **{f"Q{q}": counts[p][f"Q{q}"] for q in (1, 2, 3, 4)}} for p in sorted(counts)]


def load_categories() -> list[tuple[str, str, list[str]]]:
    from extractor.base.resources import read_csv

    return [(r["category"], r["label"], [fold(k) for k in r["keywords"].split("|")])
            for r in read_csv("task_categories.csv")]


def categorize(text: str, categories: list[tuple[str, str, list[str]]]) -> str:
    """The first category (in the rule file's order) with a keyword in the task text, else 'other'."""
    folded = fold(text)
    for _, label, keywords in categories:
        if any(k in folded for k in keywords):
            return label
    return "Khác (other)"


def task_categories(plans: list[Plan]) -> tuple[list[str], list[dict]]:
    categories = load_categories()
    labels = [label for _, label, _ in categories] + ["Khác (other)"]
    rows = []
    for plan in plans:
        counter = Counter(categorize(t.text, categories) for t in counted_tasks(plan))
        rows.append({"document_id": plan.id, "plan": plan.label, **{label: counter.get(label, 0) for label in labels}})
    return labels, rows


# ------------------------------------------------------------------------------------------------ plan vs plan


def match_tasks(a: list[Task], b: list[Task]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (i, j, similarity) of tasks whose texts are alike, best pairs first."""
    from rapidfuzz import fuzz, process

    if not a or not b:
        return []
    scores = process.cdist([fold(t.text) for t in a], [fold(t.text) for t in b], scorer=fuzz.token_set_ratio)
    candidates = sorted(
        ((float(scores[i][j]), i, j) for i in range(len(a)) for j in range(len(b))
         if scores[i][j] >= TASK_MATCH_THRESHOLD),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, score))
    return pairs


def diff_plans(old: Plan, new: Plan) -> dict:
    pairs = match_tasks(old.doc.tasks, new.doc.tasks)
    kept_old = {i for i, _, _ in pairs}
    kept_new = {j for _, j, _ in pairs}
    old_cites, new_cites = distinct_citations(old), distinct_citations(new)
    return {
        "old": old.label,
        "new": new.label,
        "tasks_kept": [new.doc.tasks[j].text for _, j, _ in pairs],
        "tasks_added": [t.text for j, t in enumerate(new.doc.tasks) if j not in kept_new],
        "tasks_dropped": [t.text for i, t in enumerate(old.doc.tasks) if i not in kept_old],
        "citations_kept": sorted(citation_label(new, k) for k in new_cites.keys() & old_cites.keys()),
        "citations_added": sorted(citation_label(new, k) for k in new_cites.keys() - old_cites.keys()),
        "citations_dropped": sorted(citation_label(old, k) for k in old_cites.keys() - new_cites.keys()),
    }


def _subject(plan: Plan) -> str:
    return _YEARISH.sub(" ", fold(plan.doc.metadata.title or "")).strip()


def issuer_without_place(issuer: str) -> str:
    """'Sở Lao động - Thương binh và Xã hội tỉnh Cao Bằng' -> the same kind of issuer in any province."""
    return re.split(r"\s(?:tỉnh|thành phố)\b", fold(issuer))[0].strip()


def comparisons(plans: list[Plan]) -> list[dict]:
    """Plan-against-plan diffs: the same issuer on the same subject, and one kind of issuer across provinces."""
    from rapidfuzz import fuzz

    out: list[dict] = []
    same_issuer: dict[str, list[Plan]] = defaultdict(list)
    same_kind: dict[str, list[Plan]] = defaultdict(list)
    for plan in plans:
        if plan.doc.metadata.issuer:
            same_issuer[fold(plan.issuer) + "|" + fold(plan.province)].append(plan)
            same_kind[issuer_without_place(plan.issuer)].append(plan)
    for group in same_issuer.values():
        ordered = sorted(group, key=lambda p: (p.year, p.doc.metadata.title or ""))
        for i, old in enumerate(ordered):
            for new in ordered[i + 1:]:
                if fuzz.token_sort_ratio(_subject(old), _subject(new)) >= TITLE_MATCH_THRESHOLD:
                    out.append({"kind": "same issuer", **diff_plans(old, new)})
    for kind, group in same_kind.items():
        if len({p.province for p in group}) < 2:
            continue
        ordered = sorted(group, key=lambda p: (p.year, p.province))
        for old, new in zip(ordered, ordered[1:], strict=False):
            if old.province != new.province:
                out.append({"kind": f"across provinces: {kind}", **diff_plans(old, new)})
    return out


# ------------------------------------------------------------------------------------------------ report


def documents_table(plans: list[Plan]) -> list[dict]:
    rows = []
    for plan in plans:
        m = plan.doc.metadata
        rows.append({
            "document_id": plan.id,
            "plan_key": plan.key or plan.id,
            "file": Path(plan.doc.source.path).name,
            "formats": ", ".join(sorted(set(plan.formats))),
            "outputs": len(plan.formats),
            "province": m.province or "",
            "province_2025": m.province_2025 or "",
            "issuer": m.issuer or "",
            "year": m.plan_year or "",
            "type": m.doc_type or "",
            "title": m.title or "",
            "sections": len(plan.doc.sections),
            "citations": len(distinct_citations(plan)),
            "tasks": len(plan.doc.tasks),
            "units": len(plan.doc.units),
        })
    return rows


def build_report(plans: list[Plan], by: str) -> dict:
    provinces, matrix = citation_matrix(plans)
    category_labels, categories = task_categories(plans)
    return {
        "by": by,
        "documents": documents_table(plans),
        "citations_by_group": citations_by_group(plans, by),
        "most_cited": most_cited(plans),
        "citation_matrix": {"columns": provinces, "rows": matrix},
        "national_local": national_local_share(plans, by),
        "conflicting_citations": conflicting_citations(plans),
        "quarter_heatmap": quarter_heatmap(plans),
        "tasks_missing": tasks_missing_time_or_unit(plans),
        "lead_kinds": lead_kind_share(plans),
        "units_by_kind": units_by_kind(plans),
        "quarters_by_province": quarters_by_province(plans),
        "task_categories": {"columns": category_labels, "rows": categories},
        "comparisons": comparisons(plans),
    }


def flat_tables(report: dict) -> dict[str, list[dict]]:
    """Every table of the report as rows, for CSV."""
    tables = {k: v for k, v in report.items() if isinstance(v, list) and k != "comparisons"}
    tables["citation_matrix"] = report["citation_matrix"]["rows"]
    tables["task_categories"] = report["task_categories"]["rows"]
    diff_rows = []
    for comp in report["comparisons"]:
        for what in ("tasks_kept", "tasks_added", "tasks_dropped", "citations_kept", "citations_added",
                     "citations_dropped"):
            for item in comp[what]:
                diff_rows.append({"comparison": comp["kind"], "old": comp["old"], "new": comp["new"],
                                  "change": what, "item": item})
    tables["plan_comparisons"] = diff_rows
    return tables


def write_csvs(report: dict, folder: Path) -> list[Path]:
    from extractor.base.csvtext import csv_text
    from extractor.base.output import write_atomic

    written = []
    for name, rows in flat_tables(report).items():
        columns = list(dict.fromkeys(k for row in rows for k in row)) or ["(empty)"]
        path = folder / f"{name}.csv"
        write_atomic(path, csv_text(columns, rows, bom=True))
        written.append(path)
    return written


def print_summary(report: dict, duplicates: int) -> None:
    docs = report["documents"]
    print(f"{len(docs)} plan(s) compared ({duplicates} other output(s) of the same plans folded)")
    for row in docs:
        print(f"  {row['province'] or '?':<22} {row['year']!s:<6} {row['issuer'][:45]:<46} "
              f"sections {row['sections']:>3}  citations {row['citations']:>3}  tasks {row['tasks']:>3}  "
              f"[{row['formats']}]")
    print("most cited documents:")
    for row in report["most_cited"][:10]:
        print(f"  {row['plans']:>3} plan(s)  {row['document']}  ({row['issuer']})")
    print("share of tasks led by each kind of unit:")
    for row in report["lead_kinds"]:
        print(f"  {row['share_pct']:>5.1f}%  {row['kind']}")
    for comp in report["comparisons"]:
        print(f"{comp['kind']}: {comp['old']}  ->  {comp['new']}: tasks +{len(comp['tasks_added'])} "
              f"-{len(comp['tasks_dropped'])} ={len(comp['tasks_kept'])}; citations +{len(comp['citations_added'])} "
              f"-{len(comp['citations_dropped'])} ={len(comp['citations_kept'])}")


def cmd_compare(args: argparse.Namespace) -> int:
    plans, duplicates, errors = load_plans(args.folders)
    for name in errors:
        print(f"vnplan: error: {name}: not a vnplan document", file=sys.stderr)
    if not plans:
        print("vnplan: error: no extracted documents found", file=sys.stderr)
        return 2
    report = build_report(plans, args.by)
    print_summary(report, duplicates)
    if args.csv:
        written = write_csvs(report, Path(args.csv))
        print(f"wrote {len(written)} CSV file(s) to {args.csv}")
    if args.html:
        from extractor.base.output import write_atomic
        from extractor.commands.compare_html import render_report

        write_atomic(Path(args.html), render_report(report))
        print(f"wrote {args.html}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare extracted plans across provinces, years and issuers")
    p.add_argument("folders", nargs="+", metavar="OUT_DIR", help="folders (or files) of extracted JSON")
    p.add_argument("--html", metavar="REPORT.html", help="write a self-contained HTML report")
    p.add_argument("--csv", metavar="DIR", help="write every table as a CSV file (UTF-8 with BOM)")
    p.add_argument("--by", choices=GROUPINGS, default="province", help="grouping of the citation tables")
    p.set_defaults(func=cmd_compare)
