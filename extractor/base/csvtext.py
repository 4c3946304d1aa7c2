"""CSV output that spreadsheets open safely: UTF-8 with BOM, formula-looking cells neutralized."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Prefix a cell that a spreadsheet would run as a formula with a quote (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(columns: list[str], rows: Iterable[Mapping[str, object]], *, bom: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralize(v) for k, v in row.items()})
    return ("\ufeff" if bom else "") + buffer.getvalue()
