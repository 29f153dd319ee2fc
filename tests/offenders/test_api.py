import pytest

from qorgau.core import services as core_services

pytestmark = pytest.mark.django_db


def auth(user):
    _, token = core_services.api_token_create(acting_user=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_register_entry_is_created_with_the_minimum(client, central):
    response = client.post(
        "/api/v1/offenders",
        {"full_name": "Synthetic Person", "date_of_birth": "1979-04-05", "region": "KZ-75"},
        content_type="application/json",
        **auth(central),
    )
    assert response.status_code == 201 and response.json()["region"] == "KZ-75"


def test_an_invalid_iin_is_refused_clearly(client, central):
    response = client.post(
        "/api/v1/offenders",
        {
            "full_name": "Synthetic",
            "date_of_birth": "1979-04-05",
            "region": "KZ-75",
            "iin": "790405300001",
        },
        content_type="application/json",
        **auth(central),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "iin"


def test_search_ranks_by_name_with_scores(client, inmate, analyst):
    response = client.get("/api/v1/offenders/search", {"name": "Жакип Ергали"}, **auth(analyst))
    assert response.status_code == 200
    first = response.json()[0]
    assert first["id"] == inmate.public_id and first["score"] >= 80


def test_roles_without_the_register_get_403(client, educator):
    assert (
        client.get("/api/v1/offenders/search", {"name": "x"}, **auth(educator)).status_code == 403
    )
    assert (
        client.post(
            "/api/v1/offenders",
            {"full_name": "x", "date_of_birth": "1970-01-01"},
            content_type="application/json",
            **auth(educator),
        ).status_code
        == 403
    )
