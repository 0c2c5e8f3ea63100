"""A provider who leaves while patients are booked with them.

Taking a provider off the active staff while appointments from now on are theirs would
leave those patients in no one's column of the book: nobody would see them coming. So
the deactivation is refused, and the refusal lists the bookings and says what to do —
move each to another provider (m in the book) or cancel it with a reason (c) — and the
staff screen shows the same list before it asks. Past appointments stay theirs.

(People build on no other domain: the bookings are read here from the store itself.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from db.models import Appointment, AppointmentType, Patient, as_utc, utc_naive
from om_tui.practice import time_words
from om_tui.practice.refusal import Refusal
from om_tui.practice.settings import PracticeSettings

SAID = 3
"""How many of the bookings the refusal's sentence names (the screen lists them all)."""


@dataclass(frozen=True)
class Booking:
    """One of a provider's appointments from now on, as the list says it."""

    appointment_id: int
    start: dt.datetime  # UTC, aware
    first_name: str
    last_name: str
    type_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def short_name(self) -> str:
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"


class StillBooked(Refusal):
    """A provider with appointments from now on cannot be taken off the staff yet."""

    def __init__(self, name: str, bookings: list[Booking], practice: PracticeSettings) -> None:
        first = ", ".join(f"{when(practice, b.start)} {b.short_name}" for b in bookings[:SAID])
        more = ", …" if len(bookings) > SAID else ""
        count = f"{len(bookings)} appointment{'s' if len(bookings) > 1 else ''}"
        super().__init__(
            f"{name} has {count} from now on ({first}{more}): move them to another provider "
            "(m in the book) or cancel them with a reason (c), then deactivate."
        )
        self.bookings = bookings


def when(practice: PracticeSettings, moment: dt.datetime) -> str:
    """ "Mon 7 Dec 09:00": a booking's time as the list says it."""
    return time_words.moment_text(moment, practice.zone)


def future_bookings(provider_id: int, now: dt.datetime) -> list[Booking]:
    """The provider's appointments not cancelled that start from `now` on, by start."""
    query = (
        Appointment.select(Appointment, Patient, AppointmentType)
        .join(Patient)
        .switch(Appointment)
        .join(AppointmentType, JOIN.LEFT_OUTER)
        .where(
            Appointment.provider == provider_id,
            Appointment.start >= utc_naive(now),
            Appointment.cancelled_at.is_null(),
        )
        .order_by(Appointment.start, Appointment.id)
    )
    bookings = []
    for a in query:
        kind = a.type if a.type_id is not None else None
        name = kind.name if kind is not None else ""
        bookings.append(
            Booking(a.id, as_utc(a.start), a.patient.first_name, a.patient.last_name, name)
        )
    return bookings


def refuse_while_booked(
    provider_id: int, name: str, now: dt.datetime, practice: PracticeSettings
) -> None:
    """Refuse (StillBooked, with the list) while the provider has bookings from now on."""
    bookings = future_bookings(provider_id, now)
    if bookings:
        raise StillBooked(name, bookings, practice)
