"""verify_audit: exit 0 on an intact log; non-zero naming the first entry altered, deleted or inserted."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qorgau.core import services
from qorgau.core.audit_guard import audit_triggers_lifted
from qorgau.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(analyst):
    return [
        services.audit_append(actor=analyst, action=f"test.{i}", details={"i": i}) for i in range(5)
    ]


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as a database superuser could (triggers
    switched off for the session on PostgreSQL, dropped on SQLite)."""
    with audit_triggers_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_log_passes(log, capsys):
    call_command("verify_audit")
    assert (
        f"Audit log intact: {AuditEntry.objects.count()} entries verified."
        in capsys.readouterr().out
    )


def test_an_altered_entry_is_named(log):
    tamper("UPDATE core_auditentry SET action = %s WHERE seq = %s", ["test.innocent", log[2].seq])
    with pytest.raises(
        CommandError, match=rf"entry #{log[2].seq} \(id {log[2].pk}\): content altered"
    ):
        call_command("verify_audit")


def test_a_deleted_entry_is_named(log):
    tamper("DELETE FROM core_auditentry WHERE seq = %s", [log[1].seq])
    with pytest.raises(CommandError, match=rf"entry #{log[2].seq} .*missing or deleted"):
        call_command("verify_audit")


def test_deleting_the_last_entries_is_noticed(log):
    tamper("DELETE FROM core_auditentry WHERE seq >= %s", [log[3].seq])
    with pytest.raises(CommandError, match="entries at the end were deleted"):
        call_command("verify_audit")


def test_an_entry_inserted_out_of_order_is_named(log):
    # renumber an entry into a gap made for it, with a recomputed (self-consistent) hash:
    # it no longer links to the entry before it
    tamper("DELETE FROM core_auditentry WHERE seq = %s", [log[2].seq])
    forged = AuditEntry(
        seq=log[2].seq,
        created_at=log[2].created_at,
        actor_label="",
        action="test.forged",
        details={},
        prev_hash="f" * 64,
    )
    from qorgau.core.audit_chain import entry_hash

    forged.hash = entry_hash(forged)
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match=rf"entry #{log[2].seq} .*does not link"):
        call_command("verify_audit")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_itself_refuses_to_change_the_log(log):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE seq = %s", [log[0].seq])
