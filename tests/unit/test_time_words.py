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
    clock_text,
    day,
    day_text,
    time_of_day,
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
