"""Which bullet of a timetable's content cell each entry of a unit cell stands beside.

Word timetables list one unit entry per content bullet, but a bullet that wraps over several lines has
a one-line unit entry beside it, so the author pads the unit cell with empty paragraphs until each entry
stands level with its bullet; a bullet with no unit (an anniversary, a holiday) gets none. The empty
paragraphs are the evidence: where a unit cell has them and lists fewer entries than the content cell
has bullets, each entry goes to the bullet whose first line is nearest its own, in order. The content
cell's lines are estimated from its paragraphs' lengths, at the characters per line that make it as
tall as the row's tallest padded cell (a padded cell's paragraphs are one line each).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

MAX_SHIFT_LINES = 2.0
"""An entry more than this many lines from its bullet's first line is not level with it: no alignment."""


def _wrapped_heights(lengths: Sequence[int], row_lines: int) -> list[float]:
    """Each paragraph's height in lines, the cell made `row_lines` tall: max(1, length / chars per line)."""
    heights = [1.0] * len(lengths)
    if row_lines <= len(lengths) or not any(lengths):
        return heights
    low, high = 1e-3, float(max(lengths))  # chars per line: the taller the cell, the fewer
    for _ in range(40):
        per_line = (low + high) / 2
        if sum(max(1.0, n / per_line) for n in lengths) > row_lines:
            low = per_line
        else:
            high = per_line
    return [max(1.0, n / high) for n in lengths]


def is_padded(lines: Sequence[str]) -> bool:
    """The cell has empty paragraphs between or before its entries (trailing ones align nothing)."""
    filled = [k for k, line in enumerate(lines) if line.strip()]
    return bool(filled) and any(not lines[k].strip() for k in range(filled[-1]))


def align_by_height(
    content_lines: Sequence[str],
    bullet_lines: Sequence[int],
    unit_lines: Sequence[str],
    entry_lines: Sequence[int],
    row_lines: int,
) -> list[int] | None:
    """For each unit entry (the index of the paragraph where it opens), the index of the bullet it stands
    beside, or None when the cell gives no such reading: the unit cell is not padded, lists as many
    entries as there are bullets or more, or an entry stands far from every bullet left to it."""
    entries, bullets = len(entry_lines), len(bullet_lines)
    if not 0 < entries < bullets or not is_padded(unit_lines):
        return None
    heights = _wrapped_heights([len(line.strip()) for line in content_lines], row_lines)
    content_tops = list(accumulate(heights, initial=0.0))  # each paragraph's first line, from the top
    bullet_tops = [content_tops[k] for k in bullet_lines]
    entry_tops = [float(k) for k in entry_lines]  # a padded cell's paragraphs are one line each
    # Order-keeping assignment of entries to distinct bullets with the least total distance (a small
    # dynamic programme: cost[i][j] = best for the first i entries using the first j bullets).
    inf = float("inf")
    cost = [[inf] * (bullets + 1) for _ in range(entries + 1)]
    cost[0] = [0.0] * (bullets + 1)
    for i in range(1, entries + 1):
        for j in range(i, bullets + 1):
            take = cost[i - 1][j - 1] + abs(entry_tops[i - 1] - bullet_tops[j - 1])
            cost[i][j] = min(cost[i][j - 1], take)
    chosen: list[int] = []
    i, j = entries, bullets
    while i > 0:
        if cost[i][j] == cost[i][j - 1] and j > i:
            j -= 1
            continue
        chosen.append(j - 1)
        i, j = i - 1, j - 1
    chosen.reverse()
    if any(abs(entry_tops[i] - bullet_tops[j]) > MAX_SHIFT_LINES for i, j in enumerate(chosen)):
        return None
    return chosen


__all__ = ["MAX_SHIFT_LINES", "align_by_height", "is_padded"]
