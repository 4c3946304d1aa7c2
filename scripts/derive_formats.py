"""Print Word plans to PDF and scan them, to measure the PDF and OCR readers on the plans' own gold.

Usage (from the repository root):

    python scripts/derive_formats.py OUT INPUT... [--manifest TSV] [--dpi 200]

Every `.docx` / `.doc` among the INPUTs (files or folders) is
- printed to PDF by LibreOffice (headless, private profile) into `OUT/pdf/<stem>.pdf`, and
- scanned: that PDF's pages rendered by pdftoppm at `--dpi` (200, as an office scanner's default) in
  grey and stored back as an image-only PDF (no text layer) in `OUT/scan/<stem>.pdf`.
The file stems stay the source's, so `vnplan eval --gold DIR OUT/pdf` scores each derived file against the
source plan's gold. With `--manifest`, the source manifest's rows (its `split`, genre, ...) are copied into
`OUT/pdf/MANIFEST.tsv` and `OUT/scan/MANIFEST.tsv` (format `pdf` and `scan`), so `vnplan eval --split tune`
keeps the sealed split sealed. Issue 17 compares these scores with the DOCX's: tasks F1 within 0.05,
citations within 0.03. Rerunning skips files already derived. Needs LibreOffice, poppler-utils and Pillow.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCES = (".docx", ".doc")
SOFFICE_SECONDS = 300


def sources(inputs: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SOURCES)
        elif path.suffix.lower() in SOURCES:
            found.append(path)
    # A plan present as both .doc and .docx is printed once (the .docx).
    by_stem: dict[str, Path] = {}
    for path in found:
        if path.stem not in by_stem or path.suffix.lower() == ".docx":
            by_stem[path.stem] = path
    return list(by_stem.values())


def print_to_pdf(source: Path, target: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        copy = Path(work) / f"in{source.suffix.lower()}"
        shutil.copyfile(source, copy)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", work, str(copy)],
            check=True, timeout=SOFFICE_SECONDS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        shutil.move(Path(work) / "in.pdf", target)


def scan(pdf: Path, target: Path, dpi: int) -> None:
    from PIL import Image

    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{work}/page"], check=True)
        pages = [Image.open(p) for p in sorted(Path(work).glob("page-*.png"))]
        pages[0].save(target, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])


def write_manifest(manifests: list[Path], stems: set[str], folder: Path, fmt: str) -> None:
    """The source manifests' rows of the derived stems, beside the derived files (one manifest, merged)."""
    rows: list[dict[str, str]] = []
    for manifest in manifests:
        with manifest.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle, delimiter="\t"))
    if not rows:
        return
    fields = list(rows[0])
    kept = {Path(r["file"]).stem: r for r in rows if Path(r["file"]).stem in stems}
    with (folder / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        for stem, row in sorted(kept.items()):
            writer.writerow({**row, "file": f"{stem}.pdf", "format": fmt, "sha256": ""})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("inputs", type=Path, nargs="+")
    parser.add_argument("--manifest", type=Path, action="append", default=[],
                        help="source manifest(s) whose rows (split, genre) the derived files keep")
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args(argv)
    pdf_dir, scan_dir = args.out / "pdf", args.out / "scan"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    scan_dir.mkdir(parents=True, exist_ok=True)
    done: set[str] = set()
    for source in sources(args.inputs):
        printed, scanned = pdf_dir / f"{source.stem}.pdf", scan_dir / f"{source.stem}.pdf"
        try:
            if not printed.exists():
                print_to_pdf(source, printed)
            if not scanned.exists():
                scan(printed, scanned, args.dpi)
        except (subprocess.SubprocessError, OSError) as error:
            print(f"{source}: {error}", file=sys.stderr)
            continue
        done.add(source.stem)
        print(f"{source} -> {printed}, {scanned}")
    if args.manifest:
        write_manifest(args.manifest, done, pdf_dir, "pdf")
        write_manifest(args.manifest, done, scan_dir, "scan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
