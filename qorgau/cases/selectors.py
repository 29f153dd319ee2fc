"""Reads of the cases app, scoped to the reader: cases, workload, handover board, staffing gap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases import policies
from qorgau.cases.enums import OPEN_STAGES, ProsecutorStatus
from qorgau.cases.models import AssignmentPolicy, Case, Prosecutor
from qorgau.cases.services import (
    case_holder_genders,
    covered_numbers,
    hires_needed,
    policy_in_force,
)
from qorgau.core.collation import sorted_regions
from qorgau.core.errors import NotFound
from qorgau.core.models import Region, User
from qorgau.core.permissions import On, Policy, may, require, scope_of


def case_list_for_user(
    *,
    user: User,
    stage: str | None = None,
    queue: bool = False,
    year: int | None = None,
    region_code: str | None = None,
    verdict_year: int | None = None,
    handover: str | None = None,
) -> QuerySet[Case]:
    """The cases the user sees; `handover`: those still to hand over with the deadline in a window
    of "my work now" (core/work.py: overdue, today, week)."""
    qs = Case.objects.visible_to(user).select_related("region", "prosecutor__user")
    if stage == "open":
        qs = qs.filter(stage__in=OPEN_STAGES)
    elif stage:
        qs = qs.filter(stage=stage)
    if queue:
        qs = qs.filter(prosecutor__isnull=True, stage__in=OPEN_STAGES)
    if year:
        qs = qs.filter(opened_on__year=year)
    if verdict_year:
        qs = qs.filter(verdict_on__year=verdict_year)
    if region_code:
        qs = qs.filter(region__code=region_code.upper())
    if handover:
        qs = qs.filter(handover_q(handover, timezone.now())).order_by("handover_deadline", "pk")
        return qs.prefetch_related("articles")
    return qs.prefetch_related("articles").order_by("-created_at")


def handover_q(window: str, now: datetime) -> Q:
    """Still to hand over, the deadline in a window of "my work now" (core/work.py)."""
    from qorgau.core.work import Windows

    return Q(handover_done_at__isnull=True) & Windows.at(now).moment_q("handover_deadline", window)


def case_get_for_user(*, user: User, public_id: str) -> Case:
    """One case, or 404 ("No such case.") when it does not exist or the user does not see it."""
    case = (
        Case.objects.visible_to(user)
        .select_related("region", "prosecutor__user", "report")
        .prefetch_related("articles", "victims", "suspects", "care_checks__done_by")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."))
    return case


def case_for_action(*, user: User, public_id: str, policy: Policy) -> Case:
    """The case a user acts on from its page: 404 if they do not see it, refused (403, audited)
    if the action's policy does not let them act on it, before any form is read."""
    case = case_get_for_user(user=user, public_id=public_id)
    require(user, policy, case)
    return case


def prosecutor_list_for_user(*, user: User, region: Region | None = None) -> QuerySet[Prosecutor]:
    qs = Prosecutor.objects.visible_to(user).select_related("user", "user__region")
    if region is not None:
        qs = qs.filter(user__region=region)
    return qs.annotate(open_cases=Count("cases", filter=Q(cases__stage__in=OPEN_STAGES))).order_by(
        "user__region__name_en", "user__full_name"
    )


def reassign_targets(*, user: User, case: Case) -> QuerySet[Prosecutor]:
    """The prosecutors a case may be moved to by hand: its region's active prosecutors whom the
    assignment policy lets hold it (e.g. women only for the covered articles, such as art. 122),
    other than its holder, with their open cases; none for a user who may not reassign it. The
    same rules as `case_reassign`, which checks them again."""
    if not may(user, policies.REASSIGN_CASE, case):
        return Prosecutor.objects.none()
    _covered, genders = case_holder_genders(case, policy_in_force())
    qs = prosecutor_list_for_user(user=user, region=case.region).filter(
        status=ProsecutorStatus.ACTIVE, user__is_active=True
    )
    if genders is not None:
        qs = qs.filter(user__gender__in=genders)
    if case.prosecutor_id:
        qs = qs.exclude(pk=case.prosecutor_id)
    return qs


def prosecutor_workload(*, user: User) -> QuerySet[Prosecutor]:
    """The workload page: the prosecutors the user sees (their region's, or all), with their open
    cases."""
    require(user, policies.VIEW_WORKLOAD)
    return prosecutor_list_for_user(user=user)


def policy_in_force_for_user(
    *, user: User, policy: Policy = policies.VIEW_POLICY
) -> AssignmentPolicy | None:
    """The assignment policy in force, for the policy page: refused (403, audited) to a user who
    may not read it, or, with `policy=PUBLISH_POLICY`, publish a new version."""
    require(user, policy)
    return policy_in_force()


def _regions_for(user: User, policy: Policy) -> QuerySet[Region]:
    """The regions a chiefs' page shows: every region (On.ANY) or the user's own."""
    require(user, policy)
    if scope_of(user, policy) is On.ANY:
        return Region.objects.all()
    if user.region_id:
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.none()


@dataclass
class HandoverRow:
    region: Region
    pending: int
    in_time: int
    overdue: int
    proposed: int


def handover_board(*, user: User) -> list[HandoverRow]:
    """Per region: handovers still open, finished in time, overdue (and proposed for reassignment)."""
    now = timezone.now()
    regions = sorted_regions(_regions_for(user, policies.VIEW_HANDOVER))
    rows = (
        Case.objects.filter(region__in=regions, handover_deadline__isnull=False)
        .values("region_id")
        .annotate(
            pending=Count(
                "pk", filter=Q(handover_done_at__isnull=True, handover_deadline__gte=now)
            ),
            in_time=Count(
                "pk",
                filter=Q(
                    handover_done_at__isnull=False, handover_done_at__lte=F("handover_deadline")
                ),
            ),
            overdue=Count(
                "pk",
                filter=Q(handover_done_at__isnull=True, handover_deadline__lt=now)
                | Q(handover_done_at__gt=F("handover_deadline")),
            ),
            proposed=Count(
                "pk", filter=Q(handover_proposed_at__isnull=False, handover_done_at__isnull=True)
            ),
        )
    )
    by_region = {r["region_id"]: r for r in rows}
    return [
        HandoverRow(
            region=region,
            pending=by_region.get(region.pk, {}).get("pending", 0),
            in_time=by_region.get(region.pk, {}).get("in_time", 0),
            overdue=by_region.get(region.pk, {}).get("overdue", 0),
            proposed=by_region.get(region.pk, {}).get("proposed", 0),
        )
        for region in regions
    ]


def handover_cases_for_user(*, user: User, overdue_only: bool = False) -> QuerySet[Case]:
    qs = (
        Case.objects.filter(
            region__in=_regions_for(user, policies.VIEW_HANDOVER),
            handover_deadline__isnull=False,
            handover_done_at__isnull=True,
        )
        .select_related("region", "prosecutor__user")
        .order_by("handover_deadline")
    )
    if overdue_only:
        qs = qs.filter(handover_deadline__lt=timezone.now())
    return qs


@dataclass
class GapRow:
    region: Region
    eligible_prosecutors: int
    eligible_capacity: int
    covered_open: int
    intake_12m: int
    waiting: int
    hires: int


def staffing_gap(*, user: User) -> list[GapRow]:
    """Per region: the eligible prosecutors' capacity against the covered caseload and intake."""
    return staffing_gap_rows(regions=sorted_regions(_regions_for(user, policies.VIEW_STAFFING)))


def staffing_gap_rows(*, regions: list[Region]) -> list[GapRow]:
    """The staffing gap of `regions`, for whoever may see them (the page, `tick`'s weekly alert)."""
    policy = policy_in_force()
    genders = list(policy.eligible_genders) if policy else ["f", "m"]
    numbers = covered_numbers(policy)
    eligible = (
        Prosecutor.objects.filter(
            status=ProsecutorStatus.ACTIVE,
            user__is_active=True,
            user__gender__in=genders,
            user__region__in=regions,
        )
        .values("user__region_id")
        .annotate(n=Count("pk"), capacity=Sum("capacity"))
    )
    by_region = {r["user__region_id"]: r for r in eligible}
    covered = Case.objects.filter(region__in=regions, articles__number__in=numbers).distinct()
    open_counts = dict(
        covered.filter(stage__in=OPEN_STAGES)
        .values("region_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("region_id", "n")
    )
    since = timezone.localdate() - timedelta(days=365)
    intake = dict(
        covered.filter(opened_on__gte=since)
        .values("region_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("region_id", "n")
    )
    waiting = dict(
        Case.objects.filter(region__in=regions, prosecutor__isnull=True, stage__in=OPEN_STAGES)
        .values("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    typical = Prosecutor._meta.get_field("capacity").default
    result = []
    for region in regions:
        row = by_region.get(region.pk, {})
        capacity = row.get("capacity") or 0
        covered_open = open_counts.get(region.pk, 0)
        result.append(
            GapRow(
                region=region,
                eligible_prosecutors=row.get("n", 0),
                eligible_capacity=capacity,
                covered_open=covered_open,
                intake_12m=intake.get(region.pk, 0),
                waiting=waiting.get(region.pk, 0),
                hires=hires_needed(
                    eligible_capacity=capacity,
                    covered_open=covered_open,
                    intake_12m=intake.get(region.pk, 0),
                    typical_capacity=typical,
                )
                or (1 if covered_open and not row.get("n") else 0),
            )
        )
    return result
