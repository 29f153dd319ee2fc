"""The register's alert kinds: what falls due in supervision and examination, and reports that
link to a person on the register."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

MISSED_MEETING_KIND = "supervision_missed"

register(
    AlertKind(
        MISSED_MEETING_KIND,
        title=_("Missed supervision meeting: %(register)s"),
        body=_(
            "The person on the register %(register)s did not come to the meeting of %(due_on)s."
        ),
    ),
)

LINKED_SUPERVISED_KIND = "linked_supervised"
LINKED_INMATE_KIND = "linked_inmate"
EXAMINATION_OVERDUE_KIND = "examination_overdue"
REASSESSMENT_OVERDUE_KIND = "reassessment_overdue"

register(
    AlertKind(
        LINKED_SUPERVISED_KIND,
        title=_("Report %(report)s names a person under supervision: %(register)s"),
        body=_(
            "Report %(report)s links to the person on the register %(register)s, who is under "
            "your supervision, by %(via)s. Check the report with the region's analysts."
        ),
        urgent=True,
    ),
    AlertKind(
        LINKED_INMATE_KIND,
        title=_("Report %(report)s names an inmate: %(register)s"),
        body=_(
            "Report %(report)s links to the person on the register %(register)s, held in your "
            "facility, by %(via)s. Check the report with the region's analysts."
        ),
        urgent=True,
    ),
    AlertKind(
        EXAMINATION_OVERDUE_KIND,
        title=_("Examination overdue: %(register)s"),
        body=_(
            "The psychiatric examination of the person on the register %(register)s was due on "
            "%(due_on)s and is not recorded."
        ),
    ),
    AlertKind(
        REASSESSMENT_OVERDUE_KIND,
        title=_("Risk reassessment overdue: %(register)s"),
        body=_(
            "The risk of the person on the register %(register)s was to be assessed again by "
            "%(due_on)s."
        ),
    ),
)
