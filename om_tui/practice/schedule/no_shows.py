"""The practice's no-show rule, recorded: a booking nobody checked in, `no_show_after`
minutes (the practice's setting; 0: never) past its start, is marked missed in the book.

Marked missed it is a recorded No-show: on the board and the book, in the trail (the
row's change, by whoever's terminal saw it first), in the No-shows stat (counted on the
day it became one), and for the call lists later. Whichever terminal sees it first
records it, exactly once: the mark is written only where it is not yet (writes are
serialised), and `rule_applied` stays on the appointment, so a mark taken back — the
patient came after all — is not put back on the next tick. `missed_by` stays empty:
the rule marked it, not a person.
"""

from __future__ import annotations

import datetime as dt

from peewee import JOIN, Database

from db.models import Appointment, Patient, Visit, as_utc, utc_naive
from om_tui.practice.clock import Clock
from om_tui.practice.schedule.access import BOOK, ScheduleError, StaleAppointment, require
from om_tui.practice.settings import PracticeSettings

LOOK_BACK = dt.timedelta(days=2)
"""How far back a terminal looks for bookings the rule has not marked yet: a practice
closed over a night and a day still has yesterday's no-shows recorded in the morning."""


def due(database: Database, clock: Clock, settings: PracticeSettings) -> list[tuple[int, int]]:
    """The bookings the rule marks now, as (id, version): unarrived, uncancelled, not
    marked, never marked by the rule, begun `no_show_after` minutes ago or more."""
    after = settings.no_show_after_minutes
    if not after:
        return []
    now = clock.now()
    query = (
        Appointment.select(Appointment.id, Appointment.version)
        .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
        .where(
            Appointment.start >= utc_naive(now - LOOK_BACK),
            Appointment.start <= utc_naive(now - dt.timedelta(minutes=after)),
            Appointment.missed_at.is_null(),
            Appointment.cancelled_at.is_null(),
            Appointment.rule_applied == False,  # noqa: E712
            Visit.id.is_null(),
        )
    )
    with database.connection_context():
        return [(int(a.id), int(a.version)) for a in query]


def record_no_shows(database: Database, clock: Clock, settings: PracticeSettings) -> list[int]:
    """Mark missed the bookings past the rule; the ids this terminal marked (none when
    another terminal was first). A read when there is nothing to mark: cheap each tick."""
    found = due(database, clock, settings)
    if not found:
        return []
    after = dt.timedelta(minutes=settings.no_show_after_minutes)
    marked = []
    with database.atomic():
        for appointment_id, version in found:
            appointment = Appointment.get_or_none(Appointment.id == appointment_id)
            if appointment is None:
                continue
            checked_in = Visit.select().where(Visit.appointment == appointment_id).exists()
            if checked_in:  # a check-in on another terminal came first
                continue
            updated = (
                Appointment.update(
                    missed_at=utc_naive(as_utc(appointment.start) + after),
                    missed_by=None,
                    rule_applied=True,
                    version=version + 1,
                )
                .where(
                    Appointment.id == appointment_id,
                    Appointment.version == version,
                    Appointment.missed_at.is_null(),
                    Appointment.cancelled_at.is_null(),
                    Appointment.rule_applied == False,  # noqa: E712
                )
                .execute()
            )
            if updated:
                marked.append(appointment_id)
    return marked


def take_back(database: Database, staff_id: int | None, appointment_id: int) -> str:
    """The board's step back on a booking marked missed: the patient is expected again
    (Scheduled), and the rule does not mark them a second time."""
    with database.atomic():
        require(database, staff_id, BOOK, "take back a no-show")
        appointment = (
            Appointment.select(Appointment, Patient)
            .join(Patient)
            .where(Appointment.id == appointment_id)
            .first()
        )
        if appointment is None or appointment.cancelled_at is not None:
            raise StaleAppointment("That appointment is gone (changed on another terminal).")
        name = appointment.patient.full_name
        if appointment.missed_at is None:
            raise ScheduleError(f"{name} is not marked missed: nothing to take back.")
        updated = (
            Appointment.update(
                missed_at=None, missed_by=None, rule_applied=True, version=appointment.version + 1
            )
            .where(Appointment.id == appointment_id, Appointment.version == appointment.version)
            .execute()
        )
        if not updated:
            raise StaleAppointment(f"{name}'s appointment was changed on another terminal.")
    return f"{name}: expected again (no longer a no-show)"
