from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.transitions import Transitions

# The languages of the site, defined with the guidance pages; still named here for the referral and
# round letters.
from qorgau.guidance.enums import GuidanceLanguage as GuidanceLanguage


class SettlementKind(models.TextChoices):
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")


class InstructionLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    UZBEK = "uz", _("Uzbek")
    UYGHUR = "ug", _("Uyghur")
    TAJIK = "tg", _("Tajik")
    ENGLISH = "en", _("English")


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


# A round is planned, then recorded as done with its figures (and stays done).
ROUND_TRANSITIONS = Transitions(
    {RoundStatus.PLANNED: {RoundStatus.DONE}, RoundStatus.DONE: set()},
    action="round.done",
    labels=RoundStatus,
)


class PartnerKind(models.TextChoices):
    CIVIL_MOVEMENT = "civil_movement", _("Civil movement")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("Being worked on")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


# The partner's answers: from where a referral may go (every change through core.transitions).
REFERRAL_TRANSITIONS = Transitions(
    {
        ReferralStatus.SENT: {
            ReferralStatus.ACCEPTED,
            ReferralStatus.IN_PROGRESS,
            ReferralStatus.DONE,
            ReferralStatus.DECLINED,
        },
        ReferralStatus.ACCEPTED: {
            ReferralStatus.IN_PROGRESS,
            ReferralStatus.DONE,
            ReferralStatus.DECLINED,
        },
        ReferralStatus.IN_PROGRESS: {ReferralStatus.DONE, ReferralStatus.DECLINED},
        ReferralStatus.DONE: {ReferralStatus.IN_PROGRESS},
        ReferralStatus.DECLINED: set(),
    },
    action="partner_referral.respond",
    changed_at="status_changed_at",
    labels=ReferralStatus,
)


class ReferralKind(models.TextChoices):
    REPORT = "report", _("Red Button report")
    CASE = "case", _("Criminal case")
