"""The audit log is append-only in the database itself, on PostgreSQL and SQLite alike:

- entries: no DELETE, no TRUNCATE (PostgreSQL) of a log that holds anything, no UPDATE but the one
  `tick` makes when it cuts an old address to its network (chain version 2: the hash covers the
  network and a commitment, see core/audit_chain.py), no INSERT over an existing entry;
- the chain head: it only moves forward, one entry at a time, to the hash of that entry; never
  deleted or truncated.

`qorgau.core.audit_guard.audit_triggers_lifted` lifts them where a whole installation is replaced
(`restore --force`; the test suite's flushes): on PostgreSQL only a superuser can.

SQLite rebuilds a table for many schema changes and drops its triggers then: a later migration that
alters core_auditentry or core_auditchainhead must create them again (tests/security/
test_finding_07_audit_anchor.py fails otherwise).
"""

from django.db import migrations, models

REFUSAL = "the audit log is append-only"  # (a constant: the SQL below takes no input)

POSTGRESQL_FORWARD = f"""
CREATE OR REPLACE FUNCTION qorgau_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- the one change allowed: an old address cut to its network, its salt erased
    IF TG_OP = 'UPDATE' AND OLD.chain_version >= 2 AND OLD.ip IS NOT NULL AND OLD.ip_salt <> ''
       AND NEW.ip_salt = ''
       AND NEW.ip = host(network(set_masklen(
               OLD.ip, CASE family(OLD.ip) WHEN 4 THEN 24 ELSE 48 END)))::inet
       AND to_jsonb(NEW) - 'ip' - 'ip_salt' = to_jsonb(OLD) - 'ip' - 'ip_salt' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL}';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION qorgau_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM core_auditentry)
       OR EXISTS (SELECT 1 FROM core_auditchainhead WHERE seq > 0) THEN
        RAISE EXCEPTION '{REFUSAL}: it cannot be truncated';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION qorgau_audit_no_truncate();
CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION qorgau_audit_no_truncate();

CREATE OR REPLACE FUNCTION qorgau_audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    -- (the entry appended in the same statement, core.services.audit_append, is seen here)
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq = OLD.seq + 1
       AND NEW.hash IS NOT DISTINCT FROM (SELECT hash FROM core_auditentry WHERE seq = NEW.seq) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL}: its chain head only moves forward';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE OR DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION qorgau_audit_head_forward_only();
"""  # noqa: S608

POSTGRESQL_BACKWARD = f"""
DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead;
DROP FUNCTION IF EXISTS qorgau_audit_head_forward_only();
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS qorgau_audit_no_truncate();
CREATE OR REPLACE FUNCTION qorgau_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}';
END;
$$ LANGUAGE plpgsql;
"""

# Every column but the two a cut may change (ip, ip_salt).
_KEPT = [
    "id",
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "region_id",
    "ip_commitment",
    "details",
    "chain_version",
    "prev_hash",
    "hash",
]
_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
# IPv4: the last number becomes 0. IPv6 (stored compressed): a /48 network always ends in "::",
# and what comes before it is the start of the old address up to a ':'.
_CUT = """(
    (instr(OLD.ip, ':') = 0 AND NEW.ip = rtrim(OLD.ip, '0123456789') || '0')
    OR (instr(OLD.ip, ':') > 0 AND NEW.ip LIKE '%::'
        AND substr(OLD.ip, 1, length(NEW.ip) - 2) = substr(NEW.ip, 1, length(NEW.ip) - 2)
        AND substr(OLD.ip, length(NEW.ip) - 1, 1) = ':')
)"""

SQLITE_TRIGGERS = {
    "core_auditentry_no_delete": f"""
        CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",  # noqa: S608
    "core_auditentry_no_replace": f"""
        CREATE TRIGGER core_auditentry_no_replace BEFORE INSERT ON core_auditentry
        WHEN EXISTS (SELECT 1 FROM core_auditentry WHERE id = NEW.id OR seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",  # noqa: S608
    "core_auditentry_no_update": f"""
        CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
        WHEN NOT COALESCE(
            OLD.chain_version >= 2 AND OLD.ip IS NOT NULL AND OLD.ip_salt <> ''
            AND NEW.ip_salt = '' AND {_UNCHANGED} AND {_CUT}, 0)
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",  # noqa: S608
    "core_auditchainhead_no_delete": f"""
        CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: its chain head only moves forward'); END""",  # noqa: S608
    "core_auditchainhead_no_replace": f"""
        CREATE TRIGGER core_auditchainhead_no_replace BEFORE INSERT ON core_auditchainhead
        WHEN EXISTS (SELECT 1 FROM core_auditchainhead)
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: its chain head only moves forward'); END""",  # noqa: S608
    "core_auditchainhead_forward_only": f"""
        CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON core_auditchainhead
        WHEN NOT COALESCE(
            NEW.id = OLD.id AND NEW.seq = OLD.seq + 1
            AND NEW.hash = (SELECT hash FROM core_auditentry WHERE seq = NEW.seq), 0)
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: its chain head only moves forward'); END""",  # noqa: S608
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS.values():
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_access_changes")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="ip_commitment",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="ip_salt",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(forwards, backwards),
    ]
