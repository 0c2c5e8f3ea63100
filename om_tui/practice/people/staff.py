"""The practice's people: who may log in, with what PIN or password, and what each role may do.

A PIN (4+ digits) or password (8+ characters) is kept only as its Argon2id hash.
Hashing is slow by design (tens of milliseconds and 64 MiB): call `hash_secret` and
`People.login` off the event loop. Five wrong tries in a row lock the person out for a
minute; each wrong try after that doubles the wait, up to an hour. A good login, or a
new PIN set by the manager, clears it.

People are never deleted (their name stays on the visits, ticks and stats they
touched); they are deactivated, and can be reactivated. The practice always keeps
at least one active office manager or owner, who can let the others in again.

One idea, who may log in and with what, kept whole: the roster's writes share the
rule that one office manager or owner stays active.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from peewee import Database, fn

from db.models import HatHolder, Post, Role, SettingKey, Staff, as_utc, utc_naive
from om_tui.practice import limits, settings
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.people import audit, login_view
from om_tui.practice.people.roles import ADMINISTRATOR as ADMINISTRATOR
from om_tui.practice.people.roles import MANAGERS as MANAGERS
from om_tui.practice.people.roles import PERMISSIONS as PERMISSIONS
from om_tui.practice.people.roles import ROLE_TITLES as ROLE_TITLES
from om_tui.practice.people.roles import checked, require
from om_tui.practice.people.roles import (
    may as may,  # the one permission table, as the screens ask it
)
from om_tui.practice.people.roles import role_title as role_title
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import require_unchanged
from om_tui.practice.settings import DEFAULT_IDLE_LOCK_MINUTES as DEFAULT_IDLE_LOCK_MINUTES
from om_tui.practice.settings import IDLE_LOCK_RANGE as IDLE_LOCK_RANGE
from om_tui.practice.settings import idle_lock_minutes as idle_lock_minutes

STAFF_TABLES = tables_of(HatHolder, Post, Staff)
"""What the staff screen is read from (the people, and the hats they hold)."""
PEOPLE_TABLES = login_view.TABLES
"""What the login screen is read from (its plain reads: login_view.py)."""

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_TRIES = 5
"""Wrong tries in a row before a person is locked out."""
FIRST_LOCKOUT_MINUTES = 1
LONGEST_LOCKOUT_MINUTES = 60

PIN_DIGITS = 4
PASSWORD_CHARS = 8


class PeopleError(Refusal):
    """Something about a person or their login that cannot be; the message is fit to show."""


def parse_role(text: str) -> Role:
    """A role from its stored value or its title ("office manager", "Front desk")."""
    wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
    for role in Role:
        if wanted == role.value:
            return role
    titles = ", ".join(title.lower() for title in ROLE_TITLES.values())
    raise PeopleError(f"There is no role {text!r}: the roles are {titles}.")


_hasher: PasswordHasher | None = None
"""Made when a PIN is first hashed or checked (argon2 is not loaded at start-up)."""


def _the_hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory
    return _hasher


def hash_secret(secret: str) -> str:
    """The Argon2id hash of a PIN or password. Slow by design: not on the event loop."""
    return _the_hasher().hash(secret)


def verify_secret(hashed: str, secret: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _the_hasher().verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


def check_secret_rules(secret: str) -> None:
    """A PIN is 4 or more digits; a password is 8 or more characters."""
    if secret.isdigit() and secret.isascii():
        if len(secret) < PIN_DIGITS:
            raise PeopleError(f"A PIN needs at least {PIN_DIGITS} digits.")
        return
    if len(secret) < PASSWORD_CHARS:
        raise PeopleError(
            f"Use a PIN of {PIN_DIGITS} or more digits, "
            f"or a password of {PASSWORD_CHARS} or more characters."
        )
    if secret != secret.strip():
        raise PeopleError("A password cannot begin or end with a space.")


def lockout_minutes(failed: int) -> int:
    """How long a person waits after their `failed`-th wrong try in a row (0: not locked)."""
    if failed < MAX_TRIES:
        return 0
    return int(min(FIRST_LOCKOUT_MINUTES * 2 ** (failed - MAX_TRIES), LONGEST_LOCKOUT_MINUTES))


def initials_of(name: str) -> str:
    """ "Karen Miles" → "KM"; a title such as "Dr." is left out."""
    words = [w for w in name.split() if not w.endswith(".")] or name.split()
    return "".join(w[0] for w in words[:3]).upper()


@checked("settings", "changes the practice's settings")
def set_idle_lock(database: Database, minutes: int, *, by: int | None) -> None:
    low, high = IDLE_LOCK_RANGE
    if not low <= minutes <= high:
        raise PeopleError(f"The idle lock is {low} to {high} minutes.")
    settings.put(database, SettingKey.IDLE_LOCK, str(minutes))


@checked("roster", "sets PINs")
def give_pin_to_those_without(database: Database, pin: str, *, by: int | None) -> int:
    """The demo's doing: everyone active without a PIN gets `pin` (hashed once). How many."""
    check_secret_rules(pin)
    without = Staff.select(Staff.id).where(
        (Staff.active == True) & Staff.secret.is_null()  # noqa: E712
    )
    ids = [person.id for person in without]
    if ids:
        hashed = hash_secret(pin)
        with database.atomic():
            Staff.update(secret=hashed).where(Staff.id.in_(ids)).execute()
    return len(ids)


def shown_details(person: Staff) -> dict[str, object]:
    """What the staff screen shows of a person, and an edit of theirs checks is unchanged."""
    return {
        "name": person.name,
        "initials": person.initials,
        "role": person.role,
        "provider": bool(person.provider),
        "active": bool(person.active),
    }


def record(database: Database, action: str, subject: str = "", detail: Any = None) -> None:
    """Add an event that is not a row change to the audit trail ("login", "lock" …)."""
    audit.record(database, action, subject, detail)


def set_actor(database: Database, staff_id: int | None) -> None:
    """Who the audit trail names for what this process does from now on."""
    audit.set_actor(database, staff_id)


class People:
    """The practice's staff, their logins and lockouts."""

    def __init__(self, database: Database, clock: Clock, staff_id: int | None = None) -> None:
        self.database = database
        self.clock = clock
        self.staff_id = staff_id
        """Who changes the roster through this service (reading and logging in need no one)."""

    # ---- reading

    def active(self) -> list[tuple[int, str]]:
        """Active staff by name: the login pick list."""
        query = (
            Staff.select(Staff.id, Staff.name)
            .where(Staff.active == True)  # noqa: E712
            .order_by(fn.lower(Staff.name), Staff.id)
        )
        return [(person.id, person.name) for person in query]

    def everyone(self) -> list[Staff]:
        """Every person, active first, then by name."""
        return list(Staff.select().order_by(Staff.active.desc(), fn.lower(Staff.name), Staff.id))

    def person(self, staff_id: int) -> Staff:
        person = Staff.get_or_none(Staff.id == staff_id)
        if person is None:
            raise PeopleError("That person is not in the staff list.")
        return person

    def named(self, name: str) -> Staff:
        """The one active person a name fits (see `fitting`)."""
        fits = self.fitting(name)
        if len(fits) == 1:
            return fits[0]
        if not fits:
            raise PeopleError(f"No active staff member is called {name!r}.")
        raise PeopleError(f"More than one person fits {name!r}: give more of the name.")

    def fitting(self, name: str) -> list[Staff]:
        """The active people a typed name fits (login_view.fitting: as `--user` takes it)."""
        people = list(Staff.select().where(Staff.active == True).order_by(Staff.name))  # noqa: E712
        return login_view.fitting(people, name)

    def still_active(self, staff_id: int) -> bool:
        """Is this person still allowed in? (The manager may have deactivated them.)"""
        return bool(
            Staff.select()
            .where((Staff.id == staff_id) & (Staff.active == True))  # noqa: E712
            .exists()
        )

    def has_logins(self) -> bool:
        """Can anyone log in at all (an active person with a PIN or password)?"""
        return bool(
            Staff.select()
            .where((Staff.active == True) & Staff.secret.is_null(False))  # noqa: E712
            .exists()
        )

    def locked_until(self, staff_id: int) -> dt.datetime | None:
        """When a locked-out person may try again (aware UTC), or None."""
        person = self.person(staff_id)
        if person.locked_until is None:
            return None
        until = as_utc(person.locked_until)
        return until if until > self.clock.now() else None

    # ---- logging in

    def login(self, staff_id: int, secret: str, *, ssh_key: str = "") -> Staff:
        """The person, when `secret` is theirs; else PeopleError. Slow: off the event loop.

        `ssh_key`: the key a session over SSH was opened with, named on the trail's login.
        """
        person = self.person(staff_id)
        if not person.active:
            raise PeopleError(f"{person.name} is no longer on the active staff list.")
        self._refuse_if_locked(person)
        if person.secret is None:
            raise PeopleError(
                f"{person.name} has no PIN or password yet: the office manager sets one."
            )
        if not verify_secret(person.secret, secret):
            self._wrong_try(person)
        with self.database.atomic():
            changes: dict[Any, Any] = {Staff.failed_logins: 0, Staff.locked_until: None}
            if _the_hasher().check_needs_rehash(person.secret):
                changes[Staff.secret] = hash_secret(secret)
            Staff.update(changes).where(Staff.id == person.id).execute()
            set_actor(self.database, person.id)
            audit.record(
                self.database, "login", person.name, {"ssh key": ssh_key} if ssh_key else None
            )
        return self.person(person.id)

    def logout(self, staff_id: int, action: str = "logout") -> None:
        """Record that the person left the terminal ("logout"), or that it locked ("lock")."""
        with self.database.atomic():
            name = Staff.get_or_none(Staff.id == staff_id)
            audit.record(self.database, action, name.name if name is not None else "")
            set_actor(self.database, None)

    def _refuse_if_locked(self, person: Staff) -> None:
        if person.locked_until is None:
            return
        until = as_utc(person.locked_until)
        if until > self.clock.now():
            raise PeopleError(
                f"Too many wrong tries: {person.name} can try again at {self._local(until)}."
            )

    def _wrong_try(self, person: Staff) -> None:
        now = self.clock.now()
        with self.database.atomic():
            Staff.update(failed_logins=Staff.failed_logins + 1).where(
                Staff.id == person.id
            ).execute()
            failed = int(Staff.get_by_id(person.id).failed_logins)
            wait = lockout_minutes(failed)
            until = now + dt.timedelta(minutes=wait)
            if wait:
                Staff.update(locked_until=utc_naive(until)).where(Staff.id == person.id).execute()
            audit.record(self.database, "login_failed", person.name, {"tries": failed})
        if wait:
            raise PeopleError(
                f"Too many wrong tries: {person.name} can try again at {self._local(until)}."
            )
        left = MAX_TRIES - failed
        tries = "1 try" if left == 1 else f"{left} tries"
        raise PeopleError(f"Wrong PIN or password: {tries} left.")

    def _local(self, moment: dt.datetime) -> str:
        from om_tui.practice import time_words  # arrow: not on the login screen's path

        return time_words.clock(moment, settings.load(self.database).zone)

    # ---- the roster

    def add(
        self,
        name: str,
        role: str,
        secret: str | None = None,
        initials: str | None = None,
        provider: bool = False,
    ) -> int:
        """A new active person; their PIN or password, when given, hashed (slow)."""
        name = self._check_name(name)
        role = parse_role(role).value
        hashed = None
        if secret is not None:
            check_secret_rules(secret)
            hashed = hash_secret(secret)
        with self.database.atomic():
            self._require_roster(None, role, "adds people to the staff")
            self._refuse_duplicate(name, None)
            person = Staff.create(
                name=name,
                initials=self._check_initials(initials, name),
                role=role,
                provider=provider,
                active=True,
                secret=hashed,
            )
        return int(person.id)

    def edit(
        self,
        staff_id: int,
        *,
        name: str | None = None,
        role: str | None = None,
        initials: str | None = None,
        provider: bool | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Change a person's details; `seen`: their details as the editor showed them
        (name, initials, role, provider), refused if another terminal changed them since."""
        changes: dict[Any, Any] = {}
        with self.database.atomic():
            person = self.person(staff_id)
            self._require_roster(person, role, "changes people's details")
            require_unchanged(person.name, shown_details(person), seen)
            if name is not None:
                changes[Staff.name] = self._check_name(name)
                self._refuse_duplicate(changes[Staff.name], staff_id)
            if role is not None:
                changes[Staff.role] = parse_role(role).value
                if person.active and changes[Staff.role] not in MANAGERS:
                    self._refuse_last_manager(person)
            if initials is not None:
                changes[Staff.initials] = self._check_initials(initials, person.name)
            if provider is not None:
                changes[Staff.provider] = provider
            if changes:
                Staff.update(changes).where(Staff.id == staff_id).execute()

    def set_secret(
        self, staff_id: int, secret: str, seen: Mapping[str, object] | None = None
    ) -> None:
        """A new PIN or password (slow: hashed); clears a lockout. `seen` as for `edit`."""
        check_secret_rules(secret)
        self.person(staff_id)
        hashed = hash_secret(secret)
        with self.database.atomic():
            person = self.person(staff_id)
            if staff_id == self.staff_id:
                require(self.database, self.staff_id, "my_hat", "sets their own PIN", PeopleError)
            else:
                self._require_roster(person, None, "sets another person's PIN")
            require_unchanged(person.name, shown_details(person), seen)
            Staff.update(secret=hashed, failed_logins=0, locked_until=None).where(
                Staff.id == staff_id
            ).execute()

    def deactivate(self, staff_id: int) -> None:
        """The person can no longer log in; their history stays. A provider with
        appointments from now on is refused (schedule.handover.StillBooked, with the list)."""
        with self.database.atomic():
            person = self.person(staff_id)
            self._require_roster(person, None, "takes people off the staff list")
            if not person.active:
                return
            self._refuse_last_manager(person)
            if person.provider:  # their bookings from now on are moved or cancelled first
                from om_tui.practice.people.still_booked import refuse_while_booked

                now, practice = self.clock.now(), settings.load(self.database)
                refuse_while_booked(staff_id, person.name, now, practice)
            Staff.update(active=False).where(Staff.id == staff_id).execute()

    def reactivate(self, staff_id: int) -> None:
        with self.database.atomic():
            person = self.person(staff_id)
            self._require_roster(person, None, "lets people in again")
            if person.active:
                return
            self._refuse_duplicate(person.name, staff_id)
            Staff.update(active=True).where(Staff.id == staff_id).execute()

    def _require_roster(self, person: Staff | None, role: str | None, doing: str) -> None:
        """May the actor change `person` (None: a new one) so? A manager changes the roster;
        only the owner makes an owner or changes one; nobody changes their own role."""
        require(self.database, self.staff_id, "roster", doing, PeopleError)
        new_role = None if role is None else parse_role(role).value
        if new_role == Role.OWNER and (person is None or person.role != Role.OWNER):
            require(self.database, self.staff_id, "owners", "makes someone an owner", PeopleError)
        elif person is not None and person.role == Role.OWNER:
            owners = "changes an owner's details or PIN"
            require(self.database, self.staff_id, "owners", owners, PeopleError)
        if (
            person is not None
            and person.id == self.staff_id
            and new_role not in (None, person.role)
        ):
            raise PeopleError("Nobody changes their own role: another manager or the owner does.")

    def _refuse_last_manager(self, person: Staff) -> None:
        if person.role not in MANAGERS:
            return
        others = (
            Staff.select()
            .where(
                (Staff.active == True)  # noqa: E712
                & Staff.role.in_(list(MANAGERS))
                & (Staff.id != person.id)
            )
            .exists()
        )
        if not others:
            raise PeopleError(
                f"{person.name} is the last active office manager or owner: "
                "someone must be able to let the others in."
            )

    @staticmethod
    def _check_name(name: str) -> str:
        """A staff member's name follows the one rule for a person's name (patients' too)."""
        if not name.strip():
            raise PeopleError("A person needs a name.")
        return limits.person_name(name, PeopleError)

    @staticmethod
    def _check_initials(initials: str | None, name: str) -> str:
        if initials is None or not initials.strip():
            return initials_of(name)
        initials = initials.strip().upper()
        if len(initials) > 4:
            raise PeopleError("Initials are at most 4 letters.")
        return initials

    @staticmethod
    def _refuse_duplicate(name: str, staff_id: int | None) -> None:
        query = Staff.select().where(
            (fn.lower(Staff.name) == name.lower()) & (Staff.active == True)  # noqa: E712
        )
        if staff_id is not None:
            query = query.where(Staff.id != staff_id)
        other = query.first()
        if other is not None:
            raise PeopleError(f"There is already an active staff member called {other.name}.")
