"""Who may do what: the one permission table, and the one check every change passes.

A permission names something a person opens or changes, in the screens' own words
("stats_edit": typing stat values, overriding conditions). Each role has a set of
them; the owner has every one, even one added later. The screens ask `may` what to
show; the practice layer asks `require` before it changes anything, reading the
person's role and active flag from the database inside the change's own transaction:
someone demoted or deactivated on another terminal a moment ago is refused at once.

The command line is the machine's administrator (whoever can write the database file
can change anything in it anyway): it acts as `ADMINISTRATOR`, which every check
accepts, and the audit trail names its terminal ("cli:…"), no person. The first run,
before anyone can log in, and the demo builder act so too.

(This module, not people.py, holds the table so that settings, stats and hats can ask
it without an import cycle; people.py hands the same names on.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

from peewee import Database

from db.kinds import Role
from om_tui.practice.refusal import Refusal

if TYPE_CHECKING:
    from db.models import Staff

ADMINISTRATOR: Final = -1
"""The acting id of the command line (and the first run, and the demo builder): no person."""

MANAGERS = frozenset({Role.OFFICE_MANAGER.value, Role.OWNER.value})
"""The roles that can let the others in again: one of them must stay active."""

_DESK = frozenset({Role.FRONT_DESK.value, Role.OFFICE_MANAGER.value, Role.OWNER.value})
_EVERYONE = frozenset(role.value for role in Role)
_OWNER = frozenset({Role.OWNER.value})

PERMISSIONS: dict[str, frozenset[str]] = {
    "board": _DESK,  # the flow board
    "check_in": _DESK,  # check-in, walk-ins, moving visits along
    "patients": _DESK,  # patient records: add, correct, inactive, merge
    "rooms": _DESK,  # the practice's rooms: add, rename, reorder, retire
    "schedule": _EVERYONE,  # the appointment book, to read (a provider on staff: their column)
    "schedule_everyone": _DESK,  # every provider's column of the book (the staff: their own)
    "book": _DESK,  # booking, moving, resizing, cancelling, confirming, marking missed
    "schedule_setup": MANAGERS,  # appointment types, working hours, blockouts, the slot size
    "care_plans": _DESK,  # care plans: add, pause, change, end (a provider: for their own)
    "my_hat": _EVERYONE,  # one's own hat: checklist, attestations, one's own PIN
    "tick_for_others": MANAGERS,  # ticking a checklist item on someone else's behalf
    "orders": _EVERYONE,  # one's orders and program steps; managers give and accept them
    "orders_give": MANAGERS,  # giving orders, handing them on, writing programs
    "line": _EVERYONE,  # the communication line: filing items; managers and the owner route them
    "line_queue": MANAGERS,  # working the line's queue: take, handle, batch for the owner
    "line_answer": _OWNER,  # answering what is routed to the owner
    "evaluations": MANAGERS,  # writing evaluations of others, and their criteria
    "self_evaluation": _EVERYONE,  # one's own words on one's evaluation
    "overview": MANAGERS,  # the owner's overview (its figures open screens of their own rights)
    "stats": MANAGERS,  # the stat board and graphs (counting the flow's figures into them)
    "stats_edit": MANAGERS,  # typing stat values, overriding conditions
    "stats_setup": MANAGERS,  # adding, changing and retiring stats; the overview's main stats
    "hats": MANAGERS,  # the hat editor; others' hats on My hat; training sign-offs; leave
    "compliance": MANAGERS,
    "policies": MANAGERS,  # writing and versioning policies
    "roster": MANAGERS,  # staff: add, edit, deactivate, reset a PIN
    "owners": _OWNER,  # making someone an owner, changing an owner's details or PIN
    "audit": MANAGERS,  # the audit trail
    "settings": MANAGERS,  # the practice's settings
    "owner_settings": _OWNER,
    "org": _EVERYONE,  # the org board, read-only
    "org_edit": MANAGERS,  # reshaping the org board: divisions, departments, where posts stand
    "hiring": MANAGERS,  # openings and candidates (private to managers and the owner)
    "leaving": MANAGERS,  # off-boarding someone who leaves
}
"""Permission → the roles that have it. The owner has every permission, even one added later."""

_WHO: tuple[tuple[str, str], ...] = (
    (Role.FRONT_DESK.value, "the front desk"),
    (Role.STAFF.value, "the staff"),
    (Role.OFFICE_MANAGER.value, "the office manager"),
    (Role.OWNER.value, "the owner"),
)


ROLE_TITLES: dict[str, str] = {
    Role.FRONT_DESK: "Front desk",
    Role.STAFF: "Staff",
    Role.OFFICE_MANAGER: "Office manager",
    Role.OWNER: "Owner",
}


def role_title(role: str) -> str:
    return ROLE_TITLES.get(role, role)


class NotAllowed(Refusal):
    """The person's role does not allow the change (or no one is logged in)."""


def may(role: str, permission: str) -> bool:
    """May a person of `role` open or change what `permission` names? Unknown: only the owner."""
    if role == Role.OWNER:
        return True
    return role in PERMISSIONS.get(permission, frozenset())


def who_may(permission: str) -> str:
    """ "the office manager or the owner": the roles with `permission`, as a person says it."""
    roles = PERMISSIONS[permission] | _OWNER
    names = [name for role, name in _WHO if role in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def require(
    database: Database,
    staff_id: int | None,
    permission: str,
    doing: str,
    refusal: type[Refusal] = NotAllowed,
) -> Staff | None:
    """The acting person, when their role has `permission` now; None for the administrator.

    `doing` says the change as a sentence goes on: "Only the office manager or the owner
    enters stat values." Called inside the change's transaction (it refuses to be called
    outside one), so the role read is the role the change is made under.
    """
    if permission not in PERMISSIONS:
        raise KeyError(f"no permission {permission!r} in the table")
    if not database.in_transaction():
        raise RuntimeError("require() reads the role inside the change's own transaction")
    if staff_id == ADMINISTRATOR:
        return None
    if staff_id is None:
        raise refusal("Log in first: every change is made in a person's name.")
    from db.models import Staff

    person = Staff.get_or_none(Staff.id == staff_id)
    if person is None or not person.active:
        raise refusal("You are no longer on the active staff list: nothing was changed.")
    if not may(person.role, permission):
        raise refusal(f"Only {who_may(permission)} {doing}.")
    return person


def recorded(staff_id: int | None) -> int | None:
    """Who a row names as having done something: the person, or no one for the
    administrator (the audit trail names the command line's terminal instead)."""
    return None if staff_id == ADMINISTRATOR else staff_id


P = ParamSpec("P")
R = TypeVar("R")


def checked(permission: str, doing: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """An operation that changes the practice: one transaction, the role checked first.

    On a service's method the actor is the service's `staff_id`; on a module function
    (whose first argument is the database) it is the keyword argument `by`.
    """

    def decorate(operation: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(operation)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            database, actor = _database_and_actor(args[0], kwargs)
            with database.atomic():
                require(database, actor, permission, doing)
                return operation(*args, **kwargs)

        run.permission = permission  # type: ignore[attr-defined]
        return run

    return decorate


def _database_and_actor(first: Any, kwargs: dict[str, Any]) -> tuple[Database, int | None]:
    if isinstance(first, Database):
        if "by" not in kwargs:
            raise TypeError("a checked function is told who acts: by=<staff id>")
        return first, kwargs["by"]
    return first.database, first.staff_id
