"""Who may act on Red Button reports: one named policy per action (core/permissions.py)."""

from __future__ import annotations

from qorgau.core.enums import Role

# What the administrators may do in the Django admin: platforms and their tokens, triage rules.
ADMIN_PERMISSIONS = {
    Role.ADMIN: frozenset(
        {
            "intake.view_platform",
            "intake.add_platform",
            "intake.change_platform",
            "intake.view_platformtoken",
            "intake.change_platformtoken",
            "intake.view_triageruleset",
            "intake.add_triageruleset",
        }
    ),
}
