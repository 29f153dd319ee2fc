"""GET /api/v1/stats/summary: bad input answers 4xx with a message, never a server error."""

import pytest

from qorgau.core import services as core_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["-11249", "0001", "99999"])
def test_a_year_out_of_range_answers_422_with_the_field(central, client, year):
    _, token = core_services.api_token_create(acting_user=None, user=central)
    response = client.get(
        "/api/v1/stats/summary", {"year": year}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "year"
