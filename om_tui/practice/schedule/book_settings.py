"""The book's settings, read at once for the screen that keeps them: appointment types,
confirmation states, reasons for cancelling (the retired ones too), the practice's open
hours and each provider's, the blockouts from today on, the slot size and the no-show
rule. The changes are the lists' and the hours' own operations (types.py, hours.py,
settings.py); this module only reads, and says a week of hours as a person would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from db.models import (
    AppointmentType,
    Blockout,
    CancelReason,
    ConfirmationStatus,
    Setting,
    Staff,
    WorkingHours,
)
from om_tui.practice import settings, time_words
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.schedule import types
from om_tui.practice.schedule.hours import (
    BlockoutLine,
    Stretch,
    blockouts_between,
    slot_minutes,
    stretches_text,
    week_hours,
)
from om_tui.practice.schedule.types import ReasonLine, StatusLine, TypeLine
from om_tui.practice.settings import PracticeSettings

BOOK_SETTINGS_TABLES = tables_of(
    AppointmentType, Blockout, CancelReason, ConfirmationStatus, Setting, Staff, WorkingHours
)
"""What the book's settings screen is read from (`read`)."""

BLOCKOUTS_AHEAD = dt.timedelta(days=3650)


def _short(moment: dt.time) -> str:
    """ "8", "13:30", "24": a time of day as few characters say it."""
    if moment == dt.time.max:
        return "24"
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"


@dataclass(frozen=True)
class WeekOfHours:
    """Someone's hours (a provider's; None: the practice's open hours)."""

    staff_id: int | None
    name: str
    days: dict[int, list[Stretch]]  # weekday → stretches; empty dict: none of their own

    @property
    def own(self) -> bool:
        return bool(self.days)

    def day_text(self, weekday: int) -> str:
        """What a screen shows for one weekday, and hands back as `seen` when editing it."""
        return stretches_text(self.days.get(weekday, [])) if self.days else ""

    @property
    def said(self) -> str:
        """ "Mon-Fri 08:00-12:00 13:00-18:00; Sat-Sun off": alike weekdays said once."""
        if not self.days:
            return "the practice's hours" if self.staff_id is not None else "open all day"
        return time_words.weekday_runs(
            [
                " ".join(f"{_short(a)}-{_short(b)}" for a, b in self.days.get(day, [])) or "off"
                for day in range(7)
            ]
        )


@dataclass(frozen=True)
class BookSettings:
    kinds: list[TypeLine]
    statuses: list[StatusLine]
    reasons: list[ReasonLine]
    hours: list[WeekOfHours]  # the practice's first, then each active provider's
    blockouts: list[BlockoutLine]  # from today on
    providers: dict[int, str]  # every provider's name, for the blockouts' lines
    slot: int
    no_show_after: int


def providers() -> list[tuple[int, str]]:
    """The active providers, by name: whose hours and blockouts the book keeps."""
    query = Staff.select().where(Staff.provider == True, Staff.active == True)  # noqa: E712
    return [(s.id, s.name) for s in query.order_by(Staff.name)]


def read(database: Database, clock: Clock, practice: PracticeSettings) -> BookSettings:
    today = practice.day_bounds(practice.today(clock.now()))[0]
    people = providers()
    hours = [WeekOfHours(None, "Practice (open)", week_hours(None))]
    hours += [WeekOfHours(i, name, week_hours(i)) for i, name in people]
    return BookSettings(
        kinds=types.appointment_types(retired=True),
        statuses=types.statuses(retired=True),
        reasons=types.reasons(retired=True),
        hours=hours,
        blockouts=blockouts_between(today, today + BLOCKOUTS_AHEAD),
        providers={s.id: s.name for s in Staff.select().where(Staff.provider == True)},  # noqa: E712
        slot=slot_minutes(database),
        no_show_after=settings.load(database).no_show_after_minutes,
    )


def blockout_when(practice: PracticeSettings, blockout: BlockoutLine) -> str:
    """ "Thu 17 Dec", "Thu 17 Dec – Fri 18 Dec", "Wed 9 Dec 14:00–18:00", "Fri 11 Dec 13:00–24:00":
    a blockout's time as short as it can be said (whole days without their hours)."""
    start, end = practice.local(blockout.start), practice.local(blockout.end)
    midnight = dt.time()
    last_day = end.date() - dt.timedelta(days=1) if end.time() == midnight else end.date()
    first = time_words.day_text(start.date())
    if start.time() == midnight and end.time() == midnight:
        if last_day == start.date():
            return first
        return f"{first} – {time_words.day_text(last_day)}"
    finish = "24:00" if end.time() == midnight else time_words.clock(end)
    if last_day == start.date():
        return f"{first} {time_words.clock(start)}–{finish}"
    return f"{first} {time_words.clock(start)} – {time_words.day_text(last_day)} {finish}"
