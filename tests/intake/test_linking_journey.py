"""The issue's journey: three reports about one person, written three ways, become one subject."""

import pytest

from qorgau.core import services as core_services
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db

SPELLINGS = ["8 701 555 12 34", "+7 (701) 555-12-34", "77015551234"]


def post(client, token, narrative, region="KZ-75"):
    body = {"category": "grooming", "narrative": narrative, "region": region}
    return client.post(
        "/api/v1/reports",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_three_spellings_and_a_link_make_one_subject_and_raise_the_third(
    client, platform_token, analyst, outsider
):
    ids, priorities = [], []
    for n, phone in enumerate(SPELLINGS):
        narrative = f"Он пишет ребёнку, номер {phone}, профиль t.me/Synthetic_Groomer. Отчёт {n}."
        response = post(client, platform_token, narrative, region="KZ-75" if n < 2 else "KZ-71")
        assert response.status_code == 201
        ids.append(response.json()["id"])
        priorities.append(response.json()["priority"])
    assert priorities == ["P3", "P3", "P2"]
    first, _second, third = (Report.objects.get(public_id=i) for i in ids)
    assert third.priority_reasons[0]["code"] == "linked_reports"
    # the earlier reports are raised too now that the subject has three reports
    first.refresh_from_db()
    assert first.priority == "P2"

    _, token = core_services.api_token_create(acting_user=None, user=analyst)
    response = client.get(
        "/api/v1/subjects",
        {"identifier": "phone:8 (701) 555 12 34"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    data = response.json()
    assert sorted(data["reports"]) == sorted(ids[:2]) and data["other_reports"] == 1
    assert {
        "kind": "telegram",
        "value": "synthetic_groomer",
        "normalised": True,
        "reports": 3,
    } in data["identifiers"]
    assert data["regions"] == ["KZ-71", "KZ-75"]

    _, token = core_services.api_token_create(acting_user=None, user=outsider)
    response = client.get(
        "/api/v1/subjects",
        {"identifier": "telegram:@Synthetic_Groomer"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json()["reports"] == [ids[2]]


def test_the_subject_api_explains_bad_queries_and_hides_what_it_must(client, analyst, partner):
    _, token = core_services.api_token_create(acting_user=None, user=analyst)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/subjects", {"identifier": "nonsense"}, **auth).status_code == 422
    assert (
        client.get("/api/v1/subjects", {"identifier": "telegram:nobody_here"}, **auth).status_code
        == 404
    )
    _, token = core_services.api_token_create(acting_user=None, user=partner)
    response = client.get(
        "/api/v1/subjects", {"identifier": "telegram:x"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403


def test_a_subject_of_another_region_only_is_not_revealed(client, platform_token, analyst):
    post(client, platform_token, "t.me/far_away_person", region="KZ-71")
    _, token = core_services.api_token_create(acting_user=None, user=analyst)
    response = client.get(
        "/api/v1/subjects",
        {"identifier": "telegram:far_away_person"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 404
