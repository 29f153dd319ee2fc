"""One new row in one fixed statement, for the hottest writes (a report and its timeline event).

`Model.save()` compiles its INSERT anew on every call (about half a millisecond of CPU for a model
of 30 columns); here the statement text is built once per model and only the values change, so
PostgreSQL can also keep it prepared (`DATABASE_PREPARE_THRESHOLD`). Every value still goes
through its field's own `pre_save` and `get_db_prep_save`, as in `save()`: `auto_now_add`
timestamps, encrypted fields and foreign keys are stored exactly as `save()` would store them.
Model signals are not sent: use this only for models that have no receivers (there are none for
the models that call it; `tests/core/test_rows.py` checks that it stays so).
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

_statements: dict[type[models.Model], tuple[str, list[models.Field]]] = {}


def _statement(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    cached = _statements.get(model)
    if cached is None:
        meta = model._meta
        if not isinstance(meta.pk, AutoFieldMixin):
            raise TypeError(f"{meta.label} has no automatic primary key")
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        # only column names of the model (never input) are joined into the statement
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
        )
        cached = _statements[model] = (sql, fields)
    return cached


def insert_row(obj: models.Model) -> models.Model:
    """INSERT `obj` (a new instance of a model with an automatic primary key) and set its pk.

    On PostgreSQL one fixed statement; elsewhere `save(force_insert=True)`."""
    if connection.vendor != "postgresql":
        obj.save(force_insert=True)
        return obj
    sql, fields = _statement(type(obj))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj
