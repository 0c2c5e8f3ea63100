"""The first run: a practice where nobody can log in is set up before anything else.

Setup asks for the practice's name, its time zone, when its stats week ends, the first
person (the owner or office manager) with their PIN or password, and then for the
appointment book: its open hours on weekdays, who else sees patients (the providers,
added to the staff without a PIN: the manager gives them one), and its rooms — all three
may wait (a key skips them), and the book is usable either way. Nothing is written until the end,
and then all of it in one transaction: a setup left half-way (a closed terminal, a lost
SSH connection) leaves the database as it was, and the next start asks again.

A database is "not set up" while no active person has a PIN or password. That also
covers a practice used before logins existed: its staff are there, without secrets;
the first person named in setup may be one of them (they get the PIN and the role).
The demo practice never needs setup.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peewee import Database

from db.models import Role, SettingKey
from om_tui.practice import limits, settings
from om_tui.practice.clock import Clock
from om_tui.practice.people import login_view
from om_tui.practice.people.staff import (
    ADMINISTRATOR,
    MANAGERS,
    People,
    check_secret_rules,
    parse_role,
    record,
    set_actor,
)
from om_tui.practice.refusal import Refusal

if TYPE_CHECKING:
    # Only setup needs the stats week; every start asks `needs_setup`: keep it light.
    from om_tui.practice.stats.weeks import WeekEnds

FIRST_ROLES = (Role.OWNER, Role.OFFICE_MANAGER)
"""Who may set a practice up: someone who can let the others in afterwards."""


class SetupError(Refusal):
    """Setup cannot go on as asked; the message says why, fit for a person."""


@dataclass(frozen=True)
class PracticeSetup:
    """What the first run asks for."""

    practice: str
    timezone: str
    week_ends: WeekEnds
    name: str
    role: str
    secret: str = field(repr=False)
    initials: str | None = None
    provider: bool = False
    open_hours: str = ""  # Monday to Friday, like "8-12 13-18"; empty: set later
    providers: tuple[str, ...] = ()  # who else sees patients; empty: added later
    rooms: tuple[str, ...] = ()  # the rooms, in order; empty: added later


@dataclass(frozen=True)
class Defaults:
    """What setup's fields start with: the machine's time zone, or what is stored already."""

    practice: str
    timezone: str
    week_ends: WeekEnds


def needs_setup(database: Database, clock: Clock) -> bool:
    """Must this database be set up before anyone can use it?"""
    return login_view.needs_setup(database)


def defaults(database: Database) -> Defaults:
    """A practice used before setup keeps its name, zone and week; a new one gets the
    machine's time zone and the default week (Thursday 14:00)."""
    from om_tui.practice.stats.weeks import week_ends_of

    zone = settings.get(database, SettingKey.TIMEZONE) or settings.system_timezone_name()
    return Defaults(
        practice=settings.get(database, SettingKey.PRACTICE_NAME) or "",
        timezone="" if zone == "local" else zone,
        week_ends=week_ends_of(database),
    )


def check_practice_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SetupError("The practice needs a name (it is shown on every screen).")
    return limits.checked_text(name, limits.PRACTICE_NAME, SetupError)


def check_timezone(name: str) -> str:
    """An IANA time zone name, as the system's time zone database spells it."""
    name = name.strip()
    if not name:
        raise SetupError("The practice needs its time zone, like America/Chicago.")
    known = {zone.casefold(): zone for zone in timezone_names()}
    canonical = known.get(name.casefold(), name)
    try:
        zoneinfo.ZoneInfo(canonical)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SetupError(
            f"{name!r} is not a time zone name: write it as Region/City, like America/Chicago."
        ) from None
    return canonical


def week_end_time(text: str) -> dt.time:
    """When the stats week ends, as typed ("14:00", "2pm": time_words); never empty."""
    from om_tui.practice import time_words  # arrow: not on every start's `needs_setup`

    at = time_words.time_of_day(text, SetupError)
    if at is None:
        raise SetupError("When does the stats week end? A time of day, like 14:00.")
    return at


def check_open_hours(text: str) -> None:
    """ "8-18", "8-12 13-18", or nothing (the book is open all day until they are set)."""
    from om_tui.practice.schedule.hours import parse_stretches

    parse_stretches(text)


def names_in(text: str) -> tuple[str, ...]:
    """ "Dr. Webb, Dr. Patel" → each name, tidied, once (the first spelling kept)."""
    found: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split())
        if name:
            found.setdefault(name.casefold(), name)
    return tuple(found.values())


def check_providers(text: str, first_person: str = "") -> tuple[str, ...]:
    """The providers typed: each a person's name, none of them the first person's."""
    names = names_in(text)
    for name in names:
        limits.person_name(name, SetupError)
        if name.casefold() == " ".join(first_person.split()).casefold():
            raise SetupError(f'{name} is you: "You see patients" on the page before.')
    return names


def check_rooms(text: str) -> tuple[str, ...]:
    from om_tui.practice.schedule.rooms import room_name

    names = names_in(text)
    for name in names:
        room_name(name)
    return names


@functools.cache
def timezone_names() -> list[str]:
    """Every time zone name the system knows (for suggesting them as one types)."""
    return sorted(zoneinfo.available_timezones())


def set_up(database: Database, clock: Clock, setup: PracticeSetup) -> int:
    """Write the practice's settings and its first person at once; their staff id.

    Slow (the PIN is hashed): off the event loop. Refused, with nothing written, when
    another terminal finished setting up first. The person is logged in from here on:
    they have just typed their PIN twice.
    """
    from om_tui.practice.stats.weeks import set_week_ends

    practice = check_practice_name(setup.practice)
    zone = check_timezone(setup.timezone)
    role = parse_role(setup.role)
    if role.value not in MANAGERS:
        raise SetupError("The first person is the owner or the office manager.")
    check_secret_rules(setup.secret)
    # Until someone can log in, whoever has the file sets the practice up: the
    # administrator's rights, for this one transaction, while no one has a login.
    people = People(database, clock, ADMINISTRATOR)
    with database.atomic():
        if not needs_setup(database, clock):
            raise SetupError("This practice was set up on another terminal meanwhile: log in.")
        settings.set_name(database, practice, by=ADMINISTRATOR)
        settings.set_timezone(database, zone, by=ADMINISTRATOR)
        set_week_ends(database, setup.week_ends, by=ADMINISTRATOR)
        name = " ".join(setup.name.split())
        known = next((i for i, n in people.active() if n.casefold() == name.casefold()), None)
        if known is None:
            staff_id = people.add(
                name, role, setup.secret, initials=setup.initials, provider=setup.provider
            )
        else:  # a practice from before logins: this person is on the staff already
            people.edit(known, role=role, initials=setup.initials, provider=setup.provider)
            people.set_secret(known, setup.secret)
            staff_id = known
        _set_up_the_book(database, people, setup, name)
        set_actor(database, staff_id)
        record(database, "login", name)
    return staff_id


def _set_up_the_book(database: Database, people: People, setup: PracticeSetup, you: str) -> None:
    """The book's open hours, providers and rooms, where setup was given them."""
    from om_tui.practice.schedule.hours import parse_stretches, set_hours
    from om_tui.practice.schedule.rooms import Rooms

    if setup.open_hours.strip():
        set_hours(database, ADMINISTRATOR, None, range(5), parse_stretches(setup.open_hours))
    on_staff = {n.casefold(): i for i, n in people.active()}
    for provider in check_providers(", ".join(setup.providers), you):
        known = on_staff.get(provider.casefold())
        if known is None:
            people.add(provider, Role.STAFF, provider=True)
        else:  # a practice from before logins: on the staff already
            people.edit(known, provider=True)
    rooms = Rooms(database, ADMINISTRATOR)
    taken = {room.name.casefold() for room in rooms.rooms()}
    for room in check_rooms(", ".join(setup.rooms)):
        if room.casefold() not in taken:
            rooms.add(room)
