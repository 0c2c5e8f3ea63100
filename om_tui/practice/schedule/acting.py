"""Who is acting, and whether their role lets them: the check every change to patients and
rooms makes first, in the practice layer (screens only hide what a role cannot do).

The person is the one logged in on the terminal; None is the command line, the demo or
set-up, which act with the owner's rights as the app does when nobody is named.
"""

from __future__ import annotations

from db.models import Staff
from om_tui.practice.people import may, role_title
from om_tui.practice.refusal import Refusal


class NotAllowed(Refusal):
    """The acting person's role does not allow this change; the message says so."""


def require(staff_id: int | None, permission: str, doing: str) -> None:
    """Refuse unless the acting person's role has `permission`; `doing` says what, as in
    "change patient records"."""
    if staff_id is None:
        return
    person = Staff.get_or_none(Staff.id == staff_id)
    role = person.role if person is not None and person.active else None
    if role is None or not may(role, permission):
        title = role_title(role).lower() if role else "someone no longer on the staff"
        raise NotAllowed(f"Only the front desk and managers {doing} (you are {title}).")
