"""The Red Button's alert kinds: a P1 report, and a report past its deadline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

P1_KIND = "report_p1"
DEADLINE_KIND = "report_deadline"

register(
    AlertKind(
        P1_KIND,
        title=_("Urgent report %(report)s"),
        body=_(
            "A report with priority P1: a child may be in danger now. It needs a first action by "
            "%(deadline_at)s."
        ),
        urgent=True,
    ),
    AlertKind(
        DEADLINE_KIND,
        title=_("Deadline passed: report %(report)s"),
        body=_(
            "Report %(report)s (priority %(priority)s) had no first action by its deadline, "
            "%(deadline_at)s. Take it or give it to an analyst."
        ),
        urgent=True,
    ),
)
