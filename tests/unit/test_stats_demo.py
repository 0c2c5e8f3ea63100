"""The demo practice's stats: five posts, fifteen stats, two years of weekly history;
the recent weeks of its computed stats counted from its own patient flow.

Building a demo takes a second or two, so the module builds two (the second to show
the same clock gives the same stats) and shares them; every test rebinds the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from db import MODELS, open_database
from db.models import Appointment, Post, Stat, StatSource, StatValue, VisitEvent
from om_tui.demo.office import HISTORY_DAYS, STAT_HISTORY_WEEKS
from om_tui.demo.opening import open_demo_practice
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.figures import CALL_FIGURES, flow_figures
from om_tui.practice.stats.formulas import evaluate
from om_tui.practice.stats.service import Stats

from .practice_fixture import ZONE, ZONE_NAME

NOW = dt.datetime(2026, 11, 18, 11, 7, 23, tzinfo=ZONE)  # a Wednesday morning
THIS_WEEK = dt.date(2026, 11, 19)


def _build(path: Path) -> Database:
    database = open_database(path)
    settings.set_timezone(
        database, ZONE_NAME, by=ADMINISTRATOR
    )  # not the machine's zone: the same everywhere
    open_demo_practice(database, FrozenClock(NOW))
    return database


def _dump(database: Database) -> list[tuple[object, ...]]:
    database.bind(MODELS)
    return list(
        StatValue.select(Stat.short_name, StatValue.period, StatValue.day, StatValue.value)
        .join(Stat)
        .order_by(Stat.short_name, StatValue.period, StatValue.day)
        .tuples()
    )


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Database]]:
    folder = tmp_path_factory.mktemp("stats-demo")
    first = _build(folder / "first.db")
    second = _build(folder / "second.db")
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def demo(demo_files: tuple[Database, Database]) -> Database:
    database = demo_files[0]
    database.bind(MODELS)
    return database


@pytest.fixture
def stats(demo: Database) -> Stats:
    return Stats(demo, FrozenClock(NOW), settings.load(demo), ADMINISTRATOR)


def by_short_name() -> dict[str, Stat]:
    return {s.short_name: s for s in Stat.select()}


def test_five_posts_and_fifteen_stats(demo: Database) -> None:
    assert Post.select().count() == 5
    stats = by_short_name()
    assert len(stats) == 15
    assert all(s.active for s in stats.values())
    sources = {
        source: sorted(n for n, s in stats.items() if s.source == source) for source in StatSource
    }
    assert sources[StatSource.COMPUTED] == [
        "average_wait",
        "cancellations",
        "new_patients",
        "no_shows",
        "reactivations",  # counted from the recall list (the call lists)
        "visit_length",
        "visits",
    ]
    assert sources[StatSource.FORMULA] == ["collection_rate", "per_visit", "pva"]
    assert len(sources[StatSource.ENTERED]) == 5
    # Every stat belongs to a post; down-is-good where less is better.
    assert all(s.post_id is not None for s in stats.values())
    assert {n for n, s in stats.items() if not s.up_is_good} == {
        "no_shows",
        "cancellations",
        "average_wait",
        "visit_length",
    }


def test_the_clock_falls_in_the_week_ending_thursday_the_19th(stats: Stats) -> None:
    assert stats.this_week() == THIS_WEEK


def test_typed_stats_have_two_years_of_weekly_history_and_this_week_to_type(
    stats: Stats,
) -> None:
    typed = [s for s in by_short_name().values() if s.source == StatSource.ENTERED]
    weeks = stats.weeks.weeks_back(THIS_WEEK, STAT_HISTORY_WEEKS + 2)
    table = stats.table(typed, weeks)
    assert STAT_HISTORY_WEEKS == 104
    for stat in typed:
        series = table[stat.id]
        assert series[0] is None, stat.short_name  # nothing before the two years
        assert all(v is not None for v in series[1:-1]), stat.short_name
        assert series[-1] is None, stat.short_name  # this week is left to type
        if stat.unit != "money":
            assert all(v >= 0 for v in series[1:-1])


def test_last_weeks_appointments_booked_were_typed_day_by_day(stats: Stats) -> None:
    booked = by_short_name()["booked"]
    last_week = THIS_WEEK - dt.timedelta(weeks=1)
    days = list(StatValue.select().where(StatValue.stat == booked.id, StatValue.period == "day"))
    assert len(days) == 5
    assert {stats.weeks.week_of_day(d.day) for d in days} == {last_week}
    assert (
        not StatValue.select()
        .where(StatValue.stat == booked.id, StatValue.period == "week", StatValue.day == last_week)
        .exists()
    )
    assert stats.table([booked], [last_week])[booked.id] == [sum(d.value for d in days)]


def test_recent_computed_weeks_are_counted_from_the_flow(stats: Stats) -> None:
    computed = [
        s
        for s in by_short_name().values()
        if s.source == StatSource.COMPUTED and s.computed not in CALL_FIGURES
    ]
    # The flow's history starts HISTORY_DAYS back; the first full week after it is counted.
    history_starts = NOW.date() - dt.timedelta(days=HISTORY_DAYS)
    first_counted = stats.weeks.week_of_day(history_starts) + dt.timedelta(weeks=1)
    counted = stats.weeks.weeks_back(THIS_WEEK, (THIS_WEEK - first_counted).days // 7 + 1)
    assert len(counted) >= 8
    table = stats.table(computed, counted)
    for number, week in enumerate(counted):
        figures = flow_figures(*stats.weeks.bounds(week))
        assert figures["visits"] > 0, week
        for stat in computed:
            assert table[stat.id][number] == figures[stat.computed], (stat.short_name, week)
    # This week's live day is in it: visits seen this morning are counted already.
    start, end = stats.weeks.bounds(THIS_WEEK)
    assert VisitEvent.select().where(VisitEvent.at >= start.replace(tzinfo=None)).exists()


def test_computed_stats_have_history_before_the_flow_too(stats: Stats) -> None:
    visits = by_short_name()["visits"]
    weeks = stats.weeks.weeks_back(THIS_WEEK, STAT_HISTORY_WEEKS + 1)
    series = stats.table([visits], weeks)[visits.id]
    assert all(v is not None and v > 0 for v in series)


def test_formula_stats_evaluate(stats: Stats) -> None:
    rows = {r.short_name: r for r in stats.board(span=8)}
    for short, formula in (
        ("pva", "visits / new_patients"),
        ("per_visit", "collections / visits"),
        ("collection_rate", "collections / services * 100"),
    ):
        row = rows[short]
        inputs = {
            name: rows[name].series
            for name in ("visits", "new_patients", "collections", "services")
        }
        for week in range(8):
            expected = evaluate(formula, {n: s[week] for n, s in inputs.items()})
            assert row.series[week] == expected.value, (short, week)
            assert row.notes[week] == expected.problem, (short, week)
    # Last week everything is known; this week the money is not typed yet.
    assert rows["pva"].series[-2] == rows["visits"].series[-2] / rows["new_patients"].series[-2]
    assert rows["per_visit"].series[-2] is not None
    assert rows["per_visit"].series[-1] is None
    assert rows["per_visit"].notes[-1] == "missing: collections"
    assert rows["collection_rate"].notes[-1] == "missing: collections, services"


def test_every_stat_has_a_graph_over_all_its_weeks(stats: Stats) -> None:
    for stat in by_short_name().values():
        _, shown, values, found = stats.graph(stat.id, None)
        assert len(shown) == STAT_HISTORY_WEEKS + 1, stat.short_name
        assert len(values) == len(found) == len(shown)
        assert sum(v is not None for v in values) >= STAT_HISTORY_WEEKS, stat.short_name


def test_the_board_has_every_stat_with_a_condition_for_last_week(stats: Stats) -> None:
    rows = stats.board(week=THIS_WEEK - dt.timedelta(weeks=1), span=8)
    assert len(rows) == 15
    for row in rows:
        assert len(row.series) == len(row.conditions) == 8
        assert row.conditions[-1] is not None, row.short_name


def test_the_same_clock_gives_the_same_stats(demo_files: tuple[Database, Database]) -> None:
    first, second = demo_files
    dumped = _dump(first)
    assert len(dumped) > 12 * 100  # the twelve stats that store values, two years each
    assert _dump(second) == dumped


def test_the_coming_visits_are_on_weekdays_in_office_hours(demo: Database) -> None:
    """The recall list's bookings back this week too: no visit at five in the morning."""
    after = NOW.astimezone(dt.UTC).replace(tzinfo=None)
    starts = [
        a.start.replace(tzinfo=dt.UTC).astimezone(ZONE)
        for a in Appointment.select(Appointment.start).where(Appointment.start > after)
    ]
    assert len(starts) > 20
    assert [s for s in starts if s.weekday() >= 5 or not 7 <= s.hour < 18] == []
