"""The stats week as the practice sets it: when it ends (its arithmetic is periods').

The week ends on a configurable weekday and local time (default Thursday 14:00); a week
is named by the local date its cutoff falls on. An instant belongs to the first week
whose cutoff is after it; a day's value belongs to the week its start falls in.
"""

from __future__ import annotations

from peewee import Database

from db.models import (
    Setting,
    SettingKey,
)
from om_tui.practice.people.roles import checked
from om_tui.practice.periods import StatWeeks, WeekEnds

__all__ = ["StatWeeks", "WeekEnds", "set_week_ends", "week_ends_of"]


def week_ends_of(database: Database) -> WeekEnds:
    row = Setting.get_or_none(Setting.key == SettingKey.WEEK_ENDS)
    return WeekEnds.parse(row.value) if row else WeekEnds()


@checked("settings", "changes the practice's settings")
def set_week_ends(database: Database, ends: WeekEnds, *, by: int | None) -> None:
    from om_tui.practice.settings import put

    put(database, SettingKey.WEEK_ENDS, str(ends))
