"""Pydantic models: the JSON contract of vnplan."""

from models.document import (
    SCHEMA_VERSION,
    Citation,
    Mention,
    Metadata,
    Page,
    Period,
    PlanDocument,
    Quality,
    Section,
    Signer,
    Source,
    Task,
    Unit,
    Warning,
    flat_metadata,
    flat_metadata_fields,
)

__all__ = [
    "SCHEMA_VERSION",
    "Citation",
    "Mention",
    "Metadata",
    "Page",
    "Period",
    "PlanDocument",
    "Quality",
    "Section",
    "Signer",
    "Source",
    "Task",
    "Unit",
    "Warning",
    "flat_metadata",
    "flat_metadata_fields",
]
