"""Who may act in the prevention programme: one named policy per action (core/permissions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy

# A report or a case passed on to a partner organisation (the "refer to a partner" box).
REFER_REPORT_TO_PARTNER = Policy(
    "prevention.refer_report_to_partner",
    {Role.ANALYST: On.OWN_REGION, Role.REGIONAL_CHIEF: On.OWN_REGION},
    message=_("Your role does not refer reports to partners."),
)
REFER_CASE_TO_PARTNER = Policy(
    "prevention.refer_case_to_partner",
    {Role.PROSECUTOR: On.OWN, Role.REGIONAL_CHIEF: On.OWN_REGION},
    message=_("Your role does not refer cases to partners."),
)

# What the administrators may do in the Django admin with prevention's reference data.
ADMIN_PERMISSIONS = {
    Role.ADMIN: frozenset(
        {
            "prevention.view_school",
            "prevention.add_school",
            "prevention.change_school",
            "prevention.view_partnerorganisation",
            "prevention.add_partnerorganisation",
            "prevention.change_partnerorganisation",
            "prevention.view_partnermember",
            "prevention.add_partnermember",
            "prevention.change_partnermember",
            "prevention.delete_partnermember",
        }
    ),
}
