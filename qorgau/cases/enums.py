from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    PRETRIAL = "pretrial", _("Pre-trial investigation")
    IN_COURT = "in_court", _("Sent to court")
    CONVICTED = "convicted", _("Verdict: convicted")
    ACQUITTED = "acquitted", _("Verdict: acquitted")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = [Stage.PRETRIAL, Stage.IN_COURT]
STAGE_ORDER: list[str] = [
    Stage.PRETRIAL,
    Stage.IN_COURT,
    Stage.CONVICTED,
    Stage.ACQUITTED,
    Stage.CLOSED,
]


class ProsecutorStatus(models.TextChoices):
    # A person's state, not a flag: "Работает", not the masculine "Активен" (review, row 65).
    ACTIVE = "active", pgettext_lazy("staff member", "Active")
    ON_LEAVE = "on_leave", _("On leave")
    LEFT = "left", _("Left")


class UnassignedReason(models.TextChoices):
    NO_ELIGIBLE = "no_eligible", _("No eligible prosecutor in the region")
    NO_PROSECUTOR = "no_prosecutor", _("No active prosecutor in the region")
    RETURNED = "returned", _("Returned to the chief's queue")


class CareItem(models.TextChoices):
    RIGHTS = "rights", _("Rights explained")
    PSYCHOLOGIST = "psychologist", _("Psychologist offered")
    LEGAL_REP = "legal_rep", _("Legal representative present")
    CHILD_ROOM = "child_room", _("Interview in a child-friendly room")
    ONE_INTERVIEW = "one_interview", _("One interview only, where possible")
    PREFERRED_GENDER = "preferred_gender", _("Prosecutor of the preferred gender")


class CaseEventKind(models.TextChoices):
    CREATED = "created", _("Case registered")
    ASSIGNED = "assigned", _("Assigned")
    QUEUED = "queued", _("Put in the chief's queue")
    REASSIGNED = "reassigned", _("Reassigned")
    STAGE = "stage", _("Stage changed")
    HANDOVER_DUE = "handover_due", _("Handover deadline set")
    HANDOVER_PROPOSED = "handover_proposed", _("Reassignment proposed (handover overdue)")
    CARE = "care", _("Victim care checklist")
    DOCUMENT = "document", _("Document added")
