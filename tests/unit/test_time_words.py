"""Time words: what people type, read the same way everywhere; moments said back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from om_tui.practice.time_words import (
    TimeWordsError,
    ago,
    birth_date,
    clock,
    clock_span,
    clock_text,
    day,
    day_and_time,
    day_text,
    duration,
    exact_moment,
    lately,
    moment_text,
    month_text,
    numeric_day,
    numeric_moment,
    span_text,
    stopwatch,
    time_of_day,
    two_days,
    weekday_runs,
    weekday_text,
    when,
)

CHICAGO = ZoneInfo("America/Chicago")
SUNDAY = dt.date(2026, 12, 6)
NEW_YEARS_EVE = dt.date(2026, 12, 31)


# -- times of day -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14:30", dt.time(14, 30)),
        ("9:30", dt.time(9, 30)),
        ("09:30", dt.time(9, 30)),
        ("9", dt.time(9, 0)),
        ("2pm", dt.time(14, 0)),
        ("2 PM", dt.time(14, 0)),
        ("2:30 pm", dt.time(14, 30)),
        ("12am", dt.time(0, 0)),
        ("12pm", dt.time(12, 0)),
        ("noon", dt.time(12, 0)),
        ("9 a.m.", dt.time(9, 0)),
    ],
)
def test_a_time_of_day_is_read_however_it_is_typed(typed: str, meant: dt.time) -> None:
    assert time_of_day(typed) == meant


def test_an_empty_time_is_none_and_stored_as_hh_mm_otherwise() -> None:
    assert time_of_day("  ") is None
    assert clock_text("") is None
    assert clock_text("2pm") == "14:00"


@pytest.mark.parametrize("typed", ["25:00", "9:60", "13pm", "0am", "half past", "9:5:1"])
def test_what_is_not_a_time_of_day_is_refused_in_the_callers_words(typed: str) -> None:
    class Mine(Exception):
        pass

    with pytest.raises(Mine, match=r"A time of day is like 9:30, 17:00 or 2pm"):
        time_of_day(typed, Mine)


# -- days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("today", SUNDAY),
        ("tomorrow", dt.date(2026, 12, 7)),
        ("yesterday", dt.date(2026, 12, 5)),
        ("sun", SUNDAY),  # today included
        ("fri", dt.date(2026, 12, 11)),
        ("Friday", dt.date(2026, 12, 11)),
        ("+3", dt.date(2026, 12, 9)),
        ("in 2 weeks", dt.date(2026, 12, 20)),
        ("2 dec", dt.date(2027, 12, 2)),  # passed this year: the next one
        ("dec 20", dt.date(2026, 12, 20)),
        ("20 December 2026", dt.date(2026, 12, 20)),
        ("12/02/2026", dt.date(2026, 12, 2)),  # month first
        ("1/15", dt.date(2027, 1, 15)),
        ("2026-12-02", dt.date(2026, 12, 2)),
    ],
)
def test_a_day_ahead_is_read_in_every_form(typed: str, meant: dt.date) -> None:
    assert day(typed, SUNDAY) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("fri", dt.date(2026, 12, 4)),
        ("sun", SUNDAY),
        ("2 dec", dt.date(2026, 12, 2)),
        ("12/20", dt.date(2025, 12, 20)),
        ("3d", dt.date(2026, 12, 3)),
    ],
)
def test_a_day_looked_back_at_is_the_last_one(typed: str, meant: dt.date) -> None:
    assert day(typed, SUNDAY, ahead=False) == meant


def test_across_the_year_end_a_day_without_its_year_is_the_next_one() -> None:
    assert day("tomorrow", NEW_YEARS_EVE) == dt.date(2027, 1, 1)
    assert day("jan 2", NEW_YEARS_EVE) == dt.date(2027, 1, 2)
    assert day("1/2", NEW_YEARS_EVE) == dt.date(2027, 1, 2)
    assert day("mon", NEW_YEARS_EVE) == dt.date(2027, 1, 4)
    assert day("dec 31", dt.date(2027, 1, 1), ahead=False) == NEW_YEARS_EVE


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31/02/2026", "There is no month 31"),
        ("02/31/2026", "There is no 31 Feb 2026"),
        ("2026-02-31", "There is no 2026-02-31"),
        ("31 feb 2026", "There is no 31 Feb 2026"),
        ("13/01/2026", "There is no month 13"),
        ("12/02/26", "Please type the year in full"),
        ("someday", "Which day?"),
    ],
)
def test_a_day_that_does_not_exist_is_refused_with_a_clear_message(typed: str, said: str) -> None:
    with pytest.raises(TimeWordsError, match=said):
        day(typed, SUNDAY)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-25", (dt.date(2026, 12, 25), None)),
        ("fri", (dt.date(2026, 12, 11), None)),
        ("2026-12-25 13:00", (dt.date(2026, 12, 25), dt.time(13, 0))),
        ("25 dec 1pm", (dt.date(2026, 12, 25), dt.time(13, 0))),
        ("tomorrow 9:30", (dt.date(2026, 12, 7), dt.time(9, 30))),
    ],
)
def test_a_day_and_maybe_its_time(typed: str, meant: tuple[dt.date, dt.time | None]) -> None:
    assert day_and_time(typed, SUNDAY) == meant


def test_a_day_and_a_time_that_cannot_be_read_are_refused() -> None:
    with pytest.raises(TimeWordsError, match="When"):
        day_and_time("christmas", SUNDAY, asked="When?")
    with pytest.raises(TimeWordsError, match="time of day"):
        day_and_time("fri 25:00", SUNDAY)


@pytest.mark.parametrize(
    "typed",
    ["2026-08-01 2026-10-31", "1 aug to 31 oct", "aug 1 – oct 31", "8/1 - 10/31", "1 aug—31 oct"],
)
def test_two_days_looked_back_at_are_read_however_they_are_typed(typed: str) -> None:
    assert two_days(typed, SUNDAY, ahead=False) == (dt.date(2026, 8, 1), dt.date(2026, 10, 31))


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-10-31 2026-08-01", "on or after the first"),
        ("1 aug", "The first and the last day"),
        ("1 aug 31 oct", "The first and the last day"),
        ("1 aug to someday", "Which days?"),
    ],
)
def test_two_days_out_of_order_or_unreadable_are_refused(typed: str, said: str) -> None:
    with pytest.raises(TimeWordsError, match=said):
        two_days(typed, SUNDAY)


def test_29_february_without_a_year_says_to_give_it() -> None:
    assert day("29 feb", dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    with pytest.raises(TimeWordsError, match="29 Feb is not in 2029: please give the year"):
        day("29 feb", dt.date(2028, 3, 1))


def test_a_birth_date_is_month_first_or_iso_or_eight_digits() -> None:
    assert birth_date("2/3/1984") == dt.date(1984, 2, 3)
    assert birth_date("1984-02-03") == dt.date(1984, 2, 3)
    assert birth_date("02031984") == dt.date(1984, 2, 3)
    assert birth_date("02.03.1984") == dt.date(1984, 2, 3)
    assert birth_date("2/30/1984") is None
    assert birth_date("smith") is None
    assert birth_date("2/3") is None  # a birth date has its year


# -- saying moments back ------------------------------------------------------------------


def test_moments_are_said_in_the_practices_time_zone() -> None:
    sent = dt.datetime(2026, 11, 20, 13, 37, tzinfo=dt.UTC)
    assert clock(sent, CHICAGO) == "07:37"
    assert day_text(dt.date(2026, 11, 20), SUNDAY) == "Fri 20 Nov"
    assert day_text(dt.date(2027, 11, 19), SUNDAY) == "Fri 19 Nov 2027"


def test_how_long_ago_is_said_shortly() -> None:
    now = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    assert ago(now - dt.timedelta(seconds=20), now) == "just now"
    assert ago(now - dt.timedelta(minutes=3), now) == "3 min ago"
    assert ago(now - dt.timedelta(hours=2), now) == "2 hours ago"
    assert ago(now - dt.timedelta(days=3), now) == "3 days ago"
    assert ago(now - dt.timedelta(minutes=61), now) == "1 hour ago"
    assert ago(now - dt.timedelta(hours=30), now) == "30 hours ago"  # not "a day": a backup's age
    assert ago(now - dt.timedelta(hours=48), now) == "2 days ago"


def test_a_day_is_said_with_or_without_its_weekday_and_year() -> None:
    assert day_text(dt.date(2026, 11, 6)) == "Fri 6 Nov"  # no leading zero, anywhere
    assert day_text(dt.date(2026, 11, 6), weekday=False) == "6 Nov"
    assert day_text(dt.date(2026, 11, 6), year=True) == "Fri 6 Nov 2026"
    assert day_text(dt.date(2026, 11, 6), weekday=False, year=True) == "6 Nov 2026"
    assert day_text(dt.date(2027, 1, 1), SUNDAY, weekday=False) == "1 Jan 2027"
    assert weekday_text(dt.date(2026, 11, 6)) == "Fri"
    assert month_text(dt.date(2026, 11, 6)) == "November"
    assert month_text(dt.date(2026, 11, 6), short=True) == "Nov"


def test_a_moment_is_its_local_day_and_time_across_the_clocks_change() -> None:
    # 07:30 UTC is 01:30 CST on spring-forward day, 08:30 UTC is 03:30 CDT.
    assert moment_text(dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC), CHICAGO) == "Sun 8 Mar 01:30"
    assert moment_text(dt.datetime(2026, 3, 8, 8, 30, tzinfo=dt.UTC), CHICAGO) == "Sun 8 Mar 03:30"
    # Late on New Year's Eve in Chicago is already next year in UTC.
    late = dt.datetime(2027, 1, 1, 4, 0, tzinfo=dt.UTC)
    assert moment_text(late, CHICAGO, NEW_YEARS_EVE) == "Thu 31 Dec 22:00"
    assert moment_text(late, CHICAGO, SUNDAY, year=True) == "Thu 31 Dec 2026 22:00"
    said = moment_text(late + dt.timedelta(seconds=5), CHICAGO, weekday=False, seconds=True)
    assert said == "31 Dec 22:00:05"
    # One already local is said as it is.
    assert moment_text(dt.datetime(2026, 12, 1, 9, 5)) == "Tue 1 Dec 09:05"
    assert clock(dt.time(9, 5)) == "09:05"
    nine, noon = (dt.datetime(2026, 11, 1, h, tzinfo=dt.UTC) for h in (15, 18))
    assert clock_span(nine, noon, CHICAGO) == "09:00–12:00"  # CST, the day the clocks went back
    assert clock_span(dt.time(8), dt.time(23, 59)) == "08:00–23:59"
    assert clock(dt.datetime(2026, 12, 1, 9, 5)) == "09:05"


def test_an_exact_moment_is_said_in_full_with_its_zones_name() -> None:
    before = dt.datetime(2026, 3, 8, 7, 59, 59, tzinfo=dt.UTC)
    after = dt.datetime(2026, 3, 8, 8, 0, 0, tzinfo=dt.UTC)  # the clocks went forward
    assert exact_moment(before, CHICAGO) == "Sunday 8 March 2026, 01:59:59 CST"
    assert exact_moment(after, CHICAGO) == "Sunday 8 March 2026, 03:00:00 CDT"


def test_a_recent_moment_is_said_shortest_first() -> None:
    today = dt.date(2026, 11, 20)  # a Friday
    assert lately(dt.datetime(2026, 11, 20, 15, 20, tzinfo=dt.UTC), today, CHICAGO) == "09:20"
    assert lately(dt.datetime(2026, 11, 16, 15, 20, tzinfo=dt.UTC), today, CHICAGO) == "Mon 09:20"
    assert lately(dt.datetime(2026, 11, 13, 15, 20, tzinfo=dt.UTC), today, CHICAGO) == "13 Nov"
    assert lately(dt.datetime(2025, 11, 13, 15, 20, tzinfo=dt.UTC), today, CHICAGO) == "13 Nov 2025"


def test_when_something_was_done_is_its_time_today_and_its_day_and_time_before() -> None:
    today = dt.date(2026, 11, 20)
    assert when(dt.datetime(2026, 11, 20, 16, 5, tzinfo=dt.UTC), today, CHICAGO) == "10:05"
    assert (
        when(dt.datetime(2026, 11, 17, 16, 5, tzinfo=dt.UTC), today, CHICAGO) == "Tue 17 Nov 10:05"
    )
    assert (
        when(dt.datetime(2026, 11, 20, 5, 0, tzinfo=dt.UTC), today, CHICAGO) == "Thu 19 Nov 23:00"
    )
    assert when(dt.datetime(2025, 11, 20, 16, 5, tzinfo=dt.UTC), today, CHICAGO) == (
        "Thu 20 Nov 2025 10:05"
    )


def test_alike_weekdays_in_a_row_are_said_once() -> None:
    week = ["8-12", "8-12", "8-12", "8-12", "9-13", "off", "off"]
    assert weekday_runs(week) == "Mon-Thu 8-12; Fri 9-13; Sat-Sun off"
    assert weekday_runs(["off"] * 7) == "Mon-Sun off"
    assert weekday_runs(["a", "b", "a", "b", "a", "b", "a"]).count(";") == 6


def test_a_day_in_numbers_is_month_first() -> None:
    assert numeric_day(dt.date(1984, 2, 3)) == "02/03/1984"
    assert numeric_day(dt.date(2026, 11, 20), year=False) == "11/20"
    assert numeric_day(dt.date(2026, 11, 20), weekday=True) == "Fri 11/20/2026"
    at = dt.datetime(2026, 11, 20, 4, 30, tzinfo=dt.UTC)  # still Thursday in Chicago
    assert numeric_moment(at, CHICAGO) == "Thu 11/19/2026 22:30"
    assert numeric_moment(at, CHICAGO, year=False) == "Thu 11/19 22:30"


@pytest.mark.parametrize(
    ("first", "last", "year", "said"),
    [
        (dt.date(2026, 11, 5), dt.date(2026, 11, 18), False, "5–18 Nov"),
        (dt.date(2026, 11, 5), dt.date(2026, 11, 18), True, "5–18 Nov 2026"),
        (dt.date(2026, 8, 27), dt.date(2026, 11, 19), False, "27 Aug – 19 Nov"),
        (dt.date(2026, 12, 28), dt.date(2027, 1, 3), False, "28 Dec 2026 – 3 Jan 2027"),
        (dt.date(2026, 11, 20), dt.date(2026, 11, 20), False, "Fri 20 Nov"),
    ],
)
def test_a_span_of_days_says_its_month_and_year_once(
    first: dt.date, last: dt.date, year: bool, said: str
) -> None:
    assert span_text(first, last, year=year) == said


def test_how_long_is_said_in_minutes_hours_or_days() -> None:
    assert duration(dt.timedelta(seconds=59)) == "0 min"
    assert duration(dt.timedelta(minutes=12)) == "12 min"
    assert duration(dt.timedelta(hours=2, minutes=5)) == "2 h 5 min"
    assert duration(dt.timedelta(hours=47, minutes=59)) == "47 h 59 min"
    assert duration(dt.timedelta(days=3, hours=1)) == "3 days"
    assert duration(-dt.timedelta(minutes=5)) == "0 min"  # a clock a little ahead


def test_a_running_clock_is_minutes_and_seconds_then_hours() -> None:
    assert stopwatch(None) == ""
    assert stopwatch(dt.timedelta(minutes=4, seconds=5)) == "04:05"
    assert stopwatch(dt.timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"
