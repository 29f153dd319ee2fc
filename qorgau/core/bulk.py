"""Many rows at once: updating them with different values in one statement per chunk (Django's
bulk_update writes a CASE per column and row, which is slow at tens of thousands of rows), and
inserting new ones by COPY on PostgreSQL (imports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

CHUNK = 5000


def update_from_values(
    *,
    table: str,
    key: str,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    casts: Sequence[str] = (),
) -> int:
    """UPDATE table SET col = v.col … FROM (VALUES …) v WHERE table.key = v.key.

    `rows` are (key, col1, col2, …); `casts` gives a PostgreSQL type per column (e.g. "bigint"), so
    that NULLs and text literals land in the right type. Identifiers come from the code, never from
    input; every value is a parameter.
    """
    names = [key, *columns]
    done = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(chunk))
            params = [value for row in chunk for value in row]
            if connection.vendor == "postgresql":
                kinds = ["bigint", *casts] if casts else []
                sets = ", ".join(
                    f"{c} = v.{c}" + (f"::{kinds[i + 1]}" if kinds else "")
                    for i, c in enumerate(columns)
                )
                match = f"{table}.{key} = v.{key}" + ("::bigint" if kinds else "")
                sql = (
                    f"UPDATE {table} SET {sets} FROM (VALUES {placeholders}) AS v({', '.join(names)}) "  # noqa: S608
                    f"WHERE {match}"
                )
            else:
                sets = ", ".join(
                    f"{c} = (SELECT v.{c} FROM v WHERE v.{key} = {table}.{key})"  # noqa: S608
                    for c in columns
                )
                sql = (
                    f"WITH v({', '.join(names)}) AS (VALUES {placeholders}) "  # noqa: S608
                    f"UPDATE {table} SET {sets} WHERE {key} IN (SELECT {key} FROM v)"
                )
            cursor.execute(sql, params)
            done += cursor.rowcount
    return done


# Fields whose Python values psycopg writes as they are: no need to prepare them one by one.
PLAIN_TYPES = frozenset(
    [
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "DateField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    ]
)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    returning_ids: bool = False,
) -> list[int]:
    """Insert many new rows given as values by field name (attname: `person_id`), without building
    model instances (they cost more than the insert): COPY on PostgreSQL, values prepared by their
    field where that matters (JSON, encrypted, timestamps), ids drawn from the sequence beforehand
    with `returning_ids`; `bulk_create` elsewhere. Columns not given are NULL; `created_at` and
    `updated_at`, when the model has them and they are not given, are now. The rows must be new."""
    if not rows:
        return []
    meta = model._meta
    now = timezone.now()
    stamps = [
        name
        for name in ("created_at", "updated_at")
        if name not in columns and any(f.attname == name for f in meta.concrete_fields)
    ]
    if connection.vendor != "postgresql":
        objs = [
            model(**dict(zip(columns, row, strict=True)), **dict.fromkeys(stamps, now))
            for row in rows
        ]
        model._default_manager.bulk_create(objs, batch_size=CHUNK)
        return [obj.pk for obj in objs]
    conn = connections[DEFAULT_DB_ALIAS]
    # Columns are concrete fields (never a relation's reverse side or a generic foreign key).
    fields = [cast("models.Field[Any, Any]", meta.get_field(c)) for c in [*columns, *stamps]]
    prepare = [
        None if f.get_internal_type() in PLAIN_TYPES or f.attname in stamps else f for f in fields
    ]
    extra = [now] * len(stamps)
    ids: list[int] = []
    with conn.cursor() as cursor:
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            fields.append(meta.pk)
        names = ", ".join(conn.ops.quote_name(f.column) for f in fields)
        table = conn.ops.quote_name(meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for n, row in enumerate(rows):
                values = [
                    value if field is None else field.get_db_prep_save(value, conn)
                    for value, field in zip([*row, *extra], prepare, strict=True)
                ]
                if returning_ids:
                    values.append(ids[n])
                copy.write_row(values)
    return ids
