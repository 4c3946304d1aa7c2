"""Re-check every quoted row of `extractor/data/registry.csv` against the file it was read from.

Usage (from the repository root):

    python scripts/registry_quotes.py MIRROR_DIR [--registry CSV]

MIRROR_DIR holds git snapshots of the source repositories, one folder per repository named
`owner+name` (the bare git directory is that folder or its `repo/` subfolder), as the search tool's
`fetch` leaves them. For each row with a quote, the file `source_path` is read at `source_commit`
with `git show` (read only) and the quote must occur in it verbatim, after both are put in NFC,
every run of whitespace is made one space (the crawled texts break lines inside sentences) and
Markdown emphasis (`*`, `**`) is dropped from the file (some sources are Markdown). Text in
«guillemets» in the `source` column (a signing date read from the header of the same file, for a
text in force from its signing) must occur in the file too.

Prints one line per row that fails and a summary; exits 1 when a row fails. A row whose repository
is not in MIRROR_DIR (one too large to fetch, read with the search index instead) is listed as
unchecked; `--require-all` makes that a failure too. Rows without a quote are counted as skipped.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "extractor" / "data" / "registry.csv"
_GUILLEMETS = re.compile(r"«([^»]+)»")


def normalized(text: str) -> str:
    """NFC with whitespace runs folded to one space: the form quotes are compared in."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def plain(markdown: str) -> str:
    """A source file in the compared form, its Markdown emphasis markers dropped."""
    return normalized(markdown.replace("*", ""))


def git_dir(mirror: Path, repo: str) -> Path | None:
    folder = mirror / repo.replace("/", "+")
    for candidate in (folder / "repo", folder):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def read_at(git: Path, commit: str, path: str) -> str | None:
    done = subprocess.run(["git", f"--git-dir={git}", "show", f"{commit}:{path}"], capture_output=True, check=False)
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def check(rows: list[dict[str, str]], mirror: Path) -> tuple[list[str], int, int, list[str]]:
    """Problems (one line each), rows checked, rows skipped (no quote), rows unchecked (no snapshot)."""
    problems: list[str] = []
    unchecked: list[str] = []
    cache: dict[tuple[str, str, str], str | None] = {}
    checked = skipped = 0
    for row in rows:
        quote = row.get("quote", "")
        if not quote:
            skipped += 1
            continue
        repo, commit, path = row["source_repo"], row["source_commit"], row["source_path"]
        git = git_dir(mirror, repo)
        if git is None:
            unchecked.append(f"{row['code']}: repository {repo} is not in {mirror}")
            continue
        checked += 1
        key = (repo, commit, path)
        if key not in cache:
            text = read_at(git, commit, path)
            cache[key] = plain(text) if text is not None else None
        text = cache[key]
        if text is None:
            problems.append(f"{row['code']}: {repo} has no {path} at {commit}")
            continue
        for needed in [quote, *_GUILLEMETS.findall(row.get("source", ""))]:
            if normalized(needed) not in text:
                problems.append(f"{row['code']}: not found in {repo}:{path}@{commit[:10]}: {needed[:60]}")
        if unicodedata.normalize("NFC", quote) != quote:
            problems.append(f"{row['code']}: quote is not NFC")
    return problems, checked, skipped, unchecked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror", type=Path, help="folder of owner+name git snapshots")
    parser.add_argument("--registry", type=Path, default=REGISTRY)
    parser.add_argument("--require-all", action="store_true", help="fail on rows whose repository is absent")
    args = parser.parse_args(argv)
    with args.registry.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems, checked, skipped, unchecked = check(rows, args.mirror)
    for line in problems + [f"unchecked: {line}" for line in unchecked]:
        print(line)
    failed = len({line.split(":")[0] for line in problems})
    print(
        f"{checked - failed}/{checked} rows found in their sources; {len(unchecked)} unchecked (no snapshot); "
        f"{skipped} rows without a quote"
    )
    return 1 if problems or (unchecked and args.require_all) else 0


if __name__ == "__main__":
    sys.exit(main())
