"""Staff navigation: every app lists its own sections (`NAVIGATION` in its `navigation.py`, asked
through core/registry.py), each shown to whoever its rule lets in: a read policy of the app, or the
model whose rows the page lists (its Visibility). Core names no role and no higher app here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.core.permissions import may, visibility_of
from qorgau.core.registry import contributions


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Shown when the user may (a policy's name), or sees rows of the model (`app_label.model`);
    # neither: shown to every member of staff. `unless`: not shown to those the policy lets in.
    policy: str = ""
    sees: str = ""
    unless: str = ""
    # Where the section stands in the menu (smaller first).
    order: int = 0

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


# Core's own sections; the other apps' are in their navigation.py.
NAVIGATION: list[NavItem] = [
    NavItem(_("My work now"), "core:staff_home", order=0),
    NavItem(_("Duty rota"), "core:duty_rota", policy="core.view_duty_rota", order=21),
    NavItem(_("Duty coverage"), "core:duty_coverage", policy="core.view_duty_coverage", order=22),
    NavItem(_("People"), "core:people", sees="core.user", order=70),
    NavItem(_("Audit log"), "core:audit_log", sees="core.auditentry", order=71),
    NavItem(
        _("Access requests"), "core:access_changes", policy="core.view_access_changes", order=72
    ),
]


def all_sections() -> list[NavItem]:
    """Every app's sections, in menu order."""
    items = [item for listed in contributions("navigation", "NAVIGATION") for item in listed]
    return sorted(items, key=lambda item: item.order)


def navigation_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in all_sections() if item.shown_to(user)]
