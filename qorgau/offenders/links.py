"""Whom to tell when a report links to a person on the register (linking/linked.py asks): a person
under supervision, his plan's police supervisor and the region's chief; an inmate, the clinicians
of his facility (the region's chief where it has none). Ended entries tell nobody."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from qorgau.core.models import User
from qorgau.linking.enums import OwnerType
from qorgau.linking.linked import Linked
from qorgau.offenders import policies
from qorgau.offenders.alerts import LINKED_INMATE_KIND, LINKED_SUPERVISED_KIND
from qorgau.offenders.enums import PersonStatus, PlanStatus
from qorgau.offenders.models import Facility, Person, SupervisionPlan

OWNER_TYPE = OwnerType.PERSON.value


def _by_region(roles: frozenset[str], region_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    if region_ids:
        for pk, region_id in (
            User.objects.filter(is_active=True, role__in=list(roles), region_id__in=region_ids)
            .order_by("pk")
            .values_list("pk", "region_id")
        ):
            found[region_id].append(pk)
    return found


def people_to_alert(owner_ids: list[int]) -> list[Linked]:
    """The register entries among `owner_ids` who are supervised or in custody, with whom to tell."""
    people = list(
        Person.objects.filter(
            pk__in=owner_ids, status__in=[PersonStatus.SUPERVISED, PersonStatus.IN_CUSTODY]
        ).only("pk", "public_id", "status", "region_id", "facility_id")
    )
    if not people:
        return []
    supervised = [p for p in people if p.status == PersonStatus.SUPERVISED]
    inmates = [p for p in people if p.status == PersonStatus.IN_CUSTODY]
    officers: dict[int, list[int]] = defaultdict(list)
    for person_id, officer_id in SupervisionPlan.objects.filter(
        person__in=supervised, status=PlanStatus.ACTIVE, officer__is_active=True
    ).values_list("person_id", "officer_id"):
        officers[person_id].append(officer_id)
    clinicians: dict[int, list[int]] = defaultdict(list)
    facility_ids = {p.facility_id for p in inmates if p.facility_id}
    for facility_id, user_id in (
        Facility.clinicians.through.objects.filter(
            facility_id__in=facility_ids, user__is_active=True
        )
        .order_by("user_id")
        .values_list("facility_id", "user_id")
    ):
        clinicians[facility_id].append(user_id)
    chiefs = _by_region(
        policies.LINKED_SUPERVISED_ALERTED_ROLES | policies.LINKED_INMATE_FALLBACK_ROLES,
        {p.region_id for p in people},
    )
    result = []
    for person in people:
        if person.status == PersonStatus.SUPERVISED:
            kind = LINKED_SUPERVISED_KIND
            told = officers[person.pk] + chiefs[person.region_id]
        else:
            kind = LINKED_INMATE_KIND
            told = clinicians.get(person.facility_id or 0) or chiefs[person.region_id]
        result.append(
            Linked(
                kind=kind,
                owner_type=OWNER_TYPE,
                owner_id=person.pk,
                recipients=told,
                url=reverse("offenders:detail", args=[person.public_id]),
                region_id=person.region_id,
                params={"register": person.public_id},
            )
        )
    return result
