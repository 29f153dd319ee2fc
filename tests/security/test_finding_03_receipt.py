"""Finding 3 (issue 18): the receipt follow-up must not be usable against a child.

Before: five wrong codes sharing a report's first eight digits locked the report for an hour, from
any address, renewably; the lock answered 429 where a code of no report answered 400; and a code
whose first half named a report ran argon2 where one naming none did not (about 30 ms longer).

Now: wrong codes count per address and per (first half, address) only, never against the report
for everybody; "no such code", "wrong code" and "this address tried this report too often" give the
same status, the same page and the same work (exactly one argon2 verification).
"""

import re

import pytest
from argon2 import PasswordHasher

from tests.intake.test_views import form_data, receipt_from

pytestmark = pytest.mark.django_db

CHILD = "203.0.113.7"
STRANGER = "198.51.100.23"
OTHER = "192.0.2.41"


@pytest.fixture(autouse=True)
def _files_and_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.QORGAU_RECEIPT_RATE_PER_10_MIN = 100  # the address limit is not what is tested here
    settings.QORGAU_REPORT_RATE_PER_HOUR = 100


def child_report(client) -> str:
    """A report sent through the public form from the child's address; its 16 digits."""
    code = receipt_from(client.post("/report/", form_data(), REMOTE_ADDR=CHILD))
    return code.replace(" ", "")


def wrong_second_half(code: str, n: int) -> str:
    """A code with `code`'s first eight digits and another second half (the n-th such)."""
    second = f"{(int(code[8:]) + 1 + n) % 10**8:08d}"
    return code[:8] + second


def no_report_code(code: str) -> str:
    """A code whose first half names no report (only one report exists in these tests)."""
    first = f"{(int(code[:8]) + 1) % 10**8:08d}"
    return first + code[8:]


def try_code(client, code: str, address: str):
    return client.post("/report/status/?lang=en", {"code": code}, REMOTE_ADDR=address)


def page_without_secrets(response, code: str) -> str:
    """The answer's page with what legitimately differs removed: the CSRF token and the digits the
    person typed, echoed in the field."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return html.replace(code, "CODE")


def test_a_stranger_cannot_lock_a_childs_report(client):
    code = child_report(client)
    for n in range(8):  # more than the five that used to lock the report for everybody
        response = try_code(client, wrong_second_half(code, n), STRANGER)
        assert response.status_code == 400
    client.cookies.clear()
    response = try_code(client, code, CHILD)
    assert response.status_code == 302, "the child's own code must open the report at once"
    assert "Received" in client.get("/report/status/?lang=en").content.decode()


def test_no_such_code_a_wrong_code_and_an_exhausted_address_answer_alike(client):
    code = child_report(client)
    answers = {
        "no such code": (no_report_code(code), try_code(client, no_report_code(code), OTHER)),
        "wrong code": (
            wrong_second_half(code, 0),
            try_code(client, wrong_second_half(code, 0), OTHER),
        ),
    }
    for n in range(1, 9):
        try_code(client, wrong_second_half(code, n), STRANGER)
    # The stranger's address has used up its attempts on this report: even the right code is
    # answered exactly like a wrong one, so the limit says nothing about the report existing.
    answers["exhausted (report, address)"] = (code, try_code(client, code, STRANGER))
    statuses = {name: response.status_code for name, (_, response) in answers.items()}
    assert set(statuses.values()) == {400}, statuses
    pages = {
        name: page_without_secrets(response, typed) for name, (typed, response) in answers.items()
    }
    assert pages["no such code"] == pages["wrong code"] == pages["exhausted (report, address)"]
    assert "Received" not in pages["exhausted (report, address)"]  # not opened


def test_a_stranger_guessing_the_second_half_is_stopped_on_his_address(client):
    code = child_report(client)
    for n in range(20):
        try_code(client, wrong_second_half(code, n), STRANGER)
    assert try_code(client, code, STRANGER).status_code == 400  # not opened, not told why
    assert try_code(client, code, CHILD).status_code == 302


@pytest.fixture
def argon2_verifications(monkeypatch):
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


def test_argon2_runs_exactly_once_whatever_the_code_names(client, argon2_verifications):
    code = child_report(client)
    counted = {}
    for name, typed, address in [
        ("no such code", no_report_code(code), OTHER),
        ("wrong code", wrong_second_half(code, 0), OTHER),
        ("right code", code, CHILD),
    ]:
        argon2_verifications.clear()
        client.cookies.clear()
        try_code(client, typed, address)
        counted[name] = len(argon2_verifications)
    for n in range(1, 9):
        try_code(client, wrong_second_half(code, n), STRANGER)
    argon2_verifications.clear()
    try_code(client, code, STRANGER)
    counted["exhausted (report, address)"] = len(argon2_verifications)
    assert counted == dict.fromkeys(counted, 1), counted
