"""Alerts to the on-duty analysts of a region: in the app at once, and by e-mail through the tasks queue."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import Notification, User
from qorgau.core.tasks import retried_task
from qorgau.intake.models import Report

# Asked for every P1 report: fixed statements, the role and the region as parameters.
_ON_DUTY_SQL = "SELECT id, email FROM core_user WHERE is_active AND on_duty AND role = %s"
_IN_REGION = " AND region_id = %s ORDER BY id"
_CENTRAL = " ORDER BY id"


def on_duty_analysts(report: Report) -> list[tuple[int, str]]:
    """Who must know at once, as (user id, e-mail): the region's on-duty analysts, or the on-duty
    central office for the central queue."""
    if report.region_id is None:
        sql, params = _ON_DUTY_SQL + _CENTRAL, [Role.CENTRAL_OFFICE.value]
    else:
        sql, params = _ON_DUTY_SQL + _IN_REGION, [Role.ANALYST.value, report.region_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, email or "") for pk, email in cursor.fetchall()]


def notify_p1(*, report: Report) -> int:
    """A P1 report: an in-app notification now, an e-mail through the queue. Once per user."""
    users = on_duty_analysts(report)
    if not users:
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
            transaction.on_commit(
                lambda user_id=pk: send_p1_email.enqueue(
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
