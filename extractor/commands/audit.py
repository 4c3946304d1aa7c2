"""`vnplan audit`: check citations the way a careful auditor would.

Rules (each finding names its rule and severity):
- type-mismatch: the type word written before the code disagrees with the code's type part
  ("Chỉ thị số 12/QĐ-UBND");
- year-mismatch: the year inside a legal-normative code differs from the year of its date;
- impossible-date: a date that cannot exist (31/02/2020);
- date-after-plan: a cited document dated after the citing plan's own date;
- malformed-code: a Party code in the state form (60/NQ-TW) or a state code in the Party form (17-NQ/CP);
- unknown-issuer: an issuer part that matches no issuer code but is one edit away from a central one
  (TT-BKHDDT for TT-BKHĐT); case and Đ/D variants (TTG, BKHDT) are the same code, not a misspelling;
- missing-year: a legal-normative document (Nghị định, Thông tư, ...) cited without the year in its code;
- inconsistent-citation: the same document cited with different dates in one plan or across the inputs
  (or, where the code's issuer part names no known issuer, with different issuers);
- not-in-force: a document no longer in force on the plan's date, from a registry CSV (the packaged
  one, or `--registry FILE`); unverified registry rows give warnings, verified rows errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from rapidfuzz.distance import Levenshtein

from extractor.base.errors import VnplanError, printable
from extractor.base.normalize import fold
from models import Citation, PlanDocument

Severity = Literal["error", "warning"]

# Types whose documents are always legal-normative, so their codes must carry a year.
LEGAL_NORMATIVE_TYPES = frozenset({"Nghị định", "Thông tư", "Thông tư liên tịch", "Pháp lệnh"})


@dataclass(frozen=True, slots=True)
class Finding:
    document: str
    rule: str
    severity: Severity
    message: str
    quote: str
    start: int | None = None
    end: int | None = None
    citation: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryRow:
    code: str | None
    doc_type: str
    name: str
    year: int | None
    title: str
    no_longer_in_force_from: str
    replaced_by: str
    verified: bool
    source: str


# ---------------------------------------------------------------------------------------------- codes


_STATE_CODE = re.compile(r"^(?P<num>[\d.]+)/(?:(?P<year>\d{4})/)?(?P<symbol>.+)$")
_PARTY_CODE = re.compile(r"^(?P<num>[\d.]+)-(?P<symbol>.+)$")


def code_parts(code: str) -> tuple[str, str | None, str | None] | None:
    """(form, type part, issuer part) of a code: form "state" for n/TYPE-ISSUER, "party" for n-TYPE/ISSUER.
    A state symbol without a type part is the issuer alone: laws and resolutions of the National Assembly
    are numbered n/year/QH + its term ("06/2022/QH15")."""
    state = _STATE_CODE.match(code)
    if state:
        symbol = state.group("symbol")
        if "/" in symbol:  # "12-NQ/TW" never matches here; "01/CT/UBND" is malformed either way
            return "state", symbol.split("/")[0], symbol.split("/")[-1]
        if "-" not in symbol:
            return "state", None, symbol
        type_part, _, issuer = symbol.partition("-")
        return "state", type_part, issuer or None
    party = _PARTY_CODE.match(code)
    if party:
        type_part, _, issuer = party.group("symbol").partition("/")
        return "party", type_part, issuer or None
    return None


def _code_tables() -> tuple[dict[str, set[str]], dict[str, str]]:
    """Type part -> document types it may stand for; issuer code -> family (state | party).

    Both come from the packaged data files the citation stage uses (doc_types.csv, issuer_codes.csv).
    """
    from extractor.base.resources import read_csv

    types: dict[str, set[str]] = defaultdict(set)
    for row in read_csv("doc_types.csv"):
        types[row["code"]].add(row["name"])
    # Rows without a code (Bộ Chính trị, Ban Bí thư: their documents are numbered …/TW) name no issuer part.
    families = {row["code"]: row["family"] for row in read_csv("issuer_codes.csv") if row["code"] and row["family"]}
    return dict(types), families


def code_key(code: str) -> str:
    """Comparison key of an issuer code: case and Đ/D folded (TTG is TTg, BKHDT is BKHĐT)."""
    return code.replace("Đ", "D").replace("đ", "d").casefold()


def near_central_code(issuer: str, families: dict[str, str], levels: dict[str, str]) -> str | None:
    """The central issuer code one edit away from `issuer` when `issuer` itself matches no code.

    Only codes whose misspelling cannot be another real body's code are tried: long central codes
    (BKHĐT, BNNPTNT, VPCP) and TTg, with the first letter kept, since the first letter tells the level
    (B for a ministry, S for the province's department: SKHĐT is a real code one edit from BKHĐT) and
    three-letter ministry codes are one edit from local boards (BQL, BCĐ).
    """
    key = code_key(issuer)
    if len(key) < 3 or key in {code_key(code) for code in families}:
        return None
    for code, level in levels.items():
        target = code_key(code)
        if level != "central" or not (len(target) >= 4 or code == "TTg"):
            continue
        prefix = 1 if len(target) >= 4 else 2
        if key[:prefix] == target[:prefix] and Levenshtein.distance(key, target) == 1:
            return code
    return None


def issuer_code(issuer_part: str) -> str:
    """The issuer code an issuer part begins with, its term number dropped: QH15 -> QH, HĐND17 -> HĐND,
    UBND-THVX -> UBND."""
    return re.sub(r"\d+$", "", issuer_part.split("-")[0])


# ---------------------------------------------------------------------------------------------- dates


_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})(?![\d/])")
_WORDED_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def impossible_dates(text: str) -> Iterator[str]:
    """Date expressions in `text` whose day, month and year do not make a calendar date."""
    for pattern in (_WORDED_DATE, _NUMERIC_DATE):
        for match in pattern.finditer(text):
            day, month, year = (int(g) for g in match.groups())
            try:
                date(year, month, day)
            except ValueError:
                yield match.group(0)


def _date_key(iso: str | None) -> tuple[int, ...] | None:
    if not iso:
        return None
    return tuple(int(part) for part in iso.split("-"))


def is_after(cited: str, plan: str) -> bool:
    """True when the cited date is certainly after the plan's (partial dates compare on what is known)."""
    a, b = _date_key(cited), _date_key(plan)
    if a is None or b is None:
        return False
    common = min(len(a), len(b))
    return a[:common] > b[:common]


# ---------------------------------------------------------------------------------------------- rules


def _finding(doc: PlanDocument, c: Citation, rule: str, severity: Severity, message: str) -> Finding:
    return Finding(doc.source.path, rule, severity, message, c.text, c.start, c.end, c.id)


def _written_type(citation: Citation, known_types: Iterable[str]) -> str | None:
    """The type word the writer put before the code, if it is a known type."""
    head = fold(citation.text.split("số")[0] if "số" in citation.text else citation.text)
    best = None
    for name in known_types:
        key = fold(name)
        if head.startswith(key) and (best is None or len(key) > len(fold(best))):
            best = name
    return best


def _issuer_names() -> tuple[dict[str, str], dict[str, str]]:
    """Issuer code -> level (central | local) and -> issuer name, from issuer_codes.csv."""
    from extractor.base.resources import read_csv

    rows = [row for row in read_csv("issuer_codes.csv") if row["code"]]
    return {row["code"]: row["level"] for row in rows}, {row["code"]: row["issuer"] for row in rows}


def check_document(doc: PlanDocument, registry: list[RegistryRow]) -> list[Finding]:
    types_by_code, families = _code_tables()
    levels, names = _issuer_names()
    known_types = {t for names in types_by_code.values() for t in names}
    findings: list[Finding] = []
    plan_date = doc.metadata.issued_date
    for c in doc.citations:
        if c.refers_to:
            continue

        def add(rule: str, severity: Severity, message: str, c: Citation = c) -> None:
            findings.append(_finding(doc, c, rule, severity, message))

        parts = code_parts(c.code) if c.code else None
        if parts:
            form, type_part, issuer_part = parts
            written = _written_type(c, known_types)
            allowed = types_by_code.get(type_part, set()) if type_part else set()
            if written and allowed and written not in allowed:
                expected = ", ".join(sorted(allowed))
                add("type-mismatch", "error", f"'{written}' cited with a code of type '{type_part}' ({expected})")
            family = families.get(issuer_code(issuer_part)) if issuer_part else None
            if family == "party" and form == "state":
                add("malformed-code", "error", f"Party document in the state form: {c.code} (expected n-TYPE/ISSUER)")
            elif family == "state" and form == "party":
                add("malformed-code", "error", f"state document in the Party form: {c.code} (expected n/TYPE-ISSUER)")
            near = near_central_code(issuer_code(issuer_part), families, levels) if issuer_part else None
            if near and form == "state":
                add("unknown-issuer", "warning",
                    f"issuer part '{issuer_code(issuer_part or '')}' of {c.code} matches no issuer code; "
                    f"one edit from {near} ({names[near]})")
        if c.year and c.date and c.date[:4].isdigit() and int(c.date[:4]) != c.year:
            add("year-mismatch", "error", f"code {c.code} carries the year {c.year} but is dated {c.date}")
        for bad in impossible_dates(c.text):
            add("impossible-date", "error", f"'{bad}' is not a calendar date")
        if c.date and plan_date and is_after(c.date, plan_date):
            add("date-after-plan", "error", f"cited document dated {c.date}, after the plan's own date {plan_date}")
        if c.code and c.doc_type in LEGAL_NORMATIVE_TYPES and c.year is None:
            add("missing-year", "warning", f"{c.doc_type} {c.code} is legal-normative but its code has no year")
        row = registry_match(c, registry)
        if row and plan_date and not is_after(row.no_longer_in_force_from, plan_date):
            note = "" if row.verified else " (registry row not verified)"
            add(
                "not-in-force",
                "error" if row.verified else "warning",
                f"{row.title} is no longer in force from {row.no_longer_in_force_from}, replaced by "
                f"{row.replaced_by}; the plan is dated {plan_date}{note}. Source: {row.source}",
            )
    return findings


def issuer_level(code: str) -> str | None:
    """central or local, from the issuer part of a code (QH15 -> QH, NQ-HĐND17 -> HĐND); None if unknown."""
    from extractor.base.resources import read_csv

    parts = code_parts(code)
    if not parts or not parts[2]:
        return None
    issuer_part = issuer_code(parts[2].split("-")[-1])
    levels = {row["code"]: row["level"] for row in read_csv("issuer_codes.csv")}
    return levels.get(issuer_part)


def document_identity(c: Citation, plan_province: str | None) -> str | None:
    """Which document a citation names, across plans: its code, plus the place for local issuers (every
    province has its own 01/CT-UBND); a law cited by name: its type and year."""
    if c.refers_to:
        return None
    if c.code:
        code = c.code.replace(" ", "").upper()
        if issuer_level(c.code) == "central":
            return code
        return f"{code}|{fold(c.issuer) if c.issuer else fold(plan_province)}"
    if c.doc_type and c.year:
        return f"{c.doc_type} {c.year}"
    return None


def check_corpus(docs: list[PlanDocument]) -> list[Finding]:
    """inconsistent-citation: one document cited with different dates in one plan or across the inputs
    (and with different issuers where the code's issuer part names no known issuer: a known one already
    names the issuer, and a difference in the issuer text is then the writer's wording)."""
    _, families = _code_tables()
    known = {code_key(code) for code in families}
    seen: dict[str, list[tuple[PlanDocument, Citation]]] = defaultdict(list)
    for doc in docs:
        for c in doc.citations:
            identity = document_identity(c, doc.metadata.province) if c.code else None
            if identity:
                seen[identity].append((doc, c))
    findings: list[Finding] = []
    for identity, mentions in seen.items():
        code = identity.split("|")[0]
        parts = code_parts(code)
        issuer_known = bool(parts and parts[2] and code_key(issuer_code(parts[2])) in known)
        for field in ("date",) if issuer_known else ("date", "issuer"):
            values = {getattr(c, field) for _, c in mentions if getattr(c, field)}
            if len({fold(v) for v in values}) < 2:
                continue
            # Party numbers restart each term, so one Party code with two dates may be two documents.
            party = parts is not None and parts[0] == "party"
            severity: Severity = "warning" if party else "error"
            shown = "; ".join(sorted(values))
            where = "in this plan" if len({id(doc) for doc, _ in mentions}) == 1 else "across the inputs"
            for doc, c in mentions:
                if getattr(c, field):
                    findings.append(
                        _finding(doc, c, "inconsistent-citation", severity,
                                 f"{code} is cited with different {field}s {where}: {shown}")
                    )
    return findings


# ---------------------------------------------------------------------------------------------- registry


def load_registry(path: Path | None = None) -> list[RegistryRow]:
    if path is None:
        from extractor.base.resources import read_csv

        rows: Iterable[dict[str, str]] = read_csv("registry.csv")
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    registry = []
    for row in rows:
        registry.append(
            RegistryRow(
                code=(row.get("code") or "").replace(" ", "") or None,
                doc_type=row.get("doc_type", ""),
                name=fold(row.get("name", "")),
                year=int(row["year"]) if (row.get("year") or "").isdigit() else None,
                title=row.get("title", ""),
                no_longer_in_force_from=row.get("no_longer_in_force_from", ""),
                replaced_by=row.get("replaced_by", ""),
                verified=(row.get("verified") or "").strip().lower() in {"yes", "true", "1"},
                source=row.get("source", ""),
            )
        )
    return registry


def registry_match(c: Citation, registry: list[RegistryRow]) -> RegistryRow | None:
    for row in registry:
        if row.code and c.code and row.code.upper() == c.code.upper():
            return row
    if c.code is None and c.doc_type and c.year:
        # Laws cited by name: the same type and year, and the registry's name in the citation text.
        text = fold(c.text)
        for row in registry:
            if row.name and row.doc_type == c.doc_type and row.year == c.year and row.name in text:
                # "Luật sửa đổi ... của Luật X năm 2013" contains X too: prefer the longest name.
                better = [r for r in registry if r.year == c.year and r.name and r.name in text]
                return max(better, key=lambda r: len(r.name))
    return None


# ---------------------------------------------------------------------------------------------- command


def load_documents(paths: list[str]) -> tuple[list[PlanDocument], int]:
    """Extract documents (or load already-extracted JSON); returns the documents and the error count."""
    from extractor.base.errors import fail
    from extractor.pipeline import extract

    docs: list[PlanDocument] = []
    errors = 0
    for name in expand_paths(paths):
        try:
            if name.suffix.lower() == ".json":
                docs.append(PlanDocument.model_validate_json(name.read_bytes()))
            else:
                docs.append(extract(name))
        except VnplanError as exc:
            fail(name, exc.cause)
            errors += 1
        except ValueError as exc:  # JSON that is not a vnplan document
            fail(name, f"not a vnplan document ({str(exc).splitlines()[0]})")
            errors += 1
    return docs, errors


def expand_paths(paths: list[str]) -> list[Path]:
    from extractor.readers import READERS

    out: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            out.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and not p.is_symlink()
                and (p.suffix.lower() in READERS or (p.suffix == ".json" and p.name != "errors.json"))
            )
        else:
            out.append(path)
    return out


def findings_csv(findings: list[Finding]) -> str:
    from extractor.base.csvtext import csv_text

    rows = [asdict(f) for f in findings]
    return csv_text(list(Finding.__dataclass_fields__), rows)


def print_table(findings: list[Finding], documents: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"vnplan audit: {len(findings)} finding(s) in {documents} document(s)")
    for column in ("document", "offset", "rule", "severity", "quoted text", "message"):
        table.add_column(column, overflow="fold")
    for f in findings:
        table.add_row(
            printable(Path(f.document).name),
            "" if f.start is None else str(f.start),
            f.rule,
            f"[red]{f.severity}[/red]" if f.severity == "error" else f"[yellow]{f.severity}[/yellow]",
            f.quote,
            f.message,
            end_section=False,
        )
    console.print(table)


def cmd_audit(args: argparse.Namespace) -> int:
    docs, errors = load_documents(args.paths)
    registry = load_registry(Path(args.registry) if args.registry else None)
    findings = [f for doc in docs for f in check_document(doc, registry)] + check_corpus(docs)
    findings.sort(key=lambda f: (f.document, f.start or 0, f.rule))
    if args.json:
        print(json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2))
    elif args.csv:
        sys.stdout.write(findings_csv(findings))
    else:
        print_table(findings, len(docs))
    if errors:
        return 2
    return 1 if args.strict and findings else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="check the citations of documents or extracted JSON")
    p.add_argument("paths", nargs="+", metavar="PATH", help="documents, extracted .json files or folders")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print findings as JSON")
    out.add_argument("--csv", action="store_true", help="print findings as CSV")
    p.add_argument("--registry", metavar="CSV", help="registry of documents no longer in force")
    p.add_argument("--strict", action="store_true", help="exit 1 when there are findings")
    p.set_defaults(func=cmd_audit)


__all__ = ["Finding", "check_corpus", "check_document", "code_parts", "load_registry", "register"]
