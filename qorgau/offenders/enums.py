from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonStatus(models.TextChoices):
    IN_CUSTODY = "in_custody", _("In custody")
    SUPERVISED = "supervised", _("Released under supervision")
    ENDED = "ended", _("Supervision ended")


class ExaminationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class TreatmentStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped out")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class MeetingStatus(models.TextChoices):
    DUE = "due", _("Due")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")
    RESCHEDULED = "rescheduled", _("Rescheduled")


class Condition(models.TextChoices):
    NO_CONTACT_MINORS = "no_contact_minors", _("No contact with minors")
    NO_WORK_CHILDREN = "no_work_children", _("No work with children")
    ADDRESS = "address", _("Registration at a fixed address")
    CURFEW = "curfew", _("Stay home at night")
    NO_INTERNET_MINORS = "no_online_minors", _("No online contact with minors")
