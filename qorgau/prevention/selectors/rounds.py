"""Reads of school safeguarding rounds: the figures of a school year, lists and one round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from qorgau.core.models import User
from qorgau.core.permissions import visible_to
from qorgau.prevention.enums import RoundStatus
from qorgau.prevention.models import RoundReferral, SafeguardingRound, School
from qorgau.prevention.services import current_school_year


@dataclass
class RoundFigures:
    year: int
    schools: int = 0
    planned: int = 0
    done: int = 0
    pupils_seen: int = 0
    concerns_raised: int = 0
    referrals: int = 0

    @property
    def not_planned(self) -> int:
        return max(self.schools - self.planned - self.done, 0)


def round_figures_for_user(*, user: User, year: int | None = None) -> RoundFigures:
    """This school year's rounds in the regions the user reads: planned, done, counts, referrals."""
    year = year or current_school_year()
    figures = RoundFigures(year=year)
    figures.schools = visible_to(School.objects.all(), user).count()
    rounds = visible_to(SafeguardingRound.objects.all(), user).filter(school_year=year)
    done = RoundStatus.DONE
    totals = rounds.aggregate(
        planned=Count("pk", filter=Q(status=RoundStatus.PLANNED)),
        done=Count("pk", filter=Q(status=done)),
        pupils=Sum("pupils_seen", filter=Q(status=done)),
        concerns=Sum("concerns_raised", filter=Q(status=done)),
    )
    figures.planned, figures.done = totals["planned"], totals["done"]
    figures.pupils_seen, figures.concerns_raised = totals["pupils"] or 0, totals["concerns"] or 0
    figures.referrals = (
        visible_to(RoundReferral.objects.all(), user).filter(round__school_year=year).count()
    )
    return figures


def round_list_for_user(
    *, user: User, year: int | None = None, status: str | None = None, due: str | None = None
) -> QuerySet[SafeguardingRound]:
    """The rounds the user sees; `due`: the planned ones whose date is in a window of "my work
    now" (core/work.py: overdue, today, week), soonest first."""
    qs = visible_to(SafeguardingRound.objects.select_related("school", "school__region"), user)
    if year:
        qs = qs.filter(school_year=year)
    if status:
        qs = qs.filter(status=status)
    if due:
        qs = qs.filter(round_due_q(due))
        return qs.annotate(referral_count=Count("referrals")).order_by("planned_on", "pk")
    return qs.annotate(referral_count=Count("referrals")).order_by(
        "-school_year", "planned_on", "pk"
    )


def round_due_q(window: str) -> Q:
    """Planned rounds whose day is in a window of "my work now" (core/work.py)."""
    from qorgau.core.work import Windows

    return Q(status=RoundStatus.PLANNED) & Windows.at().day_q("planned_on", window)


def round_calendar_for_user(*, user: User) -> QuerySet[SafeguardingRound]:
    """The rounds the user sees, as counted for "my work now" (no figures per round)."""
    return visible_to(SafeguardingRound.objects.all(), user)


def round_get_for_user(*, user: User, public_id: str) -> SafeguardingRound:
    round_ = (
        visible_to(SafeguardingRound.objects.select_related("school", "school__region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def round_referrals(*, round_: SafeguardingRound) -> list[Mapping[str, Any]]:
    """The referrals of a round: when, and where the report stands (its id and status only)."""
    return list(
        round_.referrals.order_by("created_at", "pk").values(
            "created_at", "report__public_id", "report__status", "report__created_at"
        )
    )


def school_rounds(*, school: School) -> QuerySet[SafeguardingRound]:
    return school.rounds.annotate(referral_count=Count("referrals")).order_by("-school_year")


def school_year_choices() -> list[int]:
    year = current_school_year()
    return [year + 1, year, year - 1, year - 2]
