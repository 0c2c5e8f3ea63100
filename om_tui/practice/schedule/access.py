"""Who may do what in the appointment book — the practice's one check
(`om_tui.practice.people.roles`), refusing as a ScheduleError — and the book's one kind of "no".

Everyone may read the book (`schedule`): the front desk, the managers and the owner see
every provider's column (`schedule_everyone`); anyone else (the staff role) sees their
own column only, and no one's when they see no patients. The front desk and the managers
book, move, cancel and confirm (`book`); the managers and the owner set appointment
types, hours, blockouts, states and reasons (`schedule_setup`). Every change names its
actor, read inside the change's own transaction; the command line, the demo builder and
the first run act as `roles.ADMINISTRATOR`, and no one (None) is refused.
"""

from __future__ import annotations

from peewee import Database

from db.models import Staff
from om_tui.practice.people import roles
from om_tui.practice.refusal import Refusal

BOOK = "book"
SETUP = "schedule_setup"
READ = "schedule"
EVERYONE = "schedule_everyone"


class ScheduleError(Refusal):
    """Something the book's rules refuse; the message is fit for the front desk."""


class StaleAppointment(ScheduleError):
    """The appointment changed on another terminal since this one showed it."""


class NeedsConsent(ScheduleError):
    """Allowed only when the person confirms: `consent` names what they agree to."""

    def __init__(self, consent: str, message: str) -> None:
        super().__init__(message)
        self.consent = consent


DOUBLE_BOOK = "double_book"
"""Consent to a second appointment in a provider's taken slot."""
PAST = "past"
"""Consent to a slot that has begun already."""
OUTSIDE_HOURS = "outside_hours"
"""Consent to a slot outside the provider's hours or in a blockout."""
IMPORTED = "imported"
"""Consent to change here an appointment that came from the practice's other system: its
next import sets it back to what that system says (the source is the master of its time,
length, provider and whether it is booked; om-tui asks, and does not refuse)."""


def require(database: Database, staff_id: int | None, permission: str, doing: str) -> None:
    """Refuse unless `staff_id` is active and their role has `permission` now (inside the
    change's transaction). `doing` ends the sentence: "Only the front desk, … {doing}." """
    roles.require(database, staff_id, permission, doing, ScheduleError)


def own_column_only(staff_id: int | None) -> bool:
    """Does this person see only their own column of the book (the staff role; no one)?"""
    if staff_id == roles.ADMINISTRATOR:
        return False
    if staff_id is None:
        return True
    person = Staff.get_or_none(Staff.id == staff_id)
    return person is None or not person.active or not roles.may(person.role, EVERYONE)
