"""End to end: every corpus file becomes a schema-valid document."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extractor import extract, extract_text, readers
from extractor.pipeline import REVIEW_WARNING_CODES, StageTimer, build_document, is_draft_mark, needs_review
from models import SCHEMA_VERSION, PlanDocument, Quality
from tests.conftest import CORPUS

# The seed corpus and its formats; the wide corpus (corpus/wild) has its own tests (test_wild.py).
CORPUS_FILES = sorted(
    p for p in CORPUS.rglob("*") if p.is_file() and not p.name.startswith(".") and "wild" not in p.relative_to(CORPUS).parts
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_extracts_to_valid_document(path):
    doc = extract(path)
    again = PlanDocument.model_validate_json(doc.model_dump_json())
    assert again.text == doc.text
    assert doc.text.strip()
    assert doc.source.sha256 and doc.id == doc.source.sha256[:16]
    for block_offsets in (doc.sections, doc.citations, doc.tasks):
        for item in block_offsets:
            assert 0 <= item.start <= item.end <= len(doc.text)


def test_cli_schema_and_version():
    out = subprocess.run([sys.executable, "-m", "extractor", "schema"], capture_output=True, text=True)
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert "metadata" in schema["properties"] and "quality" in schema["properties"]
    assert schema["$schema"].startswith("https://json-schema.org/") and schema["$id"].endswith(SCHEMA_VERSION)
    out = subprocess.run([sys.executable, "-m", "extractor", "--version"], capture_output=True, text=True)
    assert out.stdout.startswith("vnplan ")


# --- quality ------------------------------------------------------------------------------------------------

SEED = CORPUS / "001_e90ebdcfd4b0b768.txt"


def seed_with(line: str, before: str) -> str:
    """The seed plan with `line` inserted before its first line starting with `before`."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith(before))
    return "\n".join([*lines[:at], line, *lines[at:]])


def test_a_clean_born_digital_plan_needs_no_review():
    quality = extract(SEED).quality
    assert quality == Quality()  # no OCR, no repair, no draft, no warnings
    assert quality.needs_review is False


@pytest.mark.parametrize(
    ("line", "before", "draft"),
    [
        ("DỰ THẢO", "Số:", True),  # in the header, under the motto
        ("(Dự thảo lần 2)", "KẾ HOẠCH", True),  # just above the type line
        ("Dự thảo\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập", True),  # a box beside the motto, in a row
        ("Dự thảo kế hoạch đã được gửi xin ý kiến các phòng chuyên môn.", "Căn cứ", False),  # a sentence
        ("Dự thảo", "I. M", False),  # in the body: a word, not the header's mark
    ],
)
def test_draft_mark_is_read_in_the_header_only(line, before, draft):
    doc = extract_text(seed_with(line, before))
    assert doc.metadata.title == extract(SEED).metadata.title
    assert doc.quality.draft is draft and doc.quality.needs_review is draft


def test_draft_mark_in_a_header_table_cell():
    assert is_draft_mark("UBND TỈNH CAO BẰNG\tDỰ THẢO 3")
    assert not is_draft_mark("Dự thảo văn bản quy phạm pháp luật của tỉnh năm 2021")


def test_ocr_share_and_pages_come_from_the_reader():
    result = readers.read(SEED)
    half = len(result.blocks) // 2
    for i, block in enumerate(result.blocks):
        block.page = 1 if i < half else 2
        block.ocr = i >= half
    result.repaired_pages = [1]
    doc = build_document(result, str(SEED), "0" * 64, StageTimer())
    page_two = next(p for p in doc.pages if p.number == 2)
    assert doc.quality.pages_ocr == [2] and doc.quality.pages_repaired == [1]
    assert doc.quality.ocr_text_share == pytest.approx((page_two.end - page_two.start) / len(doc.text), abs=0.05)
    assert doc.quality.needs_review

    result = readers.read(SEED)
    result.ocr_pages = [3]  # a page the reader OCR'd whose text was all trimmed away still counts
    quality = build_document(result, str(SEED), "0" * 64, StageTimer()).quality
    assert (quality.pages_ocr, quality.ocr_text_share, quality.needs_review) == ([3], 0.0, True)


def test_warning_counts_and_the_review_rule():
    body = SEED.read_text(encoding="utf-8").split("Căn cứ", 1)[1]
    quality = extract_text("Căn cứ" + body).quality  # no title block: metadata likely incomplete
    assert quality.warnings_by_code == {"no-title-block": 1} and quality.needs_review
    assert "no-title-block" in REVIEW_WARNING_CODES
    assert not needs_review(Quality(warnings_by_code={"legacy-encoding": 2}))  # a faithful conversion


def test_schema_version_is_1_1():
    assert SCHEMA_VERSION == "1.1" == PlanDocument.model_fields["schema_version"].default
    assert extract(SEED).schema_version == SCHEMA_VERSION
