"""The prevention pages, by role: coverage, schools, the cascade, rounds and partners."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qorgau.cases import services as cases_services
from qorgau.core.models import AuditEntry
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from qorgau.prevention import services
from qorgau.prevention.models import (
    PartnerReferral,
    SafeguardingRound,
    School,
    Teacher,
    TrainingSession,
)
from tests.prevention.conftest import done_round

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/staff/prevention/",
    "/staff/prevention/cascade/",
    "/staff/prevention/schools/",
    "/staff/prevention/teachers/",
    "/staff/prevention/trainings/",
    "/staff/prevention/rounds/",
]


@pytest.fixture
def programme(make_school, make_teacher, certify):
    school = make_school(pupils=600)
    master = make_teacher(school=school, master=True, name="Demo Master Aigerim")
    teacher = make_teacher(school=school, name="Demo Teacher Dana")
    session = certify(master, [teacher])
    other_school = make_school(code="KZ-71")
    other_master = make_teacher(school=other_school, master=True)
    other_session = services.session_create(
        acting_user=None,
        region=other_master.region,
        held_on=timezone.localdate(),
        place="Astana hall",
        trainer=other_master,
        attendees=[make_teacher(school=other_school)],
    )
    return {
        "school": school,
        "master": master,
        "teacher": teacher,
        "session": session,
        "round": done_round(school),
        "other_school": other_school,
        "other_master": other_master,
        "other_session": other_session,
        "other_round": done_round(other_school),
    }


def report(code="KZ-75", category="sextortion"):
    return intake.report_submit(
        draft=intake.ReportDraft(
            category=category, narrative="The secret narrative text", region_code=code
        ),
        submitter=intake.Submitter(source="web"),
    ).report


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["educator", "chief", "central"])
def test_programme_roles_read_every_page(client, personas, programme, persona):
    client.force_login(personas[persona])
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 200, url
    for url in (
        f"/staff/prevention/schools/{programme['school'].public_id}/",
        f"/staff/prevention/teachers/{programme['teacher'].public_id}/",
        f"/staff/prevention/trainings/{programme['session'].public_id}/",
        f"/staff/prevention/rounds/{programme['round'].public_id}/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "persona", ["analyst", "prosecutor", "clinician", "police", "partner", "admin"]
)
def test_other_roles_are_refused(client, personas, programme, persona):
    client.force_login(personas[persona])
    for url in [*STAFF_PAGES, f"/staff/prevention/rounds/{programme['round'].public_id}/"]:
        assert client.get(url).status_code == 403, url


def test_the_login_is_needed(client, programme):
    assert client.get("/staff/prevention/").status_code == 302


@pytest.mark.parametrize("persona", ["educator", "chief"])
def test_objects_of_another_region_are_not_found(client, personas, programme, persona):
    client.force_login(personas[persona])
    certificate = programme["other_session"].attendances.first()
    for url in (
        f"/staff/prevention/schools/{programme['other_school'].public_id}/",
        f"/staff/prevention/teachers/{programme['other_master'].public_id}/",
        f"/staff/prevention/trainings/{programme['other_session'].public_id}/",
        f"/staff/prevention/rounds/{programme['other_round'].public_id}/",
        "/staff/prevention/cascade/?region=KZ-71",
    ):
        assert client.get(url).status_code == 404, url
    assert certificate.certificate_id is None


def test_the_chief_and_the_central_office_only_read(client, chief, central, programme):
    for user in (chief, central):
        client.force_login(user)
        assert client.get("/staff/prevention/teachers/new/").status_code == 403
        assert client.get("/staff/prevention/trainings/new/").status_code == 403
        assert client.get("/staff/prevention/rounds/new/").status_code == 403
        response = client.post(f"/staff/prevention/rounds/{programme['round'].public_id}/do/refer/")
        assert response.status_code in (403, 404)
    client.force_login(chief)
    assert client.get("/staff/prevention/schools/new/").status_code == 403


@pytest.mark.parametrize(
    ("name", "kind", "action"),
    [
        ("prevention:session_attendance", "session", "attendance"),
        ("prevention:session_certify", "session", "certify"),
        ("prevention:session_add", "session", "add"),
        ("prevention:round_done", "round", "done"),
        ("prevention:round_refer", "round", "refer"),
    ],
)
def test_each_action_has_its_own_view_refused_to_those_who_only_read(
    client, chief, programme, name, kind, action
):
    public_id = programme[kind].public_id
    url = reverse(name, kwargs={"public_id": public_id})
    assert url.endswith(f"/{public_id}/do/{action}/")
    client.force_login(chief)
    before = AuditEntry.objects.filter(action="refused").count()
    assert client.get(url).status_code == 405
    assert client.post(url, {"present": [], "teacher": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action="refused").count() == before + 1
    # an action that does not exist is not found
    assert client.post(url.replace(f"/do/{action}/", "/do/complete/")).status_code == 404


def test_the_navigation_leads_to_the_programme(client, educator, partner, central):
    client.force_login(educator)
    html = client.get("/staff/").content.decode()
    assert 'href="/staff/prevention/"' in html
    client.force_login(partner)
    html = client.get("/staff/").content.decode()
    assert 'href="/staff/partner-referrals/"' in html and "/staff/prevention/" not in html
    client.force_login(central)
    assert 'href="/staff/guidance/"' in client.get("/staff/").content.decode()


# --- Coverage -------------------------------------------------------------------------------------


def test_the_coordinator_sees_their_region_against_its_target(client, educator, programme):
    client.force_login(educator)
    response = client.get("/staff/prevention/")
    own = response.context["own"]
    assert own.region.code == "KZ-75" and own.master_trainers == 1 and own.teachers_trained == 1
    assert own.target == 150  # two regions with one school each share the 300
    assert response.context["national"] is None
    assert "tile-map" not in response.content.decode()


def test_the_central_office_sees_the_national_map(
    client, central, programme, django_assert_max_num_queries
):
    client.force_login(central)
    with django_assert_max_num_queries(20):
        response = client.get("/staff/prevention/")
    html = response.content.decode()
    assert html.count('class="tile tile-kz-') == 20
    assert response.context["national"].master_trainers == 2
    assert "band-4" in html  # Almaty: its one school has a trained teacher


def test_the_cascade_page_shows_the_tree(client, educator, central, programme):
    client.force_login(educator)
    html = client.get("/staff/prevention/cascade/").content.decode()
    assert "Demo Master Aigerim" in html and "Demo Teacher Dana" in html and "depth-1" in html
    client.force_login(central)
    assert client.get("/staff/prevention/cascade/?region=KZ-75").context["nodes"]


# --- Schools --------------------------------------------------------------------------------------


def test_the_coordinator_registers_a_school(client, educator):
    client.force_login(educator)
    data = {
        "name": "Demo School No. 3",
        "region": "KZ-75",
        "district": "Medeu",
        "settlement": "Almaty",
        "settlement_kind": "town",
        "pupils": "700",
        "languages": ["kk", "ru"],
    }
    response = client.post("/staff/prevention/schools/new/", data)
    school = School.objects.get()
    assert response.status_code == 302 and school.languages == ["kk", "ru"]
    response = client.post("/staff/prevention/schools/new/", {**data, "region": "KZ-71"})
    assert response.status_code == 400


def test_the_import_page_lists_each_bad_row(client, educator):
    client.force_login(educator)
    text = (
        "region,district,settlement,settlement_kind,name,pupils,languages\n"
        "KZ-75,Medeu,Almaty,town,Demo School No. 1,500,kk\n"
        "KZ-71,Yesil,Astana,town,Demo School No. 2,500,kk\n"
    )
    upload = SimpleUploadedFile("schools.csv", text.encode(), content_type="text/csv")
    response = client.post("/staff/prevention/schools/import/", {"file": upload})
    assert response.status_code == 400 and not School.objects.exists()
    errors = response.context["result"].errors
    assert [e.line for e in errors] == [3] and "another region" in errors[0].reason
    assert "another region" in response.content.decode()
    upload = SimpleUploadedFile("schools.csv", text.encode(), content_type="text/csv")
    response = client.post("/staff/prevention/schools/import/", {"file": upload, "good_rows": "on"})
    assert response.status_code == 200 and School.objects.count() == 1


def test_the_school_list_is_paginated_in_few_queries(
    client, central, make_school, django_assert_max_num_queries
):
    for _ in range(60):
        make_school()
    client.force_login(central)
    with django_assert_max_num_queries(12):
        response = client.get("/staff/prevention/schools/")
    assert len(response.context["page"]) == 50


# --- The cascade ----------------------------------------------------------------------------------


def test_the_coordinator_records_a_session_then_attendance_and_certificates(
    client, educator, make_teacher
):
    master = make_teacher(master=True)
    one, two = make_teacher(), make_teacher()
    client.force_login(educator)
    response = client.post(
        "/staff/prevention/trainings/new/",
        {
            "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "place": "Teachers' centre",
            "trainer": master.public_id,
            "attendees": [one.public_id, two.public_id],
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    came = session.attendances.get(teacher=one)
    client.post(
        f"/staff/prevention/trainings/{session.public_id}/do/attendance/", {"present": [came.pk]}
    )
    client.post(f"/staff/prevention/trainings/{session.public_id}/do/certify/")
    came.refresh_from_db()
    assert came.certificate_id and Teacher.objects.get(pk=one.pk).level == 1
    html = client.get(f"/staff/prevention/certificates/{came.certificate_id}/").content.decode()
    assert one.full_name in html and "certificate-page" in html and "prevention/print.js" in html
    assert "<script>" not in html


def test_a_session_with_no_attendees_or_an_uncertified_trainer_is_refused_on_the_page(
    client, educator, make_teacher
):
    master, uncertified = make_teacher(master=True), make_teacher()
    client.force_login(educator)
    url = "/staff/prevention/trainings/new/?lang=en"
    data = {
        "held_on": timezone.localdate().isoformat(),
        "place": "Hall",
        "trainer": master.public_id,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "A session needs at least one attendee." in response.content.decode()
    # a teacher who is not certified is not even offered as a trainer
    assert uncertified.public_id not in dict(response.context["form"].fields["trainer"].choices)
    response = client.post(
        url, {**data, "trainer": uncertified.public_id, "attendees": [master.public_id]}
    )
    assert response.status_code == 400 and "trainer" in response.context["form"].errors
    assert not TrainingSession.objects.exists()


def test_the_trainings_and_teachers_lists_take_few_queries(
    client, educator, programme, make_teacher, certify, django_assert_max_num_queries
):
    for _ in range(5):
        certify(programme["master"], [make_teacher(), make_teacher()])
    client.force_login(educator)
    for url in (
        "/staff/prevention/trainings/",
        "/staff/prevention/teachers/",
        "/staff/prevention/rounds/",
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


# --- Rounds ---------------------------------------------------------------------------------------


def test_a_second_round_for_the_same_school_and_year_is_refused_on_the_page(
    client, educator, programme
):
    client.force_login(educator)
    response = client.post(
        "/staff/prevention/rounds/new/",
        {"school": programme["school"].public_id, "planned_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "already has a round in the school year" in response.content.decode()
    assert SafeguardingRound.objects.filter(school=programme["school"]).count() == 1


def test_a_school_of_another_region_is_not_offered(client, educator, programme):
    client.force_login(educator)
    response = client.post(
        "/staff/prevention/rounds/new/",
        {
            "school": programme["other_school"].public_id,
            "planned_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400 and "school" in response.context["form"].errors


def test_a_round_referral_appears_in_the_analysts_queue(
    client, educator, analyst, outsider, programme
):
    client.force_login(educator)
    url = f"/staff/prevention/rounds/{programme['round'].public_id}/"
    nonce = client.get(url).context["refer_form"]["nonce"].value()
    data = {
        "category": "grooming",
        "child_age": "13",
        "narrative": "A pupil says an adult asks for photos.",
        "nonce": nonce,
    }
    assert client.post(url + "do/refer/", data).status_code == 302
    assert client.post(url + "do/refer/", data).status_code == 302  # sent twice: one report
    referred = Report.objects.get(source=Source.SCHOOL)
    assert programme["round"].referrals.get().report == referred
    assert referred.public_id in client.get(url).content.decode()
    client.force_login(analyst)
    queue = client.get("/staff/reports/")
    assert referred in list(queue.context["page"])
    assert client.get(f"/staff/reports/{referred.public_id}/").status_code == 200
    client.force_login(outsider)
    assert referred not in list(client.get("/staff/reports/").context["page"])


def test_a_round_is_recorded_done_on_the_page(client, educator, make_school):
    school = make_school(pupils=100)
    round_ = services.round_plan(acting_user=None, school=school, planned_on=timezone.localdate())
    client.force_login(educator)
    url = f"/staff/prevention/rounds/{round_.public_id}/do/done/"
    data = {
        "done_on": timezone.localdate().isoformat(),
        "conducted_by": "Psychologist",
        "pupils_seen": "101",
        "concerns_raised": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "The school has 100 pupils" in response.content.decode()
    assert client.post(url, {**data, "pupils_seen": "90"}).status_code == 302
    round_.refresh_from_db()
    assert round_.is_done and round_.pupils_seen == 90


# --- Partners -------------------------------------------------------------------------------------


def test_the_analyst_refers_a_report_from_its_page(client, analyst, organisation):
    item = report()
    client.force_login(analyst)
    html = client.get(f"/staff/reports/{item.public_id}/").content.decode()
    assert f"/staff/reports/{item.public_id}/to-partner/" in html and organisation.name in html
    response = client.post(
        f"/staff/reports/{item.public_id}/to-partner/",
        {"organisation": organisation.pk, "note": "Peer support, please"},
    )
    assert response.status_code == 302
    referral = PartnerReferral.objects.get()
    assert referral.report == item and referral.created_by == analyst
    assert organisation.name in client.get(f"/staff/reports/{item.public_id}/").content.decode()


def test_referring_a_report_of_another_region_is_not_found(client, outsider, organisation):
    item = report("KZ-75")
    client.force_login(outsider)
    response = client.post(
        f"/staff/reports/{item.public_id}/to-partner/",
        {"organisation": organisation.pk, "note": "x"},
    )
    assert response.status_code == 404 and not PartnerReferral.objects.exists()


def test_the_chief_refers_a_case_from_its_page(client, chief, organisation):
    case = cases_services.case_create(
        acting_user=None,
        data=cases_services.CaseInput(
            registry_number="1234567", articles=["120"], region_code="KZ-75"
        ),
    )
    client.force_login(chief)
    assert "/to-partner/" in client.get(f"/staff/cases/{case.public_id}/").content.decode()
    client.post(
        f"/staff/cases/{case.public_id}/to-partner/", {"organisation": organisation.pk, "note": "x"}
    )
    assert PartnerReferral.objects.get().case == case


def test_the_partner_sees_their_referrals_without_the_report(
    client, analyst, partner_member, organisation, django_assert_max_num_queries
):
    item = report()
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=item, organisation=organisation, note="Note for you"
    )
    client.force_login(partner_member)
    with django_assert_max_num_queries(12):
        listing = client.get("/staff/partner-referrals/")
    assert list(listing.context["page"]) == [referral]
    html = client.get(f"/staff/partner-referrals/{referral.public_id}/?lang=en").content.decode()
    assert "Note for you" in html and "Almaty" in html
    assert "secret narrative" not in html and item.public_id not in html
    assert AuditEntry.objects.filter(action="personal.view", object_id=str(referral.pk)).exists()
    assert client.get(f"/staff/reports/{item.public_id}/").status_code == 403
    response = client.post(
        f"/staff/partner-referrals/{referral.public_id}/", {"status": "accepted", "text": "On it"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    figures = client.get("/staff/partner-referrals/figures/")
    assert figures.context["figures"].total == 1


def test_others_cannot_answer_for_the_partner(client, analyst, organisation):
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=report(), organisation=organisation, note="n"
    )
    client.force_login(analyst)
    url = f"/staff/partner-referrals/{referral.public_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "done"}).status_code == 403


def test_a_partner_does_not_see_referrals_to_others(client, analyst, partner_member):
    from qorgau.prevention.models import PartnerOrganisation

    other = PartnerOrganisation.objects.create(name="Other NGO", kind="ngo")
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=report(), organisation=other, note="n"
    )
    client.force_login(partner_member)
    assert client.get(f"/staff/partner-referrals/{referral.public_id}/").status_code == 404


@pytest.mark.parametrize("persona", ["educator", "clinician", "police", "admin", "prosecutor"])
def test_roles_without_referrals_are_refused(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get("/staff/partner-referrals/").status_code == 403


# --- The admin ------------------------------------------------------------------------------------


def test_the_administrator_manages_schools_and_partners_in_the_admin(
    client, admin_user, partner, make_school, organisation
):
    school = make_school()
    client.force_login(admin_user)
    assert client.get("/admin/prevention/school/").status_code == 200
    assert client.get(f"/admin/prevention/school/{school.pk}/change/").status_code == 200
    response = client.post(
        "/admin/prevention/partnerorganisation/add/",
        {
            "name": "Demo NGO",
            "kind": "ngo",
            "contact_email": "",
            "is_active": "on",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-user": partner.pk,
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="admin.add").exists()
    # the membership is a change of access: it waits for a second person (four eyes)
    from qorgau.core.models import AccessChange
    from qorgau.prevention.models import PartnerMember, PartnerOrganisation

    assert not PartnerMember.objects.filter(user=partner).exists()
    added = PartnerOrganisation.objects.get(name="Demo NGO")
    assert AccessChange.objects.pending().get(user=partner).new_partner_organisations == [added.pk]
    # administrators never see referrals, rounds or the cascade
    assert client.get("/admin/prevention/partnerreferral/").status_code == 404
    assert client.get("/staff/partner-referrals/").status_code == 403
