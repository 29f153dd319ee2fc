"""The cases app's alert kinds: handovers."""

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
