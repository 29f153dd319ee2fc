"""What the prevention services share: limits, the refusal, and small helpers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from qorgau.core.errors import ServiceError

NAME_MAX = 200
NOTE_MAX = 2000
PUPILS_MAX = 20_000
MASTER_TRAINERS_TARGET = 300


class PreventionRefused(ServiceError):
    """Bad input or a rule broken; the message says why, in the user's language.

    `errors` maps a field to its messages when the refusal is about fields. Who may act is not
    decided here: `require()` refuses with `PermissionRefused` (403) or `NotFound` (404)."""


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _refuse_validation(exc: ValidationError) -> PreventionRefused:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        return PreventionRefused(errors=errors)
    return PreventionRefused(" ".join(exc.messages))
