"""Supervision after release: plans, meetings, violations and the periodic tick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.alerts import raise_alert
from qorgau.core.errors import Conflict
from qorgau.core.models import Region, User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import transition
from qorgau.offenders import policies
from qorgau.offenders.alerts import MISSED_MEETING_KIND
from qorgau.offenders.enums import Condition, MeetingStatus, PersonStatus, PlanStatus, RiskLevel
from qorgau.offenders.models import (
    MEETING_STATUS,
    PERSON_STATUS,
    SUPERVISION_STATUS,
    Meeting,
    Person,
    SupervisionPlan,
    Violation,
)
from qorgau.offenders.services.register import _invalid


def meeting_frequency(level: str) -> int:
    return settings.QORGAU_SUPERVISION_DAYS[level]


def current_risk(person: Person) -> str:
    latest = person.risk_assessments.order_by("-assessed_on", "-pk").first()
    return latest.effective_level if latest else RiskLevel.HIGH


def _open_plan(person: Person) -> SupervisionPlan | None:
    return person.supervision_plans.exclude(status=PlanStatus.ENDED).first()


def _draft(
    person: Person, acting_user: User | None, starts_on: date, officer: User | None
) -> SupervisionPlan:
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


@service
def supervision_draft(
    *, person: Person, acting_user: User | None, starts_on: date, officer: User | None = None
) -> SupervisionPlan:
    """The plan drafted 90 days before release: default conditions, frequency from the risk level.
    A person has one open plan: drafting another is a conflict."""
    require(acting_user, policies.DRAFT_SUPERVISION, person)
    if _open_plan(person) is not None:
        raise Conflict(_("This person already has a supervision plan."))
    return _draft(person, acting_user, starts_on, officer)


@service
def release(
    *, person: Person, acting_user: User | None, released_on: date, region: Region, officer: User
) -> SupervisionPlan:
    """Release under supervision: the plan starts, meetings are scheduled, the region's police see it."""
    require(acting_user, policies.RELEASE, person)
    if released_on > timezone.localdate():
        raise _invalid("released_on", _("This date is in the future."))
    if not policies.supervises_in(officer, region):
        raise _invalid(
            "officer", _("Choose a police supervisor of the region the person lives in.")
        )
    # in custody → supervised; refused (nothing written) for anyone not in custody
    transition(
        person,
        to=PersonStatus.SUPERVISED,
        table=PERSON_STATUS,
        acting_user=acting_user,
        updates={"released_on": released_on, "region": region, "facility": None},
    )
    plan = _open_plan(person) or _draft(person, acting_user, released_on, officer)
    transition(
        plan,
        to=PlanStatus.ACTIVE,
        table=SUPERVISION_STATUS,
        acting_user=acting_user,
        updates={"officer": officer, "starts_on": released_on},
        region=region,
    )
    _schedule(plan)
    return plan


MEETINGS_AHEAD = 4


def _schedule(plan: SupervisionPlan, ahead: int = MEETINGS_AHEAD) -> int:
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


# audit=False: the tick's bookkeeping; the meetings ahead follow from the plan, whose start is audited
@service(audit=False)
def schedule_meetings(
    *, plan: SupervisionPlan, acting_user: User | None = None, ahead: int = MEETINGS_AHEAD
) -> int:
    """Keep the next `ahead` meetings on the calendar (idempotent)."""
    require(acting_user, policies.SCHEDULE_MEETINGS, plan)
    return _schedule(plan, ahead)


@service
def meeting_record(
    *,
    meeting: Meeting,
    acting_user: User | None,
    status: str,
    notes: str = "",
    on: date | None = None,
    reschedule_to: date | None = None,
) -> Meeting:
    """The police supervisor records a meeting, once: attended, missed, or rescheduled (with the
    new date, which is a meeting of its own)."""
    require(acting_user, policies.RECORD_MEETING, meeting)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise _invalid("on", _("A check-in cannot be recorded in the future."))
    if status not in (MeetingStatus.ATTENDED, MeetingStatus.MISSED, MeetingStatus.RESCHEDULED):
        raise _invalid("status", _("Choose attended, missed or rescheduled."))
    if status == MeetingStatus.RESCHEDULED and (reschedule_to is None or reschedule_to <= on):
        raise _invalid("reschedule_to", _("Give the new date, after today."))
    transition(
        meeting,
        to=status,
        table=MEETING_STATUS,
        acting_user=acting_user,
        updates={"recorded_on": on, "recorded_by": acting_user, "notes": notes or None},
    )
    if status == MeetingStatus.RESCHEDULED:
        Meeting.objects.get_or_create(plan=meeting.plan, due_on=reschedule_to)
    return meeting


@service
def violation_record(
    *,
    plan: SupervisionPlan,
    acting_user: User,
    occurred_on: date,
    description: str,
    follow_up: str = "",
) -> Violation:
    """A breach of the plan's conditions, with what was done about it."""
    require(acting_user, policies.RECORD_VIOLATION, plan)
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


@service
def supervision_end(
    *, plan: SupervisionPlan, acting_user: User | None, on: date | None = None
) -> SupervisionPlan:
    """End an active supervision: the person's supervision ends with it, the meetings due after the
    day are taken off the calendar."""
    require(acting_user, policies.END_SUPERVISION, plan)
    on = on or timezone.localdate()
    transition(
        plan,
        to=PlanStatus.ENDED,
        table=SUPERVISION_STATUS,
        acting_user=acting_user,
        updates={"ends_on": on},
    )
    transition(plan.person, to=PersonStatus.ENDED, table=PERSON_STATUS, acting_user=acting_user)
    plan.meetings.filter(status=MeetingStatus.DUE, due_on__gt=on).delete()
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
        latest = person.convictions.order_by("-sentence_end").first()
        assert latest is not None  # chosen above for a conviction that ends within 90 days
        end = latest.sentence_end
        try:
            supervision_draft(person=person, acting_user=None, starts_on=end)
        except Conflict:  # another worker drafted it meanwhile
            continue
        stats.drafted += 1
    # only the plans short of meetings ahead: one transaction each, not one per plan and minute
    short = (
        SupervisionPlan.objects.filter(status=PlanStatus.ACTIVE)
        .annotate(upcoming=Count("meetings", filter=Q(meetings__due_on__gte=today)))
        .filter(upcoming__lt=MEETINGS_AHEAD)
    )
    for plan in short:
        stats.scheduled += schedule_meetings(plan=plan)
    # a missed meeting, or one two days past due with nothing recorded, alerts the supervisor and chief
    late = today - timedelta(days=2)
    pending = (
        Meeting.objects.filter(alerted_at__isnull=True, plan__status=PlanStatus.ACTIVE)
        .filter(Q(status=MeetingStatus.MISSED) | Q(status=MeetingStatus.DUE, due_on__lt=late))
        .select_related("plan__person", "plan__officer")
    )
    for meeting in pending:
        stats.alerted += int(missed_meeting_alert(meeting=meeting))
    return stats


# audit=False: the tick's bookkeeping, a notification and the mark that it went out; the meeting's
# result is audited where it is recorded
@service(audit=False)
def missed_meeting_alert(*, meeting: Meeting, acting_user: User | None = None) -> bool:
    """Tell the plan's officer and the region's chief of a missed meeting, once (claimed by a
    conditional update, so that two workers do not both send it)."""
    from django.urls import reverse

    require(acting_user, policies.ALERT_MISSED_MEETING, meeting)
    if not Meeting.objects.filter(pk=meeting.pk, alerted_at__isnull=True).update(
        alerted_at=timezone.now()
    ):
        return False
    person = meeting.plan.person
    users: list[User | int] = list(
        User.objects.filter(policies.missed_meeting_alerted(person.region_id))
    )
    if meeting.plan.officer_id:
        users.append(meeting.plan.officer_id)
    raise_alert(
        kind=MISSED_MEETING_KIND,
        object_ref=f"{meeting.pk}",
        recipients=users,
        url=reverse("offenders:detail", args=[person.public_id]),
        params={"register": person.public_id, "due_on": meeting.due_on.isoformat()},
        region=person.region_id,
    )
    return True
