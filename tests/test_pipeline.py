"""End to end: every corpus file becomes a schema-valid document."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extractor import extract
from models import PlanDocument
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
    assert "metadata" in schema["properties"]
    out = subprocess.run([sys.executable, "-m", "extractor", "--version"], capture_output=True, text=True)
    assert out.stdout.startswith("vnplan ")
