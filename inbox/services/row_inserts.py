"""Many new rows of one model in one INSERT from arrays, without a model instance each.

`bulk_create` builds an instance per row, then a placeholder per field per row, and
compiles them: for a campaign chunk's threads and history entries that costs more CPU
than the statement. Here a column that varies is one array parameter (`unnest`), and
every other field takes the value `bulk_create` would give it, worked out once from
one unsaved instance (defaults, `auto_now_add`). A field whose default is computed per
row (a callable such as uuid4) must be given, or it is refused: one value for every
row would be wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from uuid import UUID

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin

_UNSIZED = re.compile(r"^(varchar|character varying)\(\d+\)$")
# Callable defaults that give an equal value each call: safe to work out once.
_SAME_EACH_CALL = (dict, list, str)


def insert_columns(
    model: type[Model],
    columns: dict[str, Sequence],
    *,
    fixed: dict[str, object] | None = None,
    ignore_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """INSERT one row per position of the `columns` arrays (keyed by field name or
    attname, all the same length); `fixed` fields are one value for every row.
    `returning`: columns of the inserted rows to return, a tuple per row (none when
    empty)."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError("every column needs one value per row")
    if not lengths.pop():
        return []
    fixed = fixed or {}
    meta = model._meta
    template = model(**fixed)
    quote = connection.ops.quote_name
    names: list[str] = []  # every inserted column, in the select list's order
    selected: list[str] = []  # the select list: an array's column, or a constant
    constants: list = []  # the select list's parameters, in order
    unnested: list[str] = []  # the arrays' columns
    arrays: list = []  # their parameters, in order (after the constants in the SQL)
    for field in meta.concrete_fields:
        if field.generated:  # computed by the database (a GeneratedField)
            continue
        given = columns.get(field.name, columns.get(field.attname))
        # No length in the cast: an explicit cast to varchar(n) would cut a long value
        # silently, while the INSERT's own assignment refuses it, as bulk_create's does.
        kind = _UNSIZED.sub(r"\1", field.db_type(connection))
        if given is not None:
            column = quote(field.column)
            unnested.append(f"%b::{kind}[]")  # binary: see execute_arrays
            arrays.append([field.get_db_prep_save(v, connection) for v in given])
            selected.append(f"v.{column}")
        elif isinstance(field, AutoFieldMixin) or field.db_default is not NOT_PROVIDED:
            continue  # the database's sequence, or its default
        elif (
            field.name not in fixed
            and field.attname not in fixed
            and field.has_default()
            and callable(field.default)
            and field.default not in _SAME_EACH_CALL
        ):
            raise ValueError(f"{model.__name__}.{field.name}: its default differs per row")
        else:
            selected.append(f"%s::{kind}")
            constants.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
        names.append(quote(field.column))
    aliases = [s[2:] for s in selected if s.startswith("v.")]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(unnested)}) "
        f"AS v({', '.join(aliases)})"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(quote(meta.get_field(f).column) for f in returning)
    return execute_arrays(sql, [*constants, *arrays], fetch=bool(returning))


def execute_arrays(sql: str, params: Sequence, *, fetch: bool = False) -> list[tuple]:
    """Run `sql` with its parameters bound by the server, its `%b` ones sent in binary.

    Django's cursors bind on the client: each array is written out as an array literal,
    element by element with its quoting in Python, then quoted again as a whole; for a
    campaign chunk's 200 messages that took ~50 ms, several times the statement's own
    cost. A binary array is each element's bytes and a length (~7 ms). The cursor is
    Django's wrapper around a server-binding psycopg cursor on the same connection, so
    the statement is in the transaction, logged and counted like any other.
    """
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(raw)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else []


def insert_objects(model: type[Model], objects: Sequence[Model]) -> None:
    """`bulk_create(objects)` for instances whose primary key is set (a UUID), as one
    INSERT from arrays: each field's value as bulk_create would save it (`pre_save`,
    so `auto_now_add` too); the instances are marked saved, as bulk_create leaves them."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if any(getattr(o, model._meta.pk.attname) is None for o in objects):
        raise ValueError(f"{model.__name__}: every instance needs its primary key")
    columns: dict[str, list] = {}
    fixed: dict[str, object] = {}
    for field in fields:
        values = [field.pre_save(o, add=True) for o in objects]
        first = values[0]
        # A value every row shares (the workspace, the channel, the status, the time of a
        # chunk...) is one parameter converted once, not an array converted per row.
        if (
            len(values) > 1
            and not getattr(field, "auto_now", False)  # the template's own pre_save
            and not getattr(field, "auto_now_add", False)  # would draw another time
            and _plain(first)
            and all(v == first for v in values)
        ):
            fixed[field.attname] = first
        else:
            columns[field.attname] = values
    insert_columns(model, columns, fixed=fixed)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _plain(value: object) -> bool:
    """A scalar whose equality means "the same stored value" (not a dict: JSON compares
    1 == 1.0 and True == 1, which would store differently)."""
    return value is None or isinstance(value, str | int | date | UUID)  # datetime is a date
