"""Every write of the cases app: registering cases, reassignment, stages, the care checklist.

The assignment policy and the assignment are in `cases.assignment`, the handover in
`cases.handover`; their public names are re-exported here, so that callers keep working. To patch
one in a test, patch it in the module that uses it: patching it here changes nothing for its
callers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases import policies
from qorgau.cases.assignment import (
    _assign,
    _case_requirements,
    _event,
    assign_pending,
    candidates,
    case_holder_genders,
    covered_numbers,
    open_case_counts,
    pick,
    policy_in_force,
    policy_publish,
    policy_versions,
    required_genders,
)
from qorgau.cases.enums import CareItem, CaseEventKind, ProsecutorStatus, Stage, UnassignedReason
from qorgau.cases.errors import CaseActionRefused, CaseInvalid
from qorgau.cases.handover import (
    TickStats,
    handover_confirm,
    handover_tick,
    hires_needed,
    ineligible_holdings,
)
from qorgau.cases.models import (
    CASE_STAGE,
    CareCheck,
    Case,
    Prosecutor,
    Suspect,
    Victim,
    stage_move_goes_back,
)
from qorgau.core.enums import Gender
from qorgau.core.errors import Conflict, NotFound, PermissionRefused
from qorgau.core.models import CriminalArticle, Region, User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import transition
from qorgau.intake.models import Report
from qorgau.linking import identifiers as ids
from qorgau.linking.enums import OwnerType
from qorgau.linking.services import link_owner

__all__ = [
    "CaseActionRefused",
    "CaseInput",
    "CaseInvalid",
    "SuspectInput",
    "TickStats",
    "VictimInput",
    "assign_pending",
    "candidates",
    "care_tick",
    "case_create",
    "case_create_from_report",
    "case_holder_genders",
    "case_move_stage",
    "case_reassign",
    "covered_numbers",
    "handover_confirm",
    "handover_tick",
    "hires_needed",
    "ineligible_holdings",
    "open_case_counts",
    "pick",
    "policy_in_force",
    "policy_publish",
    "policy_versions",
    "required_genders",
    "validate",
]


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
    # or the public id of the report, looked up among those the acting user sees (the API)
    report_id: str = ""


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


def _require_register(acting_user: User | None, region: Region | None) -> None:
    """REGISTER_CASE on the region the case goes to. Another region is refused, not hidden (403):
    regions are public, and the person should be told why."""
    require(acting_user, policies.REGISTER_CASE)
    if region is None:  # no such region: the validation says so
        return
    try:
        require(acting_user, policies.REGISTER_CASE, region)
    except NotFound as outside:
        refused = PermissionRefused(
            str(policies.REGISTER_OWN_REGION_ONLY), policy=policies.REGISTER_CASE.name
        )
        refused.refusal = outside.refusal  # type: ignore[attr-defined]  # audited as refused
        raise refused from outside


def _report_seen_by(user: User | None, public_id: str) -> Report:
    from qorgau.intake.selectors import report_get_for_user

    try:
        # the system (None) sees no report there: a 404 like any other
        return report_get_for_user(user=user, public_id=public_id)
    except Http404 as missing:
        raise CaseInvalid({"report": [_("No such report.")]}) from missing


@service
def case_create(*, acting_user: User | None, data: CaseInput) -> Case:
    """Register a case and assign it at once under the policy in force (or queue it with a reason)."""
    _require_register(
        acting_user, Region.objects.filter(code=(data.region_code or "").strip().upper()).first()
    )
    if data.report is None and data.report_id:
        data = replace(data, report=_report_seen_by(acting_user, data.report_id))
    clean, errors = validate(data)
    if errors:
        raise CaseInvalid(errors, conflict=clean.get("duplicate", False))
    case = Case(
        registry_number=clean["registry_number"],
        region=clean["region"],
        opened_on=clean["opened_on"],
        unassigned_reason=UnassignedReason.RETURNED,
        report=data.report,
        registered_by=acting_user,
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
            owner_type=OwnerType.SUSPECT,
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


@service
def case_create_from_report(
    *, acting_user: User | None, report: Report, registry_number: str, articles: list[str]
) -> Case:
    """The analyst's "turn into a case": the case keeps the report, the report the case's number.
    The case goes to the report's region (or, for a report without one, the user's)."""
    from qorgau.intake import services as intake_services

    require(acting_user, policies.CREATE_CASE_FROM_REPORT, report)
    if report.has_case or report.cases.exists():
        raise CaseActionRefused(
            _("A criminal case is already registered on this report: %(number)s.")
            % {"number": report.case_registry_number or report.cases.first()},
            conflict=True,
        )
    region = report.region or (acting_user.region if acting_user is not None else None)
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
        report=report,
        # the system (None), which CREATE_CASE_FROM_REPORT lets in, records it too
        acting_user=acting_user,
        registry_number=case.registry_number,
    )
    return case


# --- Changing a case ------------------------------------------------------------------------------


@service
def case_reassign(
    *, case: Case, prosecutor: Prosecutor, acting_user: User | None, reason: str
) -> Case:
    """A chief moves a case to another prosecutor of the region who may hold it; audited."""
    require(acting_user, policies.REASSIGN_CASE, case)
    if not (reason or "").strip():
        raise CaseInvalid({"reason": [_("Give a reason.")]})
    if prosecutor.pk == case.prosecutor_id:
        raise CaseInvalid({"prosecutor": [_("This prosecutor already holds the case.")]})
    if prosecutor.user.region_id != case.region_id:
        raise CaseInvalid({"prosecutor": [_("This prosecutor works in another region.")]})
    if prosecutor.status != ProsecutorStatus.ACTIVE or not prosecutor.user.is_active:
        raise CaseInvalid({"prosecutor": [_("This prosecutor is not active.")]})
    _covered, genders = _case_requirements(case, policy_in_force())
    if genders is not None and prosecutor.user.gender not in genders:
        raise CaseInvalid(
            {
                "prosecutor": [
                    _("Under the assignment policy this prosecutor may not hold this case.")
                ]
            }
        )
    previous = case.prosecutor_id
    now = timezone.now()
    # None (the case was unassigned) is a lookup Django reads as IS NULL; the stubs want an int
    updated = Case.objects.filter(pk=case.pk, prosecutor_id=previous).update(  # type: ignore[misc]
        prosecutor=prosecutor,
        unassigned_reason="",
        updated_at=now,
        handover_done_at=now
        if case.handover_deadline and not case.handover_done_at
        else case.handover_done_at,
    )
    if not updated:
        raise Conflict(_("Someone else changed this case meanwhile. Reload the page."))
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


@service
def case_move_stage(
    *, case: Case, stage: str, acting_user: User | None, on: date | None = None, reason: str = ""
) -> Case:
    """Move the case along its stages (`models.CASE_STAGE`); going back needs a reason. Dates
    follow the stage."""
    require(acting_user, policies.MOVE_STAGE, case)
    if stage not in Stage.values:
        raise CaseInvalid({"stage": [_("Unknown stage.")]})
    on = on or timezone.localdate()
    if CASE_STAGE.allows(case.stage, stage):  # a move the table refuses is refused by transition()
        if stage_move_goes_back(case.stage, stage) and not (reason or "").strip():
            raise CaseInvalid({"reason": [_("Moving a case back needs a reason.")]})
        if on > timezone.localdate():
            raise CaseInvalid({"on": [_("This date is in the future.")]})
    updates: dict[str, Any] = {}
    if stage == Stage.IN_COURT:
        updates["sent_to_court_on"] = on
    if stage in (Stage.CONVICTED, Stage.ACQUITTED, Stage.CLOSED):
        updates["verdict_on"] = on
        if case.handover_deadline and not case.handover_done_at:
            updates["handover_done_at"] = timezone.now()
    return transition(
        case,
        to=stage,
        table=CASE_STAGE,
        acting_user=acting_user,
        reason=reason,
        updates=updates,
        region=case.region,
    )


# Ticking an item already ticked changes nothing and writes nothing; the first tick is audited.
@service(audit=False)
def care_tick(*, case: Case, item: str, acting_user: User) -> CareCheck:
    """Tick one item of the victim care checklist: who ticked it and when are kept."""
    require(acting_user, policies.TICK_CARE, case)
    if item not in CareItem.values:
        raise CaseInvalid({"item": [_("Unknown checklist item.")]})
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
