"""Rows of one table written with one statement made once: what an import of thousands
of appointments writes (and changes), where peewee's `insert_many`, `insert` and `update`
spend longer building their SQL than the database spends storing the rows.

Rows are given as the model takes them (field name → value, a reference by its id);
each value is stored as its field stores it, and a field the rows leave out takes the
model's default (or NULL). The audit trail's capture triggers see each row as they see
any other insert.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from peewee import Database, Field

from db.models import BaseModel

Row = Mapping[str, object]


def insert_rows(database: Database, model: type[BaseModel], rows: Sequence[Row]) -> None:
    """Insert `rows` (each with the same fields) into `model`'s table, in the caller's
    transaction."""
    if not rows:
        return
    sql, fields = _statement(database.param, database.quote, model, tuple(rows[0]))
    defaults = _defaults(fields, rows[0])
    values = [_values(row, fields, defaults) for row in rows]
    database.cursor().executemany(sql, values)  # type: ignore[no-untyped-call]


def update_rows(database: Database, model: type[BaseModel], rows: Sequence[Row]) -> None:
    """Update rows of `model` by id (each row: "id" and the fields it changes), in the
    caller's transaction: one statement made once for each set of fields changed."""
    by_fields: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        by_fields.setdefault(tuple(name for name in row if name != "id"), []).append(row)
    meta = model._meta
    quote = database.quote
    key = meta.primary_key.column_name  # type: ignore[union-attr]
    for given, group in by_fields.items():
        fields = tuple(meta.fields[name] for name in given)
        sets = ", ".join(f"{quote[0]}{f.column_name}{quote[1]} = {database.param}" for f in fields)
        sql = (
            f"UPDATE {quote[0]}{meta.table_name}{quote[1]} SET {sets} "
            f"WHERE {quote[0]}{key}{quote[1]} = {database.param}"
        )
        values = [(*(f.db_value(row[f.name]) for f in fields), row["id"]) for row in group]
        database.cursor().executemany(sql, values)  # type: ignore[no-untyped-call]


def insert_row(database: Database, model: type[BaseModel], row: Row) -> int:
    """Insert one row; its id."""
    sql, fields = _statement(database.param, database.quote, model, tuple(row))
    id_column = model._meta.primary_key.column_name  # type: ignore[union-attr]
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        f"{sql} RETURNING {database.quote[0]}{id_column}{database.quote[1]}",
        _values(row, fields, _defaults(fields, row)),
    )
    return int(cursor.fetchone()[0])


def _values(row: Row, fields: tuple[Field, ...], defaults: tuple[object, ...]) -> tuple[Any, ...]:
    return tuple(
        field.db_value(row.get(field.name, default))  # type: ignore[no-untyped-call]
        for field, default in zip(fields, defaults, strict=True)
    )


def _defaults(fields: tuple[Field, ...], given: Row) -> tuple[object, ...]:
    """What a field the rows leave out stores (a callable default called now)."""
    return tuple(
        None
        if field.name in given
        else field.default()
        if callable(field.default)
        else field.default
        for field in fields
    )


@functools.cache
def _statement(
    param: str, quote: str, model: type[BaseModel], given: tuple[str, ...]
) -> tuple[str, tuple[Field, ...]]:
    """The INSERT for the fields `given`, and those with a default or not null."""
    meta = model._meta
    fields = tuple(
        field
        for field in meta.sorted_fields
        if field is not meta.primary_key
        and (field.name in given or field.default is not None or not field.null)
    )
    names = ", ".join(f"{quote[0]}{field.column_name}{quote[1]}" for field in fields)
    marks = ", ".join([param] * len(fields))
    table = f"{quote[0]}{meta.table_name}{quote[1]}"
    return f"INSERT INTO {table} ({names}) VALUES ({marks})", fields
