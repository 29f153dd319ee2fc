"""Authentication backend: Django's model backend, with admin permissions that follow the role."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend

from qorgau.core.registry import contributions


def role_admin_permissions() -> dict[str, frozenset[str]]:
    """What each role may do in the Django admin: the union of every app's `ADMIN_PERMISSIONS` (in
    its policies.py). Administrators manage people and reference data and never see the contents
    of reports, cases or registers: those models are in no app's table for them."""
    table: dict[str, set[str]] = {}
    for granted in contributions("policies", "ADMIN_PERMISSIONS"):
        for role, codenames in granted.items():
            table.setdefault(str(role), set()).update(codenames)
    return {role: frozenset(codenames) for role, codenames in table.items()}


class RoleModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return set(_role_admin_permissions().get(user_obj.role, frozenset()))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))


@functools.cache
def _role_admin_permissions() -> dict[str, frozenset[str]]:
    return role_admin_permissions()
