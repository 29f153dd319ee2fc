"""The handover (tick) of covered cases held by prosecutors the policy no longer allows, and the
hires that would close the staffing gap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases import policies
from qorgau.cases.alerts import HANDOVER_OVERDUE_KIND
from qorgau.cases.assignment import (
    _case_requirements,
    assign_pending,
    candidates,
    covered_numbers,
    open_case_counts,
    pick,
    policy_in_force,
)
from qorgau.cases.enums import OPEN_STAGES, CaseEventKind, UnassignedReason
from qorgau.cases.errors import CaseActionRefused
from qorgau.cases.models import AssignmentPolicy, Case, CaseEvent, Victim
from qorgau.core.alerts import raise_alert
from qorgau.core.bulk import update_from_values
from qorgau.core.models import User
from qorgau.core.permissions import require, service


@dataclass
class TickStats:
    deadlines_set: int = 0
    proposed: int = 0
    reassigned: int = 0
    done: int = 0
    assigned_from_queue: int = 0


def ineligible_holdings(policy: AssignmentPolicy):
    """Open covered cases held by a prosecutor who may not hold them under the policy (in SQL).

    Mirrors `required_genders`: victims who agree on a gender decide; otherwise the policy does."""
    numbers = covered_numbers(policy)
    covered = Exists(
        Case.articles.through.objects.filter(
            case_id=OuterRef("pk"), criminalarticle__number__in=numbers
        )
    )
    qs = Case.objects.filter(stage__in=OPEN_STAGES, prosecutor__isnull=False).filter(covered)
    by_policy = ~Q(prosecutor__user__gender__in=list(policy.eligible_genders))
    if not policy.honour_victim_preference:
        return qs.filter(by_policy)
    holder = OuterRef("prosecutor__user__gender")
    prefers_holder = Exists(
        Victim.objects.filter(case_id=OuterRef("pk"), preferred_prosecutor_gender=holder)
    )
    prefers_other = Exists(
        Victim.objects.filter(case_id=OuterRef("pk"))
        .exclude(preferred_prosecutor_gender="")
        .exclude(preferred_prosecutor_gender=holder)
    )
    return qs.filter(
        (by_policy & ~(prefers_holder & ~prefers_other)) | (prefers_other & ~prefers_holder)
    )


# The system's periodic work (`manage.py tick`), not a person's action: no policy to require, and a
# tick that finds nothing to do writes nothing, so it is not a @service (each step is atomic).
def handover_tick(*, now: datetime | None = None) -> TickStats:
    """Idempotent and set-based: set handover deadlines under the policy in force, mark finished
    handovers, and propose (or, if the policy says so, make) the reassignment of overdue ones."""
    now = now or timezone.now()
    stats = TickStats()
    policy = policy_in_force(timezone.localdate(now))
    if policy is None:
        return stats
    start = timezone.make_aware(datetime.combine(policy.effective_from, time.min))
    days = timedelta(days=policy.handover_days)
    ineligible = ineligible_holdings(policy)
    with transaction.atomic():
        fresh = list(
            ineligible.filter(handover_deadline__isnull=True).values_list("pk", "created_at")
        )
        rows = [(pk, max(start, created) + days) for pk, created in fresh]
        update_from_values(
            table="cases_case",
            key="id",
            columns=["handover_deadline"],
            rows=rows,
            casts=["timestamptz"],
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=pk,
                    created_at=now,
                    kind=CaseEventKind.HANDOVER_DUE,
                    details={"deadline": d.isoformat()},
                )
                for pk, d in rows
            ],
            batch_size=2000,
        )
        stats.deadlines_set = len(rows)
    pending = Case.objects.filter(handover_deadline__isnull=False, handover_done_at__isnull=True)
    # finished: no longer open, or now held by someone who may hold it
    stats.done += pending.exclude(stage__in=OPEN_STAGES).update(handover_done_at=now)
    stats.done += (
        pending.filter(stage__in=OPEN_STAGES)
        .exclude(pk__in=ineligible.values("pk"))
        .update(handover_done_at=now)
    )
    overdue = pending.filter(
        stage__in=OPEN_STAGES, handover_deadline__lt=now, pk__in=ineligible.values("pk")
    )
    if policy.auto_reassign:
        with transaction.atomic():
            moved = list(overdue.values_list("pk", "region_id"))
            Case.objects.filter(pk__in=[pk for pk, _r in moved]).update(
                prosecutor=None,
                unassigned_reason=UnassignedReason.RETURNED,
                handover_done_at=now,
                updated_at=now,
            )
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case_id=pk,
                        created_at=now,
                        kind=CaseEventKind.REASSIGNED,
                        details={"handover": "overdue"},
                    )
                    for pk, _r in moved
                ],
                batch_size=2000,
            )
        stats.reassigned = (
            assign_pending(region_ids=sorted({r for _pk, r in moved})) if moved else 0
        )
    else:
        with transaction.atomic():
            proposed = list(
                overdue.filter(handover_proposed_at__isnull=True).values_list("pk", "region_id")
            )
            Case.objects.filter(pk__in=[pk for pk, _r in proposed]).update(handover_proposed_at=now)
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(case_id=pk, created_at=now, kind=CaseEventKind.HANDOVER_PROPOSED)
                    for pk, _r in proposed
                ],
                batch_size=2000,
            )
            for region_id in sorted({r for _pk, r in proposed}):
                _notify_chiefs(region_id=region_id, day=timezone.localdate(now))
            stats.proposed = len(proposed)
    stats.assigned_from_queue = assign_pending()
    return stats


def _notify_chiefs(*, region_id: int, day: date) -> None:
    """One alert a day per chief whose region has handovers proposed for reassignment."""
    from django.urls import reverse

    chiefs = User.objects.filter(
        role__in=policies.NOTIFIED_OF_HANDOVER, region_id=region_id, is_active=True
    )
    raise_alert(
        kind=HANDOVER_OVERDUE_KIND,
        object_ref=f"{region_id}:{day:%Y-%m-%d}",
        recipients=chiefs,
        url=reverse("cases:handover"),
        params={"day_on": day.isoformat()},
        region=region_id,
    )


@service
def handover_confirm(*, case: Case, acting_user: User | None) -> Case:
    """The chief confirms the proposed reassignment of an overdue handover with one click."""
    from qorgau.cases.services import case_reassign  # services imports this module

    require(acting_user, policies.CONFIRM_HANDOVER, case)
    policy = policy_in_force()
    _covered, genders = _case_requirements(case, policy)
    pool = candidates(case.region_id, genders)
    chosen = pick(pool, open_case_counts([p.pk for p in pool]), exclude=case.prosecutor_id)
    if chosen is None:
        raise CaseActionRefused(
            _("There is no eligible prosecutor in the region to take it: see the staffing gap.")
        )
    return case_reassign(case=case, prosecutor=chosen, acting_user=acting_user, reason="handover")


def hires_needed(
    *, eligible_capacity: int, covered_open: int, intake_12m: int, typical_capacity: int
) -> int:
    """How many eligible prosecutors to hire so that capacity covers the caseload."""
    demand = max(covered_open, intake_12m)
    gap = max(demand - eligible_capacity, 0)
    return math.ceil(gap / max(typical_capacity, 1))
