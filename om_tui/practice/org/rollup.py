"""What a department, a division and the whole practice add up to on the org board.

Each post counts once where it stands. A post is vacant when nobody holds it today.
The worst condition is the worst of this week's conditions of every stat of every post
beneath (the stat board's conditions, as judged there — never recomputed here); a stat
without a condition yet does not count. So "which area is not producing" is one look.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from om_tui.practice.stats.conditions import CONDITION_ORDER, Condition


@dataclass(frozen=True)
class Rollup:
    """How many posts, how many of them vacant, and the worst condition among their stats."""

    posts: int = 0
    vacant: int = 0
    worst: Condition | None = None

    def __add__(self, other: Rollup) -> Rollup:
        return Rollup(
            self.posts + other.posts,
            self.vacant + other.vacant,
            worst_of((self.worst, other.worst)),
        )


def worst_of(conditions: Iterable[Condition | None]) -> Condition | None:
    """The worst condition of those given (Non-Existence worst, Power best); None if none."""
    known = [condition for condition in conditions if condition is not None]
    return min(known, key=CONDITION_ORDER.index) if known else None


def of_post(vacant: bool, conditions: Iterable[Condition | None]) -> Rollup:
    """One post's share: one post, vacant or not, and its stats' worst condition."""
    return Rollup(1, int(vacant), worst_of(conditions))


def total(parts: Iterable[Rollup]) -> Rollup:
    result = Rollup()
    for part in parts:
        result = result + part
    return result
