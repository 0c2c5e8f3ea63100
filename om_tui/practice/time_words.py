"""Time words: the days and times people type, and the moments said back, in one place.

Everywhere a person types a day or a time of day — an order's due, a checklist item's
due time, the stats week's cutoff, an audit filter, a date of birth, the book's "go to"
— it is read here, the same way, on arrow:

- a time of day: 14:30, 9:30, 9 (the hour), 2pm, 2:30 pm, noon;
- a day: today, tomorrow, yesterday; a weekday (fri, friday: the next one, today
  included — or the last one, for a day looked back at); +3, 3d, 2w, in 3 days;
  2 dec, dec 2, 2 December 2026; 12/02/2026 and 12/02; 2026-12-02;
- a day and a time ("fri 13:00", the command line's blockouts), and a first and a last
  day ("2026-08-01 2026-10-31", "1 aug to 31 oct": an evaluation's chosen period).

Numbers are month first — 12/02/2026 is 2 December 2026 — as US practices write them
(and as the practice's forms always have); the ISO form (2026-12-02) is read everywhere
too. A day that does not exist (31/02, 02/31/2026) is refused with what was typed, never
moved to the next month.

Saying back, one form per meaning, in the practice's time zone — every screen, the
command line and the reports say days and times only through these (a test holds the
screens and the CLI to it):

- a day: "Fri 20 Nov" (the year when asked for, or when it is not this year's), "20 Nov";
  in numbers, month first, "11/20/2026" (a birth date, an imported schedule);
- a time of day "07:37", from one to another "09:00–12:00";
- a moment: "Fri 20 Nov 07:37"; when something was done, "07:37" today and the day
  before that; lately, "Mon 07:37" this past week, "16 Nov" before; in full, for the
  audit, "Friday 20 November 2026, 07:37:05 CST";
- a span of days "5–18 Nov"; how long, "12 min", "2 h 5 min", "3 days"; a running clock
  "04:05"; how long ago, "3 min ago", "30 hours ago", "3 days ago".

The periods themselves (a local day, the stats week with its cutoff, a month) are
om_tui.practice.periods.

Each reader takes the refusal its caller speaks (`refused=OrderError`), as
limits.checked_text does, so a person sees one clear line in the words of the screen.

The module is past 400 lines and kept whole on purpose: it is one idea, the practice's
words for time both ways, and splitting the readers from the sayers would put the two
halves of each form (what is typed and what is shown) in different files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

import arrow
from arrow.locales import EnglishLocale
from arrow.parser import ParserError

from om_tui.practice.refusal import Refusal
from om_tui.practice.words import counted

Refuse = Callable[[str], Exception]
"""A refusal to raise with a message: a Refusal subclass, or ValueError."""

TIME_FORMS = "like 9:30, 17:00 or 2pm"
DAY_FORMS = "like today, fri, +3, 20 Nov, 11/20/2026 or 2026-11-20"

_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_OFFSET = re.compile(r"^(?:in\s+)?\+?\s*(\d{1,3})\s*(d|days?|w|wks?|weeks?)$|^\+\s*(\d{1,3})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?$")
_NAMED = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[a-z]{3,9})(?: (?P<year>\d{4}))?$")
_NAMED_MONTH_FIRST = re.compile(r"^(?P<month>[a-z]{3,9}) (?P<day>\d{1,2})(?: (?P<year>\d{4}))?$")
_ENGLISH = EnglishLocale()
_BETWEEN = re.compile(r"\s+(?:to|until|till|-)\s+|\s*[–—]\s*")

WEEKDAYS: tuple[str, ...] = tuple(_ENGLISH.day_names[1:8])
"""The weekdays' names, Monday (0) to Sunday (6), as Python numbers them."""
WEEKDAYS_SHORT: tuple[str, ...] = tuple(_ENGLISH.day_abbreviations[1:8])
""" "Mon" to "Sun"."""
_WEEKDAYS = tuple(name.lower() for name in WEEKDAYS)


class TimeWordsError(Refusal):
    """A day or time of day that cannot be read; the message is fit for the person."""


# -- times of day -------------------------------------------------------------------------


def time_of_day(text: str | None, refused: Refuse = TimeWordsError) -> dt.time | None:
    """ "14:30", "9:30", "9", "2pm", "2:30 pm", "noon" → the time; empty → None."""
    words = (text or "").strip().lower().replace(".", "").replace(" ", "")
    if not words:
        return None
    if words == "noon":
        return dt.time(12, 0)
    found = _TIME.match(words)
    if found is None:
        raise refused(f"A time of day is {TIME_FORMS} (not {text!r}).")
    hour, minute, suffix = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if suffix is not None:
        if not 1 <= hour <= 12:
            raise refused(f"A time of day is {TIME_FORMS} (not {text!r}).")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    try:
        return dt.time(hour, minute)
    except ValueError:
        raise refused(f"A time of day is {TIME_FORMS} (not {text!r}).") from None


def clock_text(text: str | None, refused: Refuse = TimeWordsError) -> str | None:
    """A time of day as stored: "HH:MM" (or None when left empty)."""
    at = time_of_day(text, refused)
    return None if at is None else f"{at:%H:%M}"


def looks_like_time(word: str) -> bool:
    """Is this word of a due ("fri 17:00") its time rather than its day?"""
    return word == "noon" or ":" in word or word.endswith(("am", "pm"))


# -- days ---------------------------------------------------------------------------------


def day(
    text: str,
    today: dt.date,
    refused: Refuse = TimeWordsError,
    *,
    ahead: bool = True,
    asked: str = "Which day?",
) -> dt.date:
    """A day as typed (see the module's forms). A day given without its year, or a weekday,
    is the next one from today (today included) — or, `ahead=False`, the last one. What
    cannot be read is refused with the question the field asks (`asked`)."""
    words = " ".join(text.strip().lower().replace(",", " ").split())
    if words in ("today", "tod"):
        return today
    if words in ("tomorrow", "tmrw", "tom", "tmr"):
        return today + dt.timedelta(days=1)
    if words in ("yesterday", "yday"):
        return today - dt.timedelta(days=1)
    for number, name in enumerate(_WEEKDAYS):
        if len(words) >= 3 and name.startswith(words):
            if ahead:
                return today + dt.timedelta(days=(number - today.weekday()) % 7)
            return today - dt.timedelta(days=(today.weekday() - number) % 7)
    offset = _OFFSET.match(words)
    if offset is not None:
        count = int(offset.group(1) or offset.group(3))
        unit = offset.group(2) or "d"
        span = dt.timedelta(weeks=count) if unit[0] == "w" else dt.timedelta(days=count)
        return today + span if ahead else today - span
    found = _iso(words, refused) or _numeric(words, today, refused, ahead)
    found = found or _named(words, today, refused, ahead)
    if found is None:
        raise refused(f"{asked} Type it {DAY_FORMS} (not {text.strip()!r}).")
    return found


def day_and_time(
    text: str, today: dt.date, refused: Refuse = TimeWordsError, *, asked: str = "When?"
) -> tuple[dt.date, dt.time | None]:
    """A day, and a time of day if one ends it: "2026-12-25", "fri 13:00", "25 dec 1pm"."""
    words = text.strip().split()
    if len(words) > 1 and looks_like_time(words[-1].lower()):
        at = time_of_day(words[-1], refused)
        return day(" ".join(words[:-1]), today, refused, asked=asked), at
    return day(text, today, refused, asked=asked), None


def two_days(
    text: str, today: dt.date, refused: Refuse = TimeWordsError, *, ahead: bool = True
) -> tuple[dt.date, dt.date]:
    """A first and a last day, as typed: "2026-08-01 2026-10-31", "1 aug to 31 oct",
    "aug 1 – oct 31". Each is read as `day` reads it; the last may not come first."""
    unclear = (f"The first and the last day, like 2026-08-01 2026-10-31 or 1 aug to 31 oct"
               f" (not {text.strip()!r}).")  # fmt: skip
    parts = _BETWEEN.split(text.strip(), maxsplit=1)
    if len(parts) == 2:
        first, last = (day(p, today, refused, ahead=ahead, asked="Which days?") for p in parts)
    elif len(words := text.split()) == 2:  # two days with no word between: each one word
        try:
            first, last = (day(word, today, ValueError, ahead=ahead) for word in words)
        except ValueError:
            raise refused(unclear) from None
    else:
        raise refused(unclear)
    if last < first:
        raise refused("The last day comes on or after the first.")
    return first, last


def birth_date(text: str) -> dt.date | None:
    """A date as the front desk types one (2/3/1984, 1984-02-03, 02031984), else None."""
    words = text.strip()
    if re.fullmatch(r"\d{8}", words):
        words = f"{words[:2]}/{words[2:4]}/{words[4:]}"
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", words):
        return None
    try:  # the year is always given, so no "today" is needed to read it
        return day(words, dt.date(2000, 1, 1), ValueError)
    except ValueError:
        return None


def _iso(words: str, refused: Refuse) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", words):
        return None
    try:
        return arrow.get(words, "YYYY-M-D").date()
    except (ParserError, ValueError):
        raise refused(f"There is no {words}.") from None


def _numeric(words: str, today: dt.date, refused: Refuse, ahead: bool) -> dt.date | None:
    """Month first: 12/02/2026, 12/02 (the next or last one), 12.02.2026, 12-02-2026."""
    found = _NUMERIC.match(words)
    if found is None:
        return None
    month, number, year = found.groups()
    if year is not None and len(year) != 4:
        raise refused(f"Please type the year in full, like {month}/{number}/{today.year}.")
    if not 1 <= int(month) <= 12:
        raise refused(f"There is no month {month} ({words}): month first, then the day.")
    return _dated(int(year or today.year), int(month), int(number), year is None, today,
                  refused, ahead)  # fmt: skip


def _named(words: str, today: dt.date, refused: Refuse, ahead: bool) -> dt.date | None:
    """ "2 dec", "dec 2", "2 december 2026" (a month's name, short or long, in arrow's words)."""
    found = _NAMED.match(words) or _NAMED_MONTH_FIRST.match(words)
    if found is None:
        return None
    month = _ENGLISH.month_number(found.group("month"))
    if month is None:
        return None
    year = found.group("year")
    return _dated(int(year or today.year), month, int(found.group("day")), year is None, today,
                  refused, ahead)  # fmt: skip


def _dated(
    year: int, month: int, number: int, guessed: bool, today: dt.date, refused: Refuse,
    ahead: bool,
) -> dt.date:  # fmt: skip
    """The day, refused if it does not exist; its year, when not given, the next (or last)."""
    try:
        found = dt.date(year, month, number)
    except ValueError:
        raise refused(f"There is no {number} {_month_name(month)} {year}.") from None
    if guessed and ahead and found < today:
        return _other_year(found, year + 1, refused)
    if guessed and not ahead and found > today:
        return _other_year(found, year - 1, refused)
    return found


def _other_year(found: dt.date, year: int, refused: Refuse) -> dt.date:
    try:
        return found.replace(year=year)
    except ValueError:  # 29 Feb: the next one is years away; say so plainly
        raise refused(f"{found.day} {found:%b} is not in {year}: please give the year.") from None


def _month_name(month: int) -> str:
    return dt.date(2000, month, 1).strftime("%b")


# -- saying moments back ------------------------------------------------------------------
#
# One form per meaning, on every screen, in the CLI and in the reports. A moment is an aware
# instant said in the practice's zone (`zone`), or one already made local (`zone=None`).


def day_text(
    day: dt.date, today: dt.date | None = None, *, weekday: bool = True, year: bool = False
) -> str:
    """ "Fri 20 Nov"; "20 Nov" without the weekday; the year ("Fri 20 Nov 2027") when asked
    for, or when `today` is given and the day is not in its year."""
    form = "ddd D MMM" if weekday else "D MMM"
    if year or (today is not None and day.year != today.year):
        form += " YYYY"
    return arrow.get(day).format(form)


def weekday_text(day: dt.date) -> str:
    """ "Fri": a day's weekday, as a column of days heads it."""
    return arrow.get(day).format("ddd")


def month_text(day: dt.date, *, short: bool = False) -> str:
    """ "November" ("Nov" short): the month a day is in."""
    return arrow.get(day).format("MMM" if short else "MMMM")


def weekday_runs(said: Sequence[str]) -> str:
    """ "Mon-Fri 09:00-17:00; Sat-Sun off": what each weekday (Monday first) says, alike
    weekdays in a row said once."""
    runs: list[tuple[int, int, str]] = []
    for day, text in enumerate(said):
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    names = WEEKDAYS_SHORT
    return "; ".join(f"{names[a]}{'' if a == b else '-' + names[b]} {text}" for a, b, text in runs)


def clock(moment: dt.datetime | dt.time, zone: dt.tzinfo | None = None) -> str:
    """ "07:37": the time of day (of the moment, in the practice's zone)."""
    if isinstance(moment, dt.time):
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return _local(moment, zone).format("HH:mm")


def clock_span(
    start: dt.datetime | dt.time, end: dt.datetime | dt.time, zone: dt.tzinfo | None = None
) -> str:
    """ "09:00–12:00": from one time of day to another (a visit, opening hours)."""
    return f"{clock(start, zone)}–{clock(end, zone)}"


def moment_text(
    moment: dt.datetime,
    zone: dt.tzinfo | None = None,
    today: dt.date | None = None,
    *,
    weekday: bool = True,
    year: bool = False,
    seconds: bool = False,
) -> str:
    """ "Fri 20 Nov 07:37": the day (as day_text says it) and the time of day (to the
    second, "07:37:05", where the order of events within a minute matters: the audit)."""
    local = _local(moment, zone)
    said = day_text(local.date(), today, weekday=weekday, year=year)
    return f"{said} {local.format('HH:mm:ss' if seconds else 'HH:mm')}"


def exact_moment(moment: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """ "Friday 6 November 2026, 13:29:05 CST": a moment in full, with its zone (an audit
    entry's detail, where nothing may be left to guess)."""
    return _local(moment, zone).format("dddd D MMMM YYYY, HH:mm:ss ZZZ")


def when(moment: dt.datetime, today: dt.date, zone: dt.tzinfo | None = None) -> str:
    """ "10:05" today; "Tue 17 Nov 10:05" another day: when something was done, exactly."""
    local = _local(moment, zone)
    return (
        local.format("HH:mm") if local.date() == today else moment_text(local.datetime, today=today)
    )


def lately(moment: dt.datetime, today: dt.date, zone: dt.tzinfo | None = None) -> str:
    """ "09:20" today; "Mon 09:20" in the six days before; "16 Nov" before that."""
    local = _local(moment, zone)
    if local.date() == today:
        return local.format("HH:mm")
    if today - local.date() < dt.timedelta(days=7):
        return local.format("ddd HH:mm")
    return day_text(local.date(), today, weekday=False)


def numeric_day(day: dt.date, *, year: bool = True, weekday: bool = False) -> str:
    """ "11/20/2026" (month first, as the practice's forms, a birth date and an imported
    schedule write it); "11/20" without the year; "Fri 11/20/2026" with the weekday."""
    form = "MM/DD/YYYY" if year else "MM/DD"
    return arrow.get(day).format(f"ddd {form}" if weekday else form)


def numeric_moment(moment: dt.datetime, zone: dt.tzinfo | None = None, *, year: bool = True) -> str:
    """ "Thu 11/19/2026 11:00" ("Thu 11/19 11:00" without the year): a moment as the
    practice's forms and an imported schedule write it."""
    local = _local(moment, zone)
    return f"{numeric_day(local.date(), year=year, weekday=True)} {local.format('HH:mm')}"


def span_text(first: dt.date, last: dt.date, *, year: bool = False) -> str:
    """ "5–18 Nov", "27 Aug – 19 Nov", "28 Dec 2026 – 3 Jan 2027"; a single day "Fri 20 Nov".
    `year`: the year after the last day ("5–18 Nov 2026")."""
    if first == last:
        return day_text(first, year=year)
    if first.year != last.year:
        started, ended = (day_text(d, weekday=False, year=True) for d in (first, last))
        return f"{started} – {ended}"
    end = day_text(last, weekday=False, year=year)
    if first.month != last.month:
        return f"{day_text(first, weekday=False)} – {end}"
    return f"{first.day}–{end}"


def duration(span: dt.timedelta) -> str:
    """ "12 min", "2 h 5 min", "3 days": how long something has lasted or waited."""
    minutes = max(int(span.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def stopwatch(span: dt.timedelta | None) -> str:
    """ "04:05" (mm:ss) under an hour, "1:02:03" from an hour: a visit's running clock."""
    if span is None:
        return ""
    hours, rest = divmod(int(span.total_seconds()), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def _local(moment: dt.datetime, zone: dt.tzinfo | None) -> arrow.Arrow:
    """The moment in the practice's zone; one already local (or naive) as it is."""
    if zone is None:
        return arrow.Arrow.fromdatetime(moment, moment.tzinfo or dt.UTC)
    return arrow.get(moment).to(zone)


def ago(moment: dt.datetime, now: dt.datetime) -> str:
    """ "just now", "3 min ago", "30 hours ago" (under two days), "3 days ago"."""
    span = now - moment
    if span < dt.timedelta(minutes=1):
        return "just now"
    if span < dt.timedelta(hours=1):
        return f"{span // dt.timedelta(minutes=1)} min ago"
    if span < dt.timedelta(days=2):
        return f"{counted(span // dt.timedelta(hours=1), 'hour')} ago"
    return f"{span.days} days ago"
