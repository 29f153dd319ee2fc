"""Finding 10 (usernames): a failed sign-in kept the typed username in clear in the audit log, so a
password typed into the username field was stored for good (the log cannot be changed).

An unknown name is now kept only as a keyed hash (HMAC, a key derived from QORGAU_LOOKUP_KEY for
this purpose alone); a known account is named by its id, never by the text typed."""

import hashlib
import json

import pytest

from qorgau.core.models import AuditEntry, TokenBucket
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TYPED = "hunter2-password"


def everything_in_the_audit_table() -> str:
    rows = AuditEntry.objects.values(
        "actor_label", "action", "object_type", "object_id", "ip", "details", "hash", "prev_hash"
    )
    return json.dumps(list(rows), default=str)


def wrong(client, username, password="wrong", address="203.0.113.5"):
    return client.post(
        "/staff/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_password_typed_as_the_username_is_nowhere_in_clear(client, reference_data):
    response = wrong(client, TYPED)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.details["known_user"] is False
    assert TYPED not in everything_in_the_audit_table()
    assert TYPED.casefold() not in everything_in_the_audit_table().casefold()
    assert TYPED not in json.dumps(list(TokenBucket.objects.values("key")))


def test_the_unknown_name_is_a_keyed_hash_that_links_repeated_attempts(client, reference_data):
    wrong(client, TYPED)
    wrong(client, TYPED, address="203.0.113.6")
    wrong(client, "someone-else")
    first, second, third = AuditEntry.objects.filter(action="auth.login_failed").order_by("seq")
    assert first.details["username_hash"] == second.details["username_hash"]
    assert first.details["username_hash"] != third.details["username_hash"]
    # keyed: not a hash anyone can compute from a list of guesses
    digest = first.details["username_hash"]
    for plain in (
        hashlib.sha256(TYPED.encode()).hexdigest(),
        hashlib.md5(TYPED.encode()).hexdigest(),
    ):
        assert plain not in digest


def test_a_known_account_is_named_by_its_id(client, analyst):
    wrong(client, "analyst")
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.details == {"known_user": True}
    assert (entry.object_type, entry.object_id) == ("core.user", str(analyst.pk))
    assert entry.region == analyst.region


def test_a_refusal_for_too_many_attempts_keeps_no_name_either(client, reference_data, settings):
    settings.QORGAU_LOGIN_FAILURES_PER_ACCOUNT = 1
    wrong(client, TYPED)
    response = wrong(client, TYPED, password=PASSWORD)
    assert response.status_code == 429
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()
    assert TYPED not in everything_in_the_audit_table()


def test_the_audit_page_still_reads_well(client, analyst, admin_user):
    wrong(client, TYPED)
    wrong(client, "analyst")
    client.force_login(admin_user)
    html = client.get("/staff/audit/?lang=en").content.decode()
    assert html.count("auth.login_failed") >= 2
    assert f"core.user {analyst.pk}" in html
    assert TYPED not in html
