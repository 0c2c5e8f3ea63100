"""Who may change the organization: the practice's one check (`om_tui.practice.people.roles`),
refusing as an OrgError.

Every change here names its actor. The role is read inside the change's own
transaction, so someone demoted or taken off the staff on another terminal a moment
ago is refused at once. The command line acts as the machine's administrator
(`ADMINISTRATOR`): whoever can write the database file can change it anyway.
"""

from __future__ import annotations

from peewee import Database

from om_tui.practice.people import roles
from om_tui.practice.people.roles import ADMINISTRATOR as ADMINISTRATOR
from om_tui.practice.people.roles import recorded as recorded
from om_tui.practice.refusal import Refusal


class OrgError(Refusal):
    """Something about the organization, hiring or leaving that cannot be; fit to show."""


def require(database: Database, staff_id: int | None, permission: str, doing: str) -> None:
    """Refuse unless `staff_id` is active and their role has `permission` now.

    `doing` ends the sentence: "Only the office manager or the owner {doing}."
    """
    roles.require(database, staff_id, permission, doing, OrgError)
