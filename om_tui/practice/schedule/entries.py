"""What the appointment book shows: its entries (one appointment each, with the patient,
type, state and marks), a day's columns with their hours, and the reading of them in a
few indexed queries (appointments by start, then which have checked in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import JOIN

from db.models import (
    Appointment,
    AppointmentType,
    ConfirmationStatus,
    Patient,
    Visit,
    as_utc,
)


@dataclass(frozen=True)
class Entry:
    """One appointment as the book shows it."""

    id: int
    version: int
    patient_id: int
    first_name: str
    last_name: str
    start: dt.datetime  # UTC, aware
    minutes: int
    provider_id: int | None
    type_id: int | None
    type_name: str
    letter: str
    status_id: int | None
    status: str
    mark: str
    room_id: int | None
    double_booked: bool
    missed: bool
    cancelled: bool
    series_id: int | None
    checked_in: bool
    day: dt.date | None = None  # practice-local (set where the book reads a week)
    source: str | None = None  # the practice's other system it came from (an import)
    colour: str = ""  # its type's colour (types.COLOURS), "" for none

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def short_name(self) -> str:
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"


@dataclass(frozen=True)
class Column:
    """A provider's (or a room's) column of a day; in a week, a day of one provider's."""

    id: int | None
    name: str
    day: dt.date
    spans: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)  # their hours


@dataclass(frozen=True)
class DayBook:
    """What the book shows: a day a column per provider (or room), or a provider's week
    a column per day (`week`)."""

    day: dt.date  # the day, or the week's first
    slot: int  # minutes
    by_room: bool
    columns: list[Column]
    entries: list[Entry]
    blockouts: list[tuple[int | None, dt.datetime, dt.datetime, str]]
    week: bool = False

    def in_column(self, column: Column) -> list[Entry]:
        if self.by_room:
            return [e for e in self.entries if e.room_id == column.id]
        if self.week:
            return [e for e in self.entries if e.day == column.day]
        return [e for e in self.entries if e.provider_id == column.id]


def appointment_query() -> Any:
    return (
        Appointment.select(Appointment, Patient, AppointmentType, ConfirmationStatus)
        .join(Patient)
        .switch(Appointment)
        .join(AppointmentType, JOIN.LEFT_OUTER)
        .switch(Appointment)
        .join(ConfirmationStatus, JOIN.LEFT_OUTER)
    )


def visits_of(ids: list[int]) -> set[int]:
    """Which of these appointments have a visit on the board."""
    found: set[int] = set()
    for chunk in range(0, len(ids), 500):
        query = Visit.select(Visit.appointment).where(
            Visit.appointment.in_(ids[chunk : chunk + 500])
        )
        found.update(v.appointment_id for v in query if v.appointment_id is not None)
    return found


def entries_of(query: Iterable[Appointment]) -> list[Entry]:
    rows = list(query)
    arrived = visits_of([a.id for a in rows])
    entries = []
    for a in rows:
        kind = a.type if a.type_id is not None else None
        status = a.status if a.status_id is not None else None
        entries.append(
            Entry(
                id=a.id,
                version=a.version,
                patient_id=a.patient_id,
                first_name=a.patient.first_name,
                last_name=a.patient.last_name,
                start=as_utc(a.start),
                minutes=a.length_minutes,
                provider_id=a.provider_id,
                type_id=a.type_id,
                type_name=kind.name if kind is not None else "",
                letter=kind.letter if kind is not None else "",
                status_id=a.status_id,
                status=status.name if status is not None else "",
                mark=status.mark if status is not None else "",
                room_id=a.room_id,
                double_booked=a.double_booked,
                missed=a.missed_at is not None,
                cancelled=a.cancelled_at is not None,
                series_id=a.series_id,
                checked_in=a.id in arrived,
                source=a.source,
                colour=kind.colour if kind is not None else "",
            )
        )
    return entries
