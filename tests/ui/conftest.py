"""Fixtures for the Pilot and snapshot tests: a practice on a real SQLite file, a frozen clock.

Two practices: a small hand-made one (`office`), whose every row a test can name,
and the demo practice (`demo`) at a fixed "now", the board a person sees first.
The demo takes a second to lay out, so it is built once a run (tests/conftest.py's
`built_once`) and each test gets its own copy of the file.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import built_once  # tests/conftest.py
from peewee import Database

from db import open_database
from db.models import (
    Appointment,
    Patient,
    Role,
    Room,
    SettingKey,
    Staff,
    utc_naive,
)
from om_tui.app import OmTuiApp, make_app
from om_tui.demo.office import open_demo
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.types import type_named

ZONE_NAME = "America/Chicago"
ZONE = ZoneInfo(ZONE_NAME)
DAY = dt.date(2026, 11, 18)  # a Wednesday


def local(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """An instant on DAY, given in the practice's own time."""
    return dt.datetime.combine(DAY, dt.time(hour, minute, second), tzinfo=ZONE)


OFFICE_NOW = local(10, 0)
DEMO_NOW = local(10, 7, 30)

# (key, first, last, date of birth, appointment today or None)
OFFICE_PATIENTS: tuple[tuple[str, str, str, dt.date, tuple[int, int] | None], ...] = (
    ("maria", "Maria", "Lopez", dt.date(1985, 3, 14), (10, 15)),
    ("tom", "Tom", "Baker", dt.date(1972, 7, 2), (9, 45)),
    ("nora", "Nora", "Quinn", dt.date(1990, 1, 30), (11, 0)),
    ("walter", "Walter", "Kim", dt.date(1961, 5, 9), None),
)


@dataclass
class Practice:
    """A practice database ready for the app, with the ids a test asks about."""

    path: Path
    database: Database
    clock: FrozenClock
    patients: dict[str, int] = field(default_factory=dict)
    appointments: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)
    providers: dict[str, int] = field(default_factory=dict)

    def app(self, **options: Any) -> OmTuiApp:
        return make_app(self.database, clock=self.clock, **options)

    def flow(self) -> Flow:
        return Flow(self.database, self.clock, settings.load(self.database), ADMINISTRATOR)

    def row_key(self, who: str) -> str:
        """The board's key for a patient's appointment today."""
        return f"a{self.appointments[who]}"


def build_office(path: Path) -> Practice:
    """Two providers, two rooms, four patients; Tom has just arrived, Walter has no
    appointment, Maria and Nora are expected."""
    database = open_database(path)
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    settings.put(database, settings.NAME, "Lakeview Chiropractic")
    settings.put(database, SettingKey.LAST_BACKUP, OFFICE_NOW.isoformat())  # no reminder
    practice = Practice(path, database, FrozenClock(OFFICE_NOW))
    Staff.create(name="Jo Desk", initials="JD", role=Role.FRONT_DESK)
    for name, initials in (("Dr. Ada Park", "AP"), ("Dr. Ben Ruiz", "BR")):
        staff = Staff.create(name=name, initials=initials, role=Role.STAFF, provider=True)
        practice.providers[name] = staff.id
    for position, name in enumerate(("Room 1", "Room 2"), start=1):
        practice.rooms[name] = Room.create(name=name, position=position).id
    created = utc_naive(OFFICE_NOW - dt.timedelta(days=400))
    for number, (key, first, last, dob, booked) in enumerate(OFFICE_PATIENTS):
        patient = Patient.create(
            first_name=first,
            last_name=last,
            dob=dob,
            phone=f"555-010-{number:04d}",
            chart_number=str(300001 + number),
            created=created,
        )
        practice.patients[key] = patient.id
        if booked is not None:
            practice.appointments[key] = Appointment.create(
                patient=patient.id,
                provider=practice.providers["Dr. Ada Park"],
                start=utc_naive(local(*booked)),
                type=type_named("Regular").id,
            ).id
    practice.flow().check_in(practice.patients["tom"], practice.appointments["tom"])
    return practice


@pytest.fixture
def office(tmp_path: Path, new_practice_file: Callable[[Path], Path]) -> Iterator[Practice]:
    """The hand-made practice at ten in the morning; Tom arrived at this very second."""
    practice = build_office(new_practice_file(tmp_path / "office.db"))
    yield practice
    practice.database.close()


def _build_demo(path: Path) -> None:
    database = open_database(path)
    open_demo(database, DEMO_NOW, ZONE)
    database.close()  # the last connection checkpoints the WAL into the file


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo practice laid out once a run, closed, to be copied by each test."""
    return built_once(tmp_path_factory, "demo.db", _build_demo)


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Practice]:
    """The demo practice (Riverside Chiropractic) at 10:07:30 on DAY, Chicago time."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    database = open_database(path)
    open_demo(database, DEMO_NOW, ZONE)  # the live day is already today: nothing to lay
    yield Practice(path, database, FrozenClock(DEMO_NOW))
    database.close()


# -- the stats screens ---------------------------------------------------------------------

#: The stats tests' "now": the demo's Wednesday morning, mid-week (the stats week ends
#: Thursday 19 November 14:00 Chicago time), well away from the Thursday cutoff.
STATS_NOW = DEMO_NOW
STATS_WEEK = dt.date(2026, 11, 19)


def _build_stats_demo(path: Path) -> None:
    from om_tui.demo.opening import open_demo_practice

    database = open_database(path)
    settings.set_timezone(
        database, ZONE_NAME, by=ADMINISTRATOR
    )  # before the demo: its weeks are Chicago's
    open_demo_practice(database, FrozenClock(STATS_NOW))
    database.close()


@pytest.fixture(scope="session")
def stats_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo practice with its stats (two years of weekly history), laid out once a run
    (the snapshot tests' conftest shares it too)."""
    return built_once(tmp_path_factory, "stats-demo.db", _build_stats_demo)


@pytest.fixture
def stats_demo(stats_demo_template: Path, tmp_path: Path) -> Iterator[Practice]:
    """The demo practice with stats, at 10:07:30 on Wednesday 18 November, Chicago time."""
    path = tmp_path / "stats-demo.db"
    shutil.copyfile(stats_demo_template, path)
    database = open_database(path)
    yield Practice(path, database, FrozenClock(STATS_NOW))
    database.close()
