"""Periods: a local day, a stats week's days, a month — across the clocks' changes.

The stats week's own arithmetic (cutoff, week of an instant, bounds, weeks back) is
tested in test_stats_weeks.py."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from om_tui.practice.periods import (
    StatWeeks,
    WeekCutoff,
    day_span,
    days_span,
    later,
    local_moment,
    month_before_end,
    month_end,
)

CHICAGO = ZoneInfo("America/Chicago")
NEW_YEARS_EVE = dt.date(2026, 12, 31)
SPRING_FORWARD = dt.date(2026, 3, 8)  # a Sunday: 02:00 CST becomes 03:00 CDT
FALL_BACK = dt.date(2026, 11, 1)


def test_a_day_is_23_or_25_hours_long_when_the_clocks_change() -> None:
    spring_start, spring_end = day_span(SPRING_FORWARD, CHICAGO)
    autumn_start, autumn_end = day_span(FALL_BACK, CHICAGO)

    def hours(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)  # elapsed, not wall clock

    assert hours(spring_start, spring_end) == dt.timedelta(hours=23)
    assert hours(autumn_start, autumn_end) == dt.timedelta(hours=25)
    assert spring_start.hour == 0 and spring_start.tzinfo is not None


def test_days_run_from_the_first_days_midnight_to_the_end_of_the_last() -> None:
    start, end = days_span(dt.date(2026, 3, 7), SPRING_FORWARD, CHICAGO)
    assert start == dt.datetime(2026, 3, 7, 6, 0, tzinfo=dt.UTC)  # 00:00 CST
    assert end == dt.datetime(2026, 3, 9, 5, 0, tzinfo=dt.UTC)  # 00:00 CDT
    assert end - start == dt.timedelta(hours=47)


def test_a_local_time_is_the_instant_of_that_days_offset() -> None:
    assert local_moment(SPRING_FORWARD, dt.time(14, 0), CHICAGO) == dt.datetime(
        2026, 3, 8, 19, 0, tzinfo=dt.UTC
    )
    assert local_moment(dt.date(2026, 3, 7), dt.time(14, 0), CHICAGO) == dt.datetime(
        2026, 3, 7, 20, 0, tzinfo=dt.UTC
    )
    # 02:30 does not happen on spring-forward day: it is read as 03:30 CDT.
    assert local_moment(SPRING_FORWARD, dt.time(2, 30), CHICAGO) == dt.datetime(
        2026, 3, 8, 8, 30, tzinfo=dt.UTC
    )


def test_a_months_last_day() -> None:
    assert month_end(dt.date(2026, 2, 10)) == dt.date(2026, 2, 28)
    assert month_end(dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)
    assert month_end(NEW_YEARS_EVE) == NEW_YEARS_EVE


def test_the_month_before_ends_on_its_last_day_across_the_year() -> None:
    assert month_before_end(dt.date(2026, 3, 1)) == dt.date(2026, 2, 28)
    assert month_before_end(dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert month_before_end(dt.date(2027, 1, 15)) == NEW_YEARS_EVE


def test_weeks_later_and_earlier_keep_the_weekday_across_the_year() -> None:
    assert later(NEW_YEARS_EVE) == dt.date(2027, 1, 7)
    assert later(dt.date(2027, 1, 7), -1) == NEW_YEARS_EVE
    assert later(NEW_YEARS_EVE, 0) == NEW_YEARS_EVE


@pytest.mark.parametrize(
    ("ends", "first", "last"),
    [
        (WeekCutoff(3, dt.time(14, 0)), dt.date(2026, 11, 13), dt.date(2026, 11, 19)),
        (WeekCutoff(3, dt.time(0, 0)), dt.date(2026, 11, 12), dt.date(2026, 11, 18)),
        (WeekCutoff(6, dt.time(23, 59)), dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
    ],
)
def test_a_weeks_days_are_the_days_whose_first_moment_is_in_it(
    ends: WeekCutoff, first: dt.date, last: dt.date
) -> None:
    weeks = StatWeeks(CHICAGO, ends)
    week = weeks.week_of_day(last)
    assert weeks.days(week) == (first, last)
    for offset in range(7):
        assert weeks.week_of_day(first + dt.timedelta(days=offset)) == week
    assert weeks.week_of_day(first - dt.timedelta(days=1)) != week
    assert weeks.week_of_day(last + dt.timedelta(days=1)) != week


def test_a_week_across_spring_forward_has_seven_days_and_167_hours() -> None:
    weeks = StatWeeks(CHICAGO)  # Thursday 14:00
    week = weeks.week_of_day(SPRING_FORWARD)
    assert week == dt.date(2026, 3, 12)
    assert weeks.days(week) == (dt.date(2026, 3, 6), week)
    start, end = weeks.bounds(week)
    assert end - start == dt.timedelta(hours=167)
    assert end == dt.datetime(2026, 3, 12, 19, 0, tzinfo=dt.UTC)  # 14:00 CDT
    assert start == dt.datetime(2026, 3, 5, 20, 0, tzinfo=dt.UTC)  # 14:00 CST
