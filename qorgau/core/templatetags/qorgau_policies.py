"""`{% may "cases.reassign" case as can_reassign %}`: whether the signed-in user may do an action,
for showing its button or form. Templates only ask; the service decides (core/permissions.py)."""

from __future__ import annotations

from typing import Any

from django import template

from qorgau.core.permissions import may as _may

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: Any, policy: str, obj: Any = None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    # A template never acts as the system: no user in the context is nobody.
    return user is not None and _may(user, policy, obj)
