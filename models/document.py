"""The JSON contract of vnplan: one `PlanDocument` per input file.

Every offset (`start`, `end`) is a character offset into `PlanDocument.text`, the normalized plain text
of the document (Unicode NFC). Dates are ISO strings, partial where the source leaves parts blank
("2021-03", "2021"). Field names are stable within a schema version; see README "The JSON contract".
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"
SCHEMA_ID = f"urn:vnplan:schema:plan-document:{SCHEMA_VERSION}"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic v2 generates

InputFormat = Literal["txt", "html", "docx", "pdf", "doc", "rtf", "odt", "image"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    path: str = Field(description="The input path as given")
    format: InputFormat
    sha256: str = Field(description="SHA-256 of the input bytes")
    pages: int | None = Field(None, description="Number of pages, for paged formats")
    ocr: bool = Field(False, description="True when any text came from OCR")
    encoding: str | None = Field(
        None, description="Text encoding or legacy font encoding detected (utf-8, cp1258, tcvn3, vni, ...)"
    )


class Page(_Model):
    number: int
    start: int
    end: int


class Signer(_Model):
    title: str | None = Field(None, description="The signer's own title line, e.g. 'PHÓ CHỦ TỊCH'")
    name: str | None = None
    on_behalf: str | None = Field(None, description="The KT./TM./Q./TL./TUQ. line, e.g. 'KT. CHỦ TỊCH'")


class Metadata(_Model):
    doc_type: str | None = Field(None, description="Type word of the title block, e.g. 'Kế hoạch'")
    number: str | None = Field(None, description="Number of the 'Số:' line; null when left blank")
    symbol: str | None = Field(None, description="Symbol of the 'Số:' line, e.g. 'KH-HĐTĐKT'")
    code: str | None = Field(None, description="Number and symbol as written, spaces removed")
    issuer: str | None = Field(None, description="Issuing body, abbreviations expanded")
    issuer_raw: str | None = Field(None, description="Issuing body as written")
    parent_issuer: str | None = None
    parent_issuer_raw: str | None = None
    province: str | None = Field(None, description="Official name of the issuer's province")
    province_2025: str | None = Field(None, description="The province after the 1 July 2025 reorganisation")
    place: str | None = Field(None, description="Place of the place-and-date line")
    issued_date: str | None = None
    plan_year: int | None = None
    title: str | None = None
    signer: Signer = Field(default_factory=Signer)


def flat_metadata_fields() -> tuple[str, ...]:
    """Metadata's fields in model order, the signer's as `signer_<field>`: the one list that exports,
    scoring and reports derive their columns from."""
    names: list[str] = []
    for name in Metadata.model_fields:
        if name == "signer":
            names += [f"signer_{sub}" for sub in Signer.model_fields]
        else:
            names.append(name)
    return tuple(names)


def flat_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """A metadata dict (as `Metadata.model_dump()` gives it) in the flat form of `flat_metadata_fields`."""
    signer = metadata.get("signer") or {}
    return {
        name: signer.get(name.removeprefix("signer_")) if name.startswith("signer_") else metadata.get(name)
        for name in flat_metadata_fields()
    }


class Section(_Model):
    id: str
    parent: str | None = None
    number: str = Field(description="Heading number without trailing punctuation: 'I', '2.2.1', 'a'")
    title: str
    level: int
    start: int
    end: int


class Citation(_Model):
    id: str
    text: str = Field(description="The citation as written")
    start: int
    end: int
    section: str | None = None
    doc_type: str | None = None
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    code: str | None = None
    date: str | None = None
    issuer: str | None = None
    issuer_raw: str | None = None
    subject: str | None = None
    family: Literal["state", "party"] | None = None
    role: Literal["basis", "reference"] = "reference"
    refers_to: str | None = Field(None, description="Id of the earlier citation a short reference points to")


class Period(_Model):
    quarters: list[int] = Field(default_factory=list)
    months: list[int] = Field(default_factory=list)
    deadlines: list[str] = Field(default_factory=list)
    start: str | None = None
    end: str | None = None
    recurring: str | None = Field(None, description="'hằng năm', 'hằng tháng', 'định kỳ 6 tháng', ...")
    text: str | None = Field(None, description="The time phrase as written")


class Task(_Model):
    id: str
    text: str = Field(
        description="The item's text without its bullet, number or a time heading that only precedes it; for a "
        "table row wrapped over several rows, the pieces joined. `start`/`end` span all of it in `text`."
    )
    section: str | None = None
    origin: Literal["table", "list", "paragraph"]
    period: Period = Field(default_factory=Period)
    lead: list[str] = Field(default_factory=list)
    coordinating: list[str] = Field(default_factory=list)
    start: int
    end: int


class Mention(_Model):
    text: str
    start: int
    end: int


UnitKind = Literal[
    "department",
    "office",
    "committee",
    "peoples_committee",
    "association",
    "locality",
    "school",
    "party",
    "generic",
    "other",
]


class Unit(_Model):
    name: str = Field(description="The unit as first written")
    canonical: str = Field(
        description="Normalized name: abbreviations expanded, proper nouns in their case ('Công an tỉnh Lâm Đồng')"
    )
    key: str = Field(description="Folded matching key of the canonical name, the same across documents")
    kind: UnitKind
    mentions: list[Mention] = Field(default_factory=list)


class Warning(_Model):
    code: str
    message: str
    start: int | None = None
    end: int | None = None


class Quality(_Model):
    """How far the text can be trusted, so that an archive user can filter what needs a human look."""

    ocr_text_share: float = Field(0.0, ge=0, le=1, description="Share of the text's characters that came from OCR")
    pages_repaired: list[int] = Field(
        default_factory=list, description="Pages whose lying text layer was repaired (a glyph map, a legacy table)"
    )
    pages_ocr: list[int] = Field(default_factory=list, description="Pages whose text came from OCR")
    draft: bool = Field(False, description="A 'Dự thảo' mark stands in the header, before the title")
    warnings_by_code: dict[str, int] = Field(default_factory=dict, description="Number of warnings per code")
    needs_review: bool = Field(
        False, description="OCR text, a repaired page, a draft mark or a review-worthy warning (see pipeline)"
    )


class PlanDocument(_Model):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID}
    )

    schema_version: Literal["1.1"] = "1.1"
    pipeline_version: str
    id: str = Field(description="Content hash of the input")
    source: Source
    text: str
    pages: list[Page] = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=Metadata)
    recipients: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    quality: Quality = Field(default_factory=Quality)
