from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField
from qorgau.core.models import Region, TimeStamped, User, new_public_id
from qorgau.core.permissions import ScopedQuerySet
from qorgau.core.transitions import Transitions
from qorgau.takedown import policies
from qorgau.takedown.enums import EventKind, Platform, RequestKind, RequestStatus


def overdue_q(now: datetime | None = None) -> Q:
    """The requests overdue at `now`: a preservation not done by its legal deadline (the platform
    may delete the data after it); a removal sent and still unanswered (neither acknowledged nor
    done nor refused) QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS after it was sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    removal_days = settings.QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS
    return Q(
        kind=RequestKind.PRESERVATION,
        legal_deadline__lt=today,
        status__in=[RequestStatus.DRAFTED, RequestStatus.SENT, RequestStatus.ACKNOWLEDGED],
    ) | Q(
        kind=RequestKind.REMOVAL,
        status=RequestStatus.SENT,
        sent_at__lte=now - timedelta(days=removal_days),
    )


class TakedownQuerySet(ScopedQuerySet):
    def overdue(self, now: datetime | None = None) -> TakedownQuerySet:
        return self.filter(overdue_q(now))


class TakedownRequest(TimeStamped):
    """A request to an online platform, made from a report or a subject: keep an account's data
    for the investigation (preservation, until a legal deadline) or take content down (removal).
    The URLs and accounts it names are personal data: encrypted at rest, their reading audited."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        "intake.Report",
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="takedown_requests",
    )
    subject = models.ForeignKey(
        "linking.Subject",
        verbose_name=_("subject"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="takedown_requests",
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    platform_name = models.CharField(_("name of the platform"), max_length=80, blank=True)
    kind = models.CharField(_("kind of request"), max_length=12, choices=RequestKind.choices)
    # One URL or account per line.
    targets = EncryptedTextField(_("URLs or accounts"))
    # Preservation: the date until which the platform keeps the data (set when it is sent, from
    # QORGAU_TAKEDOWN_PRESERVATION_DAYS, unless the analyst wrote one; editable).
    legal_deadline = models.DateField(_("keep the data until"), null=True, blank=True)
    platform_reference = models.CharField(
        _("platform's reference number"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFTED
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = TakedownQuerySet.as_manager()
    visibility = policies.TAKEDOWN_VISIBILITY

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to a platform")
        verbose_name_plural = _("requests to platforms")
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False) | Q(subject__isnull=False),
                name="takedown_request_has_source",
                violation_error_message=_("A request is made from a report or a subject."),
            ),
            models.CheckConstraint(
                condition=~Q(platform=Platform.OTHER) | ~Q(platform_name=""),
                name="takedown_request_other_is_named",
                violation_error_message=_("Name the platform."),
            ),
            models.CheckConstraint(
                condition=Q(platform__in=Platform.values), name="takedown_request_platform_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RequestKind.values), name="takedown_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="takedown_request_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "created_at"], name="takedown_region_status"),
            # what `tick` looks for: preservations by deadline, removals by when they were sent
            models.Index(fields=["kind", "status", "legal_deadline"], name="takedown_deadline"),
            models.Index(fields=["kind", "status", "sent_at"], name="takedown_sent"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def platform_label(self) -> str:
        """The platform as people call it: its name, or the name written for "Other"."""
        if self.platform == Platform.OTHER:
            return self.platform_name
        return str(self.get_platform_display())

    @property
    def target_lines(self) -> list[str]:
        return [line for line in (self.targets or "").splitlines() if line.strip()]

    @property
    def is_final(self) -> bool:
        return self.status in (RequestStatus.DONE, RequestStatus.REFUSED)

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Whether the request is overdue at `now` (the same rule as `overdue_q`)."""
        now = now or timezone.now()
        if self.kind == RequestKind.PRESERVATION:
            return (
                not self.is_final
                and self.legal_deadline is not None
                and self.legal_deadline < timezone.localdate(now)
            )
        days = settings.QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS
        return (
            self.status == RequestStatus.SENT
            and self.sent_at is not None
            and self.sent_at <= now - timedelta(days=days)
        )


class TakedownEvent(models.Model):
    """The request's history: drafted, each move of its status, a deadline or a reference set
    (no personal value: the targets are never copied here)."""

    request = models.ForeignKey(TakedownRequest, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RequestStatus.choices, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.TAKEDOWN_EVENT_VISIBILITY

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def _status_event(
    request: TakedownRequest, from_status: str, to_status: str, actor: User | None, reason: str
) -> None:
    TakedownEvent.objects.create(
        request=request,
        created_at=timezone.now(),
        kind=EventKind.STATUS,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
    )


# Drafted, then sent; the platform acknowledges it, does it, or refuses it (an answer may come
# without an acknowledgement first). Done and refused are final: a new request is a new row.
TAKEDOWN_STATUS = Transitions(
    {
        RequestStatus.DRAFTED: {RequestStatus.SENT},
        RequestStatus.SENT: {RequestStatus.ACKNOWLEDGED, RequestStatus.DONE, RequestStatus.REFUSED},
        RequestStatus.ACKNOWLEDGED: {RequestStatus.DONE, RequestStatus.REFUSED},
        RequestStatus.DONE: set(),
        RequestStatus.REFUSED: set(),
    },
    action="takedown.status",
    changed_at="status_changed_at",
    labels=RequestStatus,
    event=_status_event,
)
