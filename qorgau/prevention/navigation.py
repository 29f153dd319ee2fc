"""The prevention sections of the staff menu (core/navigation.py draws it)."""

from django.utils.translation import gettext_lazy as _

from qorgau.core.navigation import NavItem

PREVENTION = _("Prevention")

NAVIGATION = [
    NavItem(
        _("Prevention"),
        "prevention:coverage",
        policy="prevention.read_programme",
        order=80,
        group=PREVENTION,
    ),
    NavItem(
        _("Partner referrals"),
        "prevention:referral_list",
        policy="prevention.read_partner_referrals",
        unless="prevention.respond_to_referral",
        order=81,
        group=PREVENTION,
    ),
    # a partner organisation's members: the referrals sent to them, and their figures
    NavItem(
        _("Referrals"),
        "prevention:referral_list",
        policy="prevention.respond_to_referral",
        order=82,
        group=PREVENTION,
    ),
    NavItem(
        _("Figures"),
        "prevention:referral_figures",
        policy="prevention.respond_to_referral",
        order=83,
        group=PREVENTION,
    ),
]
