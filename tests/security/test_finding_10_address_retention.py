"""Finding 10 (addresses): client addresses in the audit log were kept forever. Now `tick` cuts
them to their network (IPv4 /24, IPv6 /48) once older than QORGAU_ADDRESS_RETENTION_DAYS (90 by
default), and the hash chain still proves every entry, the address included."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from qorgau.core import services

pytestmark = pytest.mark.django_db


def append_at(when, *, actor, ip):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return services.audit_append(actor=actor, action="auth.login", obj=actor, ip=ip)


def tick() -> str:
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def raw_row(entry) -> str:
    """Everything the database holds for the entry, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditentry WHERE id = %s", [entry.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def as_superuser(sql: str, params: list) -> None:
    """Change the table with the triggers out of the way (see test_finding_07)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'core_auditentry'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.fixture
def entries(analyst):
    now = timezone.now()
    return {
        "old4": append_at(now - timedelta(days=100), actor=analyst, ip="203.0.113.77"),
        "old6": append_at(now - timedelta(days=91), actor=analyst, ip="2001:db8:1234:5678::1"),
        "recent": append_at(now - timedelta(days=89), actor=analyst, ip="198.51.100.9"),
        "none": append_at(now - timedelta(days=100), actor=analyst, ip=None),
    }


def test_tick_truncates_addresses_older_than_90_days_and_the_log_still_verifies(entries):
    tick()
    for entry in entries.values():
        entry.refresh_from_db()
    assert entries["old4"].ip == "203.0.113.0"
    assert entries["old6"].ip == "2001:db8:1234::"
    assert entries["recent"].ip == "198.51.100.9"
    assert entries["none"].ip is None
    assert "203.0.113.77" not in raw_row(entries["old4"])
    assert "5678" not in raw_row(entries["old6"])
    call_command("verify_audit")
    tick()  # idempotent
    call_command("verify_audit")


def test_the_period_is_configured(entries, settings):
    settings.QORGAU_ADDRESS_RETENTION_DAYS = 30
    tick()
    entries["recent"].refresh_from_db()
    assert entries["recent"].ip == "198.51.100.0"
    call_command("verify_audit")


def test_a_truncated_address_cannot_be_changed_unnoticed(entries):
    tick()
    as_superuser(
        "UPDATE core_auditentry SET ip = %s WHERE id = %s", ["203.0.114.0", entries["old4"].pk]
    )
    with pytest.raises(CommandError, match=rf"entry #{entries['old4'].seq} "):
        call_command("verify_audit")


def test_a_full_address_cannot_be_changed_unnoticed(entries):
    # within the same network: the chain covers more than the truncated address
    as_superuser(
        "UPDATE core_auditentry SET ip = %s WHERE id = %s", ["198.51.100.10", entries["recent"].pk]
    )
    with pytest.raises(CommandError, match=rf"entry #{entries['recent'].seq} "):
        call_command("verify_audit")


def test_the_database_allows_truncation_only(entries):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET ip = %s WHERE id = %s",
                ["192.0.2.1", entries["recent"].pk],
            )


def test_tick_drops_rate_limit_buckets_idle_for_a_day(reference_data):
    """A token bucket is a keyed hash of an address and when it was last seen: one untouched for a
    day is full anyway, and goes; a bucket still counting stays, and still limits."""
    from qorgau.core.models import TokenBucket
    from qorgau.core.services import rate_limit_take

    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now - timedelta(days=2)):
        rate_limit_take(scope="test.form", value="203.0.113.77", capacity=5, per_seconds=3600)
    for _ in range(2):
        rate_limit_take(scope="test.form", value="198.51.100.9", capacity=2, per_seconds=3600)
    assert TokenBucket.objects.count() == 2
    tick()
    assert TokenBucket.objects.count() == 1
    assert not rate_limit_take(
        scope="test.form", value="198.51.100.9", capacity=2, per_seconds=3600
    )
