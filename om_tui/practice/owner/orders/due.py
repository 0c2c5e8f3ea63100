"""Due days and times, as people type them and as they are said back."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from om_tui.practice.hats.periods import WEEKDAY_NAMES
from om_tui.practice.owner.orders.views import OrderError

DUE_FORMS = "fri, tomorrow, +3, 20 Nov or 2026-11-20 — and a time if it matters: fri 17:00"


_WEEKDAYS = [name.lower() for name in calendar.day_name]


_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}


_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")


_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")


_OFFSET = re.compile(r"^(?:in\s+)?\+?\s*(\d{1,3})\s*(d|days?|w|wks?|weeks?)$|^\+\s*(\d{1,3})$")


def parse_time(text: str) -> str | None:
    """ "17:00", "9:30", "5pm", "9am", "noon" → "HH:MM"; empty → None."""
    text = text.strip().lower().replace(".", "")
    if not text:
        return None
    if text == "noon":
        return "12:00"
    found = _TIME.match(text)
    if found is None or (found.group(2) is None and found.group(3) is None):
        raise OrderError(f"A time of day is like 9:30, 17:00 or 5pm (not {text!r}).")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = found.group(3)
    if suffix is not None:
        if not 1 <= hour <= 12:
            raise OrderError(f"A time of day is like 9:30, 17:00 or 5pm (not {text!r}).")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    try:
        return f"{dt.time(hour, minute):%H:%M}"
    except ValueError:
        raise OrderError(f"A time of day is like 9:30, 17:00 or 5pm (not {text!r}).") from None


def _is_time(word: str) -> bool:
    return word == "noon" or ":" in word or word.endswith(("am", "pm"))


def parse_day(text: str, today: dt.date) -> dt.date:
    """A due day as typed: today, tomorrow, a weekday (the next one, today included),
    +3 / 3d / 2w / in 3 days, 20 Nov / Nov 20 (2027), 11/20 (/2027), or 2026-11-20."""
    text = " ".join(text.strip().lower().replace(",", " ").split())
    if text in ("today", "tod"):
        return today
    if text in ("tomorrow", "tmrw", "tom", "tmr"):
        return today + dt.timedelta(days=1)
    for number, name in enumerate(_WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return today + dt.timedelta(days=(number - today.weekday()) % 7)
    offset = _OFFSET.match(text)
    if offset is not None:
        count = int(offset.group(1) or offset.group(3))
        unit = offset.group(2) or "d"
        return today + (dt.timedelta(weeks=count) if unit[0] == "w" else dt.timedelta(days=count))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    named = _named_day(text.split(), today)
    if named is not None:
        return named
    slashed = _SLASHED.match(text)
    if slashed is not None:  # "12/15" (the next one), "12/15/2026": month first, as US forms
        month, day, year = slashed.groups()
        words = [day, calendar.month_abbr[int(month)].lower() if 1 <= int(month) <= 12 else "?"]
        if words[1] == "?":
            raise OrderError(f"There is no month {month} ({text}).")
        return _named_day([*words, year] if year else words, today) or today
    raise OrderError(f"When is it due? Like {DUE_FORMS} (not {text!r}).")


def _named_day(words: list[str], today: dt.date) -> dt.date | None:
    """ "20 nov", "nov 20", "20 november 2027" → the day; the next one when no year is given."""
    if len(words) not in (2, 3):
        return None
    first, second = words[0], words[1]
    day_word, month_word = (first, second) if first.isdigit() else (second, first)
    month = _MONTHS.get(month_word[:3]) if month_word[:3].isalpha() else None
    if month is None or not day_word.isdigit():
        return None
    year = today.year
    if len(words) == 3:
        if not words[2].isdigit():
            return None
        year = int(words[2])
    try:
        day = dt.date(year, month, int(day_word))
    except ValueError:
        raise OrderError(f"There is no {' '.join(words)}.") from None
    if len(words) == 2 and day < today:
        try:
            day = day.replace(year=year + 1)
        except ValueError:  # 29 Feb: the next one is years away; say so plainly
            raise OrderError(f"{' '.join(words)} has passed this year.") from None
    return day


def parse_due(text: str, today: dt.date) -> tuple[dt.date, str | None]:
    """ "fri 17:00" → (Friday, "17:00"); "tomorrow" → (tomorrow, None); "16:00" → today."""
    words = text.strip().lower().replace(",", " ").split()
    if not words:
        raise OrderError(f"When is it due? Like {DUE_FORMS}.")
    joined: list[str] = []
    for word in words:  # "5 pm": the suffix on its own belongs to the number before it
        if word in ("am", "pm") and joined and joined[-1].replace(":", "").isdigit():
            joined[-1] += word
        else:
            joined.append(word)
    times = [w for w in joined if _is_time(w)]
    words = [w for w in joined if not _is_time(w)]
    if len(times) > 1:
        raise OrderError(f"One time of day, please (not {' and '.join(times)}).")
    due_time = parse_time(times[0]) if times else None
    day = parse_day(" ".join(words), today) if words else today
    return day, due_time


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
    date = f"{dated.day} {dated:%b}"
    if with_time:
        return f"{day_name} 17:00, tomorrow, +3, {date}"
    return f"{day_name}, +3, {date}"


def due_said(
    due_on: dt.date, due_time: str | None, today: dt.date, open_days: frozenset[int]
) -> str:
    """What a typed due reads as, the day always named, a closed day said:
    "→ tomorrow, Sat 28 Nov · closed on Saturdays; next open day Mon 30 Nov"."""
    named = f"{due_on:%a} {due_on.day} {due_on:%b}"
    if due_on.year != today.year:
        named += f" {due_on.year}"
    relative = due_text(due_on, None, today)
    said = f"→ {relative}, {named}" if relative in ("today", "tomorrow") else f"→ {named}"
    if due_time:
        said += f" {due_time}"
    if due_on.weekday() not in open_days:
        opens = next_open_day(due_on, open_days)
        said += (
            f" · closed on {calendar.day_name[due_on.weekday()]}s;"
            f" next open day {opens:%a} {opens.day} {opens:%b}"
        )
    return said


def due_text(due_on: dt.date, due_time: str | None, today: dt.date, short: bool = False) -> str:
    """ "today 17:00", "tomorrow", "Fri 20 Nov", "Fri 20 Nov 2027 09:00"; short: "20 Nov"."""
    if due_on == today:
        day = "today"
    elif due_on == today + dt.timedelta(days=1):
        day = "tmrw" if short else "tomorrow"
    elif due_on.year != today.year:
        day = f"{due_on:%b} {due_on.year}" if short else f"{due_on:%a} {due_on.day} {due_on:%b %Y}"
    else:
        day = f"{due_on.day} {due_on:%b}" if short else f"{due_on:%a} {due_on.day} {due_on:%b}"
    return f"{day} {due_time}" if due_time else day
