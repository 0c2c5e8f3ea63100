"""Stats.graph: the weeks shown, all weeks, each week's condition beside its value."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import Stat, StatSource
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.conditions import Condition, conditions
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.values import StatGone
from om_tui.practice.stats.weeks import WeekEnds, set_week_ends

from .practice_fixture import ZONE, ZONE_NAME
from .stats_fixture import define, stats_service

NE = Condition.NON_EXISTENCE
EMERGENCY = Condition.EMERGENCY
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=ZONE)  # Friday: the week of the 26th is over
W = dt.date(2026, 11, 26)


def back(count: int) -> dt.date:
    return W - dt.timedelta(weeks=count)


#: 20 weeks of claims, oldest first, ending with week W; each week's condition by hand.
CLAIMS: list[tuple[float | None, Condition | None]] = [
    *[(100.0, NE)] * 4,  # new
    *[(100.0, EMERGENCY)] * 9,  # level
    (130.0, Condition.AFFLUENCE),  # +30 %                  (W − 6)
    (97.5, EMERGENCY),  # −25 % exactly                    (W − 5)
    (48.0, NE),  # −50.8 %                                  (W − 4)
    (60.0, Condition.NORMAL),  # +25 % exactly             (W − 3)
    (None, None),  # a gap                                   (W − 2)
    (80.0, None),  # nothing to compare with                (W − 1)
    (60.0, EMERGENCY),  # −25 % exactly                    (W)
]


@pytest.fixture
def stats(database: Database) -> Stats:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    return stats_service(database, FrozenClock(NOW))


@pytest.fixture
def claims(stats: Stats) -> Stat:
    stat = define(stats, "claims")
    for number, (value, _) in enumerate(CLAIMS):
        if value is not None:
            stats.enter(stat.id, value, week=back(len(CLAIMS) - 1 - number))
    return stat


def test_thirteen_weeks_with_their_conditions(stats: Stats, claims: Stat) -> None:
    stat, shown, values, found = stats.graph(claims.id, 13, until=W)
    assert stat.id == claims.id
    assert shown == [back(n) for n in range(12, -1, -1)]
    assert values == [v for v, _ in CLAIMS[-13:]]
    assert found == [c for _, c in CLAIMS[-13:]]
    by_week = dict(zip(shown, zip(values, found, strict=True), strict=True))
    assert by_week[back(6)] == (130.0, Condition.AFFLUENCE)
    assert by_week[back(4)] == (48.0, NE)
    assert by_week[back(2)] == (None, None)


@pytest.mark.parametrize("weeks", [1, 13, 26, 52])
def test_the_weeks_shown(stats: Stats, claims: Stat, weeks: int) -> None:
    _, shown, values, found = stats.graph(claims.id, weeks, until=W)
    assert len(shown) == len(values) == len(found) == weeks
    assert shown[-1] == W
    assert all(b - a == dt.timedelta(weeks=1) for a, b in zip(shown, shown[1:], strict=False))
    padded = [None] * max(weeks - len(CLAIMS), 0) + [v for v, _ in CLAIMS]
    assert values == padded[-weeks:]
    # Before the stat's first week there is nothing: no value, no condition.
    assert all(c is None for v, c in zip(values, found, strict=True) if v is None)


def test_all_weeks_run_from_the_first_value(stats: Stats, claims: Stat) -> None:
    _, shown, values, found = stats.graph(claims.id, None, until=W)
    assert shown[0] == back(len(CLAIMS) - 1)
    assert len(shown) == len(CLAIMS)
    assert values == [v for v, _ in CLAIMS]
    assert found == [c for _, c in CLAIMS]
    assert found == conditions(values)


def test_all_weeks_of_a_stat_with_no_values_is_one_empty_week(stats: Stats) -> None:
    empty = define(stats, "empty")
    _, shown, values, found = stats.graph(empty.id, None, until=W)
    assert (shown, values, found) == ([W], [None], [None])


def test_all_weeks_start_with_the_first_daily_value(stats: Stats) -> None:
    booked = define(stats, "booked", daily=True)
    stats.enter(booked.id, 30.0, day=dt.date(2026, 10, 30))  # a Friday: week of 5 November
    _, shown, values, _ = stats.graph(booked.id, None, until=W)
    assert shown[0] == dt.date(2026, 11, 5)
    assert values[0] == 30.0
    assert len(shown) == 4


def test_the_graph_defaults_to_this_week(stats: Stats, claims: Stat) -> None:
    stats.enter(claims.id, 66.0)  # this week, still in progress
    _, shown, values, _ = stats.graph(claims.id, 13)
    assert shown[-1] == stats.this_week() == W + dt.timedelta(weeks=1)
    assert values[-2:] == [60.0, 66.0]


def test_a_down_is_good_stat_is_judged_down_is_good(stats: Stats) -> None:
    waits = define(stats, "wait", unit="minutes", up_is_good=False)
    for number, value in enumerate([20.0, 20.0, 20.0, 20.0, 20.0, 14.0, 22.0]):
        stats.enter(waits.id, value, week=back(6 - number))
    _, _, values, found = stats.graph(waits.id, 3, until=W)
    assert values == [20.0, 14.0, 22.0]
    assert found == [EMERGENCY, Condition.AFFLUENCE, Condition.NON_EXISTENCE]  # 14→22: 57 % worse


def test_a_stat_removed_has_no_graph(stats: Stats, claims: Stat) -> None:
    with pytest.raises(StatGone):
        stats.graph(424242, 13)
    Stat.delete_by_id(claims.id)
    with pytest.raises(StatGone):
        stats.graph(claims.id, None)


def test_all_weeks_of_a_formula_stat_run_from_its_inputs_first_values(
    stats: Stats, claims: Stat
) -> None:
    """A formula stat stores no values of its own: its weeks are its inputs' weeks."""
    define(stats, "denied")
    for number in range(8):
        stats.enter(Stat.get(Stat.short_name == "denied").id, 10.0, week=back(7 - number))
    rate = define(stats, "denial_rate", StatSource.FORMULA, formula="denied / claims * 100")
    doubled = define(stats, "rate_x2", StatSource.FORMULA, formula="denial_rate * 2")
    _, shown, values, _ = stats.graph(rate.id, None, until=W)
    assert shown[0] == back(len(CLAIMS) - 1)  # claims has the earliest values
    assert len(shown) == len(CLAIMS)
    assert values[-1] == pytest.approx(10.0 / 60.0 * 100)
    assert values[-2] == 12.5
    assert values[0] is None  # no denials typed that long ago
    # Through a formula over a formula, too.
    _, shown_x2, values_x2, _ = stats.graph(doubled.id, None, until=W)
    assert shown_x2 == shown
    assert values_x2[-2] == 25.0


def test_all_weeks_when_the_week_ends_at_midnight(database: Database, stats: Stats) -> None:
    """A week ending Monday 00:00 is named by that Monday; its first weekly value, typed
    for the Monday, must not be pushed into the week after."""
    set_week_ends(database, WeekEnds(0, dt.time(0, 0)), by=ADMINISTRATOR)
    stats = stats_service(database, stats.clock)  # type: ignore[arg-type]
    monday = dt.date(2026, 11, 23)
    claims = define(stats, "claims")
    for number, value in enumerate([5.0, 6.0, 7.0]):
        stats.enter(claims.id, value, week=monday - dt.timedelta(weeks=2 - number))
    _, shown, values, _ = stats.graph(claims.id, None, until=monday)
    assert shown == [monday - dt.timedelta(weeks=n) for n in (2, 1, 0)]
    assert values == [5.0, 6.0, 7.0]


def test_a_short_graph_and_the_board_agree_on_power(stats: Stats) -> None:
    rising = define(stats, "rising")
    # A high of 500 twenty weeks ago, then steady growth that never reaches it again.
    series = [500.0, 100.0, 100.0, 100.0, 100.0] + [110.0 + 10 * n for n in range(15)]
    for number, value in enumerate(series):
        stats.enter(rising.id, value, week=back(len(series) - 1 - number))
    row = next(r for r in stats.board(week=W, span=8) if r.short_name == "rising")
    assert Condition.POWER not in row.conditions
    _, _, _, found = stats.graph(rising.id, 8, until=W)
    assert found == row.conditions
