"""`vnplan bench`: speed and memory figures for this machine, printed (not asserted by tests).

Measures, per input format, documents/s and pages/s for one worker and for all cores; time per stage;
peak resident memory per worker; cold start of `vnplan extract one.txt`; born-digital PDF pages/s of one
`vnplan extract FILES -o DIR` process (start-up included; by wall time, and by its CPU time: its cost on one
core, which other work on the machine slows less) beside plain pypdfium2 text extraction of the same
files; OCR seconds a page; and a document 10x the corpus average to show how cost grows with size.
Each figure with a target is printed with PASS or FAIL. The samples are bundled with the package
(`extractor/data/bench/`, copies of committed corpus files), so the bench runs from any folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Folder of the corpus -> benchmark format; top-level files go by their suffix.
FOLDER_FORMATS = {"scan": "scanned pdf"}
BUNDLED_SAMPLES = Path(__file__).resolve().parent.parent / "data" / "bench"


@dataclass(frozen=True)
class Target:
    """A figure's target: `value <= limit` when `at_most`, else `value >= limit`."""

    label: str
    limit: float
    unit: str
    at_most: bool = False

    def passed(self, value: float) -> bool:
        return value <= self.limit if self.at_most else value >= self.limit

    def text(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.limit:g}{self.unit}"


# report key -> target (the figures of issues 17 and 18; the report keys are filled by `measure`).
TARGETS: dict[str, Target] = {
    "txt_docs_per_s_1": Target("txt documents/s, one core", 30, " docs/s"),
    "pdf_process_pages_per_s": Target("born-digital PDF pages/s, one `vnplan extract` process", 50, " pages/s"),
    "pdf_process_cpu_pages_per_s": Target("born-digital PDF pages per CPU second, the same process", 50, " pages/s"),
    "pdf_time_vs_pypdfium2": Target("born-digital PDF time / pypdfium2 text extraction", 10, "x", at_most=True),
    "ocr_seconds_per_page": Target("scanned PDF seconds a page (OCR)", 1.5, " s", at_most=True),
    "cold_start_s": Target("cold start of `vnplan extract one.txt`", 1.5, " s", at_most=True),
    "scaling_time_ratio": Target("time of a document 10x the average txt size, vs the average", 12, "x", at_most=True),
}


def verdicts(report: dict) -> list[tuple[str, float, Target, bool]]:
    """(key, value, target, passed) for every targeted figure the report has, in TARGETS order."""
    figures = report.get("figures", {})
    return [(key, figures[key], target, target.passed(figures[key])) for key, target in TARGETS.items()
            if isinstance(figures.get(key), (int, float))]


def verdict_lines(report: dict) -> list[str]:
    """One line a figure: label, measured value, target, PASS or FAIL."""
    lines = []
    for _, value, target, passed in verdicts(report):
        lines.append(f"{'PASS' if passed else 'FAIL'}  {target.label}: {value:.2f}{target.unit} "
                     f"(target {target.text()})")
    return lines


def resolve_corpus(folder: str | None) -> Path:
    """The samples to measure: a given folder, else the ones bundled with the package."""
    return Path(folder) if folder else BUNDLED_SAMPLES


@dataclass
class FormatRun:
    files: list[Path]
    docs: int = 0
    pages: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    errors: list[str] = field(default_factory=list)


def corpus_by_format(corpus: Path) -> dict[str, list[Path]]:
    from extractor.readers import READERS

    groups: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in READERS:
            continue
        folder = path.parent.name if path.parent != corpus else ""
        fmt = FOLDER_FORMATS.get(folder) or READERS[path.suffix.lower()][1]
        groups[fmt].append(path)
    return dict(groups)


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _extract_timed(path: str) -> tuple[int, float, dict[str, float], float, str | None]:
    """Worker body: (pages, seconds, stage seconds, peak RSS MB, error)."""
    from extractor.base.errors import VnplanError
    from extractor.pipeline import StageTimer, extract

    timer = StageTimer()
    began = time.perf_counter()
    try:
        doc = extract(path, timer=timer)
        pages = doc.source.pages or 1
        error = None
    except VnplanError as exc:
        pages, error = 0, f"{path}: {exc.cause}"
    return pages, time.perf_counter() - began, timer.seconds, _peak_rss_mb(), error


def _warm_worker() -> None:
    """Import the pipeline once per worker, as a batch worker would."""
    import extractor.pipeline  # noqa: F401


def run_serial(files: list[Path], repeat: int) -> FormatRun:
    run = FormatRun(files)
    for _ in range(repeat):
        for path in files:
            pages, seconds, stages, _, error = _extract_timed(str(path))
            run.docs += 1
            run.pages += pages
            run.seconds += seconds
            for name, value in stages.items():
                run.stage_seconds[name] += value
            if error:
                run.errors.append(error)
    return run


def run_parallel(files: list[Path], repeat: int, workers: int) -> tuple[FormatRun, float]:
    """All cores: wall time over the whole workload; returns the run and the peak RSS of any worker."""
    run = FormatRun(files)
    workload = [str(p) for p in files] * repeat
    while len(workload) < workers:
        workload += [str(p) for p in files]
    peak = 0.0
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker) as pool:
        list(pool.map(_warm_noop, range(workers)))  # start workers before timing
        began = time.perf_counter()
        for pages, _, _, rss, error in pool.map(_extract_timed, workload):
            run.docs += 1
            run.pages += pages
            peak = max(peak, rss)
            if error:
                run.errors.append(error)
        run.seconds = time.perf_counter() - began
    return run, peak


def _warm_noop(_: int) -> None:
    return None


def pypdfium2_floor(files: list[Path], repeat: int) -> tuple[int, float]:
    """Plain pypdfium2 text extraction of every page: (pages, seconds)."""
    import pypdfium2 as pdfium

    pages = 0
    began = time.perf_counter()
    for _ in range(repeat):
        for path in files:
            pdf = pdfium.PdfDocument(str(path))
            try:
                for page in pdf:
                    page.get_textpage().get_text_range()
                    pages += 1
            finally:
                pdf.close()
    return pages, time.perf_counter() - began


def process_env(bytecode: Path) -> dict[str, str]:
    """The environment of a measured `vnplan` process: the modules' bytecode kept under `bytecode` (a first,
    unmeasured run writes it), as an installed package has its bytecode. Without it, where
    PYTHONDONTWRITEBYTECODE is set, every module edited since its bytecode was last written is compiled
    again from source by every run, a cost no installed copy pays."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def _vnplan(arguments: list[str], env: dict[str, str]) -> int:
    return subprocess.run([sys.executable, "-m", "extractor", *arguments], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False).returncode


def extract_process(files: list[Path], copies: int, bytecode: Path) -> tuple[int, float, float]:
    """(pages, seconds, CPU seconds) of one `vnplan extract FILES -o DIR` process over `copies` copies of
    the files, start-up included: the figure a user sees when extracting a folder of PDFs. The CPU
    seconds (user + system of the process) are its cost on one core, whatever else the machine runs.
    A first run over one copy of the files writes the bytecode (`process_env`) and is not measured."""
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as tmp:
        inputs: list[str] = []
        pages = 0
        for copy in range(copies):
            for path in files:
                target = Path(tmp) / f"{copy:02d}_{path.name}"
                shutil.copyfile(path, target)
                inputs.append(str(target))
                pdf = pdfium.PdfDocument(str(path))
                pages += len(pdf)
                pdf.close()
        env = process_env(bytecode)
        _vnplan(["extract", *inputs[: len(files)], "-o", str(Path(tmp) / "warm")], env)  # every import the files need
        began, used = time.perf_counter(), _children_cpu_seconds()
        status = _vnplan(["extract", *inputs, "-o", str(Path(tmp) / "out")], env)
        seconds, cpu = time.perf_counter() - began, _children_cpu_seconds() - used
    return (pages if status == 0 else 0), seconds, cpu


def _children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_start(sample: Path, bytecode: Path, runs: int = 3) -> float:
    """Median wall time of a fresh `vnplan extract FILE` process (after one unmeasured run that writes the
    bytecode, `process_env`)."""
    env = process_env(bytecode)
    _vnplan(["extract", str(sample)], env)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        _vnplan(["extract", str(sample)], env)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def scaling(txt_files: list[Path], factor: int = 10) -> dict[str, float]:
    """Time of one document `factor` times the average size vs `factor` times the average time."""
    texts = [p.read_text(encoding="utf-8-sig") for p in txt_files]
    average_chars = sum(map(len, texts)) / len(texts)
    long_text_parts: list[str] = []
    while sum(map(len, long_text_parts)) < factor * average_chars:
        long_text_parts.append(texts[len(long_text_parts) % len(texts)])
    with tempfile.TemporaryDirectory() as tmp:
        long_path = Path(tmp) / "long.txt"
        long_path.write_text("\n\n".join(long_text_parts), encoding="utf-8")
        base = run_serial(txt_files, 3)
        average_seconds = base.seconds / base.docs
        long_run = run_serial([long_path], 3)
        long_seconds = long_run.seconds / long_run.docs
    size_ratio = len("\n\n".join(long_text_parts)) / average_chars
    return {
        "size_ratio": size_ratio,
        "average_seconds": average_seconds,
        "long_seconds": long_seconds,
        "time_ratio": long_seconds / average_seconds,
    }


def batch_throughput(txt_files: list[Path], count: int, workers: int, engines: list[str]) -> dict[str, float]:
    """Documents/s of `vnplan batch` over a synthetic archive of `count` text plans (the corpus repeated,
    each copy with its own bytes), for one worker, all workers, and Ray on this machine when installed.
    Wall time of the whole command, so it includes start-up (Ray's is several seconds)."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        archive.mkdir()
        for index in range(count):
            source = txt_files[index % len(txt_files)]
            text = source.read_text(encoding="utf-8-sig")
            (archive / f"{source.stem}_{index:05d}.txt").write_text(f"{text}\n# copy {index}\n", encoding="utf-8")
        runs = [("local, 1 worker", "local", 1), (f"local, {workers} workers", "local", workers)]
        if "ray" in engines:
            runs.append((f"ray, {workers} workers (incl. start-up)", "ray", workers))
        for name, engine, n in runs:
            out = Path(tmp) / f"out-{engine}-{n}"
            began = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "extractor", "batch", str(archive), "--out", str(out), "--workers", str(n),
                 "--engine", engine, "--progress", "off"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )
            seconds = time.perf_counter() - began
            results[name] = count / seconds if done.returncode == 0 else float("nan")
    return results


def measure(corpus: Path, repeat: int, workers: int, include_scan: bool, batch_docs: int = 0) -> dict:
    with tempfile.TemporaryDirectory(prefix="vnplan-bench-bytecode-") as bytecode:
        return _measure(corpus, repeat, workers, include_scan, batch_docs, Path(bytecode))


def _measure(corpus: Path, repeat: int, workers: int, include_scan: bool, batch_docs: int, bytecode: Path) -> dict:
    groups = corpus_by_format(corpus)
    if not include_scan:
        groups.pop("scanned pdf", None)
    _warm_worker()
    figures: dict[str, float] = {}
    report: dict = {"machine": {"cores": os.cpu_count(), "workers": workers}, "formats": {}, "figures": figures}
    stage_totals: dict[str, float] = defaultdict(float)
    for fmt, files in groups.items():
        reps = 1 if fmt == "scanned pdf" else repeat
        if fmt != "scanned pdf":
            run_serial(files[:1], 1)  # warm-up: lazily loaded data (provinces, code tables) is not the format's cost
        serial = run_serial(files, reps)
        parallel, peak = run_parallel(files, reps, workers)
        for name, value in serial.stage_seconds.items():
            stage_totals[name] += value
        entry: dict = {
            "documents": len(files),
            "docs_per_s_1": serial.docs / serial.seconds,
            "pages_per_s_1": serial.pages / serial.seconds,
            "docs_per_s_all": parallel.docs / parallel.seconds,
            "pages_per_s_all": parallel.pages / parallel.seconds,
            "ms_per_doc_1": 1000 * serial.seconds / serial.docs,
            "peak_rss_mb_worker": peak,
            "stage_ms_per_doc": {k: 1000 * v / serial.docs for k, v in serial.stage_seconds.items()},
            "errors": sorted(set(serial.errors)),
        }
        if fmt == "pdf":
            floor_pages, floor_seconds = pypdfium2_floor(files, reps)
            entry["pypdfium2_pages_per_s"] = floor_pages / floor_seconds
            entry["ratio_to_pypdfium2"] = (serial.pages / serial.seconds) / (floor_pages / floor_seconds)
            process_pages, process_seconds, process_cpu = extract_process(files, reps, bytecode)
            process_rate = process_pages / process_seconds
            entry["process_pages"] = process_pages
            entry["process_pages_per_s"] = process_rate
            entry["process_cpu_pages_per_s"] = process_pages / max(process_cpu, 1e-9)
            figures["pdf_process_pages_per_s"] = process_rate
            figures["pdf_process_cpu_pages_per_s"] = entry["process_cpu_pages_per_s"]
            figures["pdf_time_vs_pypdfium2"] = floor_pages / floor_seconds / max(process_rate, 1e-9)
        if fmt == "scanned pdf" and serial.pages:
            figures["ocr_seconds_per_page"] = serial.seconds / serial.pages
        if fmt == "txt":
            figures["txt_docs_per_s_1"] = serial.docs / serial.seconds
        report["formats"][fmt] = entry
    total = sum(stage_totals.values()) or 1.0
    report["stage_share"] = {k: v / total for k, v in stage_totals.items()}
    if "txt" in groups:
        report["cold_start_s"] = cold_start(groups["txt"][0], bytecode)
        report["scaling_10x"] = scaling(groups["txt"])
        figures["cold_start_s"] = report["cold_start_s"]
        figures["scaling_time_ratio"] = report["scaling_10x"]["time_ratio"]
    if batch_docs and "txt" in groups:
        import importlib.util

        engines = ["local"] + (["ray"] if importlib.util.find_spec("ray") else [])
        report["batch_docs"] = batch_docs
        report["batch_docs_per_s"] = batch_throughput(groups["txt"], batch_docs, workers, engines)
    report["peak_rss_mb_main"] = _peak_rss_mb()
    return report


def print_report(report: dict) -> None:
    cores = report["machine"]["cores"]
    print(f"vnplan bench on {cores} cores ({report['machine']['workers']} workers for 'all cores')")
    header = f"{'format':<12}{'docs':>5}{'docs/s 1':>10}{'pages/s 1':>11}{'docs/s all':>12}"
    print(header + f"{'pages/s all':>13}{'ms/doc':>9}{'peak MB/worker':>16}")
    for fmt, e in report["formats"].items():
        print(
            f"{fmt:<12}{e['documents']:>5}{e['docs_per_s_1']:>10.1f}{e['pages_per_s_1']:>11.1f}"
            f"{e['docs_per_s_all']:>12.1f}{e['pages_per_s_all']:>13.1f}{e['ms_per_doc_1']:>9.1f}"
            f"{e['peak_rss_mb_worker']:>16.0f}"
        )
    for fmt, e in report["formats"].items():
        if "pypdfium2_pages_per_s" in e:
            print(
                f"{fmt}: plain pypdfium2 text extraction {e['pypdfium2_pages_per_s']:.1f} pages/s; "
                f"vnplan's reader loop reaches {e['ratio_to_pypdfium2']:.1%} of it; one `vnplan extract` process "
                f"over {e['process_pages']} pages, start-up included: {e['process_pages_per_s']:.1f} pages/s "
                f"({e['process_cpu_pages_per_s']:.1f} pages per CPU second)"
            )
        if e["errors"]:
            print(f"{fmt}: {len(e['errors'])} file(s) failed: {'; '.join(e['errors'][:3])}")
    print("time per stage, ms per document (one worker):")
    stages = sorted({s for e in report["formats"].values() for s in e["stage_ms_per_doc"]})
    print(f"{'format':<12}" + "".join(f"{s:>11}" for s in stages))
    for fmt, e in report["formats"].items():
        print(f"{fmt:<12}" + "".join(f"{e['stage_ms_per_doc'].get(s, 0.0):>11.2f}" for s in stages))
    share = ", ".join(f"{k} {v:.0%}" for k, v in sorted(report["stage_share"].items(), key=lambda kv: -kv[1]))
    print(f"share of total time per stage: {share}")
    if "cold_start_s" in report:
        print(f"cold start of `vnplan extract one.txt`: {report['cold_start_s']:.2f} s (target <= 1.5 s)")
    if "scaling_10x" in report:
        s = report["scaling_10x"]
        print(
            f"a document {s['size_ratio']:.1f}x the average txt size takes {s['time_ratio']:.1f}x the time "
            f"({1000 * s['long_seconds']:.0f} ms vs {1000 * s['average_seconds']:.1f} ms; target <= 12x)"
        )
    for name, rate in report.get("batch_docs_per_s", {}).items():
        print(f"vnplan batch over {report['batch_docs']} text plans, {name}: {rate:.1f} docs/s")
    print(f"peak resident memory of the benchmark process: {report['peak_rss_mb_main']:.0f} MB")
    lines = verdict_lines(report)
    if lines:
        print("targets:")
        for line in lines:
            print(f"  {line}")


def cmd_bench(args: argparse.Namespace) -> int:
    corpus = resolve_corpus(args.corpus)
    if not corpus.is_dir():
        print(f"vnplan: error: {corpus}: not a folder", file=sys.stderr)
        return 2
    workers = args.workers or os.cpu_count() or 1
    report = measure(corpus, args.repeat, workers, include_scan=not args.no_scan, batch_docs=args.batch_docs)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="measure speed and memory on this machine")
    p.add_argument("--corpus", default=None,
                   help="folder of sample documents, a scan/ folder holding scans (default: the bundled samples)")
    p.add_argument("--repeat", type=int, default=3, help="passes over each format (default: 3)")
    p.add_argument("--workers", type=int, default=0, help="workers for the all-cores run (default: cores)")
    p.add_argument("--no-scan", action="store_true", help="skip scanned PDFs (OCR is slow)")
    p.add_argument("--batch-docs", type=int, default=500, metavar="N",
                   help="documents in the synthetic archive for the batch throughput (0: skip; default 500)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_bench)
