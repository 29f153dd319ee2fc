"""What the prevention services share: limits, the refusal, and the region check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import Region, User

NAME_MAX = 200
NOTE_MAX = 2000
PUPILS_MAX = 20_000
MASTER_TRAINERS_TARGET = 300


class PreventionRefused(Exception):
    """Bad input or a rule broken; the message says why, in the user's language.

    `errors` maps a field to its messages when the refusal is about fields."""

    def __init__(self, message: str = "", *, errors: dict[str, list[str]] | None = None):
        self.errors = errors or {}
        if not message:
            message = " ".join(m for messages in self.errors.values() for m in messages)
        super().__init__(message)
        self.message = message


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _refuse_validation(exc: ValidationError) -> PreventionRefused:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        return PreventionRefused(errors=errors)
    return PreventionRefused(" ".join(exc.messages))


def _check_region(
    acting_user: User | None, region: Region | None, *, central: bool = False
) -> None:
    """The coordinator of the region changes its programme; the central office too where `central`.

    `acting_user=None` is the system itself (imports from the command line, demo data)."""
    if acting_user is None:
        return
    if central and acting_user.role == Role.CENTRAL_OFFICE:
        return
    if acting_user.role != Role.EDUCATION_COORDINATOR:
        raise PreventionRefused(_("Only the education coordinator of the region can do this."))
    if region is None or acting_user.region_id != region.pk:
        raise PreventionRefused(
            _("This belongs to another region: you work with the programme of your region only.")
        )
