"""`vnplan bench`: its report logic (targets, PASS/FAIL lines) and its bundled samples; no timings asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.commands.bench import (
    BUNDLED_SAMPLES,
    TARGETS,
    corpus_by_format,
    print_report,
    resolve_corpus,
    verdict_lines,
    verdicts,
)


def _report(figures: dict[str, float]) -> dict:
    return {"machine": {"cores": 2, "workers": 2}, "formats": {}, "stage_share": {}, "peak_rss_mb_main": 80.0,
            "figures": figures}


def test_each_figure_is_judged_against_its_target() -> None:
    report = _report({"pdf_process_pages_per_s": 62.0, "pdf_time_vs_pypdfium2": 11.5, "ocr_seconds_per_page": 1.5})
    judged = {key: passed for key, _, _, passed in verdicts(report)}
    # At least as fast as the target passes; a ratio or time above its ceiling fails; the bound itself passes.
    assert judged == {"pdf_process_pages_per_s": True, "pdf_time_vs_pypdfium2": False, "ocr_seconds_per_page": True}


def test_verdict_lines_name_value_target_and_outcome() -> None:
    lines = verdict_lines(_report({"pdf_process_pages_per_s": 31.25, "ocr_seconds_per_page": 0.9}))
    assert lines == [
        "FAIL  born-digital PDF pages/s, one `vnplan extract` process: 31.25 pages/s (target >= 50 pages/s)",
        "PASS  scanned PDF seconds a page (OCR): 0.90 s (target <= 1.5 s)",
    ]


def test_missing_figures_are_left_out() -> None:
    assert verdict_lines(_report({})) == []
    assert verdict_lines({"figures": {"not a target": 3.0}}) == []


def test_printed_report_ends_with_targets(capsys: pytest.CaptureFixture[str]) -> None:
    print_report(_report({"pdf_time_vs_pypdfium2": 4.0}))
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["targets:", "  PASS  born-digital PDF time / pypdfium2 text extraction: 4.00x (target <= 10x)"]


def test_every_target_reads_as_a_bound() -> None:
    for target in TARGETS.values():
        assert target.text().startswith(("<= ", ">= "))
        assert target.passed(target.limit)


def test_bundled_samples_found_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    corpus = resolve_corpus(None)
    assert corpus == BUNDLED_SAMPLES and corpus.is_dir()
    groups = corpus_by_format(corpus)
    assert {"txt", "pdf", "scanned pdf"} <= set(groups)
    # The samples are the committed corpus files, byte for byte.
    repo_corpus = Path(__file__).resolve().parent.parent / "corpus"
    for path in groups["pdf"]:
        assert path.read_bytes() == (repo_corpus / "pdf" / path.name).read_bytes()
    assert resolve_corpus(str(tmp_path)) == tmp_path


def test_bench_outside_the_repo_refuses_only_a_missing_folder(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "extractor", "bench", "--corpus", "nowhere"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "vnplan: error: nowhere: not a folder"
