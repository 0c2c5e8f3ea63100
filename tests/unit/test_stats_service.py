"""The stats service: typed values by week and by day, gaps, formulas on the board,
conditions and the manager's overrides, stats removed under the typist, reading input."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import ConditionOverride, Post, Staff, Stat, StatSource, StatValue, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.board import StatRow
from om_tui.practice.stats.conditions import Condition, ConditionRule
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.values import StatError, StatGone, read_value

from .conftest import Elsewhere
from .practice_fixture import ZONE, ZONE_NAME
from .stats_fixture import a_post, define, stats_service

#: Friday 27 November 2026: the week ending Thursday 26 November, 14:00, is over.
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=ZONE)
W = dt.date(2026, 11, 26)
THIS_WEEK = dt.date(2026, 12, 3)


def weeks_before(count: int) -> dt.date:
    return W - dt.timedelta(weeks=count)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def stats(database: Database, clock: FrozenClock) -> Stats:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    typist = Staff.create(name="Karen Miles", initials="KM", role="office_manager")
    return stats_service(database, clock, staff_id=typist.id)


def value_rows() -> list[tuple[str, str, dt.date, float]]:
    return list(
        StatValue.select(Stat.short_name, StatValue.period, StatValue.day, StatValue.value)
        .join(Stat)
        .order_by(StatValue.id)
        .tuples()
    )


def test_this_week_is_the_one_the_clock_is_in(stats: Stats) -> None:
    assert stats.this_week() == THIS_WEEK


# -- typed values ----------------------------------------------------------------------


def test_a_weekly_value_is_saved_as_typed_and_replaced_if_typed_again(
    stats: Stats, clock: FrozenClock
) -> None:
    claims = define(stats, "claims")
    stats.enter(claims.id, 140.0, week=W)
    assert stats.table([claims], [W]) == {claims.id: [140.0]}
    clock.advance(minutes=5)
    stats.enter(claims.id, 141.0, week=W)
    assert value_rows() == [("claims", "week", W, 141.0)]
    row = StatValue.get()
    assert row.by_id == stats.staff_id
    assert row.at == utc_naive(clock.now())


def test_enter_without_a_week_is_this_week(stats: Stats) -> None:
    claims = define(stats, "claims")
    stats.enter(claims.id, 7.0)
    assert value_rows() == [("claims", "week", THIS_WEEK, 7.0)]


def test_clear_takes_a_value_away(stats: Stats) -> None:
    claims = define(stats, "claims")
    stats.enter(claims.id, 140.0, week=W)
    stats.enter(claims.id, 150.0, week=weeks_before(1))
    stats.clear(claims.id, week=W)
    assert stats.table([claims], [weeks_before(1), W]) == {claims.id: [150.0, None]}


#: Days of the week ending Thursday 26 November (Friday 20 … Thursday 26), with values
#: 1 … 7, and a day either side that belongs to the neighbouring weeks.
DAYS = [dt.date(2026, 11, 20) + dt.timedelta(days=n) for n in range(7)]


@pytest.mark.parametrize(
    ("rollup", "expected"),
    [("sum", 28.0), ("average", 4.0), ("last", 7.0)],
)
def test_daily_values_roll_up_into_their_week(stats: Stats, rollup: str, expected: float) -> None:
    booked = define(stats, "booked", daily=True, rollup=rollup)
    for number, day in enumerate(reversed(DAYS)):  # typed out of order: "last" is by day
        stats.enter(booked.id, 7.0 - number, day=day)
    stats.enter(booked.id, 100.0, day=dt.date(2026, 11, 19))  # the Thursday before
    stats.enter(booked.id, 1000.0, day=dt.date(2026, 11, 27))  # the Friday after
    series = stats.table([booked], [weeks_before(1), W, THIS_WEEK])[booked.id]
    assert series == [100.0, expected, 1000.0]


def test_a_weekly_value_typed_for_the_week_wins_over_its_days(stats: Stats) -> None:
    booked = define(stats, "booked", daily=True)
    for day in DAYS:
        stats.enter(booked.id, 10.0, day=day)
    assert stats.table([booked], [W])[booked.id] == [70.0]
    stats.enter(booked.id, 65.0, week=W)
    assert stats.table([booked], [W])[booked.id] == [65.0]
    stats.clear(booked.id, week=W)
    assert stats.table([booked], [W])[booked.id] == [70.0]
    stats.clear(booked.id, day=DAYS[0])
    assert stats.table([booked], [W])[booked.id] == [60.0]


def test_a_week_without_a_value_is_a_gap_unless_gaps_are_zero(stats: Stats) -> None:
    gaps = define(stats, "referrals")
    zeros = define(stats, "complaints", gap_is_zero=True, up_is_good=False)
    for stat in (gaps, zeros):
        stats.enter(stat.id, 3.0, week=weeks_before(2))
        stats.enter(stat.id, 5.0, week=W)
    weeks = [weeks_before(2), weeks_before(1), W]
    table = stats.table([gaps, zeros], weeks)
    assert table[gaps.id] == [3.0, None, 5.0]
    assert table[zeros.id] == [3.0, 0.0, 5.0]


# -- formulas on the board ----------------------------------------------------------------


@pytest.fixture
def pva_stats(stats: Stats) -> dict[str, Stat]:
    made = {
        "visits": define(stats, "visits"),
        "new_patients": define(stats, "new_patients"),
    }
    made["pva"] = define(stats, "pva", StatSource.FORMULA, formula="visits / new_patients")
    made["pva_x2"] = define(stats, "pva_x2", StatSource.FORMULA, formula="pva * 2")
    # Two weeks ago 150 / 10; last week 120 / 0; this week no visits typed yet / 8.
    for back, visits, new in ((2, 150.0, 10.0), (1, 120.0, 0.0), (0, None, 8.0)):
        if visits is not None:
            stats.enter(made["visits"].id, visits, week=weeks_before(back))
        stats.enter(made["new_patients"].id, new, week=weeks_before(back))
    return made


def board_row(stats: Stats, short: str, week: dt.date = W, span: int = 3) -> StatRow:
    rows = [r for r in stats.board(week=week, span=span) if r.short_name == short]
    assert len(rows) == 1
    return rows[0]


def test_a_formula_stat_on_the_board(stats: Stats, pva_stats: dict[str, Stat]) -> None:
    pva = board_row(stats, "pva")
    assert pva.series == [15.0, None, None]
    assert pva.notes == ["", "÷ 0", "missing: visits"]
    assert pva.source == StatSource.FORMULA
    # A formula over a formula: where pva has no value, neither has it.
    pva_x2 = board_row(stats, "pva_x2")
    assert pva_x2.series == [30.0, None, None]
    assert pva_x2.notes == ["", "missing: pva", "missing: pva"]


def test_a_formula_over_a_stat_taken_off_the_board_says_it_is_missing(
    stats: Stats, pva_stats: dict[str, Stat]
) -> None:
    Stat.update(active=False).where(Stat.short_name == "new_patients").execute()
    pva = board_row(stats, "pva")
    assert pva.series == [None, None, None]
    assert pva.notes == [
        "missing: new_patients",
        "missing: new_patients",
        "missing: new_patients, visits",
    ]
    assert "new_patients" not in {r.short_name for r in stats.board(week=W)}


def test_the_formula_table_alone_pulls_in_its_inputs(
    stats: Stats, pva_stats: dict[str, Stat]
) -> None:
    pva_x2 = pva_stats["pva_x2"]
    assert stats.table([pva_x2], [weeks_before(2)]) == {pva_x2.id: [30.0]}


def test_the_board_row_shows_this_week_last_week_and_the_change(stats: Stats) -> None:
    claims = define(stats, "claims")
    stats.enter(claims.id, 100.0, week=weeks_before(1))
    stats.enter(claims.id, 80.0, week=W)
    row = board_row(stats, "claims")
    assert (row.this_week, row.last_week, row.change) == (80.0, 100.0, -20.0)
    assert row.series == [None, 100.0, 80.0]
    assert row.post == "Office Manager"
    lonely = define(stats, "lonely")
    stats.enter(lonely.id, 5.0, week=W)
    row = board_row(stats, "lonely")
    assert (row.this_week, row.last_week, row.change) == (5.0, None, None)


def test_the_board_filters_by_post(stats: Stats) -> None:
    billing = a_post("Insurance & Billing")
    define(stats, "claims", post=billing, position=2)
    define(stats, "collections", post=billing, position=1, unit="money")
    define(stats, "referrals")
    assert [r.short_name for r in stats.board(week=W, post_id=billing)] == [
        "collections",
        "claims",
    ]
    assert len(stats.board(week=W)) == 3
    assert {title for _, title in stats.posts()} == {"Insurance & Billing", "Office Manager"}


# -- conditions and overrides -----------------------------------------------------------


@pytest.fixture
def claims(stats: Stats) -> Stat:
    """Five weeks level at 100 (four new, one Emergency), then 130 in week W: Affluence."""
    stat = define(stats, "claims")
    for back in range(5, 0, -1):
        stats.enter(stat.id, 100.0, week=weeks_before(back))
    stats.enter(stat.id, 130.0, week=W)
    return stat


def test_the_board_gives_each_weeks_condition(stats: Stats, claims: Stat) -> None:
    row = board_row(stats, "claims", span=6)
    assert row.conditions == [
        Condition.NON_EXISTENCE,
        Condition.NON_EXISTENCE,
        Condition.NON_EXISTENCE,
        Condition.NON_EXISTENCE,
        Condition.EMERGENCY,
        Condition.AFFLUENCE,
    ]
    assert row.condition == row.computed_condition == Condition.AFFLUENCE
    assert row.override is None


def test_a_stats_own_thresholds_decide_its_condition(stats: Stats, claims: Stat) -> None:
    Stat.update(thresholds=ConditionRule(affluence=40.0).to_json()).where(
        Stat.id == claims.id
    ).execute()
    assert board_row(stats, "claims").computed_condition == Condition.NORMAL


def test_a_down_is_good_stat_on_the_board(stats: Stats, claims: Stat) -> None:
    Stat.update(up_is_good=False).where(Stat.id == claims.id).execute()
    assert board_row(stats, "claims").computed_condition == Condition.DANGER  # 30 % worse


def test_an_override_shows_beside_the_computed_condition(stats: Stats, claims: Stat) -> None:
    stats.override(claims.id, W, Condition.EMERGENCY, "  a one-off insurance batch  ")
    row = board_row(stats, "claims")
    assert row.override == (Condition.EMERGENCY, "a one-off insurance batch")
    assert row.condition == Condition.EMERGENCY
    assert row.computed_condition == Condition.AFFLUENCE
    # Overridden again: replaced, not added; the reason kept with it.
    stats.override(claims.id, W, Condition.DANGER, "batch was a double-count")
    assert ConditionOverride.select().count() == 1
    stored = ConditionOverride.get()
    assert (stored.condition, stored.reason, stored.by_id) == (
        Condition.DANGER,
        "batch was a double-count",
        stats.staff_id,
    )
    assert board_row(stats, "claims").condition == Condition.DANGER
    # An override is for its own week only.
    assert board_row(stats, "claims", week=weeks_before(1)).override is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_reason(stats: Stats, claims: Stat, reason: str) -> None:
    with pytest.raises(StatError, match="Say why"):
        stats.override(claims.id, W, Condition.POWER, reason)
    assert ConditionOverride.select().count() == 0
    assert board_row(stats, "claims").condition == Condition.AFFLUENCE


def test_none_takes_the_override_away(stats: Stats, claims: Stat) -> None:
    stats.override(claims.id, W, Condition.EMERGENCY, "a one-off")
    stats.override(claims.id, W, None, "")
    assert ConditionOverride.select().count() == 0
    row = board_row(stats, "claims")
    assert row.override is None
    assert row.condition == Condition.AFFLUENCE


def test_an_override_of_a_removed_stat_is_refused(stats: Stats) -> None:
    with pytest.raises(StatGone):
        stats.override(9999, W, Condition.NORMAL, "no such stat")
    assert ConditionOverride.select().count() == 0


# -- a stat removed while someone types -----------------------------------------------------


def test_enter_on_a_stat_deleted_on_another_terminal(
    stats: Stats, elsewhere: Elsewhere, claims: Stat
) -> None:
    before = value_rows()
    elsewhere("delete from stat where id = ?", claims.id)
    with pytest.raises(StatGone, match="removed on another terminal; nothing was saved"):
        stats.enter(claims.id, 120.0, week=W)
    with pytest.raises(StatGone):
        stats.enter(claims.id, 12.0, day=DAYS[0])
    assert StatValue.select().count() == 0  # its values went with it; nothing came back
    assert len(before) == 6


def test_enter_on_a_stat_taken_off_the_board(stats: Stats, claims: Stat) -> None:
    before = value_rows()
    Stat.update(active=False).where(Stat.id == claims.id).execute()
    with pytest.raises(StatGone):
        stats.enter(claims.id, 999.0, week=W)
    assert value_rows() == before


def test_stat_gone_is_a_stat_error(stats: Stats) -> None:
    with pytest.raises(StatError):
        stats.enter(424242, 1.0, week=W)


@pytest.mark.parametrize("source", [StatSource.COMPUTED, StatSource.FORMULA])
def test_computed_and_formula_stats_are_not_typed(stats: Stats, source: str) -> None:
    define(stats, "visits")
    how = {"computed": "visits"} if source == StatSource.COMPUTED else {"formula": "visits * 2"}
    stat = define(stats, "counted", source, **how)
    with pytest.raises(StatError, match="not typed") as refused:
        stats.enter(stat.id, 5.0, week=W)
    assert not isinstance(refused.value, StatGone)
    assert value_rows() == []


# -- reading what is typed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("42", "count", 42.0),
        ("1,250.50", "money", 1250.5),
        ("$300", "money", 300.0),
        ("  $1,000  ", "money", 1000.0),
        ("45%", "percent", 45.0),
        ("12.5", "minutes", 12.5),
        ("-300", "money", -300.0),  # a refund week: money may be negative
        ("$-20.75", "money", -20.75),
        ("0", "count", 0.0),
    ],
)
def test_read_value_accepts_numbers_as_people_type_them(text: str, unit: str, value: float) -> None:
    reading = read_value(text, unit, last_week=None)
    assert reading.value == value
    assert reading.needs_confirmation == ""


@pytest.mark.parametrize("text", ["abc", "12abc", "1.2.3", "(300)", "twelve", "4 5", "nan", "NaN"])
def test_read_value_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(StatError, match="is not a number") as refused:
        read_value(text, "count", last_week=None)
    assert text.strip() in str(refused.value)


@pytest.mark.parametrize("text", ["", "   ", "$", "%"])
def test_read_value_asks_for_a_number_when_there_is_none(text: str) -> None:
    with pytest.raises(StatError, match="Type a number"):
        read_value(text, "count", last_week=None)


@pytest.mark.parametrize("unit", ["count", "minutes", "percent"])
def test_read_value_refuses_a_negative_count(unit: str) -> None:
    with pytest.raises(StatError, match=f"A {unit} cannot be negative"):
        read_value("-3", unit, last_week=None)


@pytest.mark.parametrize("text", ["1e12", "1e400", "-1e13", "inf", "-Infinity", "9" * 20])
def test_read_value_refuses_a_huge_number(text: str) -> None:
    with pytest.raises(StatError, match="too large"):
        read_value(text, "money", last_week=None)


def test_read_value_asks_before_keeping_ten_times_last_week() -> None:
    reading = read_value("1,500", "count", last_week=150.0)
    assert reading.value == 1500.0
    assert reading.needs_confirmation
    assert "10×" in reading.needs_confirmation and "150" in reading.needs_confirmation
    assert read_value("1499", "count", last_week=150.0).needs_confirmation == ""
    # Nothing to compare with: no question.
    assert read_value("1500", "count", last_week=0.0).needs_confirmation == ""
    assert read_value("1500", "count", last_week=None).needs_confirmation == ""


@pytest.mark.parametrize(("text", "value"), [("1,500", 1500.0), ("12,345,678", 12345678.0)])
def test_a_comma_between_thousands_is_a_thousands_separator(text: str, value: float) -> None:
    assert read_value(text, "count", last_week=None).value == value


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("1,5", "Did you mean 1.5 or 15? Type it with a point or without the comma."),
        ("12,34", "Did you mean 12.34 or 1234?"),
        ("1,23,456", "Did you mean 123456?"),
        ("1,5000", "Did you mean 1.5000 or 15000?"),
    ],
)
def test_any_other_comma_is_asked_about_not_read_as_digits(text: str, asked: str) -> None:
    with pytest.raises(StatError, match="Did you mean") as refused:
        read_value(text, "count", last_week=None)
    assert str(refused.value).startswith(asked)


# -- numbers given in code or on the command line ------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e308, -1e13])
def test_enter_refuses_a_number_no_screen_can_show(stats: Stats, value: float) -> None:
    claims = define(stats, "claims", unit="money")
    with pytest.raises(StatError):
        stats.enter(claims.id, value, week=W)
    assert value_rows() == []


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"quota": float("inf")}, "A quota is at most 1,000,000,000,000"),
        ({"quota": float("nan")}, "A quota must be a number"),
        ({"quota": -5.0}, "A quota cannot be negative"),
        ({"scale_bottom": 0.0, "scale_top": 1e308}, "The scale's top is at most"),
        ({"scale_bottom": float("-inf"), "scale_top": 10.0}, "The scale's bottom is at most"),
        ({"name": "x" * 10_000}, "A stat's name is at most 60 characters"),
        ({"name": "Visits\x1b[2J"}, "A stat's name cannot hold control characters"),
        ({"thresholds": '{"affluence": Infinity}'}, "cannot be read"),
    ],
)
def test_a_stats_settings_are_checked_as_given(
    stats: Stats, fields: dict[str, object], says: str
) -> None:
    define(stats, "visits_typed")
    with pytest.raises(StatError, match=says.replace("(", r"\(")):
        stats.change("visits_typed", **fields)
    stored = Stat.get(Stat.short_name == "visits_typed")
    assert (stored.quota, stored.scale_top, stored.name) == (None, None, "Visits typed")


@pytest.mark.parametrize(
    "rule",
    [
        {"affluence": float("inf")},
        {"danger": float("nan")},
        {"non_existence": -1e308},
        {"power_weeks": 10**9},
    ],
)
def test_condition_thresholds_are_finite_and_in_range(rule: dict[str, float]) -> None:
    with pytest.raises(StatError):
        ConditionRule(**rule)  # type: ignore[arg-type]


def test_a_new_stat_is_checked_like_a_changed_one(stats: Stats) -> None:
    with pytest.raises(StatError, match="A quota is at most"):
        define(stats, "claims", quota=float("inf"))
    with pytest.raises(StatError, match="A stat's short name is at most 32"):
        define(stats, "c" * 40)
    assert not Stat.select().exists()


def test_a_post_is_found_by_its_title_and_an_unknown_one_is_refused_naming_the_hats(
    stats: Stats,
) -> None:
    desk, manager = a_post("Front Desk"), a_post("Office Manager")
    assert stats.post_named("front desk") == desk
    assert stats.post_named("Office Manager") == manager
    with pytest.raises(StatError, match="No hat is called 'Nope'. The hats: Front Desk, Off"):
        stats.post_named("Nope")
    assert Post.select().count() == 2


def test_an_infinite_quota_or_scale_already_in_the_file_is_read_as_not_set(
    stats: Stats, database: Database
) -> None:
    """Written before om-tui refused it (or by hand): read as not set, so no screen that
    draws the stat stops on it."""
    define(stats, "calls")
    infinite = float("inf")
    Stat.update(quota=infinite, scale_bottom=-infinite, scale_top=infinite).where(
        Stat.short_name == "calls"
    ).execute()
    stored = stats.named("calls")
    assert (stored.quota, stored.scale_bottom, stored.scale_top) == (None, None, None)
    [row] = [row for row in stats.board(W) if row.short_name == "calls"]
    assert row.quota is None


def test_a_typed_stat_added_by_name_gets_a_short_name_of_its_own(stats: Stats) -> None:
    Post.create(title="Front desk", position=1)
    Post.create(title="Doctor", position=2)
    first = stats.add_typed("Referrals received", "Front desk")
    second = stats.add_typed("Referrals: received!", "front desk", unit="money")
    assert (first.short_name, second.short_name) == ("referrals_received", "referrals_received_2")
    assert second.post_id == first.post_id  # "front desk" is the post on file
    assert stats.add_typed("2nd opinions", "Doctor", up_is_good=False).short_name == (
        "stat_2nd_opinions"
    )
    with pytest.raises(StatError, match="A stat needs a name."):
        stats.add_typed("  ", "Doctor")
    with pytest.raises(StatError, match="belongs to a post"):
        stats.add_typed("Calls", "")
    with pytest.raises(StatError, match="No hat is called 'Nope'"):  # a typo makes no hat
        stats.add_typed("Calls", "Nope")
    assert Stat.select().count() == 3
    assert Post.select().count() == 2
