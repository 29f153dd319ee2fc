"""Finding 7: the audit log could be emptied (TRUNCATE on PostgreSQL, DELETE of the last rows and a
rewritten chain head on both engines) and still verify. Now the database refuses it, and `tick`
anchors the chain head outside the database in signed checkpoints that `verify_audit` checks."""

import base64
import io
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from qorgau.core import services
from qorgau.core.audit_chain import GENESIS_HASH, entry_hash
from qorgau.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'")


def raw_key(private: Ed25519PrivateKey) -> str:
    return base64.b64encode(
        private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    ).decode()


@pytest.fixture
def anchored(settings, tmp_path):
    """A signing key and a checkpoint file, as an operator configures them."""
    settings.QORGAU_AUDIT_SIGNING_KEY = raw_key(Ed25519PrivateKey.generate())
    settings.QORGAU_AUDIT_VERIFY_KEY = None
    settings.QORGAU_AUDIT_CHECKPOINT_PATH = str(tmp_path / "audit-checkpoints.jsonl")
    return tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture
def log(analyst):
    return [
        services.audit_append(actor=analyst, action=f"test.{i}", details={"i": i}) for i in range(5)
    ]


def tick() -> str:
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def as_superuser(*statements: tuple[str, list]) -> None:
    """Run statements with the audit triggers out of the way, as a database superuser can (on
    PostgreSQL: replica mode switches triggers off; on SQLite: drop them, rolled back after the
    test like everything else it does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (the test's transaction has foreign-key checks pending, which TRUNCATE refuses)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN ('core_auditentry', 'core_auditchainhead')"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def refused(sql: str, params: list | None = None) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (see as_superuser)
            cursor.execute(sql, params or [])


# --- The database refuses -------------------------------------------------------------------------


@postgresql_only
def test_postgresql_refuses_to_truncate_the_audit_log(log):
    refused("TRUNCATE core_auditentry CASCADE")
    refused("TRUNCATE core_auditchainhead")
    assert AuditEntry.objects.count() == len(log)


@postgresql_only
def test_postgresql_refuses_to_rewrite_the_chain_head_to_zero(log):
    refused("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH])
    assert AuditChainHead.objects.get().seq == log[-1].seq


def test_deleting_the_last_entry_is_refused(log):
    refused("DELETE FROM core_auditentry WHERE seq = %s", [log[-1].seq])
    assert AuditEntry.objects.count() == len(log)


def test_rewriting_or_deleting_the_chain_head_is_refused(log):
    refused("UPDATE core_auditchainhead SET seq = %s, hash = %s", [log[-2].seq, log[-2].hash])
    refused("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH])
    refused("DELETE FROM core_auditchainhead")
    # forward by one, but not to the hash of an entry there
    refused("UPDATE core_auditchainhead SET seq = seq + 1, hash = %s", ["f" * 64])
    assert AuditChainHead.objects.get().seq == log[-1].seq


def test_altering_an_entry_is_refused(log):
    refused("UPDATE core_auditentry SET action = 'test.innocent' WHERE seq = %s", [log[1].seq])


def test_appending_still_works(log, analyst):
    entry = services.audit_append(actor=analyst, action="test.after")
    assert entry.seq == log[-1].seq + 1
    call_command("verify_audit")


# --- The checkpoint outside the database ----------------------------------------------------------


def test_tick_writes_a_signed_checkpoint_of_the_head_only_when_it_moved(anchored, log, analyst):
    tick()
    tick()
    lines = anchored.read_text().splitlines()
    assert len(lines) == 1
    checkpoint = json.loads(lines[0])
    head = AuditChainHead.objects.get()
    assert (checkpoint["seq"], checkpoint["hash"]) == (head.seq, head.hash)
    assert checkpoint["signature"]
    services.audit_append(actor=analyst, action="test.later")
    tick()
    assert len(anchored.read_text().splitlines()) == 2
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "checkpoint" in out.getvalue()


def test_an_emptied_audit_table_fails_verify_audit(anchored, log):
    tick()
    as_superuser(
        ("DELETE FROM core_auditentry", []),
        ("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH]),
    )
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("verify_audit")


def test_a_truncated_audit_table_fails_verify_audit(anchored, log):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    tick()
    as_superuser(
        ("TRUNCATE core_auditentry", []),
        ("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH]),
    )
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("verify_audit")


def test_a_shortened_log_with_a_consistent_head_fails_verify_audit(anchored, log):
    tick()
    as_superuser(
        ("DELETE FROM core_auditentry WHERE seq > %s", [log[2].seq]),
        ("UPDATE core_auditchainhead SET seq = %s, hash = %s", [log[2].seq, log[2].hash]),
    )
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("verify_audit")
    # and tick does not anchor the shortened log as if nothing happened
    assert "does not match" in tick()
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("verify_audit")


def test_a_rewritten_chain_fails_verify_audit(anchored, log):
    """An entry altered and every hash after it recomputed: the chain is consistent again, but the
    checkpoint remembers the head's hash."""
    tick()
    entries = list(AuditEntry.objects.order_by("seq"))
    entries[1].action = "test.innocent"
    statements = []
    prev = entries[0].hash
    for entry in entries[1:]:
        entry.prev_hash = prev
        entry.hash = entry_hash(entry)
        prev = entry.hash
        statements.append(
            (
                "UPDATE core_auditentry SET action = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [entry.action, entry.prev_hash, entry.hash, entry.pk],
            )
        )
    statements.append(("UPDATE core_auditchainhead SET hash = %s", [prev]))
    as_superuser(*statements)
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("verify_audit")


def test_a_tampered_checkpoint_fails_verify_audit(anchored, log):
    tick()
    checkpoint = json.loads(anchored.read_text())
    checkpoint["seq"] -= 2
    anchored.write_text(json.dumps(checkpoint) + "\n")
    with pytest.raises(CommandError, match="signature"):
        call_command("verify_audit")


def test_a_checkpoint_signed_by_another_key_fails_verify_audit(anchored, log, settings):
    tick()
    settings.QORGAU_AUDIT_SIGNING_KEY = raw_key(Ed25519PrivateKey.generate())
    with pytest.raises(CommandError, match="key"):
        call_command("verify_audit")


def test_an_auditor_verifies_with_the_public_key_only(anchored, log, settings):
    tick()
    out = io.StringIO()
    call_command("print_audit_key", stdout=out)
    public = out.getvalue().split("QORGAU_AUDIT_VERIFY_KEY=")[1].split()[0]
    settings.QORGAU_AUDIT_SIGNING_KEY = None
    settings.QORGAU_AUDIT_VERIFY_KEY = public
    call_command("verify_audit")
    as_superuser(
        ("DELETE FROM core_auditentry", []),
        ("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH]),
    )
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("verify_audit")
