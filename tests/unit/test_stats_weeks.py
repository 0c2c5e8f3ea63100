"""The stats week: Thursday 14:00 by default, local time, across DST changes and year ends."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.values import StatError
from om_tui.practice.stats.weeks import StatWeeks, WeekEnds, set_week_ends, week_ends_of

from .stats_fixture import stats_service

NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)


def at(
    day: dt.date, hour: int, minute: int = 0, second: int = 0, zone: dt.tzinfo = NEW_YORK
) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=zone)


def test_the_default_week_ends_thursday_at_two_in_the_afternoon() -> None:
    ends = WeekEnds()
    assert (ends.weekday, ends.at) == (3, dt.time(14, 0))
    assert str(ends) == "3 14:00"
    weeks = StatWeeks(NEW_YORK)
    # Wednesday 18 November 2026 belongs to the week ending Thursday the 19th.
    assert weeks.week_of(at(dt.date(2026, 11, 18), 9)) == dt.date(2026, 11, 19)
    assert weeks.cutoff(dt.date(2026, 11, 19)) == at(dt.date(2026, 11, 19), 14)


def test_one_second_before_the_cutoff_is_this_week_at_and_after_it_the_next() -> None:
    weeks = StatWeeks(NEW_YORK)
    thursday = dt.date(2026, 11, 19)
    cutoff = at(thursday, 14)
    assert weeks.week_of(cutoff - SECOND) == thursday
    assert weeks.week_of(cutoff) == thursday + dt.timedelta(weeks=1)
    assert weeks.week_of(cutoff + SECOND) == thursday + dt.timedelta(weeks=1)
    # Friday morning, and the whole following Thursday morning: still the next week.
    assert weeks.week_of(at(dt.date(2026, 11, 20), 0)) == dt.date(2026, 11, 26)
    assert weeks.week_of(at(dt.date(2026, 11, 26), 13, 59, 59)) == dt.date(2026, 11, 26)


def test_the_cutoff_is_local_time_whatever_zone_the_instant_is_given_in() -> None:
    weeks = StatWeeks(NEW_YORK)
    thursday = dt.date(2026, 11, 19)
    # 18:59:59 UTC is 13:59:59 EST; 19:00 UTC is 14:00 EST.
    assert weeks.week_of(dt.datetime(2026, 11, 19, 18, 59, 59, tzinfo=dt.UTC)) == thursday
    assert weeks.week_of(dt.datetime(2026, 11, 19, 19, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 26)
    assert weeks.cutoff(thursday) == dt.datetime(2026, 11, 19, 19, 0, tzinfo=dt.UTC)


def test_a_day_belongs_to_the_week_its_first_moment_falls_in() -> None:
    weeks = StatWeeks(NEW_YORK)
    # Friday 13 … Thursday 19 November: the Thursday itself starts before 14:00.
    for offset in range(7):
        day = dt.date(2026, 11, 13) + dt.timedelta(days=offset)
        assert weeks.week_of_day(day) == dt.date(2026, 11, 19), day
    assert weeks.week_of_day(dt.date(2026, 11, 12)) == dt.date(2026, 11, 12)
    assert weeks.week_of_day(dt.date(2026, 11, 20)) == dt.date(2026, 11, 26)


def test_bounds_are_the_previous_cutoff_to_this_one() -> None:
    weeks = StatWeeks(NEW_YORK)
    start, end = weeks.bounds(dt.date(2026, 11, 19))
    assert start == at(dt.date(2026, 11, 12), 14)
    assert end == at(dt.date(2026, 11, 19), 14)
    assert end - start == dt.timedelta(hours=168)
    assert weeks.week_of(start) == dt.date(2026, 11, 19)
    assert weeks.week_of(end - SECOND) == dt.date(2026, 11, 19)


def test_weeks_back_are_oldest_first_and_end_with_the_week() -> None:
    weeks = StatWeeks(NEW_YORK)
    assert weeks.weeks_back(dt.date(2026, 11, 19), 3) == [
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 12),
        dt.date(2026, 11, 19),
    ]
    assert weeks.weeks_back(dt.date(2026, 11, 19), 0) == []


@pytest.mark.parametrize(
    ("zone", "week", "hours", "start_utc", "end_utc"),
    [
        # New York springs forward Sunday 8 March 2026: EST 14:00 → EDT 14:00.
        (NEW_YORK, dt.date(2026, 3, 12), 167, (2026, 3, 5, 19), (2026, 3, 12, 18)),
        # … and falls back Sunday 1 November 2026: EDT 14:00 → EST 14:00.
        (NEW_YORK, dt.date(2026, 11, 5), 169, (2026, 10, 29, 18), (2026, 11, 5, 19)),
        # Sydney falls back Sunday 5 April 2026 (AEDT +11 → AEST +10) …
        (SYDNEY, dt.date(2026, 4, 9), 169, (2026, 4, 2, 3), (2026, 4, 9, 4)),
        # … and springs forward Sunday 4 October 2026 (AEST +10 → AEDT +11).
        (SYDNEY, dt.date(2026, 10, 8), 167, (2026, 10, 1, 4), (2026, 10, 8, 3)),
    ],
)
def test_a_week_with_a_dst_change_is_167_or_169_hours_and_still_ends_at_14_local(
    zone: ZoneInfo,
    week: dt.date,
    hours: int,
    start_utc: tuple[int, ...],
    end_utc: tuple[int, ...],
) -> None:
    weeks = StatWeeks(zone)
    start, end = weeks.bounds(week)
    assert end - start == dt.timedelta(hours=hours)
    assert start == dt.datetime(*start_utc, tzinfo=dt.UTC)
    assert end == dt.datetime(*end_utc, tzinfo=dt.UTC)
    for edge in (start, end):
        local = edge.astimezone(zone)
        assert (local.weekday(), local.time()) == (3, dt.time(14, 0))
    # One second either side of each cutoff, in local time.
    assert weeks.week_of(at(week, 13, 59, 59, zone)) == week
    assert weeks.week_of(at(week, 14, 0, 0, zone)) == week + dt.timedelta(weeks=1)
    before = week - dt.timedelta(weeks=1)
    assert weeks.week_of(at(before, 13, 59, 59, zone)) == before
    assert weeks.week_of(at(before, 14, 0, 0, zone)) == week


def test_the_weeks_on_either_side_of_a_dst_change_are_168_hours() -> None:
    weeks = StatWeeks(NEW_YORK)
    for week in (dt.date(2026, 3, 5), dt.date(2026, 3, 19), dt.date(2026, 10, 29)):
        start, end = weeks.bounds(week)
        assert end - start == dt.timedelta(hours=168), week


def test_the_hours_of_a_dst_sunday_belong_to_their_week() -> None:
    weeks = StatWeeks(NEW_YORK)
    # The repeated hour of 1 November 2026 (both 01:30s) and the missing one of 8 March.
    first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    assert second.astimezone(dt.UTC) - first.astimezone(dt.UTC) == HOUR
    assert weeks.week_of(first) == weeks.week_of(second) == dt.date(2026, 11, 5)
    assert weeks.week_of(dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC)) == dt.date(2026, 3, 12)
    assert weeks.week_of_day(dt.date(2026, 3, 8)) == dt.date(2026, 3, 12)
    assert weeks.week_of_day(dt.date(2026, 11, 1)) == dt.date(2026, 11, 5)


@pytest.mark.parametrize("zone", [NEW_YORK, SYDNEY, ZoneInfo("UTC")])
@pytest.mark.parametrize(
    "ends", [WeekEnds(), WeekEnds(6, dt.time(23, 59)), WeekEnds(6, dt.time(2, 30))]
)
def test_every_hour_of_2026_falls_inside_the_bounds_of_its_week(
    zone: ZoneInfo, ends: WeekEnds
) -> None:
    """week_of and bounds agree hour by hour through a year with both DST changes.

    A Sunday 02:30 cutoff is missing once a year and repeated once a year, in both
    New York and Sydney."""
    weeks = StatWeeks(zone, ends)
    moment = dt.datetime(2025, 12, 25, tzinfo=dt.UTC)
    seen = set()
    while moment < dt.datetime(2027, 1, 10, tzinfo=dt.UTC):
        week = weeks.week_of(moment)
        start, end = weeks.bounds(week)
        assert start <= moment < end, (moment, week)
        assert week.weekday() == ends.weekday
        seen.add(week)
        moment += HOUR
    ordered = sorted(seen)  # one unbroken run of weeks, none skipped
    assert ordered == [ordered[0] + dt.timedelta(weeks=n) for n in range(len(ordered))]
    assert len(ordered) >= 55


@pytest.mark.parametrize("zone", [NEW_YORK, SYDNEY])
@pytest.mark.parametrize(
    "ends", [WeekEnds(), WeekEnds(0, dt.time(0, 0)), WeekEnds(6, dt.time(23, 59))]
)
def test_a_weeks_days_are_the_days_that_belong_to_it(zone: ZoneInfo, ends: WeekEnds) -> None:
    """days(week) and week_of_day agree on every day of a year with both DST changes (a
    daily stat's values are rolled up into their weeks by days())."""
    weeks = StatWeeks(zone, ends)
    day = dt.date(2026, 1, 1)
    while day < dt.date(2027, 1, 1):
        week = weeks.week_of_day(day)
        first, last = weeks.days(week)
        assert first <= day <= last and (last - first).days == 6, (day, week)
        day += dt.timedelta(days=1)


def test_a_week_ending_in_early_january_holds_days_of_december() -> None:
    weeks = StatWeeks(NEW_YORK)
    # Thursday 1 January 2026 ends a week that began Thursday 25 December 2025, 14:00.
    new_year = dt.date(2026, 1, 1)
    for day in (dt.date(2025, 12, 26), dt.date(2025, 12, 31), new_year):
        assert weeks.week_of_day(day) == new_year, day
    assert weeks.week_of_day(dt.date(2025, 12, 25)) == dt.date(2025, 12, 25)
    assert weeks.week_of(at(dt.date(2025, 12, 25), 14)) == new_year
    assert weeks.week_of(at(dt.date(2025, 12, 31), 23, 59, 59)) == new_year
    assert weeks.week_of(at(new_year, 14)) == dt.date(2026, 1, 8)
    # Thursday 31 December 2026 ends a week; its afternoon is in the week of 7 January 2027.
    assert weeks.week_of(at(dt.date(2026, 12, 31), 13, 59, 59)) == dt.date(2026, 12, 31)
    assert weeks.week_of(at(dt.date(2026, 12, 31), 14)) == dt.date(2027, 1, 7)
    assert weeks.week_of_day(dt.date(2027, 1, 1)) == dt.date(2027, 1, 7)
    assert weeks.weeks_back(dt.date(2027, 1, 7), 2) == [dt.date(2026, 12, 31), dt.date(2027, 1, 7)]
    start, end = weeks.bounds(dt.date(2027, 1, 7))
    assert start.astimezone(NEW_YORK).date() == dt.date(2026, 12, 31)
    assert end - start == dt.timedelta(hours=168)


def test_a_week_ending_sunday_at_23_59() -> None:
    weeks = StatWeeks(NEW_YORK, WeekEnds(6, dt.time(23, 59)))
    sunday = dt.date(2026, 11, 22)
    assert weeks.week_of(at(sunday, 23, 58, 59)) == sunday
    assert weeks.week_of(at(sunday, 23, 59)) == dt.date(2026, 11, 29)
    assert weeks.week_of(at(dt.date(2026, 11, 23), 0)) == dt.date(2026, 11, 29)
    assert weeks.week_of(at(dt.date(2026, 11, 16), 0)) == sunday  # Monday
    # Every day Monday … Sunday belongs to the week ending that Sunday.
    for offset in range(7):
        assert weeks.week_of_day(dt.date(2026, 11, 16) + dt.timedelta(days=offset)) == sunday
    start, end = weeks.bounds(sunday)
    assert (start, end) == (at(dt.date(2026, 11, 15), 23, 59), at(sunday, 23, 59))
    # Across the year end: Sunday 3 January 2027 ends the week of Monday 28 December.
    assert weeks.week_of_day(dt.date(2026, 12, 28)) == dt.date(2027, 1, 3)
    assert weeks.week_of(at(dt.date(2026, 12, 27), 23, 59)) == dt.date(2027, 1, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 14:00", WeekEnds(3, dt.time(14, 0))),
        ("6 23:59", WeekEnds(6, dt.time(23, 59))),
        ("0 0:00", WeekEnds(0, dt.time(0, 0))),
        ("  4   9:30 ", WeekEnds(4, dt.time(9, 30))),
    ],
)
def test_week_ends_parse(text: str, expected: WeekEnds) -> None:
    assert WeekEnds.parse(text) == expected
    assert WeekEnds.parse(str(expected)) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Thursday", "3", "3 14", "3 14:00 pm", "x 14:00", "3 25:00", "3 14:60", "3 ab:cd"],
)
def test_week_ends_parse_refuses_what_is_not_a_day_and_time(text: str) -> None:
    with pytest.raises(StatError, match="Week ending must look like"):
        WeekEnds.parse(text)


@pytest.mark.parametrize("text", ["7 14:00", "-1 14:00", "10 08:00"])
def test_week_ends_parse_refuses_a_weekday_out_of_range(text: str) -> None:
    with pytest.raises(StatError, match="weekday is 0"):
        WeekEnds.parse(text)


def test_the_practice_week_ending_is_a_setting(database: Database) -> None:
    assert week_ends_of(database) == WeekEnds()
    set_week_ends(database, WeekEnds(6, dt.time(23, 59)), by=ADMINISTRATOR)
    assert week_ends_of(database) == WeekEnds(6, dt.time(23, 59))
    clock = FrozenClock(dt.datetime(2026, 11, 23, 4, 58, 59, tzinfo=dt.UTC))  # Sun 23:58:59 EST
    settings.set_timezone(database, "America/New_York", by=ADMINISTRATOR)
    stats = stats_service(database, clock)
    assert stats.weeks.ends == WeekEnds(6, dt.time(23, 59))
    assert stats.this_week() == dt.date(2026, 11, 22)
    clock.advance(seconds=1)
    assert stats.this_week() == dt.date(2026, 11, 29)
