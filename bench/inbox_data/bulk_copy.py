"""PostgreSQL COPY into a model's table, and id blocks reserved ahead of the rows.

Ids for the integer-keyed tables are reserved up front by moving each table's sequence
past the block the load uses, so rows can point at each other before they exist. Run it
on a quiet database (a benchmark's own); a concurrent insert into the same tables could
take an id from inside a block that is being reserved.

Columns the loader does not give (a field added later) get the field's default, so the
loader keeps working as the models grow (generated columns, like the messages' search
vector, are left to PostgreSQL); a new NOT NULL column without a default is reported by
name instead of failing half-way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.db import connection, models
from django.utils import timezone

from . import LoadRefused


def reserve_ids(model: type[models.Model], count: int) -> int:
    """First id of a block of `count` ids nobody else will be handed by the sequence."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "GREATEST(nextval(pg_get_serial_sequence(%s, 'id')), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM " + connection.ops.quote_name(table) + "))"
            " + %s - 1)",
            [table, table, count],
        )
        last = cur.fetchone()[0]
    return last - count + 1


class Copier:
    """COPY rows into one model's table, filling unknown columns with field defaults."""

    def __init__(self, model: type[models.Model], given: list[str]):
        self.model = model
        # Generated columns (Message.search_vector) are PostgreSQL's to fill; COPY must
        # not name them.
        fields = {
            f.attname: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)
        }
        unknown = [name for name in given if name not in fields]
        if unknown:
            raise LoadRefused(f"{model.__name__} has no column(s) {unknown}")
        self.given = given
        self.fillers: list[tuple[str, Callable[[], object]]] = []
        now = timezone.now()
        for name, field in fields.items():
            if name in given or isinstance(field, models.AutoField):
                continue  # an identity column the database numbers itself
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.fillers.append((name, lambda now=now: now))
            elif field.has_default():
                if callable(field.default):
                    self.fillers.append((name, field.default))
                else:
                    value = field.default
                    self.fillers.append((name, lambda value=value: value))
            elif field.null:
                self.fillers.append((name, lambda: None))
            else:
                raise LoadRefused(
                    f"{model.__name__}.{name} is NOT NULL without a default; "
                    "teach bench/inbox_data a value for it"
                )
        self.json_columns = {f.attname for f in fields.values() if isinstance(f, models.JSONField)}
        self.columns = given + [name for name, _ in self.fillers]
        self.constant_fill = all(
            not callable(getattr(fields[n], "default", None)) for n, _ in self.fillers
        )

    def copy(self, rows: Iterable[tuple]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(column_of(self.model, c)) for c in self.columns)
        json_at = [i for i, c in enumerate(self.columns) if c in self.json_columns]
        count = 0
        fixed = tuple(fill() for _, fill in self.fillers) if self.constant_fill else None
        with connection.cursor() as cur:
            raw = cur.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    extra = fixed if fixed is not None else tuple(f() for _, f in self.fillers)
                    full = row + extra
                    if json_at:
                        full = list(full)
                        for i in json_at:
                            full[i] = json.dumps(full[i])
                    copy.write_row(full)
                    count += 1
        return count


def column_of(model: type[models.Model], attname: str) -> str:
    return next(f.column for f in model._meta.concrete_fields if f.attname == attname)
