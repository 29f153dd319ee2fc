"""The refusals of the cases app (core/errors.py: one family for every service)."""

from __future__ import annotations

from qorgau.core.errors import InvalidInput, ServiceError


class CaseActionRefused(ServiceError):
    """A case action the service will not do as asked: a message (HTTP 400)."""


class CaseInvalid(InvalidInput, CaseActionRefused):
    """Bad input, by field (HTTP 422); `conflict` when the registry number is already taken (409)."""
