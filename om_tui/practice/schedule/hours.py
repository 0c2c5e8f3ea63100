"""When people can be booked: providers' working hours, the practice's open hours, the
slot size, and blockouts.

Hours are stretches of a weekday, in practice-local "HH:MM": "9:00-12:00 13:00-17:00"
is a day with a lunch break; a weekday without a stretch is a day off. A provider
with no hours set at all works the practice's open hours; a practice with no open
hours set is open all day (a new practice books before it has said its hours).
A blockout is a stretch of time nobody books: a provider's, or (without a provider)
the whole practice's, such as a holiday. Booking outside hours or in a blockout is
not refused: the person is warned, and decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peewee import Database

from db.models import Blockout, SettingKey, Staff, WorkingHours, as_utc, utc_naive
from om_tui.practice import settings, time_words
from om_tui.practice.clock import Clock
from om_tui.practice.people.roles import recorded
from om_tui.practice.schedule.access import SETUP, ScheduleError, require
from om_tui.practice.seen import ChangedElsewhere, require_unchanged
from om_tui.practice.settings import PracticeSettings

SLOT_SIZES = (5, 10, 15, 20, 30, 60)
DEFAULT_SLOT = 15
WEEKDAYS = tuple(name.lower() for name in time_words.WEEKDAYS_SHORT)
_STRETCH = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")

Stretch = tuple[dt.time, dt.time]


def parse_stretches(text: str) -> list[Stretch]:
    """ "9-12 13:00-17:30" → [(9:00, 12:00), (13:00, 17:30)]; "off" or "" → a day off."""
    text = text.strip().lower().replace(",", " ")
    if text in ("", "off", "closed"):
        return []
    stretches: list[Stretch] = []
    for word in text.split():
        found = _STRETCH.match(word)
        if found is None:
            raise ScheduleError(f"Hours are like 9-12 13:00-17:30, or off (not {word!r}).")
        h1, m1, h2, m2 = found.groups()
        try:
            start = dt.time(int(h1), int(m1 or 0))
            end = dt.time(int(h2), int(m2 or 0)) if int(h2) < 24 else dt.time.max
        except ValueError:
            raise ScheduleError(f"{word!r} is not a stretch of a day.") from None
        if end <= start:
            raise ScheduleError(f"{word}: the end comes after the start.")
        if stretches and start < stretches[-1][1]:
            raise ScheduleError(f"{word} overlaps the stretch before it: in order, please.")
        stretches.append((start, end))
    return stretches


def stretches_text(stretches: Sequence[Stretch]) -> str:
    if not stretches:
        return "off"
    return " ".join(f"{time_words.clock(a)}-{time_words.clock(b)}" for a, b in stretches)


def parse_weekday(text: str) -> int:
    """ "mon", "Monday", "1" (Monday) … "7" → 0 … 6."""
    word = text.strip().lower()
    if word.isdigit() and 1 <= int(word) <= 7:
        return int(word) - 1
    for number, name in enumerate(WEEKDAYS):
        if len(word) >= 2 and word.startswith(name[:2]) and name.startswith(word[:3]):
            return number
    raise ScheduleError(f"A weekday, like mon or friday (not {text!r}).")


def week_hours(staff_id: int | None) -> dict[int, list[Stretch]]:
    """Weekday → stretches, for a provider (None: the practice's open hours)."""
    week: dict[int, list[Stretch]] = defaultdict(list)
    query = WorkingHours.select().where(
        WorkingHours.staff.is_null() if staff_id is None else WorkingHours.staff == staff_id
    )
    for row in query.order_by(WorkingHours.weekday, WorkingHours.start):
        week[row.weekday].append((dt.time.fromisoformat(row.start), dt.time.fromisoformat(row.end)))
    return dict(week)


def set_hours(
    database: Database,
    staff_id: int | None,
    whose: int | None,
    weekdays: Iterable[int],
    stretches: Sequence[Stretch],
    *,
    seen: str | None = None,
) -> None:
    """Set `whose` hours (None: the practice's) on those weekdays; the managers'. From a
    screen, `seen` is what it showed for them ("09:00-12:00 13:00-17:00", "off", or
    "" when they had none of their own): refused if another terminal changed them since."""
    days = sorted(set(weekdays))
    with database.atomic():
        require(database, staff_id, SETUP, "sets working hours")
        if whose is not None:
            person = Staff.get_or_none(Staff.id == whose)
            if person is None or not person.provider:
                raise ScheduleError(
                    "Working hours are kept for providers (those who see patients)."
                )
        if seen is not None:
            _require_seen(whose, {day: seen for day in days})
        owner = WorkingHours.staff.is_null() if whose is None else WorkingHours.staff == whose
        WorkingHours.delete().where(owner, WorkingHours.weekday.in_(days)).execute()
        for day in days:
            for start, end in stretches:
                WorkingHours.create(
                    staff=whose, weekday=day, start=f"{start:%H:%M}", end=f"{end:%H:%M}"
                )


def _seen(name: str, value: object | None) -> dict[str, object] | None:
    return None if value is None else {name: value}


def _require_seen(whose: int | None, seen: dict[int, str]) -> None:
    """Refuse unless each weekday's hours are still as a screen showed them."""
    week = week_hours(whose)
    for day, shown in seen.items():
        now = stretches_text(week.get(day, [])) if week else ""
        if now != shown:
            raise ChangedElsewhere(
                f"{WEEKDAYS[day].capitalize()}'s hours were changed on another "
                f"terminal since you opened them ({now or 'not set'}): nothing was saved."
            )


def slot_minutes(database: Database) -> int:
    stored = settings.get(database, SettingKey.SLOT_MINUTES)
    return int(stored) if stored else DEFAULT_SLOT


def set_slot_minutes(
    database: Database, staff_id: int | None, minutes: int, *, seen: int | None = None
) -> None:
    """The book's row, in minutes; `seen`: the size a screen showed (refused if changed)."""
    if minutes not in SLOT_SIZES:
        sizes = ", ".join(str(s) for s in SLOT_SIZES)
        raise ScheduleError(f"The book's slots are {sizes} minutes long.")
    with database.atomic():
        require(database, staff_id, SETUP, "sets the book's slot size")
        require_unchanged("The slot size", {"slot": slot_minutes(database)}, _seen("slot", seen))
        settings.put(database, SettingKey.SLOT_MINUTES, str(minutes))


@dataclass(frozen=True)
class BlockoutLine:
    id: int
    staff_id: int | None  # None: the whole practice
    start: dt.datetime  # UTC, aware
    end: dt.datetime
    reason: str


def add_blockout(
    database: Database,
    clock: Clock,
    staff_id: int | None,
    whose: int | None,
    start: dt.datetime,
    end: dt.datetime,
    reason: str = "",
) -> BlockoutLine:
    """Block [start, end) for a provider, or for the whole practice (whose None)."""
    if end <= start:
        raise ScheduleError("A blockout ends after it starts.")
    with database.atomic():
        require(database, staff_id, SETUP, "adds blockouts")
        row = Blockout.create(
            staff=whose,
            start=utc_naive(start),
            end=utc_naive(end),
            reason=" ".join(reason.split()),
            by=recorded(staff_id),
            created=utc_naive(clock.now()),
        )
    return BlockoutLine(row.id, whose, as_utc(row.start), as_utc(row.end), row.reason)


def remove_blockout(database: Database, staff_id: int | None, blockout_id: int) -> None:
    with database.atomic():
        require(database, staff_id, SETUP, "removes blockouts")
        if not Blockout.delete().where(Blockout.id == blockout_id).execute():
            raise ScheduleError("That blockout is gone already.")


def blockouts_between(
    start: dt.datetime, end: dt.datetime, staff_ids: Iterable[int] | None = None
) -> list[BlockoutLine]:
    """Blockouts overlapping [start, end): the practice's and (if named) these providers'."""
    query = Blockout.select().where(
        Blockout.start < utc_naive(end), Blockout.end > utc_naive(start)
    )
    if staff_ids is not None:
        query = query.where(Blockout.staff.is_null() | Blockout.staff.in_(list(staff_ids)))
    return [
        BlockoutLine(b.id, b.staff_id, as_utc(b.start), as_utc(b.end), b.reason)
        for b in query.order_by(Blockout.start)
    ]


class Hours:
    """Everyone's hours at once, read once: what `working` and `free_stretches` ask."""

    def __init__(self, practice: PracticeSettings) -> None:
        self.practice = practice
        self.open = week_hours(None)
        self.by_provider: dict[int, dict[int, list[Stretch]]] = defaultdict(dict)
        for row in WorkingHours.select().where(WorkingHours.staff.is_null(False)):
            assert row.staff_id is not None
            stretch = (dt.time.fromisoformat(row.start), dt.time.fromisoformat(row.end))
            self.by_provider[row.staff_id].setdefault(row.weekday, []).append(stretch)
        for week in self.by_provider.values():
            for stretches in week.values():
                stretches.sort()

    def stretches(self, provider: int | None, day: dt.date) -> list[Stretch]:
        """The provider's stretches on `day` (their own, else the practice's; else all day)."""
        week = self.by_provider.get(provider) if provider is not None else None
        if not week:
            week = self.open
        if not week:
            return [(dt.time(), dt.time.max)]
        return week.get(day.weekday(), [])

    def spans(self, provider: int | None, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The same stretches as UTC instants (local times kept across a DST change)."""
        zone = self.practice.zone
        spans = []
        for start, end in self.stretches(provider, day):
            begin = dt.datetime.combine(day, start, tzinfo=zone).astimezone(dt.UTC)
            if end == dt.time.max:
                finish = self.practice.day_bounds(day)[1]
            else:
                finish = dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)
            spans.append((begin, finish))
        return spans

    def working(self, provider: int | None, start: dt.datetime, end: dt.datetime) -> bool:
        """Is [start, end) within one of the provider's stretches that day?"""
        day = self.practice.local(start).date()
        return any(a <= start and end <= b for a, b in self.spans(provider, day))


def blocked_by(
    blockouts: Iterable[BlockoutLine], provider: int | None, start: dt.datetime, end: dt.datetime
) -> BlockoutLine | None:
    """The first blockout (the practice's, or the provider's) overlapping [start, end)."""
    for blockout in blockouts:
        if blockout.staff_id is not None and blockout.staff_id != provider:
            continue
        if blockout.start < end and start < blockout.end:
            return blockout
    return None


def parse_weekdays(text: str) -> list[int]:
    """ "mon-fri", "mon wed fri", "tue,thu", "all" → weekday numbers (Monday 0)."""
    text = text.strip().lower().replace(",", " ")
    if text in ("all", "every", "daily"):
        return list(range(7))
    days: list[int] = []
    for word in text.split():
        first, dash, last = word.partition("-")
        if dash:
            a, b = parse_weekday(first), parse_weekday(last)
            days.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        else:
            days.append(parse_weekday(word))
    if not days:
        raise ScheduleError("Which weekdays? Like mon-fri, or mon wed fri.")
    return sorted(set(days))


def provider_named(text: str) -> int:
    """An active provider by the start of any word of their name ("chen", "dr. s")."""
    wanted = text.strip().casefold()
    query = Staff.select().where(Staff.provider == True, Staff.active == True)  # noqa: E712
    found = [
        s
        for s in query
        if s.name.casefold().startswith(wanted)
        or any(word.startswith(wanted) for word in s.name.casefold().split())
    ]
    if len(found) != 1:
        names = ", ".join(s.name for s in query.order_by(Staff.name)) or "none yet"
        what = "No provider" if not found else "More than one provider"
        raise ScheduleError(f"{what} named {text!r} (the providers: {names}).")
    return int(found[0].id)


def set_week(
    database: Database,
    staff_id: int | None,
    whose: int | None,
    days: dict[int, str],
    seen: dict[int, str] | None = None,
) -> None:
    """Someone's week at once, as typed on the screen: weekday → "9-12 13-17" or "off".
    Every day left empty: they keep no hours of their own (a provider works the practice's
    hours; the practice is open all day). `seen`: each day as the screen showed it."""
    typed = {day: text.strip() for day, text in days.items()}
    parsed = {day: parse_stretches(text) for day, text in typed.items()}
    with database.atomic():
        require(database, staff_id, SETUP, "sets working hours")
        if seen is not None:
            _require_seen(whose, seen)
        if not any(typed.values()):
            owner = WorkingHours.staff.is_null() if whose is None else WorkingHours.staff == whose
            WorkingHours.delete().where(owner).execute()
            return
        for day, stretches in parsed.items():
            set_hours(database, staff_id, whose, [day], stretches)


def read_blockout(
    practice: PracticeSettings, today: dt.date, starts: str, ends: str = ""
) -> tuple[dt.datetime, dt.datetime]:
    """A blockout as typed: a day ("12/24", "fri", "2026-12-24") for all of it, or a day and
    a time ("fri 13:00"); `ends` likewise (empty: the end of the day it starts)."""
    start_day, start_time = _day_and_time(starts, today, "starts")
    if ends.strip():
        end_day, end_time = _day_and_time(ends, start_day, "ends")
    else:
        end_day, end_time = start_day, None
    start = dt.datetime.combine(start_day, start_time or dt.time(), tzinfo=practice.zone)
    if end_time is None:
        end = practice.day_bounds(end_day)[1]
    else:
        end = dt.datetime.combine(end_day, end_time, tzinfo=practice.zone)
    if end <= start.astimezone(dt.UTC):
        raise ScheduleError("A blockout ends after it starts.")
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _day_and_time(text: str, today: dt.date, which: str) -> tuple[dt.date, dt.time | None]:
    from om_tui.practice.refusal import Refusal

    words = text.strip().split()
    clock_time = None
    if words and time_words.looks_like_time(words[-1]):
        clock_time = time_words.time_of_day(words.pop(), ScheduleError)
    try:
        return time_words.day(" ".join(words) or "today", today), clock_time
    except Refusal:
        raise ScheduleError(
            f"When it {which}: a day like 12/24, fri or 2026-12-24, and a time like 13:00 "
            f"if not all day (not {text!r})."
        ) from None
