"""The guidance sections of the staff menu (core/navigation.py draws it)."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import ADMINISTRATION_GROUP, NavItem

NAVIGATION = [
    NavItem(
        _("Guidance"),
        "guidance:overview",
        policy="guidance.edit",
        order=90,
        group=ADMINISTRATION_GROUP,
    ),
]
