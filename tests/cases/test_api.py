"""The cases API contract: POST /api/v1/cases, GET and PATCH /api/v1/cases/{id}."""

import pytest

from qorgau.core import services as core_services

pytestmark = pytest.mark.django_db

BODY = {
    "registry_number": "267500010000123",
    "articles": ["120"],
    "region": "KZ-75",
    "victims": [{"age": 12, "gender": "f"}],
}


def auth(user):
    _, token = core_services.api_token_create(acting_user=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, user, body):
    return client.post("/api/v1/cases", body, content_type="application/json", **auth(user))


def test_a_new_case_answers_with_its_female_prosecutor(client, chief, make_prosecutor):
    female = make_prosecutor("f")
    make_prosecutor("m")
    response = post(client, chief, BODY)
    assert response.status_code == 201
    data = response.json()
    assert data["prosecutor"] == {"id": female.pk, "name": female.user.full_name, "gender": "f"}
    assert data["unassigned_reason"] is None and data["covered"] is True


def test_with_no_eligible_prosecutor_it_answers_null_with_the_reason(
    client, chief, make_prosecutor
):
    make_prosecutor("m")
    data = post(client, chief, BODY).json()
    assert data["prosecutor"] is None and data["unassigned_reason"] == "no_eligible"


def test_bad_input_is_refused_with_the_field(client, chief, make_prosecutor):
    make_prosecutor("f")
    assert (
        post(client, chief, {**BODY, "articles": ["999"]}).json()["detail"][0]["field"]
        == "articles"
    )
    assert post(client, chief, BODY).status_code == 201
    response = post(client, chief, BODY)
    assert (
        response.status_code == 409 and response.json()["detail"][0]["field"] == "registry_number"
    )
    assert (
        post(client, chief, {**BODY, "registry_number": "1", "victims": [{"age": 30}]}).status_code
        == 422
    )


def test_a_regional_user_registers_cases_of_their_region_only(client, chief):
    assert post(client, chief, {**BODY, "region": "KZ-71"}).status_code == 403


def test_reading_and_moving_the_stage(client, chief, make_prosecutor):
    holder = make_prosecutor("f")
    case_id = post(client, chief, BODY).json()["id"]
    response = client.get(f"/api/v1/cases/{case_id}", **auth(holder.user))
    assert response.status_code == 200 and response.json()["stage"] == "pretrial"
    response = client.patch(
        f"/api/v1/cases/{case_id}",
        {"stage": "convicted"},
        content_type="application/json",
        **auth(holder.user),
    )
    assert response.status_code == 200 and response.json()["stage"] == "convicted"
    response = client.patch(
        f"/api/v1/cases/{case_id}",
        {"stage": "pretrial"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(holder.user),
    )
    assert response.status_code == 422 and "reason" in response.json()["detail"][0]["message"]


def test_a_case_of_another_prosecutor_or_region_is_404(client, chief, outsider, make_prosecutor):
    first = make_prosecutor("f")
    second = make_prosecutor("f")
    data = post(client, chief, BODY).json()
    holder, other = (first, second) if data["prosecutor"]["id"] == first.pk else (second, first)
    assert client.get(f"/api/v1/cases/{data['id']}", **auth(holder.user)).status_code == 200
    assert client.get(f"/api/v1/cases/{data['id']}", **auth(other.user)).status_code == 404
    assert client.get(f"/api/v1/cases/{data['id']}", **auth(outsider)).status_code == 404
