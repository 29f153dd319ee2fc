"""Alerts of a P1 report: in the app at once, and by e-mail through the tasks queue, to the region's
on-duty analysts, or, with nobody on duty, to the region's chiefs and the national duty desk."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from qorgau.core.alerts import national_desk, raise_alert, region_users
from qorgau.core.duty import on_duty_users
from qorgau.core.models import Alert
from qorgau.intake.alerts import DEADLINE_KIND, P1_KIND
from qorgau.intake.enums import Priority
from qorgau.intake.models import Report
from qorgau.intake.policies import (
    DEADLINE_ALERTED_P1,
    DEADLINE_ALERTED_P2,
    P1_ALERTED_CENTRAL,
    P1_ALERTED_IN_REGION,
    P1_FALLBACK_IN_REGION,
)

logger = logging.getLogger(__name__)


def on_duty_analysts(report: Report) -> list[int]:
    """Who must know at once: the region's analysts on duty (by the rota or their own "I'm on
    duty now"), or the central office on duty for the central queue."""
    roles = P1_ALERTED_IN_REGION if report.region_id is not None else P1_ALERTED_CENTRAL
    return list(on_duty_users(roles=roles, region_id=report.region_id).values_list("pk", flat=True))


def p1_fallback(report: Report) -> list[int]:
    """Who is told when nobody is on duty for the report: the region's active chiefs and the
    national duty desk (the central office on duty, else every active member of it)."""
    return region_users(P1_FALLBACK_IN_REGION, report.region_id) + national_desk()


def p1_params(report: Report) -> dict[str, Any]:
    return {
        "report": report.public_id,
        "deadline_at": report.respond_by.isoformat() if report.respond_by else "",
    }


def notify_p1(*, report: Report) -> Alert | None:
    """A P1 report: an alert that climbs, in the app now, by e-mail and SMS after the commit.

    To the on-duty analysts of its region (or the on-duty central office for the central queue);
    with nobody on duty, to `p1_fallback`. Nobody at all (no chief, no central office account) is
    logged as an error, naming only the report's public number, and raises no alert."""
    users = on_duty_analysts(report) or p1_fallback(report)
    if not users:
        logger.error(
            "P1 report %s alerted nobody: no one on duty, no chief, no central office",
            report.public_id,
        )
        return None
    return raise_alert(
        kind=P1_KIND,
        object_ref=report.public_id,
        recipients=users,
        url=reverse("intake:staff_detail", args=[report.public_id]),
        params=p1_params(report),
        region=report.region_id,
        climbs=True,
    )


# Reports untouched for longer than this past their deadline are not alerted again by a late tick:
# they were alerted when they fell due (the check is "once per report", by the alert's existence).
DEADLINE_LOOKBACK = timedelta(days=3)


def deadline_alerts(*, now: datetime | None = None) -> int:
    """Raise "deadline passed" for P1 and P2 reports with no first action by their deadline: a P1
    to the region's chiefs (climbing to the national desk), a P2 to the region's analysts and
    chiefs; the central queue's, and a region with nobody to tell, to the national duty desk.
    One indexed query (the open-deadline index), once per report however often `tick` runs."""
    now = now or timezone.now()
    due = (
        Report.objects.open()
        .filter(
            priority__in=[Priority.P1, Priority.P2],
            respond_by__lte=now,
            respond_by__gt=now - DEADLINE_LOOKBACK,
            first_action_at__isnull=True,
        )
        .exclude(Exists(Alert.objects.filter(kind=DEADLINE_KIND, object_ref=OuterRef("public_id"))))
        .order_by("respond_by")
        .values_list("public_id", "priority", "region_id", "respond_by")[:1000]
    )
    raised = 0
    for public_id, priority, region_id, respond_by in due:
        roles = DEADLINE_ALERTED_P1 if priority == Priority.P1 else DEADLINE_ALERTED_P2
        recipients = region_users(roles, region_id) or national_desk(now)
        raise_alert(
            kind=DEADLINE_KIND,
            object_ref=public_id,
            recipients=recipients,
            url=reverse("intake:staff_detail", args=[public_id]),
            params={
                "report": public_id,
                "priority": priority,
                "deadline_at": respond_by.isoformat(),
            },
            region=region_id,
            climbs=priority == Priority.P1,
            now=now,
        )
        raised += 1
    return raised
