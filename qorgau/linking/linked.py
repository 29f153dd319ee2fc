"""A report that links to someone the higher apps already know (a supervised offender, an inmate,
a case's suspect): who is to be told, found by each of those apps' `links` module.

Linking is below the apps that know what a register entry or a suspect is: each of them offers a
`links.py` with `OWNER_TYPE` (the owner type it keeps in the linking index) and
`people_to_alert(owner_ids) -> list[Linked]` (whom to tell about which of its owners, and in which
alert kind). The report's side (raising the alerts, naming the report) is intake's
(`intake/linked.py`). Alerts name the identifier that linked by its kind and at most its last two
characters (`via_code`), never its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from qorgau.core.registry import app_modules
from qorgau.linking.identifiers import PHONE
from qorgau.linking.models import Identifier, IdentifierUse

# What linked, when an analyst confirmed the link (a name candidate, their judgement): no value.
CONFIRMED_NAME = "confirmed"


@dataclass
class Linked:
    """An owner the report linked to, and whom to tell: `kind` of alert, the people, the page where
    it is dealt with, the numbers that name it (`register`, `case`: numbers, never names)."""

    kind: str
    owner_type: str
    owner_id: int
    recipients: list[int]
    url: str
    region_id: int | None
    params: dict[str, Any] = field(default_factory=dict)


def linked_owner_types() -> dict[str, Any]:
    """The `links` module of each app by the owner type it answers for."""
    return {m.OWNER_TYPE: m for m in app_modules("links") if hasattr(m, "people_to_alert")}


def via_code(kind: str, value: str) -> str:
    """How an alert names the identifier that linked: its kind, and for a phone its last two
    digits (`phone:67`). Never more: alerts go by e-mail and SMS."""
    if kind == PHONE:
        digits = "".join(c for c in value if c.isdigit())
        return f"{PHONE}:{digits[-2:]}" if len(digits) >= 2 else PHONE
    return kind


def uses_in_subject(*, subject_id: int, owner_types: list[str]) -> QuerySet[IdentifierUse]:
    return IdentifierUse.objects.filter(
        identifier__subject_id=subject_id, owner_type__in=owner_types
    )


def linked_owners(
    *, subject_id: int, owner_types: list[str], own: list[Identifier]
) -> dict[str, dict[int, str]]:
    """The owners of `owner_types` in the subject, each with the `via_code` of the identifier that
    linked it: one of `own` (the report's identifiers) that the owner shares, else the first of
    `own` that joined the subject (the owner is reached through other reports). One query."""
    rows = list(
        uses_in_subject(subject_id=subject_id, owner_types=owner_types)
        .order_by("owner_type", "owner_id", "identifier_id")
        .values_list("owner_type", "owner_id", "identifier_id")
    )
    by_pk = {i.pk: i for i in own}
    joined = next((i for i in own if i.subject_id is not None), next(iter(own), None))
    fallback = via_code(joined.kind, joined.value) if joined is not None else ""
    result: dict[str, dict[int, str]] = {}
    for owner_type, owner_id, identifier_id in rows:
        found = result.setdefault(owner_type, {})
        shared = by_pk.get(identifier_id)
        if shared is not None and not found.get(owner_id):
            found[owner_id] = via_code(shared.kind, shared.value)
        else:
            found.setdefault(owner_id, "")
    for found in result.values():
        for owner_id, via in found.items():
            found[owner_id] = via or fallback
    return result
