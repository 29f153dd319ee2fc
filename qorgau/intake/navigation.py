"""The intake sections of the staff menu (core/navigation.py draws it)."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import REPORTS_GROUP, NavItem

NAVIGATION = [
    NavItem(_("Reports"), "intake:staff_list", sees="intake.report", order=20, group=REPORTS_GROUP),
    NavItem(
        _("Known-hash lists"),
        "intake:staff_hash_lists",
        policy="linking.search_hash_lists",
        order=25,
        group=REPORTS_GROUP,
    ),
]
