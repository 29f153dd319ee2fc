"""What falls due in the takedown app, alerted by `tick`: a preservation request not done by its
legal deadline, and a removal request sent QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS ago with no answer.
Each alerts, once, the request's author, the region's chiefs and the region's analysts on duty;
the alert names the request and its report (or subject) by public ids only."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from qorgau.core.alerts import alerted, raise_alert
from qorgau.core.duty import on_duty_users
from qorgau.core.models import User
from qorgau.takedown import policies
from qorgau.takedown.alerts import PRESERVATION_OVERDUE_KIND, REMOVAL_OVERDUE_KIND
from qorgau.takedown.enums import RequestKind
from qorgau.takedown.models import TakedownRequest, overdue_q

BATCH = 500
# what an overdue request's alert is made of
ROW = (
    "pk",
    "kind",
    "public_id",
    "region_id",
    "created_by_id",
    "report__public_id",
    "subject__public_id",
    "legal_deadline",
    "sent_at",
)


def _recipients(region_ids: set[int], now: datetime) -> dict[int, list[int]]:
    """Each region's chiefs and its analysts on duty at `now`."""
    found: dict[int, list[int]] = defaultdict(list)
    for pk, region_id in (
        User.objects.filter(
            is_active=True,
            role__in=list(policies.OVERDUE_ALERTED_IN_REGION),
            region_id__in=region_ids,
        )
        .order_by("pk")
        .values_list("pk", "region_id")
    ):
        found[region_id].append(pk)
    for region_id in region_ids:
        found[region_id].extend(
            on_duty_users(
                roles=policies.OVERDUE_ALERTED_ON_DUTY, region_id=region_id, now=now
            ).values_list("pk", flat=True)
        )
    return found


# The system's periodic work, like the other apps' alerts: no policy to require, nothing audited.
def takedown_overdue_alerts(*, now: datetime | None = None) -> int:
    """Raise the alerts of the requests overdue at `now` not alerted yet; returns how many.

    A preservation's alert is about the request and its deadline (`<pk>:<deadline>`): extended
    and missed again, it alerts again. A removal's is about the request (`<pk>`)."""
    now = now or timezone.now()
    # the alert's object_ref, written by the database for the anti-join (`alerted`)
    preservation_ref = Concat(
        Cast(OuterRef("pk"), CharField()),
        Value(":"),
        Cast(OuterRef("legal_deadline"), CharField()),
        output_field=CharField(),
    )
    overdue = TakedownRequest.objects.filter(overdue_q(now))
    rows = list(
        overdue.filter(kind=RequestKind.PRESERVATION)
        .exclude(alerted(PRESERVATION_OVERDUE_KIND, preservation_ref))
        .order_by("legal_deadline", "pk")
        .values_list(*ROW)[:BATCH]
    ) + list(
        overdue.filter(kind=RequestKind.REMOVAL)
        .exclude(alerted(REMOVAL_OVERDUE_KIND))
        .order_by("sent_at", "pk")
        .values_list(*ROW)[:BATCH]
    )
    if not rows:
        return 0
    people = _recipients({row[3] for row in rows}, now)
    for pk, kind, public_id, region_id, author, report_id, subject_id, deadline, sent_at in rows:
        about = f"report:{report_id}" if report_id else f"subject:{subject_id}"
        params: dict[str, str | int] = {"request": public_id, "about": about}
        if kind == RequestKind.PRESERVATION:
            alert_kind, ref = PRESERVATION_OVERDUE_KIND, f"{pk}:{deadline.isoformat()}"
            params["deadline_on"] = deadline.isoformat()
        else:
            alert_kind, ref = REMOVAL_OVERDUE_KIND, str(pk)
            params["sent_on"] = timezone.localdate(sent_at).isoformat()
            params["days"] = (now - sent_at).days
        raise_alert(
            kind=alert_kind,
            object_ref=ref,
            recipients=[author, *people[region_id]],
            url=reverse("takedown:detail", args=[public_id]),
            params=params,
            region=region_id,
            now=now,
        )
    return len(rows)
