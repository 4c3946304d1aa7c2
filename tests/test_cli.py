"""The command line as Docling and eyecite users expect it, and the Python entry points beside it."""

from __future__ import annotations

import io
import json
import re
import tomllib

import pytest

import extractor.base.limits
from extractor import extract, extract_bytes, extract_text
from extractor.base.errors import VnplanError
from extractor.cli import main
from models import SCHEMA_VERSION, PlanDocument
from tests.conftest import CORPUS, ROOT

SEED = CORPUS / "001_e90ebdcfd4b0b768.txt"
DOCX = CORPUS / "docx" / "001_e90ebdcfd4b0b768.docx"
PDF = CORPUS / "pdf" / "001_e90ebdcfd4b0b768.pdf"
HTML = CORPUS / "html" / "003_01b55a5d3fb9d28a.html"


@pytest.fixture(autouse=True)
def _no_memory_cap(monkeypatch):
    """`vnplan extract` caps its own address space; in-process here, it must not cap the test runner."""
    monkeypatch.setattr(extractor.base.limits, "apply_memory_limit", lambda *args, **kwargs: None)


def with_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


def same_extraction(a: PlanDocument, b: PlanDocument) -> bool:
    skip = {"source"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip) and a.source.sha256 == b.source.sha256


# --- standard input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "fmt"), [(SEED, "txt"), (DOCX, "docx"), (DOCX, None), (HTML, None)])
def test_extract_reads_standard_input(monkeypatch, capsys, path, fmt):
    with_stdin(monkeypatch, path.read_bytes())
    assert main(["extract", "-", *(["--format", fmt] if fmt else [])]) == 0
    doc = PlanDocument.model_validate_json(capsys.readouterr().out)
    assert doc.source.path == "-" and doc.source.format == path.suffix[1:]
    assert same_extraction(doc, extract(path))


def test_standard_input_errors_are_one_line(monkeypatch, capsys, tmp_path):
    with_stdin(monkeypatch, SEED.read_bytes())
    assert main(["extract", "-", "--format", "pdf"]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.count("\n") == 1 and said.err.startswith("vnplan: error: -: ")
    with_stdin(monkeypatch, b"")
    assert main(["extract", "-"]) == 2
    assert capsys.readouterr().err == "vnplan: error: -: standard input is empty\n"
    assert main(["extract", "-", "--format", "xlsx"]) == 2
    assert "unknown format 'xlsx'" in capsys.readouterr().err
    assert main(["extract", str(SEED), "--format", "txt"]) == 2  # --format is for standard input only
    assert main(["extract", "-", "-"]) == 2
    assert "only once" in capsys.readouterr().err
    with_stdin(monkeypatch, SEED.read_bytes())
    assert main(["extract", "-", "-o", str(tmp_path)]) == 0
    assert PlanDocument.model_validate_json((tmp_path / "stdin.json").read_text()).source.path == "-"


# --- folders, several files, output forms -------------------------------------------------------------------


def test_a_folder_or_several_files_print_json_lines(capsys):
    assert main(["extract", str(CORPUS / "docx")]) == 0
    lines = capsys.readouterr().out.splitlines()
    docs = [PlanDocument.model_validate_json(line) for line in lines]
    assert [d.source.path for d in docs] == [str(p) for p in sorted((CORPUS / "docx").glob("*.docx"))]
    assert main(["extract", str(SEED), str(DOCX)]) == 0
    first, second = (PlanDocument.model_validate_json(line) for line in capsys.readouterr().out.splitlines())
    assert (first.source.format, second.source.format) == ("txt", "docx")
    assert main(["extract", str(SEED), str(DOCX), "--to", "json"]) == 2  # not one JSON value: said before work
    said = capsys.readouterr()
    assert said.out == "" and "--to jsonl" in said.err


def test_a_folder_with_o_mirrors_its_tree(tmp_path, capsys):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "plan.txt").write_bytes(SEED.read_bytes())
    (folder / "plan.docx").write_bytes(DOCX.read_bytes())
    (folder / "notes.json").write_text("{}")  # not a supported input
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out)]) == 0
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.json")) == ["plan.docx.json", "sub/plan.txt.json"]
    assert main(["extract", str(folder), "-o", str(out), "--to", "md"]) == 0
    assert (out / "sub" / "plan.txt.md").read_text().startswith("# Kế hoạch ")
    assert main(["extract", str(folder), "-o", str(out), "--to", "jsonl"]) == 2


def test_files_of_one_name_from_two_folders_keep_their_paths_below_o(tmp_path, capsys, monkeypatch):
    """A/plan.docx and B/plan.docx go to DIR/A/plan.docx.json and DIR/B/plan.docx.json (their path below
    their common folder, as batch mirrors paths); a file of its own name keeps DIR/<file name>.json."""
    for folder in ("A", "B/sub"):
        (tmp_path / "in" / folder).mkdir(parents=True)
    (tmp_path / "in" / "A" / "plan.docx").write_bytes(DOCX.read_bytes())
    (tmp_path / "in" / "B" / "sub" / "plan.docx").write_bytes(DOCX.read_bytes())
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "in/A/plan.docx", str(tmp_path / "in/B/sub/plan.docx"), str(SEED), "-o", str(out)]) == 0
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert written == sorted(["A/plan.docx.json", "B/sub/plan.docx.json", f"{SEED.name}.json"])
    doc = PlanDocument.model_validate_json((out / "A" / "plan.docx.json").read_text(encoding="utf-8"))
    assert doc.source.path == "in/A/plan.docx" and doc.metadata.title
    assert main(["extract", "in/A/plan.docx", "in/B/sub/plan.docx", "-o", str(out / "md"), "--to", "md"]) == 0
    assert (out / "md" / "B" / "sub" / "plan.docx.md").read_text(encoding="utf-8").startswith("# Kế hoạch ")
    capsys.readouterr()
    assert main(["extract", "in/A/plan.docx", "in/A/../A/plan.docx", "-o", str(out / "twice")]) == 2
    assert "already written" in capsys.readouterr().err  # one file named twice is still refused


def test_markdown_has_metadata_sections_tasks_and_citations(capsys):
    assert main(["extract", str(SEED), "--to", "md"]) == 0
    text = capsys.readouterr().out
    doc = extract(SEED)
    assert text.startswith(f"# {doc.metadata.doc_type} {doc.metadata.title}\n")
    assert f"| issuer | {doc.metadata.issuer} |" in text
    tree = text.split("## Sections", 1)[1].split("## Tasks", 1)[0]
    for section in doc.sections:
        indent = "  " if section.parent else ""
        assert f"\n{indent}- {section.number}. {section.title}\n" in tree
    tasks = text.split("## Tasks", 1)[1].split("## Citations", 1)[0]
    rows = [line for line in tasks.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == len(doc.tasks) > 0
    assert doc.tasks[0].lead[0] in rows[0] and doc.tasks[0].period.text in rows[0]
    citations = text.split("## Citations", 1)[1].split("## Recipients", 1)[0]
    items = [line for line in citations.splitlines() if line.startswith("- ")]
    assert len(items) == len(doc.citations) > 0
    assert all(f"“{c.text}”" in item for c, item in zip(doc.citations, items, strict=True))


def test_missing_inputs_stop_before_any_work(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(SEED), str(tmp_path / "mistyped"), "-o", str(out)]) == 2
    said = capsys.readouterr()
    assert said.err == f"vnplan: error: {tmp_path / 'mistyped'}: no such file or folder\n"
    assert not out.exists()  # nothing extracted, nothing written
    (tmp_path / "empty").mkdir()
    (tmp_path / "plan.xlsx").write_text("x")
    assert main(["extract", str(tmp_path / "empty"), str(tmp_path / "plan.xlsx")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith("empty: no supported files in the folder")
    assert lines[1].startswith(f"vnplan: error: {tmp_path / 'plan.xlsx'}: unsupported file type '.xlsx'")


def test_extract_collects_its_youngest_objects_less_often(tmp_path):
    """`vnplan extract` sets the youngest generation's collection threshold (700 by default), and only that one."""
    import gc

    from extractor.cli import YOUNG_GC_THRESHOLD

    before = gc.get_threshold()
    try:
        assert main(["extract", str(PDF), "-o", str(tmp_path)]) == 0
        assert gc.get_threshold() == (YOUNG_GC_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)


# --- from Python ---------------------------------------------------------------------------------------------


def test_python_entry_points_for_content_in_hand():
    from_file = extract(SEED)
    from_text = extract_text(SEED.read_text(encoding="utf-8"))
    assert from_text.source.path == "-" and from_text.text == from_file.text
    assert from_text.citations == from_file.citations and from_text.tasks == from_file.tasks
    from_bytes = extract_bytes(DOCX.read_bytes(), "docx", name="upload.docx")
    assert from_bytes.source.path == "upload.docx" and same_extraction(from_bytes, extract(DOCX))
    guessed = extract_bytes(PDF.read_bytes())
    assert guessed.source.format == "pdf" and guessed.source.pages == extract(PDF).source.pages
    with pytest.raises(VnplanError, match="not a PDF"):
        extract_bytes(SEED.read_bytes(), "pdf")


def test_schema_names_its_dialect_and_id(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert list(schema)[:2] == ["$schema", "$id"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(SCHEMA_VERSION) and SCHEMA_VERSION == "1.1"
    assert schema["properties"]["schema_version"]["const"] == "1.1"
    assert set(schema["$defs"]["Quality"]["properties"]) == {
        "ocr_text_share", "pages_repaired", "pages_ocr", "draft", "warnings_by_code", "needs_review",
    }
    assert "key" in schema["$defs"]["Unit"]["required"]


# --- packaging -----------------------------------------------------------------------------------------------


def test_ray_is_an_extra_that_ci_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(dep.split(">")[0].split("=")[0].strip() == "ray" for dep in project["dependencies"])
    assert any(dep.startswith("ray") for dep in project["optional-dependencies"]["ray"])
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^EXTRAS \?= test$", makefile, re.M)  # make run / make test: no Ray
    assert "pip install -q -e '.[$(EXTRAS)]'" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test EXTRAS=test,ray\b", ci, re.M)  # so CI tests the Ray engine
    readme = (ROOT / "README.md").read_text()
    assert "pip install 'vnplan[ray]'" in readme


def test_batch_with_ray_engine_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    from extractor.commands import batch

    monkeypatch.setattr(batch, "importlib_missing", lambda name: True)
    assert main(["batch", str(SEED), "--out", str(tmp_path / "o"), "--engine", "ray"]) == 2
    assert "pip install 'vnplan[ray]'" in capsys.readouterr().err
