"""The prevention API: GET /api/v1/prevention/coverage and the referral figures, scoped by role."""

import pytest

from qorgau.core import services as core_services
from qorgau.intake import services as intake
from qorgau.prevention import services

pytestmark = pytest.mark.django_db


def auth(user):
    _, token = core_services.api_token_create(acting_user=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def programme(make_school, make_teacher, certify):
    school = make_school(pupils=500)
    master = make_teacher(school=school, master=True)
    certify(master, [make_teacher(school=school)])
    make_school(code="KZ-71", pupils=100)


def test_the_coordinator_gets_the_coverage_of_their_region(client, educator, programme):
    response = client.get("/api/v1/prevention/coverage", **auth(educator))
    assert response.status_code == 200
    data = response.json()
    assert data["target_total"] == 300 and data["national"] is None
    assert data["regions"] == [
        {
            "region": "KZ-75",
            "target": 150,
            "master_trainers": 1,
            "teachers_trained": 1,
            "schools": 1,
            "schools_covered": 1,
            "pupils": 500,
            "pupils_covered": 500,
            "levels": {"0": 1, "1": 1},
        }
    ]
    assert (
        client.get("/api/v1/prevention/coverage?region=kz-75", **auth(educator)).status_code == 200
    )


def test_another_region_is_not_found(client, educator, programme):
    response = client.get("/api/v1/prevention/coverage?region=KZ-71", **auth(educator))
    assert response.status_code == 404


def test_the_central_office_gets_every_region_and_the_national_total(client, central, programme):
    data = client.get("/api/v1/prevention/coverage", **auth(central)).json()
    assert len(data["regions"]) == 20 and data["national"]["schools"] == 2
    assert sum(r["target"] for r in data["regions"]) == 300
    one = client.get("/api/v1/prevention/coverage?region=KZ-71", **auth(central)).json()
    assert [r["region"] for r in one["regions"]] == ["KZ-71"] and one["national"] is None


@pytest.mark.parametrize("persona", ["analyst", "partner", "admin", "prosecutor"])
def test_roles_outside_the_programme_are_refused(client, personas, persona):
    assert client.get("/api/v1/prevention/coverage", **auth(personas[persona])).status_code == 403


def test_a_token_is_needed(client, reference_data):
    assert client.get("/api/v1/prevention/coverage").status_code == 401


def test_the_partner_gets_their_referrals_without_personal_data(
    client, analyst, partner_member, organisation
):
    report = intake.report_submit(
        draft=intake.ReportDraft(category="grooming", narrative="secret", region_code="KZ-75"),
        submitter=intake.Submitter(source="web"),
    ).report
    services.partner_referral_from_report(
        acting_user=analyst, report=report, organisation=organisation, note="private note"
    )
    response = client.get("/api/v1/prevention/referrals", **auth(partner_member))
    assert response.status_code == 200
    [row] = response.json()
    assert (row["category"], row["region"], row["status"]) == ("grooming", "KZ-75", "sent")
    assert "secret" not in response.content.decode() and "private" not in response.content.decode()
    figures = client.get("/api/v1/prevention/referrals/figures", **auth(partner_member)).json()
    assert figures["total"] == 1 and figures["by_region"][0]["region"] == "KZ-75"
    assert client.get("/api/v1/prevention/referrals", **auth(analyst)).json()[0]["id"] == row["id"]


def test_the_contract_is_in_the_openapi_schema(client, reference_data):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/prevention/coverage" in paths
    assert "/api/v1/prevention/referrals/figures" in paths
