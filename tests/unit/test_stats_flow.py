"""Computed stats, counted from the flow's events, against a hand-counted week.

The week and every move in it are in stats_fixture.play_the_week, with what each move
adds; EXPECTED holds the hand count for that week and the weeks either side.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from db import open_database
from db.models import Stage, Stat, StatSource, StatValue, VisitEvent, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.people import audit
from om_tui.practice.stats.figures import COMPUTED, flow_figures
from om_tui.practice.stats.service import Stats

from .practice_fixture import DAY, ZONE, Practice, build_practice, local
from .stats_fixture import (
    EXPECTED,
    NEXT_WEEK,
    PREVIOUS_WEEK,
    WEEK,
    define,
    play_the_week,
    stats_service,
)

SECOND = dt.timedelta(seconds=1)


@pytest.fixture(scope="module")
def played_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Practice]:
    """The practice with the week played, built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("played") / "practice.db"
    database = open_database(path)
    with database.atomic():
        practice = build_practice(database)
    play_the_week(database, practice, FrozenClock(local(10, 0)))
    database.execute_sql("pragma wal_checkpoint(truncate)")  # all of it in the one file
    database.close()
    return path, practice


@pytest.fixture
def database(played_file: tuple[Path, Practice], tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "practice.db"
    shutil.copyfile(played_file[0], copy)
    opened = open_database(copy)
    yield opened
    opened.close()


@pytest.fixture
def played(database: Database, played_file: tuple[Path, Practice], clock: FrozenClock) -> Practice:
    clock.set(dt.datetime(2026, 11, 27, 9, 0, tzinfo=ZONE))  # the week after next
    return played_file[1]


@pytest.fixture
def stats(database: Database, played: Practice, clock: FrozenClock) -> Stats:
    stats = stats_service(database, clock)
    for figure in COMPUTED:
        define(stats, figure, StatSource.COMPUTED, computed=figure)
    return stats


def stored(week: dt.date) -> dict[str, float]:
    return {
        short: value
        for short, value in StatValue.select(Stat.short_name, StatValue.value)
        .join(Stat)
        .where(StatValue.day == week, StatValue.period == "week")
        .tuples()
    }


def test_the_fixture_week_is_thursday_to_thursday(stats: Stats) -> None:
    start, end = stats.weeks.bounds(WEEK)
    assert start == dt.datetime(2026, 11, 12, 14, 0, tzinfo=ZONE)
    assert end == dt.datetime(2026, 11, 19, 14, 0, tzinfo=ZONE)
    assert stats.weeks.week_of_day(DAY) == WEEK


@pytest.mark.parametrize("week", [PREVIOUS_WEEK, WEEK, NEXT_WEEK])
def test_flow_figures_are_the_hand_count(stats: Stats, week: dt.date) -> None:
    assert flow_figures(*stats.weeks.bounds(week)) == EXPECTED[week]


def test_one_second_more_either_side_takes_in_the_events_at_the_edges(stats: Stats) -> None:
    start, end = stats.weeks.bounds(WEEK)
    # ben's no-show at 13:59:59 on the Thursday before.
    assert flow_figures(start - SECOND, end)["no_shows"] == 2.0
    wider = flow_figures(start, end + SECOND)
    # ann's no-show at 14:00:00 on the cutoff Thursday, and fay's visit done then (30 min).
    assert wider["no_shows"] == 2.0
    assert wider["average_visit_length"] == round((45 + 65 + 56 + 32 + 30) / 5, 1)
    # One second less at the end drops fay's visit and cal's cancellation (both 13:59:59).
    narrower = flow_figures(start, end - SECOND)
    assert narrower["visits"] == 4.0
    assert narrower["cancellations"] == 1.0


def test_an_empty_week_counts_zero_and_has_no_averages(stats: Stats) -> None:
    figures = flow_figures(*stats.weeks.bounds(WEEK - dt.timedelta(weeks=5)))
    assert figures == {
        "visits": 0.0,
        "new_patients": 0.0,
        "no_shows": 0.0,
        "cancellations": 0.0,
        "average_wait": None,
        "average_visit_length": None,
    }


def test_recompute_stores_the_hand_count_as_weekly_values(stats: Stats) -> None:
    for week in (PREVIOUS_WEEK, WEEK, NEXT_WEEK):
        assert stats.recompute(week) == EXPECTED[week]
        assert stored(week) == {k: v for k, v in EXPECTED[week].items() if v is not None}
    # And the service reads them back as the weeks' values.
    rows = {r.short_name: r for r in stats.board(week=NEXT_WEEK, span=3)}
    assert rows["visits"].series == [1.0, 5.0, 0.0]
    assert rows["average_wait"].series == [10.0, 12.0, None]
    assert rows["average_visit_length"].series == [59.0, 49.5, 30.0]


def test_recompute_defaults_to_this_week(stats: Stats, clock: FrozenClock) -> None:
    clock.set(dt.datetime(2026, 11, 18, 17, 0, tzinfo=ZONE))
    assert stats.this_week() == WEEK
    assert stats.recompute() == EXPECTED[WEEK]
    assert stored(WEEK)["visits"] == 5.0


def test_recompute_counts_again_after_a_move_is_taken_back(
    database: Database, stats: Stats, played: Practice, clock: FrozenClock
) -> None:
    stats.recompute(WEEK)
    flow = Flow(database, clock, settings.load(database), staff_id=played.desk)
    # eve's walk-in visit: Done stepped back to Checkout, then With provider to Roomed.
    clock.set(dt.datetime(2026, 11, 18, 12, 40, tzinfo=ZONE))
    flow.step_back(played.row(flow, "eve", DAY))
    assert stats.recompute(WEEK)["average_visit_length"] == round((45 + 65 + 56) / 3, 1)
    assert stats.recompute(WEEK)["visits"] == 5.0  # still seen by the provider
    flow.step_back(played.row(flow, "eve", DAY))
    flow.step_back(played.row(flow, "eve", DAY))
    figures = stats.recompute(WEEK)
    assert figures["visits"] == 4.0
    assert stored(WEEK)["visits"] == 4.0
    assert stored(WEEK)["average_visit_length"] == 55.3


def test_recompute_removes_a_value_the_flow_no_longer_gives(stats: Stats) -> None:
    average_wait = Stat.get(Stat.short_name == "average_wait")
    StatValue.create(
        stat=average_wait, period="week", day=NEXT_WEEK, value=99.0, at=utc_naive(stats.clock.now())
    )
    stats.recompute(NEXT_WEEK)
    assert "average_wait" not in stored(NEXT_WEEK)
    assert stored(NEXT_WEEK)["average_visit_length"] == 30.0


def test_recompute_leaves_inactive_and_other_stats_alone(stats: Stats) -> None:
    Stat.update(active=False).where(Stat.short_name == "no_shows").execute()
    typed = define(stats, "collections", unit="money")
    stats.enter(typed.id, 1234.5, week=WEEK)
    stats.recompute(WEEK)
    values = stored(WEEK)
    assert "no_shows" not in values
    assert values["collections"] == 1234.5
    assert values["visits"] == 5.0


def test_a_late_arrival_is_counted_in_the_week_it_is_roomed(
    database: Database, stats: Stats, played: Practice, clock: FrozenClock
) -> None:
    """Arrived before the cutoff, roomed after it: the wait (arrival → roomed) counts
    in the week of the rooming, measured from the real arrival."""
    flow = Flow(database, clock, settings.load(database), staff_id=played.desk)
    thursday = dt.date(2026, 11, 19)
    clock.set(dt.datetime.combine(thursday, dt.time(13, 50), tzinfo=ZONE))
    flow.check_in(played.patients["dee"])  # a walk-in, 10 minutes before the cutoff
    clock.set(dt.datetime.combine(thursday, dt.time(14, 5), tzinfo=ZONE))
    flow.advance(played.row(flow, "dee", thursday))
    assert flow_figures(*stats.weeks.bounds(WEEK))["average_wait"] == 12.0  # unchanged
    assert flow_figures(*stats.weeks.bounds(NEXT_WEEK))["average_wait"] == 15.0


def test_the_flow_stages_counted(stats: Stats) -> None:
    """What each figure counts, said once more against the raw events of the week."""
    start, end = stats.weeks.bounds(WEEK)
    live = VisitEvent.select().where(
        VisitEvent.at >= utc_naive(start),
        VisitEvent.at < utc_naive(end),
        VisitEvent.undone_at.is_null(),
    )
    undone = VisitEvent.select().where(
        VisitEvent.at >= utc_naive(start),
        VisitEvent.at < utc_naive(end),
        VisitEvent.undone_at.is_null(False),
    )
    # Five moves were taken back in the week: hal's and fay's With provider (stepped
    # back), gus's (undone), fay's cancellation and ida's no-show; none is counted.
    assert sorted(e.stage for e in undone) == sorted(
        [Stage.WITH_PROVIDER, Stage.WITH_PROVIDER, Stage.WITH_PROVIDER]
        + [Stage.CANCELLED, Stage.NO_SHOW]
    )
    with_provider = {e.visit_id for e in live if e.stage == Stage.WITH_PROVIDER}
    assert len(with_provider) == EXPECTED[WEEK]["visits"]


def test_a_recount_is_no_ones_change_and_not_on_the_trail(
    database: Database, stats: Stats, played: Practice
) -> None:
    """Opening Stats recounts the week: the person who looked did not change the figures."""
    audit.set_actor(database, played.desk)
    last = database.execute_sql("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    assert stats.recompute(WEEK) == EXPECTED[WEEK]
    assert stored(WEEK) == {k: v for k, v in EXPECTED[WEEK].items() if v is not None}
    assert {value.by_id for value in StatValue.select()} == {None}
    after = database.execute_sql("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    assert after == last
