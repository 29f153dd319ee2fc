"""The national picture: every figure for a year and a region (or the whole country), scoped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qorgau.analytics import policies
from qorgau.analytics.models import (
    ChildPopulation,
    DailyCount,
    FillState,
    RegionalNote,
    SpikeAlert,
)
from qorgau.analytics.services import TTFA_BUCKETS
from qorgau.cases.enums import Stage
from qorgau.cases.models import Case, Victim
from qorgau.core.collation import region_sort_key
from qorgau.core.db_router import replica_reads
from qorgau.core.errors import PermissionRefused
from qorgau.core.models import Region, User
from qorgau.core.permissions import On, require, scope_of
from qorgau.intake.enums import Category
from qorgau.intake.models import Report
from qorgau.offenders.enums import MeetingStatus, PersonStatus
from qorgau.offenders.models import Examination, Meeting, Person

PRIORITIES = ["P1", "P2", "P3", "P4"]


def _summary_keys() -> list[str]:
    """Every daily-count key the summary reads, named (an IN list uses the index; LIKE does not)."""
    from qorgau.intake.enums import Source

    return [
        "all",
        *(f"category:{c}" for c in Category.values),
        *(f"priority:{p}" for p in PRIORITIES),
        *(f"source:{s}" for s in Source.values),
        *(f"breach:{p}" for p in PRIORITIES),
    ]


def _ttfa_keys() -> list[str]:
    return [f"ttfa:{p}:{bound}" for p in PRIORITIES for bound in [*TTFA_BUCKETS, 10**6]]


BREACH_KEYS = [f"breach:{p}" for p in PRIORITIES]
SMALL = 10  # a figure resting on fewer cases than this gets a note


@dataclass
class Scope:
    year: int
    region: Region | None  # None: the whole country

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


def scope_for(*, user: User, year: int | None, region_code: str | None) -> Scope:
    """Central office: any region or the country; a regional chief: their own region only."""
    require(user, policies.VIEW_FIGURES)
    year = year or timezone.localdate().year
    if scope_of(user, policies.VIEW_FIGURES) is On.ANY:
        region = (
            Region.objects.filter(code=(region_code or "").upper()).first() if region_code else None
        )
        return Scope(year=year, region=region)
    if user.region is None or (region_code and region_code.upper() != user.region.code):
        # regions are public: asking for another region's figures is refused, not hidden
        raise PermissionRefused(
            str(policies.VIEW_FIGURES.message), policy=policies.VIEW_FIGURES.name
        )
    return Scope(year=year, region=user.region)


def _region_q(scope: Scope, path: str) -> Q:
    return Q(**{path: scope.region}) if scope.region else Q()


def children(scope: Scope) -> int | None:
    row = (
        ChildPopulation.objects.filter(region=scope.region, year__lte=scope.year)
        .order_by("-year")
        .values_list("children", flat=True)
        .first()
    )
    return row


def rate(count: int, population: int | None) -> float | None:
    return round(count * 100_000 / population, 1) if population else None


def change(current: int, previous: int) -> int | None:
    return round((current - previous) * 100 / previous) if previous else None


CHILD_Q = Q(age__lte=17)


def _two_years(field: str, year: int) -> dict[str, date]:
    """The year and the one before as a range of dates (an index can serve it; `__year__in`
    becomes EXTRACT(YEAR ...), which none can)."""
    return {f"{field}__gte": date(year - 1, 1, 1), f"{field}__lte": date(year, 12, 31)}


def child_victims(scope: Scope, year: int) -> tuple[int, int]:
    """Victims aged up to 17 in cases opened in the year, and the year before (one query)."""
    row = Victim.objects.filter(
        CHILD_Q, _region_q(scope, "case__region"), **_two_years("case__opened_on", year)
    ).aggregate(
        now=Count("pk", filter=Q(case__opened_on__year=year)),
        before=Count("pk", filter=Q(case__opened_on__year=year - 1)),
    )
    return row["now"], row["before"]


def convictions(scope: Scope, year: int) -> tuple[int, int]:
    """Convictions with the verdict in the year, and the year before (one query)."""
    row = Case.objects.filter(
        _region_q(scope, "region"), stage=Stage.CONVICTED, verdict_on__year__in=[year, year - 1]
    ).aggregate(
        now=Count("pk", filter=Q(verdict_on__year=year)),
        before=Count("pk", filter=Q(verdict_on__year=year - 1)),
    )
    return row["now"], row["before"]


def offenders_in_custody(scope: Scope) -> tuple[int, int]:
    inmates = Person.objects.filter(
        _region_q(scope, "region"),
        status=PersonStatus.IN_CUSTODY,
        convictions__articles__covered_by_default=True,
    ).distinct()
    examined = inmates.filter(
        pk__in=Examination.objects.filter(done_on__isnull=False).values("person_id")
    ).count()
    return inmates.count(), examined


def _daily(
    scope: Scope,
    keys: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[DailyCount]:
    qs = DailyCount.objects.filter(
        metric="reports", day__gte=start or scope.start, day__lte=end or scope.end
    )
    if scope.region:
        qs = qs.filter(region_code=scope.region.code)
    if keys is not None:
        qs = qs.filter(key__in=keys)
    return qs


def filled_to() -> datetime | None:
    """The moment the daily counts were last filled up to (None: never filled)."""
    return FillState.objects.filter(metric="reports").values_list("filled_to", flat=True).first()


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "never"


_UNSET: Any = object()  # `until` not given: read the fill's moment (None is "never filled")


def report_counts(scope: Scope, *, until: datetime | None = _UNSET) -> dict[str, int]:
    """Reports of the scope by key: the daily counts up to the last fill, plus those created since,
    counted live. The same reports as the queue's list filtered the same way, at every moment (a
    figure never waits for the next `tick`); breaches and times to first action, which change with
    the clock, come from the fill alone."""
    until = filled_to() if until is _UNSET else until
    key = (
        f"qorgau:counts:{scope.year}:{scope.region.code if scope.region else 'KZ'}:{_stamp(until)}"
    )
    counts = cache.get(key)
    if counts is None:
        rows = _daily(scope, keys=_summary_keys()).values("key").annotate(n=Sum("value"))
        counts = {r["key"]: r["n"] for r in rows}
        cache.set(key, counts, COUNTS_TTL)
    counts = dict(counts)
    for (_region, *keys), n in _live_tail(scope, until).items():
        for k in ("all", *keys):
            counts[k] = counts.get(k, 0) + n
    return counts


def _live_tail(scope: Scope, since: datetime | None) -> dict[tuple[str, ...], int]:
    """Reports of the scope's year created from `since` on (all of them before the first fill, when
    there are no daily counts yet), by region, category, priority and source: a minute's worth
    between two ticks."""
    qs = Report.objects.filter(created_at__year=scope.year)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if scope.region:
        qs = qs.filter(region=scope.region)
    rows = qs.values_list("region__code", "category", "priority", "source").annotate(n=Count("pk"))
    return {
        (region or "", f"category:{c}", f"priority:{p}", f"source:{src}"): n
        for region, c, p, src, n in rows
    }


def median_minutes(histogram: dict[int, int]) -> int | None:
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for bound in sorted(histogram):
        seen += histogram[bound]
        if seen * 2 >= total:
            return bound
    return None


def time_to_first_action(scope: Scope, *, until: datetime | None = _UNSET) -> dict[str, int | None]:
    """Median minutes to the first action per priority (to the upper bound of its bucket)."""
    histograms: dict[str, dict[int, int]] = {p: {} for p in PRIORITIES}
    until = filled_to() if until is _UNSET else until
    key = f"qorgau:ttfa:{scope.year}:{scope.region.code if scope.region else 'KZ'}:{_stamp(until)}"
    rows = cache.get(key)
    if rows is None:
        rows = list(_daily(scope, keys=_ttfa_keys()).values("key").annotate(n=Sum("value")))
        cache.set(key, rows, COUNTS_TTL)
    for row in rows:
        _ttfa, priority, bound = row["key"].split(":")
        histograms[priority][int(bound)] = row["n"]
    return {p: median_minutes(h) for p, h in histograms.items()}


# The pre-aggregated counts are cached under the moment of their fill, so a refill (`tick`, in any
# process) makes new keys: nothing cached can be older than the counts. What is counted live (the
# reports since the fill, cases, victims, meetings) is never cached: every figure equals the list it
# links to at the moment the page is made, which the page says ("figures as of").
COUNTS_TTL = 600
SERIES_TTL = 60  # the charts (not linked to lists) may be a minute old


def summary(*, scope: Scope) -> dict:
    """The dashboard's figures (and the API's), with their context and the moment they are of."""
    with replica_reads():
        return _summary(scope=scope)


def _summary(*, scope: Scope) -> dict:
    year = scope.year
    as_of, until = timezone.now(), filled_to()
    population = children(scope)
    victims, victims_prev = child_victims(scope, year)
    convicted, convicted_prev = convictions(scope, year)
    counts = report_counts(scope, until=until)
    in_custody, examined = offenders_in_custody(scope)
    stages = dict(
        Case.objects.filter(_region_q(scope, "region"), opened_on__year=year)
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    meetings = Meeting.objects.filter(
        _region_q(scope, "plan__person__region"),
        due_on__year=year,
        due_on__lte=timezone.localdate(),
    ).aggregate(
        kept=Count("pk", filter=Q(status=MeetingStatus.ATTENDED)),
        missed=Count("pk", filter=Q(status=MeetingStatus.MISSED)),
    )
    handover = Case.objects.filter(
        _region_q(scope, "region"), handover_deadline__isnull=False
    ).aggregate(
        pending=Count(
            "pk", filter=Q(handover_done_at__isnull=True, handover_deadline__gte=timezone.now())
        ),
        overdue=Count(
            "pk", filter=Q(handover_done_at__isnull=True, handover_deadline__lt=timezone.now())
        ),
        done=Count("pk", filter=Q(handover_done_at__isnull=False)),
    )
    reports_total = counts.get("all", 0)
    return {
        "year": year,
        "as_of": as_of,
        "counted_to": until,
        "region": scope.region.code if scope.region else None,
        "children_population": population,
        "child_victims": victims,
        "child_victims_previous_year": victims_prev,
        "child_victims_change_percent": change(victims, victims_prev),
        "child_victims_per_100k": rate(victims, population),
        "child_victims_small": victims < SMALL,
        "convictions": convicted,
        "convictions_previous_year": convicted_prev,
        "cases_by_stage": {s: stages.get(s, 0) for s in Stage.values},
        # the cases the child-victims figure links to (its list is of cases, not of victims)
        "cases_opened": sum(stages.values()),
        "offenders_in_custody": in_custody,
        "offenders_examined": examined,
        "offenders_examined_percent": round(examined * 100 / in_custody, 1) if in_custody else None,
        "reports": reports_total,
        "reports_per_100k": rate(reports_total, population),
        "reports_by_priority": {p: counts.get(f"priority:{p}", 0) for p in PRIORITIES},
        "reports_by_category": {c: counts.get(f"category:{c}", 0) for c in Category.values},
        "deadline_breaches": {p: counts.get(f"breach:{p}", 0) for p in PRIORITIES},
        "median_minutes_to_first_action": time_to_first_action(scope, until=until),
        "handover": handover,
        "supervision_meetings": {
            "kept": meetings["kept"],
            "missed": meetings["missed"],
            "kept_percent": round(
                meetings["kept"] * 100 / (meetings["kept"] + meetings["missed"]), 1
            )
            if meetings["kept"] + meetings["missed"]
            else None,
        },
    }


@dataclass
class RegionRow:
    region: Region
    reports: int
    overdue_breaches: int
    child_victims: int
    child_victims_previous_year: int
    change_percent: int | None
    per_100k: float | None
    convictions: int
    note: RegionalNote | None
    small: bool


def region_table(*, user: User, year: int) -> list[RegionRow]:
    """Region by region: the central office sees all, a chief their own (kept a minute, like summary)."""
    require(user, policies.VIEW_FIGURES)
    if scope_of(user, policies.VIEW_FIGURES) is On.ANY:
        regions = list(Region.objects.all())
    elif user.region is not None:
        regions = [user.region]
    else:
        raise PermissionRefused(
            str(policies.VIEW_FIGURES.message), policy=policies.VIEW_FIGURES.name
        )
    with replica_reads():
        rows = _region_table(regions, year)
    # the order is the reader's language's
    return sorted(rows, key=lambda row: region_sort_key(row.region))


def _region_counts(year: int) -> tuple[dict[str, int], dict[str, int]]:
    """Reports and breaches per region code: the fill's (cached under its moment) plus the live
    reports since (report_counts)."""
    until = filled_to()
    key = f"qorgau:region-counts:{year}:{_stamp(until)}"
    cached = cache.get(key)
    if cached is None:
        start, end = date(year, 1, 1), date(year, 12, 31)
        days = DailyCount.objects.filter(metric="reports", day__gte=start, day__lte=end)
        cached = (
            dict(days.filter(key="all").values_list("region_code").annotate(n=Sum("value"))),
            dict(
                days.filter(key__in=BREACH_KEYS).values_list("region_code").annotate(n=Sum("value"))
            ),
        )
        cache.set(key, cached, COUNTS_TTL)
    reports, breaches = dict(cached[0]), dict(cached[1])
    for (region, *_keys), n in _live_tail(Scope(year=year, region=None), until).items():
        reports[region] = reports.get(region, 0) + n
    return reports, breaches


def _region_table(regions: list[Region], year: int) -> list[RegionRow]:
    reports, breaches = _region_counts(year)
    # children only, as in the summary: the regions add up to the country's figure
    victims: dict[str, int] = {}
    victims_prev: dict[str, int] = {}
    for code, opened, n in (
        Victim.objects.filter(CHILD_Q, **_two_years("case__opened_on", year))
        .values_list("case__region__code", "case__opened_on__year")
        .annotate(n=Count("pk"))
    ):
        (victims if opened == year else victims_prev)[code] = n
    convicted = dict(
        Case.objects.filter(stage=Stage.CONVICTED, verdict_on__year=year)
        .values_list("region__code")
        .annotate(n=Count("pk"))
    )
    population = {
        row.region_id: row.children
        for row in ChildPopulation.objects.filter(region__isnull=False, year__lte=year).order_by(
            "year"
        )
    }
    month = timezone.localdate().replace(day=1)
    notes = {n.region_id: n for n in RegionalNote.objects.filter(month=month)}
    rows = []
    for region in regions:
        current = victims.get(region.code, 0)
        rows.append(
            RegionRow(
                region=region,
                reports=reports.get(region.code, 0),
                overdue_breaches=breaches.get(region.code, 0),
                child_victims=current,
                child_victims_previous_year=victims_prev.get(region.code, 0),
                change_percent=change(current, victims_prev.get(region.code, 0)),
                per_100k=rate(current, population.get(region.pk)),
                convictions=convicted.get(region.code, 0),
                note=notes.get(region.pk),
                small=current < SMALL,
            )
        )
    return rows


def monthly_series(*, scope: Scope, months: int = 24) -> list[dict]:
    """Reports and cases per month over the last `months` months up to the scope's year end."""
    code = scope.region.code if scope.region else "KZ"
    key = f"qorgau:months:{scope.year}:{code}:{months}:{_stamp(filled_to())}"
    cached = cache.get(key)
    if cached is None:
        with replica_reads():
            cached = _monthly_series(scope=scope, months=months)
        cache.set(key, cached, SERIES_TTL)
    return [dict(row) for row in cached]


def _monthly_series(*, scope: Scope, months: int) -> list[dict]:
    last = min(scope.end, timezone.localdate()).replace(day=1)
    firsts = []
    cursor = last
    for _ in range(months):
        firsts.append(cursor)
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    firsts.reverse()
    reports: dict[date, int] = dict.fromkeys(firsts, 0)
    for day, value in _daily(scope, keys=["all"], start=firsts[0], end=scope.end).values_list(
        "day", "value"
    ):
        key = day.replace(day=1)
        if key in reports:
            reports[key] += value
    cases: dict[date, int] = dict.fromkeys(firsts, 0)
    by_month = (
        Case.objects.filter(_region_q(scope, "region"), opened_on__gte=firsts[0])
        .annotate(month=TruncMonth("opened_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    for month, n in by_month:  # counted in the database, not row by row
        key = month.date() if isinstance(month, datetime) else month
        if key in cases:
            cases[key] += n
    return [{"month": f, "reports": reports[f], "cases": cases[f]} for f in firsts]


def spike_list_for_user(*, user: User, limit: int = 20) -> QuerySet[SpikeAlert]:
    return SpikeAlert.objects.visible_to(user).select_related("region")[:limit]


def regions_missing_note(*, user: User, today: date | None = None) -> list[Region]:
    """After the 5th, the regions whose chief has not written this month's note: for those who see
    every region's figures (a chief sees their own note beside the figures)."""
    today = today or timezone.localdate()
    if scope_of(user, policies.VIEW_FIGURES) is not On.ANY or today.day <= 5:
        return []
    written = RegionalNote.objects.filter(month=today.replace(day=1)).values_list(
        "region_id", flat=True
    )
    return list(Region.objects.exclude(pk__in=written))


def ttfa_buckets() -> list[int]:
    return TTFA_BUCKETS


def notes_for_month(*, user: User, month: date) -> QuerySet[RegionalNote]:
    return (
        RegionalNote.objects.visible_to(user)
        .filter(month=month.replace(day=1))
        .select_related("region", "author")
    )
