"""Many rows at once: updating them with different values in one statement per chunk (Django's
bulk_update writes a CASE per column and row, which is slow at tens of thousands of rows), and
inserting new ones by COPY on PostgreSQL (imports)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

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


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert many new model instances and set their ids, as `bulk_create` does, faster.

    On PostgreSQL: the ids are drawn from the table's sequence in one statement, then the rows go
    in by COPY (every value prepared by its field, so encrypted fields are encrypted, defaults and
    `auto_now_add` applied). Elsewhere (SQLite in tests): `bulk_create`. The rows must be new: COPY
    has no ON CONFLICT."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=CHUNK)
        return
    meta = model._meta
    conn = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-call proxy
    fields = [(f, f.get_internal_type() in PLAIN_TYPES) for f in meta.concrete_fields]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        names = ", ".join(conn.ops.quote_name(f.column) for f, _plain in fields)
        with cursor.cursor.copy(
            f"COPY {conn.ops.quote_name(meta.db_table)} ({names}) FROM STDIN"
        ) as copy:
            for obj in objs:
                copy.write_row(
                    [
                        f.pre_save(obj, True)
                        if plain
                        else f.get_db_prep_save(f.pre_save(obj, True), conn)
                        for f, plain in fields
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = conn.alias


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence]
) -> None:
    """Insert many new rows of plain values (ids, numbers, text, dates) given by column (attname),
    without building model instances: COPY on PostgreSQL, `bulk_create` elsewhere. Every column
    the table requires must be given; the rows must be new."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=CHUNK
        )
        return
    conn = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    names = ", ".join(conn.ops.quote_name(meta.get_field(c).column) for c in columns)
    table = conn.ops.quote_name(meta.db_table)
    with conn.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
