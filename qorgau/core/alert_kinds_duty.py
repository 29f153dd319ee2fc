"""The alert kinds of the duty rota. `register_duty_alert_kinds()` declares them (called from
core's AppConfig.ready; the lead's alert registry may call it too: it is idempotent)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

DUTY_GAP = "duty_gap"

DUTY_GAP_KIND = AlertKind(
    code=DUTY_GAP,
    title=_("Nobody on duty soon"),
    # params: region (name), region_code ("" for the national desk), start, end (ISO 8601)
    body=_("Nobody is on duty in %(region)s from %(start)s to %(end)s."),
    urgent=False,
)


def register_duty_alert_kinds() -> None:
    register(DUTY_GAP_KIND)
