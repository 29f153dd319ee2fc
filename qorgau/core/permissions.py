"""The one place that decides which rows a user may see.

Every model that holds programme data declares a `Visibility`: for each role, whether its users see all
rows, the rows of their own region, or the rows they own. A role the model does not name sees nothing,
an inactive or anonymous user sees nothing, and a regional role without a region sees nothing: a
forgotten rule hides data instead of leaking it. Selectors start every query from `visible_to()`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest

if TYPE_CHECKING:
    from qorgau.core.models import User


class Scope(enum.Enum):
    ALL = "all"
    REGION = "region"
    OWN = "own"


@dataclass(frozen=True)
class Visibility:
    roles: Mapping[str, Scope] = field(default_factory=dict)
    # Lookup path from the model to its Region foreign key, for Scope.REGION.
    region_field: str | None = "region"
    # Lookup path from the model to the owning User, for Scope.OWN.
    owner_field: str | None = None
    # Further conditions for a role on top of its scope, e.g. a police supervisor sees released
    # offenders only: {Role.POLICE_SUPERVISOR: Q(status="supervised")}.
    conditions: Mapping[str, Q] = field(default_factory=dict)

    def scope_for(self, user: Any) -> Scope | None:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        return self.roles.get(user.role)


def visibility_of(model: type[models.Model]) -> Visibility:
    rules = getattr(model, "visibility", None)
    if not isinstance(rules, Visibility):
        raise TypeError(
            f"{model.__name__} declares no Visibility: add `visibility = Visibility(...)`"
        )
    return rules


def visible_to(queryset: models.QuerySet, user: User | Any) -> models.QuerySet:
    """The rows of `queryset` that `user` may see under its model's Visibility."""
    rules = visibility_of(queryset.model)
    scope = rules.scope_for(user)
    if scope is None:
        return queryset.none()
    condition = rules.conditions.get(user.role)
    if condition is not None:
        queryset = queryset.filter(condition)
    if scope is Scope.ALL:
        return queryset
    if scope is Scope.REGION and rules.region_field and user.region_id is not None:
        return queryset.filter(**{f"{rules.region_field}__id": user.region_id})
    if scope is Scope.OWN and rules.owner_field:
        return queryset.filter(**{f"{rules.owner_field}__id": user.pk}).distinct()
    return queryset.none()


def requires_visibility(model: type[models.Model]) -> Callable:
    """A view decorator: users whose role sees nothing of `model` are refused (403) before the view."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if visibility_of(model).scope_for(request.user) is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: User | Any) -> models.QuerySet:
        return visible_to(self, user)
