"""Reads of schools, scoped to the reader."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qorgau.core.models import User
from qorgau.core.permissions import visible_to
from qorgau.prevention.models import School


def school_list_for_user(
    *, user: User, district: str | None = None, find: str = ""
) -> QuerySet[School]:
    qs = visible_to(School.objects.select_related("region"), user)
    if district:
        qs = qs.filter(district=district)
    if find:
        qs = qs.filter(Q(name__icontains=find) | Q(settlement__icontains=find))
    return qs.annotate(
        trained=Count("teachers", filter=Q(teachers__certified_on__isnull=False))
    ).order_by("region__name_en", "district", "settlement", "name")


def school_get_for_user(*, user: User, public_id: str) -> School:
    school = (
        visible_to(School.objects.select_related("region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if school is None:
        raise Http404
    return school


def school_choices_for_user(*, user: User) -> QuerySet[School]:
    """The schools a coordinator may pick in their forms (their region's)."""
    return visible_to(School.objects.all(), user).order_by("settlement", "name")


def district_list_for_user(*, user: User) -> list[str]:
    return list(
        visible_to(School.objects.all(), user)
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )
