"""Updating many rows with different values in one statement per chunk (Django's bulk_update writes
a CASE per column and row, which is slow at tens of thousands of rows)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

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
