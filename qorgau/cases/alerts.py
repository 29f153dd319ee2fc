"""The cases app's alert kinds: handovers, the staffing gap, reports that link to a suspect."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

HANDOVER_OVERDUE_KIND = "handover_overdue"

register(
    AlertKind(
        HANDOVER_OVERDUE_KIND,
        title=_("Handovers past their deadline"),
        body=_(
            "On %(day_on)s, cases of your region passed the 7-day handover deadline. Confirm "
            "their new prosecutors."
        ),
    ),
)

HANDOVER_DUE_SOON_KIND = "handover_due_soon"
STAFFING_GAP_KIND = "staffing_gap"
LINKED_SUSPECT_KIND = "linked_suspect"

register(
    AlertKind(
        HANDOVER_DUE_SOON_KIND,
        title=_("Handover due soon: case %(case)s"),
        body=_(
            "Case %(case)s is to be handed to an eligible prosecutor by %(deadline_at)s (the "
            "7-day handover deadline)."
        ),
    ),
    AlertKind(
        STAFFING_GAP_KIND,
        title=_("Prosecutors to hire in %(region)s"),
        body=_(
            "In the week from %(week_on)s, %(region)s needs %(hires)s more eligible prosecutors "
            "for its covered cases; %(waiting)s open cases wait for a prosecutor."
        ),
    ),
    AlertKind(
        LINKED_SUSPECT_KIND,
        title=_("Report %(report)s names a suspect of case %(case)s"),
        body=_(
            "Report %(report)s links to a suspect of the open case %(case)s by %(via)s. Check the "
            "report with the region's analysts."
        ),
        urgent=True,
    ),
)
