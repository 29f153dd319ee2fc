"""Issue 19, part 4: a report that links to someone already known alerts whoever keeps him.

End to end: the Red Button form (or the submit service) with the offender's phone written the way a
person writes it, the alert in the app of the right people, its text naming what linked (a kind and
two digits), and the e-mails holding neither the phone nor a name."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from qorgau.core.alerts import kind_of, texts
from qorgau.core.enums import Role
from qorgau.core.models import Alert, Notification
from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from qorgau.offenders import services as offenders
from qorgau.offenders.models import Facility
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "Жақып Ерғали"
PHONE_ON_REGISTER = "8 701 123 45 67"
LINKED_KINDS = {"linked_supervised", "linked_inmate", "linked_suspect"}


def form_data(**overrides):
    data = {
        "category": "grooming",
        "relation": "child",
        "narrative": "He writes to my daughter every evening.",
        "child_age": "12",
        "child_gender": "f",
        "region": "KZ-75",
        "contact": "anonymous",
        "submission": "form-key-linked",
    }
    data.update(overrides)
    return data


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def facility(almaty, clinician):
    row = Facility.objects.create(name="Demo Facility No. 1", region=almaty)
    row.clinicians.add(clinician)
    return row


def register_person(facility, phone=PHONE_ON_REGISTER):
    return offenders.person_create(
        acting_user=None,
        data=offenders.PersonInput(
            full_name=NAME,
            full_name_latin="Zhakip Yergali",
            date_of_birth=date(1980, 5, 17),
            identifiers=[{"kind": "phone", "value": phone}],
            facility=facility,
            admitted_on=timezone.localdate() - timedelta(days=400),
        ),
    )


@pytest.fixture
def supervised(facility, clinician, police, almaty):
    person = register_person(facility)
    offenders.release(
        person=person,
        acting_user=clinician,
        released_on=timezone.localdate() - timedelta(days=3),
        region=almaty,
        officer=police,
    )
    person.refresh_from_db()
    return person


@pytest.fixture
def elsewhere(astana):
    return {
        "chief": UserFactory(username="chief_astana", role=Role.REGIONAL_CHIEF, region=astana),
        "police": UserFactory(username="police_astana", role=Role.POLICE_SUPERVISOR, region=astana),
    }


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.mark.parametrize(
    "where",
    [
        {"narrative": "He writes to my daughter from +7 701 123 45 67 every evening."},
        {"suspect_phone": "87011234567"},
    ],
    ids=["phone-in-the-narrative", "phone-in-the-suspect-field"],
)
def test_a_report_naming_a_supervised_offenders_phone_alerts_his_supervisor_and_the_chief(
    client,
    supervised,
    police,
    chief,
    clinician,
    analyst,
    elsewhere,
    where,
    django_capture_on_commit_callbacks,
):
    with_email(police, "police@example.invalid")
    with_email(chief, "chief@example.invalid")
    with_email(elsewhere["chief"], "chief-astana@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/?lang=en", form_data(**where))
    assert response.status_code == 201
    report = Report.objects.get()
    assert told("linked_supervised") == {"police", "chief"}  # nobody else, no other region
    alert = Alert.objects.get(kind="linked_supervised")
    assert alert.params == {
        "report": report.public_id,
        "register": supervised.public_id,
        "via": "phone:67",
    }
    assert alert.escalate_at is not None  # unacknowledged, it climbs
    title, body = texts(alert.kind, alert.params, language="en")
    assert report.public_id in title and supervised.public_id in title
    assert "a phone number ending in 67" in body
    for language in ("kk", "ru"):
        assert all(texts(alert.kind, alert.params, language=language))
    linked_mail = [m for m in mail.outbox if supervised.public_id in m.subject]
    assert sorted(m.to[0] for m in linked_mail) == [
        "chief@example.invalid",
        "police@example.invalid",
    ]
    for message in linked_mail:
        assert "ending in 67" in message.body
        digits = "".join(c for c in message.body if c.isdigit())
        assert "7011234567" not in digits and "1234567" not in message.body.replace(" ", "")
        assert NAME not in message.body and "Yergali" not in message.body
        assert "daughter" not in message.body
    assert kind_of(alert.kind).urgent  # by SMS too, to those with a mobile number


def test_a_report_naming_an_inmates_phone_informs_the_clinicians_of_his_facility(
    facility, clinician, chief, police, django_capture_on_commit_callbacks
):
    person = register_person(facility, phone="+7 (702) 555 00 11")
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.report_submit(
            draft=services.ReportDraft(
                category="grooming",
                narrative="Он звонил ей с номера 8 702 555 00 11, говорил, что он из колонии.",
                region_code="KZ-75",
            ),
            submitter=services.Submitter(source=Source.WEB),
        )
    assert told("linked_inmate") == {"clinician"}
    alert = Alert.objects.get(kind="linked_inmate")
    assert alert.params["register"] == person.public_id
    assert alert.params["report"] == submission.report.public_id
    assert "ending in 11" in texts(alert.kind, alert.params, language="en")[1]
    assert not told("linked_supervised")


def test_a_report_naming_a_suspect_of_an_open_case_tells_its_prosecutor(
    make_prosecutor_here, analyst
):
    from qorgau.cases import services as cases

    holder = make_prosecutor_here()
    case = cases.case_create(
        acting_user=None,
        data=cases.CaseInput(
            registry_number="267500010009",
            articles=["120"],
            region_code="KZ-75",
            victims=[cases.VictimInput(age=12, gender="f")],
            suspects=[cases.SuspectInput(identifiers=[{"kind": "telegram", "value": "@uncle_x"}])],
        ),
    )
    assert case.prosecutor_id == holder.pk
    services.report_submit(
        draft=services.ReportDraft(
            category="grooming", narrative="Он пишет в телеграме t.me/Uncle_X", region_code="KZ-75"
        ),
        submitter=services.Submitter(source=Source.WEB),
    )
    assert told("linked_suspect") == {holder.user.username}
    alert = Alert.objects.get(kind="linked_suspect")
    assert alert.params["case"] == "267500010009" and alert.params["via"] == "telegram"
    title, body = texts(alert.kind, alert.params, language="en")
    assert "267500010009" in title and "a Telegram account" in body


def test_a_report_linking_to_nobody_known_raises_no_linked_alert(supervised, police, chief):
    services.report_submit(
        draft=services.ReportDraft(
            category="grooming", narrative="Пишет с номера 8 705 000 11 22", region_code="KZ-75"
        ),
        submitter=services.Submitter(source=Source.WEB),
    )
    assert not Alert.objects.filter(kind__in=LINKED_KINDS).exists()


def test_a_person_whose_supervision_ended_alerts_nobody(supervised, police, chief):
    from qorgau.offenders.enums import PersonStatus
    from qorgau.offenders.models import Person

    Person.objects.filter(pk=supervised.pk).update(status=PersonStatus.ENDED)
    services.report_submit(
        draft=services.ReportDraft(
            category="grooming", narrative="Пишет с номера 8 701 123 45 67", region_code="KZ-75"
        ),
        submitter=services.Submitter(source=Source.WEB),
    )
    assert not Alert.objects.filter(kind__in=LINKED_KINDS).exists()


def test_an_analysts_confirmed_link_alerts_and_says_so(supervised, police, chief, analyst):
    from qorgau.linking.selectors import subject_for_owner

    def submit(narrative, **extra):
        return services.report_submit(
            draft=services.ReportDraft(
                category="grooming", narrative=narrative, region_code="KZ-75", **extra
            ),
            submitter=services.Submitter(source=Source.WEB),
        ).report

    earlier = submit("Пишет с номера 8 701 123 45 67")
    report = submit("Его зовут Жақып, номера не знаю.", suspect_name=NAME)
    ref = f"{report.public_id}:{supervised.pk}"
    assert not Alert.objects.filter(object_ref=ref).exists()  # a name alone links nobody
    subject = subject_for_owner(owner_type="intake.report", owner_id=earlier.pk)
    services.report_link_subject(
        report=report, acting_user=analyst, subject_public_id=subject.public_id, reason="Same name"
    )
    alert = Alert.objects.get(kind="linked_supervised", object_ref=ref)
    assert set(alert.notifications.values_list("user__username", flat=True)) == {"police", "chief"}
    assert alert.params["via"] == "confirmed"
    assert "an analyst confirmed" in texts(alert.kind, alert.params, language="en")[1]
    # confirming again tells nobody twice
    services.report_link_subject(
        report=report, acting_user=analyst, subject_public_id=subject.public_id, reason="Again"
    )
    assert Notification.objects.filter(object_ref=ref).count() == 2


@pytest.fixture
def make_prosecutor_here(reference_data):
    from qorgau.cases.models import Prosecutor
    from tests.factories import region

    def make(gender="f"):
        user = UserFactory(role=Role.PROSECUTOR, gender=gender, region=region("KZ-75"))
        return Prosecutor.objects.create(user=user, capacity=20)

    return make


def test_a_report_whose_subject_holds_only_reports_pays_no_query_for_linked_alerts(reference_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def submit():
        return services.report_submit(
            draft=services.ReportDraft(
                category="grooming", narrative="Пишет с номера 8 705 000 11 22", region_code="KZ-75"
            ),
            submitter=services.Submitter(source=Source.WEB),
        )

    submit()
    with CaptureQueriesContext(connection) as queries:
        submit()  # links to the first report, nothing else
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "offenders_" not in sql and "cases_" not in sql and "core_alert" not in sql


def test_a_register_entry_made_after_the_report_alerts_as_well(facility, clinician, chief):
    report = services.report_submit(
        draft=services.ReportDraft(
            category="grooming", narrative="Пишет с номера 8 707 111 22 33", region_code="KZ-75"
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).report
    assert not Alert.objects.filter(kind__in=LINKED_KINDS).exists()
    person = register_person(facility, phone="+7 707 111 22 33")
    alert = Alert.objects.get(kind="linked_inmate")
    assert alert.params == {
        "report": report.public_id,
        "register": person.public_id,
        "via": "phone:33",
    }
    assert told("linked_inmate") == {"clinician"}
