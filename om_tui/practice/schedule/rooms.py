"""The practice's rooms: the ones the board's room picker offers, in the practice's order.

A room is added, renamed, moved up or down the list, retired and brought back; it is
never deleted. A retired room stays on the visits it was used for (their history reads
as it was) but is no longer offered, and its name is free for a new room. Names are
unique, whatever the case, among the rooms in use (the store's index says so too).
The front desk and managers set the rooms (people.PERMISSIONS["rooms"]). A rename
carries the name the person saw: a room renamed on another terminal meanwhile is not
renamed again over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database, fn

from db.models import Room
from om_tui.practice.changes import tables_of
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule.acting import require

ROOMS_TABLES = tables_of(Room)
"""What the rooms screen is read from."""

LONGEST_NAME = 30
"""A room's name fits the board's Room column and the picker at 80 columns."""
STALE = "Changed on another terminal since you opened it: nothing was saved."


class RoomError(Refusal):
    """A change to the rooms that cannot be made; the message is fit to show."""


@dataclass(frozen=True)
class RoomInfo:
    """A room as a screen shows it."""

    room_id: int
    name: str
    retired: bool


def room_name(text: str) -> str:
    """A room's name as typed, tidied; refused when empty or too long."""
    name = " ".join(text.split())
    if not name:
        raise RoomError("A room needs a name (e.g. Room 1, Adjusting 2).")
    if len(name) > LONGEST_NAME:
        raise RoomError(f"A room's name has at most {LONGEST_NAME} characters.")
    if not name.isprintable():
        raise RoomError("A room's name has letters, digits, spaces and punctuation only.")
    return name


class Rooms:
    """The rooms, read and set up, in the acting person's name."""

    def __init__(self, database: Database, staff_id: int | None = None) -> None:
        self.database = database
        self.staff_id = staff_id

    def rooms(self, everything: bool = False) -> list[RoomInfo]:
        """The rooms in use in their order; with `everything`, the retired ones after them."""
        query = Room.select().order_by(Room.retired, Room.position, Room.id)
        if not everything:
            query = query.where(Room.retired == False)  # noqa: E712
        return [RoomInfo(r.id, r.name, bool(r.retired)) for r in query]

    def add(self, name: str) -> int:
        """A new room, at the end of the list; its id."""
        name = room_name(name)
        with self.database.atomic():
            require(self.database, self.staff_id, "rooms", "sets up the rooms")
            self._check_free(name)
            room = Room.create(name=name, position=self._last_position() + 1)
            return int(room.id)

    def rename(self, seen: RoomInfo, name: str) -> None:
        name = room_name(name)
        with self.database.atomic():
            require(self.database, self.staff_id, "rooms", "sets up the rooms")
            room = self._as_seen(seen)
            if room.name == name:
                return
            if not room.retired:
                self._check_free(name, but=room.id)
            Room.update(name=name).where(Room.id == room.id).execute()

    def set_retired(self, seen: RoomInfo, retired: bool) -> None:
        """Retire a room, or bring one back (at the end of the list, if its name is free)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "rooms", "sets up the rooms")
            room = self._as_seen(seen)
            if bool(room.retired) == retired:
                return
            changes: dict[object, object] = {Room.retired: retired}
            if not retired:
                self._check_free(room.name, but=room.id)
                changes[Room.position] = self._last_position() + 1
            Room.update(changes).where(Room.id == room.id).execute()

    def move(self, seen: RoomInfo, step: int) -> None:
        """Move a room in use `step` places up (negative) or down the list."""
        with self.database.atomic():
            require(self.database, self.staff_id, "rooms", "sets up the rooms")
            room = self._as_seen(seen)
            if room.retired:
                raise RoomError(f"{room.name} is retired: bring it back before moving it.")
            ordered = list(
                Room.select()
                .where(Room.retired == False)  # noqa: E712
                .order_by(Room.position, Room.id)
            )
            index = next(n for n, row in enumerate(ordered) if row.id == room.id)
            target = max(0, min(len(ordered) - 1, index + step))
            ordered.insert(target, ordered.pop(index))
            for position, row in enumerate(ordered, start=1):
                if row.position != position:
                    Room.update(position=position).where(Room.id == row.id).execute()

    def _as_seen(self, seen: RoomInfo) -> Room:
        room: Room | None = Room.get_or_none(Room.id == seen.room_id)
        if room is None or room.name != seen.name or bool(room.retired) != seen.retired:
            raise RoomError(STALE)
        return room

    def _check_free(self, name: str, but: int | None = None) -> None:
        query = Room.select().where(
            fn.LOWER(Room.name) == name.lower(),
            Room.retired == False,  # noqa: E712
        )
        if but is not None:
            query = query.where(Room.id != but)
        other = query.first()
        if other is not None:
            raise RoomError(f"There is already a room called {other.name!r}.")

    def _last_position(self) -> int:
        return int(Room.select(fn.MAX(Room.position)).scalar() or 0)
