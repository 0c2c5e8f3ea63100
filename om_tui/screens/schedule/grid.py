"""The book's grid: its rows (local times on the slot grid) and what each cell says.

A cell with an appointment starting in it: its confirmation mark (`✗` missed), its
type's letter (`↓` after it when it came from the practice's other system, an import)
and the patient's short name, `‼` first when double-booked; a cell the
appointment goes on through: `│`; an empty one: `░` blocked out (the reason where the
blockout begins), `·` outside the provider's hours, or nothing (free).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from om_tui.practice import time_words
from om_tui.practice.schedule.entries import Column, DayBook, Entry
from om_tui.practice.settings import PracticeSettings

DEFAULT_DAY = (dt.time(8, 0), dt.time(18, 0))
"""The rows shown when nobody's hours are set and nothing is booked."""


def rows(daybook: DayBook, practice: PracticeSettings) -> list[dt.time]:
    """Each row's local time: from the earliest hours or booking to the latest, on the
    slot grid from midnight (the usual working day when no hours are set)."""
    slot = daybook.slot
    minutes: list[int] = []
    for column in daybook.columns:
        whole = practice.day_bounds(column.day)
        for span in column.spans:
            if span != whole:  # hours not set come as the whole day: not a day's shape
                minutes += [_minute(practice.local(span[0])), _end_minute(practice, *span)]
    if not minutes:
        minutes = [t.hour * 60 + t.minute for t in DEFAULT_DAY]
    for entry in daybook.entries:
        minutes += [
            _minute(practice.local(entry.start)),
            _end_minute(practice, entry.start, entry.end),
        ]
    first = min(minutes) // slot * slot
    last = min(max(minutes), 24 * 60)
    return [dt.time(m // 60, m % 60) for m in range(first, last, slot)]


def cell(
    daybook: DayBook,
    column: Column,
    here: list[Entry],
    start: dt.datetime,
    end: dt.datetime,
    width: int,
) -> Text | str:
    """What the slot [start, end) of `column` says, with `here` the appointments in it."""
    if not here:
        for whose, b_start, b_end, reason in daybook.blockouts:
            if (whose is None or whose == column.id) and b_start < end and start < b_end:
                return Text(f"░ {reason}"[:width] if b_start >= start else "░", style="dim")
        if not daybook.by_room and not any(a <= start and end <= b for a, b in column.spans):
            return Text("·", style="dim")
        return ""
    first = here[0]
    if first.start < start:  # the appointment goes on in this slot
        return Text("│ " + first.short_name if len(here) > 1 else "│", style="dim")
    mark = "✗" if first.missed else first.mark or " "
    text = Text()
    if len(here) > 1 or first.double_booked:
        text.append("‼", style="bold")
    text.append(mark)
    text.append(first.letter or " ", style=f"bold {first.colour}" if first.colour else "")
    text.append("↓" if first.source else " ")
    names = "/".join(e.short_name for e in here if e.start >= start) or first.short_name
    text.append(names, style="dim" if first.missed else "bold")
    text.truncate(width)
    return text


def empty_slot(
    daybook: DayBook,
    column: Column,
    start: dt.datetime,
    end: dt.datetime,
    practice: PracticeSettings,
) -> str:
    """What an empty slot is, in the front desk's words: "free", "blocked out (Lunch, until 13:00)",
    "outside the hours (09:00–12:00, 13:00–17:00)" or "closed (no hours this day)"."""
    for whose, b_start, b_end, reason in daybook.blockouts:
        if (whose is None or whose == column.id) and b_start < end and start < b_end:
            said = f"{reason}, " if reason else ""
            whole = "whole practice, " if whose is None else ""
            return f"blocked out ({said}{whole}until {time_words.clock(b_end, practice.zone)})"
    if daybook.by_room or any(a <= start and end <= b for a, b in column.spans):
        return "free"
    if not column.spans:
        return "closed (no hours this day)"
    hours = ", ".join(time_words.clock_span(a, b, practice.zone) for a, b in column.spans)
    return f"outside the hours ({hours})"


def short(name: str) -> str:
    """ "Dr. Sarah Chen" → "Chen": a column's label that fits."""
    words = [w for w in name.split() if not w.endswith(".")]
    return words[-1] if words else name


def _minute(local: dt.datetime) -> int:
    return local.hour * 60 + local.minute


def _end_minute(practice: PracticeSettings, start: dt.datetime, end: dt.datetime) -> int:
    """The local minute a span ends at; past midnight: the day's end."""
    if practice.local(end).date() != practice.local(start).date():
        return 24 * 60
    return _minute(practice.local(end))
