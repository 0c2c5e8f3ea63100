"""The stats week.

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
from om_tui.practice.stats.values import StatError


@dataclass(frozen=True)
class WeekEnds:
    """When the stats week ends: a weekday (Monday 0 … Sunday 6) and a local time."""

    weekday: int = 3
    at: dt.time = dt.time(14, 0)

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


class StatWeeks:
    """Week arithmetic in the practice's time zone, safe across DST and year ends."""

    def __init__(self, zone: dt.tzinfo, ends: WeekEnds = WeekEnds()) -> None:
        self.zone = zone
        self.ends = ends

    def cutoff(self, week: dt.date) -> dt.datetime:
        """The instant (UTC) a week, named by its ending day, ends."""
        return dt.datetime.combine(week, self.ends.at, tzinfo=self.zone).astimezone(dt.UTC)

    def week_of(self, moment: dt.datetime) -> dt.date:
        """The week an instant belongs to: the first whose cutoff comes after it."""
        local = moment.astimezone(self.zone)
        ahead = (self.ends.weekday - local.weekday()) % 7
        week = local.date() + dt.timedelta(days=ahead)
        if moment >= self.cutoff(week):
            week += dt.timedelta(days=7)
        return week

    def week_of_day(self, day: dt.date) -> dt.date:
        """The week a local day belongs to: the one its first moment falls in."""
        return self.week_of(dt.datetime.combine(day, dt.time(), tzinfo=self.zone))

    def bounds(self, week: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of a week, as UTC instants."""
        return self.cutoff(week - dt.timedelta(days=7)), self.cutoff(week)

    def weeks_back(self, week: dt.date, count: int) -> list[dt.date]:
        """`count` weeks ending with `week`, oldest first."""
        return [week - dt.timedelta(days=7 * n) for n in range(count - 1, -1, -1)]


def week_ends_of(database: Database) -> WeekEnds:
    row = Setting.get_or_none(Setting.key == SettingKey.WEEK_ENDS)
    return WeekEnds.parse(row.value) if row else WeekEnds()


@checked("settings", "changes the practice's settings")
def set_week_ends(database: Database, ends: WeekEnds, *, by: int | None) -> None:
    from om_tui.practice.settings import put

    put(database, SettingKey.WEEK_ENDS, str(ends))
