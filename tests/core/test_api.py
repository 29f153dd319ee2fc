"""The JSON API's authentication with personal bearer tokens."""

import pytest

from qorgau.core import services

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_openapi_schema_is_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Qorgau API"
    assert "/api/v1/me" in schema["paths"]


def test_a_token_acts_as_its_user(client, analyst):
    _, token = services.api_token_create(acting_user=None, user=analyst)
    response = client.get("/api/v1/me", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "username": "analyst",
        "full_name": analyst.full_name,
        "role": "analyst",
        "region": "KZ-75",
        "gender": "f",
        "language": "en",
    }


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer qg_wrong_token", "Token abc"])
def test_without_a_valid_token_the_answer_is_401(client, reference_data, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/api/v1/me", **extra).status_code == 401


def test_a_revoked_token_gets_401(client, analyst):
    row, token = services.api_token_create(acting_user=None, user=analyst)
    services.api_token_revoke(acting_user=None, token=row)
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_a_session_alone_does_not_open_the_api(client, analyst):
    client.force_login(analyst)
    assert client.get("/api/v1/me").status_code == 401


def test_regions_are_listed(client, analyst, django_assert_max_num_queries):
    _, token = services.api_token_create(acting_user=None, user=analyst)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/regions", **bearer(token))
    codes = [r["code"] for r in response.json()]
    assert len(codes) == 20 and "KZ-75" in codes and "KZ-10" in codes
