"""Who is on duty now: the one question the alerts ask of the duty rota.

`on_duty_filter(now)` is a `Q` on `core.User` (the rota's shifts and the expiring manual override
behind it); `on_duty_users` and `is_on_duty` are built on it. Every reader of "on duty" goes
through here.

A member of staff is on duty at `now` when
- their manual override says "on" and has not expired ("Start my duty"), or
- a shift of the rota (not cancelled) runs at `now`, unless their override says "off" and has not
  expired ("End my duty" during a shift: off until the shift ends).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qorgau.core.models import DutyShift, User


def on_shift(now: datetime) -> Exists:
    """Whether the user has a shift of the rota running at `now` (indexed: user, ends_at)."""
    return Exists(
        DutyShift.objects.filter(
            user_id=OuterRef("pk"),
            cancelled_at__isnull=True,
            ends_at__gt=now,
            starts_at__lte=now,
        )
    )


def on_duty_filter(now: datetime | None = None) -> Q:
    """Users on duty at `now` (default: this moment)."""
    now = now or timezone.now()
    override_on = Q(duty_override_on=True, duty_override_until__gt=now)
    not_off = (
        Q(duty_override_until__isnull=True)
        | Q(duty_override_until__lte=now)
        | Q(duty_override_on=True)
    )
    return override_on | (Q(on_shift(now)) & not_off)


def on_duty_users(
    *, roles: Iterable[str], region_id: int | None, now: datetime | None = None
) -> QuerySet[User]:
    """The active users of `roles` on duty at `now`: in region `region_id`, or, for None, the
    national duty desk (any region)."""
    users = User.objects.filter(on_duty_filter(now or timezone.now()), is_active=True).filter(
        role__in=list(roles)
    )
    if region_id is not None:
        users = users.filter(region_id=region_id)
    return users.order_by("pk")


def is_on_duty(user: User, now: datetime | None = None) -> bool:
    return User.objects.filter(on_duty_filter(now or timezone.now()), pk=user.pk).exists()


def coverage_gaps(
    *, region_id: int | None, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) with nobody on the rota of region `region_id` (None: the
    national desk), in whole hours from the hour that holds `start`, as the coverage view counts
    them (an hour is covered only when it is covered whole)."""
    import math
    from datetime import timedelta

    from qorgau.core.models import Region
    from qorgau.core.selectors import duty_covered_spans, uncovered_stretches

    first = timezone.localtime(start).replace(minute=0, second=0, microsecond=0)
    hours = max(0, math.ceil((end - first) / timedelta(hours=1)))
    regions = list(Region.objects.filter(pk=region_id)) if region_id is not None else []
    spans = duty_covered_spans(
        start=first, end=first + timedelta(hours=hours), regions=regions, national=region_id is None
    )
    return uncovered_stretches(spans.get(region_id, []), first, hours)
