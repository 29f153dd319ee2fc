"""Reads of the linking app: subjects, their identifiers and where they were seen."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from qorgau.linking.identifiers import Found
from qorgau.linking.models import Identifier, IdentifierUse, NameEntry, Subject
from qorgau.linking.names import best_matches
from qorgau.linking.services import lookup_keys


def root_of(subject: Subject) -> Subject:
    seen = 0
    # merged_into is None without a query when merged_into_id is
    while seen < 50 and (parent := subject.merged_into) is not None:
        subject = parent
        seen += 1
    return subject


def subject_for_owner(*, owner_type: str, owner_id: int) -> Subject | None:
    """The subject a report (or case suspect, register entry) belongs to, if any."""
    subject = (
        Subject.objects.filter(
            identifiers__uses__owner_type=owner_type, identifiers__uses__owner_id=owner_id
        )
        .order_by("first_seen", "pk")
        .first()
    )
    return root_of(subject) if subject else None


def subject_by_identifier(*, found: Found) -> Subject | None:
    identifier = (
        Identifier.objects.select_related("subject")
        .filter(lookup__in=lookup_keys(found.kind, found.value))
        .first()
    )
    if identifier is None or identifier.subject is None:
        return None
    return root_of(identifier.subject)


def subject_by_public_id(*, public_id: str) -> Subject | None:
    subject = Subject.objects.filter(public_id=public_id).first()
    return root_of(subject) if subject else None


def owner_ids_of_subject(
    *, subject: Subject, owner_type: str, limit: int | None = None
) -> list[int]:
    qs = (
        IdentifierUse.objects.filter(identifier__subject=subject, owner_type=owner_type)
        .values_list("owner_id", flat=True)
        .distinct()
        .order_by("owner_id")
    )
    return list(qs[:limit] if limit else qs)


def identifiers_of_subject(*, subject: Subject) -> QuerySet[Identifier]:
    return subject.identifiers.exclude(kind="analyst").order_by("kind", "created_at")


def identifiers_of_owner(*, owner_type: str, owner_id: int) -> QuerySet[Identifier]:
    return (
        Identifier.objects.filter(uses__owner_type=owner_type, uses__owner_id=owner_id)
        .exclude(kind="analyst")
        .order_by("kind", "pk")
    )


def uses_of_subject(*, subject: Subject) -> QuerySet[IdentifierUse]:
    return IdentifierUse.objects.filter(identifier__subject=subject).select_related("region")


def name_candidates(
    *,
    name: str,
    owner_types: list[str] | None = None,
    owner_ids: QuerySet[Any] | None = None,
    exclude: tuple[str, int] | None = None,
    limit: int = 10,
) -> list[tuple[NameEntry, float]]:
    """Names elsewhere that look like this one across alphabets, best first: candidates only.
    `owner_types` and `owner_ids` (a query of ids) narrow them to what the caller may see."""
    entries = NameEntry.objects.all()
    if owner_types:
        entries = entries.filter(owner_type__in=owner_types)
    if owner_ids is not None:
        entries = entries.filter(owner_id__in=owner_ids)
    if exclude:
        entries = entries.exclude(owner_type=exclude[0], owner_id=exclude[1])
    choices = dict(entries.values_list("pk", "skeleton")[:200_000])
    matches = best_matches(name, choices, limit=limit)
    rows = NameEntry.objects.in_bulk([m.key for m in matches])
    return [(rows[m.key], m.score) for m in matches if m.key in rows]
