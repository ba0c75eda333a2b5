"""Many rows of one model written in one statement, each with its own values."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def update_rows(model: type[Model], objects: list[Model], names: list[str]) -> None:
    """One `UPDATE ... FROM (VALUES ...)` writing `names` of every object, by primary key.

    Django's bulk_update builds a CASE per field per row, whose compiling costs more CPU
    than the statement; this is one row of values per object. The caller holds the rows
    (locked), so a field an object did not change is rewritten with its own value.
    """
    if not objects:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    pk = meta.pk
    columns = ", ".join(quote(f.column) for f in fields)
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    values = ", ".join(f"(%s::{pk.db_type(connection)}, {casts})" for _ in objects)
    params = [
        f.get_db_prep_save(getattr(obj, f.attname), connection)
        for obj in objects
        for f in (pk, *fields)
    ]
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments}"
            f" FROM (VALUES {values}) AS v({quote(pk.column)}, {columns})"
            f" WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
            params,
        )
