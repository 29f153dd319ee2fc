"""Supervision's statuses move through their tables: nothing is recorded or ended twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.core.errors import Conflict
from qorgau.core.models import AuditEntry
from qorgau.offenders import services
from qorgau.offenders.enums import MeetingStatus, PersonStatus, PlanStatus
from qorgau.offenders.models import Meeting, SupervisionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(inmate, clinician, police, almaty):
    return services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )


def test_a_meeting_is_recorded_once(plan, police):
    meeting = plan.meetings.first()
    services.meeting_record(meeting=meeting, acting_user=police, status=MeetingStatus.MISSED)
    before = AuditEntry.objects.count()
    again = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(Conflict, match="cannot go from “Missed” to “Attended”"):
        services.meeting_record(meeting=again, acting_user=police, status=MeetingStatus.ATTENDED)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.MISSED
    assert AuditEntry.objects.count() == before


def test_two_people_recording_the_same_meeting_do_not_both_succeed(plan, police, chief):
    first, second = Meeting.objects.get(pk=plan.meetings.first().pk), plan.meetings.first()
    services.meeting_record(meeting=first, acting_user=police, status=MeetingStatus.ATTENDED)
    with pytest.raises(Conflict, match="Someone else changed this meanwhile"):
        services.meeting_record(meeting=second, acting_user=chief, status=MeetingStatus.MISSED)
    assert Meeting.objects.get(pk=first.pk).recorded_by == police


def test_a_rescheduled_meeting_gets_its_new_date_and_is_audited(plan, police):
    meeting = plan.meetings.first()
    new_date = timezone.localdate() + timedelta(days=3)
    services.meeting_record(
        meeting=meeting,
        acting_user=police,
        status=MeetingStatus.RESCHEDULED,
        reschedule_to=new_date,
    )
    assert plan.meetings.filter(due_on=new_date, status=MeetingStatus.DUE).exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "offender.meeting"
    assert entry.details == {"from": "due", "to": "rescheduled"}


def test_a_supervision_ends_once(plan, police):
    services.supervision_end(plan=plan, acting_user=police)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED and plan.person.status == PersonStatus.ENDED
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="cannot go from “Ended” to “Ended”"):
        services.supervision_end(
            plan=plan, acting_user=police, on=timezone.localdate() + timedelta(days=9)
        )
    assert SupervisionPlan.objects.get(pk=plan.pk).ends_on == timezone.localdate()
    assert AuditEntry.objects.count() == before


def test_a_draft_plan_is_not_ended_as_if_it_had_started(inmate, police):
    services.supervision_tick()
    draft = inmate.supervision_plans.get()
    with pytest.raises(Conflict):
        services.supervision_end(plan=draft, acting_user=police)
    inmate.refresh_from_db()
    assert inmate.status == PersonStatus.IN_CUSTODY
    assert SupervisionPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_release_starts_the_plan_drafted_by_the_tick(inmate, clinician, police, almaty):
    services.supervision_tick()
    draft = inmate.supervision_plans.get()
    plan = services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )
    assert plan.pk == draft.pk and plan.status == PlanStatus.ACTIVE and plan.officer == police
    assert inmate.supervision_plans.count() == 1


def test_someone_released_is_not_released_again(plan, clinician, chief, police, almaty):
    with pytest.raises(Conflict):
        services.release(
            person=plan.person,
            acting_user=chief,
            released_on=timezone.localdate(),
            region=almaty,
            officer=police,
        )
    assert plan.person.supervision_plans.count() == 1


def test_a_second_plan_is_not_drafted_beside_an_open_one(inmate):
    services.supervision_tick()
    with pytest.raises(Conflict, match="already has a supervision plan"):
        services.supervision_draft(person=inmate, acting_user=None, starts_on=timezone.localdate())
    assert inmate.supervision_plans.count() == 1


def test_the_tick_keeps_meetings_ahead_only_where_some_are_missing(plan, settings):
    assert services.supervision_tick().scheduled == 0
    plan.meetings.order_by("-due_on").first().delete()
    assert services.supervision_tick().scheduled == 1
