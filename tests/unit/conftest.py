"""Shared fixtures: a real practice database in tmp_path, a frozen clock, a small practice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from db import MODELS, open_database
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow import Flow
from om_tui.practice.schedule.book import Book

from .practice_fixture import Practice, build_practice, local


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "practice.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A freshly created, migrated practice database; the models are bound to it."""
    opened = open_database(db_path)
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
