"""The duty rota: shifts, weekly patterns and swaps planned by the regional chief (for the region's
analysts) and by the central office (for the national duty desk), and the manual override ("Start my
duty", "End my duty"). Who is on duty at a moment is answered in core/duty.py, from what is written
here.

A refused plan (an empty shift, nobody, an overlap with another shift of the same person, a person
who is not on that rota) is a `ServiceError` whose message says which; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qorgau.core import policies
from qorgau.core.enums import Weekday
from qorgau.core.errors import ServiceError
from qorgau.core.models import DutyPattern, DutyShift, Region, User
from qorgau.core.permissions import require, service
from qorgau.core.services.audit import audit_append

WEEK_MINUTES = 7 * 24 * 60


def _require_plan(acting_user: User | None, region: Region | None, obj: Any = None) -> None:
    require(acting_user, policies.duty_plan_policy(region), obj if obj is not None else region)


def local_span(starts_at: datetime, ends_at: datetime) -> str:
    """'7 December 2026, 09:00–18:00' (or both dates when it crosses midnight), in the active
    language and the programme's time zone."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    first = f"{formats.date_format(start, 'DATE_FORMAT')}, {start:%H:%M}"
    if start.date() == end.date():
        return f"{first}–{end:%H:%M}"
    return f"{first} – {formats.date_format(end, 'DATE_FORMAT')}, {end:%H:%M}"


def at(day: date, moment: time) -> datetime:
    """`day` at `moment` in the programme's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


def occurrence(day: date, starts: time, ends: time) -> tuple[datetime, datetime]:
    """A pattern's shift on `day`: ending the next day when it ends at or before it starts."""
    end_day = day + timedelta(days=1) if ends <= starts else day
    return at(day, starts), at(end_day, ends)


def _check_person(person: User | None, region: Region | None) -> User:
    if person is None:
        raise ServiceError(
            _("Choose who is on duty: a shift with nobody is refused."),
            errors={"person": [_("Choose who is on duty.")]},
        )
    if region is None:
        if person.role != policies.DUTY_ROLE_NATIONAL or not person.is_active:
            raise ServiceError(
                _(
                    "%(name)s is not a member of the central office: only they are on the "
                    "national duty desk."
                )
                % {"name": person.get_full_name()},
                errors={"person": [_("Not a member of the central office.")]},
            )
    elif (
        person.role != policies.DUTY_ROLE_IN_REGION
        or person.region_id != region.pk
        or not person.is_active
    ):
        raise ServiceError(
            _("%(name)s is not an analyst of %(region)s: only they are on its duty rota.")
            % {"name": person.get_full_name(), "region": region.name},
            errors={"person": [_("Not an analyst of this region.")]},
        )
    # One plan of a person at a time (PostgreSQL; SQLite writes one transaction at a time).
    User.objects.select_for_update().filter(pk=person.pk).first()
    return person


def _check_not_empty(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ServiceError(
            _("The shift is empty: it must end after it starts (%(span)s).")
            % {"span": local_span(starts_at, ends_at)},
            errors={"ends": [_("The end must come after the start.")]},
        )


def _first_overlap(
    person: User, starts_at: datetime, ends_at: datetime, *, exclude: int | None = None
) -> DutyShift | None:
    others = DutyShift.objects.active().filter(
        user=person, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.order_by("starts_at").first()


def _refuse_overlap(person: User, starts_at: datetime, ends_at: datetime, other: DutyShift) -> None:
    raise ServiceError(
        _("The shift %(new)s overlaps another shift of %(name)s: %(other)s.")
        % {
            "new": local_span(starts_at, ends_at),
            "name": person.get_full_name(),
            "other": local_span(other.starts_at, other.ends_at),
        },
        errors={"starts": [_("Overlaps another shift of the same person.")]},
        conflict=True,
    )


def _check_no_overlap(
    person: User, starts_at: datetime, ends_at: datetime, *, exclude: int | None = None
) -> None:
    other = _first_overlap(person, starts_at, ends_at, exclude=exclude)
    if other is not None:
        _refuse_overlap(person, starts_at, ends_at, other)


def _shift_details(shift: DutyShift) -> dict[str, Any]:
    return {
        "user_id": shift.user_id,
        "region_id": shift.region_id,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    }


@service
def duty_shift_create(
    *,
    acting_user: User | None,
    person: User | None,
    region: Region | None,
    starts_at: datetime,
    ends_at: datetime,
) -> DutyShift:
    """Put `person` on duty from `starts_at` to `ends_at`, for `region` (an analyst of it) or the
    national duty desk (`region` None: a member of the central office)."""
    _require_plan(acting_user, region)
    _check_not_empty(starts_at, ends_at)
    person = _check_person(person, region)
    _check_no_overlap(person, starts_at, ends_at)
    shift = DutyShift(
        user=person, region=region, starts_at=starts_at, ends_at=ends_at, created_by=acting_user
    )
    shift.full_clean()
    shift.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="duty.shift_create",
        obj=shift,
        region=region,
        details=_shift_details(shift),
    )
    return shift


@service
def duty_shift_delete(*, acting_user: User | None, shift: DutyShift) -> None:
    """Take a shift off the rota (kept, cancelled: a pattern's occurrence is not written again)."""
    _require_plan(acting_user, shift.region, shift)
    if shift.cancelled_at is None:
        shift.cancelled_at = timezone.now()
        shift.save(update_fields=["cancelled_at", "updated_at"])
    audit_append(
        actor=acting_user,
        action="duty.shift_delete",
        obj=shift,
        region=shift.region,
        details=_shift_details(shift),
    )


@service
def duty_shift_swap(
    *, acting_user: User | None, shift: DutyShift, person: User | None
) -> DutyShift:
    """Give a shift to another analyst of the region (another member of the central office for the
    national desk); both are named in the audit log (by id)."""
    _require_plan(acting_user, shift.region, shift)
    if shift.cancelled_at is not None:
        raise ServiceError(_("This shift is no longer on the rota."), conflict=True)
    person = _check_person(person, shift.region)
    if person.pk == shift.user_id:
        raise ServiceError(
            _("%(name)s already has this shift.") % {"name": person.get_full_name()},
            errors={"person": [_("Choose somebody else.")]},
        )
    _check_no_overlap(person, shift.starts_at, shift.ends_at, exclude=shift.pk)
    previous = shift.user_id
    shift.swapped_from_id = previous
    shift.user = person
    shift.save(update_fields=["user", "swapped_from", "updated_at"])
    audit_append(
        actor=acting_user,
        action="duty.shift_swap",
        obj=shift,
        region=shift.region,
        details={**_shift_details(shift), "from_user_id": previous, "to_user_id": person.pk},
    )
    return shift


def _weekly_minutes(weekday: int, starts: time, ends: time) -> tuple[int, int]:
    start = weekday * 1440 + starts.hour * 60 + starts.minute
    length = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
    if length <= 0:
        length += 1440
    return start, start + length


def _weekly_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return any(
        a[0] < b[1] + shift and b[0] + shift < a[1] for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES)
    )


def _pattern_label(weekday: int, starts: time, ends: time) -> str:
    return f"{Weekday(weekday).label}, {starts:%H:%M}–{ends:%H:%M}"


def plan_horizon(today: date | None = None) -> date:
    """The last day up to which patterns are written out as shifts."""
    return (today or timezone.localdate()) + timedelta(days=settings.QORGAU_DUTY_PLAN_DAYS - 1)


@dataclass(frozen=True)
class PatternInput:
    weekday: int
    starts: time
    ends: time
    valid_from: date
    valid_until: date | None = None


@service
def duty_pattern_create(
    *,
    acting_user: User | None,
    person: User | None,
    region: Region | None,
    data: PatternInput,
) -> DutyPattern:
    """Put `person` on duty every week on `data.weekday` from `data.starts` to `data.ends` (a night
    shift when it ends at or before it starts), and write its shifts out for the coming days."""
    _require_plan(acting_user, region)
    if data.starts == data.ends:
        raise ServiceError(
            _("The weekly shift is empty: %(span)s starts and ends at the same time.")
            % {"span": _pattern_label(data.weekday, data.starts, data.ends)},
            errors={"ends": [_("The end must differ from the start.")]},
        )
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise ServiceError(
            _("The pattern ends before it starts."),
            errors={"valid_until": [_("Choose a day on or after the first one.")]},
        )
    person = _check_person(person, region)
    mine = _weekly_minutes(data.weekday, data.starts, data.ends)
    others = DutyPattern.objects.filter(user=person).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=data.valid_from)
    )
    if data.valid_until is not None:
        others = others.filter(valid_from__lte=data.valid_until)
    for other in others:
        if _weekly_overlap(mine, _weekly_minutes(other.weekday, other.starts, other.ends)):
            raise ServiceError(
                _("The weekly shift %(new)s overlaps another weekly shift of %(name)s: %(other)s.")
                % {
                    "new": _pattern_label(data.weekday, data.starts, data.ends),
                    "name": person.get_full_name(),
                    "other": _pattern_label(other.weekday, other.starts, other.ends),
                },
                errors={"starts": [_("Overlaps another weekly shift of the same person.")]},
                conflict=True,
            )
    pattern = DutyPattern(
        user=person,
        region=region,
        weekday=data.weekday,
        starts=data.starts,
        ends=data.ends,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        created_by=acting_user,
    )
    pattern.full_clean()
    pattern.save(force_insert=True)
    # Its first shifts at once; one that overlaps a shift already planned refuses the pattern.
    for shift in _occurrences(pattern, timezone.localdate(), plan_horizon()):
        _check_no_overlap(person, shift.starts_at, shift.ends_at)
    _write_out([pattern], strict=True)
    audit_append(
        actor=acting_user,
        action="duty.pattern_create",
        obj=pattern,
        region=region,
        details={
            "user_id": person.pk,
            "region_id": region.pk if region else None,
            "weekday": data.weekday,
            "starts": data.starts.isoformat("minutes"),
            "ends": data.ends.isoformat("minutes"),
            "valid_from": data.valid_from.isoformat(),
            "valid_until": data.valid_until.isoformat() if data.valid_until else None,
        },
    )
    return pattern


@service
def duty_pattern_end(*, acting_user: User | None, pattern: DutyPattern) -> DutyPattern:
    """End a weekly pattern today: its shifts not yet begun are taken off the rota (a running one
    stays)."""
    _require_plan(acting_user, pattern.region, pattern)
    now = timezone.now()
    last = max(timezone.localdate(now), pattern.valid_from)
    if pattern.valid_until is None or pattern.valid_until > last:
        pattern.valid_until = last
    pattern.planned_until = pattern.valid_until
    pattern.save(update_fields=["valid_until", "planned_until", "updated_at"])
    cancelled = (
        DutyShift.objects.active()
        .filter(pattern=pattern, starts_at__gt=now)
        .update(cancelled_at=now, updated_at=now)
    )
    audit_append(
        actor=acting_user,
        action="duty.pattern_end",
        obj=pattern,
        region=pattern.region,
        details={"valid_until": pattern.valid_until.isoformat(), "shifts_cancelled": cancelled},
    )
    return pattern


def _occurrences(pattern: DutyPattern, first: date, last: date) -> list[DutyShift]:
    """The pattern's shifts from `first` to `last` (days in TIME_ZONE), as unsaved rows."""
    start = max(first, pattern.valid_from)
    if pattern.planned_until is not None:
        start = max(start, pattern.planned_until + timedelta(days=1))
    end = min(last, pattern.valid_until) if pattern.valid_until else last
    day = start + timedelta(days=(pattern.weekday - start.weekday()) % 7)
    shifts = []
    while day <= end:
        starts_at, ends_at = occurrence(day, pattern.starts, pattern.ends)
        shifts.append(
            DutyShift(
                user_id=pattern.user_id,
                region_id=pattern.region_id,
                starts_at=starts_at,
                ends_at=ends_at,
                pattern=pattern,
                occurs_on=day,
                created_by_id=pattern.created_by_id,
            )
        )
        day += timedelta(days=7)
    return shifts


def _write_out(patterns: list[DutyPattern], *, strict: bool = False) -> int:
    """Write the patterns' shifts out up to the plan horizon: once per occurrence (a unique
    constraint), skipping one that would overlap another shift of the same person (the shift
    planned by hand wins). Three queries whatever the number of patterns."""
    today = timezone.localdate()
    horizon = plan_horizon(today)
    candidates = [s for p in patterns for s in _occurrences(p, today, horizon)]
    if candidates and not strict:
        lo = min(s.starts_at for s in candidates)
        hi = max(s.ends_at for s in candidates)
        taken: dict[int, list[tuple[datetime, datetime]]] = {}
        for user_id, starts_at, ends_at in (
            DutyShift.objects.active()
            .filter(user_id__in={s.user_id for s in candidates}, starts_at__lt=hi, ends_at__gt=lo)
            .values_list("user_id", "starts_at", "ends_at")
        ):
            taken.setdefault(user_id, []).append((starts_at, ends_at))
        kept = []
        for shift in candidates:
            spans = taken.setdefault(shift.user_id, [])
            if any(s < shift.ends_at and shift.starts_at < e for s, e in spans):
                continue
            spans.append((shift.starts_at, shift.ends_at))
            kept.append(shift)
        candidates = kept
    created = DutyShift.objects.bulk_create(candidates, ignore_conflicts=True)
    DutyPattern.objects.filter(pk__in=[p.pk for p in patterns]).update(planned_until=horizon)
    return len(created)


# No audit entry of its own: it writes out what patterns say, each made by an audited service.
@service(audit=False)
def duty_patterns_materialise() -> int:
    """`tick`: write the shifts of every current weekly pattern out up to the plan horizon
    (QORGAU_DUTY_PLAN_DAYS ahead). Idempotent; only patterns not yet written out that far are read,
    so a tick with nothing to do is one indexed query."""
    today = timezone.localdate()
    horizon = plan_horizon(today)
    behind = (
        DutyPattern.objects.filter(Q(planned_until__isnull=True) | Q(planned_until__lt=horizon))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(
            Q(valid_until__isnull=True)
            | Q(planned_until__isnull=True)
            | Q(planned_until__lt=F("valid_until"))
        )
        .filter(user__is_active=True)
    )
    return _write_out(list(behind))


@service
def duty_override_start(*, acting_user: User) -> datetime:
    """ "Start my duty": on duty now, for QORGAU_DUTY_OVERRIDE_HOURS, whatever the rota says.
    Returns when it expires."""
    require(acting_user, policies.SET_ON_DUTY)
    until = timezone.now() + timedelta(hours=settings.QORGAU_DUTY_OVERRIDE_HOURS)
    _set_override(acting_user, on=True, until=until)
    audit_append(
        actor=acting_user,
        action="duty.override_on",
        obj=acting_user,
        region=acting_user.region,
        details={"until": until.isoformat()},
    )
    return until


@service
def duty_override_end(*, acting_user: User) -> datetime | None:
    """ "End my duty": the manual override ends; during a shift of the rota, off duty until that
    shift ends (returned), then the rota again."""
    require(acting_user, policies.SET_ON_DUTY)
    now = timezone.now()
    running = (
        DutyShift.objects.active()
        .filter(user=acting_user, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at")
        .first()
    )
    until = running.ends_at if running is not None else None
    _set_override(acting_user, on=False, until=until)
    audit_append(
        actor=acting_user,
        action="duty.override_off",
        obj=acting_user,
        region=acting_user.region,
        details={"until": until.isoformat() if until else None},
    )
    return until


def _set_override(user: User, *, on: bool, until: datetime | None) -> None:
    User.objects.filter(pk=user.pk).update(
        duty_override_on=on, duty_override_until=until, updated_at=timezone.now()
    )
    user.duty_override_on, user.duty_override_until = on, until
