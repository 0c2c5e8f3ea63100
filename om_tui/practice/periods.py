"""Periods: a local day, a stats week with its cutoff, a month — on arrow, in the practice's
time zone.

A day runs from its local midnight to the next (23 or 25 hours when the clocks change).
The stats week ends on a configurable weekday and local time (default Thursday 14:00); a
week is named by the local date its cutoff falls on. An instant belongs to the first week
whose cutoff is after it; a day belongs to the week its first moment falls in, so a week
ending Thursday 14:00 holds the days Friday to Thursday. A month is named by its last day.

The words for these periods ("5–18 Nov", "Fri 20 Nov 14:00") are time_words'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import arrow

# -- days and months ----------------------------------------------------------------------


def local_moment(day: dt.date, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of a local day's time of day (a time the clocks skip is read as
    the instant it would have been: 02:30 on spring-forward day is 03:30)."""
    local = arrow.Arrow(day.year, day.month, day.day, at.hour, at.minute, at.second, tzinfo=zone)
    return local.to("UTC").datetime


def day_span(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The local day's first moment and the next day's, as aware instants (DST included)."""
    start = arrow.Arrow(day.year, day.month, day.day, tzinfo=zone)
    return start.datetime, start.shift(days=1).datetime


def days_span(first: dt.date, last: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """From the first day's first moment to the moment the last day ends (UTC)."""
    return day_span(first, zone)[0].astimezone(dt.UTC), day_span(last, zone)[1].astimezone(dt.UTC)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return arrow.get(day).ceil("month").date()


def month_before_end(day: dt.date) -> dt.date:
    """The last day of the month before `day`'s."""
    return arrow.get(day).floor("month").shift(days=-1).date()


# -- the stats week -----------------------------------------------------------------------


@dataclass(frozen=True)
class WeekCutoff:
    """When a stats week ends: a weekday (Monday 0 … Sunday 6) and a local time (the
    practice's setting, read and checked, is stats.weeks.WeekEnds)."""

    weekday: int = 3
    at: dt.time = dt.time(14, 0)


class StatWeeks:
    """Week arithmetic in the practice's time zone, safe across DST and year ends."""

    def __init__(self, zone: dt.tzinfo, ends: WeekCutoff = WeekCutoff()) -> None:
        self.zone = zone
        self.ends = ends

    def cutoff(self, week: dt.date) -> dt.datetime:
        """The instant (UTC) a week, named by its ending day, ends."""
        return local_moment(week, self.ends.at, self.zone)

    def week_of(self, moment: dt.datetime) -> dt.date:
        """The week an instant belongs to: the first whose cutoff comes after it."""
        local = arrow.get(moment).to(self.zone)
        week = local.shift(days=(self.ends.weekday - local.weekday()) % 7).date()
        return later(week) if moment >= self.cutoff(week) else week

    def week_of_day(self, day: dt.date) -> dt.date:
        """The week a local day belongs to: the one its first moment falls in."""
        return self.week_of(day_span(day, self.zone)[0])

    def bounds(self, week: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of a week, as UTC instants."""
        return self.cutoff(later(week, -1)), self.cutoff(week)

    def days(self, week: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last local day of a week (the days whose first moment is in it):
        Friday and Thursday for a week ending Thursday 14:00, Thursday and Wednesday for
        one ending Thursday 00:00."""
        last = week if self.week_of_day(week) == week else week - dt.timedelta(days=1)
        return last - dt.timedelta(days=6), last

    def weeks_back(self, week: dt.date, count: int) -> list[dt.date]:
        """`count` weeks ending with `week`, oldest first."""
        return [later(week, -n) for n in range(count - 1, -1, -1)]


def later(week: dt.date, weeks: int = 1) -> dt.date:
    """The stats week `weeks` after this one (before it, when negative): a week is named
    by a date, and a date's weeks are 7 days whatever the clocks do."""
    return week + dt.timedelta(weeks=weeks)
