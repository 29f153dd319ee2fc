"""Authentication backend: Django's model backend, with admin permissions that follow the role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from qorgau.core.enums import Role

# What each role may do in the Django admin. Administrators manage people and reference data and
# never see the contents of reports, cases or registers: those models are not in this table for them.
ROLE_ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            "core.view_user",
            "core.add_user",
            "core.change_user",
            "core.view_region",
            "core.change_region",
            "core.view_criminalarticle",
            "core.add_criminalarticle",
            "core.change_criminalarticle",
            "core.view_helpline",
            "core.add_helpline",
            "core.change_helpline",
            "core.view_apitoken",
            "core.change_apitoken",
            "core.view_auditentry",
            # a lost phone: see and delete the authenticator (never its key or codes)
            "core.view_stafftotpdevice",
            "core.delete_stafftotpdevice",
            "core.view_recoverycodeset",
            "core.delete_recoverycodeset",
            "intake.view_platform",
            "intake.add_platform",
            "intake.change_platform",
            "intake.view_platformtoken",
            "intake.change_platformtoken",
            "intake.view_triageruleset",
            "intake.add_triageruleset",
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


class RoleModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return set(ROLE_ADMIN_PERMISSIONS.get(user_obj.role, frozenset()))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
