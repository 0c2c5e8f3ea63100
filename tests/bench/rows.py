"""Bulk inserts for the benchmarks' practices, shaped by db/models.py as it is today.

A generator writes rows for the columns it knows (`"patient_id"`, `"start"`, …), as
SQLite stores them, with `executemany` on the raw connection (on PostgreSQL, COPY:
`copy_rows`): a million rows in seconds, where peewee's `insert_many` takes minutes.
Every other column of the model takes the model's default, or NULL when the field
may be null; so a column added to the models later (a PIN's hash, a lockout) needs
nothing here. Only what cannot be guessed stops the build, with the model and column
named: a column the generator writes that the model no longer has, or a new column
that is required and has no default.

`schema_version()` names the newest migration, for a cached practice to be rebuilt
when the schema moves on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from peewee import AutoField, Database

from db.models import BaseModel
from db.store import MIGRATIONS

Row = tuple[Any, ...]
CHUNK = 50_000  # rows per executemany


class SchemaMoved(SystemExit):
    """The models changed in a way the generator cannot follow by itself."""


def schema_version() -> str:
    """The newest migration's name: a cached practice older than it is built again."""
    return max(path.stem for path in MIGRATIONS.glob("[0-9]*.py"))


@cache
def statement(model: type[BaseModel], columns: tuple[str, ...]) -> tuple[str, Row]:
    """The INSERT for `columns` of `model`, and the values of the columns left to defaults.

    Raises SchemaMoved when a column is gone or a required one has no default.
    """
    names, defaults = layout(model, columns)
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" * len(names))
    return f'INSERT INTO "{model._meta.table_name}" ({quoted}) VALUES ({marks})', defaults


@cache
def layout(model: type[BaseModel], columns: tuple[str, ...]) -> tuple[tuple[str, ...], Row]:
    """Every column a row of `model` is written with: `columns`, then those left to their
    defaults; and the defaults' values. Raises SchemaMoved as `statement` says."""
    meta = model._meta
    by_column = {field.column_name: field for field in meta.sorted_fields}
    gone = [column for column in columns if column not in by_column]
    if gone:
        raise SchemaMoved(
            f"db/models.py {model.__name__} has no column {', '.join(gone)} (it has "
            f"{', '.join(by_column)}): the benchmark writes it; update its generator"
        )
    names = list(columns)
    defaults: list[Any] = []
    for column, field in by_column.items():
        if column in columns or isinstance(field, AutoField) or field is meta.primary_key:
            continue
        if field.default is not None:
            value = field.default() if callable(field.default) else field.default
            names.append(column)
            defaults.append(field.db_value(value))
        elif not field.null:
            raise SchemaMoved(
                f"db/models.py {model.__name__}.{field.name} is required and has no default: "
                "the benchmark cannot guess it; give it a value in the benchmark's generator"
            )
    return tuple(names), tuple(defaults)


def insert_rows(
    database: Database, model: type[BaseModel], columns: tuple[str, ...], rows: Iterable[Row]
) -> None:
    """Write `rows` (values for `columns`, as stored) into `model`'s table."""
    sql, defaults = statement(model, columns)
    connection = database.connection()
    batch: list[Row] = []
    for row in rows:
        batch.append(row + defaults if defaults else row)
        if len(batch) >= CHUNK:
            connection.executemany(sql, batch)
            batch = []
    if batch:
        connection.executemany(sql, batch)


def copy_rows(
    database: Database, model: type[BaseModel], columns: tuple[str, ...], rows: Iterable[Row]
) -> None:
    """The same rows into a PostgreSQL database, by COPY (a million rows in seconds; one
    INSERT a row through psycopg takes minutes). Values go as text, which the server reads
    as SQLite stores them: a timestamp's ISO text, a flag's 0 or 1."""
    names, defaults = layout(model, columns)
    quoted = ", ".join(f'"{name}"' for name in names)
    cursor = database.cursor()
    with cursor.copy(f'COPY "{model._meta.table_name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(tuple(row) + defaults if defaults else row)


def check_models(models: Sequence[tuple[type[BaseModel], tuple[str, ...]]]) -> None:
    """Before a long build: stop at once if any model cannot be written as planned."""
    for model, columns in models:
        statement(model, columns)
