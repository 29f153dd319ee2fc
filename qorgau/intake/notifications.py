"""Alerts to the on-duty analysts of a region: in the app at once, and by e-mail through the tasks queue."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import Notification, User
from qorgau.core.tasks import retried_task
from qorgau.intake.models import Report


def on_duty_analysts(report: Report) -> list[User]:
    """Who must know at once: the region's on-duty analysts (the central office for the central queue)."""
    # asked for every P1 report: only what the alert needs
    if report.region_id is None:
        users = User.objects.filter(is_active=True, role=Role.CENTRAL_OFFICE, on_duty=True)
    else:
        users = User.objects.filter(
            is_active=True, role=Role.ANALYST, region_id=report.region_id, on_duty=True
        )
    return list(users.only("pk", "email", "language"))


def notify_p1(*, report: Report) -> int:
    """A P1 report: an in-app notification now, an e-mail through the queue. Once per user."""
    users = on_duty_analysts(report)
    if not users:
        return 0
    url = reverse("intake:staff_detail", args=[report.public_id])
    already = set(
        Notification.objects.filter(
            kind="report_p1", object_ref=report.public_id, user__in=users
        ).values_list("user_id", flat=True)
    )
    fresh = [u for u in users if u.pk not in already]
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind="report_p1", object_ref=report.public_id, url=url)
            for u in fresh
        ],
        ignore_conflicts=True,
    )
    for user in fresh:
        if user.email:
            transaction.on_commit(
                lambda user_id=user.pk: send_p1_email.enqueue(
                    user_id=user_id, report_public_id=report.public_id
                )
            )
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
