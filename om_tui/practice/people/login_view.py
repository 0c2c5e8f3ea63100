"""What the login screen shows, and whether a practice needs its first run: read with plain
SQL, without the models.

The models (db/models.py: peewee builds 52 classes) are a good part of a start-up; the
login screen needs a few columns of the staff and two settings, so it reads them here, and
the models are imported once the screen is drawn (OmTuiApp.on_mount). Checking a PIN, and
everything after the login, goes through People (staff.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from peewee import Database

from db.kinds import SettingKey
from db.store import rows
from om_tui.practice import settings

TABLES = frozenset({"staff"})
"""What the login screen reads (the staff table's name, as `changes.tables_of(Staff)` says it:
a test checks they agree)."""
_COLUMNS = "id, name, initials, role, active, secret IS NOT NULL, locked_until"


@dataclass(frozen=True)
class Person:
    """A staff member as the login screen sees them."""

    id: int
    name: str
    initials: str
    role: str
    active: bool
    has_secret: bool
    """Has a PIN or password (its hash is never read here)."""
    locked_until: dt.datetime | None
    """Aware UTC: no tries before then (a lockout after wrong tries)."""

    def locked_at(self, now: dt.datetime) -> dt.datetime | None:
        """When they may try again, if they are locked out at `now`."""
        until = self.locked_until
        return until if until is not None and until > now else None


def _person(row: tuple[Any, ...]) -> Person:
    staff_id, name, initials, role, active, has_secret, locked_until = row
    if isinstance(locked_until, str):  # SQLite keeps it as text; PostgreSQL as a timestamp
        locked_until = dt.datetime.fromisoformat(locked_until)
    return Person(
        id=staff_id,
        name=name,
        initials=initials or "",
        role=role,
        active=bool(active),
        has_secret=bool(has_secret),
        locked_until=None if locked_until is None else locked_until.replace(tzinfo=dt.UTC),
    )


def staff(database: Database) -> list[Person]:
    """Every person, active first, then by name (as People.everyone)."""
    query = f"SELECT {_COLUMNS} FROM staff ORDER BY active DESC, lower(name), id"
    return [_person(row) for row in rows(database, query)]


def person(database: Database, staff_id: int) -> Person | None:
    found = rows(database, f"SELECT {_COLUMNS} FROM staff WHERE id = ?", (staff_id,))
    return _person(found[0]) if found else None


def needs_setup(database: Database) -> bool:
    """Must this database be set up before anyone can use it? (No one could log in.)"""
    if settings.get(database, SettingKey.DEMO_DAY) is not None:
        return False  # the demo lets anyone in as anyone
    return not rows(database, "SELECT 1 FROM staff WHERE active AND secret IS NOT NULL LIMIT 1")


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def initials(self) -> str: ...


N = TypeVar("N", bound=Named)


def fitting(people: Sequence[N], name: str) -> list[N]:
    """The people a typed name fits, as `--user` takes it: the whole name; else each word
    typed starts a word of theirs ("Sarah", "Chen", "sarah ch"), or it is their initials
    ("SC")."""
    wanted = name.strip().lower()
    exact = [person for person in people if person.name.lower() == wanted]
    if exact or not wanted:
        return exact
    typed = wanted.replace(".", " ").split()

    def fits(person: N) -> bool:
        words = person.name.lower().replace(".", " ").split()
        starts = all(any(word.startswith(part) for word in words) for part in typed)
        return starts or (person.initials or "").lower() == wanted

    return [person for person in people if fits(person)]
