"""Every read of the core app that a page or the API needs, scoped to what the user may see."""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection
from django.db.models import F, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core import policies
from qorgau.core.collation import sorted_regions
from qorgau.core.enums import AccessChangeStatus
from qorgau.core.models import (
    AccessChange,
    AuditEntry,
    CriminalArticle,
    DutyPattern,
    DutyShift,
    Helpline,
    Notification,
    Region,
    StaffTOTPDevice,
    User,
)
from qorgau.core.permissions import On, require, scope_of, visible_to
from qorgau.core.registry import app_modules
from qorgau.core.types import signed_in


def region_list() -> list[Region]:
    """Reference data: every region, for anyone, in the active language's alphabetical order of
    their proper names (core.collation)."""
    return sorted_regions(Region.objects.all())


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
    now = clock.monotonic()
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


# --- The duty rota ---------------------------------------------------------------------------------

ROTA_DAYS = 14
COVERAGE_DAYS = 14
NATIONAL_DESK = "national"


def duty_desk_for_user(*, user: User, region_code: str | None = None) -> Region | None:
    """Whose rota the user looks at: a chief's or an analyst's region; for the central office the
    national duty desk (None), or the region it asks for by code (to read)."""
    require(user, policies.VIEW_DUTY_ROTA)
    if scope_of(user, policies.VIEW_DUTY_ROTA) is On.OWN_REGION:
        require(user, policies.VIEW_DUTY_ROTA, user.region)
        return user.region
    if region_code and region_code != NATIONAL_DESK:
        region = region_get_by_code(code=region_code)
        if region is None:
            raise Http404
        require(user, policies.VIEW_DUTY_ROTA, region)
        return region
    return None


@dataclass
class RotaDay:
    day: date
    shifts: list[DutyShift]


def duty_rota(*, user: User, region: Region | None, now: datetime | None = None) -> list[RotaDay]:
    """The shifts of the desk for today and the coming days (ROTA_DAYS), per day (a night shift
    under the day it starts). Two queries."""
    require(user, policies.VIEW_DUTY_ROTA, region)
    now = now or timezone.now()
    first = timezone.localdate(now)
    start = _at(first, time())
    end = start + timedelta(days=ROTA_DAYS)
    shifts = (
        visible_to(DutyShift.objects.active(), user)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("user", "swapped_from", "pattern")
        .order_by("starts_at", "pk")
    )
    shifts = shifts.filter(region__isnull=True) if region is None else shifts.filter(region=region)
    days = [RotaDay(first + timedelta(days=n), []) for n in range(ROTA_DAYS)]
    by_day = {d.day: d for d in days}
    for shift in shifts:
        day = timezone.localdate(shift.starts_at)
        by_day.get(day, days[0]).shifts.append(shift)
    return days


def duty_pattern_list(*, user: User, region: Region | None) -> QuerySet[DutyPattern]:
    """The weekly patterns of the desk that have not ended."""
    require(user, policies.VIEW_DUTY_ROTA, region)
    qs = visible_to(DutyPattern.objects.select_related("user"), user).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    )
    qs = qs.filter(region__isnull=True) if region is None else qs.filter(region_id=region.pk)
    return qs.order_by("weekday", "starts", "user__full_name")


def duty_people(*, region: Region | None) -> QuerySet[User]:
    """Who may be on the desk's rota: the region's active analysts, or the central office."""
    qs = User.objects.filter(is_active=True)
    if region is None:
        qs = qs.filter(role=policies.DUTY_ROLE_NATIONAL)
    else:
        qs = qs.filter(role=policies.DUTY_ROLE_IN_REGION, region_id=region.pk)
    return qs.order_by("full_name", "username")


def duty_shift_get_for_user(*, user: User, public_id: str) -> DutyShift:
    """A shift the user sees (404 outside their region)."""
    found = (
        visible_to(DutyShift.objects.select_related("user", "region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def duty_pattern_get_for_user(*, user: User, public_id: str) -> DutyPattern:
    found = (
        visible_to(DutyPattern.objects.select_related("user", "region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class DutyStatus:
    on_duty: bool
    # "override" (Start my duty), "shift" (the rota), "off" (ended early during a shift), ""
    source: str
    until: datetime | None
    next_shift: DutyShift | None


def duty_status_for_user(*, user: User, now: datetime | None = None) -> DutyStatus:
    """For the staff home: whether the user is on duty now, why and until when, and their next
    shift of the rota. Two queries."""
    now = now or timezone.now()
    shifts = list(
        DutyShift.objects.active()
        .filter(user=user, ends_at__gt=now)
        .select_related("region")
        .order_by("starts_at")[:5]
    )
    running = [s for s in shifts if s.starts_at <= now]
    upcoming = [s for s in shifts if s.starts_at > now]
    override_live = user.duty_override_until is not None and user.duty_override_until > now
    if override_live and user.duty_override_on:
        return DutyStatus(
            True, "override", user.duty_override_until, upcoming[0] if upcoming else None
        )
    if running and not override_live:
        return DutyStatus(
            True, "shift", max(s.ends_at for s in running), upcoming[0] if upcoming else None
        )
    if running:
        return DutyStatus(False, "off", user.duty_override_until, upcoming[0] if upcoming else None)
    return DutyStatus(False, "", None, upcoming[0] if upcoming else None)


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


def _desk_shifts(regions: list[Region], national: bool) -> QuerySet[DutyShift]:
    """The shifts that count for the desks: an active analyst of the region on its rota, an active
    member of the central office on the national desk."""
    condition = Q(pk__in=[])
    if regions:
        condition |= Q(
            region_id__in=[r.pk for r in regions],
            user__role=policies.DUTY_ROLE_IN_REGION,
            user__region_id=F("region_id"),
        )
    if national:
        condition |= Q(region__isnull=True, user__role=policies.DUTY_ROLE_NATIONAL)
    return DutyShift.objects.active().filter(condition, user__is_active=True)


def duty_last_shift_ends(
    *, before: datetime, regions: list[Region], national: bool
) -> dict[int | None, datetime]:
    """For each desk, when its last shift ending at or before `before` ended (where a gap running
    into `before` began). One grouped query."""
    rows = (
        _desk_shifts(regions, national)
        .filter(ends_at__lte=before)
        .values("region_id")
        .annotate(last=Max("ends_at"))
        .values_list("region_id", "last")
    )
    return dict(rows)


def duty_covered_spans(
    *, start: datetime, end: datetime, regions: list[Region], national: bool
) -> dict[int | None, list[tuple[datetime, datetime]]]:
    """For each desk (a region's id, None for the national desk), the merged stretches of
    [start, end) with somebody on the rota. One indexed query over the shifts of the window."""
    rows = (
        _desk_shifts(regions, national)
        .filter(ends_at__gt=start, starts_at__lt=end)
        .order_by("starts_at")
        .values_list("region_id", "starts_at", "ends_at")
    )
    spans: dict[int | None, list[tuple[datetime, datetime]]] = {r.pk: [] for r in regions}
    if national:
        spans[None] = []
    for region_id, starts_at, ends_at in rows:
        merged = spans.setdefault(region_id, [])
        starts_at, ends_at = max(starts_at, start), min(ends_at, end)
        if merged and starts_at <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends_at))
        else:
            merged.append((starts_at, ends_at))
    return spans


def covered_hours(
    spans: list[tuple[datetime, datetime]], start: datetime, hours: int
) -> list[bool]:
    """For each hour from `start` (on the hour), whether the merged, sorted `spans` cover the whole
    of it: half an hour on duty leaves the hour uncovered."""
    flags, index = [], 0
    for n in range(hours):
        starts_at = start + timedelta(hours=n)
        ends_at = starts_at + timedelta(hours=1)
        while index < len(spans) and spans[index][1] <= starts_at:
            index += 1
        flags.append(
            index < len(spans) and spans[index][0] <= starts_at and spans[index][1] >= ends_at
        )
    return flags


def uncovered_stretches(
    spans: list[tuple[datetime, datetime]], start: datetime, hours: int
) -> list[tuple[datetime, datetime]]:
    """The runs of hours from `start` not wholly covered by `spans`, as (first hour, end)."""
    stretches: list[tuple[datetime, datetime]] = []
    for n, covered in enumerate(covered_hours(spans, start, hours)):
        if covered:
            continue
        starts_at = start + timedelta(hours=n)
        if stretches and stretches[-1][1] == starts_at:
            stretches[-1] = (stretches[-1][0], starts_at + timedelta(hours=1))
        else:
            stretches.append((starts_at, starts_at + timedelta(hours=1)))
    return stretches


@dataclass
class CoverageHour:
    starts_at: datetime
    covered: bool
    past: bool


@dataclass
class CoverageDay:
    day: date
    hours: list[CoverageHour]


@dataclass
class DeskCoverage:
    region: Region | None
    code: str
    name: str
    days: list[CoverageDay]
    uncovered_hours: int


def duty_coverage_for_user(*, user: User, now: datetime | None = None) -> list[DeskCoverage]:
    """Every hour of today and the coming days (COVERAGE_DAYS × 24) per desk, and whether somebody
    is on the rota for the whole of it: a chief's region; for the central office every region and
    the national desk. Hours already past are shown, not counted. Three queries."""
    require(user, policies.VIEW_DUTY_COVERAGE)
    now = now or timezone.now()
    regions: list[Region]
    if scope_of(user, policies.VIEW_DUTY_COVERAGE) is On.OWN_REGION:
        require(user, policies.VIEW_DUTY_COVERAGE, user.region)
        regions, national = ([user.region] if user.region else []), False
    else:
        regions, national = sorted_regions(Region.objects.all()), True
    first = timezone.localdate(now)
    start = _at(first, time())
    end = start + timedelta(days=COVERAGE_DAYS)
    spans = duty_covered_spans(start=start, end=end, regions=regions, national=national)
    desks: list[tuple[Region | None, str, str]] = [(r, r.code, r.name) for r in regions]
    if national:
        desks.append((None, NATIONAL_DESK, str(_("National duty desk"))))
    result = []
    for region, code, name in desks:
        flags = covered_hours(
            spans.get(region.pk if region else None, []), start, 24 * COVERAGE_DAYS
        )
        days, missing = [], 0
        for n in range(COVERAGE_DAYS):
            hours = []
            for hour in range(24):
                covered = flags[n * 24 + hour]
                starts_at = start + timedelta(hours=n * 24 + hour)
                past = starts_at + timedelta(hours=1) <= now
                if not covered and not past:
                    missing += 1
                hours.append(CoverageHour(starts_at, covered, past))
            days.append(CoverageDay(first + timedelta(days=n), hours))
        result.append(DeskCoverage(region, code, name, days, missing))
    return result
