"""The analytics sections of the staff menu (core/navigation.py draws it)."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import NavItem

NAVIGATION = [
    NavItem(
        _("National picture"),
        "analytics:dashboard",
        policy="analytics.view_figures",
        order=10,
        own_region_label=_("Figures of my region"),
    ),
]
