"""The national picture's alert kinds: a spike in a region's reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

SPIKE_KIND = "spike"

register(
    AlertKind(
        SPIKE_KIND,
        title=_("Unusually many reports in %(region)s"),
        body=_(
            "In the week from %(week_on)s, %(region)s had %(count)s reports; a usual week has "
            "about %(baseline)s."
        ),
    ),
)
