"""Conditions by the default rule of DESIGN.md, each boundary; custom thresholds; trends."""

from __future__ import annotations

import json
import math
import random

import pytest

from om_tui.practice.stats.conditions import (
    CONDITION_ORDER,
    Condition,
    ConditionRule,
    conditions,
    percent_change,
    sparkline,
)
from om_tui.practice.stats.values import StatError

NE = Condition.NON_EXISTENCE
DANGER = Condition.DANGER
EMERGENCY = Condition.EMERGENCY
NORMAL = Condition.NORMAL
AFFLUENCE = Condition.AFFLUENCE
POWER = Condition.POWER

#: Four weeks of 100: the "new" weeks, so the fifth week is the first judged.
NEW = [100.0, 100.0, 100.0, 100.0]


DEFAULT = ConditionRule()


def fifth_week(
    value: float, up_is_good: bool = True, rule: ConditionRule = DEFAULT
) -> Condition | None:
    """The condition of a week of `value` after four weeks of 100."""
    return conditions([*NEW, value], up_is_good, rule)[-1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200.0, AFFLUENCE),
        (125.0001, AFFLUENCE),  # just above +25 %
        (125.0, NORMAL),  # +25 % exactly
        (100.0001, NORMAL),  # just above level
        (100.0, EMERGENCY),  # level: 0 %
        (99.9999, EMERGENCY),
        (75.0, EMERGENCY),  # −25 % exactly
        (74.9999, DANGER),  # just below −25 %
        (50.0, DANGER),  # −50 % exactly
        (49.9999, NE),  # just below −50 %
        (0.0, NE),
    ],
)
def test_each_boundary_of_the_default_rule(value: float, expected: Condition) -> None:
    assert fifth_week(value) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (25.000001, AFFLUENCE),
        (25.0, NORMAL),
        (1e-9, NORMAL),
        (0.0, EMERGENCY),
        (-25.0, EMERGENCY),
        (-25.000001, DANGER),
        (-50.0, DANGER),
        (-50.000001, NE),
        (math.inf, AFFLUENCE),
        (-math.inf, NE),
    ],
)
def test_by_change_at_each_threshold(change: float, expected: Condition) -> None:
    assert ConditionRule().by_change(change) == expected


def test_the_first_four_weeks_are_non_existence_whatever_they_do() -> None:
    assert conditions([10.0, 100.0, 1.0, 500.0, 500.0]) == [NE, NE, NE, NE, EMERGENCY]
    # "New" counts from the first week with a value; weeks before it are gaps.
    assert conditions([None, None, 5.0, 5.0, 5.0, 5.0, 6.0]) == [
        None,
        None,
        NE,
        NE,
        NE,
        NE,
        NORMAL,
    ]
    assert conditions([]) == []
    assert conditions([None, None]) == [None, None]


def test_power_after_three_weeks_normal_or_better_at_a_new_all_time_high() -> None:
    series = [*NEW, 110.0, 120.0, 130.0, 140.0, 150.0]
    assert conditions(series) == [NE, NE, NE, NE, NORMAL, NORMAL, POWER, POWER, POWER]
    # Affluence counts as "Normal or better".
    assert conditions([*NEW, 130.0, 170.0, 220.0]) == [NE, NE, NE, NE, AFFLUENCE, AFFLUENCE, POWER]


def test_no_power_when_not_at_a_new_high() -> None:
    # Three weeks of growth, but still below the 300 of the first weeks.
    series = [300.0, 100.0, 100.0, 100.0, 110.0, 120.0, 130.0, 140.0]
    assert conditions(series)[-4:] == [NORMAL, NORMAL, NORMAL, NORMAL]
    # Level at the old high is not a new high (and level is Emergency anyway).
    assert conditions([*NEW, 110.0, 120.0, 130.0, 130.0])[-1] == EMERGENCY


def test_no_power_without_three_good_weeks() -> None:
    # A new high, but last week was an Emergency.
    series = [*NEW, 110.0, 105.0, 120.0]
    assert conditions(series)[-3:] == [NORMAL, EMERGENCY, NORMAL]
    # Two good weeks straight after the new weeks are not enough.
    assert conditions([*NEW, 110.0, 120.0]) == [NE, NE, NE, NE, NORMAL, NORMAL]


def test_down_is_good_stats_count_a_drop_as_better() -> None:
    assert fifth_week(70.0, up_is_good=False) == AFFLUENCE  # −30 %: better by 30 %
    assert fifth_week(75.0, up_is_good=False) == NORMAL  # better by exactly 25 %
    assert fifth_week(100.0, up_is_good=False) == EMERGENCY
    assert fifth_week(125.0, up_is_good=False) == EMERGENCY  # worse by exactly 25 %
    assert fifth_week(130.0, up_is_good=False) == DANGER
    assert fifth_week(150.0, up_is_good=False) == DANGER
    assert fifth_week(151.0, up_is_good=False) == NE
    # Power for a down-is-good stat: a new all-time LOW after three good weeks.
    series = [*NEW, 90.0, 80.0, 70.0]
    assert conditions(series, up_is_good=False)[-3:] == [NORMAL, NORMAL, POWER]
    assert conditions(series, up_is_good=True)[-3:] == [EMERGENCY, EMERGENCY, EMERGENCY]


def test_after_a_week_of_zero() -> None:
    assert fifth_week(0.0) == NE
    # From 0 to 0 is level; from 0 to anything is infinitely better (or worse).
    zeros = [0.0, 0.0, 0.0, 0.0]
    assert conditions([*zeros, 0.0])[-1] == EMERGENCY
    assert conditions([*zeros, 3.0])[-1] == AFFLUENCE
    assert conditions([*zeros, 3.0], up_is_good=False)[-1] == NE
    assert percent_change(0, 0) == 0.0
    assert percent_change(0, 5) == math.inf
    assert percent_change(0, 5, up_is_good=False) == -math.inf


def test_percent_change_is_signed_so_that_positive_is_better() -> None:
    assert percent_change(100, 125) == 25.0
    assert percent_change(100, 75) == -25.0
    assert percent_change(100, 75, up_is_good=False) == 25.0
    assert percent_change(-100, -50) == 50.0  # a loss halved is better (negative money)


def test_a_gap_has_no_condition_nor_does_the_week_after_it() -> None:
    series = [*NEW, 110.0, None, 120.0, 130.0]
    assert conditions(series) == [NE, NE, NE, NE, NORMAL, None, None, NORMAL]


def test_custom_thresholds() -> None:
    rule = ConditionRule(affluence=10.0, danger=-5.0, non_existence=-20.0, new_weeks=1)
    assert fifth_week(111.0, rule=rule) == AFFLUENCE
    assert fifth_week(110.0, rule=rule) == NORMAL
    assert fifth_week(95.0, rule=rule) == EMERGENCY
    assert fifth_week(94.0, rule=rule) == DANGER
    assert fifth_week(80.0, rule=rule) == DANGER
    assert fifth_week(79.0, rule=rule) == NE
    # One "new" week only: the second week is already judged.
    assert conditions([100.0, 105.0], rule=rule) == [NE, NORMAL]
    # Power after two good weeks instead of three.
    two = ConditionRule(new_weeks=1, power_weeks=2)
    assert conditions([100.0, 110.0, 120.0], rule=two) == [NE, NORMAL, POWER]
    # No "new" weeks at all: the very first week has nothing to compare with (it must
    # not be compared with the series' last week, as series[0 - 1] would).
    one = ConditionRule(new_weeks=0, power_weeks=1)
    assert conditions([100.0, 110.0], rule=one) == [None, POWER]
    assert conditions([100.0, 50.0, 10.0], rule=one) == [None, DANGER, NE]
    assert conditions([None, 100.0, 100.0], rule=one) == [None, None, EMERGENCY]


def test_thresholds_round_trip_through_json() -> None:
    rule = ConditionRule(affluence=40.0, danger=-10.0, non_existence=-30.0, power_weeks=5)
    assert ConditionRule.from_json(rule.to_json()) == rule
    assert json.loads(rule.to_json())["affluence"] == 40.0
    assert ConditionRule.from_json(None) == ConditionRule()
    assert ConditionRule.from_json("") == ConditionRule()
    assert ConditionRule.from_json('{"affluence": 50}') == ConditionRule(affluence=50.0)


@pytest.mark.parametrize(
    "fields",
    [
        {"affluence": 0.0},  # Affluence must be above level
        {"affluence": -5.0},
        {"danger": 0.0},
        {"danger": 5.0},
        {"danger": -60.0},  # below Non-Existence
        {"non_existence": -25.0},  # equal to Danger
        {"new_weeks": -1},
        {"power_weeks": 0},
    ],
)
def test_invalid_thresholds_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(StatError):
        ConditionRule(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"affluence": "lots"}',
        '{"surprise": 1}',
        '{"danger": 10}',
        '{"affluence": NaN}',
    ],
)
def test_unreadable_thresholds_are_refused(text: str) -> None:
    with pytest.raises(StatError, match="cannot be read"):
        ConditionRule.from_json(text)


def test_conditions_sort_worst_first() -> None:
    assert CONDITION_ORDER == (NE, DANGER, EMERGENCY, NORMAL, AFFLUENCE, POWER)
    shuffled = [POWER, EMERGENCY, NE, AFFLUENCE, DANGER, NORMAL]
    assert sorted(shuffled, key=CONDITION_ORDER.index) == list(CONDITION_ORDER)


def test_sparkline_draws_up_as_better() -> None:
    assert sparkline([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]) == "▁▂▃▄▅▆▇█"
    assert sparkline([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], up_is_good=False) == "█▇▆▅▄▃▂▁"
    assert sparkline([10.0, None, 20.0]) == "▁ █"
    assert sparkline([5.0, 5.0, 5.0]) == "▁▁▁"
    assert sparkline([]) == ""
    assert sparkline([None, None]) == ""


def test_the_last_weeks_alone_are_judged_as_in_the_whole_series() -> None:
    """`last=` (the board's and a graph's few weeks) reads the weeks before, judges none."""
    rng = random.Random(6)
    powers = 0
    for _ in range(2000):
        level = rng.uniform(1, 200)
        series: list[float | None] = []
        for _ in range(rng.randint(0, 80)):
            level = level * rng.uniform(0.6, 1.5) if rng.random() < 0.95 else 0.0
            series.append(None if rng.random() < 0.1 else round(level))
        rule = ConditionRule(new_weeks=rng.randint(0, 5), power_weeks=rng.randint(1, 5))
        up_is_good = rng.random() < 0.5
        whole = conditions(series, up_is_good, rule)
        powers += whole.count(POWER)
        for last in (0, 1, 3, 14, len(series), len(series) + 2):
            tail = whole[len(whole) - last :] if last < len(whole) else whole
            assert conditions(series, up_is_good, rule, last=last) == tail
    assert powers > 100  # the series reach new highs: Power's window is read too
