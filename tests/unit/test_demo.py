"""The demo practice: the same "now" gives the same practice, and its day stays alive.

Building a demo takes about a second, so the module builds two and shares them;
every test rebinds the models to the database it reads.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from db import MODELS, Appointment, Patient, Room, SettingKey, Staff, Stage, Visit, open_database
from om_tui.demo.office import PATIENTS, PRACTICE_NAME, open_demo
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.board import BoardRow, Severity, is_late, severity
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.stages import IN_OFFICE

ZONE = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 18, 11, 7, 23, tzinfo=ZONE)  # a Wednesday morning
TODAY = NOW.date()


def _build(path: Path, now: dt.datetime = NOW) -> Database:
    database = open_database(path)
    open_demo(database, now, ZONE)
    return database


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Database]]:
    folder = tmp_path_factory.mktemp("demo")
    first = _build(folder / "first.db")
    second = _build(folder / "second.db")
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def demo(demo_files: tuple[Database, Database]) -> Database:
    database = demo_files[0]
    database.bind(MODELS)
    return database


def _flow(database: Database, now: dt.datetime = NOW) -> Flow:
    return Flow(database, FrozenClock(now), settings.load(database))


def _picture(rows: list[BoardRow]) -> list[tuple[object, ...]]:
    """What a person sees of each row, in a fixed order."""
    return sorted(
        (
            r.full_name,
            r.stage,
            r.appointment_start,
            r.stage_since,
            r.arrived_at,
            r.finished_at,
            r.kind,
            r.provider,
            r.room,
        )
        for r in rows
    )


def test_the_same_now_gives_the_same_practice(demo_files: tuple[Database, Database]) -> None:
    pictures = []
    for database in demo_files:
        database.bind(MODELS)
        pictures.append(_picture(_flow(database).board().rows))
        pictures.append(
            [p.chart_number + p.full_name for p in Patient.select().order_by(Patient.id)]
        )
    first_board, first_patients, second_board, second_patients = pictures
    assert first_board == second_board
    assert len(first_board) > 30
    assert first_patients == second_patients


def test_the_demo_practice_is_set_up(demo: Database) -> None:
    loaded = settings.load(demo)
    assert loaded.name == PRACTICE_NAME
    assert loaded.timezone == "America/New_York"
    assert Patient.select().count() == PATIENTS == 2000
    assert Patient.select(Patient.chart_number).distinct().count() == 2000
    assert Staff.select().where(Staff.provider == True).count() >= 2  # noqa: E712
    assert Room.select().count() >= 3
    assert settings.get(demo, SettingKey.DEMO_DAY) == TODAY.isoformat()


def test_today_has_about_forty_appointments(demo: Database) -> None:
    board = _flow(demo).board()
    assert board.day == TODAY
    booked = [r for r in board.rows if r.appointment_id is not None]
    assert 35 <= len(booked) <= 45
    walk_ins = [r for r in board.rows if r.appointment_id is None]
    assert len(walk_ins) == 1
    assert all(r.appointment_start is not None for r in booked)
    assert all(TODAY == r.appointment_start.astimezone(ZONE).date() for r in booked)  # type: ignore[union-attr]


def test_today_shows_every_kind_of_moment(demo: Database) -> None:
    flow = _flow(demo)
    rows = flow.board().rows
    stages = Counter(r.stage for r in rows)
    for stage in (Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT, Stage.DONE):
        assert stages[stage] >= 1, stage
    assert stages[Stage.SCHEDULED] >= 10  # the afternoon is still to come
    assert stages[Stage.NO_SHOW] == 1
    late = [r for r in rows if is_late(r, NOW, flow.settings)]
    assert len(late) == 1
    assert late[0].stage == Stage.SCHEDULED
    levels = Counter(severity(r, NOW, flow.settings) for r in rows)
    assert levels[Severity.ALERT] >= 1
    assert levels[Severity.WARNING] >= 2  # someone waiting long, and the late one
    # Nobody is in the office before they arrive, or in two rooms at once.
    in_office = [r for r in rows if r.stage in IN_OFFICE]
    assert all(r.arrived_at is not None and r.arrived_at <= NOW for r in in_office)
    rooms = [r.room for r in rows if r.stage in (Stage.ROOMED, Stage.WITH_PROVIDER)]
    assert all(rooms) and len(set(rooms)) == len(rooms)
    figures = flow.board().figures(NOW)
    assert figures.in_office == len(in_office)
    assert figures.no_shows == 1
    assert figures.waiting == stages[Stage.ARRIVED]


def test_there_is_history_before_today(demo: Database) -> None:
    past = Visit.select().where(Visit.date < TODAY)
    assert past.count() > 500
    assert not past.where(Visit.stage.in_(list(IN_OFFICE) + [Stage.SCHEDULED])).exists()
    weekend = [
        v.date for v in Visit.select(Visit.date).where(Visit.date < TODAY) if v.date.weekday() >= 5
    ]
    assert weekend == []


def test_opening_again_the_same_day_changes_nothing(demo: Database) -> None:
    before = (Appointment.select().count(), Visit.select().count())
    open_demo(demo, NOW + dt.timedelta(hours=2), ZONE)
    assert (Appointment.select().count(), Visit.select().count()) == before


def test_a_later_day_rolls_the_live_day_forward(demo: Database, tmp_path: Path) -> None:
    copy = tmp_path / "later.db"
    demo.execute_sql("VACUUM INTO ?", (str(copy),))
    later = open_database(copy)
    try:
        monday = NOW + dt.timedelta(days=5)  # Wednesday → the next Monday
        open_demo(later, monday, ZONE)
        assert settings.get(later, SettingKey.DEMO_DAY) == monday.date().isoformat()

        new_day = _flow(later, monday).board()
        assert new_day.day == monday.date()
        assert 35 <= sum(1 for r in new_day.rows if r.appointment_id is not None) <= 45
        assert Counter(r.stage for r in new_day.rows)[Stage.NO_SHOW] == 1
        assert any(r.stage == Stage.ARRIVED for r in new_day.rows)

        old_day = _flow(later, monday).board(TODAY)
        assert len(old_day.rows) >= 35
        assert not [r for r in old_day.rows if r.stage in IN_OFFICE]
        assert not [r for r in old_day.rows if r.stage == Stage.SCHEDULED]

        # The days between were filled in as history, the weekend left empty.
        for gap in (1, 2):  # Thursday, Friday
            assert _flow(later, monday).board(TODAY + dt.timedelta(days=gap)).rows
        for weekend in (3, 4):
            assert not _flow(later, monday).board(TODAY + dt.timedelta(days=weekend)).rows
    finally:
        later.close()
        demo.bind(MODELS)


def test_the_demo_opens_on_either_store(database: Database) -> None:
    """`om-tui --demo --db postgresql://…` too: each of today's visits is its own
    appointment's, on the server as in a file."""
    open_demo(database, NOW, ZONE)

    today = list(Visit.select().where(Visit.date == TODAY, Visit.appointment.is_null(False)))
    assert len(today) > 10  # the morning so far: those who came, or were missed
    assert all(visit.appointment.patient_id == visit.patient_id for visit in today)
    assert all(visit.appointment.start.date() == TODAY for visit in today)
