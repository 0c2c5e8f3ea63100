"""Who may change the organization: the permission read from the database, in the change.

Every change here names its actor. The role is read inside the change's own
transaction, so someone demoted or taken off the staff on another terminal a moment
ago is refused at once. The command line acts as the machine's administrator
(`ADMINISTRATOR`): whoever can write the database file can change it anyway.
"""

from __future__ import annotations

from typing import Final

from peewee import Database

from db.models import Staff
from om_tui.practice.people import may
from om_tui.practice.refusal import Refusal

ADMINISTRATOR: Final = -1
"""The acting id of the command line and the demo builder: no person."""


class OrgError(Refusal):
    """Something about the organization, hiring or leaving that cannot be; fit to show."""


def require(database: Database, staff_id: int | None, permission: str, doing: str) -> None:
    """Refuse unless `staff_id` is active and their role has `permission` now.

    `doing` ends the sentence: "Only the office manager or the owner {doing}."
    """
    if not database.in_transaction():
        raise RuntimeError("require() reads the role inside the change's own transaction")
    if staff_id == ADMINISTRATOR:
        return
    if staff_id is None:
        raise OrgError("Log in first: every change is made in a person's name.")
    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None or not person.active:
        raise OrgError("You are no longer on the active staff list: nothing was changed.")
    if not may(person.role, permission):
        raise OrgError(f"Only the office manager or the owner {doing}.")


def recorded(staff_id: int | None) -> int | None:
    """Who a row names as having done something: nobody for the administrator."""
    return None if staff_id == ADMINISTRATOR else staff_id
