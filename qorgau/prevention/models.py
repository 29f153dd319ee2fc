"""Prevention: schools, the teacher-training cascade, school safeguarding rounds, partners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField
from qorgau.core.models import Region, TimeStamped, User, new_public_id
from qorgau.core.permissions import ScopedQuerySet
from qorgau.prevention import policies
from qorgau.prevention.enums import (
    PartnerKind,
    ReferralKind,
    ReferralStatus,
    RoundStatus,
    SettlementKind,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def school_year_label(year: int) -> str:
    return f"{year}–{year + 1}"


class School(TimeStamped):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="schools"
    )
    district = models.CharField(_("district"), max_length=120)
    settlement = models.CharField(_("town or village"), max_length=120)
    settlement_kind = models.CharField(
        _("town or village"), max_length=8, choices=SettlementKind.choices
    )
    pupils = models.PositiveIntegerField(_("pupils"))
    languages = models.JSONField(_("languages of instruction"), default=list)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.SCHOOL_VISIBILITY

    class Meta:
        ordering = ["region__name_en", "district", "settlement", "name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "district", "settlement", "name"],
                name="prevention_school_unique",
                violation_error_message=_(
                    "This school is already registered in this town or village."
                ),
            ),
            models.CheckConstraint(
                condition=Q(settlement_kind__in=SettlementKind.values),
                name="prevention_school_settlement_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.settlement})"


class Teacher(TimeStamped):
    """A person in the training cascade: a master trainer (level 0), or a teacher certified by a
    trainer one level up. Only certified people may train others, so the cascade is a tree."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teachers",
    )
    is_master_trainer = models.BooleanField(_("master trainer"), default=False)
    certified_on = models.DateField(_("certified"), null=True, blank=True)
    trained_by = models.ForeignKey(
        "self",
        verbose_name=_("trained by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainees",
    )
    level = models.PositiveSmallIntegerField(_("level in the cascade"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.TEACHER_VISIBILITY

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    is_master_trainer=True,
                    level=0,
                    trained_by__isnull=True,
                    certified_on__isnull=False,
                )
                | Q(
                    is_master_trainer=False,
                    certified_on__isnull=False,
                    level__gte=1,
                    trained_by__isnull=False,
                )
                | Q(
                    is_master_trainer=False,
                    certified_on__isnull=True,
                    level__isnull=True,
                    trained_by__isnull=True,
                ),
                name="prevention_teacher_cascade_consistent",
                violation_error_message=_(
                    "A master trainer is at the top of the cascade; a certified teacher has the "
                    "trainer who certified them."
                ),
            ),
        ]
        indexes = [models.Index(fields=["region", "level"], name="prevention_teacher_level")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def can_train(self) -> bool:
        return self.certified_on is not None


class TrainingSession(TimeStamped):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    trainer = models.ForeignKey(
        Teacher, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="sessions_given"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    visibility = policies.SESSION_VISIBILITY

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class Attendance(TimeStamped):
    """One attendee of a session: whether they came, and their certification (a certificate each)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="attendances")
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    certified_on = models.DateField(_("certified"), null=True, blank=True)
    certificate_id = models.CharField(max_length=16, unique=True, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.ATTENDANCE_VISIBILITY

    class Meta:
        ordering = ["teacher__full_name", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "teacher"],
                name="prevention_attendance_once",
                violation_error_message=_("This person is already on the list of the session."),
            ),
            models.CheckConstraint(
                condition=Q(certified_on__isnull=True) | Q(attended=True),
                name="prevention_attendance_certified_attended",
                violation_error_message=_("Only someone who attended can be certified."),
            ),
            models.CheckConstraint(
                condition=Q(certified_on__isnull=True, certificate_id__isnull=True)
                | Q(certified_on__isnull=False, certificate_id__isnull=False),
                name="prevention_attendance_certificate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} @ {self.session}"


class SafeguardingRound(TimeStamped):
    """A school's yearly safeguarding round: only counts are kept, never medical or intimate details."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="rounds"
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    conducted_by = models.CharField(_("who did it"), max_length=300, blank=True)
    pupils_seen = models.PositiveIntegerField(_("pupils seen"), null=True, blank=True)
    concerns_raised = models.PositiveIntegerField(_("concerns raised"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    visibility = policies.ROUND_VISIBILITY

    class Meta:
        ordering = ["-school_year", "planned_on", "pk"]
        verbose_name = _("school safeguarding round")
        verbose_name_plural = _("school safeguarding rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"],
                name="prevention_round_once_a_year",
                violation_error_message=_("This school already has a round in this school year."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="prevention_round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=RoundStatus.PLANNED)
                | (
                    Q(
                        done_on__isnull=False,
                        pupils_seen__isnull=False,
                        concerns_raised__isnull=False,
                    )
                    & ~Q(conducted_by="")
                ),
                name="prevention_round_done_has_figures",
                violation_error_message=_(
                    "A round that is done has its date, who did it, pupils seen and concerns."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year_label}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def is_done(self) -> bool:
        return self.status == RoundStatus.DONE


class RoundReferral(TimeStamped):
    """A referral from a round: only the Red Button report it became (its details live there)."""

    round = models.ForeignKey(SafeguardingRound, on_delete=models.CASCADE, related_name="referrals")
    report = models.ForeignKey(
        "intake.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    visibility = policies.ROUND_REFERRAL_VISIBILITY

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referral from a round")
        verbose_name_plural = _("referrals from rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(report__isnull=False),
                name="prevention_round_referral_report_once",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} of round {self.round_id}"


class PartnerOrganisation(TimeStamped):
    """A partner organisation (the civil movement of survivors' advocates, NGOs): reference data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("receives referrals"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class PartnerMember(TimeStamped):
    """Links a partner user to their organisation: they see only what was referred to it."""

    user = models.OneToOneField(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="partner_membership",
        limit_choices_to={"role": policies.PARTNER_MEMBER_ROLE},
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="members",
    )

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("partner member")
        verbose_name_plural = _("partner members")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class PartnerReferral(TimeStamped):
    """A report or a case referred to a partner: the partner reads the category, the region, the date
    and the note written for them, never the narrative or contacts."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    kind = models.CharField(_("from"), max_length=8, choices=ReferralKind.choices)
    report = models.ForeignKey(
        "intake.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_referrals",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_referrals",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(_("what happened"), max_length=20, blank=True)
    note = EncryptedTextField(_("note for the partner"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    visibility = policies.PARTNER_REFERRAL_VISIBILITY

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral to a partner")
        verbose_name_plural = _("referrals to partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values),
                name="prevention_partnerreferral_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReferralKind.values),
                name="prevention_partnerreferral_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["organisation", "report"],
                condition=Q(report__isnull=False),
                name="prevention_partnerreferral_report_once",
                violation_error_message=_("This report was already referred to this partner."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "case"],
                condition=Q(case__isnull=False),
                name="prevention_partnerreferral_case_once",
                violation_error_message=_("This case was already referred to this partner."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="prevention_pref_org_status"),
            models.Index(fields=["region", "status"], name="prevention_pref_region_status"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def category_label(self) -> StrOrPromise:
        from qorgau.intake.enums import Category

        return Category(self.category).label if self.category in Category.values else ""


class PartnerFeedback(models.Model):
    """The partner's answer: a status change and/or a text, in order (the referral's timeline)."""

    referral = models.ForeignKey(PartnerReferral, on_delete=models.CASCADE, related_name="feedback")
    created_at = models.DateTimeField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    text = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"feedback {self.pk} on {self.referral_id}"
