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


@register.simple_tag(takes_context=True)
def visible(context: Any, rows: Any) -> Any:
    """`{% visible report.cases.all as cases %}`: the rows the signed-in user may see (their model's
    Visibility), for offering a link only to whom it opens."""
    from qorgau.core.permissions import visible_to

    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return visible_to(rows, user)
