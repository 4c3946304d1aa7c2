"""Accuracy floors: measure `vnplan eval` figures on the corpus and the real files, and raise the floors.

    python scripts/accuracy.py            # print the figures
    python scripts/accuracy.py --raise    # raise tests/floors.json to today's figures (never lowers one)

tests/test_accuracy.py asserts that every figure stays at or above its floor.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "tests" / "floors.json"
REAL = ROOT.parent / "shared" / "real"
REAL_GOLD = ROOT.parent / "shared" / "gold" / "real"
EXTRA_GOLD = ROOT / "tests" / "gold_real_extra"  # our own independent annotation of the other real files


def run_eval(gold: Path, inputs: list[Path]) -> dict:
    out = subprocess.run(
        # Paths relative to the checkout, so the figures' group names ("source:corpus/pdf") are the same in
        # every clone.
        [sys.executable, "-m", "extractor", "eval", "--json", "--gold", os.path.relpath(gold, ROOT),
         *(os.path.relpath(path, ROOT) for path in inputs)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=1800,
    )
    if not out.stdout.strip():
        raise RuntimeError(f"vnplan eval printed nothing: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def measure(include_real: bool) -> tuple[dict[str, float], list[dict]]:
    """(figures, extraction errors) for the corpus and, when present, the real files."""
    from extractor.commands.evaluate import flat_metrics

    corpus = run_eval(ROOT / "tests" / "gold", [ROOT / "corpus"])
    figures = flat_metrics(corpus, "corpus|")
    errors = list(corpus["errors"])
    if include_real:
        real = run_eval(REAL_GOLD, [REAL])
        figures.update(flat_metrics(real, "real|"))
        errors += real["errors"]
        extra = run_eval(EXTRA_GOLD, [REAL])
        figures.update(flat_metrics(extra, "real-extra|"))
        errors += extra["errors"]
    return figures, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raise", dest="raise_floors", action="store_true", help="raise tests/floors.json")
    args = parser.parse_args()
    figures, errors = measure(REAL.is_dir())
    for error in errors:
        print(f"extraction error: {error}", file=sys.stderr)
    floors = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    for key in sorted(figures):
        mark = f"  (floor {floors[key]:.3f})" if key in floors else ""
        print(f"{key:<70} {figures[key]:.3f}{mark}")
    if args.raise_floors:
        # Rounded down, so a floor never sits above the figure it was measured from.
        merged = {k: math.floor(max(figures[k], floors.get(k, 0.0)) * 10000) / 10000 for k in figures}
        merged.update({k: v for k, v in floors.items() if k not in figures})
        FLOORS.write_text(json.dumps(dict(sorted(merged.items())), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
