"""Conditions: how a stat's week is judged, and its trend.

Conditions follow DESIGN.md's default rule, configurable per stat: the change
against the previous week decides Affluence, Normal, Emergency, Danger or
Non-Existence; Power is Normal or better for 3+ weeks at a new all-time high;
a stat's first 4 weeks are Non-Existence (new).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from om_tui.practice.limits import (
    LARGEST_PERCENT,
)
from om_tui.practice.stats.values import StatError


class Condition(StrEnum):
    NON_EXISTENCE = "non_existence"
    DANGER = "danger"
    EMERGENCY = "emergency"
    NORMAL = "normal"
    AFFLUENCE = "affluence"
    POWER = "power"


#: Worst first: the board sorts by this.
CONDITION_ORDER: tuple[Condition, ...] = tuple(Condition)


CONDITION_LABELS: dict[Condition, str] = {
    Condition.NON_EXISTENCE: "Non-Existence",
    Condition.DANGER: "Danger",
    Condition.EMERGENCY: "Emergency",
    Condition.NORMAL: "Normal",
    Condition.AFFLUENCE: "Affluence",
    Condition.POWER: "Power",
}


@dataclass(frozen=True)
class ConditionRule:
    """Per-stat thresholds, in percent change against the previous week."""

    affluence: float = 25.0  # above: Affluence
    danger: float = -25.0  # below (down to non_existence): Danger
    non_existence: float = -50.0  # below: Non-Existence
    new_weeks: int = 4  # a stat's first weeks are Non-Existence (new)
    power_weeks: int = 3  # Normal or better this long, at a new high: Power

    def __post_init__(self) -> None:
        limits = (self.affluence, self.danger, self.non_existence)
        if not all(math.isfinite(v) and abs(v) <= LARGEST_PERCENT for v in limits):
            raise StatError(
                f"A threshold is a % change of at most {LARGEST_PERCENT:,.0f} either way."
            )
        if not self.non_existence < self.danger < 0 < self.affluence:
            raise StatError("Thresholds must run Non-Existence < Danger < 0 < Affluence.")
        if not (0 <= self.new_weeks <= HIGH_WEEKS and 1 <= self.power_weeks <= HIGH_WEEKS):
            raise StatError(f"Week counts are 1 to {HIGH_WEEKS}.")

    @classmethod
    def from_json(cls, text: str | None) -> ConditionRule:
        if not text:
            return cls()
        try:
            return cls(**json.loads(text))
        except (TypeError, ValueError):
            raise StatError("These condition thresholds cannot be read.") from None

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    def by_change(self, change: float) -> Condition:
        """The condition a percent change earns (an up-is-good change)."""
        if change > self.affluence:
            return Condition.AFFLUENCE
        if change > 0:
            return Condition.NORMAL
        if change >= self.danger:
            return Condition.EMERGENCY
        if change >= self.non_existence:
            return Condition.DANGER
        return Condition.NON_EXISTENCE


def percent_change(previous: float, current: float, up_is_good: bool = True) -> float:
    """Change in percent, signed so that positive is better."""
    if previous == 0:
        change = 0.0 if current == 0 else math.copysign(math.inf, current)
    else:
        change = (current - previous) / abs(previous) * 100
    return change if up_is_good else -change


#: A new high for Power is a high over this many weeks before; conditions read at least
#: LOOKBACK weeks before the first week they show.
HIGH_WEEKS = 52


LOOKBACK = HIGH_WEEKS + 8


def conditions(
    series: Sequence[float | None],
    up_is_good: bool = True,
    rule: ConditionRule = ConditionRule(),
    last: int | None = None,
) -> list[Condition | None]:
    """Each week's condition, oldest first; None where there is nothing to compare.

    With `last`, only the last `last` weeks' conditions: the weeks before are still read
    (for "new" and the 52-week high) but not judged, which is most of the work.
    """
    first = next((i for i, v in enumerate(series) if v is not None), None)
    shown = range(0 if last is None else max(len(series) - last, 0), len(series))

    def by_change(index: int) -> Condition | None:
        """The week's condition by its change alone (Power is judged below)."""
        value = series[index]
        if value is None or first is None:
            return None
        if index - first < rule.new_weeks:
            return Condition.NON_EXISTENCE  # new: not yet a trend
        previous = series[index - 1] if index > 0 else None  # not series[-1]: the last week
        if previous is None:
            return None
        return rule.by_change(percent_change(previous, value, up_is_good))

    needed = range(max(shown.start - rule.power_weeks + 1, 0), len(series))
    plain = {index: by_change(index) for index in needed}
    result: list[Condition | None] = []
    for index in shown:
        found = plain[index]
        # Power: Normal or better for power_weeks weeks running, at a new high. A week
        # judged Power was Normal or better by its change, so the run reads `plain`.
        steady = index >= rule.power_weeks - 1 and all(
            plain[i] in _STEADY for i in range(index - rule.power_weeks + 1, index + 1)
        )
        at_high = False
        if steady:  # only then is the 52-week high worth finding
            # "All-time" is the last HIGH_WEEKS weeks: the board and a graph, reading
            # different spans, must agree on a week's Power.
            window = series[max(0, index - HIGH_WEEKS) : index]
            before = [v for v in window if v is not None]
            best = (max(before) if up_is_good else min(before)) if before else None
            value = series[index]
            assert value is not None  # steady: the week has a change
            at_high = best is not None and (value > best if up_is_good else value < best)
        result.append(Condition.POWER if at_high else found)
    return result


_STEADY = frozenset((Condition.NORMAL, Condition.AFFLUENCE, Condition.POWER))


TREND_BARS = "▁▂▃▄▅▆▇█"


def sparkline(series: Sequence[float | None], up_is_good: bool = True) -> str:
    """A small picture of the recent weeks; up always means better."""
    known = [v for v in series if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low or 1.0
    bars = []
    for value in series:
        if value is None:
            bars.append(" ")
            continue
        level = (value - low) / span
        if not up_is_good:
            level = 1 - level
        bars.append(TREND_BARS[min(int(level * len(TREND_BARS)), len(TREND_BARS) - 1)])
    return "".join(bars)
