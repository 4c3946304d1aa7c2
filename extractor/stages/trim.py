"""Drop web-page clutter pasted around a plan (menus, counters, polls), by where it stands relative to the
document's own structure: before its first header or title line, after its signature block.

No list of clutter phrases: the document's frame (extractor.stages.frame) says where the plan starts (its
issuing block, motto, "Số:" line or type line) and where it ends (the recipients and signature block,
or the appendix that follows it). What lies outside is dropped, unless it looks like part of a document
(a Roman-numbered heading, a long paragraph), in which case the frame is not trusted and nothing goes.
"""

from __future__ import annotations

from extractor.base.blocks import Block
from extractor.stages.frame import Frame, Line, find_frame, lines_of
from extractor.vocab.markers import parse_heading_number

# Web clutter is short lines (menu items, counters, a poll question); a paragraph this long is text.
_MAX_CLUTTER_WORDS = 40


def trim_clutter(blocks: list[Block]) -> list[Block]:
    """The blocks of the plan, clutter around it dropped (computes the frame; the pipeline calls `trim`)."""
    return trim(blocks, find_frame(lines_of(blocks)))[0]


def trim(blocks: list[Block], frame: Frame) -> tuple[list[Block], Frame]:
    """Drop clutter outside the frame of `blocks`; returns the kept blocks and the frame rebased onto them."""
    lines = frame.lines
    if not lines:
        return blocks, frame
    starts = list(frame.header)
    if frame.type_line is not None:
        starts.append(frame.type_line)
    first = min(starts) if starts else 0
    last = len(lines)
    if frame.closing_start < len(lines) and frame.appendix_start is None:
        last = frame.closing_end
    head = lines[:first]
    tail = lines[last:]
    if not _clutter(head):
        first = 0
    if not _clutter(tail):
        last = len(lines)
    if first == 0 and last == len(lines):
        return blocks, frame
    keep_from = lines[first].block if first < len(lines) else None
    keep_to = lines[last - 1].block if last > 0 else None
    start = next(i for i, b in enumerate(blocks) if b is keep_from) if keep_from is not None else 0
    end = next(i for i, b in enumerate(blocks) if b is keep_to) + 1 if keep_to is not None else len(blocks)
    return blocks[start:end], frame.within(first, last)


def _clutter(lines: list[Line]) -> bool:
    """Whether dropped lines look like page furniture rather than document text."""
    for line in lines:
        if len(line.text.split()) > _MAX_CLUTTER_WORDS:
            return False
        parsed = parse_heading_number(line.text)
        if parsed and parsed[0] == "roman":
            return False
    return True
