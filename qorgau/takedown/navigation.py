"""The takedown section of the staff menu (core/navigation.py draws it): with the reports."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import REPORTS_GROUP, NavItem

NAVIGATION = [
    NavItem(
        _("Requests to platforms"),
        "takedown:list",
        policy="takedown.browse",
        order=23,
        group=REPORTS_GROUP,
    ),
]
