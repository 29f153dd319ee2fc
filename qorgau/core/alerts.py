"""Alerts that reach a person: raised once, told in the app, by e-mail and (urgent ones) by SMS,
acknowledged by a click, and climbing while nobody acknowledges them.

- Each app declares its kinds in its `alerts.py` (`register(AlertKind(...))`): a translated title and
  body whose `%(name)s` placeholders are filled from the alert's `params`. Params carry numbers and
  dates only (a report's public number, a register number, "due_on": "2026-12-03"), never personal
  data: e-mail and SMS bodies are built from them. Keys ending in `_on` are dates, in `_at` moments
  (ISO strings), written as the reader's language writes them (`core/dates.py`), and
  fractions with the language's decimal separator (`core/numbers.py`).
- `raise_alert` is idempotent per (kind, object_ref): a repeat adds only the people not told yet, so
  every `tick` may raise what is due without counting what it raised before, on several workers.
- An alert raised with `climbs=True` goes, unacknowledged, to the region's chief after
  QORGAU_ESCALATE_TO_CHIEF_MINUTES and to the national duty desk after
  QORGAU_ESCALATE_TO_NATIONAL_MINUTES (`escalate_due`, run by `tick`). Each step is claimed by a
  conditional update, so two workers never both take it.
- E-mails and SMS are `Delivery` rows handed to the tasks worker after the commit; a failing gateway
  is retried with backoff (`retried_task`), its last error is kept on the row and shown on the
  alerts page, and the other channels are not held up by it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, DateTimeField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.core import policies
from qorgau.core.alert_models import DeliveryChannel
from qorgau.core.dates import format_date, format_datetime
from qorgau.core.models import Alert, Delivery, Notification, Region, User
from qorgau.core.numbers import format_number

logger = logging.getLogger(__name__)

# Levels of an alert that climbs.
FIRST, CHIEF, NATIONAL = 0, 1, 2


@dataclass(frozen=True)
class AlertKind:
    code: str
    title: str | Promise
    body: str | Promise
    # Urgent: by SMS as well as in the app and by e-mail.
    urgent: bool = False


_KINDS: dict[str, AlertKind] = {}
_discovered = False


def register(*kinds: AlertKind) -> None:
    for kind in kinds:
        _KINDS[kind.code] = kind


def kind_of(code: str) -> AlertKind:
    """The declared kind `code`; an undeclared one (an old row) reads as a plain "alert"."""
    global _discovered
    if not _discovered:
        from qorgau.core.registry import app_modules

        app_modules("alerts")  # importing each app's alerts module registers its kinds
        _discovered = True
    return _KINDS.get(code) or AlertKind(code, _("Alert"), "")


def kinds() -> dict[str, AlertKind]:
    kind_of("")
    return dict(_KINDS)


# --- Texts ----------------------------------------------------------------------------------------


# Params an app writes in words itself (`register_param`): a code in the alert, words in the text.
_PARAM_TEXTS: dict[str, Callable[[Any], Any]] = {}


def register_param(key: str, render: Callable[[Any], Any]) -> None:
    """Declare how the param `key` reads (called in the active language with the stored code), for
    codes only the app above core can put in words (an identifier's kind, say)."""
    _PARAM_TEXTS[key] = render


def _param_text(key: str, value: Any, language: str) -> Any:
    if key in _PARAM_TEXTS:
        return _PARAM_TEXTS[key](value)
    if key == "region" and isinstance(value, str):  # a region's code: its name in the language
        region = Region.objects.filter(code=value).first()
        return region.name if region is not None else value  # `texts` has activated `language`
    if isinstance(value, float):  # "1,8" in Kazakh and Russian, "1.8" in English
        return format_number(value, language=language)
    if isinstance(value, str) and key.endswith("_at"):
        try:
            return format_datetime(datetime.fromisoformat(value), language)
        except ValueError:
            return value
    if isinstance(value, str) and key.endswith("_on"):
        try:
            return format_date(date.fromisoformat(value), language)
        except ValueError:
            return value
    return value


def escalation_note(level: int) -> str:
    """Why an alert reached someone at `level` (in the active language)."""
    if level == FIRST:
        return ""
    minutes = (
        settings.QORGAU_ESCALATE_TO_CHIEF_MINUTES
        if level == CHIEF
        else settings.QORGAU_ESCALATE_TO_NATIONAL_MINUTES
    )
    return str(_("Nobody has acknowledged it for %(minutes)s minutes.") % {"minutes": minutes})


def texts(kind: str, params: dict[str, Any], *, language: str | None = None) -> tuple[str, str]:
    """The alert's title and body in `language` (default: the active one)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    declared = kind_of(kind)
    with translation.override(language):
        values = {k: _param_text(k, v, language) for k, v in (params or {}).items()}
        try:
            title = (
                str(declared.title) % values if "%(" in str(declared.title) else str(declared.title)
            )
            body = str(declared.body) % values if declared.body else ""
        except (KeyError, TypeError, ValueError):
            logger.error("alert kind %s: its text does not match its params", kind)
            title, body = str(declared.title), ""
    return title, body


# --- Who is told ------------------------------------------------------------------------------------


def region_users(roles: Iterable[str], region_id: int | None) -> list[int]:
    """The active users of `roles` in region `region_id` (none for no region)."""
    if region_id is None:
        return []
    return list(
        User.objects.filter(is_active=True, role__in=list(roles), region_id=region_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def region_chiefs(region_id: int | None) -> list[int]:
    return region_users(policies.ALERTS_CLIMB_TO_IN_REGION, region_id)


def national_desk(now: datetime | None = None) -> list[int]:
    """The national duty desk: the central office on duty, else every active member of it."""
    from qorgau.core.duty import on_duty_users

    roles = policies.NATIONAL_DUTY_DESK
    on_duty = list(on_duty_users(roles=roles, region_id=None, now=now).values_list("pk", flat=True))
    if on_duty:
        return on_duty
    return list(
        User.objects.filter(is_active=True, role__in=list(roles))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _user_ids(recipients: Iterable[User | int]) -> list[int]:
    seen: dict[int, None] = {}
    for r in recipients:
        seen[r if isinstance(r, int) else r.pk] = None
    return list(seen)


# --- Raising ----------------------------------------------------------------------------------------


def raise_alert(
    *,
    kind: str,
    object_ref: str,
    recipients: Iterable[User | int],
    url: str,
    params: dict[str, Any] | None = None,
    region: Region | int | None = None,
    climbs: bool = False,
    now: datetime | None = None,
) -> Alert:
    """Raise the alert (once per kind and object) and tell `recipients` who were not told yet.

    The system raises alerts (from services, `tick`, the report's commit): no policy is asked and no
    audit entry is written; acknowledging one is audited."""
    now = now or timezone.now()
    region_id = region if isinstance(region, int) or region is None else region.pk
    alert = Alert.objects.filter(kind=kind, object_ref=object_ref).first()
    if alert is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    kind=kind,
                    object_ref=object_ref,
                    region_id=region_id,
                    url=url,
                    params=params or {},
                    created_at=now,
                    escalate_at=(
                        now + timedelta(minutes=settings.QORGAU_ESCALATE_TO_CHIEF_MINUTES)
                        if climbs
                        else None
                    ),
                )
        except IntegrityError:  # raised at the same moment by another worker
            alert = Alert.objects.get(kind=kind, object_ref=object_ref)
    notify(alert, recipients, level=FIRST, now=now)
    return alert


def alerted(kind: str, ref: Any = None) -> Exists:
    """In a filter of the rows an alert is raised about: whether the row has its alert of `kind`
    already (raised with `object_ref` = the row's id, or the expression `ref`). `.exclude(alerted(…))`
    leaves what is still to raise, so that `tick` does not raise again, every minute, what it
    raised before: one anti-join on the alerts' unique (kind, object_ref) index."""
    ref = ref if ref is not None else Cast(OuterRef("pk"), CharField())
    return Exists(Alert.objects.filter(kind=kind, object_ref=ref))


def notify(
    alert: Alert, recipients: Iterable[User | int], *, level: int, now: datetime | None = None
) -> list[Notification]:
    """Tell each of `recipients` not told of `alert` yet: in the app now, by e-mail and (urgent
    kinds) SMS through the tasks worker after the commit. Inactive accounts are not told."""
    now = now or timezone.now()
    wanted = _user_ids(recipients)
    if not wanted:
        return []
    already = set(
        Notification.objects.filter(alert=alert, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    contacts = {
        pk: (email, mobile)
        for pk, email, mobile in User.objects.filter(
            pk__in=[pk for pk in wanted if pk not in already], is_active=True
        ).values_list("pk", "email", "mobile")
    }
    fresh = [pk for pk in wanted if pk in contacts]
    if not fresh:
        return []
    rows = [
        Notification(
            alert=alert,
            user_id=pk,
            kind=alert.kind,
            object_ref=alert.object_ref,
            url=alert.url,
            level=level,
            created_at=now,
        )
        for pk in fresh
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # someone told one of them at the same moment: one by one
        created = []
        for row in rows:
            notification, made = Notification.objects.get_or_create(
                user_id=row.user_id,
                kind=row.kind,
                object_ref=row.object_ref,
                defaults={"alert": alert, "url": row.url, "level": level, "created_at": now},
            )
            if made:
                created.append(notification)
    urgent = kind_of(alert.kind).urgent
    deliveries = []
    for notification in created:
        email, mobile = contacts[notification.user_id]
        if email:
            deliveries.append(Delivery(notification=notification, channel=DeliveryChannel.EMAIL))
        if urgent and mobile:
            deliveries.append(Delivery(notification=notification, channel=DeliveryChannel.SMS))
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in deliveries]
        from qorgau.core.alert_delivery import hand_over

        transaction.on_commit(lambda: hand_over(ids))
    return created


def close_alerts(*, kind: str, object_ref: str, now: datetime | None = None) -> int:
    """The thing the alert is about was dealt with (the report was taken): it climbs no further."""
    return Alert.objects.filter(kind=kind, object_ref=object_ref, closed_at__isnull=True).update(
        closed_at=now or timezone.now(), escalate_at=None
    )


# --- Climbing -------------------------------------------------------------------------------------


def _next_step(level: int, created_at: datetime) -> datetime | None:
    if level == CHIEF:
        return created_at + timedelta(minutes=settings.QORGAU_ESCALATE_TO_NATIONAL_MINUTES)
    return None


def escalation_recipients(
    alert: Alert,
    level: int,
    *,
    now: datetime | None = None,
    known: dict[tuple[int, int | None], list[int]] | None = None,
) -> list[int]:
    """Who the alert climbs to at `level`: the region's chiefs, then the national duty desk. A
    region with no active chief (or the central queue) goes to the desk at the first step.
    `known` keeps the answers of one climb (the same for every alert of a region and level)."""
    key = (level, alert.region_id if level == CHIEF else None)
    if known is not None and key in known:
        return known[key]
    if level == CHIEF:
        found = region_chiefs(alert.region_id) or national_desk(now)
    else:
        found = national_desk(now)
    if known is not None:
        known[key] = found
    return found


ESCALATE_BATCH = 500


def escalate_due(*, now: datetime | None = None) -> int:
    """Climb every unacknowledged alert whose next step is due; returns how many steps were taken.

    One indexed query finds them (only climbing alerts have `escalate_at`); each step is claimed by
    an update conditional on the level and time it was read with, so on several workers at once
    each step is taken, and its people told, once."""
    now = now or timezone.now()
    steps = 0
    known: dict[tuple[int, int | None], list[int]] = {}
    while True:  # until a pass takes no step: a tick that was down catches up every level
        taken = 0
        due = list(
            Alert.objects.filter(
                escalate_at__lte=now, acknowledged_at__isnull=True, closed_at__isnull=True
            )
            .order_by("escalate_at", "pk")
            .only(
                "pk", "kind", "object_ref", "url", "region_id", "level", "escalate_at", "created_at"
            )[:ESCALATE_BATCH]
        )
        for alert in due:
            level = alert.level + 1
            # The claim and the telling in one transaction: a step whose people could not be told
            # is not taken, and the next tick tries it again.
            with transaction.atomic():
                claimed = Alert.objects.filter(
                    pk=alert.pk,
                    level=alert.level,
                    escalate_at=alert.escalate_at,
                    acknowledged_at__isnull=True,
                    closed_at__isnull=True,
                ).update(level=level, escalate_at=_next_step(level, alert.created_at))
                if not claimed:
                    continue
                notify(
                    alert,
                    escalation_recipients(alert, level, now=now, known=known),
                    level=level,
                    now=now,
                )
            taken += 1
        steps += taken
        if not taken:
            return steps


# --- Acknowledging --------------------------------------------------------------------------------


def acknowledge(*, notification: Notification, user: User, now: datetime | None = None) -> bool:
    """The bookkeeping of `core.services.alert_acknowledge` (which checks the policy and audits):
    the notification read and acknowledged; the alert acknowledged by its first acknowledger.
    Returns whether this click acknowledged the alert itself."""
    now = now or timezone.now()
    Notification.objects.filter(pk=notification.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, read_at=Coalesce("read_at", Value(now, output_field=DateTimeField()))
    )
    first = Alert.objects.filter(pk=notification.alert_id, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=user, escalate_at=None
    )
    return bool(first)


# --- Reading --------------------------------------------------------------------------------------


def open_for(user: User) -> QuerySet[Notification]:
    """The user's alerts that still ask for something: unread, or climbing and unacknowledged."""
    return Notification.objects.filter(user=user).filter(
        Q(read_at__isnull=True) | Q(acknowledged_at__isnull=True, alert__escalate_at__isnull=False)
    )


__all__ = [
    "CHIEF",
    "FIRST",
    "NATIONAL",
    "AlertKind",
    "acknowledge",
    "alerted",
    "close_alerts",
    "escalate_due",
    "kind_of",
    "notify",
    "raise_alert",
    "register",
    "register_param",
    "texts",
]
