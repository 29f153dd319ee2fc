"""Alerts' e-mails and SMS (`core.Delivery`): handed to the tasks worker after the commit of the
alert (`hand_over`), sent by `deliver` (retried with backoff, its last error kept on the row and shown
on the alerts page), handed over again by `tick` when the queue never got them (`hand_over_stalled`).
The texts are built from the alert's kind and numbers only (`core.alerts.texts`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from qorgau.core.alert_models import DeliveryChannel, DeliveryStatus
from qorgau.core.alerts import escalation_note, texts
from qorgau.core.dates import format_datetime
from qorgau.core.models import Delivery, Notification, User
from qorgau.core.tasks import retried_task

logger = logging.getLogger(__name__)


def hand_over(delivery_ids: list[int]) -> None:
    """Queue the deliveries' tasks, in one transaction (one commit for all, on the database
    backend), and mark them handed over with one update."""
    handed = []
    with transaction.atomic():
        for pk in delivery_ids:
            try:
                with transaction.atomic():
                    deliver.enqueue(delivery_id=pk)
            except Exception:  # the queue is down: `tick` hands pending deliveries over again
                logger.exception("delivery %s could not be queued", pk)
            else:
                handed.append(pk)
        if handed:
            Delivery.objects.filter(pk__in=handed).update(handed_at=timezone.now())


def _link(url: str) -> str:
    return f"{settings.QORGAU_SITE_URL}{url}"


def _failure_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", "") or type(exc).__name__
    return str(reason)[:200]


def message_for(notification: Notification, user: User) -> tuple[str, str, str]:
    """(subject, e-mail body, SMS text) of a notification, in the user's language: what happened,
    about which number, when, and the link. Built from the kind's texts and numbers only."""
    alert = notification.alert
    language = user.language or settings.LANGUAGE_CODE
    title, body = texts(alert.kind, alert.params, language=language)
    with translation.override(language):
        note = escalation_note(notification.level)
        when = format_datetime(alert.created_at, language)
        subject = f"Qorgau: {title}"
        lines = [title, body, note, str(_("Raised: %(when)s") % {"when": when}), _link(alert.url)]
        email = "\n".join(line for line in lines if line) + "\n"
        # Short (a Cyrillic SMS part is 70 characters): what and which number, when, the link.
        sms = " ".join(
            part for part in (f"Qorgau: {title}.", f"{when}.", note, _link(alert.url)) if part
        )
    return subject, email, sms


@retried_task()
def deliver(*, delivery_id: int) -> None:
    """Send one e-mail or SMS of an alert. Sent ones are not sent again; a failure is written on
    the delivery (shown on the alerts page) and raised, so `retried_task` tries again later."""
    from django.core.mail import send_mail

    delivery = (
        Delivery.objects.select_related("notification__alert", "notification__user")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return
    user = delivery.notification.user
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
    subject, email, sms = message_for(delivery.notification, user)
    try:
        if delivery.channel == DeliveryChannel.EMAIL:
            send_mail(
                subject=subject,
                message=email,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
        else:
            from qorgau.core.sms import send_sms

            send_sms(user.mobile, sms)
    except Exception as exc:
        attempts = delivery.attempts + 1
        hopeless = getattr(exc, "retryable", True) is False
        last = hopeless or attempts >= settings.QORGAU_TASK_ATTEMPTS
        reason = _failure_reason(exc)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.STOPPED if last else DeliveryStatus.FAILED, last_error=reason
        )
        logger.warning(
            "alert %s: %s to user %s not delivered (attempt %d): %s",
            delivery.notification.alert_id,
            delivery.channel,
            user.pk,
            attempts,
            reason,
        )
        if hopeless:
            return  # trying again cannot help: kept as not delivered, shown on the alerts page
        raise
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def hand_over_stalled(*, now: datetime | None = None) -> int:
    """Deliveries never handed to the queue (it was down at the commit), or handed over and never
    tried for QORGAU_TASK_TIMEOUT (the task was lost): queued again by `tick`."""
    now = now or timezone.now()
    lost = now - timedelta(seconds=settings.QORGAU_TASK_TIMEOUT)
    stalled = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0)
        .filter(
            Q(handed_at__isnull=True, created_at__lte=now - timedelta(minutes=1))
            | Q(handed_at__lte=lost)
        )
        .values_list("pk", flat=True)[:1000]
    )
    hand_over(stalled)
    return len(stalled)
