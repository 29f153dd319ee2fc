"""The alert kinds of the duty rota. `register_duty_alert_kinds()` declares them (called from
core's AppConfig.ready; idempotent)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

DUTY_GAP = "duty_gap"
DUTY_GAP_NATIONAL = "duty_gap_national"

# params: region (its code: written as the region's name), start_at, end_at (ISO 8601)
DUTY_GAP_KIND = AlertKind(
    code=DUTY_GAP,
    title=_("Nobody on duty soon in %(region)s"),
    body=_("Nobody is on duty in %(region)s from %(start_at)s to %(end_at)s. Plan a shift."),
)
DUTY_GAP_NATIONAL_KIND = AlertKind(
    code=DUTY_GAP_NATIONAL,
    title=_("Nobody on the national duty desk soon"),
    body=_("Nobody is on the national duty desk from %(start_at)s to %(end_at)s. Plan a shift."),
)


def register_duty_alert_kinds() -> None:
    register(DUTY_GAP_KIND, DUTY_GAP_NATIONAL_KIND)
