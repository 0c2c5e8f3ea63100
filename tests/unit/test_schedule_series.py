"""Recurring appointments: expansion in local time (DST in New York, a year's end), the
cap on a series without an end, a holiday crossed, one occurrence changed, and "this
and following"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from db.models import Appointment, as_utc
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours, types
from om_tui.practice.schedule.access import DOUBLE_BOOK, NeedsConsent, ScheduleError
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.series import (
    CAP_WEEKS,
    Rule,
    book_series,
    change_following,
    occurrences,
    read_rule,
    repeat,
)

from .practice_fixture import ZONE, Practice, local

NEW_YORK = ZoneInfo("America/New_York")
MWF = (0, 2, 4)


def _local(moments: list[dt.datetime]) -> list[str]:
    return [f"{m.astimezone(NEW_YORK):%a %d %b %H:%M}" for m in moments]


def test_spring_forward_keeps_nine_oclock() -> None:
    # Clocks go forward on Sunday 8 March 2026 in New York.
    rule = Rule(MWF, dt.time(9, 0), dt.date(2026, 3, 2), count=6)
    found = occurrences(rule, NEW_YORK)
    assert _local(found) == [
        "Mon 02 Mar 09:00",
        "Wed 04 Mar 09:00",
        "Fri 06 Mar 09:00",
        "Mon 09 Mar 09:00",
        "Wed 11 Mar 09:00",
        "Fri 13 Mar 09:00",
    ]
    assert [m.hour for m in found] == [14, 14, 14, 13, 13, 13]  # UTC


def test_fall_back_keeps_nine_oclock() -> None:
    # Clocks go back on Sunday 1 November 2026.
    rule = Rule((3,), dt.time(9, 0), dt.date(2026, 10, 22), until=dt.date(2026, 11, 12))
    found = occurrences(rule, NEW_YORK)
    assert _local(found) == [
        "Thu 22 Oct 09:00",
        "Thu 29 Oct 09:00",
        "Thu 05 Nov 09:00",
        "Thu 12 Nov 09:00",
    ]
    assert [m.hour for m in found] == [13, 13, 14, 14]


def test_a_series_runs_over_the_year_end_every_two_weeks() -> None:
    rule = Rule((1, 3), dt.time(16, 30), dt.date(2026, 12, 22), every_weeks=2, count=5)
    assert _local(occurrences(rule, NEW_YORK)) == [
        "Tue 22 Dec 16:30",
        "Thu 24 Dec 16:30",
        "Tue 05 Jan 16:30",
        "Thu 07 Jan 16:30",
        "Tue 19 Jan 16:30",
    ]


def test_a_series_without_an_end_is_capped_and_says_so() -> None:
    rule = Rule((0,), dt.time(9, 0), dt.date(2026, 11, 23))
    assert len(occurrences(rule, NEW_YORK)) == CAP_WEEKS
    assert rule.described == "Mon at 09:00, weekly, for 52 weeks (no end was given)"


@pytest.mark.parametrize(
    "rule",
    [
        Rule((), dt.time(9), dt.date(2026, 11, 23), count=3),
        Rule((0,), dt.time(9), dt.date(2026, 11, 23), every_weeks=0, count=3),
        Rule((0,), dt.time(9), dt.date(2026, 11, 23), until=dt.date(2026, 11, 1)),
        Rule((0,), dt.time(9), dt.date(2026, 11, 23), count=0),
    ],
)
def test_a_rule_that_cannot_be_is_refused(rule: Rule) -> None:
    with pytest.raises(ScheduleError):
        occurrences(rule, NEW_YORK)


def _series(book: Book, practice: Practice, rule: Rule, who: str = "eve") -> int:
    regular = types.type_named("Regular")
    made = book_series(book, practice.patients[who], rule, 15, practice.provider, regular.id)
    return made.series_id


def _starts(series_id: int) -> list[str]:
    query = (
        Appointment.select()
        .where(Appointment.series == series_id, Appointment.cancelled_at.is_null())
        .order_by(Appointment.start)
    )
    return [f"{as_utc(a.start).astimezone(ZONE):%a %d %b %H:%M}" for a in query]


def test_a_series_crossing_a_holiday_leaves_that_day_out_and_says_so(
    database: Database, book: Book, practice: Practice, clock: FrozenClock
) -> None:
    christmas = dt.date(2026, 12, 25)
    hours.add_blockout(
        database,
        clock,
        ADMINISTRATOR,
        None,
        local(0, 0, day=christmas),
        local(0, 0, day=christmas + dt.timedelta(days=1)),
        "Christmas",
    )
    rule = Rule((4,), dt.time(9, 0), dt.date(2026, 12, 18), count=3)
    made = book_series(book, practice.patients["eve"], rule, 15, practice.provider)
    assert _starts(made.series_id) == ["Fri 18 Dec 09:00", "Fri 01 Jan 09:00"]
    assert made.skipped == [local(9, 0, day=christmas)]
    assert "1 left out (the practice is closed)" in made.description


def test_a_series_on_a_taken_slot_asks_and_books_nothing_until_agreed(
    book: Book, practice: Practice
) -> None:
    book.book(
        practice.patients["gus"], local(9, 0, day=dt.date(2026, 11, 25)), 15, practice.provider
    )
    rule = Rule((2,), dt.time(9, 0), dt.date(2026, 11, 25), count=3)
    with pytest.raises(NeedsConsent) as asked:
        _series(book, practice, rule)
    assert asked.value.consent == DOUBLE_BOOK
    assert Appointment.select().where(Appointment.patient == practice.patients["eve"]).count() == 0
    made = book_series(
        book, practice.patients["eve"], rule, 15, practice.provider, consent={DOUBLE_BOOK}
    )
    assert made.booked == 3


def test_one_occurrence_moved_or_cancelled_leaves_the_others(
    book: Book, practice: Practice
) -> None:
    series = _series(book, practice, Rule(MWF, dt.time(9, 0), dt.date(2026, 11, 23), count=6))
    rows = list(
        Appointment.select().where(Appointment.series == series).order_by(Appointment.start)
    )
    second = book.entry(rows[1].id)
    book.move(second.id, second.version, local(11, 0, day=dt.date(2026, 11, 26)))
    third = book.entry(rows[2].id)
    book.cancel(third.id, third.version, types.cancel_reasons()[0][0])
    assert _starts(series) == [
        "Mon 23 Nov 09:00",
        "Thu 26 Nov 11:00",
        "Mon 30 Nov 09:00",
        "Wed 02 Dec 09:00",
        "Fri 04 Dec 09:00",
    ]
    moved = Appointment.get_by_id(second.id)
    assert (moved.series_id, as_utc(moved.replaces)) == (
        series,
        local(9, 0, day=dt.date(2026, 11, 25)),
    )


def test_this_and_following_splits_the_series_keeping_what_was_changed(
    book: Book, practice: Practice
) -> None:
    series = _series(book, practice, Rule(MWF, dt.time(9, 0), dt.date(2026, 11, 23), count=6))
    rows = list(
        Appointment.select().where(Appointment.series == series).order_by(Appointment.start)
    )
    fifth = book.entry(rows[4].id)
    book.move(fifth.id, fifth.version, local(12, 0, day=dt.date(2026, 12, 2)))  # one by one
    third = book.entry(rows[2].id)
    made = change_following(book, third.id, third.version, at=dt.time(10, 30))
    assert _starts(series) == ["Mon 23 Nov 09:00", "Wed 25 Nov 09:00", "Wed 02 Dec 12:00"]
    assert _starts(made.appointment_id) == [
        "Fri 27 Nov 10:30",
        "Mon 30 Nov 10:30",
        "Fri 04 Dec 10:30",
    ]
    assert "from Fri 27 Nov on" in made.description


def test_stopping_a_series_from_one_occurrence(book: Book, practice: Practice) -> None:
    series = _series(book, practice, Rule((0,), dt.time(9, 0), dt.date(2026, 11, 23), count=4))
    rows = list(
        Appointment.select().where(Appointment.series == series).order_by(Appointment.start)
    )
    third = book.entry(rows[2].id)
    change_following(book, third.id, third.version, stop=True)
    assert _starts(series) == ["Mon 23 Nov 09:00", "Mon 30 Nov 09:00"]


def test_a_rule_as_typed() -> None:
    today = dt.date(2026, 11, 18)
    rule = read_rule("mon wed fri", "2", "6 times", today, dt.time(9), today)
    assert (rule.weekdays, rule.every_weeks, rule.count, rule.until) == ((0, 2, 4), 2, 6, None)
    assert read_rule("", "", "12/15", today, dt.time(9), today).until == dt.date(2026, 12, 15)
    assert read_rule("", "", "", today, dt.time(9), today).capped
    for days, every, ends in (("mon", "x", ""), ("someday", "1", ""), ("mon", "1", "2/31")):
        with pytest.raises(ScheduleError):
            read_rule(days, every, ends, today, dt.time(9), today)


def test_an_appointment_repeated_is_the_first_of_its_series(book: Book, practice: Practice) -> None:
    first = book.book(practice.patients["eve"], local(15, 0), 15, practice.provider)
    seen = book.entry(first.appointment_id)
    rule = Rule((2,), dt.time(15, 0), dt.date(2026, 11, 18), count=3)
    made = repeat(book, seen.id, seen.version, rule)
    assert made.booked == 2
    assert _starts(made.series_id) == ["Wed 18 Nov 15:00", "Wed 25 Nov 15:00", "Wed 02 Dec 15:00"]


def test_only_the_front_desk_and_managers_book_or_change_a_series(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    from db.models import Appointment
    from om_tui.practice import settings
    from om_tui.practice.schedule.series import change_following, repeat

    from .practice_fixture import DAY

    staff = Book(database, clock, settings.load(database), staff_id=practice.other_provider)
    rule = Rule((DAY.weekday(),), dt.time(14, 0), DAY + dt.timedelta(days=7), count=2)
    with pytest.raises(ScheduleError, match="Only the front desk"):
        book_series(staff, practice.patients["eve"], rule, 15, practice.provider)
    dee = Appointment.get_by_id(practice.appointments["dee"])
    with pytest.raises(ScheduleError, match="Only the front desk"):
        repeat(staff, dee.id, dee.version, rule)
    with pytest.raises(ScheduleError, match="Only the front desk"):
        change_following(staff, dee.id, dee.version, stop=True)
    assert not Appointment.select().where(Appointment.series.is_null(False)).exists()
