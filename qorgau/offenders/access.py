"""What core's four eyes on access asks of the offenders app: the facilities a clinician works in.

A clinician sees the inmates of their facilities, so being added to a facility is a change of
access like a role: it is asked for on the clinician's account in /admin/ and applied by
`core.services.access_change_approve` through these two functions (core may not import offenders).
"""

from __future__ import annotations

from django.db.models import QuerySet

from qorgau.core.models import User
from qorgau.offenders import policies
from qorgau.offenders.models import Facility


def works_in_facilities(role: str) -> bool:
    """Whether an account of `role` may be asked to work in facilities (clinicians)."""
    return role == policies.FACILITY_STAFF["role"]


def facility_ids_of(user: User) -> list[int]:
    """The ids of the facilities `user` works in, in order."""
    return sorted(Facility.objects.filter(clinicians=user).values_list("pk", flat=True))


def facilities_set(user: User, ids: list[int]) -> None:
    """Make `user` work in exactly these facilities (called by the approval, in its transaction)."""
    Facility.clinicians.through.objects.filter(user=user).exclude(facility_id__in=ids).delete()
    have = set(facility_ids_of(user))
    Facility.clinicians.through.objects.bulk_create(
        [Facility.clinicians.through(user=user, facility_id=pk) for pk in ids if pk not in have]
    )


def facility_choices() -> QuerySet[Facility]:
    """The facilities a clinician may be asked to work in."""
    return Facility.objects.select_related("region")
