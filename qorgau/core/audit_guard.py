"""Lifting the audit log's triggers (core migration 0009) where a whole installation is replaced:
`restore --force` and the test suite's flushes. Nothing else may.

On PostgreSQL it takes `session_replication_role = replica`, which only a superuser (or a role
granted SET on it) may set: the application's own role cannot empty the log. SQLite has no roles
(whoever can write the file can do anything): the triggers are dropped and created again.
Either way a log emptied behind `tick`'s back fails `verify_audit` against its signed checkpoints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections

AUDIT_TABLES = ("core_auditentry", "core_auditchainhead")


class AuditTriggersKept(DatabaseError):
    """The database role may not lift the audit log's triggers."""


@contextmanager
def audit_triggers_lifted(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if connection.vendor == "postgresql":
        local = connection.in_atomic_block
        with connection.cursor() as cursor:
            try:
                cursor.execute(f"SET {'LOCAL ' if local else ''}session_replication_role = replica")
            except DatabaseError as exc:
                raise AuditTriggersKept(
                    "The audit log refuses to be emptied: replacing a non-empty installation needs "
                    "a PostgreSQL superuser (session_replication_role). Restore into a fresh "
                    "database instead, or run this as the database's superuser."
                ) from exc
        reset = f"SET {'LOCAL ' if local else ''}session_replication_role = DEFAULT"
        try:
            yield
        except BaseException:
            if not local:  # (inside a transaction, its rollback ends SET LOCAL)
                with connection.cursor() as cursor:
                    cursor.execute(reset)
            raise
        with connection.cursor() as cursor:
            cursor.execute(reset)
        return
    if connection.vendor != "sqlite":
        yield
        return
    names = ", ".join(f"'{table}'" for table in AUDIT_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "  # noqa: S608 (constant table names)
            f"WHERE type = 'trigger' AND tbl_name IN ({names})"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
