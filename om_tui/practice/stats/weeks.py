"""The stats week as the practice sets it: when it ends (its arithmetic is periods').

The week ends on a configurable weekday and local time (default Thursday 14:00); a week
is named by the local date its cutoff falls on. An instant belongs to the first week
whose cutoff is after it; a day's value belongs to the week its start falls in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from db.models import (
    Setting,
    SettingKey,
)
from om_tui.practice.people.roles import checked
from om_tui.practice.periods import StatWeeks, WeekCutoff
from om_tui.practice.stats.values import StatError

__all__ = ["StatWeeks", "WeekEnds", "set_week_ends", "week_ends_of"]


@dataclass(frozen=True)
class WeekEnds(WeekCutoff):
    """When the stats week ends: a weekday (Monday 0 … Sunday 6) and a local time."""

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise StatError("The weekday is 0 (Monday) to 6 (Sunday).")

    @classmethod
    def parse(cls, text: str) -> WeekEnds:
        """ "3 14:00" → Thursday 14:00."""
        try:
            day, clock = text.split()
            hour, minute = clock.split(":")
            weekday, at = int(day), dt.time(int(hour), int(minute))
        except ValueError:
            raise StatError(
                f"Week ending must look like '3 14:00' (weekday 0–6, time): {text!r}"
            ) from None
        return cls(weekday, at)  # which checks the weekday

    def __str__(self) -> str:
        return f"{self.weekday} {self.at:%H:%M}"


def week_ends_of(database: Database) -> WeekEnds:
    row = Setting.get_or_none(Setting.key == SettingKey.WEEK_ENDS)
    return WeekEnds.parse(row.value) if row else WeekEnds()


@checked("settings", "changes the practice's settings")
def set_week_ends(database: Database, ends: WeekEnds, *, by: int | None) -> None:
    from om_tui.practice.settings import put

    put(database, SettingKey.WEEK_ENDS, str(ends))
