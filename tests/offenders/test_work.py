""" "My work now" of a police supervisor, a clinician and a chief: supervision meetings,
examinations and risk reassessments due, each list the page filtered to exactly it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.core import work
from qorgau.core.enums import Role
from qorgau.offenders import services
from qorgau.offenders.models import Examination, Meeting, RiskAssessment, RiskInstrument
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def section(response, code):
    return next((s for s in response.context["sections"] if s.code == code), None)


def lists_to(response, code, path):
    found = section(response, code)
    return [listed for listed in (found.lists if found else []) if listed.url.startswith(path)]


@pytest.fixture
def plan(inmate, clinician, police, almaty):
    return services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )


def test_a_police_supervisor_sees_the_meetings_of_their_plans(client, plan, police, almaty):
    today = timezone.localdate()
    Meeting.objects.filter(plan=plan).delete()
    missed = Meeting.objects.create(plan=plan, due_on=today - timedelta(days=2))
    Meeting.objects.create(plan=plan, due_on=today)
    Meeting.objects.create(plan=plan, due_on=today + timedelta(days=3))
    Meeting.objects.create(plan=plan, due_on=today + timedelta(days=30))  # later
    Meeting.objects.create(plan=plan, due_on=today - timedelta(days=9), status="attended")
    colleague = UserFactory(role=Role.POLICE_SUPERVISOR, region=almaty)
    client.force_login(police)
    response = client.get("/staff/")
    for code in work.DUE_WINDOWS:
        (meetings,) = lists_to(response, code, "/staff/supervision/")
        assert meetings.count == 1
        listed = client.get(meetings.url).context["meetings"]
        assert len(listed) == meetings.count
        assert all(work.section_of(item.due) == code for item in meetings.items)
    (overdue,) = lists_to(response, work.OVERDUE, "/staff/supervision/")
    assert overdue.items[0].due == missed.due_on
    assert plan.person.public_id in response.content.decode()
    # another officer's plans are not on his page
    client.force_login(colleague)
    assert lists_to(client.get("/staff/"), work.OVERDUE, "/staff/supervision/") == []


def test_a_chief_sees_the_regions_meetings(client, plan, chief):
    Meeting.objects.filter(plan=plan).delete()
    Meeting.objects.create(plan=plan, due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(chief)
    (meetings,) = lists_to(client.get("/staff/"), work.OVERDUE, "/staff/supervision/")
    assert meetings.count == len(client.get(meetings.url).context["meetings"]) == 1


def test_a_clinician_sees_the_examinations_and_reassessments_due(client, inmate, clinician):
    today = timezone.localdate()
    Examination.objects.filter(person=inmate).update(scheduled_for=today - timedelta(days=1))
    instrument = RiskInstrument.objects.first()
    old = RiskAssessment.objects.create(
        person=inmate,
        instrument=instrument,
        answers={},
        total=1,
        band="low",
        level="low",
        assessed_on=today - timedelta(days=400),
        next_due=today + timedelta(days=2),
        clinician=clinician,
    )
    client.force_login(clinician)
    response = client.get("/staff/")
    (exams,) = lists_to(response, work.OVERDUE, "/staff/offenders/")
    assert "examination=overdue" in exams.url
    assert [i.url for i in exams.items] == [f"/staff/offenders/{inmate.public_id}/"]
    assert client.get(exams.url).context["page"].paginator.count == exams.count == 1
    (reassess,) = lists_to(response, work.WEEK, "/staff/offenders/")
    assert "reassessment=week" in reassess.url and reassess.items[0].due == old.next_due
    assert client.get(reassess.url).context["page"].paginator.count == reassess.count == 1
    # a newer assessment of the same instrument replaces the one that was due
    RiskAssessment.objects.create(
        person=inmate,
        instrument=instrument,
        answers={},
        total=1,
        band="low",
        level="low",
        assessed_on=today,
        next_due=today + timedelta(days=365),
        clinician=clinician,
    )
    assert lists_to(client.get("/staff/"), work.WEEK, "/staff/offenders/") == []
