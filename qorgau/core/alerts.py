"""A minimal stand-in for the lead's alerts (issue 19): the duty rota codes against this API, which
the lead's qorgau/core/alerts.py replaces at merge. It keeps alerts as in-app notifications
(`core.Notification`, one per recipient), so tests can see who was told.

`register(AlertKind(code, title, body, urgent=False))` declares a kind; `raise_alert(...)` is
idempotent per (kind, object_ref): a repeat call only adds recipients not told yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qorgau.core.models import Notification, Region, User

_KINDS: dict[str, AlertKind] = {}


@dataclass(frozen=True)
class AlertKind:
    code: str
    title: Any
    body: Any
    urgent: bool = False


@dataclass
class Alert:
    kind: str
    object_ref: str
    url: str
    params: Mapping[str, Any] = field(default_factory=dict)
    told: list[int] = field(default_factory=list)


def register(kind: AlertKind) -> AlertKind:
    _KINDS[kind.code] = kind
    return kind


def kind_named(code: str) -> AlertKind:
    return _KINDS[code]


def raise_alert(
    *,
    kind: str,
    object_ref: str,
    recipients: Iterable[User | int],
    url: str,
    params: Mapping[str, Any] | None = None,
    region: Region | None = None,
    climbs: bool = False,
) -> Alert:
    if kind not in _KINDS:
        raise LookupError(f"alert kind {kind!r} is not registered")
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    already = set(
        Notification.objects.filter(kind=kind, object_ref=object_ref, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    fresh = sorted(ids - already)
    Notification.objects.bulk_create(
        [Notification(user_id=pk, kind=kind, object_ref=object_ref, url=url) for pk in fresh],
        ignore_conflicts=True,
    )
    return Alert(kind=kind, object_ref=object_ref, url=url, params=dict(params or {}), told=fresh)
