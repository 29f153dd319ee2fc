"""`tick`'s warning a day ahead of a gap in the duty rota (core/services/duty.py plans it)."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qorgau.core import policies
from qorgau.core.alert_kinds_duty import DUTY_GAP, DUTY_GAP_NATIONAL
from qorgau.core.alerts import raise_alert
from qorgau.core.models import Alert, Region, User
from qorgau.core.permissions import service
from qorgau.core.selectors import (
    duty_covered_spans,
    duty_last_shift_ends,
    uncovered_stretches,
)
from qorgau.core.services.duty import at

GAP_WARNING_HOURS = 24


# No audit entry: it raises alerts (which keep who was told), it changes no plan.
@service(audit=False)
def duty_gaps_warn(*, now: datetime | None = None) -> int:
    """`tick`: warn a day ahead of a gap in the rota. Every stretch of the next GAP_WARNING_HOURS
    (whole hours, as the coverage view counts them) with nobody on a desk's rota raises a
    `duty_gap` alert to that region's active chiefs (for the national desk: to the central office),
    once per gap (its region and first hour). A gap that began earlier keeps its first hour (the end
    of the desk's last shift), so an ongoing gap is not raised again as the hours pass; a desk that
    never had a shift is warned once.

    Four queries, then the alert's own per gap found (a few a day per desk): the shifts of the
    window are read once, never a query per shift. Returns how many gaps were warned of for the first time."""
    now = now or timezone.now()
    lookback = at(timezone.localdate(now) - timedelta(days=1), time())
    # whole hours, as the coverage view shows them: from yesterday's midnight to the hour that
    # holds now + GAP_WARNING_HOURS
    hours = math.ceil((now - lookback) / timedelta(hours=1)) + GAP_WARNING_HOURS
    horizon = lookback + timedelta(hours=hours)
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
    # a gap running since before the window: when it really began (the desk's last shift), so that
    # it keeps one first hour, hence one alert, however long it lasts ("none": never a shift)
    stretches = {pk: uncovered_stretches(merged, lookback, hours) for pk, merged in spans.items()}
    since: dict[int | None, datetime] = {}
    older = [pk for pk, gaps in stretches.items() if gaps and gaps[0][0] == lookback]
    if older:
        since = duty_last_shift_ends(
            before=lookback,
            regions=[by_id[pk] for pk in older if pk is not None],
            national=None in older,
        )
    url = reverse("core:duty_coverage")
    told = 0
    for region_id, gaps in stretches.items():
        region = by_id.get(region_id) if region_id is not None else None
        code = region.code if region else "national"
        for gap_start, gap_end in gaps:
            if gap_end <= now or gap_start >= now + timedelta(hours=GAP_WARNING_HOURS):
                continue
            if gap_start == lookback:
                began = since.get(region_id)
                if began:
                    gap_start = timezone.localtime(began).replace(minute=0, second=0, microsecond=0)
                first = f"{timezone.localtime(gap_start):%Y%m%dT%H}" if began else "none"
            else:
                first = f"{timezone.localtime(gap_start):%Y%m%dT%H}"
            kind = DUTY_GAP if region else DUTY_GAP_NATIONAL
            ref = f"{code}:{first}"
            if not Alert.objects.filter(kind=kind, object_ref=ref).exists():
                told += 1
            raise_alert(
                kind=kind,
                object_ref=ref,
                recipients=chiefs[region_id],
                url=url,
                params={
                    "region": region.code if region else "",
                    "start_at": gap_start.isoformat(),
                    "end_at": gap_end.isoformat(),
                },
                region=region,
            )
    return told
