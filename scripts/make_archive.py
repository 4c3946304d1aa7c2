#!/usr/bin/env python3
"""Make a synthetic archive of N documents for batch and export runs: `make_archive.py N OUTDIR`.

The corpus files are repeated round-robin under varied names in nested folders
(OUTDIR/partNNN/<stem>_<index>.<suffix>), each copy with different bytes so that every copy has its own
content hash: a trailing comment line for text, HTML and PDF, the archive comment for DOCX/ODT. The
text of the plan itself is left as it is.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_FOLDER = 500


def mark(source: Path, target: Path, index: int) -> None:
    """Copy `source` to `target`, made unique by a format-preserving marker."""
    note = f"vnplan synthetic copy {index:06d} of {source.name}"
    suffix = source.suffix.lower()
    if suffix in (".docx", ".odt"):
        shutil.copyfile(source, target)
        with zipfile.ZipFile(target, "a") as archive:
            archive.comment = note.encode("ascii", "replace")
        return
    data = source.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    if suffix in (".txt", ".text"):
        data += f"# {note}\n".encode()
    elif suffix in (".html", ".htm"):
        data += f"<!-- {note} -->\n".encode()
    elif suffix == ".pdf":
        data += f"%{note}\n".encode()  # a PDF comment after %%EOF; readers ignore it
    else:
        raise ValueError(f"no way to vary the bytes of {suffix} files")
    target.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, metavar="N", help="number of documents to make")
    parser.add_argument("out", type=Path, metavar="OUTDIR")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="source files (default: corpus/)")
    parser.add_argument(
        "--formats", default="txt", help="comma-separated suffixes to take from the corpus (default: txt)"
    )
    args = parser.parse_args(argv)
    suffixes = {"." + s.strip().lower().lstrip(".") for s in args.formats.split(",") if s.strip()}
    sources = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if not sources:
        print(f"make_archive: no {args.formats} files in {args.corpus}", file=sys.stderr)
        return 2
    for index in range(args.count):
        source = sources[index % len(sources)]
        folder = args.out / f"part{index // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        mark(source, folder / f"{source.stem}_{index:06d}{source.suffix}", index)
    print(f"make_archive: {args.count} documents in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
