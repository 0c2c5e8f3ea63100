"""A provider who leaves while patients are booked with them.

Taking a provider off the active staff (or the book) while appointments from now on are
theirs would leave those patients in no one's column: nobody would see them coming. So
the deactivation is refused, and the refusal lists the bookings and says what to do —
move each to another provider (m in the book) or cancel it with a reason (c) — and the
staff screen shows the same list before it asks. Past appointments stay theirs.
"""

from __future__ import annotations

import datetime as dt

from db.models import Appointment, utc_naive
from om_tui.practice.schedule.access import ScheduleError
from om_tui.practice.schedule.entries import Entry, appointment_query, entries_of
from om_tui.practice.settings import PracticeSettings

SAID = 3
"""How many of the bookings the refusal's sentence names (the screen lists them all)."""


class StillBooked(ScheduleError):
    """A provider with appointments from now on cannot be taken off the staff yet."""

    def __init__(self, name: str, bookings: list[Entry], practice: PracticeSettings) -> None:
        first = ", ".join(f"{when(practice, e.start)} {e.short_name}" for e in bookings[:SAID])
        more = ", …" if len(bookings) > SAID else ""
        count = f"{len(bookings)} appointment{'s' if len(bookings) > 1 else ''}"
        super().__init__(
            f"{name} has {count} from now on ({first}{more}): move them to another provider "
            "(m in the book) or cancel them with a reason (c), then deactivate."
        )
        self.bookings = bookings


def when(practice: PracticeSettings, moment: dt.datetime) -> str:
    """ "Mon 7 Dec 09:00": a booking's time as the list says it."""
    local = practice.local(moment)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def future_bookings(provider_id: int, now: dt.datetime) -> list[Entry]:
    """The provider's appointments not cancelled that start from `now` on, by start."""
    query = appointment_query().where(
        Appointment.provider == provider_id,
        Appointment.start >= utc_naive(now),
        Appointment.cancelled_at.is_null(),
    )
    return entries_of(query.order_by(Appointment.start, Appointment.id))


def refuse_while_booked(
    provider_id: int, name: str, now: dt.datetime, practice: PracticeSettings
) -> None:
    """Refuse (StillBooked, with the list) while the provider has bookings from now on."""
    bookings = future_bookings(provider_id, now)
    if bookings:
        raise StillBooked(name, bookings, practice)
