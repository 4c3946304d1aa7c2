"""The auditor's checks: every rule with a real-looking positive and negative case."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import unicodedata
from datetime import date

import pytest

from extractor.commands.audit import check_corpus, check_document, code_parts, is_after, load_registry
from models import Citation, Metadata, PlanDocument, Source


def make_doc(*citations: Citation, issued: str | None = "2024-03-15", path: str = "plan.txt") -> PlanDocument:
    text = " ".join(c.text for c in citations) or "Kế hoạch"
    return PlanDocument(
        pipeline_version="test",
        id="0" * 16,
        source=Source(path=path, format="txt", sha256="0" * 64),
        text=text,
        metadata=Metadata(issued_date=issued, province="Bắc Ninh"),
        citations=list(citations),
    )


def cite(text: str, cid: str = "c1", **fields) -> Citation:  # noqa: ANN003
    return Citation(id=cid, text=text, start=0, end=len(text), **fields)


def rules(doc: PlanDocument) -> list[str]:
    return [f.rule for f in check_document(doc, load_registry())]


def test_code_parts_state_and_party_forms():
    assert code_parts("91/2017/NĐ-CP") == ("state", "NĐ", "CP")
    assert code_parts("01/CT-UBND") == ("state", "CT", "UBND")
    assert code_parts("34-CT/TW") == ("party", "CT", "TW")
    assert code_parts("08-QĐi/TW") == ("party", "QĐi", "TW")


def test_type_word_against_code_type():
    wrong = cite("Chỉ thị số 12/QĐ-UBND ngày 05/01/2024", doc_type="Chỉ thị", code="12/QĐ-UBND", date="2024-01-05")
    right = cite("Quyết định số 12/QĐ-UBND ngày 05/01/2024", doc_type="Quyết định", code="12/QĐ-UBND",
                 date="2024-01-05")
    assert "type-mismatch" in rules(make_doc(wrong))
    assert "type-mismatch" not in rules(make_doc(right))


def test_party_quy_dinh_may_use_qd_or_qdi():
    doc = make_doc(cite("Quy định số 08-QĐi/TW ngày 25/10/2018", doc_type="Quy định", code="08-QĐi/TW",
                        date="2018-10-25"))
    assert "type-mismatch" not in rules(doc)


def test_year_in_code_against_date():
    wrong = cite("Nghị định số 91/2017/NĐ-CP ngày 31/7/2016", doc_type="Nghị định", code="91/2017/NĐ-CP", year=2017,
                 date="2016-07-31")
    right = cite("Nghị định số 91/2017/NĐ-CP ngày 31/7/2017", doc_type="Nghị định", code="91/2017/NĐ-CP", year=2017,
                 date="2017-07-31")
    assert "year-mismatch" in rules(make_doc(wrong, issued="2019-01-01"))
    assert "year-mismatch" not in rules(make_doc(right, issued="2019-01-01"))


def test_impossible_date():
    wrong = cite("Kế hoạch số 13/KH-UBND ngày 31/02/2020", doc_type="Kế hoạch", code="13/KH-UBND")
    right = cite("Kế hoạch số 13/KH-UBND ngày 29/02/2020", doc_type="Kế hoạch", code="13/KH-UBND", date="2020-02-29")
    assert "impossible-date" in rules(make_doc(wrong))
    assert "impossible-date" not in rules(make_doc(right))
    worded = cite("Chỉ thị số 02/CT-UBND ngày 30 tháng 02 năm 2021", doc_type="Chỉ thị", code="02/CT-UBND")
    assert "impossible-date" in rules(make_doc(worded))


def test_date_after_the_plan():
    later = cite("Kế hoạch số 110/KH-UBND ngày 18/04/2021", doc_type="Kế hoạch", code="110/KH-UBND", date="2021-04-18")
    earlier = cite("Kế hoạch số 110/KH-UBND ngày 18/01/2021", doc_type="Kế hoạch", code="110/KH-UBND",
                   date="2021-01-18")
    assert "date-after-plan" in rules(make_doc(later, issued="2021-03"))
    assert "date-after-plan" not in rules(make_doc(earlier, issued="2021-03"))
    # Same month as a partial plan date: not certainly after.
    assert not is_after("2021-03-20", "2021-03")


def test_malformed_codes():
    party_as_state = cite("Nghị quyết số 60/NQ-TW ngày 12/4/2025", doc_type="Nghị quyết", code="60/NQ-TW",
                          date="2025-04-12")
    state_as_party = cite("Nghị quyết số 17-NQ/CP ngày 07/3/2019", doc_type="Nghị quyết", code="17-NQ/CP",
                          date="2019-03-07")
    fine = cite("Nghị quyết số 60-NQ/TW ngày 12/4/2025", doc_type="Nghị quyết", code="60-NQ/TW", date="2025-04-12")
    assert "malformed-code" in rules(make_doc(party_as_state, issued="2025-06-01"))
    assert "malformed-code" in rules(make_doc(state_as_party, issued="2025-06-01"))
    assert "malformed-code" not in rules(make_doc(fine, issued="2025-06-01"))


def test_legal_normative_without_year():
    missing = cite("Nghị định số 91/NĐ-CP ngày 31/7/2017", doc_type="Nghị định", code="91/NĐ-CP", date="2017-07-31")
    with_year = cite("Nghị định số 98/2023/NĐ-CP", doc_type="Nghị định", code="98/2023/NĐ-CP", year=2023)
    assert "missing-year" in rules(make_doc(missing))
    assert "missing-year" not in rules(make_doc(with_year))


def test_same_code_with_different_dates_across_documents():
    a = make_doc(cite("Chỉ thị số 01/CT-UBND ngày 21/01/2020", doc_type="Chỉ thị", code="01/CT-UBND",
                      date="2020-01-21"), path="a.txt")
    b = make_doc(cite("Chỉ thị số 01/CT-UBND ngày 12/01/2020", doc_type="Chỉ thị", code="01/CT-UBND",
                      date="2020-01-12"), path="b.txt")
    c = make_doc(cite("Chỉ thị số 01/CT-UBND ngày 21/01/2020", doc_type="Chỉ thị", code="01/CT-UBND",
                      date="2020-01-21"), path="c.txt")
    assert {f.rule for f in check_corpus([a, b])} == {"inconsistent-citation"}
    assert check_corpus([a, c]) == []


def test_registry_documents_no_longer_in_force():
    old_decree = cite("Nghị định số 91/2017/NĐ-CP ngày 31/7/2017", doc_type="Nghị định", code="91/2017/NĐ-CP",
                      year=2017, date="2017-07-31")
    law_by_name = cite("Luật Thi đua, khen thưởng năm 2003", doc_type="Luật", year=2003)
    findings = check_document(make_doc(old_decree, law_by_name, issued="2025-02-10"), load_registry())
    not_in_force = [f for f in findings if f.rule == "not-in-force"]
    assert len(not_in_force) == 2
    # The packaged rows are not verified against the official text: warnings, not errors.
    assert {f.severity for f in not_in_force} == {"warning"}
    # Before the replacement took effect the citation is fine.
    assert "not-in-force" not in rules(make_doc(old_decree, issued="2021-03-01"))


def test_user_registry_verified_rows_are_errors(tmp_path):
    registry = tmp_path / "registry.csv"
    with registry.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "doc_type", "name", "year", "title", "no_longer_in_force_from", "replaced_by",
                         "verified", "source"])
        writer.writerow(["13/KH-UBND", "Kế hoạch", "", "", "Kế hoạch 13", "2021-01-01", "20/KH-UBND", "yes",
                         "Công báo"])
    doc = make_doc(cite("Kế hoạch số 13/KH-UBND ngày 01/02/2020", doc_type="Kế hoạch", code="13/KH-UBND",
                        date="2020-02-01"), issued="2022-01-01")
    findings = [f for f in check_document(doc, load_registry(registry)) if f.rule == "not-in-force"]
    assert [f.severity for f in findings] == ["error"]


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_audit_command_on_extracted_json(tmp_path, fmt):
    doc = make_doc(cite("Chỉ thị số 12/QĐ-UBND ngày 31/02/2024", doc_type="Chỉ thị", code="12/QĐ-UBND"))
    path = tmp_path / "plan.txt.json"
    path.write_text(doc.model_dump_json(), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "extractor", "audit", fmt, "--strict", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    if fmt == "--json":
        found = {f["rule"] for f in json.loads(out.stdout)}
        assert {"type-mismatch", "impossible-date"} <= found
        assert all({"document", "start", "quote", "rule", "severity"} <= set(f) for f in json.loads(out.stdout))
    else:
        assert out.stdout.splitlines()[0].startswith("document,rule,severity")


def test_national_assembly_codes_are_well_formed():
    """Laws and resolutions of the National Assembly carry no type part: n/year/QH + term."""
    assert code_parts("163/2024/QH15") == ("state", None, "QH15")
    for text, code, doc_type in (
        ("Nghị quyết số 163/2024/QH15 ngày 27/11/2024", "163/2024/QH15", "Nghị quyết"),
        ("Luật Phòng, chống ma túy số 73/2021/QH14", "73/2021/QH14", "Luật"),
        ("Luật Thi đua, khen thưởng số 06/2022/QH15", "06/2022/QH15", "Luật"),
    ):
        c = cite(text, doc_type=doc_type, code=code, year=int(code.split("/")[1]))
        assert not {"malformed-code", "type-mismatch"} & set(rules(make_doc(c, issued="2025-06-01"))), code


def test_no_finding_for_a_valid_code_of_any_issuer_in_the_table():
    """Every issuer code of issuer_codes.csv, in the form of its family, passes the code rules."""
    from extractor.base.resources import read_csv

    for row in read_csv("issuer_codes.csv"):
        if not row["code"]:
            continue
        code = f"12/KH-{row['code']}" if row["family"] == "state" else f"12-KH/{row['code']}"
        c = cite(f"Kế hoạch số {code} ngày 10/01/2024", doc_type="Kế hoạch", code=code, date="2024-01-10")
        assert not {"malformed-code", "type-mismatch"} & set(rules(make_doc(c))), code


def test_misspelt_central_issuer_code_is_a_warning():
    def found(code: str) -> list[str]:
        c = cite(f"Thông tư số {code} ngày 10/01/2024", doc_type="Thông tư", code=code, year=2024, date="2024-01-10")
        return rules(make_doc(c))

    assert "unknown-issuer" in found("05/2024/TT-BKHDĐT")  # one letter too many in BKHĐT
    assert "unknown-issuer" in found("05/2024/TT-BGDĐTT")
    # Case and Đ/D variants are the same code; a province's department (S...) and local boards are real codes.
    for code in ("05/2024/TT-BKHDT", "05/2024/TT-BGDDT", "05/QĐ-TTG", "05/KH-SKHĐT", "05/KH-BQL", "05/KH-BCĐ",
                 "05/KH-SLĐTBXH", "05/2024/QH15"):
        assert "unknown-issuer" not in found(code), code


def test_one_document_with_two_dates_in_one_plan():
    first = cite("Chỉ thị số 01/CT-TTg ngày 21/01/2020", "c1", doc_type="Chỉ thị", code="01/CT-TTg", date="2020-01-21")
    second = cite("Chỉ thị số 01/CT-TTg ngày 12/01/2020", "c2", doc_type="Chỉ thị", code="01/CT-TTg", date="2020-01-12")
    findings = check_corpus([make_doc(first, second)])
    assert {f.rule for f in findings} == {"inconsistent-citation"}
    assert all("in this plan" in f.message for f in findings)
    assert check_corpus([make_doc(first, first.model_copy(update={"id": "c2"}))]) == []


def test_issuer_wording_of_a_known_code_is_no_inconsistency():
    """A central code names its issuer: 'Chính phủ' and a longer issuer text are the same document."""
    a = make_doc(cite("Nghị quyết 35/NQ-CP của Chính phủ", doc_type="Nghị quyết", code="35/NQ-CP", issuer="Chính phủ"),
                 path="a.txt")
    b = make_doc(cite("Nghị quyết 35/NQ-CP của Chính phủ về hỗ trợ", doc_type="Nghị quyết", code="35/NQ-CP",
                      issuer="Chính phủ về hỗ trợ"), path="b.txt")
    assert check_corpus([a, b]) == []


def test_every_registry_row_has_its_provenance():
    """Verified rows quote the replacing document's entry-into-force article, which names the replaced code."""
    from extractor.base.resources import read_csv

    rows = list(read_csv("registry.csv"))
    verified = [row for row in rows if row["verified"] == "yes"]
    assert verified
    for row in verified:
        assert all(row[column] for column in ("source_repo", "source_commit", "source_path", "quote")), row["code"]
        assert len(row["source_commit"]) == 40, row["code"]
        assert row["code"].replace(" ", "") in row["quote"].replace(" ", ""), row["code"]
        assert "hiệu lực" in row["quote"], row["code"]
    for row in rows:
        if row["verified"] != "yes":
            assert "NOT VERIFIED" in row["source"], row["code"]


def test_replaced_decree_cited_after_the_replacement():
    decree = cite("Nghị định số 98/2023/NĐ-CP ngày 31/12/2023", doc_type="Nghị định", code="98/2023/NĐ-CP",
                  year=2023, date="2023-12-31")
    findings = [f for f in check_document(make_doc(decree, issued="2025-09-01"), load_registry())
                if f.rule == "not-in-force"]
    assert [f.severity for f in findings] == ["error"] and "152/2025/NĐ-CP" in findings[0].message
    assert "not-in-force" not in rules(make_doc(decree, issued="2025-03-01"))


def _corpus_files() -> list:
    from tests.conftest import CORPUS

    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and "wild" not in p.parts)


# The only findings over corpus/ and ../shared/real, each checked by hand (the README's example):
# the Tờ trình of 22/12/2025 cites "Công văn số 4625/BNV-CCHC ngày 02/7/2026", a date after its own.
EXPECTED_FINDINGS = {("lamdong-to-trinh-kh-cchc-2026.pdf", "date-after-plan", "4625/BNV-CCHC")}


def test_no_false_finding_over_the_corpus_and_the_real_plans():
    from extractor.pipeline import extract
    from tests.conftest import REAL, need

    need(REAL.is_dir(), "../shared/real is not present")
    docs = [extract(p) for p in _corpus_files() + sorted(p for p in REAL.iterdir() if p.is_file())]
    registry = load_registry()
    findings = [f for doc in docs for f in check_document(doc, registry)] + check_corpus(docs)
    got = {(f.document.rsplit("/", 1)[-1], f.rule, next((c.code for d in docs for c in d.citations
                                                          if c.id == f.citation and d.source.path == f.document), ""))
           for f in findings}
    assert got == EXPECTED_FINDINGS, findings


# ---------------------------------------------------------------------------------------------- registry rows

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _registry_rows() -> list[dict[str, str]]:
    from extractor.base.resources import read_csv

    return list(read_csv("registry.csv"))


def test_registry_rows_are_well_formed():
    """Every row: a code of the state form whose year is the row's year, ISO dates, a successor, one row per
    code; verified rows carry a non-empty NFC quote naming the code; a citation of the code audits clean."""
    rows = _registry_rows()
    assert len(rows) >= 40
    assert len({row["code"] for row in rows}) == len(rows)
    for row in rows:
        code = row["code"]
        parts = code_parts(code)
        assert parts and parts[0] == "state", code
        assert int(code.split("/")[1]) == int(row["year"]), code
        assert _ISO_DATE.fullmatch(row["no_longer_in_force_from"]), code
        date.fromisoformat(row["no_longer_in_force_from"])
        assert row["replaced_by"].strip() and row["doc_type"] and row["title"], code
        assert row["verified"] in {"yes", "no"}, code
        if row["verified"] == "yes":
            assert row["quote"].strip() and unicodedata.normalize("NFC", row["quote"]) == row["quote"], code
            assert re.fullmatch(r"[0-9a-f]{40}", row["source_commit"]), code
        citation = cite(f"{row['doc_type']} số {code}", doc_type=row["doc_type"], code=code, year=int(row["year"]))
        assert rules(make_doc(citation, issued=None)) == [], code


def test_registry_quotes_occur_in_their_sources():
    """Each quote occurs in the file it was read from (scripts/registry_quotes.py), given the fetched
    snapshots in $VNPLAN_MIRROR (default: ../.mirror). Skipped without them, also under CI."""
    import os
    from pathlib import Path

    from tests.conftest import ROOT

    mirror = Path(os.environ.get("VNPLAN_MIRROR") or ROOT.parent / ".mirror")
    repos = {row["source_repo"] for row in _registry_rows() if row["quote"]}
    if not any((mirror / repo.replace("/", "+")).is_dir() for repo in repos):
        pytest.skip(f"no snapshot of {sorted(repos)} in {mirror}")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import registry_quotes
    finally:
        sys.path.pop(0)
    rows = _registry_rows()
    problems, checked, _skipped, _unchecked = registry_quotes.check(rows, mirror)
    assert problems == []
    if checked < 40:
        pytest.skip(f"only {checked} rows have their snapshot in {mirror}")
    # The check is not vacuous: a changed date in a quote, or in a «header» snippet, is reported.
    quoted = next(row for row in rows if "«" in row["source"] and registry_quotes.git_dir(mirror, row["source_repo"]))
    bad_quote = dict(quoted, quote=quoted["quote"].replace("Nghị định này", "Nghị định này không"))
    bad_header = dict(quoted, source=quoted["source"].replace("ngày", "ngày 31", 1))
    found, _, _, _ = registry_quotes.check([bad_quote, bad_header], mirror)
    assert len(found) == 2


def test_replaced_laws_cited_by_name_before_and_after_the_replacement():
    law = cite("Luật Doanh nghiệp năm 2014", doc_type="Luật", year=2014)
    assert "not-in-force" not in rules(make_doc(law, issued="2020-11-20"))
    after = [f for f in check_document(make_doc(law, issued="2021-03-01"), load_registry()) if f.rule == "not-in-force"]
    assert [f.severity for f in after] == ["error"] and "59/2020/QH14" in after[0].message
    # Another 2014 law whose name ends in "doanh nghiệp" is not the Enterprise Law.
    other = cite("Luật Quản lý, sử dụng vốn nhà nước đầu tư vào sản xuất, kinh doanh tại doanh nghiệp năm 2014",
                 doc_type="Luật", year=2014)
    assert "not-in-force" not in rules(make_doc(other, issued="2022-01-01"))
    # A row whose source is not the replacing text itself stays a warning.
    decree = cite("Nghị định số 43/2023/NĐ-CP", doc_type="Nghị định", code="43/2023/NĐ-CP", year=2023)
    found = [f for f in check_document(make_doc(decree, issued="2025-09-01"), load_registry())
             if f.rule == "not-in-force"]
    assert [f.severity for f in found] == ["warning"]
