"""A provider taken off the staff while patients are booked with them: refused, with the
list and what to do; once each is moved or cancelled, done."""

from __future__ import annotations

import pytest
from peewee import Database

from db.models import Staff
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People
from om_tui.practice.people.still_booked import StillBooked, future_bookings
from om_tui.practice.schedule import types
from om_tui.practice.schedule.book import Book

from .practice_fixture import Practice, local


def test_a_provider_with_bookings_from_now_on_is_not_deactivated(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    people = People(database, clock, ADMINISTRATOR)
    webb = practice.other_provider
    later = book.book(practice.patients["eve"], local(14, 0), 15, webb)
    also = book.book(practice.patients["gus"], local(15, 0), 15, webb)
    with pytest.raises(StillBooked) as refused:
        people.deactivate(webb)
    said = str(refused.value)
    assert said.startswith("Dr. Lou Webb has 2 appointments from now on (")
    assert "Eve E." in said and "move them to another provider (m in the book)" in said
    assert [b.appointment_id for b in refused.value.bookings] == [
        later.appointment_id,
        also.appointment_id,
    ]
    assert Staff.get_by_id(webb).active  # nothing changed

    entry = book.entry(later.appointment_id)
    book.move(entry.id, entry.version, provider_id=practice.provider, keep_provider=False)
    entry = book.entry(also.appointment_id)
    book.cancel(entry.id, entry.version, types.cancel_reasons()[0][0])
    assert future_bookings(webb, clock.now()) == []
    people.deactivate(webb)
    assert not Staff.get_by_id(webb).active


def test_past_appointments_do_not_keep_a_provider_on_the_staff(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """Dr. Chen's patients this morning, before ten, are history: they stay theirs."""
    chen = practice.provider
    assert [e.start.hour for e in future_bookings(chen, clock.now())] != []
    later = FrozenClock(local(23, 0))
    assert future_bookings(chen, later.now()) == []
    Staff.update(role="staff").where(Staff.id == chen).execute()  # not the last manager
    Staff.create(name="Meg Manager", initials="MM", role="office_manager")
    People(database, later, ADMINISTRATOR).deactivate(chen)
    assert not Staff.get_by_id(chen).active
