from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from qorgau.core.models import Region, TimeStamped, User
from qorgau.core.permissions import ScopedQuerySet
from qorgau.intake import policies
from qorgau.intake.enums import (
    REPORTER_EVENT_LABELS,
    REPORTER_STATUS_LABELS,
    Category,
    ChildGender,
    EventKind,
    MessageAuthor,
    Perceptual,
    Priority,
    ReporterRelation,
    Source,
    Status,
    TextLanguage,
    TextScript,
)


def new_public_id() -> str:
    """A random identifier for URLs and the API (never the sequential primary key)."""
    return secrets.token_urlsafe(12)


class Platform(TimeStamped):
    """An online platform that submits reports through the API with its own token."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name


class PlatformToken(TimeStamped):
    """A platform's bearer token; only its SHA-256 digest is stored (256-bit random secret)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("platform token")
        verbose_name_plural = _("platform tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.platform})"


class ReportQuerySet(ScopedQuerySet):
    def open(self) -> ReportQuerySet:
        return self.exclude(status=Status.CLOSED)


class Report(TimeStamped):
    """One Red Button report. Personal fields are encrypted at rest; the rest feeds queues and figures."""

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Idempotency: one report per (scope, key); scope names the platform, the user or the web form.
    idempotency_scope = models.CharField(max_length=40, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)

    category = models.CharField(_("what happened"), max_length=20, choices=Category.choices)
    reporter_relation = models.CharField(
        _("who is reporting"), max_length=10, choices=ReporterRelation.choices
    )
    language = models.CharField(_("language"), max_length=2)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    child_gender = models.CharField(
        _("child's gender"), max_length=1, choices=ChildGender.choices, blank=True
    )
    narrative = EncryptedTextField(_("what happened, in their words"))
    location = EncryptedJSONField(_("town and school"), null=True, blank=True)
    reporter_anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_contact = EncryptedJSONField(_("reporter's contact"), null=True, blank=True)
    suspect = EncryptedJSONField(_("the other person"), null=True, blank=True)

    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    priority_reasons = models.JSONField(_("why this priority"), default=list, blank=True)
    priority_by_analyst = models.BooleanField(_("priority set by an analyst"), default=False)
    # A file of the report is on a known-hash list (issue 22): P1 whatever the rules say.
    known_material = models.BooleanField(_("known abuse material"), default=False)
    triage_version = models.PositiveIntegerField(null=True, blank=True)
    # How the narrative is written (issue 20), read at submission: shown to the analyst.
    text_language = models.CharField(
        _("written in"), max_length=5, choices=TextLanguage.choices, blank=True
    )
    text_script = models.CharField(
        _("letters"), max_length=8, choices=TextScript.choices, blank=True
    )
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    first_action_at = models.DateTimeField(_("first action"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        User,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_taken",
    )
    close_reason = models.CharField(_("reason for closing"), max_length=20, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    referred_to = models.CharField(_("referred to"), max_length=20, blank=True)
    case_registry_number = models.CharField(
        _("pre-trial registry number"), max_length=32, blank=True
    )
    expires_at = models.DateTimeField(_("to be purged after"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    # The receipt code is never stored: a keyed hash of its first half finds the report, an argon2
    # hash of the whole code proves it.
    receipt_locator = models.CharField(max_length=64, blank=True, db_index=True)
    receipt_hash = models.CharField(max_length=200, blank=True)
    # (No count of wrong codes on the report: any address could use one to lock the report for the
    # child. Wrong codes are limited per address and per first half and address, in core buckets.)

    objects = ReportQuerySet.as_manager()

    visibility = policies.REPORT_VISIBILITY

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="intake_report_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(child_age__isnull=True) | Q(child_age__lte=17),
                name="intake_report_child_age_0_17",
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="intake_report_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="intake_report_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "status", "priority", "created_at"], name="intake_report_queue"
            ),
            models.Index(fields=["status", "respond_by"], name="intake_report_deadline"),
            # The open queues of the central office (no region to narrow them): by priority and
            # by deadline. Partial: closed reports, most of the table in time, are not in them.
            models.Index(
                fields=["priority", "created_at", "id"],
                condition=~Q(status="closed"),
                name="intake_report_open_priority",
            ),
            models.Index(
                fields=["respond_by", "priority", "id"],
                condition=~Q(status="closed"),
                name="intake_report_open_deadline",
            ),
            models.Index(fields=["expires_at"], name="intake_report_expiry"),
            models.Index(fields=["created_at"], name="intake_report_created"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_category_display()})"

    @property
    def first_line(self) -> str:
        """The narrative's first line that has words, cut to 120 characters (the queue's)."""
        for line in (self.narrative or "").splitlines():
            if line.strip():
                line = " ".join(line.split())
                return line if len(line) <= 120 else line[:119].rstrip() + "…"
        return ""

    @property
    def has_case(self) -> bool:
        """A criminal case was registered on it (its number recorded): not turned into one again."""
        return bool(self.case_registry_number)


class TriageRuleSet(models.Model):
    """One published version of the triage rules (see qorgau.intake.triage). The newest is in force."""

    version = models.PositiveIntegerField(unique=True)
    rules = models.JSONField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("triage rule set")
        verbose_name_plural = _("triage rule sets")

    def __str__(self) -> str:
        return f"v{self.version}"


class Evidence(TimeStamped):
    """An evidence file: encrypted on disk, its SHA-256 recorded. Never rendered inline."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    public_id = models.CharField(max_length=24, unique=True, default=new_public_id, editable=False)
    filename = EncryptedTextField(_("file name"), null=True, blank=True)
    content_type = models.CharField(_("type"), max_length=80, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # MD5 and SHA-1 because hash lists use them (issue 22); blank for a hash-only file
    md5 = models.CharField("MD5", max_length=32, blank=True, db_index=True)
    sha1 = models.CharField("SHA-1", max_length=40, blank=True, db_index=True)
    perceptual = models.CharField(
        _("perceptual hash"), max_length=8, choices=Perceptual.choices, blank=True
    )
    # why a perceptual hash could not be made: a code (`intake.fingerprints.FAILURES`), never
    # anything of the file
    perceptual_error = models.CharField(max_length=40, blank=True)
    perceptual_queued_at = models.DateTimeField(null=True, blank=True)
    storage_name = models.CharField(max_length=64, blank=True)
    data_key = EncryptedBinaryField(null=True, blank=True)
    added_by_reporter_later = models.BooleanField(default=False)

    visibility = policies.EVIDENCE_VISIBILITY

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.public_id} {self.content_type}"

    @property
    def has_content(self) -> bool:
        return bool(self.storage_name)


class ReportMessage(TimeStamped):
    """The thread between the reporter (through the receipt code) and the analysts."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=MessageAuthor.choices)
    author_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = EncryptedTextField()
    read_by_reporter_at = models.DateTimeField(null=True, blank=True)

    visibility = policies.MESSAGE_VISIBILITY

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} message on {self.report_id}"


class ReportEvent(models.Model):
    """The report's timeline: one row per thing that happened to it (no personal values)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def label_for_reporter(self) -> str:
        """What this event means, in the words of the child's timeline (not the staff's)."""
        if self.kind == EventKind.STATUS and self.to_status in REPORTER_STATUS_LABELS:
            return str(REPORTER_STATUS_LABELS[self.to_status])
        label = REPORTER_EVENT_LABELS.get(self.kind)
        return str(label) if label is not None else ""


# Matches of evidence files (issue 22): in `match_models`, imported for Django to find them.
from qorgau.intake.match_models import EvidenceMatch, KnownMaterialMatch  # noqa: E402

__all__ = [
    "Evidence",
    "EvidenceMatch",
    "KnownMaterialMatch",
    "Platform",
    "PlatformToken",
    "Report",
    "ReportEvent",
    "ReportMessage",
    "TriageRuleSet",
]
