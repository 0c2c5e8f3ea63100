"""Opening the practice's database: where it lives, its settings, its schema."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import platformdirs
from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from db import audit
from db.models import MODELS

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_TABLE = "schema_migration"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "full",
}


class StoreError(Exception):
    """The database cannot be opened or used; the message is fit for a person."""


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("om-tui", appauthor=False)) / "practice.db"


def open_database(
    target: str | os.PathLike[str] | None = None, *, busy_timeout: float = 5.0
) -> Database:
    """Open (creating if absent) the practice database, migrate it, bind the models.

    `target` is a file path or a database URL (`postgresql://…`); None means the
    default file under the user's data directory. `busy_timeout` is how long, in
    seconds, a write waits for another process's write lock before giving up.
    """
    if target is not None and "://" in str(target):
        database = _open_url(str(target))
    else:
        path = Path(target) if target is not None else default_path()
        database = _open_sqlite(path, busy_timeout)
    database.bind(MODELS)
    return database


def _open_url(url: str) -> Database:
    from db import postgres  # only for a server database: keeps start-up lean

    if not postgres.is_server_url(url):
        scheme = url.split("://", 1)[0]
        raise StoreError(f"om-tui opens a file or a postgresql:// URL, not {scheme}://.")
    try:
        database = postgres.connect(url)
    except postgres.ServerError as error:
        raise StoreError(str(error)) from None
    tables = database.get_tables()
    if tables and MIGRATION_TABLE not in tables:
        database.close()
        raise StoreError(
            f"The database at {postgres.shown(url)} holds another application's tables, "
            "not om-tui's."
        )
    _migrate(database)
    return database


def _open_sqlite(path: Path, busy_timeout: float) -> SqliteDatabase:
    path = path.expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file.")
    if path.exists():
        _check_is_ours(path)
    else:
        _create_private(path)
    database = SqliteDatabase(
        str(path),
        pragmas={**SQLITE_PRAGMAS, "busy_timeout": int(busy_timeout * 1000)},
        timeout=busy_timeout,
        # Every write transaction takes the write lock up front: with plain
        # BEGIN, read-then-write transactions in several processes deadlock
        # into "database is locked".
        lock_type="IMMEDIATE",
    )
    audit.register(database)  # before the first connection: every connection gets them
    try:
        database.connect()
        database.get_tables()
    except (DatabaseError, sqlite3.DatabaseError) as error:
        database.close()
        raise StoreError(f"Cannot open {path}: {error}") from None
    _migrate(database)
    return database


def _check_is_ours(path: Path) -> None:
    """Look, read-only, before any setting touches the file: is it ours (or empty)?"""
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as probe:
            tables = {row[0] for row in probe.execute("select name from sqlite_master")}
    except sqlite3.DatabaseError:
        raise StoreError(f"{path} is not an om-tui database (not a SQLite file).") from None
    except OSError as error:
        raise StoreError(f"Cannot read {path}: {error.strerror}.") from None
    if tables and MIGRATION_TABLE not in tables:
        raise StoreError(f"{path} is a SQLite file, but not an om-tui database.")


def _create_private(path: Path) -> None:
    """Create the file (and its directory) readable by its owner only."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise StoreError(f"Cannot create the database at {path}: {reason}.") from None
    os.close(descriptor)


def _behind(database: Database) -> bool:
    """Has the database not had every migration there is? Read without the runner,
    whose import (playhouse's schema tools) would cost every start-up ~17 ms."""
    if not database.table_exists(MIGRATION_TABLE):
        return True
    applied = {name for (name,) in database.execute_sql(f'SELECT name FROM "{MIGRATION_TABLE}"')}  # type: ignore[no-untyped-call]
    return any(path.stem not in applied for path in MIGRATIONS.glob("[0-9]*.py"))


def _migrate(database: Database) -> None:
    try:
        if not _behind(database):
            audit.install(database)
            return
        from playhouse.migrations import Runner

        runner = Runner(database, directory=str(MIGRATIONS), table_name=MIGRATION_TABLE)
        if any(m.applied is None and m.path is not None for m in runner.status()):
            # The audit triggers name the tables' columns: rebuilt from the new schema below.
            audit.drop_capture(database)
        applied = runner.up()
        if applied and audit.has_trail(database):
            audit.record(database, "migrate", "", {"applied": applied})
        audit.install(database)
    except OperationalError as error:
        raise StoreError(f"Cannot update the database schema: {error}") from None
