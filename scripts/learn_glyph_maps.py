"""Learn glyph-id -> Unicode tables for PDF fonts from PDFs whose same fonts carry a Unicode map.

Word-made PDFs embed TrueType fonts as CID fonts (Identity-H) whose glyph ids are the original font's.
A signed or re-saved copy that lost its ToUnicode map yields those glyph ids as text; the table built
here maps them back. Each embedded font that keeps its original glyph ids (a full font, or a sparse
subset with the original glyph count) gives observations from two sides: its own `cmap` (read with
fontTools) and the PDF's ToUnicode CMap (CID -> text, through CIDToGIDMap). Fonts whose ids agree
wherever both are known, and disagree nowhere, share one glyph order (Times New Roman regular and bold
do, from version 5.07 to 7.11; italic has its own); each base font name gets the union of its order.

    python scripts/learn_glyph_maps.py [PDF...] [--out extractor/data/glyph_maps.json]

With no PDF arguments the sources are corpus/**/*.pdf, the tune PDFs of corpus/wild and
../shared/real/*.pdf. Needs fontTools and pikepdf (the test extras).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
MIN_SHARED = 12  # glyphs two fonts must share, all agreeing, before they count as one glyph order


@dataclass
class Observed:
    name: str
    version: str
    glyphs: int
    source: str
    sha256: str
    origin: str
    # gid -> (text, seen in the PDF's ToUnicode map)
    map: dict[int, tuple[str, bool]] = field(default_factory=dict)


def default_sources() -> list[Path]:
    # corpus/wild only through its manifest: its check split is never a source.
    paths = sorted(p for p in (ROOT / "corpus").glob("*/*.pdf") if p.parent.name != "wild")
    manifest = ROOT / "corpus" / "wild" / "MANIFEST.tsv"
    if manifest.exists():
        with manifest.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["split"] == "tune" and row["file"].endswith(".pdf"):
                    paths.append(ROOT / "corpus" / "wild" / row["file"])
    paths += sorted((ROOT.parent / "shared" / "real").glob("*.pdf"))
    return [p for p in paths if p.exists()]


def display_name(path: Path) -> str:
    """A path without this machine's folders: relative to the repository or to shared/."""
    resolved = path.resolve()
    for base, prefix in ((ROOT, ""), (ROOT.parent / "shared", "shared/")):
        if resolved.is_relative_to(base.resolve()):
            return prefix + str(resolved.relative_to(base.resolve()))
    return path.name


def parse_tounicode(data: bytes) -> dict[int, str]:
    """CID -> text from a ToUnicode CMap (bfchar and bfrange sections)."""
    out: dict[int, str] = {}
    text = data.decode("latin-1")

    def utf16(hexstr: str) -> str:
        raw = bytes.fromhex(hexstr)
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)", block):
            start, end = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for offset, dst in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    out[start + offset] = utf16(dst)
            else:
                base = bytes.fromhex(rest[1:-1])
                for offset in range(min(end - start + 1, 65536)):
                    value = int.from_bytes(base, "big") + offset
                    out[start + offset] = value.to_bytes(len(base), "big").decode("utf-16-be", errors="replace")
    return out


def cid_to_gid(descendant: pikepdf.Dictionary) -> dict[int, int] | None:
    """CIDToGIDMap as a dict, or None for Identity."""
    mapping = descendant.get("/CIDToGIDMap")
    if mapping is None or (isinstance(mapping, pikepdf.Name) and str(mapping) == "/Identity"):
        return None
    data = bytes(mapping.read_bytes())
    return {cid: int.from_bytes(data[2 * cid : 2 * cid + 2], "big") for cid in range(len(data) // 2)}


def keeps_original_ids(font: TTFont, tagged: bool) -> bool:
    """A full font, or a subset that kept the original glyph slots (most of them empty)."""
    if "loca" not in font:
        return False
    loca = font["loca"].locations
    inked = sum(1 for a, b in zip(loca, loca[1:], strict=False) if b > a)
    return not tagged or inked * 2 < len(loca)


def preferred(text: str) -> tuple[bool, int]:
    """Order of the code points a cmap gives one glyph: Vietnamese letters and ASCII first ("Đ" not "Ð")."""
    char = text[0]
    vietnamese = char.isascii() or unicodedata.normalize("NFD", char)[0].isascii() or char in "đĐ"
    return (not vietnamese, ord(char))


def observe(path: Path) -> list[Observed]:
    found: list[Observed] = []
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/Type0":
                continue
            if str(obj.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
                continue
            descendant = obj["/DescendantFonts"][0]
            file2 = descendant.get("/FontDescriptor", {}).get("/FontFile2")
            if file2 is None:
                continue
            name = str(obj["/BaseFont"])[1:]
            font = TTFont(io.BytesIO(bytes(file2.read_bytes())), lazy=True)
            if not keeps_original_ids(font, bool(SUBSET_TAG.match(name))):
                continue
            seen = Observed(
                SUBSET_TAG.sub("", name), f"{font['head'].fontRevision:.2f}", font["maxp"].numGlyphs,
                display_name(path), digest, "",
            )
            origins = []
            cmap = font.getBestCmap() if "cmap" in font else None
            if cmap:
                by_gid: dict[int, list[str]] = defaultdict(list)
                for code, glyph in cmap.items():
                    by_gid[font.getGlyphID(glyph)].append(chr(code))
                for gid, chars in by_gid.items():
                    seen.map[gid] = (min(chars, key=preferred), False)
                origins.append("font cmap")
            if "/ToUnicode" in obj:
                gids = cid_to_gid(descendant)
                for cid, text in parse_tounicode(bytes(obj["/ToUnicode"].read_bytes())).items():
                    gid = cid if gids is None else gids.get(cid, 0)
                    if gid and text and text != "\ufffd":
                        seen.map[gid] = (unicodedata.normalize("NFC", text), True)
                origins.append("ToUnicode")
            seen.origin = " + ".join(origins)
            if seen.map:
                found.append(seen)
    return found


def conflicts(a: dict[int, str], b: dict[int, str]) -> tuple[int, int]:
    shared = a.keys() & b.keys()
    return len(shared), sum(1 for gid in shared if a[gid] != b[gid])


def learn(paths: list[Path]) -> dict:
    observed = [o for path in paths for o in observe(path)]
    # One glyph order per group of fonts; start with one group per base name.
    groups: dict[str, set[str]] = {}
    for o in observed:
        groups.setdefault(o.name, {o.name})

    def merged(names: set[str]) -> dict[int, str]:
        out: dict[int, str] = {}
        for o in observed:
            if o.name in names:
                for gid, (text, from_tounicode) in o.map.items():
                    if from_tounicode or gid not in out:
                        out[gid] = text
        return out

    # Strongest evidence first: join the two groups sharing the most glyphs with no disagreement, until
    # no such pair shares MIN_SHARED glyphs. Small overlaps agree across orders (the ASCII block is laid
    # out alike), so a weak pair must not join before the strong pairs have formed the real orders.
    while True:
        tables = {frozenset(g): merged(g) for g in groups.values()}
        best: tuple[int, frozenset[str], frozenset[str]] | None = None
        keys = sorted(tables, key=min)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                shared, bad = conflicts(tables[a], tables[b])
                if bad == 0 and shared >= MIN_SHARED and (best is None or shared > best[0]):
                    best = (shared, a, b)
        if best is None:
            break
        union = set(best[1] | best[2])
        for name in union:
            groups[name] = union
    orders: dict[str, dict] = {}
    fonts: dict[str, str] = {}
    for names in {frozenset(g) for g in groups.values()}:
        order_id = min(names)
        table = merged(set(names))
        orders[order_id] = {
            "fonts": sorted(names),
            "sources": sorted(
                (
                    {"file": o.source, "sha256": o.sha256, "font": o.name, "version": o.version,
                     "glyphs": o.glyphs, "from": o.origin, "entries": len(o.map)}
                    for o in observed if o.name in names
                ),
                key=lambda s: (s["font"], s["file"], s["version"]),
            ),
            "ranges": ranges(table),
        }
        for name in names:
            fonts[name] = order_id
    return {
        "about": "glyph id -> Unicode for CID fonts whose PDF lost its ToUnicode map; rebuilt by "
        "scripts/learn_glyph_maps.py from the sources listed with each glyph order",
        "fonts": dict(sorted(fonts.items())),
        "orders": dict(sorted(orders.items())),
    }


def ranges(table: dict[int, str]) -> list[list[int | str]]:
    """[gid, code point, count] runs of single code points; [gid, text] for ligatures."""
    out: list[list[int | str]] = []
    for gid in sorted(table):
        text = table[gid]
        if len(text) != 1:
            out.append([gid, text])
            continue
        last = out[-1] if out else None
        if last is not None and len(last) == 3:
            g0, c0, n = last
            assert isinstance(g0, int) and isinstance(c0, int) and isinstance(n, int)
            if gid == g0 + n and ord(text) == c0 + n:
                last[2] = n + 1
                continue
        out.append([gid, ord(text), 1])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "extractor" / "data" / "glyph_maps.json")
    args = parser.parse_args(argv)
    sources = args.pdfs or default_sources()
    result = learn(sources)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for order, entry in result["orders"].items():
        print(f"{order}: {', '.join(entry['fonts'])}; {len(entry['sources'])} sources", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
