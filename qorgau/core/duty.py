"""Who is on duty now: the one question the alerts ask of the duty rota.

`on_duty_filter(now)` is a `Q` on `core.User` (the rota's shifts and the expiring manual override
behind it); `on_duty_users` and `is_on_duty` are built on it. Every reader of "on duty" goes
through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from qorgau.core.models import User


def on_duty_filter(now: datetime | None = None) -> Q:
    """Users on duty at `now` (default: this moment)."""
    return Q(on_duty=True)


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
