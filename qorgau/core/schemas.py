"""Schemas shared by every API router (one component name, one shape, in the OpenAPI document)."""

from __future__ import annotations

from ninja import Schema


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error: a list of field errors (422) or one message."""

    detail: list[FieldError] | str
