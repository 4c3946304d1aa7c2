"""The evaluation (`vnplan eval`): every scoring rule of GUIDELINES.md on small hand-made gold/output pairs,
then the command itself on the corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from copy import deepcopy

import pytest

from extractor.base import textsim
from extractor.cli import main
from extractor.commands import scoring
from tests.conftest import CORPUS, GOLD, REAL_GOLD, ROOT

GOLD_FILES = sorted(GOLD.glob("*.gold.json")) + sorted(REAL_GOLD.glob("*.gold.json"))


def as_output(gold: dict) -> dict:
    """A PlanDocument-shaped dict that says exactly what the gold says."""
    meta = {k: v for k, v in gold["metadata"].items() if not k.startswith("signer_")}
    meta["signer"] = {"title": gold["metadata"]["signer_title"], "name": gold["metadata"]["signer_name"]}
    return {
        "metadata": meta,
        "sections": [dict(s, id=f"s{i}") for i, s in enumerate(gold["sections"])],
        "citations": [dict(c, id=f"c{i}", refers_to=None) for i, c in enumerate(gold["citations"])],
        "tasks": [
            {
                "id": f"t{i}",
                "text": t["text"],
                "period": {"quarters": t["quarters"], "months": t["months"], "deadlines": t["deadlines"]},
                "lead": t["lead"],
                "coordinating": t["coordinating"],
            }
            for i, t in enumerate(gold["tasks"])
        ],
        "recipients": list(gold["recipients"]),
    }


def gold_doc(**parts) -> dict:
    base = {
        "metadata": {name: None for name in scoring.METADATA_FIELDS},
        "sections": [],
        "citations": [],
        "tasks": [],
        "recipients": [],
    }
    base.update(parts)
    return base


def task(text, quarters=(), months=(), deadlines=(), lead=(), coordinating=()) -> dict:
    return {
        "text": text,
        "quarters": list(quarters),
        "months": list(months),
        "deadlines": list(deadlines),
        "lead": list(lead),
        "coordinating": list(coordinating),
    }


def citation(code=None, doc_type="Quyết định", year=None, date=None, issuer=None, refers_to=None) -> dict:
    return {"code": code, "doc_type": doc_type, "year": year, "date": date, "issuer": issuer, "refers_to": refers_to}


# --- perfect score ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_scored_against_itself_is_perfect(path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    scores = scoring.score_document(gold, as_output(gold))
    for family in ("sections", "citations", "tasks", "recipients"):
        match = scores[family].match
        assert match.fp == 0 and match.fn == 0, family
    for family, score in scores.items():
        for name, acc in score.fields.items():
            assert acc.correct == acc.total, (family, name)
        for name, prf in score.units.items():
            assert prf.fp == 0 and prf.fn == 0, (family, name)
        assert not score.missed and not score.extra and not score.wrong, family
    assert scores["metadata"].fields["issuer"].total == 1


# --- sections -----------------------------------------------------------------------------------


def test_missed_section_lowers_recall_only():
    gold = [{"number": "I", "title": "MỤC ĐÍCH, YÊU CẦU", "level": 1}, {"number": "1", "title": "Mục đích", "level": 2}]
    output = [{"number": "I.", "title": "Mục đích, yêu cầu", "level": 1}]
    score = scoring.score_sections(gold, output)
    assert (score.match.tp, score.match.fp, score.match.fn) == (1, 0, 1)
    assert score.match.precision == 1.0 and score.match.recall == 0.5
    assert score.missed == ["1 Mục đích"]


def test_section_title_80_percent_similar_does_not_match():
    gold = [{"number": "3", "title": "Kinh phí thực hiện", "level": 2}]
    output = [{"number": "3", "title": "Kinh phí thực hiện kế hoạch", "level": 2}]
    assert 75 <= textsim.ratio(gold[0]["title"], output[0]["title"]) < 85
    score = scoring.score_sections(gold, output)
    assert (score.match.tp, score.match.fp, score.match.fn) == (0, 1, 1)


def test_section_needs_same_number_and_level_is_scored_on_matches():
    gold = [{"number": "2.2.1", "title": "Thành tích đột xuất", "level": 3}]
    assert scoring.score_sections(gold, [{"number": "2.2.2", "title": "Thành tích đột xuất", "level": 3}]).match.tp == 0
    score = scoring.score_sections(gold, [{"number": "2.2.1.", "title": "Thành tích đột xuất:", "level": 2}])
    assert score.match.tp == 1
    assert (score.fields["level"].correct, score.fields["level"].total) == (0, 1)
    assert score.wrong[0]["field"] == "level"


# --- citations ----------------------------------------------------------------------------------


def test_citation_without_code_matches_on_type_and_year():
    gold = [citation(doc_type="Luật", year=2003), citation(doc_type="Luật", year=2013)]
    output = [citation(doc_type="luật", year=2003), citation(doc_type="Luật", year=2022)]
    score = scoring.score_citations(gold, output)
    assert (score.match.tp, score.match.fp, score.match.fn) == (1, 1, 1)


def test_citation_code_ignores_spaces_case_and_dash_variants():
    gold = [citation("34-CT/TW", "Chỉ thị", date="2014-04-07", issuer="Bộ Chính trị")]
    output = [citation("34 – ct/TW", "Chỉ thị", date="2014-04-07", issuer="Bộ Chính trị")]
    score = scoring.score_citations(gold, output)
    assert score.match.tp == 1 and score.fields["issuer"].correct == 1


def test_refers_to_and_repeated_code_are_not_new_documents():
    gold = [citation("01/CT-UBND", "Chỉ thị", date="2021-01-18", issuer="Ủy ban nhân dân tỉnh Cao Bằng")]
    output = [
        citation("01/CT-UBND", "Chỉ thị", date="2021-01-18", issuer="UBND tỉnh Cao Bằng"),
        citation("01/CT-UBND", "Chỉ thị"),
        citation(None, "Chỉ thị", refers_to="c0"),
    ]
    score = scoring.score_citations(gold, output)
    assert (score.match.tp, score.match.fp, score.match.fn) == (1, 0, 0)
    # The abbreviation UBND is expanded before comparing issuers.
    assert all(acc.correct == acc.total == 1 for acc in score.fields.values())


def test_citation_field_accuracy_on_matched_documents():
    gold = [citation("3700/QĐ-UBND", date="2016-12-27", issuer="Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu")]
    output = [citation("3700/QĐ-UBND", doc_type="Kế hoạch", date="2016-12-26", issuer=None)]
    score = scoring.score_citations(gold, output)
    assert score.match.tp == 1
    assert {name: acc.correct for name, acc in score.fields.items()} == {"doc_type": 0, "date": 0, "issuer": 0}
    assert {w["field"] for w in score.wrong} == {"doc_type", "date", "issuer"}


# --- tasks --------------------------------------------------------------------------------------


def output_task(text, quarters=(), months=(), deadlines=(), lead=(), coordinating=()) -> dict:
    view = task(text, quarters, months, deadlines, lead, coordinating)
    return {
        "text": text,
        "period": {n: view[n] for n in scoring.TASK_TIME_FIELDS},
        "lead": view["lead"],
        "coordinating": view["coordinating"],
    }


def test_quarter_breaks_ties_between_equal_texts():
    gold = [task("Đăng ký thi đua năm 2021", quarters=[1]), task("Đăng ký thi đua năm 2021", quarters=[2])]
    output = [
        output_task("Đăng ký thi đua năm 2021", quarters=[2]),
        output_task("Đăng ký thi đua năm 2021", quarters=[1]),
    ]
    score = scoring.score_tasks(gold, output)
    assert score.match.tp == 2
    assert score.fields["quarters"].correct == 2


def test_a_text_inside_a_longer_one_pairs_with_its_own_match():
    """Token-set similarity is 100 for a text whose words all stand in a longer one (the Hà Tĩnh
    environment plan, tune split: a Sở's duty "Đôn đốc các địa phương triển khai đầu tư xây dựng cơ sở hạ
    tầng ..." and the districts' "Triển khai đầu tư xây dựng cơ sở hạ tầng ..."); the closest texts pair."""
    short = "Triển khai đầu tư xây dựng cơ sở hạ tầng tại các cụm công nghiệp"
    long = "Đôn đốc các địa phương " + short.lower()
    gold = [task(long, lead=["Sở Công Thương"]), task(short, lead=["UBND các huyện"])]
    for output in ([output_task(short, lead=["UBND các huyện"]), output_task(long, lead=["Sở Công Thương"])],
                   [output_task(long, lead=["Sở Công Thương"]), output_task(short, lead=["UBND các huyện"])]):
        score = scoring.score_tasks(gold, output)
        assert score.match.tp == 2
        assert score.units["lead"].tp == 2


def test_assignment_maximises_the_number_of_pairs():
    # A greedy choice of the best pair (0, 0) would leave gold 1 unmatched.
    pairs = scoring.match_one_to_one([[95.0, 90.0], [90.0, 0.0]], 85.0)
    assert pairs == [(0, 1), (1, 0)] if scoring.MATCHING == "optimal" else len(pairs) == 1


def test_greedy_fallback_without_scipy(monkeypatch):
    monkeypatch.setattr(scoring, "linear_sum_assignment", None)
    assert scoring.match_one_to_one([[95.0, 90.0], [90.0, 0.0]], 85.0) == [(0, 0)]
    # Among equal similarities the tie-breaker decides.
    assert scoring.match_one_to_one([[90.0, 90.0]], 85.0, tie=lambda i, j: j == 1) == [(0, 1)]


def test_task_text_token_set_threshold_and_time_accuracy():
    gold = [task("Tổ chức tập huấn nghiệp vụ thi đua, khen thưởng", months=[11, 12, 1], deadlines=["2021-11-15"])]
    output = [
        output_task(
            "Tổ chức tập huấn nghiệp vụ về thi đua khen thưởng cho cán bộ", months=[1, 11, 12], deadlines=["2021-11-30"]
        )
    ]
    score = scoring.score_tasks(gold, output)
    assert score.match.tp == 1
    assert score.fields["months"].correct == 1 and score.fields["quarters"].correct == 1
    assert score.fields["deadlines"].correct == 0
    assert scoring.score_tasks(gold, [output_task("Xét khen thưởng cuối năm", months=[12])]).match.tp == 0


def test_tasks_without_time_or_unit_are_not_scored_on_either_side():
    gold = [task("Quán triệt kế hoạch đến toàn thể cán bộ"), task("Báo cáo kết quả", deadlines=["2021-12-15"])]
    output = [
        output_task("Quán triệt kế hoạch đến toàn thể cán bộ"),
        output_task("Báo cáo kết quả", deadlines=["2021-12-15"]),
    ]
    score = scoring.score_tasks(gold, output)
    assert (score.match.tp, score.match.fp, score.match.fn) == (1, 0, 0)


def test_collective_units_score_the_same_one_entry_or_several():
    gold = [
        task(
            "Triển khai kế hoạch",
            lead=["Các sở, ban, ngành"],
            coordinating=["Các phòng chuyên môn và các đơn vị trực thuộc"],
        )
    ]
    split = [
        output_task(
            "Triển khai kế hoạch",
            lead=["Các sở", "ban", "ngành"],
            coordinating=["các phòng chuyên môn", "Các đơn vị  trực thuộc"],
        )
    ]
    joined = [
        output_task(
            "Triển khai kế hoạch",
            lead=["các Sở, ban, ngành"],
            coordinating=["Các phòng chuyên môn, các đơn vị trực thuộc"],
        )
    ]
    for output in (split, joined):
        score = scoring.score_tasks(gold, output)
        assert score.units["lead"].f1 == 1.0 and score.units["coordinating"].f1 == 1.0


def test_unit_abbreviations_and_partial_unit_f1():
    gold = [task("Tổ chức hội nghị", lead=["Sở Lao động - Thương binh và Xã hội"], coordinating=["Sở Nội vụ"])]
    output = [output_task("Tổ chức hội nghị", lead=["Sở LĐTB&XH"], coordinating=["Sở Nội vụ", "Sở Tài chính"])]
    score = scoring.score_tasks(gold, output)
    assert score.units["lead"].f1 == 1.0
    coordinating = score.units["coordinating"]
    assert (coordinating.tp, coordinating.fp, coordinating.fn) == (1, 1, 0)


# --- metadata -----------------------------------------------------------------------------------


def test_metadata_null_tone_placement_abbreviations_and_signer():
    gold = dict.fromkeys(scoring.METADATA_FIELDS)
    gold.update(
        province="Khánh Hoà",
        parent_issuer="Ủy ban nhân dân tỉnh Khánh Hòa",
        issuer="Sở Lao động - Thương binh và Xã hội",
        title="Công tác thi đua, khen thưởng năm 2021",
        plan_year=2021,
        signer_title="GIÁM ĐỐC",
        number=None,
        symbol="KH-SLĐTBXH",
    )
    output = {
        "province": "Khánh Hòa",
        "parent_issuer": "UBND TỈNH KHÁNH HOÀ",
        "issuer": "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI",
        "title": "Về công tác thi đua, khen thưởng năm 2021",
        "plan_year": 2021,
        "number": None,
        "symbol": "KH-SLĐTBXH",
        "signer": {"title": "Giám đốc", "name": "Hoàng Thị Mỹ Hào"},
    }
    score = scoring.score_metadata(gold, output)
    wrong = {w["field"] for w in score.wrong}
    # signer_name: gold null, output a value -> wrong; every other field right (null vs null included).
    assert wrong == {"signer_name"}
    assert score.fields["number"].correct == 1 and score.fields["doc_type"].correct == 1
    assert scoring.score_metadata(gold, {}).fields["province"].correct == 0


def test_metadata_fuzzy_fields_need_token_sort_90():
    assert scoring.same_metadata_value("issuer", "Hội đồng Thi đua - Khen thưởng tỉnh", "tỉnh Hội đồng TĐKT")
    assert not scoring.same_metadata_value("issuer", "Sở Nội vụ", "Sở Tài chính")
    assert not scoring.same_metadata_value("province", "Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu")
    assert scoring.same_metadata_value("issued_date", "2021-03", "2021-03")
    assert not scoring.same_metadata_value("issued_date", "2021-03", "2021-03-01")


def test_wrong_non_null_metadata_values_are_counted_apart_from_nulls():
    """Right, missing (null where gold has a value), wrong (another value) and spurious (a value where gold
    is null): the last two are the wrong non-null values, counted per field and in total."""
    gold = dict.fromkeys(scoring.METADATA_FIELDS)
    gold.update(doc_type="Kế hoạch", number="15", symbol="KH-BYT", issuer="Bộ Y tế", issued_date="2024-03-05")
    output = {
        "doc_type": "Kế hoạch",  # right
        "number": "51",  # wrong
        "symbol": None,  # missing
        "issuer": "Bộ Tài chính",  # wrong
        "issued_date": None,  # missing
        "province": "Hà Nội",  # spurious: a central body has no province
        "signer": {"title": None, "name": None},
    }
    score = scoring.score_metadata(gold, output)
    kinds = {name: o for name, o in score.outcomes.items() if o.right == 0}
    assert {name: (o.missing, o.wrong, o.spurious) for name, o in kinds.items()} == {
        "number": (0, 1, 0),
        "symbol": (1, 0, 0),
        "issuer": (0, 1, 0),
        "issued_date": (1, 0, 0),
        "province": (0, 0, 1),
    }
    assert sum(o.right for o in score.outcomes.values()) == len(scoring.METADATA_FIELDS) - 5
    assert {w["field"]: w["kind"] for w in score.wrong}["province"] == "spurious"
    # Accuracy is unchanged: every non-right outcome is a miss.
    assert sum(a.correct for a in score.fields.values()) == len(scoring.METADATA_FIELDS) - 5

    twice = scoring.sum_scores([{"metadata": score}, {"metadata": scoring.score_metadata(gold, output)}])
    assert twice["metadata"].outcomes["number"].wrong_non_null == 2
    province = twice["metadata"].outcomes["province"].as_dict()
    assert province == {"right": 0, "missing": 0, "wrong": 0, "spurious": 2, "wrong_non_null": 2}


def test_wrong_non_null_counts_are_reported_per_split_in_text_markdown_and_json():
    from extractor.commands import evaluate

    gold = gold_doc()
    gold["metadata"].update(number="15", issuer="Bộ Y tế")
    wrong_output = {"metadata": {"number": "51", "issuer": "Bộ Y tế", "province": "Hà Nội"}}
    right_output = {"metadata": {"number": "15", "issuer": "Bộ Y tế"}}

    def result(name: str, output: dict, split: str) -> evaluate.DocumentResult:
        return evaluate.DocumentResult(
            name, "g", "corpus/wild", "docx", None, scoring.score_document(gold, output), split=split
        )

    results = [
        result("a.docx", wrong_output, "tune"),
        result("b.docx", right_output, "tune"),
        result("sealed.docx", wrong_output, "check"),
        result("sealed2.docx", wrong_output, "check"),
    ]
    report = evaluate.build_report(results, [], [])
    tune = report["groups"]["split:tune"]["metadata"]["outcomes"]
    check = report["groups"]["split:check"]["metadata"]["outcomes"]
    assert (tune["number"]["wrong"], tune["province"]["spurious"]) == (1, 1)
    assert tune["all"] == {"right": 20, "missing": 0, "wrong": 1, "spurious": 1, "wrong_non_null": 2}
    assert check["all"]["wrong_non_null"] == 4
    assert {d["path"] for d in report["documents"]} == {"a.docx", "b.docx"}  # check: aggregates only

    title = "Metadata (wrong non-null values"
    text = evaluate.render_text(report, detail=True)
    table = text.split(f"\n{title}", 1)[1].split("\n\n", 1)[0].splitlines()
    header = table[1].split()
    rows = {line.split()[0]: dict(zip(header, line.split(), strict=True)) for line in table[2:]}
    assert set(rows) == {"overall", "split:tune", "split:check", "source:corpus/wild", "format:docx"}
    tune_row = rows["split:tune"]
    assert (tune_row["number"], tune_row["province"], tune_row["issuer"]) == ("1", "1", "0")
    assert (tune_row["wrong"], tune_row["spurious"], tune_row["missing"], tune_row["right"]) == ("2", "1", "0", "20")
    assert rows["split:check"]["wrong"] == "4" and rows["overall"]["wrong"] == "6"
    assert "~ metadata [province, spurious]: gold null / output Hà Nội" in text
    assert "sealed" not in text
    markdown = evaluate.render_markdown(report)
    assert f"**{title}" in markdown and "| split:check | 2 | 0 | 2 |" in markdown
    figures = evaluate._logged_figures(report["groups"]["split:check"])
    assert figures["metadata.wrong_non_null"] == 4


def test_fold_folds_tone_placement_and_abbreviations():
    assert textsim.ratio("hoà", "hòa") == 100
    assert textsim.ratio("Thuỷ lợi", "thủy lợi") == 100
    assert textsim.ratio("UBND tỉnh Cao Bằng", "Ủy ban nhân dân tỉnh Cao Bằng") == 100


# --- recipients ---------------------------------------------------------------------------------


def test_recipients_ignore_bracketed_notes():
    gold = ["Ban TĐKT tỉnh", "Sở Nội vụ", "Lãnh đạo Sở", "Các phòng chuyên môn"]
    output = ["Ban TĐKT tỉnh (b/c)", "Sở Nội vụ (để báo cáo)", "Lãnh đạo Sở", "Như trên"]
    score = scoring.score_recipients(gold, output)
    assert (score.match.tp, score.match.fp, score.match.fn) == (3, 1, 1)
    assert score.missed == ["Các phòng chuyên môn"] and score.extra == ["Như trên"]


# --- aggregation --------------------------------------------------------------------------------


def test_scores_are_micro_averaged_over_documents():
    one = gold_doc(recipients=["Sở Nội vụ"])
    two = gold_doc(recipients=["Sở Tài chính", "Sở Y tế", "Sở Xây dựng"])
    total = scoring.sum_scores(
        [
            scoring.score_document(one, {"recipients": ["Sở Nội vụ"]}),
            scoring.score_document(two, {"recipients": ["Sở Tài chính"]}),
        ]
    )
    assert total["recipients"].match.recall == pytest.approx(2 / 4)  # macro would give (1 + 1/3) / 2
    assert total["metadata"].fields["title"].total == 2


# --- the command --------------------------------------------------------------------------------


def test_command_on_corpus_prints_every_group():
    """The real command, as a user runs it: every document with a gold file is scored and every group
    printed. Inputs whose reader has not landed yet are reported as one-line errors (exit status 1)."""
    from extractor.readers import READERS

    scored = [p for p in CORPUS.rglob("*") if p.is_file() and (GOLD / f"{p.stem}.gold.json").is_file()]
    assert scored
    out = subprocess.run(
        [sys.executable, "-m", "extractor", "eval", "--gold", "tests/gold", "corpus"],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=ROOT,
    )
    assert out.returncode in (0, 1), out.stderr
    assert all(line.startswith(("vnplan: error: ", "vnplan eval: note: ")) for line in out.stderr.splitlines())
    assert out.stdout.startswith(f"vnplan eval: {len(scored)} documents scored")
    groups = {"overall"}
    groups |= {f"source:{p.parent.relative_to(ROOT)}" for p in scored}
    groups |= {f"format:{READERS[p.suffix.lower()][1]}" for p in scored}
    for title in ("Sections", "Citations", "Tasks", "Metadata (accuracy)", "Metadata (wrong non-null", "Recipients"):
        table = out.stdout.split(f"\n{title}", 1)[1].split("\n", 1)[1].split("\n\n", 1)[0]
        assert {line.split()[0] for line in table.splitlines()[1:]} == groups, title


def test_json_detail_skips_errors_and_several_gold_dirs(tmp_path, capsys):
    inputs, gold_a, gold_b = tmp_path / "in", tmp_path / "gold_a", tmp_path / "gold_b"
    for folder in (inputs / "sub", gold_a, gold_b):
        folder.mkdir(parents=True)
    first = sorted(CORPUS.glob("*.txt"))[0]
    shutil.copy(first, inputs / "sub" / first.name)
    shutil.copy(GOLD / f"{first.stem}.gold.json", gold_b)
    (inputs / "no_gold.txt").write_text("Kế hoạch\n", encoding="utf-8")
    (inputs / "broken.txt").write_bytes(b"")
    broken_gold = deepcopy(json.loads((GOLD / f"{first.stem}.gold.json").read_text(encoding="utf-8")))
    (gold_a / "broken.gold.json").write_text(json.dumps(broken_gold, ensure_ascii=False), encoding="utf-8")

    status = main(["eval", "--gold", str(gold_a), "--gold", str(gold_b), "--json", str(inputs)])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert status == 1  # one input failed to extract; the run went on
    assert set(report["groups"]) == {"overall", f"source:{inputs}", f"source:{inputs / 'sub'}", "format:txt"}
    assert report["groups"]["overall"]["documents"] == 2
    assert report["groups"]["overall"]["errors"] == 1
    assert report["skipped"] == [str(inputs / "no_gold.txt")]
    assert "no gold file" in captured.err and "file is empty" in captured.err
    broken = next(d for d in report["documents"] if d["path"].endswith("broken.txt"))
    assert broken["error"] == "file is empty"
    # A failed extraction scores as an empty output: every gold section is missed.
    assert len(broken["detail"]["sections"]["missed"]) == len(broken_gold["sections"])
    assert broken["scores"]["sections"]["recall"] == 0.0

    main(["eval", "--gold", str(gold_b), "--markdown", str(inputs)])
    markdown = capsys.readouterr().out
    assert "| group | docs |" in markdown and "| overall |" in markdown

    main(["eval", "--gold", str(gold_b), "--detail", str(inputs)])
    detail = capsys.readouterr().out
    assert f"== {inputs / 'sub' / first.name}" in detail


def test_missing_gold_folder_is_a_one_line_error(tmp_path, capsys):
    assert main(["eval", "--gold", str(tmp_path / "nope"), str(CORPUS)]) == 2
    assert "gold folder not found" in capsys.readouterr().err


def test_a_family_absent_from_the_gold_is_not_scored():
    from extractor.commands.scoring import score_document

    output = {"sections": [], "citations": [], "recipients": [], "metadata": {},
              "tasks": [{"text": "Tổng kết năm", "period": {"quarters": [4]}, "lead": ["Sở Nội vụ"],
                         "coordinating": []}]}
    partial = score_document({"document": "x", "metadata": {}, "sections": [], "citations": [], "recipients": []},
                             output)
    assert partial["tasks"].match.fp == 0 and partial["tasks"].match.tp == 0
    annotated_none = score_document({"document": "x", "tasks": []}, output)
    assert annotated_none["tasks"].match.fp == 1
