"""Staff navigation by role: each app adds its sections here, each with the roles that use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION: list[NavItem] = [
    NavItem(_("Overview"), "core:staff_home", frozenset(Role.values)),
    NavItem(
        _("National picture"),
        "analytics:dashboard",
        frozenset({Role.CENTRAL_OFFICE, Role.REGIONAL_CHIEF}),
    ),
    NavItem(
        _("Reports"),
        "intake:staff_list",
        frozenset({Role.ANALYST, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(
        _("Cases"),
        "cases:list",
        frozenset({Role.PROSECUTOR, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(_("Handover"), "cases:handover", frozenset({Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE})),
    NavItem(_("Workload"), "cases:workload", frozenset({Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE})),
    NavItem(
        _("Staffing gap"), "cases:staffing", frozenset({Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE})
    ),
    NavItem(
        _("Assignment policy"),
        "cases:policy",
        frozenset({Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(
        _("Offender register"),
        "offenders:list",
        frozenset(
            {Role.CLINICIAN, Role.POLICE_SUPERVISOR, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}
        ),
    ),
    NavItem(
        _("Examinations"),
        "offenders:coverage",
        frozenset({Role.CLINICIAN, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(
        _("Supervision"),
        "offenders:supervision",
        frozenset({Role.POLICE_SUPERVISOR, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(
        _("Import register"), "offenders:import", frozenset({Role.CLINICIAN, Role.CENTRAL_OFFICE})
    ),
    NavItem(
        _("People"),
        "core:people",
        frozenset({Role.ADMIN, Role.CENTRAL_OFFICE, Role.REGIONAL_CHIEF}),
    ),
    NavItem(
        _("Audit log"),
        "core:audit_log",
        frozenset({Role.ADMIN, Role.CENTRAL_OFFICE, Role.REGIONAL_CHIEF}),
    ),
    NavItem(
        _("Prevention"),
        "prevention:coverage",
        frozenset({Role.EDUCATION_COORDINATOR, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(
        _("Partner referrals"),
        "prevention:referral_list",
        frozenset({Role.ANALYST, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}),
    ),
    NavItem(_("Referrals"), "prevention:referral_list", frozenset({Role.PARTNER})),
    NavItem(_("Figures"), "prevention:referral_figures", frozenset({Role.PARTNER})),
    NavItem(_("Guidance"), "guidance:overview", frozenset({Role.CENTRAL_OFFICE})),
]


def navigation_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in NAVIGATION if user.role in item.roles]
