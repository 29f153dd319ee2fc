"""The offenders sections of the staff menu (core/navigation.py draws it)."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import NavItem

OFFENDERS = _("Offenders")

NAVIGATION = [
    NavItem(
        _("Offender register"), "offenders:list", sees="offenders.person", order=40, group=OFFENDERS
    ),
    NavItem(
        _("Examinations"),
        "offenders:coverage",
        policy="offenders.view_coverage",
        order=41,
        group=OFFENDERS,
    ),
    NavItem(
        _("Supervision"),
        "offenders:supervision",
        policy="offenders.view_supervision_calendar",
        order=42,
        group=OFFENDERS,
    ),
    NavItem(
        _("Import register"),
        "offenders:import",
        policy="offenders.register",
        order=43,
        group=OFFENDERS,
    ),
]
