"""The demo practice's book: providers' hours, the practice's open hours, a holiday and a
provider's afternoon off, a few recurring series, and the coming week's bookings — made
once, through the schedule's own operations, so the book looks like a real week."""

from __future__ import annotations

import datetime as dt
import random

from peewee import Database

from db.models import AppointmentSeries, Patient, Staff
from om_tui.practice.clock import Clock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours, types
from om_tui.practice.schedule.access import DOUBLE_BOOK, OUTSIDE_HOURS, PAST, ScheduleError
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.series import Rule, book_series
from om_tui.practice.settings import PracticeSettings

SEED = 20261206
HOURS = {
    # provider's last name: (weekdays, stretches)
    "Webb": ("mon-fri", "8-12 13-17"),
    "Patel": ("mon wed fri", "9-13 14-18"),
    "Chen": ("mon-thu", "8-12 14-18"),
}
ANYWAY = (PAST, OUTSIDE_HOURS, DOUBLE_BOOK)


def open_demo_schedule(database: Database, clock: Clock, practice: PracticeSettings) -> None:
    """Once: the demo's hours, blockouts, series and next week's bookings."""
    if AppointmentSeries.select().exists():
        return
    book = Book(database, clock, practice, ADMINISTRATOR)
    providers = {
        s.name.split()[-1]: s.id
        for s in Staff.select().where(Staff.provider == True)  # noqa: E712
    }
    with database.atomic():
        hours.set_hours(database, ADMINISTRATOR, None, range(5), hours.parse_stretches("8-18"))
        hours.set_hours(database, ADMINISTRATOR, None, [5], hours.parse_stretches("9-13"))
        for name, colour in (("New patient", "green"), ("Re-exam", "cyan")):
            types.edit_type(database, ADMINISTRATOR, types.type_named(name).id, colour=colour)
        for name, (days, stretches) in HOURS.items():
            if name in providers:
                hours.set_hours(
                    database,
                    ADMINISTRATOR,
                    providers[name],
                    hours.parse_weekdays(days),
                    hours.parse_stretches(stretches),
                )
        today = practice.today(clock.now())
        monday = today + dt.timedelta(days=7 - today.weekday())
        _blockouts(database, clock, practice, monday, providers)
        _series(book, monday, providers)
        _coming_week(book, today, providers)


def _at(practice: PracticeSettings, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=practice.zone).astimezone(dt.UTC)


def _blockouts(
    database: Database,
    clock: Clock,
    practice: PracticeSettings,
    monday: dt.date,
    providers: dict[str, int],
) -> None:
    closed = monday + dt.timedelta(days=10)  # the Thursday after next: the whole practice
    hours.add_blockout(
        database,
        clock,
        ADMINISTRATOR,
        None,
        _at(practice, closed, 0),
        _at(practice, closed + dt.timedelta(days=1), 0),
        "Practice closed: staff training",
    )
    if "Chen" in providers:
        hours.add_blockout(
            database,
            clock,
            ADMINISTRATOR,
            providers["Chen"],
            _at(practice, monday + dt.timedelta(days=2), 14),
            _at(practice, monday + dt.timedelta(days=2), 18),
            "Seminar",
        )


def _series(book: Book, monday: dt.date, providers: dict[str, int]) -> None:
    patients = [p.id for p in Patient.select(Patient.id).order_by(Patient.id).limit(3)]
    regular = types.type_named("Regular").id
    re_exam = types.type_named("Re-exam").id
    plans = [
        # (provider, rule, minutes, type): a care plan three times a week, then others
        ("Webb", Rule((0, 2, 4), dt.time(8, 0), monday, count=18), 15, regular),
        ("Chen", Rule((1,), dt.time(14, 0), monday, every_weeks=2, count=6), 30, re_exam),
        ("Patel", Rule((2,), dt.time(9, 0), monday, count=8), 15, regular),
    ]
    for patient, (name, rule, minutes, kind) in zip(patients, plans, strict=False):
        if name in providers:
            book_series(book, patient, rule, minutes, providers[name], kind, consent=ANYWAY)


def _coming_week(book: Book, today: dt.date, providers: dict[str, int]) -> None:
    """Most of each provider's slots booked for the next five working days."""
    rng = random.Random(SEED)
    kinds = types.appointment_types()
    count = Patient.select().count()
    hours_now = hours.Hours(book.settings)
    day = today
    booked_days = 0
    while booked_days < 5:
        day += dt.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        booked_days += 1
        for provider in providers.values():
            for start, end in hours_now.spans(provider, day):
                at = start
                while at < end:
                    kind = rng.choices(kinds, weights=[1, 10, 2][: len(kinds)] or None)[0]
                    length = dt.timedelta(minutes=kind.minutes)
                    if at + length <= end and rng.random() < 0.7:
                        try:
                            made = book.book(
                                rng.randrange(1, count + 1),
                                at,
                                kind.minutes,
                                provider,
                                kind.id,
                                consent=(PAST, OUTSIDE_HOURS),
                            )
                            if booked_days <= 2 and rng.random() < 0.8:  # called already
                                _confirm(book, made.appointment_id, rng.random() < 0.8)
                        except ScheduleError:
                            pass  # taken by a series, or the patient is booked then
                    at += dt.timedelta(minutes=15)


def _confirm(book: Book, appointment_id: int, reached: bool) -> None:
    """Confirmed (`reached`), or a message left: the states one key steps through."""
    for _ in range(2 if reached else 1):
        entry = book.entry(appointment_id)
        book.set_status(entry.id, entry.version)
