"""Personal data never reaches the logs or an error page.

Journeys run with a marker string in every personal field (the form, the API, the follow-up with the
receipt code, the staff pages and actions, wrong input, a 404 and a 500); every logger is set to DEBUG
and everything they write is captured; no marker may appear in it, nor in any error page.
"""

import base64
import json
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from qorgau.intake import services
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db

# One marker per personal field, so that a failure names the field that leaked.
MARK = {
    name: f"ZQ{name.upper().replace('_', '')}X"
    for name in [
        "narrative",
        "town",
        "school",
        "suspect_name",
        "reporter_name",
        "filename",
        "follow_up",
        "api_narrative",
        "api_name",
        "api_reporter",
        "staff_message",
        "search",
        "url",
        "crash",
    ]
}
PHONE_MARK = "8 701 555 12 34"  # normalised to +77015551234
EMAIL_MARK = "zqreporteremailx@mail.kz"
HANDLE_MARK = "zqhandlex"


@pytest.fixture
def logs(caplog, settings):
    """Everything every logger writes, at DEBUG level, formatted as the console handler would."""
    settings.DEBUG = False
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    # every SQL statement logged too, as with DEBUG on (the values searched for are in them)
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False
    for logger, level in levels.items():
        logger.setLevel(level)


def leaked(text: str) -> list[str]:
    text = text.lower()
    found = [name for name, marker in MARK.items() if marker.lower() in text]
    for value in (PHONE_MARK, "+77015551234", "7015551234", EMAIL_MARK, HANDLE_MARK):
        if value.lower() in text:
            found.append(value)
    return found


def all_logged(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return caplog.text + "\n".join(parts)


def test_no_journey_writes_personal_data_to_the_logs_or_error_pages(
    client, analyst, logs, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "files"
    error_pages: list[str] = []

    # 1. The public form, every personal field filled, a file with a personal name.
    response = client.post(
        "/report/",
        {
            "category": "grooming",
            "relation": "parent",
            "narrative": f"{MARK['narrative']} he writes to her at night",
            "child_age": "12",
            "child_gender": "f",
            "region": "KZ-75",
            "town": MARK["town"],
            "school": MARK["school"],
            "suspect_name": MARK["suspect_name"],
            "suspect_telegram": f"@{HANDLE_MARK}",
            "suspect_phone": PHONE_MARK,
            "contact": "contact",
            "reporter_name": MARK["reporter_name"],
            "reporter_phone": PHONE_MARK,
            "reporter_email": EMAIL_MARK,
            "submission": "log-journey-1",
            "evidence": [SimpleUploadedFile(f"{MARK['filename']}.txt", b"synthetic", "text/plain")],
        },
    )
    assert response.status_code == 201
    code = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', response.content.decode()).group(1)

    # 2. The same form with a mistake (a bad e-mail): 4xx, the page names the field.
    bad = client.post(
        "/report/",
        {
            "category": "grooming",
            "narrative": MARK["narrative"],
            "contact": "contact",
            "reporter_email": f"{MARK['reporter_name']}-not-an-email",
        },
    )
    assert 400 <= bad.status_code < 500

    # 3. The follow-up with the receipt code: a message and a file.
    client.post("/report/status/", {"code": code})
    client.post(
        "/report/status/",
        {
            "body": MARK["follow_up"],
            "evidence": [SimpleUploadedFile(f"{MARK['filename']}2.txt", b"more", "text/plain")],
        },
    )
    wrong = client.post("/report/status/", {"code": "1111 2222 3333 4444"})
    assert wrong.status_code in (200, 400, 429)

    # 4. The platform API, with a bad request first.
    token = services.platform_token_create(acting_user=None, platform_name="Synthetic")[1]
    body = {
        "category": "sextortion",
        "narrative": MARK["api_narrative"],
        "region": "KZ-75",
        "reporter": {"anonymous": False, "name": MARK["api_reporter"], "email": EMAIL_MARK},
        "suspect": {
            "name": MARK["api_name"],
            "identifiers": [{"kind": "phone", "value": PHONE_MARK}],
        },
        "evidence": [
            {
                "filename": f"{MARK['filename']}.txt",
                "content_base64": base64.b64encode(b"synthetic").decode(),
            }
        ],
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    invalid = client.post(
        "/api/v1/reports",
        json.dumps({**body, "child": {"age": 99}}),
        content_type="application/json",
        **headers,
    )
    assert invalid.status_code == 422
    error_pages.append(invalid.content.decode())
    created = client.post(
        "/api/v1/reports", json.dumps(body), content_type="application/json", **headers
    )
    assert created.status_code == 201

    # 5. Staff: the queue, a search, the report page (personal fields shown), a message.
    client.force_login(analyst)
    assert client.get("/staff/reports/").status_code == 200
    client.get("/staff/reports/", {"find": MARK["search"]})
    client.get("/staff/reports/", {"find": f"telegram:@{HANDLE_MARK}"})
    report = Report.objects.filter(source="web").order_by("pk").first()
    page = client.get(f"/staff/reports/{report.public_id}/")
    assert page.status_code == 200 and MARK["narrative"] in page.content.decode()
    client.post(f"/staff/reports/{report.public_id}/do/message/", {"body": MARK["staff_message"]})
    evidence = report.evidence.first()
    client.post(f"/staff/reports/{report.public_id}/evidence/{evidence.public_id}/")

    # 6. Errors: a 404 with personal data in the query, a 401, and a 500 while handling a report.
    # (paths hold only random public ids; personal data travels in query strings and bodies,
    # which no logger writes)
    missing = client.get("/staff/reports/no-such-report/", {"find": MARK["url"]})
    assert missing.status_code == 404
    error_pages.append(missing.content.decode())
    client.logout()
    forbidden = client.get(f"/api/v1/subjects?identifier=phone:{MARK['url']}")
    assert forbidden.status_code == 401
    error_pages.append(forbidden.content.decode())

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "report_submit", crash)
    client.raise_request_exception = False
    failed = client.post(
        "/report/",
        {
            "category": "grooming",
            "relation": "child",
            "narrative": MARK["crash"],
            "child_age": "12",
            "region": "KZ-75",
            "contact": "anonymous",
            "submission": "log-journey-crash",
        },
    )
    assert failed.status_code == 500
    error_pages.append(failed.content.decode())
    assert any(r.levelno >= logging.ERROR for r in logs.records), "the 500 was not logged"

    assert leaked(all_logged(logs)) == []
    for page in error_pages:
        assert leaked(page) == []
