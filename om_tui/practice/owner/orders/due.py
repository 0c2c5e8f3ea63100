"""Due days and times, as people type them and as they are said back."""

from __future__ import annotations

import calendar
import datetime as dt

from om_tui.practice import time_words
from om_tui.practice.hats.periods import WEEKDAY_NAMES
from om_tui.practice.owner.orders.views import OrderError
from om_tui.practice.time_words import clock_text, looks_like_time

DUE_FORMS = "fri, tomorrow, +3, 20 Nov or 2026-11-20 — and a time if it matters: fri 17:00"


def parse_due(text: str, today: dt.date) -> tuple[dt.date, str | None]:
    """ "fri 17:00" → (Friday, "17:00"); "tomorrow" → (tomorrow, None); "16:00" → today.

    The day and the time are read by time_words, as everywhere else; a due day without
    its year is the next one."""
    words = text.strip().lower().replace(",", " ").split()
    if not words:
        raise OrderError(f"When is it due? Like {DUE_FORMS}.")
    joined: list[str] = []
    for word in words:  # "5 pm": the suffix on its own belongs to the number before it
        if word in ("am", "pm") and joined and joined[-1].replace(":", "").isdigit():
            joined[-1] += word
        else:
            joined.append(word)
    times = [w for w in joined if looks_like_time(w)]
    words = [w for w in joined if not looks_like_time(w)]
    if len(times) > 1:
        raise OrderError(f"One time of day, please (not {' and '.join(times)}).")
    due_time = clock_text(times[0], OrderError) if times else None
    if not words:
        return today, due_time
    return time_words.day(" ".join(words), today, OrderError, asked="When is it due?"), due_time


def next_open_day(day: dt.date, open_days: frozenset[int]) -> dt.date:
    """`day` itself if the practice is open then, else the next day it is."""
    for _ in range(7):
        if day.weekday() in open_days:
            return day
        day += dt.timedelta(days=1)
    return day  # no open day at all: settings refuse that, but never loop for it


def due_example(today: dt.date, open_days: frozenset[int], with_time: bool = True) -> str:
    """What a due may look like, from today on: "mon 17:00, tomorrow, +3, 11 Dec".

    The weekday and the date are open days ahead (never today), so the example can be
    typed as it stands; a step, due by a day, has no time and no "tomorrow".
    """
    weekday = next_open_day(today + dt.timedelta(days=2), open_days)
    dated = next_open_day(today + dt.timedelta(days=14), open_days)
    day_name = WEEKDAY_NAMES[weekday.weekday()].lower()
    date = time_words.day_text(dated, weekday=False)
    if with_time:
        return f"{day_name} 17:00, tomorrow, +3, {date}"
    return f"{day_name}, +3, {date}"


def due_said(
    due_on: dt.date, due_time: str | None, today: dt.date, open_days: frozenset[int]
) -> str:
    """What a typed due reads as, the day always named, a closed day said:
    "→ tomorrow, Sat 28 Nov · closed on Saturdays; next open day Mon 30 Nov"."""
    named = time_words.day_text(due_on, today)
    relative = due_text(due_on, None, today)
    said = f"→ {relative}, {named}" if relative in ("today", "tomorrow") else f"→ {named}"
    if due_time:
        said += f" {due_time}"
    if due_on.weekday() not in open_days:
        opens = next_open_day(due_on, open_days)
        said += (
            f" · closed on {calendar.day_name[due_on.weekday()]}s;"
            f" next open day {time_words.day_text(opens)}"
        )
    return said


def due_text(due_on: dt.date, due_time: str | None, today: dt.date, short: bool = False) -> str:
    """ "today 17:00", "tomorrow", "Fri 20 Nov", "Fri 20 Nov 2027 09:00"; short: "20 Nov"."""
    if due_on == today:
        day = "today"
    elif due_on == today + dt.timedelta(days=1):
        day = "tmrw" if short else "tomorrow"
    elif due_on.year != today.year:
        short_day = f"{time_words.month_text(due_on, short=True)} {due_on.year}"
        day = short_day if short else time_words.day_text(due_on, year=True)
    else:
        day = time_words.day_text(due_on, weekday=not short)
    return f"{day} {due_time}" if due_time else day
