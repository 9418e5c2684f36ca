"""Plain INSERTs (COPY on PostgreSQL) for the import's high-volume rows (change log, history events, new people).

The ORM's bulk_create builds a model instance and prepares every value through every field: at 36,000 rows that
is most of an import's time. Here each field's converter is chosen once per column, and rows go to executemany.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

_PLAIN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _converter(field: models.Field[Any, Any], conn: Any) -> Callable[[Any], Any]:
    if isinstance(field, _PLAIN) and not isinstance(field, models.AutoField):
        return lambda value: value
    last: list[Any] = [object(), None]  # the same value (one `now` for every row) is converted once

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, conn)
        return last[1]

    return convert


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, batch_size: int = 1000) -> int:
    """Insert `rows` ({attname: value}); fields a row lacks take their model default. Returns the row count."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    defaults = {f.attname: f.get_default for f in fields}
    conn = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy costs a thread-local lookup per value
    converters = [(f.attname, _converter(f, conn)) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from model meta
    # SQLite's executemany loops in C; PostgreSQL's would send one statement per row, so rows go through COPY.
    copy = connection.vendor == "postgresql"
    count = 0
    batch: list[tuple[Any, ...]] = []

    def flush(cursor: Any) -> None:
        if copy:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
                for values in batch:
                    stream.write_row(values)
        else:
            cursor.executemany(sql, batch)

    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(convert(row[name] if name in row else defaults[name]()) for name, convert in converters))
            if len(batch) >= batch_size:
                flush(cursor)
                count += len(batch)
                batch = []
        if batch:
            flush(cursor)
            count += len(batch)
    return count


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def delete_rows(model: type[models.Model], pks: list[int]) -> int:
    """DELETE by primary key without loading rows or sending per-row signals (callers clear references first)."""
    if not pks:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({placeholders})", pks)  # noqa: S608 - names from meta
        return int(cursor.rowcount)
