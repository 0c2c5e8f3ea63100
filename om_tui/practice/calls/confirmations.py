"""The confirmation list: a day's appointments (by default the next day the practice is
open), who to call, their phone, the appointment, its state and the last call made.

Worst first: those nobody has reached yet (the practice's first state, then "Not
reachable", then the others), confirmed last; by time within each. The day's
confirmation rate is confirmed ÷ booked, in percent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from db.models import (
    Appointment,
    AppointmentType,
    Blockout,
    CallContact,
    ConfirmationStatus,
    Patient,
    Staff,
    WorkingHours,
    as_utc,
    utc_naive,
)
from om_tui.practice import time_words
from om_tui.practice.calls.contacts import CONFIRM, OUTCOMES
from om_tui.practice.changes import tables_of
from om_tui.practice.schedule import types
from om_tui.practice.schedule.hours import Hours, blockouts_between
from om_tui.practice.settings import PracticeSettings

CONFIRMATION_TABLES = tables_of(
    Appointment,
    AppointmentType,
    CallContact,
    ConfirmationStatus,
    Patient,
    Staff,
    Blockout,
    WorkingHours,
)
"""What the confirmations list is read from (`confirmation_list`, `next_open_day`)."""

CONFIRMED = "Confirmed"
NOT_REACHABLE = "Not reachable"


@dataclass(frozen=True)
class ConfirmationRow:
    appointment_id: int
    version: int
    patient_id: int
    name: str
    phone: str
    start: dt.datetime  # UTC, aware
    provider_id: int | None
    provider: str
    kind: str
    status_id: int | None
    status: str
    last_call: str  # "Left message 09:12", or ""

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED


def next_open_day(practice: PracticeSettings, today: dt.date) -> dt.date:
    """The first day after `today` the practice is open (its hours; not a whole-day
    holiday); a practice without hours: the next weekday."""
    hours = Hours(practice)
    for ahead in range(1, 15):
        day = today + dt.timedelta(days=ahead)
        spans = hours.spans(None, day)
        if not hours.open:
            if day.weekday() < 5:
                return day
            continue
        if not spans:
            continue
        start, end = spans[0][0], spans[-1][1]
        closed = any(
            b.staff_id is None and b.start <= start and b.end >= end
            for b in blockouts_between(start, end, [])
        )
        if not closed:
            return day
    return today + dt.timedelta(days=1)


def _said(row: Staff | AppointmentType | ConfirmationStatus | None, none: str) -> str:
    return str(row.name) if row is not None else none


def _rank(status: str, order: dict[str, int]) -> tuple[int, int]:
    if status == CONFIRMED:
        return (3, 0)
    if status == NOT_REACHABLE:
        return (1, 0)
    return (0 if order.get(status, 0) == 0 else 2, order.get(status, 0))


def confirmation_list(practice: PracticeSettings, day: dt.date) -> list[ConfirmationRow]:
    """The day's live appointments, worst first."""
    start, end = practice.day_bounds(day)
    query = (
        Appointment.select(Appointment, Patient, Staff, AppointmentType, ConfirmationStatus)
        .join(Patient)
        .switch(Appointment)
        .join(Staff, join_type=JOIN.LEFT_OUTER, on=(Appointment.provider == Staff.id))
        .switch(Appointment)
        .join(
            AppointmentType, join_type=JOIN.LEFT_OUTER, on=(Appointment.type == AppointmentType.id)
        )
        .switch(Appointment)
        .join(ConfirmationStatus, join_type=JOIN.LEFT_OUTER)
        .where(Appointment.start >= utc_naive(start), Appointment.start < utc_naive(end))
    )
    # Cancelled ones left out here, not in SQL: "IS NULL" would draw SQLite's planner to
    # the cancellations' index, and a read of the whole book, instead of the day's.
    appointments = [a for a in query if a.cancelled_at is None]
    last_calls: dict[int, str] = {}
    for contact in (
        CallContact.select()
        .where(
            CallContact.appointment.in_([a.id for a in appointments]),
            CallContact.listed == CONFIRM,
        )
        .order_by(CallContact.at, CallContact.id)
    ):
        local = practice.local(as_utc(contact.at))
        said = OUTCOMES.get(contact.outcome, contact.outcome)
        if contact.appointment_id is not None:
            called = f"{time_words.weekday_text(local.date())} {time_words.clock(local)}"
            last_calls[contact.appointment_id] = f"{said} {called}"
    order = {s.name: n for n, s in enumerate(types.statuses())}
    rows = [
        ConfirmationRow(
            a.id,
            a.version,
            a.patient_id,
            a.patient.full_name,
            a.patient.phone,
            as_utc(a.start),
            a.provider_id,
            _said(a.provider, "—"),
            _said(a.type, ""),
            a.status_id,
            _said(a.status, ""),
            last_calls.get(a.id, ""),
        )
        for a in appointments
    ]
    rows.sort(key=lambda r: (_rank(r.status, order), r.start, r.appointment_id))
    return rows


def to_confirm(practice: PracticeSettings, day: dt.date) -> int:
    """How many of the day's live appointments are not confirmed yet: the list's count,
    without making its rows."""
    start, end = practice.day_bounds(day)
    query: Any = (
        Appointment.select(Appointment.cancelled_at, ConfirmationStatus.name)
        .join(ConfirmationStatus, join_type=JOIN.LEFT_OUTER)
        .where(Appointment.start >= utc_naive(start), Appointment.start < utc_naive(end))
        .tuples()
    )
    return sum(1 for cancelled, status in query if cancelled is None and status != CONFIRMED)


def confirmation_rate(rows: list[ConfirmationRow]) -> float | None:
    """Confirmed ÷ booked, in percent (None: nothing booked)."""
    if not rows:
        return None
    return 100.0 * sum(1 for r in rows if r.confirmed) / len(rows)


def confirmation_rate_between(start: dt.datetime, end: dt.datetime) -> float | None:
    """The confirmation rate of the appointments in [start, end) (a stats week)."""
    query: Any = (
        Appointment.select(ConfirmationStatus.name, Appointment.cancelled_at)
        .join(ConfirmationStatus, join_type=JOIN.LEFT_OUTER)
        .where(Appointment.start >= utc_naive(start), Appointment.start < utc_naive(end))
        .tuples()
    )
    names: list[str | None] = [row[0] for row in query if row[1] is None]
    if not names:
        return None
    return 100.0 * sum(1 for n in names if n == CONFIRMED) / len(names)
