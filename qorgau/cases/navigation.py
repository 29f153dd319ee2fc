"""The cases sections of the staff menu (core/navigation.py draws it)."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import NavItem

CASES = _("Cases")

NAVIGATION = [
    NavItem(_("Cases"), "cases:list", sees="cases.case", order=30, group=CASES),
    NavItem(_("Handover"), "cases:handover", policy="cases.view_handover", order=31, group=CASES),
    NavItem(_("Workload"), "cases:workload", policy="cases.view_workload", order=32, group=CASES),
    NavItem(
        _("Staffing gap"), "cases:staffing", policy="cases.view_staffing", order=33, group=CASES
    ),
    NavItem(
        _("Assignment policy"), "cases:policy", policy="cases.view_policy", order=34, group=CASES
    ),
]
