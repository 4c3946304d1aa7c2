"""Telling the header and signature blocks apart from data: the kinds of lines that mark them.

Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I) lay out the header block
(issuer / national motto / "Số:" / place and date) and the signature block ("Nơi nhận" / signer) side by
side, in borderless tables in Word and web pages, in two columns in PDF. Readers of every format use
`layout_kind` so that these blocks become paragraphs with a region, not table rows.
"""

from __future__ import annotations

import re

from extractor.base.normalize import fold

MOTTO = re.compile(r"cộng hòa xã hội chủ nghĩa việt nam|độc lập\s*-\s*tự do\s*-\s*hạnh phúc")
NUMBER_LINE = re.compile(r"^số\s*:")
DATE_LINE = re.compile(r"ngày\s*[\d.…_ ]*\s*tháng\s*[\d.…_ ]*\s*năm\s*(\d{4}|[.…_ ]+)")
RECIPIENTS = re.compile(r"^nơi nhận\s*:?")
AUTHORITY = re.compile(r"^(tm|kt|tl|tuq|q)\s*\.\s*\S")
MAX_LAYOUT_COLUMNS = 3
MAX_LAYOUT_ROWS = 8


def layout_kind(lines: list[str], rows: int, columns: int, body_started: bool, has_text_after: bool) -> str | None:
    """"header" or "footer" when a table (its text lines, row and column counts) only lays out the header
    or signature block, else None.

    Structure: few columns and rows. Content: at least one line of the header kinds (motto, "Số:",
    place and date) or of the signature kinds ("Nơi nhận", authority mark, an upper-case signer title
    alone in its cell). Position decides which: before the running body -> header, after -> footer.
    """
    if not rows or rows > MAX_LAYOUT_ROWS or not 1 <= columns <= MAX_LAYOUT_COLUMNS:
        return None
    folded = [fold(line) for line in lines]
    if not folded or sum(len(line) for line in folded) > 1500:
        return None
    header_hits = sum(1 for line in folded if MOTTO.search(line) or NUMBER_LINE.search(line) or DATE_LINE.search(line))
    footer_hits = sum(1 for line in folded if RECIPIENTS.search(line) or AUTHORITY.search(line))
    if not body_started and header_hits:
        return "header"
    if body_started and (footer_hits or (header_hits and not has_text_after)):
        return "footer"
    if body_started and not has_text_after and signer_like(lines):
        return "footer"
    return None


def signer_like(lines: list[str]) -> bool:
    """A closing table whose lines are short upper-case titles and names (signature without marks)."""
    upper = [line for line in lines if len(line) <= 60 and line.upper() == line and any(c.isalpha() for c in line)]
    return bool(upper) and len(lines) <= 12
