"""The periods a checklist item is due in: a day, a stats week or a month.

Each period is named by its `due_on` day — the day itself, the week's ending day, the
month's last day — and has a deadline: the item's due time on that day, the week's
cutoff, or the end of the day. The practice's open days say which days are due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from peewee import Database

from db.models import (
    Frequency,
    Setting,
    SettingKey,
)
from om_tui.practice import time_words
from om_tui.practice.hats.views import HatError
from om_tui.practice.people.roles import checked
from om_tui.practice.periods import (
    StatWeeks,
    day_span,
    later,
    local_moment,
    month_before_end,
    month_end,
)

WEEKDAY_NAMES = time_words.WEEKDAYS_SHORT


OPEN_DAYS = frozenset(range(5))
"""Daily items are due on the days the office is open: Monday to Friday unless set."""


def parse_open_days(text: str) -> frozenset[int]:
    """ "0 1 2 3 4" (Monday 0) → those weekdays. Refuses an empty or odd list."""
    try:
        days = frozenset(int(part) for part in text.replace(",", " ").split())
    except ValueError:
        days = frozenset()
    if not days or not days <= set(range(7)):
        raise HatError(f"Open days are weekday numbers 0 (Monday) to 6 (Sunday): {text!r}")
    return days


def open_days_of(database: Database) -> frozenset[int]:
    row = Setting.get_or_none(Setting.key == SettingKey.OPEN_DAYS)
    return parse_open_days(row.value) if row else OPEN_DAYS


@checked("settings", "changes the practice's settings")
def set_open_days(database: Database, days: frozenset[int], *, by: int | None) -> None:
    value = " ".join(str(day) for day in sorted(days))
    with database.atomic():
        Setting.insert(key=SettingKey.OPEN_DAYS, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()


@dataclass(frozen=True)
class Periods:
    """Period arithmetic for checklist items, in the practice's time zone."""

    zone: dt.tzinfo
    weeks: StatWeeks
    open_days: frozenset[int] = OPEN_DAYS

    def due_on(self, frequency: str, day: dt.date) -> dt.date:
        """The day naming the period of `frequency` that `day` falls in.

        A daily item's period is an open day; a closed day belongs to the next open one.
        """
        if frequency == Frequency.DAILY:
            while day.weekday() not in self.open_days:
                day += dt.timedelta(days=1)
            return day
        if frequency == Frequency.WEEKLY:
            return self.weeks.week_of_day(day)
        return month_end(day)

    def current(self, frequency: str, now: dt.datetime) -> dt.date:
        """The period an instant falls in (a week turns at its cutoff, not at midnight)."""
        if frequency == Frequency.WEEKLY:
            return self.weeks.week_of(now)
        return self.due_on(frequency, now.astimezone(self.zone).date())

    def previous(self, frequency: str, due_on: dt.date) -> dt.date:
        if frequency == Frequency.DAILY:
            day = due_on - dt.timedelta(days=1)
            while day.weekday() not in self.open_days:
                day -= dt.timedelta(days=1)
            return day
        if frequency == Frequency.WEEKLY:
            return later(due_on, -1)
        return month_before_end(due_on)

    def deadline(self, frequency: str, due_on: dt.date, due_time: str | None) -> dt.datetime:
        """When an occurrence must be done by (UTC)."""
        if frequency == Frequency.WEEKLY:
            return self.weeks.cutoff(due_on)
        if due_time:
            return local_moment(due_on, dt.time.fromisoformat(due_time), self.zone)
        return day_span(due_on, self.zone)[1].astimezone(dt.UTC)

    def due_days(self, frequency: str, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """Every `due_on` day of `frequency` from `first` to `last`, both included."""
        day = self.due_on(frequency, first)
        while day <= last:
            if day >= first:
                yield day
            if frequency == Frequency.DAILY:
                day = self.due_on(frequency, day + dt.timedelta(days=1))
            elif frequency == Frequency.WEEKLY:
                day = later(day)
            else:
                day = month_end(day + dt.timedelta(days=1))


def not_due_yet(deadline: dt.datetime, now: dt.datetime) -> bool:
    """An occurrence is not owed while its deadline is still ahead. At the deadline
    itself it is due: untick'd, it is overdue on My hat and counted in the matrix (a tick
    at that same instant is still on time). The one rule for My hat and compliance."""
    return now < deadline


def _in_force(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)
