"""Lay out the wide corpus (corpus/wild) from its manifest and local git snapshots of its repositories.

The documents of corpus/wild are real published files that third parties committed to public
repositories; vnplan does not commit them (corpus/wild/README.md). Each manifest row names the
repository, the commit and the path, and the file's sha256, so the corpus can be rebuilt byte for byte
from git snapshots of those repositories (one folder per repository, named `owner+name`, holding a bare
git directory or a clone):

    python scripts/wild_corpus.py --mirrors /path/to/snapshots [--out corpus/wild]

Files already present with the right sha256 are kept; a row whose repository has no snapshot is listed
so that it can be fetched. A row noted `derived:soffice from <file>` is not a published file but our
LibreOffice conversion of that row's document: it is made again with `soffice` (its bytes, and so its
sha256, differ from run to run). Exit status 1 when any file could not be laid out.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git_dir(mirrors: Path, repository: str) -> Path | None:
    """The bare git directory of `owner/name` under `mirrors` (`owner+name`, possibly one level down)."""
    folder = mirrors / repository.replace("/", "+")
    if not folder.is_dir():
        return None
    # a bare snapshot, or a clone with a work tree whose git directory is `<clone>/.git`
    below = sorted(p for p in folder.iterdir() if p.is_dir())
    for candidate in (folder, *below, *(p / ".git" for p in below)):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def convert(out: Path, row: dict[str, str]) -> bool:
    """Make a derived PDF again from its source document with LibreOffice (a private profile)."""
    target = out / row["file"]
    if target.is_file():
        return True
    source = out / row["note"].split("derived:soffice from ", 1)[1].split()[0]
    if not source.is_file():
        print(f"wild_corpus: {row['file']}: its source {source.name} is not there", file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory(prefix="vnplan-wild-") as tmp:
        made = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(source)],
            capture_output=True, timeout=300,
        )
        pdf = Path(tmp) / f"{source.stem}.pdf"
        if made.returncode != 0 or not pdf.is_file():
            print(f"wild_corpus: {row['file']}: soffice could not convert {source.name}", file=sys.stderr)
            return False
        target.write_bytes(pdf.read_bytes())
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", required=True, type=Path, help="folder of bare git snapshots (owner+name)")
    parser.add_argument("--manifest", type=Path, default=ROOT / "corpus" / "wild" / "MANIFEST.tsv")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus" / "wild")
    args = parser.parse_args(argv)
    with args.manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    args.out.mkdir(parents=True, exist_ok=True)
    missing_repos: set[str] = set()
    failed = 0
    derived = [row for row in rows if "derived:soffice from " in row["note"]]
    for row in rows:
        if row in derived:
            continue
        target = args.out / row["file"]
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == row["sha256"]:
            continue
        repo = git_dir(args.mirrors, row["repository"])
        if repo is None:
            missing_repos.add(row["repository"])
            failed += 1
            continue
        shown = subprocess.run(
            ["git", f"--git-dir={repo}", "show", f"{row['commit']}:{row['path']}"], capture_output=True, timeout=120
        )
        data = shown.stdout
        if shown.returncode != 0 or hashlib.sha256(data).hexdigest() != row["sha256"]:
            where = f"{row['commit'][:12]}:{row['path']}"
            print(f"wild_corpus: {row['file']}: not at {where} with its sha256", file=sys.stderr)
            failed += 1
            continue
        target.write_bytes(data)
    for row in derived:
        failed += 0 if convert(args.out, row) else 1
    for repository in sorted(missing_repos):
        print(f"wild_corpus: no snapshot of {repository} under {args.mirrors}", file=sys.stderr)
    print(f"wild_corpus: {len(rows) - failed} of {len(rows)} files in {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
