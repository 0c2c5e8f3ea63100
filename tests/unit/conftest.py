"""Shared fixtures: a real practice database in tmp_path, a frozen clock, a small practice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from db import MODELS, open_database
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test (or module) marked `backends("sqlite", "postgres")` runs once on each store."""
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", marker.args, indirect=True)


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
        server.drop(url)
        return
    place = request.getfixturevalue("new_practice_file")
    opened = open_database(place(request.getfixturevalue("db_path")))
    yield opened
    opened.close()


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
