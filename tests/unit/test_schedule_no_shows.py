"""The practice's no-show rule, recorded: a booking unarrived past the rule is marked
missed once, by whichever terminal sees it first, counted, on the trail, and can be
taken back (fixture practice: New York, Wed 18 Nov 2026, 10:00; Ann booked 9:00)."""

from __future__ import annotations

import json
import threading

import pytest
from peewee import Database

from db.models import Appointment, Stage, as_utc
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.access import ScheduleError
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.no_shows import due, record_no_shows, take_back
from om_tui.practice.stats.figures import flow_figures

from .practice_fixture import DAY, Practice, local


@pytest.fixture
def ruled(database: Database) -> settings.PracticeSettings:
    """The practice's rule: a booking unarrived 45 minutes past its start is a no-show."""
    settings.set_no_show_after(database, 45, by=ADMINISTRATOR)
    return settings.load(database)


def test_a_booking_past_the_rule_is_recorded_missed_once(
    database: Database, practice: Practice, clock: FrozenClock, ruled: settings.PracticeSettings
) -> None:
    ann, ben = practice.appointments["ann"], practice.appointments["ben"]  # 9:00, 9:30
    assert record_no_shows(database, clock, ruled) == [ann]
    marked = Appointment.get_by_id(ann)
    assert as_utc(marked.missed_at) == local(9, 45)  # when it became one, not when seen
    assert marked.missed_by is None and marked.rule_applied
    assert Appointment.get_by_id(ben).missed_at is None  # 30 minutes late: not yet
    # A second terminal (its own Flow and Book on the same file) finds nothing to do.
    second = Flow(database, clock, ruled, staff_id=practice.desk)
    assert record_no_shows(second.database, second.clock, second.settings) == []
    assert practice.row(second, "ann").stage == Stage.NO_SHOW
    entry = Book(database, clock, ruled, staff_id=practice.desk).entry(ann)
    assert entry.missed  # the book shows it missed too


def test_the_rule_recorded_counts_as_a_no_show_and_is_on_the_trail(
    database: Database, practice: Practice, clock: FrozenClock, ruled: settings.PracticeSettings
) -> None:
    start, end = ruled.day_bounds(DAY)
    before = flow_figures(start, end)["no_shows"] or 0
    record_no_shows(database, clock, ruled)
    assert flow_figures(start, end)["no_shows"] == before + 1
    entries = [
        json.loads(entry)
        for (entry,) in database.execute_sql("SELECT entry FROM audit ORDER BY id").fetchall()
    ]
    changes = [e for e in entries if (e["action"], e["subject"]) == ("change", "appointment")]
    assert [(c["before"]["missed_at"], c["after"]["rule_applied"]) for c in changes] == [
        (None, True)
    ]


def test_two_terminals_at_the_same_moment_record_it_once(
    database: Database, practice: Practice, clock: FrozenClock, ruled: settings.PracticeSettings
) -> None:
    marked: dict[str, list[int]] = {}
    ready = threading.Barrier(2)

    def terminal(name: str) -> None:
        flow = Flow(database, clock, ruled, staff_id=practice.desk)
        with database.connection_context():
            ready.wait()
            marked[name] = record_no_shows(flow.database, flow.clock, flow.settings)

    threads = [threading.Thread(target=terminal, args=(n,)) for n in ("desk", "back office")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(marked.values(), key=len) == [[], [practice.appointments["ann"]]]
    assert Appointment.get_by_id(practice.appointments["ann"]).version == 1


def test_a_no_show_taken_back_is_expected_again_and_not_marked_twice(
    database: Database, practice: Practice, clock: FrozenClock, ruled: settings.PracticeSettings
) -> None:
    flow = Flow(database, clock, ruled, staff_id=practice.desk)
    record_no_shows(database, clock, ruled)
    said = take_back(database, practice.desk, practice.appointments["ann"])
    assert "expected again" in said
    assert practice.row(flow, "ann").stage == Stage.SCHEDULED
    clock.advance(minutes=15)  # Ben, 9:30, is 45 minutes late
    assert due(database, clock, ruled) == [(practice.appointments["ben"], 0)]
    assert record_no_shows(database, clock, ruled) == [practice.appointments["ben"]]
    assert practice.row(flow, "ann").stage == Stage.SCHEDULED  # she is still expected
    with pytest.raises(ScheduleError, match="not marked missed"):
        take_back(database, practice.desk, practice.appointments["ann"])


def test_checked_in_or_cancelled_bookings_and_a_rule_of_0_mark_nothing(
    database: Database, practice: Practice, clock: FrozenClock, ruled: settings.PracticeSettings
) -> None:
    flow = Flow(database, clock, ruled, staff_id=practice.desk)
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    assert record_no_shows(database, clock, ruled) == []
    settings.set_no_show_after(database, 0, by=ADMINISTRATOR)
    clock.advance(hours=3)
    assert record_no_shows(database, clock, settings.load(database)) == []
