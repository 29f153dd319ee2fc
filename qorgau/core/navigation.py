"""Staff navigation: each section is shown to whoever its rule lets in, and the rule is the app's
own — a read policy named by its string (`policies.py` of the app), or the model whose rows the page
lists (its Visibility). Core names no role here and imports no app above it: policies and models are
found by name when the menu is drawn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.core.permissions import may, visibility_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Shown when the user may (a policy's name), or sees rows of the model (`app_label.model`);
    # neither: shown to every member of staff. `unless`: not shown to those the policy lets in.
    policy: str = ""
    sees: str = ""
    unless: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def shown_to(self, user: Any) -> bool:
        if self.unless and may(user, self.unless):
            return False
        if self.policy:
            return may(user, self.policy)
        if self.sees:
            return visibility_of(apps.get_model(self.sees)).scope_for(user) is not None
        return True


NAVIGATION: list[NavItem] = [
    NavItem(_("Overview"), "core:staff_home"),
    NavItem(_("National picture"), "analytics:dashboard", policy="analytics.view_figures"),
    NavItem(_("Reports"), "intake:staff_list", sees="intake.report"),
    NavItem(_("Cases"), "cases:list", sees="cases.case"),
    NavItem(_("Handover"), "cases:handover", policy="cases.view_handover"),
    NavItem(_("Workload"), "cases:workload", policy="cases.view_workload"),
    NavItem(_("Staffing gap"), "cases:staffing", policy="cases.view_staffing"),
    NavItem(_("Assignment policy"), "cases:policy", policy="cases.view_policy"),
    NavItem(_("Offender register"), "offenders:list", sees="offenders.person"),
    NavItem(_("Examinations"), "offenders:coverage", policy="offenders.view_coverage"),
    NavItem(
        _("Supervision"), "offenders:supervision", policy="offenders.view_supervision_calendar"
    ),
    NavItem(_("Import register"), "offenders:import", policy="offenders.register"),
    NavItem(_("People"), "core:people", sees="core.user"),
    NavItem(_("Audit log"), "core:audit_log", sees="core.auditentry"),
    NavItem(_("Prevention"), "prevention:coverage", policy="prevention.read_programme"),
    NavItem(
        _("Partner referrals"),
        "prevention:referral_list",
        policy="prevention.read_partner_referrals",
        unless="prevention.respond_to_referral",
    ),
    # a partner organisation's members: the referrals sent to them, and their figures
    NavItem(_("Referrals"), "prevention:referral_list", policy="prevention.respond_to_referral"),
    NavItem(_("Figures"), "prevention:referral_figures", policy="prevention.respond_to_referral"),
    NavItem(_("Guidance"), "guidance:overview", policy="guidance.edit"),
]


def navigation_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in NAVIGATION if item.shown_to(user)]
