"""Recurring appointments: a series is a rule — these weekdays, at this local time,
every N weeks, from a day until a day or for a number of times — and its occurrences.

Each occurrence is its own appointment row, pointing at its series and at the
occurrence of the rule it stands for (`replaces`, as iCalendar's RECURRENCE-ID).
Moving or cancelling one occurrence changes that row only: no change to one can make
the others vanish (openemr#3661). "This and following" splits the series: the old
rule ends the day before, a new series carries the change from that occurrence on;
occurrences already changed one by one stay as they were.

Occurrences are expanded in practice-local time, so 9:00 stays 9:00 across a DST
change (arrow does the calendar arithmetic). A series without an end is capped at
52 weeks (CAP_WEEKS), and the booking says so. An occurrence on a day the whole
practice is blocked out (a holiday) is left out, and said; one in a provider's taken
slot is booked only as a double-booking agreed to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import arrow

from db.models import Appointment, AppointmentSeries, Patient, Visit, as_utc, utc_naive
from om_tui.practice import time_words
from om_tui.practice.people.roles import recorded
from om_tui.practice.schedule import types
from om_tui.practice.schedule.access import (
    BOOK,
    DOUBLE_BOOK,
    OUTSIDE_HOURS,
    PAST,
    NeedsConsent,
    ScheduleError,
    require,
)
from om_tui.practice.schedule.book import Book, Booked
from om_tui.practice.schedule.hours import WEEKDAYS, blockouts_between, parse_weekdays

CAP_WEEKS = 52
"""A series without an end is booked this far ahead."""
LONGEST_EVERY = 12
MOST_OCCURRENCES = 400


@dataclass(frozen=True)
class Rule:
    """When a series' occurrences fall."""

    weekdays: tuple[int, ...]  # Monday 0
    at: dt.time  # practice-local
    first_day: dt.date
    every_weeks: int = 1
    until: dt.date | None = None
    count: int | None = None

    def check(self) -> None:
        if not self.weekdays or any(not 0 <= d <= 6 for d in self.weekdays):
            raise ScheduleError("A series needs its weekdays, like mon wed fri.")
        if not 1 <= self.every_weeks <= LONGEST_EVERY:
            raise ScheduleError(f"Every 1 to {LONGEST_EVERY} weeks.")
        if self.until is not None and self.until < self.first_day:
            raise ScheduleError("The series ends before it begins.")
        if self.count is not None and not 1 <= self.count <= MOST_OCCURRENCES:
            raise ScheduleError(f"A series has 1 to {MOST_OCCURRENCES} occurrences.")

    @property
    def capped(self) -> bool:
        return self.until is None and self.count is None

    @property
    def described(self) -> str:
        days = " ".join(WEEKDAYS[d].capitalize() for d in sorted(self.weekdays))
        every = "weekly" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        if self.count is not None:
            end = f", {self.count} times"
        elif self.until is not None:
            end = f", until {time_words.day_text(self.until, weekday=False, year=True)}"
        else:
            end = f", for {CAP_WEEKS} weeks (no end was given)"
        return f"{days} at {time_words.clock(self.at)}, {every}{end}"


def read_rule(
    days: str, every: str, ends: str, first_day: dt.date, at: dt.time, today: dt.date
) -> Rule:
    """A rule as typed: days "mon wed fri", every "2" (weeks), ends "6" (times) or a day
    ("12/15", "fri", "+6w"), or nothing (capped at CAP_WEEKS, and said)."""
    from om_tui.practice.refusal import Refusal

    weekdays = tuple(parse_weekdays(days)) if days.strip() else (first_day.weekday(),)
    every = every.strip() or "1"
    if not every.isdigit():
        raise ScheduleError(f"Every how many weeks? A number (not {every!r}).")
    ends = ends.strip().lower().removesuffix("times").removesuffix("x").strip()
    count, until = None, None
    if ends.isdigit():
        count = int(ends)
    elif ends:
        try:
            until = time_words.day(ends, today)
        except Refusal as error:
            raise ScheduleError(f"Ends: a number of times, or a day ({error})") from None
    rule = Rule(weekdays, at, first_day, int(every), until, count)
    rule.check()
    return rule


def repeat(
    book: Book, appointment_id: int, version: int, rule: Rule, consent: Collection[str] = ()
) -> SeriesBooked:
    """Make an appointment the first of a series: the rule's other occurrences are
    booked as it is (provider, type, room, length); it points at the series too."""
    with book.database.atomic():
        appointment = book._as_seen(appointment_id, version)
        if appointment.series_id is not None:
            raise ScheduleError("That appointment is part of a series already.")
        start = as_utc(appointment.start)
        first_day = book.settings.local(start).date()
        made = book_series(
            book,
            appointment.patient_id,
            rule,
            appointment.length_minutes,
            appointment.provider_id,
            appointment.type_id,
            appointment.room_id,
            consent,
            skip={first_day},
        )
        book._update(appointment, series=made.series_id, replaces=appointment.start)
    return made


def occurrences(rule: Rule, zone: dt.tzinfo) -> list[dt.datetime]:
    """The rule's occurrences, as UTC instants: local time kept across DST changes."""
    rule.check()
    last = rule.until or rule.first_day + dt.timedelta(weeks=CAP_WEEKS) - dt.timedelta(days=1)
    week_start = rule.first_day - dt.timedelta(days=rule.first_day.weekday())
    found: list[dt.datetime] = []
    week = 0
    while True:
        monday = week_start + dt.timedelta(weeks=week)
        if monday > last:
            break
        for weekday in sorted(set(rule.weekdays)):
            day = monday + dt.timedelta(days=weekday)
            if day < rule.first_day or day > last:
                continue
            local = arrow.Arrow(
                day.year, day.month, day.day, rule.at.hour, rule.at.minute, tzinfo=zone
            )
            found.append(local.to("UTC").datetime)
            if rule.count is not None and len(found) >= rule.count:
                return found
        week += rule.every_weeks
    return found


@dataclass(frozen=True)
class SeriesBooked:
    series_id: int
    booked: int
    skipped: list[dt.datetime]  # occurrences left out: on a practice holiday
    description: str


def book_series(
    book: Book,
    patient_id: int,
    rule: Rule,
    minutes: int,
    provider_id: int | None,
    type_id: int | None = None,
    room_id: int | None = None,
    consent: Collection[str] = (),
    *,
    skip: Collection[dt.date] = (),
) -> SeriesBooked:
    """Book every occurrence of `rule`, all or none (a refusal books nothing)."""
    types.check_minutes(minutes)
    with book.database.atomic():
        require(book.database, book.staff_id, BOOK, "books appointments")
        patient = Patient.get_or_none(Patient.id == patient_id)
        if patient is None:
            raise ScheduleError("That patient is no longer on file (merged or removed).")
        series = AppointmentSeries.create(
            patient=patient_id,
            provider=provider_id,
            type=type_id,
            room=room_id,
            weekdays=" ".join(str(d) for d in sorted(rule.weekdays)),
            at=f"{rule.at:%H:%M}",
            length_minutes=minutes,
            every_weeks=rule.every_weeks,
            first_day=rule.first_day,
            until=rule.until,
            count=rule.count,
            created=utc_naive(book.clock.now()),
            by=recorded(book.staff_id),
        )
        moments = [
            m
            for m in occurrences(rule, book.settings.zone)
            if book.settings.local(m).date() not in skip
        ]
        booked, skipped = _book_occurrences(book, series, moments, consent)
        if not booked:
            raise ScheduleError("No occurrence of that series could be booked.")
    said = f"; {len(skipped)} left out (the practice is closed)" if skipped else ""
    return SeriesBooked(
        series.id,
        booked,
        skipped,
        f"{patient.full_name}: {booked} appointments, {rule.described}{said}",
    )


def _book_occurrences(
    book: Book,
    series: AppointmentSeries,
    moments: Sequence[dt.datetime],
    consent: Collection[str],
) -> tuple[int, list[dt.datetime]]:
    now = book.clock.now()
    minutes = series.length_minutes
    if moments:
        holidays = [
            b
            for b in blockouts_between(moments[0], moments[-1] + dt.timedelta(minutes=minutes))
            if b.staff_id is None
        ]
    else:
        holidays = []
    booked = 0
    skipped: list[dt.datetime] = []
    for start in moments:
        if start < now:
            continue
        end = start + dt.timedelta(minutes=minutes)
        if any(h.start < end and start < h.end for h in holidays):
            skipped.append(start)
            continue
        try:
            double = book.check_slot(
                series.patient_id,
                series.provider_id,
                start,
                minutes,
                {*consent, PAST, OUTSIDE_HOURS},
            )
        except NeedsConsent as asked:
            if asked.consent != DOUBLE_BOOK:
                raise
            raise NeedsConsent(
                DOUBLE_BOOK, f"{book.when(start)}: {asked}".replace("?", " (and maybe others)?")
            ) from None
        Appointment.create(
            patient=series.patient_id,
            provider=series.provider_id,
            start=utc_naive(start),
            length_minutes=minutes,
            type=series.type_id,
            status=types.first_status(),
            room=series.room_id,
            double_booked=double,
            series=series.id,
            replaces=utc_naive(start),
            booked_at=utc_naive(now),
            booked_by=recorded(book.staff_id),
        )
        booked += 1
    return booked, skipped


def _untouched(appointment: Appointment) -> bool:
    """An occurrence still as the rule made it: not moved, cancelled, missed or begun."""
    return (
        appointment.replaces is not None
        and appointment.start == appointment.replaces
        and appointment.cancelled_at is None
        and appointment.missed_at is None
        and not Visit.select().where(Visit.appointment == appointment.id).exists()
    )


def change_following(
    book: Book,
    appointment_id: int,
    version: int,
    *,
    at: dt.time | None = None,
    weekdays: Sequence[int] | None = None,
    every_weeks: int | None = None,
    provider_id: int | None = None,
    minutes: int | None = None,
    stop: bool = False,
    consent: Collection[str] = (),
) -> Booked:
    """This occurrence and the following ones: changed (a new series from here), or
    stopped (`stop`: cancelled from here). Those changed one by one stay."""
    with book.database.atomic():
        require(book.database, book.staff_id, BOOK, "changes a series")
        appointment = book._as_seen(appointment_id, version)
        if appointment.series_id is None:
            raise ScheduleError("That appointment is not part of a series.")
        series = AppointmentSeries.get_by_id(appointment.series_id)
        pivot = as_utc(appointment.replaces or appointment.start)
        split_day = book.settings.local(pivot).date()
        following = list(
            Appointment.select().where(
                Appointment.series == series.id,
                Appointment.replaces >= utc_naive(pivot),
            )
        )
        left = [a for a in following if a.id == appointment.id or _untouched(a)]
        old_rule = _rule_of(series)
        for old in left:
            Appointment.delete().where(Appointment.id == old.id).execute()
        series.until = split_day - dt.timedelta(days=1)
        series.count = None  # its occurrences are booked: the day it ends says it all
        series.save()
        name = appointment.patient.full_name
        if stop:
            return Booked(appointment.id, f"{name}: series stopped from {book.when(pivot)}")
        local_day = {
            a.id: book.settings.local(as_utc(a.replaces or a.start)).date() for a in following
        }
        if old_rule.until is not None:
            until = old_rule.until
        elif old_rule.count is not None:  # the new rule ends where the old one did
            until = max(local_day.values())
        else:  # a capped series keeps its last day
            until = old_rule.first_day + dt.timedelta(weeks=CAP_WEEKS, days=-1)
        rule = Rule(
            weekdays=tuple(weekdays) if weekdays is not None else old_rule.weekdays,
            at=at if at is not None else old_rule.at,
            first_day=split_day,
            every_weeks=every_weeks or old_rule.every_weeks,
            until=until,
        )
        # An occurrence changed one by one keeps its day: the new rule adds none there.
        kept = {local_day[a.id] for a in following if a not in left}
        made = book_series(
            book,
            series.patient_id,
            rule,
            minutes or series.length_minutes,
            provider_id if provider_id is not None else series.provider_id,
            series.type_id,
            series.room_id,
            consent,
            skip=kept,
        )
    said = f"{name}: from {time_words.day_text(split_day)} on, {rule.described}"
    return Booked(made.series_id, said)


def _rule_of(series: AppointmentSeries) -> Rule:
    return Rule(
        weekdays=tuple(int(d) for d in series.weekdays.split()),
        at=dt.time.fromisoformat(series.at),
        first_day=series.first_day,
        every_weeks=series.every_weeks,
        until=series.until,
        count=series.count,
    )
