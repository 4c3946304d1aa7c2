"""Data files shipped in the package (abbreviations, document types, issuer codes, provinces).

Facts about Vietnamese documents live in `extractor/data/` as CSV/JSON with their sources, not in code.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache, lru_cache
from importlib import resources


def data_path(name: str):
    return resources.files("extractor") / "data" / name


@cache
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a packaged CSV file as dicts, every value NFC."""
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return tuple({k: unicodedata.normalize("NFC", v or "") for k, v in row.items()} for row in rows)


@lru_cache(maxsize=1)
def load_abbreviations() -> dict[str, str]:
    """Abbreviation -> expansion, as written in `abbreviations.csv`."""
    return {row["abbreviation"]: row["expansion"] for row in read_csv("abbreviations.csv")}
