"""The report's words and numbers, the same in every format: values in their unit,
changes, conditions, shares, days and moments.
"""

from __future__ import annotations

import datetime as dt

from om_tui.practice import time_words
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.report.contents import StatLine, WeeklyReport
from om_tui.practice.stats.conditions import CONDITION_LABELS, sparkline
from om_tui.practice.time_words import moment_text


def _due(day: dt.date, at: str | None) -> str:
    shown = time_words.day_text(day)
    return f"{shown} {at}" if at else shown


def value_text(value: float | None, unit: str) -> str:
    """A stat's value as the stat board shows it: $1,250, 45.0%, 6.5 min, 212."""
    if value is None:
        return "—"
    if unit == "money":
        return f"${value:,.0f}" if abs(value) >= 1000 else f"${value:,.2f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "minutes":
        return f"{value:.1f} min"
    return f"{value:,.1f}" if value != int(value) else f"{value:,.0f}"


def change_text(line: StatLine) -> str:
    """ "+7.1%", "-3.0%", "0.0%"; "from 0" when last week was nothing; "—" without both."""
    change = line.change
    if change is None:
        return "—"
    if line.previous == 0 and line.value != 0:
        return "from 0"
    return f"{change:+.1f}%"


def condition_text(line: StatLine) -> str:
    if line.condition is None:
        return "—"
    label = CONDITION_LABELS[line.condition]
    return f"{label} (set)" if line.override is not None else label


def share_text(tally: Tally) -> str:
    share = tally.share
    return "—" if share is None else f"{share:.0%}"


def late_text(span: dt.timedelta) -> str:
    """ "under a day", "1 day", "12 days"."""
    days = span.days
    if days < 1:
        return "under a day"
    return "1 day" if days == 1 else f"{days} days"


def trend_text(line: StatLine) -> str:
    """The SPAN weeks as bars, up meaning better; a week without a value is a dot."""
    return sparkline(line.weeks, line.up_is_good).replace(" ", "·")


def number(value: float | None) -> str:
    """A number for CSV: as is, no separators; integers without ".0"; empty for none."""
    if value is None:
        return ""
    rounded = round(value, 4)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.4f}".rstrip("0")


def period_text(report: WeeklyReport) -> str:
    """ "Week ending Thu 19 Nov 2026 (Thu 12 Nov 14:00 to Thu 19 Nov 14:00)"."""
    return (
        f"Week ending {time_words.day_text(report.week, year=True)} "
        f"({moment_text(report.start)} to {moment_text(report.end)})"
    )


def so_far_text(report: WeeklyReport) -> str:
    """For a week in progress: what its figures are, and when they were read."""
    if report.as_of is None:
        return ""
    return (
        f"This week is in progress: its figures are so far, to {moment_text(report.as_of)}; "
        "conditions come once it has ended."
    )


def overdue_title(report: WeeklyReport) -> str:
    return "Overdue now" if report.in_progress else "Overdue at the week's end"


def orders_summary(report: WeeklyReport) -> str:
    """ "Due this week: 5 — 3 done on time, 1 late, 1 not done."."""
    total = report.orders_total
    if not total.due:
        return "No orders were due this week."
    return (
        f"Due this week: {total.due} — {total.on_time} done on time, {total.late} late, "
        f"{total.missed} not done."
    )


def overrides(report: WeeklyReport) -> list[tuple[str, str, str]]:
    """(stat, condition, reason) of each condition the manager set."""
    return [
        (line.name, CONDITION_LABELS[line.condition], line.override)
        for line in report.stats
        if line.override is not None and line.condition is not None
    ]
