"""Staff navigation: every app lists its own sections (`NAVIGATION` in its `navigation.py`, asked
through core/registry.py), each shown to whoever its rule lets in: a read policy of the app, or the
model whose rows the page lists (its Visibility). Core names no role and no higher app here.

The menu (`menu_for`) groups the sections a user may open by task (each section names its group):
a group with one section is a plain link, a group with more a `<details>` that opens without
JavaScript, so the menu stays one short line whatever the role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.core.permissions import On, may, policy_named, scope_of, visibility_of
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
    # The task it belongs to in the menu ("Cases"); none: a link of its own.
    group: str | Promise = ""
    # The label for a user whom `policy` lets in on their own region only (a chief's figures are
    # their region's, not the national picture).
    own_region_label: str | Promise = ""

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

    def label_for(self, user: Any) -> str | Promise:
        narrow = self.own_region_label and self.policy
        if narrow and scope_of(user, policy_named(self.policy)) is On.OWN_REGION:
            return self.own_region_label
        return self.label


@dataclass(frozen=True)
class MenuLink:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the menu: a link, or a group of links (`links`) under `label`."""

    label: str | Promise
    url: str = ""
    links: tuple[MenuLink, ...] = ()


# The groups of the menu that more than one app's sections share.
REPORTS_GROUP = _("Reports")
ADMINISTRATION_GROUP = _("Administration")

# Core's own sections; the other apps' are in their navigation.py.
NAVIGATION: list[NavItem] = [
    NavItem(_("My work now"), "core:staff_home", order=0),
    NavItem(
        _("Duty rota"),
        "core:duty_rota",
        policy="core.view_duty_rota",
        order=21,
        group=REPORTS_GROUP,
    ),
    NavItem(
        _("Duty coverage"),
        "core:duty_coverage",
        policy="core.view_duty_coverage",
        order=22,
        group=REPORTS_GROUP,
    ),
    NavItem(_("People"), "core:people", sees="core.user", order=91, group=ADMINISTRATION_GROUP),
    NavItem(
        _("Audit log"),
        "core:audit_log",
        sees="core.auditentry",
        order=92,
        group=ADMINISTRATION_GROUP,
    ),
    NavItem(
        _("Access requests"),
        "core:access_changes",
        policy="core.view_access_changes",
        order=93,
        group=ADMINISTRATION_GROUP,
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


def menu_for(user: Any) -> list[MenuEntry]:
    """The user's menu: their sections grouped by task, in menu order (a group where its first
    section stands)."""
    entries: list[MenuEntry] = []
    groups: dict[str, list[MenuLink]] = {}
    labels: dict[str, str | Promise] = {}
    for item in navigation_for(user):
        link = MenuLink(item.label_for(user), item.url)
        if not item.group:
            entries.append(MenuEntry(link.label, link.url))
            continue
        key = str(item.group)
        if key not in groups:
            groups[key] = []
            labels[key] = item.group
            entries.append(MenuEntry(item.group))  # its place; filled below
        groups[key].append(link)
    menu = []
    for entry in entries:
        key = str(entry.label)
        if entry.url or key not in groups:
            menu.append(entry)
        elif len(groups[key]) == 1:
            menu.append(MenuEntry(groups[key][0].label, groups[key][0].url))
        else:
            menu.append(MenuEntry(labels[key], links=tuple(groups[key])))
    return menu
