"""Who may act in the register: refusals write nothing but their audit entry, one rule per action."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.functional import Promise

from qorgau.core import services as core_services
from qorgau.core.errors import NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.offenders import policies, services
from qorgau.offenders.enums import PersonStatus, PlanStatus
from qorgau.offenders.models import Examination, Facility, Meeting, Person, SupervisionPlan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _audit_since(before):
    return [(e.action, e.details) for e in AuditEntry.objects.order_by("seq")[before:]]


@pytest.fixture
def released(inmate, clinician, police, almaty):
    return services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )


def test_a_clinician_ending_a_supervision_plan_is_refused_and_only_the_refusal_is_written(
    released, clinician
):
    before = AuditEntry.objects.count()
    meetings = Meeting.objects.count()
    with pytest.raises(PermissionRefused) as refused:
        services.supervision_end(plan=released, acting_user=clinician)
    assert refused.value.status == 403
    assert str(refused.value) == (
        "Only the region's police supervisors and its chief end a supervision."
    )
    # the message is translated when it is shown, in the language of the person refused
    assert isinstance(policies.END_SUPERVISION.message, Promise)
    released.refresh_from_db()
    assert released.status == PlanStatus.ACTIVE and released.ends_on is None
    assert Person.objects.get(pk=released.person_id).status == PersonStatus.SUPERVISED
    assert Meeting.objects.count() == meetings
    assert _audit_since(before) == [
        ("refused", {"policy": "offenders.end_supervision", "reason": "role"})
    ]
    assert AuditEntry.objects.order_by("-seq").first().actor == clinician


def test_the_police_of_another_region_do_not_find_the_plan_they_would_end(released, astana):
    stranger = UserFactory(username="police.astana", role="police_supervisor", region=astana)
    before = AuditEntry.objects.count()
    with pytest.raises(NotFound):
        services.supervision_end(plan=released, acting_user=stranger)
    assert SupervisionPlan.objects.get(pk=released.pk).status == PlanStatus.ACTIVE
    assert _audit_since(before) == [
        ("refused", {"policy": "offenders.end_supervision", "reason": "scope"})
    ]


def test_a_clinician_records_examinations_only_in_their_own_facilities(
    inmate, other_facility, astana
):
    stranger = UserFactory(username="clinician.astana", role="clinician", region=astana)
    other_facility.clinicians.add(stranger)
    before = AuditEntry.objects.count()
    with pytest.raises(NotFound):
        services.examination_record(
            exam=inmate.examinations.get(),
            acting_user=stranger,
            done_on=timezone.localdate(),
            findings="x",
            diagnostic_codes=[],
            recommendations="",
        )
    assert not Examination.objects.filter(done_on__isnull=False).exists()
    assert _audit_since(before) == [
        ("refused", {"policy": "offenders.record_examination", "reason": "scope"})
    ]


def test_a_police_supervisor_does_not_assess_risk(inmate, police):
    with pytest.raises(PermissionRefused, match="Only a clinician of the person's facility"):
        services.risk_assess(person=inmate, acting_user=police, answers={})
    assert not inmate.risk_assessments.exists()


# --- One policy for the register: the API, the import page and the import ------------------------


def _auth(user):
    _, token = core_services.api_token_create(acting_user=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_regional_chief_does_not_register_people_through_the_api_as_on_the_import_page(
    client, chief
):
    before = AuditEntry.objects.filter(action="refused").count()
    response = client.post(
        "/api/v1/offenders",
        {"full_name": "Synthetic Person", "date_of_birth": "1979-04-05", "region": "KZ-75"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ru",
        **_auth(chief),
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Ваша роль не позволяет добавлять записи реестра."}
    assert Person.objects.count() == 0
    assert AuditEntry.objects.filter(action="refused").count() == before + 1
    client.force_login(chief)
    assert client.get("/staff/offenders/import/").status_code == 403
    with pytest.raises(PermissionRefused):
        services.import_register_csv(acting_user=chief, text="full_name,date_of_birth\n")


def test_a_clinician_registers_in_their_region_only(client, clinician, facility, astana):
    response = client.post(
        "/api/v1/offenders",
        {"full_name": "Synthetic Person", "date_of_birth": "1979-04-05", "region": "KZ-71"},
        content_type="application/json",
        **_auth(clinician),
    )
    assert response.status_code == 404 and Person.objects.count() == 0
    response = client.post(
        "/api/v1/offenders",
        {
            "full_name": "Synthetic Person",
            "date_of_birth": "1979-04-05",
            "facility": "Demo Facility No. 1",
        },
        content_type="application/json",
        **_auth(clinician),
    )
    assert response.status_code == 201 and response.json()["region"] == "KZ-75"


def test_the_api_refuses_the_role_before_it_looks_up_the_facility(client, police, facility):
    response = client.post(
        "/api/v1/offenders",
        {"full_name": "X", "date_of_birth": "1970-01-01", "facility": "Demo Facility No. 1"},
        content_type="application/json",
        **_auth(police),
    )
    assert response.status_code == 403


def test_an_import_by_a_clinician_skips_the_rows_of_other_regions(clinician, facility, astana):
    Facility.objects.create(name="Astana Facility", region=astana)
    text = (
        "full_name,date_of_birth,facility\n"
        "Synthetic One,1981-02-03,Demo Facility No. 1\n"
        "Synthetic Two,1982-02-03,Astana Facility\n"
    )
    result = services.import_register_csv(acting_user=clinician, text=text)
    assert result.imported == 0 and Person.objects.count() == 0
    assert result.errors == [(3, "not a region you register people in: KZ-71")]
    result = services.import_register_csv(acting_user=clinician, text=text, good_rows=True)
    assert result.imported == 1 and Person.objects.get().region.code == "KZ-75"
    assert AuditEntry.objects.filter(action="offender.import", actor=clinician).count() == 1


def test_the_central_office_registers_anywhere_and_the_system_too(central, facility, astana):
    for user in (central, None):
        person = services.person_create(
            acting_user=user,
            data=services.PersonInput(
                full_name="Synthetic Person", date_of_birth=date(1970, 1, 1), region_code="KZ-71"
            ),
        )
        assert person.region == astana


# --- Every role set of the app is in policies.py -------------------------------------------------

APP = Path(__file__).resolve().parents[2] / "qorgau" / "offenders"
TEMPLATES = APP.parent / "templates" / "offenders"
# ("clinician" is also a field name: the other values stand for it)
ROLE_VALUES = ["police_supervisor", "regional_chief", "central_office", "analyst", "admin"]


def test_no_role_is_named_outside_the_policies():
    allowed = {"policies.py", "enums.py", "demo.py"}
    for path in [*APP.rglob("*.py"), *TEMPLATES.glob("*.html")]:
        if path.name in allowed or "migrations" in path.parts:
            continue
        text = path.read_text()
        assert "Role." not in text, path
        assert ".role ==" not in text and ".role in" not in text and ".role !=" not in text, path
        for value in ROLE_VALUES:
            assert f'"{value}"' not in text and f"'{value}'" not in text, (path, value)
