"""Word .docx: body paragraphs and tables in reading order, with Word's automatic list labels.

python-docx opens the package; the body is walked directly on its XML because python-docx neither
computes list numbers, nor descends into text boxes and content controls, nor tells merged cells apart.
Page headers and footers live in other parts and are never read. The package is checked before any
XML is parsed: a zip bomb is a `LimitExceeded`, a DOCTYPE (never present in real Word files, the door
to entity expansion) a `VnplanError`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from extractor.base.blocks import Block, ReadResult
from extractor.base.errors import LimitExceeded, VnplanError, printable
from extractor.base.limits import DEFAULT_LIMITS, Limits
from extractor.base.normalize import clean_text
from extractor.readers import text_layer
from extractor.readers.legacy import convert_run, font_encoding
from extractor.vocab.frame_lines import layout_kind

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = f"{{{W_NS}}}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_MAX_MEMBERS = 10_000
_RATIO_CHECK_MIN_BYTES = 1024 * 1024


def read(path: Path, limits: Limits) -> ReadResult:
    check_package(path, limits)
    import docx  # imported here: only DOCX reading pays for python-docx

    try:
        document = docx.Document(str(path))
    except VnplanError:
        raise
    except Exception as exc:  # python-docx raises KeyError/ValueError/XMLSyntaxError on broken packages
        raise VnplanError(f"not a valid DOCX ({type(exc).__name__}: {str(exc)[:120]})") from None
    part = document.part
    styles = _Styles(_related_xml(part, "styles"))
    numbering = _Numbering(_related_xml(part, "numbering"), styles)
    walker = _BodyWalker(styles, numbering, limits)
    blocks = walker.walk_body(document.element.body)
    result = ReadResult(blocks=blocks, format="docx")
    if walker.encodings:
        names = ", ".join(sorted(walker.encodings))
        result.encoding = names
        result.warnings.append(("legacy-encoding", f"text in legacy Vietnamese fonts ({names}) converted"))
        # A font named for one encoding but holding another gives text no table reads: say so.
        result.warnings += text_layer.review_blocks(blocks, f"text converted from legacy fonts ({names})")
    return result


# --- package safety -------------------------------------------------------------------------------


def check_package(path: Path, limits: Limits, kind: str = "DOCX") -> None:
    """Refuse what is not a Word package, zip bombs and XML with DOCTYPE declarations, before parsing."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC and kind == "DOCX":
        data = path.read_bytes()
        if _ENCRYPTION_STREAM in data:
            raise VnplanError("password-protected (encrypted) Word file; remove the password and retry")
        raise VnplanError("not a valid DOCX (an OLE container: a legacy .doc file with a .docx name?)")
    if not zipfile.is_zipfile(path):
        raise VnplanError(f"not a valid {kind} (not a zip archive)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise VnplanError(f"not a valid {kind} (broken zip archive: {exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            raise LimitExceeded(f"{kind} has {len(members)} parts, over the limit of {_MAX_MEMBERS}")
        total = sum(member.file_size for member in members)
        if total > limits.docx_uncompressed_bytes:
            raise LimitExceeded(
                f"{kind} expands to {total} bytes, over the limit of {limits.docx_uncompressed_bytes}"
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > _RATIO_CHECK_MIN_BYTES and ratio > limits.docx_compression_ratio:
                raise LimitExceeded(
                    f"{kind} part {member.filename!r} expands {ratio:.0f} times "
                    f"(limit {limits.docx_compression_ratio}): a zip bomb?"
                )
        names = archive.namelist()
        if kind == "DOCX" and "word/document.xml" not in names and "[Content_Types].xml" not in names:
            raise VnplanError("not a valid DOCX (zip archive without a Word document)")
        types = _content_types(archive, limits, kind) if kind == "DOCX" else None
        for member in members:
            if member.is_dir() or member.filename == _CONTENT_TYPES:
                continue
            if types is not None and not _opened_as_xml(member.filename, types):
                continue  # an image (SVG included), font or embedded object: nothing parses it as XML
            _refuse_declarations(archive, member, limits, kind)


_CONTENT_TYPES = "[Content_Types].xml"


def _content_types(archive: zipfile.ZipFile, limits: Limits, kind: str) -> tuple[dict[str, str], dict[str, str]] | None:
    """(overrides by lower-cased part name, defaults by lower-cased extension) as python-docx reads them
    from [Content_Types].xml (itself checked first), or None when it is missing or broken (then every part
    is checked)."""
    try:
        member = archive.getinfo(_CONTENT_TYPES)
    except KeyError:
        return None
    root = _refuse_declarations(archive, member, limits, kind, want_root=True)
    if root is None:
        return None
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for element in root:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.endswith("}Override"):
            overrides[element.get("PartName", "").lower().lstrip("/")] = element.get("ContentType", "")
        elif tag.endswith("}Default"):
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
    return overrides, defaults


def _opened_as_xml(name: str, types: tuple[dict[str, str], dict[str, str]]) -> bool:
    """Whether python-docx may parse the part as XML: its content type is XML (`...xml`, `...+xml`) and
    not an image, or it has none (a stray part: checked to be safe)."""
    overrides, defaults = types
    content_type = overrides.get(name.lower())
    if content_type is None:
        extension = name.rpartition("/")[2].rpartition(".")[2].lower() if "." in name.rpartition("/")[2] else ""
        content_type = defaults.get(extension)
    if content_type is None:
        return True
    content_type = content_type.split(";")[0].strip().lower()
    return content_type.endswith("xml") and not content_type.startswith("image/")


# Every part that may be opened as XML is parsed with DTDs forbidden, whatever its name (a main part can be
# renamed through [Content_Types].xml and _rels: what counts is the content type python-docx reads there,
# so images, SVG among them, fonts and embedded objects are left alone; in an ODT, or a package without
# content types, every part is checked) and encoding (libxml2 reads the BOM and the XML declaration:
# UTF-8, UTF-16 and UTF-32 with or without BOM, or any encoding a declaration names). A part that is not
# XML fails to parse at its first bytes; the byte scan below still looks for a declaration in the
# encodings a parser could autodetect, so a part our parse rejects but another parser might accept cannot
# carry one either.
_SECURE_PARSER_OPTIONS = dict(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)
_CODECS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_DECLARATIONS = tuple(marker.encode(codec) for codec in _CODECS for marker in ("<!DOCTYPE", "<!ENTITY"))
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM", b"\x01\x00\x00\x00",
                b"\xd7\xcd\xc6\x9a")


_XML_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


def _scan_suffices(blob: bytes) -> bool:
    """Whether the byte scan for declarations has read the part as a parser would: a part in UTF-16/32 (the
    scan looks in those), or in UTF-8 or an encoding its declaration names that writes "<!DOCTYPE" and
    "<!ENTITY" as ASCII does. Any other declared encoding (EBCDIC, UTF-7, ...) is parsed to be sure."""
    head = blob[3:] if blob.startswith(b"\xef\xbb\xbf") else blob
    if not head.startswith(b"<?xml"):
        return True  # no declaration in an ASCII-compatible form: UTF-8, or UTF-16/32 (BOM or not)
    match = _XML_DECLARED_ENCODING.match(head)
    if match is None:
        return True  # no encoding named: UTF-8
    try:
        return all(marker.encode(match.group(1).decode("ascii")) == marker.encode("ascii")
                   for marker in ("<!DOCTYPE", "<!ENTITY"))
    except (LookupError, UnicodeError, ValueError):
        return False


def _refuse_declarations(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, kind: str, want_root: bool = False
) -> etree._Element | None:
    """Refuse the part if it declares a DTD; with `want_root`, its parsed root when it is XML (else None)."""
    data = bytearray()
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 16):
                data += chunk
                if len(data) > limits.docx_uncompressed_bytes:  # sizes in the zip directory can lie
                    raise LimitExceeded(f"{kind} part expands beyond the size limit")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise VnplanError(f"not a valid {kind} (corrupt part {printable(member.filename)!r}: {exc})") from None
    name = printable(member.filename)[:200]
    refused = VnplanError(f"document part {name} declares a DTD (DOCTYPE refused)")
    blob = bytes(data)
    del data
    if any(marker in blob for marker in _DECLARATIONS):
        raise refused
    if blob.startswith(_IMAGE_MAGIC) and b"<" not in blob[:64]:
        return None
    if not want_root and _scan_suffices(blob):
        return None  # the byte scan read the part in its own encoding: parsing it again would only cost
    parser = etree.XMLParser(**_SECURE_PARSER_OPTIONS)
    try:
        tree = etree.ElementTree(etree.fromstring(blob, parser))
    except etree.XMLSyntaxError:
        return None  # not XML, or broken: python-docx reports a broken part it needs
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise refused
    if next(tree.iter(etree.Entity), None) is not None:
        raise refused
    return tree.getroot()


def _related_xml(part: object, kind: str) -> etree._Element | None:
    """The XML root of the document part's related styles/numbering part, if any."""
    suffix = f"/relationships/{kind}"
    for rel in part.rels.values():  # type: ignore[attr-defined]
        if rel.reltype.endswith(suffix) and not rel.is_external:
            target = rel.target_part
            element = getattr(target, "element", None)
            if element is not None:
                return element
            return etree.fromstring(target.blob, etree.XMLParser(resolve_entities=False, no_network=True))
    return None


# --- styles -----------------------------------------------------------------------------------------


def _on(element: etree._Element | None) -> bool | None:
    """A WordprocessingML on/off property: present without val (or val true/1/on) is on."""
    if element is None:
        return None
    return element.get(f"{W}val", "true").lower() not in ("false", "0", "off", "none")


def _font_of(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        return None
    return fonts.get(f"{W}hAnsi") or fonts.get(f"{W}ascii") or fonts.get(f"{W}cs")


@dataclass(slots=True)
class _RunProps:
    bold: bool | None = None
    italic: bool | None = None
    font: str | None = None
    hidden: bool | None = None

    @classmethod
    def of(cls, rpr: etree._Element | None) -> _RunProps:
        if rpr is None:
            return cls()
        return cls(
            bold=_on(rpr.find(f"{W}b")),
            italic=_on(rpr.find(f"{W}i")),
            font=_font_of(rpr),
            hidden=_on(rpr.find(f"{W}vanish")),
        )

    def over(self, base: _RunProps) -> _RunProps:
        """These properties laid over `base` (None falls through)."""
        return _RunProps(
            bold=self.bold if self.bold is not None else base.bold,
            italic=self.italic if self.italic is not None else base.italic,
            font=self.font or base.font,
            hidden=self.hidden if self.hidden is not None else base.hidden,
        )


@dataclass(slots=True)
class _Style:
    name: str | None
    based_on: str | None
    run: _RunProps
    align: str | None
    num_id: str | None
    ilvl: int | None


class _Styles:
    """Style inheritance (basedOn chains) for the properties the reader needs."""

    def __init__(self, root: etree._Element | None) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None
        self.defaults = _RunProps()
        if root is None:
            return
        rpr_default = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.defaults = _RunProps.of(rpr_default)
        for style in root.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if not style_id:
                continue
            name = style.find(f"{W}name")
            based = style.find(f"{W}basedOn")
            ppr = style.find(f"{W}pPr")
            num_id, ilvl = _num_pr(ppr)
            self.styles[style_id] = _Style(
                name=name.get(f"{W}val") if name is not None else style_id,
                based_on=based.get(f"{W}val") if based is not None else None,
                run=_RunProps.of(style.find(f"{W}rPr")),
                align=_align_of(ppr),
                num_id=num_id,
                ilvl=ilvl,
            )
            if _on(style.find(f"{W}default")) or style.get(f"{W}default") in ("1", "true"):
                kind = style.get(f"{W}type")
                if kind == "paragraph":
                    self.default_paragraph = style_id
                elif kind == "character":
                    self.default_character = style_id

    def chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = style.based_on

    def run_props(self, style_id: str | None) -> _RunProps:
        props = _RunProps()
        for style in self.chain(style_id):
            props = props.over(style.run)
        return props

    def name(self, style_id: str | None) -> str | None:
        style = self.styles.get(style_id or self.default_paragraph or "")
        return style.name if style else None

    def align(self, style_id: str | None) -> str | None:
        return next((s.align for s in self.chain(style_id) if s.align), None)

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        for style in self.chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None


def _num_pr(ppr: etree._Element | None) -> tuple[str | None, int | None]:
    if ppr is None:
        return None, None
    num_pr = ppr.find(f"{W}numPr")
    if num_pr is None:
        return None, None
    num_id = num_pr.find(f"{W}numId")
    ilvl = num_pr.find(f"{W}ilvl")
    return (
        num_id.get(f"{W}val") if num_id is not None else None,
        _int(ilvl.get(f"{W}val")) if ilvl is not None else None,
    )


_ALIGN = {"center": "center", "right": "right", "end": "right", "left": "left", "start": "left",
          "both": "justify", "distribute": "justify", "mediumKashida": "justify"}


def _align_of(ppr: etree._Element | None) -> str | None:
    if ppr is None:
        return None
    jc = ppr.find(f"{W}jc")
    return _ALIGN.get(jc.get(f"{W}val", "")) if jc is not None else None


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- numbering --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False


@dataclass(slots=True)
class _Instance:
    abstract_id: str
    overrides: dict[int, int] = field(default_factory=dict)
    """ilvl -> startOverride: the list restarts there the first time this instance is used."""
    levels: dict[int, _Level] = field(default_factory=dict)
    """ilvl -> level definition replacing the abstract one (w:lvlOverride/w:lvl)."""


class _Numbering:
    """Word's list numbering: the visible label of each numbered paragraph, in document order.

    Counters belong to the abstract list, so instances (numId) sharing one continue each other, as Word
    does; an instance with a startOverride restarts its level the first time it is used. Using a level
    restarts the levels below it (unless lvlRestart says otherwise).
    """

    def __init__(self, root: etree._Element | None, styles: _Styles) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}
        self.instances: dict[str, _Instance] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started_instances: set[str] = set()
        self.styles = styles
        if root is None:
            return
        for abstract in root.findall(f"{W}abstractNum"):
            abstract_id = abstract.get(f"{W}abstractNumId", "")
            self.abstracts[abstract_id] = {
                _int(lvl.get(f"{W}ilvl")): _parse_level(lvl) for lvl in abstract.findall(f"{W}lvl")
            }
            link = abstract.find(f"{W}numStyleLink")
            if link is not None:
                self.style_links[abstract_id] = link.get(f"{W}val", "")
        for num in root.findall(f"{W}num"):
            abstract_ref = num.find(f"{W}abstractNumId")
            if abstract_ref is None:
                continue
            instance = _Instance(abstract_ref.get(f"{W}val", ""))
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = _int(override.get(f"{W}ilvl"))
                start = override.find(f"{W}startOverride")
                if start is not None:
                    instance.overrides[ilvl] = _int(start.get(f"{W}val"), 1)
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    instance.levels[ilvl] = _parse_level(lvl)
            self.instances[num.get(f"{W}numId", "")] = instance

    def _abstract_of(self, instance: _Instance) -> str:
        """Follow numStyleLink (a list defined by a numbering style) to the abstract holding levels."""
        abstract_id = instance.abstract_id
        for _ in range(5):
            style_id = self.style_links.get(abstract_id)
            if not style_id:
                break
            num_id, _ilvl = self.styles.numbering(style_id)
            linked = self.instances.get(num_id or "")
            if linked is None or linked.abstract_id == abstract_id:
                break
            abstract_id = linked.abstract_id
        return abstract_id

    def _level(self, instance: _Instance, abstract_id: str, ilvl: int) -> _Level:
        return instance.levels.get(ilvl) or self.abstracts.get(abstract_id, {}).get(ilvl) or _Level()

    def label(self, num_id: str | None, ilvl: int | None) -> str | None:
        """Advance the list of `num_id` at level `ilvl` and return the label Word draws, or None."""
        if not num_id or num_id == "0" or num_id not in self.instances:
            return None
        ilvl = min(max(ilvl or 0, 0), 8)
        instance = self.instances[num_id]
        abstract_id = self._abstract_of(instance)
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started_instances:
            self.started_instances.add(num_id)
            for level_index, start in instance.overrides.items():
                counters[level_index] = start - 1
                for deeper in [k for k in counters if k > level_index]:
                    del counters[deeper]
        level = self._level(instance, abstract_id, ilvl)
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = self._level(instance, abstract_id, deeper).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "none":
            return _clean_label(re.sub(r"%\d", "", level.text))
        if level.fmt == "bullet":
            return _bullet(level.text)

        def substitute(match: re.Match[str]) -> str:
            ref = int(match.group(1)) - 1
            ref_level = self._level(instance, abstract_id, ref)
            value = counters.get(ref, ref_level.start)
            fmt = "decimal" if level.legal and ref_level.fmt != "none" else ref_level.fmt
            return format_number(value, fmt)

        return _clean_label(re.sub(r"%([1-9])", substitute, level.text))


def _parse_level(lvl: etree._Element) -> _Level:
    def val(tag: str) -> str | None:
        element = lvl.find(f"{W}{tag}")
        return element.get(f"{W}val") if element is not None else None

    restart = val("lvlRestart")
    return _Level(
        start=_int(val("start"), 1),
        fmt=val("numFmt") or "decimal",
        text=val("lvlText") or "",
        restart=_int(restart) if restart is not None else None,
        legal=bool(_on(lvl.find(f"{W}isLgl"))),
    )


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(value: int) -> str:
    out = []
    for number, numeral in _ROMAN:
        while value >= number:
            out.append(numeral)
            value -= number
    return "".join(out)


def _letters(value: int) -> str:
    # Word's letter numbering: a..z, then aa..zz, aaa.. (repeat the letter), not base-26.
    if value <= 0:
        return str(value)
    letter = chr(ord("a") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)


MAX_SPELLED_NUMBER = 10_000
"""Counter values above this are drawn in Arabic digits whatever the format: a hostile start value of
10^12 in roman numerals or letters would otherwise spell out gigabytes (no real list reaches it)."""


def format_number(value: int, fmt: str) -> str:
    """A counter value in a Word numFmt (unknown formats fall back to decimal, as Word does)."""
    if abs(value) > MAX_SPELLED_NUMBER:
        return str(value)
    if fmt == "upperRoman":
        return _roman(value).upper() if value > 0 else str(value)
    if fmt == "lowerRoman":
        return _roman(value) if value > 0 else str(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


# Symbol/Wingdings bullets live in the private-use area; shown as a plain bullet.
_DASH_BULLETS = {"-", "\u2013", "\u2014", "+", "*", "\u2022", "\u25cf", "\u25cb", "\u25aa", "\u2212", "o"}


def _bullet(text: str) -> str:
    text = text.strip()
    if text in _DASH_BULLETS:
        return "\u2013" if text == "\u2014" else text
    return "\u2022"


def _clean_label(label: str) -> str | None:
    label = clean_text(label)
    return label or None


# --- body walking -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    text: str
    props: _RunProps


@dataclass(slots=True)
class _Line:
    """One visual line of a paragraph (paragraphs split at manual line breaks)."""

    pieces: list[_Piece] = field(default_factory=list)


class _BodyWalker:
    def __init__(self, styles: _Styles, numbering: _Numbering, limits: Limits = DEFAULT_LIMITS) -> None:
        self.styles = styles
        self.numbering = numbering
        self.limits = limits
        self.cells = 0
        """Grid cells of the data tables so far (the document's total against `limits.table_cells`)."""
        self.encodings: set[str] = set()
        self.table_count = 0

    # Containers ------------------------------------------------------------------------------------

    def walk_body(self, body: etree._Element) -> list[Block]:
        items = list(self._items(body))
        blocks: list[Block] = []
        body_started = False
        for index, item in enumerate(items):
            if item.tag == f"{W}tbl":
                kind = _layout_kind(item, self, body_started, has_text_after=_text_follows(items, index))
                if kind:
                    blocks.extend(self.layout_table(item, kind))
                    continue
                blocks.extend(self.table(item))
                body_started = True
            else:
                produced = self.paragraph(item)
                blocks.extend(produced)
                if any(block.line.strip() for block in produced):
                    body_started = True
        return blocks

    def _items(self, container: etree._Element) -> Iterator[etree._Element]:
        """Paragraphs and tables of a container, looking through content controls and custom XML."""
        for child in container:
            tag = child.tag
            if tag in (f"{W}p", f"{W}tbl"):
                yield child
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent", f"{W}ins", f"{W}moveTo"):
                yield from self._items(child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child) \
                    if (tag != f"{W}sdt" or child.find(f"{W}sdtContent") is not None) else iter(())
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    yield from self._items(choice)

    def blocks_of(self, container: etree._Element) -> list[Block]:
        """Blocks of a text box or cell content, in order (nested tables as rows)."""
        blocks: list[Block] = []
        for item in self._items(container):
            blocks.extend(self.table(item) if item.tag == f"{W}tbl" else self.paragraph(item))
        return blocks

    # Paragraphs ------------------------------------------------------------------------------------

    def paragraph(self, p: etree._Element) -> list[Block]:
        ppr = p.find(f"{W}pPr")
        style_id = None
        if ppr is not None and (pstyle := ppr.find(f"{W}pStyle")) is not None:
            style_id = pstyle.get(f"{W}val")
        style_id = style_id or self.styles.default_paragraph
        base_props = self.styles.defaults
        base_props = self.styles.run_props(style_id).over(base_props)
        lines: list[_Line] = [_Line()]
        boxes: list[etree._Element] = []
        self._collect(p, base_props, lines, boxes)

        num_id, ilvl = _num_pr(ppr)
        if num_id is None:
            style_num, style_ilvl = self.styles.numbering(style_id)
            num_id = style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        elif ilvl is None:
            ilvl = self.styles.numbering(style_id)[1]
        mark_hidden = ppr is not None and _RunProps.of(ppr.find(f"{W}rPr")).hidden
        label = None if mark_hidden and not _has_text(lines) else self.numbering.label(num_id, ilvl)

        align = _align_of(ppr) or self.styles.align(style_id)
        style_name = self.styles.name(style_id)
        blocks: list[Block] = []
        for index, line in enumerate(lines):
            text, bold, italic = self._render(line)
            if index and not text:
                continue
            blocks.append(Block(kind="paragraph", text=text, label=label if index == 0 else None,
                                bold=bold, italic=italic, align=align, style=style_name))
        for box in boxes:
            blocks.extend(self.blocks_of(box))
        return blocks

    def _collect(self, element: etree._Element, props: _RunProps, lines: list[_Line],
                 boxes: list[etree._Element]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == f"{W}r":
                run_props = _RunProps.of(child.find(f"{W}rPr"))
                rstyle = child.find(f"{W}rPr/{W}rStyle")
                style_props = self.styles.run_props(rstyle.get(f"{W}val")) if rstyle is not None else _RunProps()
                effective = run_props.over(style_props.over(props))
                if effective.hidden:
                    continue
                self._run(child, effective, lines, boxes)
            elif tag in (f"{W}pPr", f"{W}del", f"{W}moveFrom", f"{{{MC_NS}}}Fallback", f"{W}rPr"):
                continue
            elif tag == f"{W}txbxContent":
                boxes.append(child)
            else:  # hyperlink, ins, smartTag, fldSimple, sdt, customXml, AlternateContent/Choice, ...
                self._collect(child, props, lines, boxes)

    def _run(self, run: etree._Element, props: _RunProps, lines: list[_Line],
             boxes: list[etree._Element]) -> None:
        for child in run:
            tag = child.tag
            if tag == f"{W}t":
                lines[-1].pieces.append(_Piece(child.text or "", props))
            elif tag == f"{W}tab" or tag == f"{W}ptab":
                lines[-1].pieces.append(_Piece("\t", props))
            elif tag in (f"{W}br", f"{W}cr"):
                lines.append(_Line())
            elif tag == f"{W}softHyphen":
                # In a TCVN3 font the soft-hyphen code is the letter ư; elsewhere it is invisible.
                lines[-1].pieces.append(_Piece("\u00ad", props))
            elif tag == f"{W}noBreakHyphen":
                lines[-1].pieces.append(_Piece("-", props))
            elif tag in (f"{W}rPr", f"{W}delText", f"{W}instrText", f"{W}fldChar"):
                continue
            elif isinstance(tag, str):  # drawing, pict, AlternateContent: look for text boxes
                self._find_boxes(child, boxes)

    def _find_boxes(self, element: etree._Element, boxes: list[etree._Element]) -> None:
        for child in element:
            if child.tag == f"{W}txbxContent":
                boxes.append(child)
            elif child.tag != f"{{{MC_NS}}}Fallback" and isinstance(child.tag, str):
                self._find_boxes(child, boxes)

    def _render(self, line: _Line) -> tuple[str, bool, bool]:
        """Join a line's pieces (converting legacy-font runs), and whether all its text is bold/italic."""
        parts: list[str] = []
        # Consecutive pieces in one legacy font are converted together: VNI letters span two characters.
        groups: list[tuple[str | None, list[_Piece]]] = []
        for piece in line.pieces:
            encoding_font = piece.props.font if font_encoding(piece.props.font) else None
            if groups and groups[-1][0] == encoding_font:
                groups[-1][1].append(piece)
            else:
                groups.append((encoding_font, [piece]))
        for font, pieces in groups:
            text = "".join(piece.text for piece in pieces)
            if font:
                text, encoding = convert_run(text, font)
                if encoding:
                    self.encodings.add(encoding)
            parts.append(text)
        visible = [piece for piece in line.pieces if piece.text.strip()]
        bold = bool(visible) and all(piece.props.bold for piece in visible)
        italic = bool(visible) and all(piece.props.italic for piece in visible)
        return clean_text("".join(parts)), bold, italic

    # Tables ----------------------------------------------------------------------------------------

    def table(self, tbl: etree._Element) -> list[Block]:
        count = self._checked_cell_count(tbl)
        self.cells += count
        if self.cells > self.limits.table_cells:
            raise LimitExceeded(f"tables of {self.cells} cells in all, over the limit of {self.limits.table_cells}")
        index = self.table_count
        self.table_count += 1
        blocks: list[Block] = []
        for row_index, cells in enumerate(self._grid(tbl, checked=True)):
            lines = [self._cell_lines(cell) if cell is not None else [] for cell in cells]
            texts = [clean_text(" ".join(line for line in cell if line)) for cell in lines]
            blocks.append(Block(kind="row", cells=texts, table=index, row=row_index, cell_lines=lines))
        return blocks

    def _grid(self, tbl: etree._Element, checked: bool = False) -> Iterator[list[etree._Element | None]]:
        """Rows as lists of grid cells, so that columns line up across rows: a vertically merged
        continuation, the columns a horizontally merged cell spans after its first, and the grid columns
        skipped before or after a row (gridBefore/gridAfter) become None (shown empty)."""
        if not checked:
            self._checked_cell_count(tbl)
        for tr in self._rows(tbl):
            cells: list[etree._Element | None] = [None] * _grid_count(tr.find(f"{W}trPr/{W}gridBefore"))
            for tc in self._cells(tr):
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                continued = vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue"
                cells.append(None if continued else tc)
                cells.extend([None] * (_grid_count(tc.find(f"{W}tcPr/{W}gridSpan")) - 1))
            cells.extend([None] * _grid_count(tr.find(f"{W}trPr/{W}gridAfter")))
            yield cells

    def _checked_cell_count(self, tbl: etree._Element) -> int:
        count = self._cell_count(tbl)
        if count > self.limits.table_cells:
            raise LimitExceeded(f"table of {count} cells, over the limit of {self.limits.table_cells}")
        return count

    def _cell_count(self, tbl: etree._Element) -> int:
        """The grid cells `_grid` would build for a table, counted from the spans without building it."""
        count = 0
        for tr in self._rows(tbl):
            count += _grid_count(tr.find(f"{W}trPr/{W}gridBefore")) + _grid_count(tr.find(f"{W}trPr/{W}gridAfter"))
            for tc in self._cells(tr):
                count += max(_grid_count(tc.find(f"{W}tcPr/{W}gridSpan")), 1)
        return count

    def _rows(self, tbl: etree._Element) -> Iterator[etree._Element]:
        return _children(tbl, f"{W}tr")

    def _cells(self, tr: etree._Element) -> Iterator[etree._Element]:
        return _children(tr, f"{W}tc")

    def _cell_lines(self, tc: etree._Element) -> list[str]:
        """A cell's paragraphs, one line each, empty ones kept (they align columns of bullets)."""
        return [clean_text(block.line) for block in self.blocks_of(tc)]

    def layout_table(self, tbl: etree._Element, region: str) -> list[Block]:
        """A header/signature layout table: one paragraph per cell line, row by row, left then right."""
        blocks: list[Block] = []
        for cells in self._grid(tbl):
            present = [(column, cell) for column, cell in enumerate(cells) if cell is not None]
            width = len(cells)
            for column, cell in present:
                side = "left" if column < max(width - 1, 1) or width == 1 else "right"
                for block in self._flat_paragraphs(cell):
                    block.region = f"{region}-{side}"
                    blocks.append(block)
        return blocks

    def _flat_paragraphs(self, container: etree._Element) -> list[Block]:
        blocks: list[Block] = []
        for item in self._items(container):
            if item.tag == f"{W}tbl":
                for cells in self._grid(item):
                    for cell in cells:
                        if cell is not None:
                            blocks.extend(self._flat_paragraphs(cell))
            else:
                blocks.extend(self.paragraph(item))
        return blocks

    def plain_text(self, element: etree._Element) -> list[str]:
        """Text lines of an element without advancing list counters (for classification)."""
        lines: list[str] = []
        for p in element.iter(f"{W}p"):
            text = "".join(t.text or "" for t in p.iter(f"{W}t"))
            font = _first_font(p)
            if font_encoding(font):
                text = convert_run(text, font)[0]
            lines.append(clean_text(text))
        return [line for line in lines if line]


MAX_GRID_COLUMNS = 63


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with `tag` (rows of a table, cells of a row), looking through content controls and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from _children(content, tag)


def _grid_count(element: etree._Element | None) -> int:
    """The w:val of a gridSpan/gridBefore/gridAfter element; 0 when absent (a missing span adds no column)."""
    if element is None:
        return 0
    try:
        # Word tables have at most 63 columns: a larger span is corrupt or hostile (one cell could
        # otherwise ask for millions of empty columns).
        return min(max(int(element.get(f"{W}val", "1")), 0), MAX_GRID_COLUMNS)
    except ValueError:
        return 0


def _first_font(p: etree._Element) -> str | None:
    for rpr in p.iter(f"{W}rPr"):
        font = _font_of(rpr)
        if font:
            return font
    return None


def _has_text(lines: list[_Line]) -> bool:
    return any(piece.text.strip() for line in lines for piece in line.pieces)


def _text_follows(items: list[etree._Element], index: int) -> bool:
    """Whether a paragraph with text (the running body) follows item `index`."""
    for item in items[index + 1:]:
        if item.tag == f"{W}p" and any((t.text or "").strip() for t in item.iter(f"{W}t")):
            return True
        if item.tag == f"{W}tbl":
            return True
    return False


# --- layout tables ----------------------------------------------------------------------------------


def _layout_kind(tbl: etree._Element, walker: _BodyWalker, body_started: bool,
                 has_text_after: bool) -> str | None:
    """"header" or "footer" when a table only lays out the header or signature block, else None."""
    rows = [child for child in tbl if child.tag == f"{W}tr"]
    widths = [len([c for c in row if c.tag == f"{W}tc"]) for row in rows] or [0]
    return layout_kind(walker.plain_text(tbl), len(rows), max(widths), body_started, has_text_after)
