"""Model instances from hand-written SQL, for the few queries every request runs.

The ORM spends longer compiling a small query than PostgreSQL spends answering it; on the per-request path (the
signed-in user, the agency membership) that compile time was most of the cost. These helpers build the column list
once per model and turn a row back into an instance with ``Model.from_db`` and the backend's own converters, so the
instance behaves exactly as an ORM-loaded one (dates are dates on SQLite too).
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


@functools.cache
def columns(model: type[Model], alias: str) -> str:
    """``alias."col1", alias."col2", …``: every concrete column of ``model``, in field order (quoted, so a column
    named like an SQL keyword still works)."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(str(field.column))}" for field in model._meta.concrete_fields)


def column_count(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def from_row(model: type[M], values: tuple[Any, ...] | list[Any]) -> M:
    """An instance of ``model`` from a row selected with ``columns(model, …)``."""
    converted = []
    for (expression, converters), value in zip(_converters(model, connection.vendor), values, strict=True):
        for converter in converters:
            value = converter(value, expression, connection)
        converted.append(value)
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(connection.alias, names, converted)


@functools.cache
def _converters(model: type[Model], vendor: str) -> list[tuple[Any, list[Any]]]:
    result = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        result.append((column, [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]))
    return result
