"""The assignment policy and the assignment of cases to prosecutors, one at a time or in bulk."""

from __future__ import annotations

import heapq
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases import policies
from qorgau.cases.enums import OPEN_STAGES, CaseEventKind, UnassignedReason
from qorgau.cases.errors import CaseInvalid
from qorgau.cases.models import AssignmentPolicy, Case, CaseEvent, Prosecutor, Victim
from qorgau.core.bulk import update_from_values
from qorgau.core.enums import Gender
from qorgau.core.models import CriminalArticle, User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append


def _event(case: Case, kind: str, *, actor: User | None = None, **details: Any) -> None:
    CaseEvent.objects.create(
        case=case, created_at=timezone.now(), kind=kind, actor=actor, details=details
    )


# --- The policy -----------------------------------------------------------------------------------


def policy_in_force(on: date | None = None) -> AssignmentPolicy | None:
    """The newest policy version whose effective date has come (None: no restriction yet)."""
    on = on or timezone.localdate()
    return (
        AssignmentPolicy.objects.filter(effective_from__lte=on)
        .prefetch_related("articles")
        .order_by("-version")
        .first()
    )


@service
def policy_publish(
    *,
    acting_user: User | None,
    articles: list[str],
    eligible_genders: list[str],
    effective_from: date,
    honour_victim_preference: bool = True,
    handover_days: int = 7,
    auto_reassign: bool = False,
    note: str = "",
) -> AssignmentPolicy:
    """Publish a new version of the policy (the central office's decision), audited."""
    require(acting_user, policies.PUBLISH_POLICY)
    found = list(CriminalArticle.objects.filter(number__in=articles))
    unknown = sorted(set(articles) - {a.number for a in found})
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["articles"] = [
            _("Unknown articles: %(articles)s.") % {"articles": ", ".join(unknown)}
        ]
    if not eligible_genders or not set(eligible_genders) <= set(Gender.values):
        errors["eligible_genders"] = [_("Choose who is eligible: female and/or male prosecutors.")]
    if not 1 <= handover_days <= 90:
        errors["handover_days"] = [_("The handover period is from 1 to 90 days.")]
    if errors:
        raise CaseInvalid(errors)
    latest = AssignmentPolicy.objects.select_for_update().order_by("-version").first()
    policy = AssignmentPolicy.objects.create(
        version=(latest.version + 1) if latest else 1,
        eligible_genders=sorted(set(eligible_genders)),
        honour_victim_preference=honour_victim_preference,
        effective_from=effective_from,
        handover_days=handover_days,
        auto_reassign=auto_reassign,
        note=note,
        created_by=acting_user,
    )
    policy.articles.set(found)
    audit_append(
        actor=acting_user,
        action="policy.publish",
        obj=policy,
        details={
            "version": policy.version,
            "articles": sorted(a.number for a in found),
            "eligible": policy.eligible_genders,
            "effective_from": effective_from.isoformat(),
        },
    )
    return policy


def covered_numbers(policy: AssignmentPolicy | None) -> set[str]:
    return {a.number for a in policy.articles.all()} if policy else set()


def required_genders(
    *, article_numbers: set[str], victim_preferences: list[str], policy: AssignmentPolicy | None
) -> tuple[bool, list[str] | None]:
    """(covered, the genders a holder may have; None = anyone) under the policy.

    A victim's (or guardian's) preference, when the policy honours it and the victims agree, decides;
    otherwise a covered case goes to the policy's eligible genders."""
    covered = bool(policy and article_numbers & covered_numbers(policy))
    preferences = {p for p in victim_preferences if p}
    if policy and policy.honour_victim_preference and len(preferences) == 1:
        return covered, sorted(preferences)
    if covered:
        assert policy is not None  # covered: only a policy covers articles
        return True, list(policy.eligible_genders)
    return False, None


def _case_requirements(
    case: Case, policy: AssignmentPolicy | None
) -> tuple[bool, list[str] | None]:
    """(covered, the genders its holder may have; None = anyone) for this case under the policy."""
    numbers = {a.number for a in case.articles.all()}
    preferences = [v.preferred_prosecutor_gender for v in case.victims.all()]
    return required_genders(article_numbers=numbers, victim_preferences=preferences, policy=policy)


# --- Picking the prosecutor -----------------------------------------------------------------------


case_holder_genders = _case_requirements


def open_case_counts(prosecutor_ids: list[int]) -> dict[int, int]:
    rows = (
        Case.objects.filter(prosecutor_id__in=prosecutor_ids, stage__in=OPEN_STAGES)
        .values("prosecutor_id")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(prosecutor_ids, 0)
    counts.update({r["prosecutor_id"]: r["n"] for r in rows})
    return counts


def candidates(region_id: int, genders: list[str] | None) -> list[Prosecutor]:
    """The active prosecutors of the region who may hold the case, locked for the assignment."""
    qs = Prosecutor.objects.active().filter(user__region_id=region_id)
    if genders is not None:
        qs = qs.filter(user__gender__in=genders)
    return list(qs.select_for_update().select_related("user").order_by("pk"))


def pick(
    pool: list[Prosecutor], counts: dict[int, int], exclude: int | None = None
) -> Prosecutor | None:
    """The least-loaded; ties go to whoever was assigned least recently, then the longest-serving."""
    epoch = datetime.min.replace(tzinfo=UTC)
    ranked = [
        (counts.get(p.pk, 0), p.last_assigned_at or epoch, p.pk, p) for p in pool if p.pk != exclude
    ]
    return min(ranked)[3] if ranked else None


def _assign(
    case: Case,
    *,
    acting_user: User | None,
    policy: AssignmentPolicy | None,
    exclude: int | None = None,
) -> Case:
    covered, genders = _case_requirements(case, policy)
    pool = candidates(case.region_id, genders)
    chosen = pick(pool, open_case_counts([p.pk for p in pool]), exclude=exclude)
    now = timezone.now()
    case.covered, case.policy_version = covered, policy.version if policy else None
    if chosen is None:
        any_active = Prosecutor.objects.active().filter(user__region_id=case.region_id).exists()
        case.prosecutor = None
        case.unassigned_reason = (
            UnassignedReason.NO_ELIGIBLE
            if any_active or genders
            else UnassignedReason.NO_PROSECUTOR
        )
        Case.objects.filter(pk=case.pk).update(
            prosecutor=None,
            unassigned_reason=case.unassigned_reason,
            covered=covered,
            policy_version=case.policy_version,
            updated_at=now,
        )
        _event(case, CaseEventKind.QUEUED, actor=acting_user, reason=case.unassigned_reason)
        return case
    case.prosecutor, case.unassigned_reason = chosen, ""
    Case.objects.filter(pk=case.pk).update(
        prosecutor=chosen,
        unassigned_reason="",
        covered=covered,
        policy_version=case.policy_version,
        updated_at=now,
    )
    Prosecutor.objects.filter(pk=chosen.pk).update(last_assigned_at=now)
    _event(case, CaseEventKind.ASSIGNED, actor=acting_user, prosecutor=chosen.pk)
    return case


# --- Batch assignment -----------------------------------------------------------------------------


# The system's periodic work (the tick, and after an automatic handover), not a person's action: no
# policy to require, and a run that finds nothing to assign writes nothing, so it is not a
# @service (each region is assigned in its own transaction).
def assign_pending(*, region_ids: list[int] | None = None, acting_user: User | None = None) -> int:
    """Assign every case waiting in a chief's queue that can now be assigned (fair, in bulk).

    Per region, the eligible prosecutors are kept in a heap by load, so a batch of thousands costs a
    few queries per region, not per case."""
    policy = policy_in_force()
    covered_set = covered_numbers(policy)
    waiting = Case.objects.open().filter(prosecutor__isnull=True)
    if region_ids:
        waiting = waiting.filter(region_id__in=region_ids)
    assigned = 0
    for region_id in sorted(set(waiting.values_list("region_id", flat=True))):
        with transaction.atomic():
            assigned += _assign_region(
                region_id, waiting.filter(region_id=region_id), policy, covered_set, acting_user
            )
    return assigned


def _assign_region(region_id, waiting, policy, covered_set, acting_user) -> int:
    pool = candidates(region_id, None)
    if not pool:
        return 0
    counts = open_case_counts([p.pk for p in pool])
    # who was assigned least recently: (0, timestamp) before this batch, (1, order) within it
    last = {p.pk: (0, p.last_assigned_at.timestamp() if p.last_assigned_at else 0.0) for p in pool}
    # the cases, locked, and what decides who may hold them: articles and victims' preferences,
    # read as plain rows (building related managers for thousands of cases costs seconds)
    case_ids = list(
        waiting.select_for_update().order_by("created_at", "pk").values_list("pk", flat=True)
    )
    numbers: dict[int, set[str]] = {pk: set() for pk in case_ids}
    for case_id, number in Case.articles.through.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "criminalarticle__number"
    ):
        numbers[case_id].add(number)
    preferences: dict[int, list[str]] = {pk: [] for pk in case_ids}
    for case_id, preferred in (
        Victim.objects.filter(case_id__in=case_ids)
        .exclude(preferred_prosecutor_gender="")
        .values_list("case_id", "preferred_prosecutor_gender")
    ):
        preferences[case_id].append(preferred)
    heaps: dict[tuple[str, ...] | None, list] = {}

    def heap_for(genders: list[str] | None) -> list:
        key = tuple(genders) if genders is not None else None
        if key not in heaps:
            heaps[key] = [
                (counts[p.pk], last[p.pk], p.pk)
                for p in pool
                if genders is None or p.user.gender in genders
            ]
            heapq.heapify(heaps[key])
        return heaps[key]

    def least_loaded(heap: list) -> int:
        # entries go stale when the prosecutor took a case through another heap: refresh lazily
        while True:
            load, order, pk = heapq.heappop(heap)
            if (load, order) == (counts[pk], last[pk]):
                return pk
            heapq.heappush(heap, (counts[pk], last[pk], pk))

    now = timezone.now()
    assigned: list[tuple] = []
    events: list[CaseEvent] = []
    by_pk = {p.pk: p for p in pool}
    for n, case_id in enumerate(case_ids):
        covered, genders = required_genders(
            article_numbers=numbers[case_id], victim_preferences=preferences[case_id], policy=policy
        )
        heap = heap_for(genders)
        if not heap:
            continue
        pk = least_loaded(heap)
        counts[pk] += 1
        last[pk] = (1, n)
        heapq.heappush(heap, (counts[pk], last[pk], pk))
        assigned.append((case_id, pk, "", covered, policy.version if policy else None, now))
        events.append(
            CaseEvent(
                case_id=case_id,
                created_at=now,
                kind=CaseEventKind.ASSIGNED,
                actor=acting_user,
                details={"prosecutor": pk},
            )
        )
    update_from_values(
        table="cases_case",
        key="id",
        columns=["prosecutor_id", "unassigned_reason", "covered", "policy_version", "updated_at"],
        rows=assigned,
        casts=["bigint", "varchar", "boolean", "integer", "timestamptz"],
    )
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    touched = {row[1] for row in assigned}
    Prosecutor.objects.filter(pk__in=touched).update(last_assigned_at=now)
    updates = assigned
    if updates:
        audit_append(
            actor=acting_user,
            action="case.assign_batch",
            region=by_pk[updates[0][1]].user.region,
            details={"cases": len(updates), "prosecutors": len(touched)},
        )
    return len(updates)


def policy_versions() -> list[AssignmentPolicy]:
    return list(AssignmentPolicy.objects.prefetch_related("articles").order_by("-version")[:20])
