"""Who may do what in the appointment book, and the book's one kind of "no".

Everyone may read the book; the front desk and the managers book, move, cancel and
confirm (`book`); the managers set appointment types, hours and blockouts
(`schedule_setup`). An operation made without a person (a script, the tests' nameless
owner) acts with the owner's rights, as the app does.
"""

from __future__ import annotations

from db.models import Role, Staff
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import may
from om_tui.practice.refusal import Refusal

BOOK = "book"
SETUP = "schedule_setup"
READ = "schedule"


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


def role_of(staff_id: int | None) -> str:
    """The acting person's role; nobody named: the owner's rights (scripts, tests)."""
    if staff_id is None or staff_id == ADMINISTRATOR:  # a script, the command line
        return Role.OWNER.value
    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None or not person.active:
        raise ScheduleError("You are no longer on the active staff list: nothing was changed.")
    return str(person.role)


def require(staff_id: int | None, permission: str, doing: str) -> None:
    """Refuse unless the acting person's role has `permission`."""
    if not may(role_of(staff_id), permission):
        who = "the front desk and the managers" if permission == BOOK else "the managers"
        raise ScheduleError(f"Only {who} {doing}.")
