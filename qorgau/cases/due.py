"""What falls due in the cases app, alerted by `tick`: a handover near its deadline (the region's
chief and the prosecutor who holds the case, QORGAU_HANDOVER_WARN_HOURS before it), and, once a
week, each region short of eligible prosecutors (its chief)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from qorgau.cases import policies
from qorgau.cases.alerts import HANDOVER_DUE_SOON_KIND, STAFFING_GAP_KIND
from qorgau.cases.enums import OPEN_STAGES
from qorgau.cases.models import Case
from qorgau.core.alerts import alerted, raise_alert
from qorgau.core.models import Region, User

BATCH = 500
# The staffing gap is counted again at most this often per worker (its figures change slowly, and
# counting it is several aggregates over the cases): the alert itself is once per region and week.
STAFFING_CHECK_SECONDS = 3600


def _chiefs(roles: frozenset[str], region_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for pk, region_id in (
        User.objects.filter(is_active=True, role__in=list(roles), region_id__in=region_ids)
        .order_by("pk")
        .values_list("pk", "region_id")
    ):
        found[region_id].append(pk)
    return found


# The system's periodic work, like `handover_tick`: no policy to require, nothing audited.
def handover_due_soon_alerts(*, now: datetime | None = None) -> int:
    """Warn of the open handovers whose deadline falls within QORGAU_HANDOVER_WARN_HOURS, once
    per case. Returns how many were raised."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.QORGAU_HANDOVER_WARN_HOURS)
    cases = list(
        Case.objects.filter(
            handover_deadline__gt=now,
            handover_deadline__lte=soon,
            handover_done_at__isnull=True,
            stage__in=OPEN_STAGES,
        )
        .exclude(alerted(HANDOVER_DUE_SOON_KIND))
        .order_by("handover_deadline", "pk")
        .values_list(
            "pk",
            "public_id",
            "registry_number",
            "region_id",
            "handover_deadline",
            "prosecutor__user_id",
        )[:BATCH]
    )
    if not cases:
        return 0
    chiefs = _chiefs(policies.WARNED_OF_HANDOVER, {c[3] for c in cases})
    for pk, public_id, number, region_id, deadline, holder in cases:
        raise_alert(
            kind=HANDOVER_DUE_SOON_KIND,
            object_ref=str(pk),
            recipients=[*chiefs[region_id], *([holder] if holder else [])],
            url=reverse("cases:detail", args=[public_id]),
            params={"case": number, "deadline_at": deadline.isoformat()},
            region=region_id,
        )
    return len(cases)


def staffing_gap_alerts(*, now: datetime | None = None) -> int:
    """Once a week per region that needs hires: its chiefs are told how many and how many cases
    wait. Counted at most hourly per worker. Returns how many regions were alerted this time."""
    from qorgau.cases.selectors import staffing_gap_rows  # selectors import the services

    now = now or timezone.now()
    if not cache.add("qorgau:cases:staffing-gap-checked", True, STAFFING_CHECK_SECONDS):
        return 0
    today = timezone.localdate(now)
    week = today - timedelta(days=today.weekday())
    short = [row for row in staffing_gap_rows(regions=list(Region.objects.all())) if row.hires > 0]
    if not short:
        return 0
    chiefs = _chiefs(policies.NOTIFIED_OF_STAFFING_GAP, {row.region.pk for row in short})
    for row in short:
        raise_alert(
            kind=STAFFING_GAP_KIND,
            object_ref=f"{row.region.code}:{week.isoformat()}",
            recipients=chiefs[row.region.pk],
            url=reverse("cases:staffing"),
            params={
                "region": row.region.code,
                "week_on": week.isoformat(),
                "hires": row.hires,
                "waiting": row.waiting,
            },
            region=row.region.pk,
        )
    return len(short)
