"""What the modules of the services share: the timeline event, text cleaning, the owner types
of linking, and the refusal of an analyst's action."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qorgau.core.errors import ServiceError
from qorgau.core.models import User
from qorgau.core.rows import insert_row
from qorgau.intake.models import Report, ReportEvent
from qorgau.intake.textforms import valid_text
from qorgau.linking.enums import OwnerType


def _text(value: str | None) -> str:
    # lone surrogates (a broken client's invalid Unicode) cannot be encrypted or stored: replaced
    return valid_text(value or "").strip()


def _event(report: Report, kind: str, *, actor: User | None = None, **kwargs: Any) -> ReportEvent:
    event = ReportEvent(report=report, created_at=timezone.now(), kind=kind, actor=actor, **kwargs)
    insert_row(event)
    return event


REPORT_OWNER = OwnerType.REPORT.value
OFFENDER_OWNER = OwnerType.PERSON.value


class ActionRefused(ServiceError):
    """An action that cannot be done as asked; the message says why, in the user's language."""
