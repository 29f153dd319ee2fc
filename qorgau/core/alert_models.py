"""Alerts: one thing that needs a person (`Alert`), told to each member of staff it reaches
(`Notification`, the in-app alert), and handed to their e-mail and SMS (`Delivery`).

Only numbers and dates travel in an alert (`params`: a report's public number, an offender's register
number, a date), never personal data: its texts are built from its kind's translated title and body
(`core/alerts.py`) in the reader's language when shown or sent.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    """One thing that needs a person: a P1 report, a missed meeting, a gap in the rota. Once per
    (kind, object_ref); whoever it reaches has a `Notification` of it. An alert that climbs
    (`escalate_at` set) goes to the next level (the region's chief, then the national duty desk)
    when nobody has acknowledged it by then."""

    kind = models.CharField(max_length=32)
    object_ref = models.CharField(max_length=64)
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    url = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # 0: its first recipients; 1: the region's chief; 2: the national duty desk.
    level = models.PositiveSmallIntegerField(default=0)
    escalate_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The thing was dealt with (the report taken): it climbs no further.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_ref"], name="core_alert_once")
        ]
        indexes = [
            # What `tick` climbs: few rows, however many alerts there are.
            models.Index(
                fields=["escalate_at"],
                condition=Q(escalate_at__isnull=False),
                name="core_alert_climbing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_ref}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("being sent")
    SENT = "sent", _("sent")
    # The last attempt failed; the worker tries again (QORGAU_TASK_ATTEMPTS, doubling waits).
    FAILED = "failed", _("not delivered yet")
    # No more tries: attempts used up, or trying again cannot help (no such number).
    STOPPED = "stopped", _("not delivered")


class Delivery(models.Model):
    """One alert handed to one person's e-mail or phone, by the tasks worker, retried with backoff.
    `last_error` says why the last attempt failed (a status code, "timeout"): never the address."""

    notification = models.ForeignKey(
        "core.Notification", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=DeliveryChannel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When it was last handed to the tasks queue (none: the queue refused it; `tick` tries again).
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["notification", "channel"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending", attempts=0),
                name="core_delivery_waiting",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="core_delivery_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"

    @property
    def retrying(self) -> bool:
        """Failed, and the worker will try again."""
        return self.status == DeliveryStatus.FAILED
