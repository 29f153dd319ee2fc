"""Issue 19, part 5: what falls due in the register raises its alert, once, to the right people."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qorgau.core.alerts import texts
from qorgau.core.enums import Role
from qorgau.core.models import Alert, Notification
from qorgau.offenders import periodic, services
from qorgau.offenders.models import Examination, Facility, RiskAssessment
from qorgau.offenders.services.due import clinical_overdue_alerts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def assert_numbers_only(alert, person):
    assert set(alert.params) == {"register", "due_on"}
    assert alert.params["register"] == person.public_id
    date.fromisoformat(alert.params["due_on"])


@pytest.fixture
def astana_clinician(astana):
    clinician = UserFactory(username="clinician_astana", role=Role.CLINICIAN, region=astana)
    Facility.objects.create(name="Demo Facility No. 2", region=astana).clinicians.add(clinician)
    return clinician


def test_an_overdue_examination_tells_the_facilitys_clinicians_once(
    inmate, clinician, chief, astana_clinician
):
    exam = inmate.examinations.get()
    assert exam.scheduled_for < timezone.localdate()  # admitted 40 days ago, due after 30
    assert clinical_overdue_alerts() == (1, 0)
    assert clinical_overdue_alerts() == (0, 0)  # the tick runs every minute
    periodic.run()
    assert told("examination_overdue") == ["clinician"]
    alert = Alert.objects.get(kind="examination_overdue")
    assert_numbers_only(alert, inmate)
    assert alert.url == f"/staff/offenders/{inmate.public_id}/"
    title, body = texts(alert.kind, alert.params, language="en")
    assert inmate.public_id in title
    assert exam.scheduled_for.strftime("%Y") in body and "%(" not in body
    assert all(texts(alert.kind, alert.params, language=lang)[1] for lang in ("kk", "ru"))


def test_an_examination_not_yet_due_or_recorded_alerts_nobody(inmate, clinician):
    exam = inmate.examinations.get()
    Examination.objects.filter(pk=exam.pk).update(
        scheduled_for=timezone.localdate() + timedelta(days=1)
    )
    assert clinical_overdue_alerts() == (0, 0)
    Examination.objects.filter(pk=exam.pk).update(
        scheduled_for=timezone.localdate() - timedelta(days=1)
    )
    services.examination_record(
        exam=exam,
        acting_user=clinician,
        done_on=timezone.localdate(),
        findings="",
        diagnostic_codes=[],
        recommendations="",
    )
    assert clinical_overdue_alerts() == (0, 0)
    assert not Alert.objects.exists()


def test_a_facility_without_clinicians_has_its_overdue_examinations_told_to_the_chief(
    inmate, facility, clinician, chief, outsider
):
    facility.clinicians.clear()
    clinical_overdue_alerts()
    assert told("examination_overdue") == ["chief"]


def test_an_overdue_reassessment_tells_the_clinicians_unless_a_newer_one_exists(
    inmate, clinician, chief
):
    today = timezone.localdate()
    instrument = services.instrument_get()

    def assess(days_ago, next_due):
        return RiskAssessment.objects.create(
            person=inmate,
            instrument=instrument,
            answers={},
            total=2,
            band="low",
            level="low",
            assessed_on=today - timedelta(days=days_ago),
            next_due=next_due,
            clinician=clinician,
        )

    Examination.objects.filter(person=inmate).delete()
    old = assess(400, today - timedelta(days=35))
    assert clinical_overdue_alerts() == (0, 1)
    assert clinical_overdue_alerts() == (0, 0)
    assert told("reassessment_overdue") == ["clinician"]
    alert = Alert.objects.get(kind="reassessment_overdue")
    assert alert.object_ref == str(old.pk)
    assert_numbers_only(alert, inmate)
    title, body = texts(alert.kind, alert.params, language="en")
    assert inmate.public_id in title and "assessed again" in body
    # a newer assessment not yet due: nothing more
    assess(1, today + timedelta(days=364))
    assert clinical_overdue_alerts() == (0, 0)


def test_a_missed_meeting_names_the_register_number_and_the_date(inmate, clinician, police, almaty):
    from qorgau.offenders.models import Meeting

    plan = services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate() - timedelta(days=1),
        region=almaty,
        officer=police,
    )
    meeting = Meeting.objects.filter(plan=plan).order_by("due_on").first()
    meeting.due_on = timezone.localdate() - timedelta(days=5)
    meeting.save(update_fields=["due_on"])
    services.supervision_tick()
    services.supervision_tick()
    alert = Alert.objects.get(kind="supervision_missed")
    assert told("supervision_missed") == ["police"]  # (no chief in this test)
    title, body = texts(alert.kind, alert.params, language="en")
    assert inmate.public_id in title
    assert str(meeting.due_on.day) in body and str(meeting.due_on.year) in body
