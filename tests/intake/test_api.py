"""POST /api/v1/reports and GET /api/v1/reports/{id}/status: the platform contract."""

import base64
import json

import pytest

from qorgau.core import services as core_services
from qorgau.intake.models import Report
from tests.intake.conftest import EXE, PNG

pytestmark = pytest.mark.django_db

CONTRACT_BODY = {
    "category": "grooming",
    "narrative": "Он написал моей дочери в Telegram и предлагает встретиться завтра.",
    "language": "ru",
    "region": "KZ-75",
    "occurred_at": "2026-11-28T18:00:00+05:00",
    "child": {"age": 12, "gender": "f"},
    "reporter": {
        "relation": "platform",
        "anonymous": True,
        "name": None,
        "phone": None,
        "email": None,
    },
    "suspect": {
        "name": "Synthetic Name",
        "identifiers": [
            {"kind": "telegram", "value": "t.me/synthetic_handle"},
            {"kind": "phone", "value": "8 701 123 45 67"},
        ],
    },
    "evidence": [
        {"filename": "chat.png", "sha256": "", "content_base64": base64.b64encode(PNG).decode()}
    ],
}


def post(client, token, body, key=None, **headers):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}
    if key:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/v1/reports", payload, content_type="application/json", **extra)


def test_a_platform_report_is_created_by_the_contract(client, platform_token, almaty):
    body = dict(CONTRACT_BODY)
    body["evidence"] = [{"filename": "chat.png", "content_base64": base64.b64encode(PNG).decode()}]
    response = post(client, platform_token, body, key="abc-1")
    assert response.status_code == 201
    data = response.json()
    assert set(data) >= {"id", "priority", "status"}
    assert data["status"] == "received" and data["priority"] in {"P1", "P2", "P3", "P4"}
    report = Report.objects.get(public_id=data["id"])
    assert report.region == almaty and report.platform.name == "Test Platform"
    assert report.evidence.get().content_type == "image/png"


def test_only_category_and_narrative_are_required(client, platform_token, reference_data):
    response = post(client, platform_token, {"category": "other", "narrative": "Information only."})
    assert response.status_code == 201
    assert Report.objects.get().region is None  # the central queue


def test_the_same_idempotency_key_returns_the_same_report(client, platform_token, reference_data):
    body = {"category": "sextortion", "narrative": "He demands money or he posts the photos."}
    first = post(client, platform_token, body, key="same")
    second = post(client, platform_token, body, key="same")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and second.json()["replayed"] is True
    assert Report.objects.count() == 1


def test_reusing_a_key_for_another_report_is_a_409(client, platform_token, reference_data):
    post(client, platform_token, {"category": "other", "narrative": "one"}, key="k")
    response = post(client, platform_token, {"category": "other", "narrative": "two"}, key="k")
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body,field",
    [
        ({"narrative": "x"}, "category"),
        ({"category": "robbery", "narrative": "x"}, "category"),
        ({"category": "other", "narrative": ""}, "narrative"),
        ({"category": "other", "narrative": "x" * 20001}, "narrative"),
        ({"category": "other", "narrative": "x", "region": "KZ-00"}, "region"),
        ({"category": "other", "narrative": "x", "child": {"age": 18}}, "child.age"),
        ({"category": "other", "narrative": "x", "child": {"age": "twelve"}}, "child.age"),
        (
            {
                "category": "other",
                "narrative": "x",
                "reporter": {"anonymous": False, "phone": "12"},
            },
            "reporter.phone",
        ),
        ({"category": "other", "narrative": "x", "occurred_at": "yesterday"}, "occurred_at"),
        (
            {
                "category": "other",
                "narrative": "x",
                "evidence": [{"filename": "a", "content_base64": "!!"}],
            },
            "evidence.0",
        ),
        (
            {
                "category": "other",
                "narrative": "x",
                "evidence": [
                    {"filename": "a.jpg", "content_base64": base64.b64encode(EXE).decode()}
                ],
            },
            "evidence.0",
        ),
    ],
)
def test_bad_input_answers_422_with_the_field(client, platform_token, reference_data, body, field):
    response = post(client, platform_token, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["detail"]]
    assert field in fields
    assert all(e["message"] for e in response.json()["detail"])
    assert Report.objects.count() == 0


def test_too_many_files_are_refused(client, platform_token, reference_data, settings):
    settings.QORGAU_EVIDENCE_MAX_FILES = 1
    files = [
        {"filename": f"{i}.txt", "content_base64": base64.b64encode(b"hi").decode()}
        for i in range(2)
    ]
    response = post(
        client, platform_token, {"category": "other", "narrative": "x", "evidence": files}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "evidence"


def test_a_body_that_is_not_json_is_a_400_with_a_message(client, platform_token, reference_data):
    response = post(client, platform_token, "this is not json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "The body is not valid JSON."


def test_errors_come_in_the_requesters_language(client, platform_token, reference_data):
    response = post(
        client,
        platform_token,
        {"category": "other", "narrative": "x", "child": {"age": 40}},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "от 0 до 17" in response.json()["detail"][0]["message"]


def test_without_a_token_the_answer_is_401(client, reference_data):
    response = client.post("/api/v1/reports", "{}", content_type="application/json")
    assert response.status_code == 401


def test_a_revoked_platform_token_is_refused(client, platform_token, reference_data):
    from qorgau.intake import services
    from qorgau.intake.models import PlatformToken

    services.platform_token_revoke(acting_user=None, token=PlatformToken.objects.get())
    assert post(client, platform_token, {"category": "other", "narrative": "x"}).status_code == 401


def test_staff_tokens_may_post_too(client, analyst):
    _, token = core_services.api_token_create(acting_user=None, user=analyst)
    response = post(client, token, {"category": "other", "narrative": "From the duty officer."})
    assert response.status_code == 201
    assert Report.objects.get().submitted_by == analyst


def test_administrators_tokens_may_not_post(client, admin_user):
    _, token = core_services.api_token_create(acting_user=None, user=admin_user)
    assert post(client, token, {"category": "other", "narrative": "x"}).status_code == 403
    assert not Report.objects.exists()


def test_a_platform_reads_the_status_of_its_own_reports_only(
    client, platform_token, reference_data
):
    from qorgau.intake import services

    report_id = post(client, platform_token, {"category": "other", "narrative": "x"}).json()["id"]
    response = client.get(
        f"/api/v1/reports/{report_id}/status", HTTP_AUTHORIZATION=f"Bearer {platform_token}"
    )
    assert response.status_code == 200 and response.json()["status"] == "received"
    _, other_token = services.platform_token_create(
        acting_user=None, platform_name="Other Platform"
    )
    response = client.get(
        f"/api/v1/reports/{report_id}/status", HTTP_AUTHORIZATION=f"Bearer {other_token}"
    )
    assert response.status_code == 404


def test_the_contract_is_in_the_openapi_schema(client, reference_data):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports" in schema["paths"]
    assert "/api/v1/reports/{report_id}/status" in schema["paths"]
    operation = schema["paths"]["/api/v1/reports"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
    assert set(operation["responses"]) >= {"201", "422"}
