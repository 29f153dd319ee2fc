from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.cases.models import Case
from qorgau.core.fields import EncryptedJSONField, EncryptedTextField
from qorgau.core.models import CriminalArticle, Region, TimeStamped, User, new_public_id
from qorgau.core.permissions import ScopedQuerySet
from qorgau.core.transitions import Transitions
from qorgau.offenders import policies
from qorgau.offenders.enums import (
    ExaminationStatus,
    MeetingStatus,
    PersonStatus,
    PlanStatus,
    RiskLevel,
    TreatmentStatus,
)
from qorgau.offenders.instruments import age_on, derived_answers


class Facility(TimeStamped):
    """A penitentiary facility; clinicians work in one or more."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="facilities")
    clinicians = models.ManyToManyField(
        User, blank=True, related_name="facilities", limit_choices_to=policies.FACILITY_STAFF
    )

    objects = ScopedQuerySet.as_manager()
    visibility = policies.FACILITY_VISIBILITY

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class Person(TimeStamped):
    """An entry of the offender register."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    full_name = EncryptedTextField(_("full name"))
    full_name_latin = EncryptedTextField(_("name in Latin letters"), null=True, blank=True)
    aliases = EncryptedJSONField(_("other names"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    iin = EncryptedTextField(_("IIN"), null=True, blank=True)
    iin_lookup = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PersonStatus.choices, default=PersonStatus.IN_CUSTODY
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="register_entries"
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inmates",
    )
    admitted_on = models.DateField(_("admitted"), null=True, blank=True)
    released_on = models.DateField(_("released"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.PERSON_VISIBILITY

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register entry")
        verbose_name_plural = _("offender register")
        indexes = [models.Index(fields=["status", "region"], name="offenders_person_status")]

    def __str__(self) -> str:
        return self.public_id


class Conviction(TimeStamped):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="convictions")
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="convictions"
    )
    articles = models.ManyToManyField(CriminalArticle, related_name="+")
    sentence_start = models.DateField(_("sentence starts"))
    sentence_end = models.DateField(_("sentence ends"))
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sentence_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentence_end__gte=models.F("sentence_start")),
                name="offenders_conviction_dates",
                violation_error_message=_("A sentence cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sentence_start}–{self.sentence_end}"


class Examination(TimeStamped):
    """The forensic psychiatric examination every inmate of a covered article gets."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="examinations")
    scheduled_for = models.DateField(_("scheduled for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    clinician = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    findings = EncryptedTextField(_("findings"), null=True, blank=True)
    diagnostic_codes = models.JSONField(_("diagnostic codes"), default=list, blank=True)
    recommendations = EncryptedTextField(_("recommendations"), null=True, blank=True)
    # The database's default too: rows written by raw SQL (benchmarks) are scheduled.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExaminationStatus.choices,
        default=ExaminationStatus.SCHEDULED,
        db_default=ExaminationStatus.SCHEDULED,
    )

    objects = ScopedQuerySet.as_manager()
    visibility = policies.EXAMINATION_VISIBILITY

    class Meta:
        ordering = ["scheduled_for"]

    def __str__(self) -> str:
        return f"exam {self.scheduled_for}"


class RiskInstrument(models.Model):
    """A structured risk instrument as data (Static-99R ships first); another can be added."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    items = models.JSONField()
    bands = models.JSONField(help_text="[{min, max, level, label}] from total score to risk level")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def score_range(self) -> tuple[int, int]:
        low = sum(min(o["score"] for o in item["options"]) for item in self.items)
        high = sum(max(o["score"] for o in item["options"]) for item in self.items)
        return low, high


class RiskAssessment(TimeStamped):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="risk_assessments")
    instrument = models.ForeignKey(RiskInstrument, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()
    total = models.SmallIntegerField()
    band = models.CharField(max_length=20)
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    override_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    override_reason = models.TextField(blank=True)
    assessed_on = models.DateField()
    next_due = models.DateField(null=True, blank=True)
    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_level="") | ~Q(override_reason=""),
                name="offenders_risk_override_reason",
                violation_error_message=_("An override needs its reason."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.total}"

    @property
    def effective_level(self) -> str:
        return self.override_level or self.level

    @property
    def age_answer_disagrees(self) -> bool:
        """Saved before the age item was computed, its age answer is not the one the date of birth
        gives at its date (the stored score stands as signed; a new assessment corrects it)."""
        try:
            derived = derived_answers(
                {"items": self.instrument.items},
                age=age_on(self.person.date_of_birth, self.assessed_on),
            )
        except ValueError:
            return True
        return any(self.answers.get(code) != value for code, value in derived.items())


class TreatmentPlan(TimeStamped):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="treatment_plans")
    programme = models.CharField(_("programme"), max_length=200)
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"))
    started_on = models.DateField(_("started"))
    status = models.CharField(
        max_length=10, choices=TreatmentStatus.choices, default=TreatmentStatus.ACTIVE
    )
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return self.programme


class TreatmentSession(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    attended = models.BooleanField(_("attended"))
    progress_note = EncryptedTextField(_("progress note"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return str(self.held_on)


class SupervisionPlan(TimeStamped):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="supervision_plans")
    officer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="supervised_plans"
    )
    conditions = models.JSONField(_("conditions"), default=list)
    other_conditions = models.CharField(_("other conditions"), max_length=500, blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    frequency_days = models.PositiveSmallIntegerField(_("meet every (days)"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.SUPERVISION_VISIBILITY

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"plan {self.person_id}"


class Meeting(TimeStamped):
    """A supervision meeting (check-in) due on a date, recorded by the police supervisor."""

    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="meetings")
    due_on = models.DateField(_("due"))
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.DUE
    )
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = EncryptedTextField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.MEETING_VISIBILITY

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_on"], name="offenders_meeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.status}"


class Violation(TimeStamped):
    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="violations")
    occurred_on = models.DateField(_("date"))
    description = EncryptedTextField(_("what happened"))
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return str(self.occurred_on)


# --- The allowed moves of each status (core/transitions.py) ---------------------------------------

PERSON_STATUS = Transitions(
    {
        PersonStatus.IN_CUSTODY: {PersonStatus.SUPERVISED},
        PersonStatus.SUPERVISED: {PersonStatus.ENDED},
    },
    action="offender.status",
    labels=PersonStatus,
)
# An examination is recorded once; a second one is a new examination.
EXAMINATION_STATUS = Transitions(
    {ExaminationStatus.SCHEDULED: {ExaminationStatus.DONE}},
    action="offender.examination",
    labels=ExaminationStatus,
)
TREATMENT_STATUS = Transitions(
    {TreatmentStatus.ACTIVE: {TreatmentStatus.COMPLETED, TreatmentStatus.DROPPED}},
    action="offender.treatment_end",
    labels=TreatmentStatus,
)
SUPERVISION_STATUS = Transitions(
    {PlanStatus.DRAFT: {PlanStatus.ACTIVE}, PlanStatus.ACTIVE: {PlanStatus.ENDED}},
    action="offender.supervision_status",
    labels=PlanStatus,
)
# A meeting is recorded once: attended, missed, or rescheduled (its new date is another meeting).
MEETING_STATUS = Transitions(
    {MeetingStatus.DUE: {MeetingStatus.ATTENDED, MeetingStatus.MISSED, MeetingStatus.RESCHEDULED}},
    action="offender.meeting",
    labels=MeetingStatus,
)
