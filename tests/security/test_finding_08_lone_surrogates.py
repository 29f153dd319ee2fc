"""Issue 18, finding 8: a lone surrogate in JSON ("a\\ud800b") answered 500.

JSON may escape half of a UTF-16 pair on its own; Python decodes it into a string that cannot be
encoded as UTF-8, so it broke encryption and the database at the end of a report or a case. Now
such text, and a NUL character (which PostgreSQL cannot store), answer 422 naming the field in the
API's error shape, before anything is written. Forms cannot carry one: Django decodes form bodies
with errors="replace", which these tests check too. Run on SQLite and PostgreSQL.
"""

import pytest

from qorgau.cases.models import Case
from qorgau.intake import services as intake_services
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db

SURROGATE = "\\ud800"  # as the JSON text carries it: a backslash escape, not a character


@pytest.fixture
def platform_token(reference_data):
    return intake_services.platform_token_create(acting_user=None, platform_name="Synthetic")[1]


@pytest.fixture
def chief_token(chief):
    from qorgau.core.services import api_token_create

    return api_token_create(acting_user=None, user=chief)[1]


def post(client, path, raw_json: str, token: str):
    return client.post(
        path,
        raw_json.encode(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


REPORTS = [
    ("narrative", '{"category": "grooming", "narrative": "a%sb"}'),
    ("suspect.name", '{"category": "grooming", "narrative": "x", "suspect": {"name": "a%sb"}}'),
    (
        "suspect.identifiers.0.value",
        '{"category": "grooming", "narrative": "x",'
        ' "suspect": {"identifiers": [{"kind": "telegram", "value": "nick%s"}]}}',
    ),
    ("reporter.name", '{"category": "grooming", "narrative": "x", "reporter": {"name": "%s"}}'),
]


@pytest.mark.parametrize("bad", [SURROGATE, "\\udfff", "\\u0000"], ids=["high", "low", "nul"])
@pytest.mark.parametrize(("field", "template"), REPORTS, ids=[f for f, _ in REPORTS])
def test_a_report_with_unstorable_text_answers_422_naming_the_field(
    client, platform_token, field, template, bad
):
    response = post(client, "/api/v1/reports", template % bad, platform_token)
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["field"] == field
    assert "cannot be stored" in error["message"]
    assert not Report.objects.exists()


CASE = (
    '{"registry_number": "990000000001", "articles": ["120"], "region": "KZ-75",'
    ' "suspects": [{"name": "%s", "identifiers": [{"kind": "phone", "value": "%s"}]}]}'
)


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("a" + SURROGATE, "87011234567", "suspects.0.name"),
        ("Synthetic", "8701" + SURROGATE, "suspects.0.identifiers.0.value"),
    ],
)
def test_a_case_with_a_lone_surrogate_answers_422_naming_the_field(
    client, chief_token, name, value, field
):
    response = post(client, "/api/v1/cases", CASE % (name, value), chief_token)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["field"] == field
    assert not Case.objects.exists()


def test_a_surrogate_in_a_key_is_refused_too(client, platform_token):
    raw = '{"category": "grooming", "narrative": "x", "a' + SURROGATE + 'b": 1}'
    response = post(client, "/api/v1/reports", raw, platform_token)
    assert response.status_code == 422
    assert not Report.objects.exists()


def test_a_proper_pair_and_other_scripts_still_pass(client, platform_token):
    raw = '{"category": "grooming", "narrative": "Сәлем \\ud83d\\ude00 synthetic"}'
    response = post(client, "/api/v1/reports", raw, platform_token)
    assert response.status_code == 201, response.content
    assert "\U0001f600" in Report.objects.get().narrative


@pytest.mark.parametrize("content_type", ["urlencoded", "multipart"])
def test_the_public_form_turns_surrogate_bytes_into_replacement_characters(
    client, reference_data, content_type, tmp_path, settings
):
    """A browser cannot send a lone surrogate: its UTF-8 bytes (ED A0 80) are not valid UTF-8, and
    Django decodes form bodies with errors="replace". The report is accepted, never a 500."""
    settings.MEDIA_ROOT = tmp_path
    narrative = "synthetic %ED%A0%80 text"
    fields = {"category": "grooming", "relation": "child", "contact": "anonymous"}
    if content_type == "urlencoded":
        body = "&".join(f"{k}={v}" for k, v in {**fields, "narrative": narrative}.items())
        response = client.post("/report/", body, content_type="application/x-www-form-urlencoded")
    else:
        boundary = "synthetic-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode()
            + v
            + b"\r\n"
            for k, v in {
                **{k: v.encode() for k, v in fields.items()},
                "narrative": b"synthetic \xed\xa0\x80 text",
            }.items()
        ]
        response = client.post(
            "/report/",
            b"".join(parts) + f"--{boundary}--\r\n".encode(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    assert response.status_code < 500
    for report in Report.objects.all():
        report.narrative.encode("utf-8")  # whatever was kept is storable text
