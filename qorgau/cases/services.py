"""Every write of the cases app: registering cases, the assignment policy, handover, reassignment."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases.enums import (
    OPEN_STAGES,
    STAGE_ORDER,
    CareItem,
    CaseEventKind,
    ProsecutorStatus,
    Stage,
    UnassignedReason,
)
from qorgau.cases.models import (
    AssignmentPolicy,
    CareCheck,
    Case,
    CaseEvent,
    Prosecutor,
    Suspect,
    Victim,
)
from qorgau.core.bulk import update_from_values
from qorgau.core.enums import Gender, Role
from qorgau.core.models import CriminalArticle, Notification, Region, User
from qorgau.core.services import audit_append
from qorgau.intake.models import Report
from qorgau.linking import identifiers as ids
from qorgau.linking.services import link_owner

SUSPECT_OWNER = "cases.suspect"


class CaseInvalid(Exception):
    """Bad input, by field; `conflict` when the registry number is already taken."""

    def __init__(self, errors: dict[str, list[str]], *, conflict: bool = False):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
        self.conflict = conflict


class CaseActionRefused(Exception):
    pass


@dataclass
class VictimInput:
    age: int | None = None
    gender: str = ""
    preferred_prosecutor_gender: str = ""
    identity: dict[str, Any] | None = None


@dataclass
class SuspectInput:
    name: str = ""
    identifiers: list[dict[str, str]] = field(default_factory=list)


@dataclass
class CaseInput:
    registry_number: str
    articles: list[str]
    region_code: str
    victims: list[VictimInput] = field(default_factory=list)
    suspects: list[SuspectInput] = field(default_factory=list)
    opened_on: date | None = None
    report: Report | None = None


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


@transaction.atomic
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
    if acting_user is not None and acting_user.role != Role.CENTRAL_OFFICE:
        raise CaseActionRefused(_("Only the central office sets the assignment policy."))
    found = list(CriminalArticle.objects.filter(number__in=articles))
    unknown = sorted(set(articles) - {a.number for a in found})
    if unknown:
        raise CaseActionRefused(
            _("Unknown articles: %(articles)s.") % {"articles": ", ".join(unknown)}
        )
    if not eligible_genders or not set(eligible_genders) <= set(Gender.values):
        raise CaseActionRefused(_("Choose who is eligible: female and/or male prosecutors."))
    if not 1 <= handover_days <= 90:
        raise CaseActionRefused(_("The handover period is from 1 to 90 days."))
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
        return True, list(policy.eligible_genders)
    return False, None


def _case_requirements(
    case: Case, policy: AssignmentPolicy | None
) -> tuple[bool, list[str] | None]:
    numbers = {a.number for a in case.articles.all()}
    preferences = [v.preferred_prosecutor_gender for v in case.victims.all()]
    return required_genders(article_numbers=numbers, victim_preferences=preferences, policy=policy)


# --- Picking the prosecutor -----------------------------------------------------------------------


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


# --- Registering a case ---------------------------------------------------------------------------


def validate(data: CaseInput) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    number = "".join((data.registry_number or "").split())
    if not number.isdigit() or not 6 <= len(number) <= 32:
        errors["registry_number"] = [_("The registry number is a string of 6 to 32 digits.")]
    elif Case.objects.filter(registry_number=number).exists():
        errors["registry_number"] = [_("A case with this registry number already exists.")]
        clean["duplicate"] = True
    clean["registry_number"] = number
    wanted = [a.strip() for a in data.articles if a and a.strip()]
    articles = list(CriminalArticle.objects.filter(number__in=wanted))
    unknown = sorted(set(wanted) - {a.number for a in articles})
    if not wanted:
        errors["articles"] = [_("Give at least one article of the Criminal Code.")]
    elif unknown:
        errors["articles"] = [
            _("Unknown articles: %(articles)s.") % {"articles": ", ".join(unknown)}
        ]
    clean["articles"] = articles
    region = Region.objects.filter(code=(data.region_code or "").strip().upper()).first()
    if region is None:
        errors["region"] = [
            _("There is no region with the code “%(code)s”.")
            % {"code": (data.region_code or "")[:20]}
        ]
    clean["region"] = region
    for index, victim in enumerate(data.victims):
        if victim.age is not None and not 0 <= victim.age <= 17:
            errors[f"victims.{index}.age"] = [_("A child's age is from 0 to 17.")]
        for key in ("gender", "preferred_prosecutor_gender"):
            if getattr(victim, key) and getattr(victim, key) not in Gender.values:
                errors[f"victims.{index}.{key}"] = [_("Choose f or m.")]
    if data.opened_on and data.opened_on > timezone.localdate():
        errors["opened_on"] = [_("This date is in the future.")]
    clean["opened_on"] = data.opened_on or timezone.localdate()
    return clean, errors


@transaction.atomic
def case_create(*, acting_user: User | None, data: CaseInput) -> Case:
    """Register a case and assign it at once under the policy in force (or queue it with a reason)."""
    clean, errors = validate(data)
    if errors:
        raise CaseInvalid(errors, conflict=clean.get("duplicate", False))
    case = Case(
        registry_number=clean["registry_number"],
        region=clean["region"],
        opened_on=clean["opened_on"],
        unassigned_reason=UnassignedReason.RETURNED,
        report=data.report,
    )
    try:
        with transaction.atomic():
            case.save(force_insert=True)
    except IntegrityError as exc:
        raise CaseInvalid(
            {"registry_number": [_("A case with this registry number already exists.")]},
            conflict=True,
        ) from exc
    case.articles.set(clean["articles"])
    Victim.objects.bulk_create(
        [
            Victim(
                case=case,
                age=v.age,
                gender=v.gender or "",
                preferred_prosecutor_gender=v.preferred_prosecutor_gender or "",
                identity=v.identity,
            )
            for v in data.victims
        ]
    )
    for suspect in data.suspects:
        row = Suspect.objects.create(
            case=case, name=suspect.name or None, identifiers=suspect.identifiers or None
        )
        found = [
            ids.normalise(i.get("kind", "other"), i.get("value", "")) for i in suspect.identifiers
        ]
        link_owner(
            owner_type=SUSPECT_OWNER,
            owner_id=row.pk,
            found=found,
            region=case.region,
            names=[suspect.name] if suspect.name else [],
        )
    _event(case, CaseEventKind.CREATED, actor=acting_user)
    audit_append(
        actor=acting_user,
        action="case.create",
        obj=case,
        region=case.region,
        details={
            "articles": sorted(a.number for a in clean["articles"]),
            "report": data.report.public_id if data.report else None,
        },
    )
    return _assign(case, acting_user=acting_user, policy=policy_in_force())


@transaction.atomic
def case_create_from_report(
    *, acting_user: User, report: Report, registry_number: str, articles: list[str]
) -> Case:
    """The analyst's "turn into a case": the case keeps the report, the report the case's number."""
    from qorgau.intake import services as intake_services

    region = report.region or acting_user.region
    victims = (
        [VictimInput(age=report.child_age, gender=report.child_gender or "")]
        if report.child_age is not None or report.child_gender
        else []
    )
    suspect = report.suspect or {}
    suspects = (
        [SuspectInput(name=suspect.get("name", ""), identifiers=suspect.get("identifiers", []))]
        if suspect
        else []
    )
    case = case_create(
        acting_user=acting_user,
        data=CaseInput(
            registry_number=registry_number,
            articles=articles,
            region_code=region.code if region else "",
            victims=victims,
            suspects=suspects,
            report=report,
        ),
    )
    intake_services.report_record_case(
        report=report, acting_user=acting_user, registry_number=case.registry_number
    )
    return case


# --- Changing a case ------------------------------------------------------------------------------


@transaction.atomic
def case_reassign(
    *, case: Case, prosecutor: Prosecutor, acting_user: User | None, reason: str
) -> Case:
    """A chief moves a case to another prosecutor of the region who may hold it; audited."""
    if not (reason or "").strip():
        raise CaseActionRefused(_("Give a reason."))
    if prosecutor.user.region_id != case.region_id:
        raise CaseActionRefused(_("This prosecutor works in another region."))
    if prosecutor.status != ProsecutorStatus.ACTIVE or not prosecutor.user.is_active:
        raise CaseActionRefused(_("This prosecutor is not active."))
    _covered, genders = _case_requirements(case, policy_in_force())
    if genders is not None and prosecutor.user.gender not in genders:
        raise CaseActionRefused(
            _("Under the assignment policy this prosecutor may not hold this case.")
        )
    previous = case.prosecutor_id
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, prosecutor_id=previous).update(
        prosecutor=prosecutor,
        unassigned_reason="",
        updated_at=now,
        handover_done_at=now
        if case.handover_deadline and not case.handover_done_at
        else case.handover_done_at,
    )
    if not updated:
        raise CaseActionRefused(_("Someone else changed this case meanwhile. Reload the page."))
    case.refresh_from_db()
    Prosecutor.objects.filter(pk=prosecutor.pk).update(last_assigned_at=now)
    _event(
        case,
        CaseEventKind.REASSIGNED,
        actor=acting_user,
        prosecutor=prosecutor.pk,
        previous=previous,
    )
    audit_append(
        actor=acting_user,
        action="case.reassign",
        obj=case,
        region=case.region,
        details={"from": previous, "to": prosecutor.pk, "reason": True},
    )
    return case


@transaction.atomic
def case_move_stage(
    *, case: Case, stage: str, acting_user: User | None, on: date | None = None, reason: str = ""
) -> Case:
    """Move the case along; going back needs a reason. Dates follow the stage."""
    if stage not in Stage.values:
        raise CaseActionRefused(_("Unknown stage."))
    if stage == case.stage:
        return case
    backwards = STAGE_ORDER.index(stage) < STAGE_ORDER.index(case.stage) or (
        case.stage not in OPEN_STAGES and stage in OPEN_STAGES
    )
    if backwards and not (reason or "").strip():
        raise CaseActionRefused(_("Moving a case back needs a reason."))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise CaseActionRefused(_("This date is in the future."))
    changes: dict[str, Any] = {"stage": stage, "updated_at": timezone.now()}
    if stage == Stage.IN_COURT:
        changes["sent_to_court_on"] = on
    if stage in (Stage.CONVICTED, Stage.ACQUITTED, Stage.CLOSED):
        changes["verdict_on"] = on
        if case.handover_deadline and not case.handover_done_at:
            changes["handover_done_at"] = timezone.now()
    old = case.stage
    if not Case.objects.filter(pk=case.pk, stage=old).update(**changes):
        raise CaseActionRefused(_("Someone else changed this case meanwhile. Reload the page."))
    case.refresh_from_db()
    _event(case, CaseEventKind.STAGE, actor=acting_user, **{"from": old, "to": stage})
    audit_append(
        actor=acting_user,
        action="case.stage",
        obj=case,
        region=case.region,
        details={"from": old, "to": stage},
    )
    return case


@transaction.atomic
def care_tick(*, case: Case, item: str, acting_user: User) -> CareCheck:
    if item not in CareItem.values:
        raise CaseActionRefused(_("Unknown checklist item."))
    if not case.victims.exists():
        raise CaseActionRefused(_("The checklist is for cases with a child victim."))
    check, created = CareCheck.objects.get_or_create(
        case=case, item=item, defaults={"done_by": acting_user, "done_at": timezone.now()}
    )
    if created:
        _event(case, CaseEventKind.CARE, actor=acting_user, item=item)
        audit_append(
            actor=acting_user,
            action="case.care",
            obj=case,
            region=case.region,
            details={"item": item},
        )
    return check


# --- Batch assignment and the handover (tick) -----------------------------------------------------


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

    url = reverse("cases:handover")
    for chief in User.objects.filter(role=Role.REGIONAL_CHIEF, region_id=region_id, is_active=True):
        Notification.objects.get_or_create(
            user=chief, kind="handover_overdue", object_ref=f"{day:%Y-%m-%d}", defaults={"url": url}
        )


@transaction.atomic
def handover_confirm(*, case: Case, acting_user: User) -> Case:
    """The chief confirms the proposed reassignment of an overdue handover with one click."""
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


def policy_versions() -> list[AssignmentPolicy]:
    return list(AssignmentPolicy.objects.prefetch_related("articles").order_by("-version")[:20])
