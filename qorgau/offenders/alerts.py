"""The register's alert kinds: what falls due in supervision, examination and treatment."""

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
