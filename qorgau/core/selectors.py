"""Every read of the core app that a page or the API needs, scoped to what the user may see."""

from __future__ import annotations

import time
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.http import Http404

from qorgau.core import policies
from qorgau.core.enums import AccessChangeStatus
from qorgau.core.models import (
    AccessChange,
    AuditEntry,
    CriminalArticle,
    Helpline,
    Notification,
    Region,
    StaffTOTPDevice,
    User,
)
from qorgau.core.permissions import require, visible_to
from qorgau.core.registry import app_modules
from qorgau.core.types import signed_in


def region_list() -> QuerySet[Region]:
    """Reference data: every region, for anyone."""
    return Region.objects.all()


# Regions are reference data (ISO 3166-2 codes): each process keeps them for a few minutes, and a
# change made through this process clears its copy at once (core.receivers).
REGION_CACHE_SECONDS = 300.0


class _RegionCache(TypedDict):
    until: float
    by_code: dict[str, Region]


_regions: _RegionCache = {"until": 0.0, "by_code": {}}


def region_cache_clear() -> None:
    _regions.update({"until": 0.0, "by_code": {}})


def region_get_by_code(*, code: str) -> Region | None:
    """The region with this code (any case, spaces trimmed), or None: no query on the hot path."""
    now = time.monotonic()
    if now >= _regions["until"]:
        _regions.update(
            {
                "by_code": {r.code: r for r in Region.objects.all()},
                "until": now + REGION_CACHE_SECONDS,
            }
        )
    return _regions["by_code"].get(code.strip().upper())


def criminal_article_list() -> QuerySet[CriminalArticle]:
    return CriminalArticle.objects.all()


def helpline_list() -> QuerySet[Helpline]:
    """The helplines shown on public pages, in their order."""
    return Helpline.objects.filter(is_active=True)


def user_list_for_user(*, user: User, role: str | None = None) -> QuerySet[User]:
    """Staff the user may see: administrators and the central office all, a chief their region's."""
    qs = visible_to(User.objects.select_related("region"), user)
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("region__name_en", "role", "username")


def user_get_for_user(*, user: User, user_id: int) -> User:
    found = user_list_for_user(user=user).filter(pk=user_id).first()
    if found is None:
        raise Http404
    return found


def audit_entry_list_for_user(
    *, user: User, action: str | None = None, actor_id: int | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries the user may read, newest first."""
    qs = visible_to(AuditEntry.objects.select_related("region"), user)
    if action:
        qs = qs.filter(action=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    return qs.order_by("-seq")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def notification_list_for_user(*, user: User, open_only: bool = False) -> QuerySet[Notification]:
    """The user's alerts, newest first (`open_only`: those still asking for something), with what
    the alerts page shows of each: its alert, who acknowledged it, its e-mails and SMS."""
    from qorgau.core import alerts

    rows = alerts.open_for(user) if open_only else Notification.objects.filter(user=user)
    return (
        rows.select_related("alert", "alert__acknowledged_by")
        .prefetch_related("deliveries")
        .order_by("-created_at", "-pk")
    )


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One notification for the acknowledge button: any user's, so that the service refuses (and
    audits) a click on someone else's; a missing one is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification.objects.select_related("alert"), pk=pk)


def alert_texts(notification: Notification) -> tuple[str, str, str]:
    """(title, body, why it reached you) of a notification, in the active language."""
    from qorgau.core import alerts

    title, body = alerts.texts(notification.kind, notification.alert.params)
    return title, body, alerts.escalation_note(notification.level)


def open_alerts_for_user(
    *, user: User, limit: int
) -> tuple[list[tuple[Notification, str, str, str]], int]:
    """The user's alerts still asking for something, newest first: the first `limit` with their
    (title, body, why it reached you), and how many there are (the badge's number)."""
    from qorgau.core import alerts

    rows = alerts.open_for(user)
    count = rows.count()
    if not count:
        return [], 0
    shown = rows.select_related("alert").order_by("-created_at", "-pk")[:limit]
    return [(n, *alert_texts(n)) for n in shown], count


def my_work_for_user(*, user: User) -> list[Any]:
    """The sections of "my work now" (core/work.py): every app's lists of what waits for `user`,
    each read through the app's own selectors, so scoped to what the user may see."""
    from qorgau.core.work import sections_for

    return sections_for(user)


def unread_notification_count(*, user: User | AnonymousUser | None) -> int:
    if not signed_in(user):
        return 0
    from qorgau.core import alerts

    return alerts.open_for(user).count()


def user_has_authenticator(*, user: User) -> bool:
    """Whether the user has set up an authenticator app (else the next sign-in enrols one)."""
    return StaffTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def access_change_list_for_user(
    *, user: User, status: str | None = AccessChangeStatus.PENDING
) -> QuerySet[AccessChange]:
    """Changes of access the user may see (the security officer's and administrators'), newest
    first; the pending ones by default."""
    require(user, policies.VIEW_ACCESS_CHANGES)
    qs = visible_to(
        AccessChange.objects.select_related(
            "user", "requested_by", "decided_by", "old_region", "new_region"
        ),
        user,
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def access_change_get_for_user(*, user: User, public_id: str) -> AccessChange:
    found = access_change_list_for_user(user=user, status=None).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


# Access that a higher app keeps (clinicians' facilities in offenders, partner users' organisations
# in prevention): core may not import those apps, so each answers in its `access` module
# (core/registry.py), found by what it provides.
def _access_hooks(provides: str) -> Any:
    """The app's `access` module that provides `provides`, or None."""
    for module in app_modules("access"):
        if hasattr(module, provides):
            return module
    return None


def facility_hooks() -> Any:
    """The app that keeps clinicians' facilities (offenders' `access` module), or None."""
    return _access_hooks("facility_ids_of")


def facility_ids_of(user: User) -> list[int] | None:
    hooks = facility_hooks()
    return hooks.facility_ids_of(user) if hooks is not None and user.pk else None


def facility_names() -> dict[int, str]:
    """Each facility's name by id, for showing the facilities a change names."""
    hooks = facility_hooks()
    return {f.pk: str(f) for f in hooks.facility_choices()} if hooks is not None else {}


def partner_hooks() -> Any:
    """The app that keeps partner users' organisations (prevention's `access` module), or None."""
    return _access_hooks("partner_organisation_ids_of")


def partner_organisation_ids_of(user: User) -> list[int] | None:
    hooks = partner_hooks()
    return hooks.partner_organisation_ids_of(user) if hooks is not None and user.pk else None


def partner_organisation_names() -> dict[int, str]:
    """Each partner organisation's name by id, for showing the organisations a change names."""
    hooks = partner_hooks()
    return {o.pk: str(o) for o in hooks.partner_organisation_choices()} if hooks is not None else {}
