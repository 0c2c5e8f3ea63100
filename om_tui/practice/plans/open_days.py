"""The practice's open days over a stretch: the days a care plan's pace is counted in.

An open day is a weekday the practice has open hours on (every day, when no hours are
set) that no holiday takes: a holiday is a day whose open hours a practice-wide blockout
covers whole.
"""

from __future__ import annotations

import datetime as dt

from db.models import Blockout, as_utc, utc_naive
from om_tui.practice.schedule.hours import Hours
from om_tui.practice.settings import PracticeSettings


class OpenDays:
    """The practice's open days over a stretch, counted at once (a running count)."""

    def __init__(self, settings: PracticeSettings, first: dt.date, last: dt.date) -> None:
        hours = Hours(settings)
        self.weekdays = sorted(d for d, stretches in hours.open.items() if stretches) or list(
            range(7)
        )
        self.first = first
        days = max(0, (last - first).days + 1)
        holidays = _holidays(settings, hours, first, last) if days else set()
        self.running = [0]
        for number in range(days):
            day = first + dt.timedelta(days=number)
            is_open = day.weekday() in self.weekdays and day not in holidays
            self.running.append(self.running[-1] + is_open)

    @property
    def a_week(self) -> int:
        return len(self.weekdays)

    def between(self, first: dt.date, last: dt.date) -> int:
        """Open days in [first, last] (within the stretch counted)."""
        if last < first:
            return 0
        start = min(max(0, (first - self.first).days), len(self.running) - 1)
        end = min(max(0, (last - self.first).days + 1), len(self.running) - 1)
        return self.running[end] - self.running[start]


def _holidays(
    settings: PracticeSettings, hours: Hours, first: dt.date, last: dt.date
) -> set[dt.date]:
    """Days whose open hours a practice-wide blockout covers whole."""
    start = settings.day_bounds(first)[0]
    end = settings.day_bounds(last)[1]
    blocks = [
        (as_utc(b.start), as_utc(b.end))
        for b in Blockout.select().where(
            Blockout.staff.is_null(),
            Blockout.start < utc_naive(end),
            Blockout.end > utc_naive(start),
        )
    ]
    found: set[dt.date] = set()
    for block_start, block_end in blocks:
        day = max(first, settings.local(block_start).date())
        while day <= last and settings.day_bounds(day)[0] < block_end:
            spans = hours.spans(None, day) or [settings.day_bounds(day)]
            if all(block_start <= a and b <= block_end for a, b in spans):
                found.add(day)
            day += dt.timedelta(days=1)
    return found
