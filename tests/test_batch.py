"""`vnplan batch`: parallel, resumable extraction of a folder tree, with failures recorded, not fatal."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from extractor.commands import batch
from extractor.commands.batch_engines import DocTask, output_stamp, process_document
from models import PlanDocument
from tests.conftest import CORPUS, ROOT, need

SEEDS = sorted(CORPUS.glob("*.txt"))


def run_batch(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser()
    batch.register(parser.add_subparsers())
    args = parser.parse_args(["batch", *map(str, argv)])
    return args.func(args)


def cli(*argv: str | Path, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "extractor", "batch", *map(str, argv)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, **kwargs)


def outputs(out_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out_dir)): p.read_bytes() for p in sorted(out_dir.rglob("*.json"))}


def error_records(out_dir: Path) -> list[dict]:
    path = out_dir / "errors.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/a/<seed>.txt and in/b/c/<seed>.txt: the same names in two folders."""
    root = tmp_path / "in"
    for sub in ("a", "b/c"):
        (root / sub).mkdir(parents=True)
        for seed in SEEDS:
            shutil.copy(seed, root / sub / seed.name)
    (root / "a" / "notes.json").write_text("{}")  # not a supported input: ignored
    return root


def test_folder_outputs_mirror_inputs_and_rerun_skips_up_to_date(tree, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_batch(tree, "--out", out, "--workers", "2") == 0
    names = sorted(outputs(out))
    assert names == sorted(f"{sub}/{s.name}.json" for sub in ("a", "b/c") for s in SEEDS)
    for name in names:
        doc = PlanDocument.model_validate_json((out / name).read_text())
        source = tree / name[: -len(".json")]
        assert doc.source.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        assert doc.source.path == str(source)
    assert f"{len(names)} extracted" in capsys.readouterr().out

    stamps = {name: (out / name).stat().st_mtime_ns for name in names}
    assert run_batch(tree, "--out", out, "--workers", "2") == 0
    assert f"0 extracted, {len(names)} up to date" in capsys.readouterr().out
    assert stamps == {name: (out / name).stat().st_mtime_ns for name in names}

    changed = tree / "a" / SEEDS[0].name
    changed.write_bytes(changed.read_bytes() + "\nThêm một dòng.\n".encode())
    assert run_batch(tree, "--out", out) == 0
    assert f"1 extracted, {len(names) - 1} up to date" in capsys.readouterr().out
    doc = PlanDocument.model_validate_json((out / "a" / f"{SEEDS[0].name}.json").read_text())
    assert doc.source.sha256 == hashlib.sha256(changed.read_bytes()).hexdigest()

    assert run_batch(tree, "--out", out, "--force") == 0
    assert f"{len(names)} extracted, 0 up to date" in capsys.readouterr().out


def test_output_stamp_reads_only_complete_vnplan_documents(tmp_path):
    out = tmp_path / "x.txt.json"
    result = process_document(DocTask(str(SEEDS[0]), str(out), seconds=60))
    assert result.status == "done"
    doc = json.loads(out.read_text())
    assert output_stamp(out) == (doc["schema_version"], doc["pipeline_version"], doc["source"]["sha256"])
    out.write_bytes(out.read_bytes()[:-40])  # cut short: not taken as up to date
    assert output_stamp(out) is None
    assert process_document(DocTask(str(SEEDS[0]), str(out), seconds=60)).status == "done"
    assert process_document(DocTask(str(SEEDS[0]), str(out), seconds=60)).status == "skipped"
    older = out.read_text().replace(f'"pipeline_version": "{doc["pipeline_version"]}"', '"pipeline_version": "0"')
    out.write_text(older)
    assert process_document(DocTask(str(SEEDS[0]), str(out), seconds=60)).status == "done"


def test_skip_and_worker_death_share_one_up_to_date_check(tmp_path):
    """A rerun skips, and a worker that died after writing counts as done, on the same check: same input
    bytes, schema and pipeline version; a changed input is neither."""
    from extractor.commands.batch_engines import _died, output_up_to_date

    source = tmp_path / SEEDS[0].name
    source.write_bytes(SEEDS[0].read_bytes())
    task = DocTask(str(source), str(tmp_path / "out.json"), seconds=60)
    assert not output_up_to_date(task)
    assert _died(task, -9, 0.0).status == "failed"
    assert process_document(task).status == "done"
    assert output_up_to_date(task) and not output_up_to_date(dataclasses.replace(task, source=str(tmp_path)))
    assert _died(task, -9, 0.0).status == "done" and process_document(task).status == "skipped"
    assert _died(dataclasses.replace(task, force=True), -9, 0.0).status == "failed"
    source.write_bytes(SEEDS[0].read_bytes() + "\nThêm một dòng.\n".encode())
    assert not output_up_to_date(task)
    assert _died(task, -9, 0.0).status == "failed" and process_document(task).status == "done"


def test_failures_are_recorded_and_the_batch_goes_on(tree, tmp_path, capsys):
    out = tmp_path / "out"
    empty = tree / "a" / "empty.txt"
    empty.write_bytes(b"")
    (tree / "a" / "blank.txt").write_text("   \n\n")
    assert run_batch(tree, "--out", out, "--workers", "2") == 1
    records = error_records(out)
    assert sorted(r["output"] for r in records) == ["a/blank.txt.json", "a/empty.txt.json"]
    for record in records:
        assert record["status"] == "failed" and record["stage"] == "read" and record["error"]
        assert record["file"] == str(tree / record["output"][: -len(".json")])
        assert record["time"] and record["run"]
    assert len(outputs(out)) == 2 * len(SEEDS)
    assert "2 failed" in capsys.readouterr().out

    empty.write_bytes(SEEDS[0].read_bytes())  # fixed: the next run extracts it and says so in the log
    (tree / "a" / "blank.txt").unlink()
    assert run_batch(tree, "--out", out) == 0
    records = error_records(out)
    assert [(r["output"], r["status"]) for r in records[2:]] == [("a/empty.txt.json", "resolved")]
    assert len(records) == 3  # the earlier failures stay in the log


def test_time_limit_fails_only_that_document(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text(SEEDS[0].read_text(encoding="utf-8") * 300, encoding="utf-8")
    shutil.copy(SEEDS[1], folder / "small.txt")
    out = tmp_path / "out"
    # 300 plans in one file take seconds; one plan takes milliseconds: a 1 s limit parts them on any machine.
    assert run_batch(folder, "--out", out, "--timeout", "1", "--workers", "1") == 1
    [record] = error_records(out)
    assert record["output"] == "big.txt.json" and "time limit" in record["error"]
    assert list(outputs(out)) == ["small.txt.json"]


def test_symbolic_links_are_not_followed(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(SEEDS[0], outside / "linked.txt")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS[1], folder / "real.txt")
    (folder / "file-link.txt").symlink_to(outside / "linked.txt")
    (folder / "dir-link").symlink_to(outside, target_is_directory=True)
    out = tmp_path / "out"
    assert run_batch(folder, "--out", out) == 0
    assert list(outputs(out)) == ["real.txt.json"]
    assert "2 symbolic links not followed" in capsys.readouterr().out
    assert run_batch(folder / "file-link.txt", "--out", out) == 1
    assert "symbolic link" in error_records(out)[0]["error"]


def test_globs_and_lists_mirror_relative_paths(tree, tmp_path):
    out = tmp_path / "out"
    assert run_batch(str(tree / "**" / "00[01]_*.txt"), "--out", out) == 0
    assert sorted(outputs(out)) == sorted(
        f"{sub}/{s.name}.json" for sub in ("a", "b/c") for s in SEEDS[:2]
    )
    listing = tree / "list.lst"
    listing.write_text(f"# inputs\n\nb/c/{SEEDS[2].name}\n{tree / 'a' / SEEDS[3].name}\n", encoding="utf-8")
    out2 = tmp_path / "out2"
    assert run_batch(f"@{listing}", "--out", out2) == 0
    assert sorted(outputs(out2)) == sorted([f"b/c/{SEEDS[2].name}.json", f"a/{SEEDS[3].name}.json"])
    assert run_batch(str(tree / "nothing-*.txt"), "--out", out2) == 1
    assert "matched no file" in error_records(out2)[0]["error"]


def test_two_inputs_never_write_one_output(tree, tmp_path):
    out = tmp_path / "out"
    first, second = tree / "a" / SEEDS[0].name, tree / "b" / "c" / SEEDS[0].name
    assert run_batch(first, second, first, "--out", out) == 1
    assert list(outputs(out)) == [f"{SEEDS[0].name}.json"]
    assert PlanDocument.model_validate_json((out / f"{SEEDS[0].name}.json").read_text()).source.path == str(first)
    [record] = error_records(out)
    assert record["file"] == str(second) and "already written by" in record["error"]


def test_outputs_never_leave_the_output_folder(tree, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "a").symlink_to(elsewhere, target_is_directory=True)
    assert run_batch(tree, "--out", out) == 1
    assert not any(elsewhere.iterdir())
    assert {r["error"] for r in error_records(out)} == {"output path would leave the output folder"}


def test_logs_get_no_progress_bar_and_usage_errors_exit_2(tree, tmp_path, capsys):
    done = cli(tree / "a", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "━" not in done.stderr and "extracted" in done.stdout
    assert run_batch(tree, "--out", tmp_path / "o", "--address", "127.0.0.1:6379") == 2
    assert run_batch(tree, "--out", tmp_path / "o", "--workers", "0") == 2
    assert "--address needs --engine ray" in capsys.readouterr().err


def make_archive(count: int, folder: Path) -> None:
    script = ROOT / "scripts" / "make_archive.py"
    subprocess.run([sys.executable, str(script), str(count), str(folder)], check=True, capture_output=True)


def pool_workers(parent: psutil.Process) -> list[psutil.Process]:
    """The pool's workers: grandchildren of the batch process (children of the forkserver)."""
    try:
        return [p for p in parent.children(recursive=True) if p.ppid() != parent.pid]
    except psutil.NoSuchProcess:
        return []


def test_killed_worker_costs_one_document_and_rerun_completes_it(tmp_path):
    archive = tmp_path / "archive"
    make_archive(600, archive)
    # A large document first, so that the worker is surely busy with it when it is killed.
    (archive / "part000" / "000_0_large.txt").write_text(SEEDS[0].read_text(encoding="utf-8") * 80)
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    assert cli(archive, "--out", clean, "--workers", "2").returncode == 0

    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor", "batch", str(archive), "--out", str(broken), "--workers", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    parent = psutil.Process(proc.pid)
    # Kill the worker at a later age each time until a kill lands while it works on a document (a worker
    # killed while it starts up costs nothing: its pool is replaced and the documents are run again).
    killed = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        # Only once documents are coming out is the worker set up and spending its time on documents, so
        # a kill then lands inside one with high probability; repeat until one is recorded.
        working = any(broken.rglob("*.json"))
        if working and not any(r["stage"] == "worker" for r in error_records(broken)):
            for worker in pool_workers(parent):
                # A worker killed while it still starts up is recorded as such, not as a killed document:
                # wait until it has surely started (2 s is far beyond its start-up on a loaded machine).
                if time.time() - worker.create_time() > 2.0:
                    worker.send_signal(signal.SIGKILL)
                    killed += 1
        time.sleep(0.05)
    stdout, stderr = proc.communicate(timeout=60)
    assert killed >= 1
    assert proc.returncode == 1, stderr
    died = [r for r in error_records(broken) if r["stage"] == "worker"]
    assert died and all("SIGKILL" in r["error"] for r in died)
    assert len(outputs(broken)) == 601 - len(died)  # every other document was extracted

    rerun = cli(archive, "--out", broken, "--workers", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(died)} extracted, {601 - len(died)} up to date" in rerun.stdout
    assert outputs(broken) == outputs(clean)


def test_interrupted_batch_resumes_where_it_stopped(tmp_path):
    archive = tmp_path / "archive"
    make_archive(200, archive)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor", "batch", str(archive), "--out", str(out), "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while proc.poll() is None and len(list(out.rglob("*.json"))) < 20:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    finished = outputs(out)
    assert 20 <= len(finished) < 200
    for data in finished.values():
        PlanDocument.model_validate_json(data)  # whole documents only
    rerun = cli(archive, "--out", out)
    assert rerun.returncode == 0
    assert f"{200 - len(finished)} extracted, {len(finished)} up to date" in rerun.stdout


@pytest.fixture(scope="module")
def local_ray():
    try:
        import ray
    except ImportError:
        ray = None
    need(ray is not None, "ray is not installed (pip install 'vnplan[ray]')")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        address="local", num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1",
        logging_level="WARNING", log_to_driver=False,
    )
    yield ray
    ray.shutdown()


def test_ray_engine_gives_the_same_outputs_errors_and_resume(local_ray, tree, tmp_path, capsys):
    (tree / "a" / "empty.txt").write_bytes(b"")
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert run_batch(tree, "--out", local, "--workers", "2") == 1
    assert run_batch(tree, "--out", on_ray, "--engine", "ray", "--workers", "2") == 1
    assert outputs(on_ray) == outputs(local)
    strip = [{k: v for k, v in r.items() if k not in ("time", "run", "seconds")} for r in error_records(local)]
    assert [{k: v for k, v in r.items() if k not in ("time", "run", "seconds")} for r in error_records(on_ray)] == strip
    capsys.readouterr()
    assert run_batch(tree, "--out", on_ray, "--engine", "ray", "--workers", "2") == 1
    assert f"0 extracted, {2 * len(SEEDS)} up to date (skipped), 1 failed" in capsys.readouterr().out


def test_a_mistyped_input_stops_the_batch_before_any_work(tmp_path, capsys):
    out = tmp_path / "out"
    assert run_batch(SEEDS[0], tmp_path / "archvie", f"@{tmp_path / 'no-list.txt'}", "--out", out) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"vnplan: error: {tmp_path / 'archvie'}: no such file or folder",
        f"vnplan: error: {tmp_path / 'no-list.txt'}: cannot read the list of inputs",
    ]
    assert not out.exists()  # no folder made, no errors.jsonl, nothing extracted


def test_progress_reads_elapsed_then_left(capsys):
    reporter = batch.Reporter("plain", 100)
    assert reporter.plain_line(31, 2, 31.0).endswith("1.0 docs/s, elapsed 0:00:31 · left 0:01:09")
    assert batch.clock(3725.4) == "1:02:05"
    bar = batch.Reporter("bar", 10)
    try:
        from rich.console import Console

        console = Console(file=io.StringIO(), width=200)
        console.print(bar.bar.make_tasks_table(bar.bar.tasks))
        shown = console.file.getvalue()
    finally:
        bar.close()
    assert re.search(r"elapsed \d:\d\d:\d\d · left [-\d]:[-\d]{2}:[-\d]{2}", shown), shown


def test_summary_counts_documents_that_need_review(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS[:2]:
        shutil.copy(seed, folder / seed.name)
    lines = SEEDS[1].read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Số:"))
    (folder / "draft.txt").write_text("\n".join([*lines[:at], "DỰ THẢO", *lines[at:]]), encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(folder, "--out", out, "--workers", "1") == 0
    assert "  1 of 3 documents need review" in capsys.readouterr().out
    assert json.loads((out / "draft.txt.json").read_text())["quality"]["draft"] is True
    assert run_batch(folder, "--out", out, "--workers", "1") == 0  # up to date: read from the outputs' tails
    said = capsys.readouterr().out
    assert "3 up to date" in said and "  1 of 3 documents need review" in said
