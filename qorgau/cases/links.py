"""Whom to tell when a report links to a case's suspect (linking/linked.py asks): the prosecutor
of the open case, or the region's chief while it has none. Closed cases tell nobody."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from qorgau.cases import policies
from qorgau.cases.alerts import LINKED_SUSPECT_KIND
from qorgau.cases.enums import OPEN_STAGES
from qorgau.cases.models import Suspect
from qorgau.core.models import User
from qorgau.linking.enums import OwnerType
from qorgau.linking.linked import Linked

OWNER_TYPE = OwnerType.SUSPECT.value


def people_to_alert(owner_ids: list[int]) -> list[Linked]:
    """The suspects among `owner_ids` whose case is open, with whom to tell."""
    rows = list(
        Suspect.objects.filter(pk__in=owner_ids, case__stage__in=OPEN_STAGES)
        .order_by("pk")
        .values_list(
            "pk",
            "case__public_id",
            "case__registry_number",
            "case__region_id",
            "case__prosecutor__user_id",
            "case__prosecutor__user__is_active",
        )
    )
    if not rows:
        return []
    chiefs: dict[int, list[int]] = defaultdict(list)
    if any(not (r[4] and r[5]) for r in rows):
        for pk, region_id in (
            User.objects.filter(
                is_active=True,
                role__in=list(policies.LINKED_SUSPECT_FALLBACK_ROLES),
                region_id__in={r[3] for r in rows},
            )
            .order_by("pk")
            .values_list("pk", "region_id")
        ):
            chiefs[region_id].append(pk)
    return [
        Linked(
            kind=LINKED_SUSPECT_KIND,
            owner_type=OWNER_TYPE,
            owner_id=pk,
            recipients=[holder] if holder and active else chiefs[region_id],
            url=reverse("cases:detail", args=[public_id]),
            region_id=region_id,
            params={"case": registry_number},
        )
        for pk, public_id, registry_number, region_id, holder, active in rows
    ]
