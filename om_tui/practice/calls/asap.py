"""The ASAP list: patients who want an earlier slot, with what they can take (a provider
or any, weekdays or any, a time window or any), and the slots that free up for them.

A freed slot is a cancelled appointment's time, still to come, that nobody has booked
since (the provider has no live appointment overlapping it). A request fits a slot when
the provider is theirs (or they take any), the slot's local weekday and times are within
what they said, and it is earlier than the appointment they have (if they have one).

`FreedWatch` is how a terminal hears of a cancellation made on another: the app asks it
on each change of the database, and tells the front desk who on the list fits.
Worst first: those with a fitting slot now, then the longest waiting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from peewee import fn

from db.models import Appointment, AsapRequest, Patient, Staff, as_utc, utc_naive
from om_tui.practice import time_words
from om_tui.practice.changes import tables_of
from om_tui.practice.settings import PracticeSettings

ASAP_TABLES = tables_of(Appointment, AsapRequest, Patient, Staff)
"""What the ASAP list is read from (`asap_list`)."""

FREED_LOOK_AHEAD = dt.timedelta(weeks=8)
WEEKDAY_NAMES = time_words.WEEKDAYS_SHORT


@dataclass(frozen=True)
class FreedSlot:
    appointment_id: int  # the cancelled appointment whose time it was
    provider_id: int
    provider: str
    start: dt.datetime  # UTC, aware
    minutes: int

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class AsapRow:
    request_id: int
    patient_id: int
    name: str
    phone: str
    provider_id: int | None
    provider: str  # "any"
    weekdays: tuple[int, ...]
    earliest: dt.time | None
    latest: dt.time | None
    created: dt.datetime
    booked_at: dt.datetime | None  # their next appointment, if any
    fits: FreedSlot | None  # the earliest freed slot they fit

    @property
    def wants(self) -> str:
        """ "Dr. Chen · Mon Wed 08:00–12:00", or "Mon–Fri 08:00–12:00" with any provider:
        what they can take, said short enough for its column at 80 columns."""
        days = said_weekdays(self.weekdays)
        if self.earliest or self.latest:
            earliest, latest = self.earliest or dt.time(0), self.latest or dt.time(23, 59)
            times = time_words.clock_span(earliest, latest)
        else:
            times = "any time"
        return (
            f"{days} {times}" if self.provider_id is None else f"{self.provider} · {days} {times}"
        )


def said_weekdays(weekdays: tuple[int, ...]) -> str:
    """ "Mon–Fri", "Tue Thu", "any day"."""
    if not weekdays or len(weekdays) == 7:
        return "any day"
    if len(weekdays) > 2 and list(weekdays) == list(range(weekdays[0], weekdays[-1] + 1)):
        return f"{WEEKDAY_NAMES[weekdays[0]]}–{WEEKDAY_NAMES[weekdays[-1]]}"
    return " ".join(WEEKDAY_NAMES[d] for d in weekdays)


def _time(text: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(text) if text else None
    except ValueError:
        return None  # a hand-edited file: read as "any"


def _weekdays(text: str) -> tuple[int, ...]:
    return tuple(int(w) for w in text.split() if w.isdigit() and int(w) <= 6)


def fits(row: AsapRow, slot: FreedSlot, practice: PracticeSettings) -> bool:
    if row.provider_id is not None and row.provider_id != slot.provider_id:
        return False
    if row.booked_at is not None and slot.start >= row.booked_at:
        return False  # not earlier than what they have
    local_start, local_end = practice.local(slot.start), practice.local(slot.end)
    if row.weekdays and local_start.weekday() not in row.weekdays:
        return False
    if row.earliest is not None and local_start.time() < row.earliest:
        return False
    return row.latest is None or local_end.time() <= row.latest


def providers_named() -> dict[int, str]:
    return {s.id: str(s.name) for s in Staff.select(Staff.id, Staff.name)}


def freed_slots(now: dt.datetime, ids: list[int] | None = None) -> list[FreedSlot]:
    """Cancelled appointments' times still to come (the next 8 weeks) and still free."""
    query = (
        Appointment.select()
        .where(
            Appointment.cancelled_at.is_null(False),
            Appointment.start > utc_naive(now),
            Appointment.start < utc_naive(now + FREED_LOOK_AHEAD),
        )
        .order_by(Appointment.start)
    )
    if ids is not None:
        query = query.where(Appointment.id.in_(ids))
    cancelled = list(query)
    if not cancelled:
        return []
    # Live ones kept in Python, not by "cancelled_at IS NULL" in SQL: SQLite's planner
    # would read the book through the cancellations' index instead of the days asked.
    live = [
        other
        for other in Appointment.select(
            Appointment.provider,
            Appointment.start,
            Appointment.length_minutes,
            Appointment.cancelled_at,
        ).where(
            Appointment.provider.in_({a.provider_id for a in cancelled}),
            Appointment.start > utc_naive(min(a.start for a in cancelled) - dt.timedelta(days=1)),
            Appointment.start < utc_naive(max(a.start for a in cancelled) + dt.timedelta(days=1)),
        )
        if other.cancelled_at is None
    ]
    slots: list[FreedSlot] = []
    names = providers_named()
    for gone in cancelled:
        start = as_utc(gone.start)
        end = start + dt.timedelta(minutes=gone.length_minutes)
        taken = any(
            other.provider_id == gone.provider_id
            and as_utc(other.start) < end
            and start < as_utc(other.start) + dt.timedelta(minutes=other.length_minutes)
            for other in live
        )
        free = not taken and not any(
            s.provider_id == gone.provider_id and s.start == start for s in slots
        )
        if free and gone.provider_id is not None:
            name = names.get(gone.provider_id, "")
            slots.append(FreedSlot(gone.id, gone.provider_id, name, start, gone.length_minutes))
    return slots


def asap_list(practice: PracticeSettings, now: dt.datetime) -> list[AsapRow]:
    """The open requests, worst first; each with the earliest freed slot it fits."""
    requests = list(
        AsapRequest.select(AsapRequest, Patient)
        .join(Patient)
        .where(AsapRequest.ended.is_null())
        .order_by(AsapRequest.created, AsapRequest.id)
    )
    providers = providers_named()
    patients = [r.patient_id for r in requests]
    next_booked: dict[int, dt.datetime] = {}
    for appointment in (
        Appointment.select(Appointment.patient, Appointment.start, Appointment.cancelled_at)
        .where(Appointment.patient.in_(patients), Appointment.start > utc_naive(now))
        .order_by(Appointment.start.desc())
    ):
        if appointment.cancelled_at is None:  # (in Python: see freed_slots)
            next_booked[appointment.patient_id] = as_utc(appointment.start)
    slots = freed_slots(now) if requests else []
    rows, seen = [], set()
    for request in requests:
        if request.patient_id in seen:
            continue  # two records merged, each on the list: one row
        seen.add(request.patient_id)
        row = AsapRow(
            request.id,
            request.patient_id,
            request.patient.full_name,
            request.patient.phone,
            request.provider_id,
            providers.get(request.provider_id, "any") if request.provider_id else "any",
            _weekdays(request.weekdays),
            _time(request.earliest),
            _time(request.latest),
            as_utc(request.created),
            next_booked.get(request.patient_id),
            None,
        )
        fit = next((s for s in slots if fits(row, s, practice)), None)
        rows.append(row if fit is None else replace(row, fits=fit))
    rows.sort(key=lambda r: (r.fits is None, r.created))
    return rows


def asap_count() -> int:
    """How many are on the list (one a patient with an open request): its count, without
    making its rows or looking for their slots."""
    return int(
        AsapRequest.select(fn.COUNT(AsapRequest.patient.distinct()))
        .where(AsapRequest.ended.is_null())
        .scalar()
    )


class FreedWatch:
    """Slots freed (cancelled) since the last look, and who on the ASAP list fits each.

    The first look starts from what is there already: slots freed before are on the
    ASAP list, not news."""

    def __init__(self, practice: PracticeSettings, now: dt.datetime) -> None:
        self._practice = practice
        self._seen = self._cancelled(now)

    @staticmethod
    def _cancelled(now: dt.datetime) -> set[int]:
        query = Appointment.select(Appointment.id).where(
            Appointment.cancelled_at.is_null(False), Appointment.start > utc_naive(now)
        )
        return {row.id for row in query}

    def check(self, now: dt.datetime) -> list[tuple[FreedSlot, list[AsapRow]]]:
        cancelled = self._cancelled(now)
        new = sorted(cancelled - self._seen)
        self._seen = cancelled
        if not new:
            return []
        waiting = asap_list(self._practice, now)
        news = []
        for slot in freed_slots(now, new):
            fitting = [row for row in waiting if fits(row, slot, self._practice)]
            if fitting:
                news.append((slot, fitting))
        return news
