"""The next free slot: hours, bookings, blockouts and days off, for one provider or any."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.slots import next_free

from .practice_fixture import DAY, Practice, local

THU = DAY + dt.timedelta(days=1)


def _hours(database: Database, who: int, text: str = "9-12 13-17") -> None:
    hours.set_hours(database, ADMINISTRATOR, who, range(5), hours.parse_stretches(text))


def test_the_first_gap_long_enough_after_now(
    database: Database, book: Book, practice: Practice
) -> None:
    _hours(database, practice.other_provider)
    book.book(practice.patients["eve"], local(10, 0), 30, practice.other_provider)
    book.book(practice.patients["gus"], local(10, 45), 15, practice.other_provider)
    found = next_free(book, 30, practice.other_provider, local(10, 0))
    assert found is not None
    assert (found.provider_id, found.start) == (practice.other_provider, local(11, 0))
    short = next_free(book, 15, practice.other_provider, local(10, 0))
    assert short is not None and short.start == local(10, 30)


def test_lunch_the_day_end_blockouts_and_days_off_are_skipped(
    database: Database, book: Book, practice: Practice, clock: FrozenClock
) -> None:
    _hours(database, practice.other_provider, "9-12 13-17")
    assert next_free(book, 30, practice.other_provider, local(11, 45)).start == local(13, 0)  # type: ignore[union-attr]
    hours.add_blockout(
        database, clock, ADMINISTRATOR, practice.other_provider, local(16, 0), local(9, 30, day=THU)
    )
    found = next_free(book, 30, practice.other_provider, local(15, 45))
    assert found is not None and found.start == local(9, 30, day=THU)
    saturday = DAY + dt.timedelta(days=3)
    found = next_free(
        book, 30, practice.other_provider, local(17, 0, day=DAY + dt.timedelta(days=2))
    )
    assert found is not None and found.start == local(9, 0, day=saturday + dt.timedelta(days=2))


def test_any_provider_gives_the_earliest(
    database: Database, book: Book, practice: Practice
) -> None:
    _hours(database, practice.provider, "13-17")
    _hours(database, practice.other_provider, "9-12")
    book.book(practice.patients["eve"], local(10, 0), 120, practice.other_provider)
    found = next_free(book, 30, None, local(10, 0))
    assert found is not None
    assert (found.provider_id, found.start) == (practice.provider, local(13, 0))


def test_nothing_free_in_eight_weeks_is_none(
    database: Database, book: Book, practice: Practice
) -> None:
    hours.set_hours(database, ADMINISTRATOR, practice.other_provider, range(7), [])
    hours.set_hours(
        database, ADMINISTRATOR, practice.other_provider, [0], hours.parse_stretches("9-10")
    )
    assert next_free(book, 90, practice.other_provider, local(10, 0)) is None
