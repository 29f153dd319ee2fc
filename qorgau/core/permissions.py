"""The one place that decides which rows a user may see.

Every model that holds programme data declares a `Visibility`: for each role, whether its users see all
rows, the rows of their own region, or the rows they own. A role the model does not name sees nothing,
an inactive or anonymous user sees nothing, and a regional role without a region sees nothing: a
forgotten rule hides data instead of leaking it. Selectors start every query from `visible_to()`.
"""

from __future__ import annotations

import enum
import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar, cast, overload

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest

if TYPE_CHECKING:
    from qorgau.core.models import User


class Scope(enum.Enum):
    ALL = "all"
    REGION = "region"
    OWN = "own"
    # The rows the user owns that are also of their own region (an analyst's cases: those they
    # registered, while they work in that region).
    OWN_IN_REGION = "own_in_region"


@dataclass(frozen=True)
class Visibility:
    roles: Mapping[str, Scope] = field(default_factory=dict)
    # Lookup path from the model to its Region foreign key, for Scope.REGION.
    region_field: str | None = "region"
    # Lookup path from the model to the owning User, for Scope.OWN.
    owner_field: str | None = None
    # A role whose rows are owned through another path (a case is its prosecutor's, and the
    # analyst's who registered it): {Role.ANALYST: "registered_by"}.
    role_owner_fields: Mapping[str, str] = field(default_factory=dict)
    # Further conditions for a role on top of its scope, e.g. a police supervisor sees released
    # offenders only: {Role.POLICE_SUPERVISOR: Q(status="supervised")}.
    conditions: Mapping[str, Q] = field(default_factory=dict)
    # Lookup paths to the users an object is by or about (a change of access: who asked, whose
    # access), for On.NOT_OWN: they may not act on it.
    parties: tuple[str, ...] = ()

    def scope_for(self, user: Any) -> Scope | None:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        return self.roles.get(user.role)

    def owner_field_for(self, user: Any) -> str | None:
        """The lookup path to the owning User for this user's role."""
        return self.role_owner_fields.get(getattr(user, "role", ""), self.owner_field)


def visibility_of(model: type[models.Model]) -> Visibility:
    rules = getattr(model, "visibility", None)
    if not isinstance(rules, Visibility):
        raise TypeError(
            f"{model.__name__} declares no Visibility: add `visibility = Visibility(...)`"
        )
    return rules


_M = TypeVar("_M", bound=models.Model)


def visible_to(queryset: models.QuerySet[_M], user: User | Any) -> models.QuerySet[_M]:
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
    owner_field = rules.owner_field_for(user)
    if scope is Scope.OWN and owner_field:
        return queryset.filter(**{f"{owner_field}__id": user.pk}).distinct()
    if scope is Scope.OWN_IN_REGION and owner_field and rules.region_field and user.region_id:
        return queryset.filter(
            **{f"{owner_field}__id": user.pk, f"{rules.region_field}__id": user.region_id}
        ).distinct()
    return queryset.none()


_View = TypeVar("_View", bound=Callable[..., Any])
_P = ParamSpec("_P")
_R = TypeVar("_R")


def requires_visibility(model: type[models.Model]) -> Callable[[_View], _View]:
    """A view decorator: users whose role sees nothing of `model` are refused (403) before the view."""

    def decorator(view: _View) -> _View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if visibility_of(model).scope_for(request.user) is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast("_View", wrapped)

    return decorator


class ScopedQuerySet(models.QuerySet[_M]):
    def visible_to(self, user: User | Any) -> models.QuerySet[_M]:
        return visible_to(self, user)


# --- Who may act ----------------------------------------------------------------------------------
#
# Every action that changes data has a named `Policy` in its app's `policies.py`: which roles may do
# it, and on which objects. The service that does the action calls `require(user, POLICY, obj)`
# before it reads or writes anything; a view, an API operation, a template or a menu asks `may()` only
# to decide what to show. A refusal is a `PermissionRefused` (the role may not: 403) or a `NotFound`
# (the object is outside what the user may act on: 404, as if it did not exist), written to the audit
# log after the service's transaction is rolled back, so a refused action writes nothing else.


class On(enum.Enum):
    """Which objects a role may act on under a policy."""

    # No object check: actions on the programme as a whole, or on objects the service checks itself
    # (creating something where the region is an argument: pass the region as the object instead).
    ANY = "any"
    # The objects its model's Visibility shows the user (one query).
    VISIBLE = "visible"
    # The objects of the user's own region: the object's region (its Visibility.region_field), or
    # the object itself when it is a Region.
    OWN_REGION = "own_region"
    # The objects the user owns (its Visibility.owner_field: assigned to me, my facility).
    OWN = "own"
    # The objects the user is no party to (its Visibility.parties): four eyes, nobody decides what
    # they asked for or what is about themselves. A party is refused as a role is (403).
    NOT_OWN = "not_own"


_POLICIES: dict[str, Policy] = {}


@dataclass(frozen=True, init=False)
class Policy:
    """Who may do one action: `roles` maps each allowed role to the objects it may act on.

    `Policy("cases.reassign", {Role.REGIONAL_CHIEF}, on=On.OWN_REGION)` or, with a scope per role,
    `Policy("cases.create", {Role.ANALYST: On.OWN_REGION, Role.CENTRAL_OFFICE: On.ANY})`.
    `system`: whether the system itself (`acting_user=None`: `tick`, imports from the command line,
    demo data) may do it. `message`: what a refused user reads.
    """

    name: str
    roles: Mapping[str, On]
    system: bool
    message: str

    def __init__(
        self,
        name: str,
        roles: Mapping[str, On] | Iterable[str],
        *,
        on: On = On.OWN_REGION,
        system: bool = True,
        message: Any = "",
    ) -> None:
        if isinstance(roles, Mapping):
            table = {str(role): scope for role, scope in roles.items()}
        else:
            table = {str(role): on for role in roles}
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "roles", MappingProxyType(table))
        object.__setattr__(self, "system", system)
        object.__setattr__(self, "message", message)
        if name in _POLICIES:
            raise ValueError(f"Two policies are named {name!r}: each action has one.")
        _POLICIES[name] = self

    def __repr__(self) -> str:
        return f"Policy({self.name!r})"


def policy_named(name: str) -> Policy:
    """The policy of that name (templates name policies by their string)."""
    return _POLICIES[name]


def all_policies() -> list[Policy]:
    return sorted(_POLICIES.values(), key=lambda p: p.name)


def _region_id_of(obj: Any) -> int | None:
    from qorgau.core.models import Region

    if isinstance(obj, Region):
        return obj.pk
    rules = getattr(type(obj), "visibility", None)
    path = rules.region_field if isinstance(rules, Visibility) else "region"
    if not path:
        return None
    *steps, last = path.split("__")
    target = obj
    for step in steps:
        target = getattr(target, step, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def _is_owner(user: Any, obj: Any) -> bool:
    owner_field = visibility_of(type(obj)).owner_field_for(user)
    if not owner_field or obj.pk is None:
        return False
    return type(obj)._default_manager.filter(pk=obj.pk, **{f"{owner_field}__id": user.pk}).exists()


def _is_party(user: Any, obj: Any) -> bool:
    rules = visibility_of(type(obj))
    if obj.pk is None:
        return True  # nothing decided yet cannot be judged: refuse
    if not rules.parties:
        return False
    condition = Q()
    for path in rules.parties:
        condition |= Q(**{f"{path}__id": user.pk})
    return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()


def _is_visible(user: Any, obj: Any) -> bool:
    if obj.pk is None:
        return False
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def _decide(user: Any, policy: Policy, obj: Any) -> str | None:
    """None when allowed; else "role" (the role may not), "party" (the user is a party to the
    object, under On.NOT_OWN) or "scope" (not on this object)."""
    if user is None:
        return None if policy.system else "role"
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "role"
    scope = policy.roles.get(user.role)
    if scope is None:
        return "role"
    if obj is None or scope is On.ANY:
        return None
    if scope is On.OWN_REGION:
        region_id = _region_id_of(obj)
        return None if region_id is not None and region_id == user.region_id else "scope"
    if scope is On.OWN:
        return None if _is_owner(user, obj) else "scope"
    if scope is On.NOT_OWN:
        return "party" if _is_party(user, obj) else None
    return None if _is_visible(user, obj) else "scope"


def scope_of(user: Any, policy: Policy) -> On | None:
    """On which objects `user` may act under `policy` (None: not at all). For the few reads whose
    shape depends on it, e.g. figures of every region (`On.ANY`) or of one's own (`On.OWN_REGION`)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return policy.roles.get(user.role)


def in_roles(user: Any, roles: Iterable[str]) -> bool:
    """Whether `user` (signed in, active) has one of `roles`: for the role sets of an app's
    `policies.py` that choose what a page shows someone (not who may act: that is `may`)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in roles


def may(user: Any, policy: Policy | str, obj: Any = None) -> bool:
    """Whether `user` may do the action (on `obj`, when given): for showing a button or a form."""
    if isinstance(policy, str):
        policy = policy_named(policy)
    return _decide(user, policy, obj) is None


def require(user: Any, policy: Policy, obj: Any = None) -> None:
    """Raise unless `user` may do the action on `obj`: `PermissionRefused` when the role may not,
    `NotFound` when the object is outside what the user may act on. Services call it first."""
    outcome = _decide(user, policy, obj)
    if outcome is None:
        return
    refuse(user, policy, obj, reason=outcome)


def refuse(
    user: Any, policy: Policy, obj: Any = None, *, reason: str = "scope", message: str = ""
) -> NoReturn:
    """Refuse the action as `require` does, for a check its policy's `On` cannot say: a second
    object of the action outside what the user may act on (the subject a report is linked to).
    `reason` "scope" is a `NotFound` (404), "role" or "party" a `PermissionRefused` (403); either is written to
    the audit log (after the service's transaction is rolled back)."""
    from qorgau.core.errors import NotFound, PermissionRefused

    error: PermissionRefused | NotFound
    if reason in ("role", "party"):
        error = PermissionRefused(
            message or (str(policy.message) if policy.message else ""), policy=policy.name
        )
    else:
        error = NotFound(message, policy=policy.name)
    error.refusal = Refusal(user=user, policy=policy.name, reason=reason, obj=obj)  # type: ignore[union-attr]
    if _service_depth.get() == 0:
        record_refusal(error)
    raise error


@dataclass
class Refusal:
    """What the audit log keeps of a refused action (never the object's contents)."""

    user: Any
    policy: str
    reason: str
    obj: Any = None
    recorded: bool = False


def record_refusal(error: BaseException) -> None:
    """Write the refusal carried by `error` to the audit log, once."""
    from qorgau.core.services import audit_append

    refusal: Refusal | None = getattr(error, "refusal", None)
    if refusal is None or refusal.recorded:
        return
    refusal.recorded = True
    user = refusal.user if getattr(refusal.user, "pk", None) else None
    obj = refusal.obj if getattr(refusal.obj, "pk", None) else None
    audit_append(
        actor=user,
        action="refused",
        obj=obj,
        region=getattr(user, "region", None) if user is not None else None,
        details={"policy": refusal.policy, "reason": refusal.reason},
    )


# --- What every service shares --------------------------------------------------------------------

_service_depth: ContextVar[int] = ContextVar("qorgau_service_depth", default=0)
_audit_appends = threading.local()


def note_audit_append() -> None:
    """Called by `audit_append`: lets `@service` check that a service wrote its audit entry."""
    _audit_appends.count = getattr(_audit_appends, "count", 0) + 1


def _audit_count() -> int:
    return getattr(_audit_appends, "count", 0)


@overload
def service(func: Callable[_P, _R], *, audit: bool = ...) -> Callable[_P, _R]: ...
@overload
def service(
    func: None = ..., *, audit: bool = ...
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...
def service(
    func: Callable[_P, _R] | None = None, *, audit: bool = True
) -> Callable[_P, _R] | Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Make a function a service: one transaction; a refusal (`require`) written to the audit log
    after the transaction is rolled back, so nothing else of the refused action remains.

    `audit=False` for a service that writes no audit entry on purpose (say why where it is used).
    With `QORGAU_CHECK_SERVICE_AUDIT` (the test suite), a service with `audit=True` that returns
    without having appended an audit entry fails loudly.
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        atomic = transaction.atomic(function)

        @functools.wraps(function)
        def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            before = _audit_count()
            token = _service_depth.set(_service_depth.get() + 1)
            reset = False
            try:
                result = atomic(*args, **kwargs)
            except BaseException as error:
                _service_depth.reset(token)
                reset = True
                if _service_depth.get() == 0:
                    record_refusal(error)
                raise
            finally:
                if not reset:
                    _service_depth.reset(token)
            if (
                audit
                and getattr(settings, "QORGAU_CHECK_SERVICE_AUDIT", False)
                and _audit_count() == before
            ):
                raise AssertionError(
                    f"{function.__module__}.{function.__qualname__} wrote no audit entry"
                )
            return result

        wrapped.qorgau_service = {"audit": audit}  # type: ignore[attr-defined]
        return wrapped

    return decorate(func) if func is not None else decorate
