"""A care plan's phases, and the visits its pace asks for by a day.

A plan is phases, each a number of visits at a number a week: "12x3 8x2 *x1" is 12
visits at 3 a week, then 8 at 2 a week, then once a week with no end (`*`, the last
phase only). A phase of 0 visits or 0 a week is refused, as is more a week than the
practice has open days.

The pace is counted in the practice's open days, not in calendar days: a week of 5 open
days at 3 a week asks for a visit every 5/3 open days. A holiday (a practice-wide
blockout over the day's open hours) is not an open day, so the week it falls in asks
for fewer visits; the days a plan stood paused do not count either. The visits expected
by a day are those its pace asks for over the open days before it, rounded to the
nearest visit (3 a week from a Monday asks 1 by Tuesday, 2 by Thursday, 3 by Saturday).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from om_tui.practice.refusal import Refusal

MOST_PHASES = 6
MOST_VISITS = 200
"""Visits in one phase, at most (a year at 4 a week)."""
_PHASE = re.compile(r"^(\d+|\*)?[x@](\d+)(?:/w(?:ee)?k)?$")


class PlanError(Refusal):
    """Something a care plan's rules refuse; the message is fit for the front desk."""


@dataclass(frozen=True)
class Phase:
    """`visits` at `per_week`; `visits` None: with no end (the plan's last phase)."""

    visits: int | None
    per_week: int

    @property
    def text(self) -> str:
        return f"{'*' if self.visits is None else self.visits}x{self.per_week}"

    @property
    def described(self) -> str:
        if self.visits is None:
            return f"{self.per_week}/week ongoing"
        return f"{self.visits} at {self.per_week}/week"


def read_phases(text: str, open_days: int = 7) -> tuple[Phase, ...]:
    """ "12x3 8x2 *x1" (or "12@3, 8@2, *@1") → the phases; refused with why."""
    words = re.sub(r"\s*([x@])\s*", r"\1", text.strip().lower().replace(",", " ")).split()
    if not words:
        raise PlanError("A plan needs its phases, like 12x3 8x2 *x1 (visits x a week).")
    if len(words) > MOST_PHASES:
        raise PlanError(f"A plan has at most {MOST_PHASES} phases.")
    phases: list[Phase] = []
    for number, word in enumerate(words, start=1):
        found = _PHASE.match(word)
        if found is None:
            raise PlanError(f"{word!r}: a phase is visits x a week, like 12x3 (or *x1: no end).")
        count, rate = found.groups()
        visits = None if count in (None, "*") else int(count)
        per_week = int(rate)
        if visits == 0:
            raise PlanError(f"Phase {number}: 0 visits is no phase.")
        if visits is not None and visits > MOST_VISITS:
            raise PlanError(f"Phase {number}: at most {MOST_VISITS} visits.")
        if per_week == 0:
            raise PlanError(f"Phase {number}: 0 a week is no pace (pause the plan instead).")
        if per_week > open_days:
            raise PlanError(
                f"Phase {number}: {per_week} a week, but the practice opens {open_days} days."
            )
        if visits is None and number != len(words):
            raise PlanError("Only the last phase can go on with no end (*).")
        phases.append(Phase(visits, per_week))
    return tuple(phases)


def phases_text(phases: Sequence[Phase]) -> str:
    """The phases as stored and typed: "12x3 8x2 *x1"."""
    return " ".join(p.text for p in phases)


def described(phases: Sequence[Phase]) -> str:
    """ "12 at 3/week, then 8 at 2/week, then 1/week ongoing" """
    return ", then ".join(p.described for p in phases)


def total_visits(phases: Sequence[Phase]) -> int | None:
    """The plan's visits in all; None when its last phase has no end."""
    if any(p.visits is None for p in phases):
        return None
    return sum(p.visits or 0 for p in phases)


def expected_visits(phases: Sequence[Phase], open_days: int, days_a_week: int) -> int:
    """The visits the plan's pace asks for over `open_days` of the plan's time, in a
    practice open `days_a_week` days a week."""
    weeks = max(0, open_days) / max(1, days_a_week)
    expected = 0
    for phase in phases:
        if phase.visits is None:
            return expected + _rounded(weeks * phase.per_week)
        length = phase.visits / phase.per_week  # in weeks
        if weeks < length:
            return expected + _rounded(weeks * phase.per_week)
        expected += phase.visits
        weeks -= length
    return expected


def _rounded(visits: float) -> int:
    return math.floor(visits + 0.5 + 1e-9)


def suggested_days(per_week: int, open_weekdays: Sequence[int]) -> tuple[int, ...]:
    """Weekdays (Monday 0) for `per_week` visits, spread over the open days: 3 a week in a
    Monday-to-Friday practice → Monday, Wednesday, Friday; 2 → Monday, Thursday."""
    days = sorted(open_weekdays) or list(range(5))
    if per_week >= len(days):
        return tuple(days)
    step = len(days) / per_week
    return tuple(days[min(len(days) - 1, math.ceil(i * step - 1e-9))] for i in range(per_week))
