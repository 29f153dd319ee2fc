"""Reads of schools, scoped to the reader."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from qorgau.core.collation import region_sort_key, sort_key, sorted_by_name
from qorgau.core.models import User
from qorgau.core.permissions import visible_to
from qorgau.prevention.models import School


def school_list_for_user(
    *, user: User, district: str | None = None, find: str = ""
) -> list[School]:
    """The schools the user may see, by region, district, settlement and name in the active
    language's alphabetical order, numbers by value (No. 5 before No. 13)."""
    qs = visible_to(School.objects.select_related("region"), user)
    if district:
        qs = qs.filter(district=district)
    if find:
        qs = qs.filter(Q(name__icontains=find) | Q(settlement__icontains=find))
    schools = qs.annotate(
        trained=Count("teachers", filter=Q(teachers__certified_on__isnull=False))
    ).order_by("pk")
    return sorted(
        schools,
        key=lambda s: (
            region_sort_key(s.region),
            sort_key(s.district),
            sort_key(s.settlement),
            sort_key(s.name),
        ),
    )


def school_get_for_user(*, user: User, public_id: str) -> School:
    school = (
        visible_to(School.objects.select_related("region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if school is None:
        raise Http404
    return school


def school_choices_for_user(*, user: User) -> list[School]:
    """The schools a coordinator may pick in their forms (their region's)."""
    schools = visible_to(School.objects.all(), user).order_by("pk")
    return sorted(schools, key=lambda s: (sort_key(s.settlement), sort_key(s.name)))


def district_list_for_user(*, user: User) -> list[str]:
    return sorted_by_name(
        visible_to(School.objects.all(), user)
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )
