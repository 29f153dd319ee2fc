"""`tick`'s warning a day ahead of a gap in the duty rota (core/services/duty.py plans it)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qorgau.core import policies
from qorgau.core.alert_kinds_duty import DUTY_GAP
from qorgau.core.alerts import raise_alert
from qorgau.core.models import Region, User
from qorgau.core.permissions import service
from qorgau.core.selectors import duty_covered_spans, uncovered
from qorgau.core.services.duty import at

GAP_WARNING_HOURS = 24


# No audit entry: it raises alerts (which keep who was told), it changes no plan.
@service(audit=False)
def duty_gaps_warn(*, now: datetime | None = None) -> int:
    """`tick`: warn a day ahead of a gap in the rota. Every stretch of the next GAP_WARNING_HOURS
    with nobody on a desk's rota raises a `duty_gap` alert to that region's active chiefs (for the
    national desk: to the central office), once per gap (its region and first hour). A gap that
    began earlier keeps its first hour (looked for back to yesterday's midnight), so an ongoing gap
    is not raised again every hour. Returns how many recipients were told now.

    Four queries, then two per gap found (the alert's own): the shifts of the window once, never a
    query per shift."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=GAP_WARNING_HOURS)
    lookback = at(timezone.localdate(now) - timedelta(days=1), time())
    regions = list(Region.objects.all())
    chiefs: dict[int | None, list[int]] = {}
    for pk, region_id, role in User.objects.filter(
        Q(role__in=policies.DUTY_GAP_WARNED_IN_REGION, region__isnull=False)
        | Q(role__in=policies.DUTY_GAP_WARNED_NATIONAL),
        is_active=True,
    ).values_list("pk", "region_id", "role"):
        key = None if role in policies.DUTY_GAP_WARNED_NATIONAL else region_id
        chiefs.setdefault(key, []).append(pk)
    warned = [r for r in regions if r.pk in chiefs]
    spans = duty_covered_spans(start=lookback, end=horizon, regions=warned, national=None in chiefs)
    by_id = {r.pk: r for r in warned}
    url = reverse("core:duty_coverage")
    told = 0
    for region_id, merged in spans.items():
        region = by_id.get(region_id) if region_id is not None else None
        code = region.code if region else "national"
        for gap_start, gap_end in uncovered(merged, lookback, horizon):
            if gap_end <= now:
                continue
            first = timezone.localtime(gap_start)
            alert = raise_alert(
                kind=DUTY_GAP,
                object_ref=f"{code}:{first:%Y%m%dT%H}",
                recipients=chiefs[region_id],
                url=url,
                params={
                    "region": region.name_en if region else "national duty desk",
                    "region_code": region.code if region else "",
                    "start": gap_start.isoformat(),
                    "end": gap_end.isoformat(),
                },
                region=region,
            )
            told += len(getattr(alert, "told", []) or [])
    return told
