"""Shared fixtures: a real practice database in tmp_path, a frozen clock, a small practice."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from peewee import Database, SqliteDatabase

from db import MODELS, audit, open_database
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.schedule.book import Book

from .postgres_server import PostgresServer, running_server
from .practice_fixture import Practice, build_practice, local


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "practice.db"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's throwaway PostgreSQL server, started on first use."""
    yield from running_server()


STORES = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test on the `database` fixture runs once on each store; one marked
    `backends("sqlite")` (SQLite's by nature: its file, its PRAGMAs) on SQLite only."""
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    metafunc.parametrize("backend", marker.args if marker else STORES, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The store under test: SQLite unless the test is marked for others too."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A freshly created, migrated practice database; the models are bound to it.

    Each a copy of the store's migrated template (the session's, on each store)."""
    if backend == "postgres":
        server = request.getfixturevalue("postgres_server")
        url = server.fresh_database()
        opened = open_database(url)
        yield opened
        opened.close()
        server.drop(url)  # the server stays the size of a few databases
    else:
        place = request.getfixturevalue("new_practice_file")
        opened = open_database(place(request.getfixturevalue("db_path")))
        yield opened
        opened.close()


Elsewhere = Callable[..., None]


@pytest.fixture
def elsewhere(database: Database) -> Elsewhere:
    """Another terminal's write: one statement (`?` for each value), committed on a
    connection of its own to the test's database, on either store, and on the trail
    (on SQLite as om-tui's functions name it, on the server as another program's)."""

    def write(sql: str, *values: object) -> None:
        if isinstance(database, SqliteDatabase):
            with closing(sqlite3.connect(database.database)) as other, other:
                audit.attach(other)
                other.execute("PRAGMA foreign_keys = ON")
                other.execute(sql, values)
        else:
            import psycopg

            params = getattr(database, "connect_params", {})
            with psycopg.connect(str(database.database), autocommit=True, **params) as other:
                other.execute(sql.replace("?", "%s"), values)  # type: ignore[arg-type]

    return write


@pytest.fixture
def clock() -> FrozenClock:
    """Ten in the morning, practice time, on the fixture's day."""
    return FrozenClock(local(10, 0))


@pytest.fixture
def practice(database: Database) -> Practice:
    database.bind(MODELS)
    with database.atomic():  # one commit, not one per row: keeps the suite quick
        return build_practice(database)


@pytest.fixture
def flow(database: Database, practice: Practice, clock: FrozenClock) -> Flow:
    """The front desk's view of the fixture practice, as the desk person."""
    return Flow(database, clock, settings.load(database), staff_id=practice.desk)


@pytest.fixture
def book(database: Database, practice: Practice, clock: FrozenClock) -> Book:
    """The appointment book of the fixture practice, as the desk person."""
    return Book(database, clock, settings.load(database), staff_id=practice.desk)
