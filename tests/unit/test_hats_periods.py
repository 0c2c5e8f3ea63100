"""Period arithmetic for checklist items: days the office is open, stats weeks, months,
their deadlines across DST changes and year ends."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from db.models import Frequency
from om_tui.practice.hats.periods import Periods, parse_open_days
from om_tui.practice.hats.views import HatError
from om_tui.practice.stats.weeks import StatWeeks, WeekEnds
from om_tui.practice.time_words import clock_text

NEW_YORK = ZoneInfo("America/New_York")
D, W, M = Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY


@pytest.fixture
def periods() -> Periods:
    return Periods(NEW_YORK, StatWeeks(NEW_YORK, WeekEnds(3, dt.time(14, 0))))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def test_a_daily_period_is_an_open_day_and_a_weekend_belongs_to_monday(periods: Periods) -> None:
    assert periods.due_on(D, dt.date(2026, 11, 18)) == dt.date(2026, 11, 18)  # Wednesday
    assert periods.due_on(D, dt.date(2026, 11, 21)) == dt.date(2026, 11, 23)  # Saturday → Mon
    assert periods.due_on(D, dt.date(2026, 11, 22)) == dt.date(2026, 11, 23)  # Sunday → Mon
    assert periods.previous(D, dt.date(2026, 11, 23)) == dt.date(2026, 11, 20)  # Mon → Fri


def test_open_days_can_include_saturday() -> None:
    weeks = StatWeeks(NEW_YORK)
    saturdays = Periods(NEW_YORK, weeks, parse_open_days("0 1 2 3 4 5"))
    assert saturdays.due_on(D, dt.date(2026, 11, 21)) == dt.date(2026, 11, 21)
    assert list(saturdays.due_days(D, dt.date(2026, 11, 20), dt.date(2026, 11, 23))) == [
        dt.date(2026, 11, 20),
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 23),
    ]


@pytest.mark.parametrize("text", ["", "7", "mon", "1 2 9"])
def test_odd_open_days_are_refused(text: str) -> None:
    with pytest.raises(HatError, match="weekday numbers"):
        parse_open_days(text)


def test_a_week_is_the_stats_week_named_by_its_ending_thursday(periods: Periods) -> None:
    assert periods.due_on(W, dt.date(2026, 11, 19)) == dt.date(2026, 11, 19)  # Thursday itself
    assert periods.due_on(W, dt.date(2026, 11, 20)) == dt.date(2026, 11, 26)
    # The week turns at 14:00 on Thursday, not at midnight.
    assert periods.current(W, at(2026, 11, 19, 13, 59)) == dt.date(2026, 11, 19)
    assert periods.current(W, at(2026, 11, 19, 14, 0)) == dt.date(2026, 11, 26)


def test_a_week_deadline_is_its_cutoff_whatever_the_due_time(periods: Periods) -> None:
    deadline = periods.deadline(W, dt.date(2026, 11, 19), "09:00")
    assert deadline == at(2026, 11, 19, 14, 0).astimezone(dt.UTC)


def test_a_month_ends_on_its_last_day_leap_years_too(periods: Periods) -> None:
    assert periods.due_on(M, dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)
    assert periods.due_on(M, dt.date(2026, 2, 10)) == dt.date(2026, 2, 28)
    assert periods.previous(M, dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert periods.deadline(M, dt.date(2026, 12, 31), None) == at(2027, 1, 1).astimezone(dt.UTC)


def test_due_days_cross_the_year_end(periods: Periods) -> None:
    first, last = dt.date(2026, 12, 28), dt.date(2027, 1, 8)
    assert list(periods.due_days(M, first, last)) == [dt.date(2026, 12, 31)]
    assert list(periods.due_days(W, first, last)) == [dt.date(2026, 12, 31), dt.date(2027, 1, 7)]
    days = list(periods.due_days(D, first, last))
    assert dt.date(2027, 1, 1) in days and dt.date(2027, 1, 2) not in days  # Saturday
    assert len(days) == 10


def test_deadlines_are_local_times_across_dst(periods: Periods) -> None:
    """09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer."""
    winter = periods.deadline(D, dt.date(2026, 11, 2), "09:00")
    summer = periods.deadline(D, dt.date(2026, 10, 30), "09:00")
    assert (winter.hour, summer.hour) == (14, 13)
    # The day DST ends (1 November 2026 is a Sunday: use 8 March, spring forward, Monday 9th).
    end_of_short_day = periods.deadline(D, dt.date(2026, 3, 8), None)
    assert end_of_short_day == at(2026, 3, 9).astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("9", "09:00"), ("9:30", "09:30"), (" 17:05 ", "17:05"), ("", None), ("noon", "12:00")],
)
def test_due_times_are_read_leniently(typed: str, stored: str | None) -> None:
    assert clock_text(typed, HatError) == stored


@pytest.mark.parametrize("typed", ["25:00", "9:75", "midnight", "9:3x"])
def test_a_due_time_that_is_no_time_is_refused(typed: str) -> None:
    with pytest.raises(HatError, match="time of day"):
        clock_text(typed, HatError)
