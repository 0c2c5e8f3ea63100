"""The practice's rooms: add, rename, reorder, retire; the board's picker offers the ones in use."""

from __future__ import annotations

import pytest
from peewee import Database

from db.models import Role, Room, Staff, Stage, Visit
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.stages import NothingChanged
from om_tui.practice.schedule.acting import NotAllowed
from om_tui.practice.schedule.rooms import STALE, RoomError, RoomInfo, Rooms

from .practice_fixture import Practice


@pytest.fixture
def rooms(database: Database, practice: Practice) -> Rooms:
    return Rooms(database, staff_id=practice.desk)


def names(rooms: Rooms, everything: bool = False) -> list[str]:
    return [room.name for room in rooms.rooms(everything)]


def info(rooms: Rooms, name: str) -> RoomInfo:
    return next(room for room in rooms.rooms(everything=True) if room.name == name)


def test_add_rename_and_reorder(rooms: Rooms) -> None:
    rooms.add("  X-ray  ")
    assert names(rooms) == ["Room 1", "Room 2", "Room 3", "X-ray"]
    rooms.rename(info(rooms, "Room 1"), "Adjusting 1")
    rooms.move(info(rooms, "X-ray"), -2)
    assert names(rooms) == ["Adjusting 1", "X-ray", "Room 2", "Room 3"]
    rooms.move(info(rooms, "Adjusting 1"), -1)  # already first: stays
    assert names(rooms)[0] == "Adjusting 1"


def test_names_are_unique_among_rooms_in_use(rooms: Rooms) -> None:
    with pytest.raises(RoomError, match="already a room called 'Room 2'"):
        rooms.add("room 2")
    with pytest.raises(RoomError, match="needs a name"):
        rooms.add("   ")
    rooms.set_retired(info(rooms, "Room 2"), True)
    new = rooms.add("Room 2")  # a retired room's name is free again
    with pytest.raises(RoomError, match="already a room called 'Room 2'"):
        rooms.set_retired(next(r for r in rooms.rooms(True) if r.retired), False)
    assert Room.get_by_id(new).name == "Room 2"


def test_a_retired_room_stays_on_past_visits_and_is_not_offered(
    rooms: Rooms, flow: Flow, practice: Practice
) -> None:
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    flow.assign(practice.row(flow, "ann"), "room", practice.rooms[2])
    rooms.set_retired(info(rooms, "Room 3"), True)
    assert [name for _, name, _ in flow.rooms()] == ["Room 1", "Room 2"]
    assert Visit.get_by_id(practice.row(flow, "ann").visit_id).room.name == "Room 3"
    rooms.set_retired(info(rooms, "Room 3"), False)  # back, at the end
    assert names(rooms) == ["Room 1", "Room 2", "Room 3"]


def test_a_stale_rename_is_refused(rooms: Rooms) -> None:
    seen = info(rooms, "Room 1")
    rooms.rename(seen, "Front room")  # another terminal
    with pytest.raises(RoomError) as refused:
        rooms.rename(seen, "Back room")
    assert str(refused.value) == STALE
    assert names(rooms)[0] == "Front room"


def test_staff_may_not_set_up_rooms(database: Database, practice: Practice) -> None:
    helper = Staff.create(name="Sam Helper", initials="SH", role=Role.STAFF)
    with pytest.raises(NotAllowed):
        Rooms(database, staff_id=helper.id).add("Room 9")
    assert Room.select().count() == 3


def test_a_room_move_that_changes_nothing_is_not_recorded(
    flow: Flow, practice: Practice, database: Database
) -> None:
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    before = database.execute_sql("SELECT COUNT(*) FROM audit").fetchone()[0]
    with pytest.raises(NothingChanged, match="Ann Able has no room already"):
        flow.assign(practice.row(flow, "ann"), "room", None)
    flow.assign(practice.row(flow, "ann"), "room", practice.rooms[0])
    with pytest.raises(NothingChanged, match="is in Room 1 already"):
        flow.assign(practice.row(flow, "ann"), "room", practice.rooms[0])
    after = database.execute_sql("SELECT COUNT(*) FROM audit").fetchone()[0]
    assert after == before + 1  # the one real move


def test_a_shared_room_names_everyone_in_it(flow: Flow, practice: Practice) -> None:
    for who in ("ann", "ben"):
        flow.check_in(practice.patients[who], practice.appointments[who])
        flow.move(practice.row(flow, who), Stage.ROOMED, room=practice.rooms[0])
    assert flow.rooms()[0][2] == "Ann A., Ben B."
