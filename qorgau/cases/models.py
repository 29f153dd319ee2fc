from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.cases import policies
from qorgau.cases.enums import (
    OPEN_STAGES,
    STAGE_ORDER,
    CareItem,
    CaseEventKind,
    ProsecutorStatus,
    Stage,
    UnassignedReason,
)
from qorgau.core.enums import Gender
from qorgau.core.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from qorgau.core.models import CriminalArticle, Region, TimeStamped, User, new_public_id
from qorgau.core.permissions import ScopedQuerySet
from qorgau.core.transitions import Transitions
from qorgau.intake.models import Report


class ProsecutorQuerySet(ScopedQuerySet):
    def active(self) -> ProsecutorQuerySet:
        return self.filter(status=ProsecutorStatus.ACTIVE, user__is_active=True)


class Prosecutor(TimeStamped):
    """A prosecutor's working profile: gender and region come from the user account."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="prosecutor")
    capacity = models.PositiveSmallIntegerField(_("capacity (open cases)"), default=20)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProsecutorStatus.choices,
        default=ProsecutorStatus.ACTIVE,
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    objects = ProsecutorQuerySet.as_manager()

    visibility = policies.PROSECUTOR_VISIBILITY

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("prosecutor")
        verbose_name_plural = _("prosecutors")

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def gender(self) -> str:
        return self.user.gender

    @property
    def region_id(self) -> int | None:
        return self.user.region_id


class AssignmentPolicy(models.Model):
    """One version of the assignment policy, set by the central office; in force from its date."""

    version = models.PositiveIntegerField(unique=True)
    articles = models.ManyToManyField(
        CriminalArticle, related_name="+", verbose_name=_("covered articles")
    )
    eligible_genders = models.JSONField(_("eligible genders"), default=list)
    honour_victim_preference = models.BooleanField(
        _("honour the victim's preference"), default=True
    )
    effective_from = models.DateField(_("in force from"))
    handover_days = models.PositiveSmallIntegerField(_("days to hand over"), default=7)
    auto_reassign = models.BooleanField(
        _("reassign overdue handovers automatically"), default=False
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("assignment policy")
        verbose_name_plural = _("assignment policies")

    def __str__(self) -> str:
        return f"v{self.version} ({self.effective_from})"


class CaseQuerySet(ScopedQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(stage__in=OPEN_STAGES)


class Case(TimeStamped):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    registry_number = models.CharField(_("pre-trial registry number"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cases"
    )
    articles = models.ManyToManyField(
        CriminalArticle, verbose_name=_("articles"), related_name="cases"
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.PRETRIAL
    )
    opened_on = models.DateField(_("opened"))
    sent_to_court_on = models.DateField(_("sent to court"), null=True, blank=True)
    verdict_on = models.DateField(_("verdict or closure"), null=True, blank=True)
    prosecutor = models.ForeignKey(
        Prosecutor,
        verbose_name=_("prosecutor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    unassigned_reason = models.CharField(
        _("why unassigned"), max_length=16, choices=UnassignedReason.choices, blank=True
    )
    covered = models.BooleanField(_("covered by the policy"), default=False)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    handover_deadline = models.DateTimeField(_("hand over by"), null=True, blank=True)
    handover_done_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handover_proposed_at = models.DateTimeField(null=True, blank=True)
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    # Who registered it (an analyst turning a report into a case sees it: CASE_VISIBILITY).
    registered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CaseQuerySet.as_manager()
    visibility = policies.CASE_VISIBILITY

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("criminal case")
        verbose_name_plural = _("criminal cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(prosecutor__isnull=False) | ~Q(unassigned_reason=""),
                name="cases_case_holder_or_reason",
                violation_error_message=_("A case has a prosecutor or a reason why it has none."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="cases_case_stage_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "stage"], name="cases_case_region_stage"),
            models.Index(fields=["prosecutor", "stage"], name="cases_case_holder_stage"),
            models.Index(fields=["handover_deadline"], name="cases_case_handover"),
            models.Index(fields=["opened_on", "region"], name="cases_case_opened"),
            models.Index(fields=["verdict_on", "stage"], name="cases_case_verdict"),
        ]

    def __str__(self) -> str:
        return self.registry_number

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class Victim(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victims")
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    preferred_prosecutor_gender = models.CharField(
        _("prefers a prosecutor who is"), max_length=1, choices=Gender.choices, blank=True
    )
    identity = EncryptedJSONField(_("identity"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=17), name="cases_victim_child"
            )
        ]

    def __str__(self) -> str:
        return f"victim {self.pk}"


class Suspect(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspects")
    name = EncryptedTextField(_("name"), null=True, blank=True)
    identifiers = EncryptedJSONField(_("identifiers"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"suspect {self.pk}"


class CareCheck(models.Model):
    """One ticked item of the victim care checklist: who ticked it and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="care_checks")
    item = models.CharField(max_length=20, choices=CareItem.choices)
    done_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="cases_care_once")]

    def __str__(self) -> str:
        return self.item


class CaseDocument(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    title = EncryptedTextField(_("title"))
    content_type = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=64)
    data_key = EncryptedBinaryField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.public_id


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.kind


# --- The allowed moves of a case's stage (core/transitions.py) ------------------------------------

_FINAL_STAGES = (Stage.CONVICTED, Stage.ACQUITTED, Stage.CLOSED)


def _stage_event(
    case: Case, from_stage: str, to_stage: str, actor: User | None, reason: str
) -> None:
    """The case's timeline entry for a stage move (the reason stays with the person who gave it)."""
    CaseEvent.objects.create(
        case=case,
        created_at=timezone.now(),
        kind=CaseEventKind.STAGE,
        actor=actor,
        details={"from": from_stage, "to": to_stage},
    )


# A case goes to court, gets its verdict, or is closed; a verdict may be recorded without its
# sending to court; an appeal may change the verdict or send the case back to court; a court or a
# verdict may send it back to investigation. A closed case reopens in pre-trial investigation
# only. Staying in the same stage is not a move. Going back needs a reason (`stage_move_goes_back`).
CASE_STAGE = Transitions(
    {
        Stage.PRETRIAL: {Stage.IN_COURT, *_FINAL_STAGES},
        Stage.IN_COURT: {Stage.PRETRIAL, *_FINAL_STAGES},
        Stage.CONVICTED: {Stage.PRETRIAL, Stage.IN_COURT, Stage.ACQUITTED},
        Stage.ACQUITTED: {Stage.PRETRIAL, Stage.IN_COURT, Stage.CONVICTED},
        Stage.CLOSED: {Stage.PRETRIAL},
    },
    action="case.stage",
    field="stage",
    labels=Stage,
    event=_stage_event,
)


def stage_move_goes_back(from_stage: str, to_stage: str) -> bool:
    """Whether a move goes back along the case's way (it then needs a reason)."""
    return STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(from_stage) or (
        from_stage not in OPEN_STAGES and to_stage in OPEN_STAGES
    )
