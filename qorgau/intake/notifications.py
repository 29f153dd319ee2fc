"""Alerts of a P1 report: in the app at once, and by e-mail through the tasks queue, to the region's
on-duty analysts, or, with nobody on duty, to the region's chiefs and the national duty desk."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.core.duty import on_duty_users
from qorgau.core.models import Notification, User
from qorgau.core.tasks import retried_task
from qorgau.intake.models import Report
from qorgau.intake.policies import P1_ALERTED_CENTRAL, P1_ALERTED_IN_REGION, P1_FALLBACK_IN_REGION

logger = logging.getLogger(__name__)


def on_duty_analysts(report: Report) -> list[tuple[int, str]]:
    """Who must know at once, as (user id, e-mail): the region's on-duty analysts, or the on-duty
    central office for the central queue (intake/policies.py names them; core/duty.py says who is
    on duty, from the rota and the manual override)."""
    if report.region_id is None:
        users = on_duty_users(roles=P1_ALERTED_CENTRAL, region_id=None)
    else:
        users = on_duty_users(roles=P1_ALERTED_IN_REGION, region_id=report.region_id)
    return [(pk, email or "") for pk, email in users.values_list("pk", "email")]


def p1_fallback(report: Report) -> list[tuple[int, str]]:
    """Who is told when nobody is on duty for the report: the region's active chiefs and the
    national duty desk (the central office on duty, else every active member of it), as (user id,
    e-mail). Rare, so plain queries."""
    users = User.objects.filter(is_active=True)
    chiefs = (
        list(
            users.filter(role__in=P1_FALLBACK_IN_REGION, region_id=report.region_id).values_list(
                "pk", "email"
            )
        )
        if report.region_id is not None
        else []
    )
    central = users.filter(role__in=P1_ALERTED_CENTRAL)
    desk = list(
        on_duty_users(roles=P1_ALERTED_CENTRAL, region_id=None).values_list("pk", "email")
    ) or list(central.values_list("pk", "email"))
    return sorted({(pk, email or "") for pk, email in chiefs + desk})


def notify_p1(*, report: Report) -> int:
    """A P1 report: an in-app notification now, an e-mail through the queue. Once per user.

    To the on-duty analysts of its region (or the on-duty central office for the central queue);
    with nobody on duty, to `p1_fallback`. Nobody at all (no chief, no central office account) is
    logged as an error, naming only the report's public number."""
    users = on_duty_analysts(report) or p1_fallback(report)
    if not users:
        logger.error(
            "P1 report %s alerted nobody: no one on duty, no chief, no central office",
            report.public_id,
        )
        return 0
    url = reverse("intake:staff_detail", args=[report.public_id])
    already = set(
        Notification.objects.filter(
            kind="report_p1", object_ref=report.public_id, user_id__in=[pk for pk, _ in users]
        ).values_list("user_id", flat=True)
    )
    fresh = [(pk, email) for pk, email in users if pk not in already]
    Notification.objects.bulk_create(
        [
            Notification(user_id=pk, kind="report_p1", object_ref=report.public_id, url=url)
            for pk, _ in fresh
        ],
        ignore_conflicts=True,
    )
    for pk, email in fresh:
        if email:

            def enqueue(user_id: int = pk) -> None:
                send_p1_email.enqueue(user_id=user_id, report_public_id=report.public_id)

            transaction.on_commit(enqueue)
    return len(fresh)


@retried_task()
def send_p1_email(*, user_id: int, report_public_id: str) -> None:
    """The e-mail says only that there is an urgent report and where: never its contents."""
    user = User.objects.get(pk=user_id)
    with translation.override(user.language):
        link = (
            f"{settings.QORGAU_SITE_URL}{reverse('intake:staff_detail', args=[report_public_id])}"
        )
        send_mail(
            subject=_("Qorgau: an urgent (P1) report in your queue"),
            message=_("A report with priority P1 needs a first action within the hour:\n%(link)s")
            % {"link": link},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
