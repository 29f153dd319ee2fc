"""A NUL character anywhere in a request answers 4xx with a message, never a 500 (PostgreSQL cannot
store NUL in text; this runs on both databases)."""

import json

import pytest

from qorgau.intake import services as intake_services
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_token(reference_data):
    return intake_services.platform_token_create(acting_user=None, platform_name="Synthetic")[1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "grooming", "narrative": "synthetic\u0000text"}, "narrative"),
        ({"category": "grooming", "narrative": "synthetic", "region": "KZ\u000075"}, "region"),
        (
            {
                "category": "grooming",
                "narrative": "synthetic",
                "suspect": {"identifiers": [{"kind": "telegram", "value": "synthetic\u0000nick"}]},
            },
            "suspect.identifiers.0.value",
        ),
    ],
)
def test_the_api_answers_422_naming_the_field(client, platform_token, body, field):
    response = client.post(
        "/api/v1/reports",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {platform_token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": field,
        "message": "The text contains a NUL character (\\0), which cannot be stored. Remove it.",
    }
    assert not Report.objects.exists()


def test_a_query_value_with_nul_is_refused_by_name(client, analyst):
    client.force_login(analyst)
    response = client.get("/staff/reports/", {"q": "synthetic\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_the_public_form_refuses_nul_and_stores_nothing(client, reference_data):
    response = client.post("/report/", {"category": "grooming", "narrative": "synthetic\x00"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_files_may_contain_nul(client, reference_data, tmp_path, settings):
    """Only text fields are checked: an uploaded file is binary and reaches the form."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("chat.bin", b"\x00\x01synthetic", content_type="image/png")
    response = client.post("/report/", {"category": "grooming", "evidence": upload})
    assert response["Content-Type"].startswith("text/html")  # the form's own answer
    assert "NUL character" not in response.content.decode()
