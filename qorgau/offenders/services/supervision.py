"""Supervision after release: plans, meetings, violations and the periodic tick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import Notification, Region, User
from qorgau.core.services import audit_append
from qorgau.offenders.enums import Condition, MeetingStatus, PersonStatus, PlanStatus, RiskLevel
from qorgau.offenders.models import Meeting, Person, SupervisionPlan, Violation
from qorgau.offenders.services.register import _invalid


def meeting_frequency(level: str) -> int:
    return settings.QORGAU_SUPERVISION_DAYS[level]


def current_risk(person: Person) -> str:
    latest = person.risk_assessments.order_by("-assessed_on", "-pk").first()
    return latest.effective_level if latest else RiskLevel.HIGH


@transaction.atomic
def supervision_draft(
    *, person: Person, acting_user: User | None, starts_on: date, officer: User | None = None
) -> SupervisionPlan:
    """The plan drafted 90 days before release: default conditions, frequency from the risk level."""
    existing = person.supervision_plans.exclude(status=PlanStatus.ENDED).first()
    if existing:
        return existing
    level = current_risk(person)
    plan = SupervisionPlan.objects.create(
        person=person,
        officer=officer,
        risk_level=level,
        frequency_days=meeting_frequency(level),
        starts_on=starts_on,
        conditions=[Condition.NO_CONTACT_MINORS, Condition.NO_WORK_CHILDREN, Condition.ADDRESS],
    )
    audit_append(
        actor=acting_user, action="offender.supervision_draft", obj=person, region=person.region
    )
    return plan


@transaction.atomic
def release(
    *, person: Person, acting_user: User, released_on: date, region: Region, officer: User
) -> SupervisionPlan:
    """Release under supervision: the plan starts, meetings are scheduled, the region's police see it."""
    if released_on > timezone.localdate():
        raise _invalid("released_on", _("This date is in the future."))
    if officer.role != Role.POLICE_SUPERVISOR or officer.region_id != region.pk:
        raise _invalid(
            "officer", _("Choose a police supervisor of the region the person lives in.")
        )
    plan = supervision_draft(
        person=person, acting_user=acting_user, starts_on=released_on, officer=officer
    )
    Person.objects.filter(pk=person.pk).update(
        status=PersonStatus.SUPERVISED, released_on=released_on, region=region, facility=None
    )
    SupervisionPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.ACTIVE, officer=officer, starts_on=released_on
    )
    plan.refresh_from_db()
    schedule_meetings(plan=plan)
    audit_append(actor=acting_user, action="offender.release", obj=person, region=region)
    return plan


def schedule_meetings(*, plan: SupervisionPlan, ahead: int = 4) -> int:
    """Keep the next `ahead` meetings on the calendar (idempotent)."""
    if plan.status != PlanStatus.ACTIVE:
        return 0
    last = plan.meetings.order_by("-due_on").first()
    today = timezone.localdate()
    upcoming = plan.meetings.filter(due_on__gte=today).count()
    next_due = (last.due_on if last else plan.starts_on) + timedelta(
        days=plan.frequency_days if last else 0
    )
    made = 0
    while upcoming + made < ahead and (plan.ends_on is None or next_due <= plan.ends_on):
        _meeting, created = Meeting.objects.get_or_create(plan=plan, due_on=next_due)
        made += int(created)
        next_due += timedelta(days=plan.frequency_days)
    return made


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    acting_user: User,
    status: str,
    notes: str = "",
    on: date | None = None,
    reschedule_to: date | None = None,
) -> Meeting:
    """The police supervisor records a meeting: attended, missed, or rescheduled (with the new date)."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise _invalid("on", _("A check-in cannot be recorded in the future."))
    if status not in (MeetingStatus.ATTENDED, MeetingStatus.MISSED, MeetingStatus.RESCHEDULED):
        raise _invalid("status", _("Choose attended, missed or rescheduled."))
    if status == MeetingStatus.RESCHEDULED:
        if reschedule_to is None or reschedule_to <= on:
            raise _invalid("reschedule_to", _("Give the new date, after today."))
        Meeting.objects.get_or_create(plan=meeting.plan, due_on=reschedule_to)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=status,
        recorded_on=on,
        recorded_by=acting_user,
        notes=notes or None,
        updated_at=timezone.now(),
    )
    meeting.refresh_from_db()
    audit_append(
        actor=acting_user,
        action="offender.meeting",
        obj=meeting.plan.person,
        region=meeting.plan.person.region,
        details={"status": status},
    )
    return meeting


@transaction.atomic
def violation_record(
    *,
    plan: SupervisionPlan,
    acting_user: User,
    occurred_on: date,
    description: str,
    follow_up: str = "",
) -> Violation:
    if occurred_on > timezone.localdate():
        raise _invalid("occurred_on", _("This date is in the future."))
    if not description.strip():
        raise _invalid("description", _("Describe the violation."))
    row = Violation.objects.create(
        plan=plan,
        occurred_on=occurred_on,
        description=description.strip(),
        follow_up=follow_up.strip(),
        recorded_by=acting_user,
    )
    audit_append(
        actor=acting_user, action="offender.violation", obj=plan.person, region=plan.person.region
    )
    return row


@transaction.atomic
def supervision_end(
    *, plan: SupervisionPlan, acting_user: User, on: date | None = None
) -> SupervisionPlan:
    on = on or timezone.localdate()
    SupervisionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.ENDED, ends_on=on)
    Person.objects.filter(pk=plan.person_id).update(status=PersonStatus.ENDED)
    plan.meetings.filter(status=MeetingStatus.DUE, due_on__gt=on).delete()
    audit_append(
        actor=acting_user,
        action="offender.supervision_end",
        obj=plan.person,
        region=plan.person.region,
    )
    plan.refresh_from_db()
    return plan


@dataclass
class TickStats:
    drafted: int = 0
    scheduled: int = 0
    alerted: int = 0


def supervision_tick(*, today: date | None = None) -> TickStats:
    """Idempotent: draft plans 90 days before release, keep meetings scheduled, alert on misses."""
    today = today or timezone.localdate()
    stats = TickStats()
    horizon = today + timedelta(days=90)
    releasing = (
        Person.objects.filter(
            status=PersonStatus.IN_CUSTODY,
            convictions__sentence_end__lte=horizon,
            convictions__sentence_end__gte=today,
        )
        .exclude(supervision_plans__status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE])
        .distinct()
    )
    for person in releasing:
        end = person.convictions.order_by("-sentence_end").first().sentence_end
        supervision_draft(person=person, acting_user=None, starts_on=end)
        stats.drafted += 1
    for plan in SupervisionPlan.objects.filter(status=PlanStatus.ACTIVE):
        stats.scheduled += schedule_meetings(plan=plan)
    # a missed meeting, or one two days past due with nothing recorded, alerts the supervisor and chief
    late = today - timedelta(days=2)
    pending = (
        Meeting.objects.filter(alerted_at__isnull=True, plan__status=PlanStatus.ACTIVE)
        .filter(Q(status=MeetingStatus.MISSED) | Q(status=MeetingStatus.DUE, due_on__lt=late))
        .select_related("plan__person", "plan__officer")
    )
    for meeting in pending:
        if Meeting.objects.filter(pk=meeting.pk, alerted_at__isnull=True).update(
            alerted_at=timezone.now()
        ):
            _alert_missed(meeting)
            stats.alerted += 1
    return stats


def _alert_missed(meeting: Meeting) -> None:
    from django.urls import reverse

    person = meeting.plan.person
    url = reverse("offenders:detail", args=[person.public_id])
    users = list(
        User.objects.filter(role=Role.REGIONAL_CHIEF, region_id=person.region_id, is_active=True)
    )
    if meeting.plan.officer_id:
        users.append(meeting.plan.officer)
    for user in users:
        Notification.objects.get_or_create(
            user=user, kind="supervision_missed", object_ref=f"{meeting.pk}", defaults={"url": url}
        )
