"""A row left on one terminal's board acts only on the record it showed.

Two front-desk terminals (two Flow objects) on one SQLite file: terminal A changes
a visit while terminal C still shows it as it was. Whatever C then does to its row —
a move, a step back, a room or provider, a side exit, an undo — is refused with what
changed, and nobody else's visit is touched.
"""

from __future__ import annotations

import pytest
from peewee import Database

from db import Stage, Visit
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.stages import StaleVisit

from .practice_fixture import Practice


@pytest.fixture
def other(database: Database, practice: Practice, clock: FrozenClock) -> Flow:
    """Terminal C: another front-desk terminal on the same file."""
    return Flow(database, clock, settings.load(database), staff_id=practice.desk)


def test_a_walk_in_undone_then_another_checked_in_is_not_ended_by_a_stale_row(
    flow: Flow, other: Flow, practice: Practice, clock: FrozenClock
) -> None:
    """The finding: A checks in walk-in Eve; C has Eve's row under its cursor and presses x;
    A undoes Eve's check-in and checks in walk-in Gus; C picks Left unseen."""
    eve = flow.check_in(practice.patients["eve"])
    seen = practice.row(other, "eve")
    flow.undo(eve)
    clock.advance(minutes=1)
    gus = flow.check_in(practice.patients["gus"])

    with pytest.raises(StaleVisit, match=r"^Eve Evans's visit was removed on another terminal"):
        other.move(seen, Stage.LEFT)

    assert gus.visit_id != eve.visit_id  # the undone visit's id is not given again
    assert Visit.get_by_id(gus.visit_id).stage == Stage.ARRIVED
    assert practice.row(other, "gus").stage == Stage.ARRIVED


def test_a_visit_that_took_a_stale_rows_id_is_still_not_touched(
    flow: Flow, other: Flow, practice: Practice, clock: FrozenClock
) -> None:
    """The identity check alone: even were the id given again (a store that reuses ids),
    the row is Eve's visit and the record is Gus's, so nothing is done."""
    eve = flow.check_in(practice.patients["eve"])
    seen = practice.row(other, "eve")
    flow.undo(eve)
    reused = Visit.create(
        id=eve.visit_id, patient=practice.patients["gus"], date=flow.today(), stage=Stage.ARRIVED
    )
    flow._add_event(reused, Stage.ARRIVED)

    for act in (
        lambda: other.move(seen, Stage.LEFT),
        lambda: other.advance(seen),
        lambda: other.assign(seen, "room", practice.rooms[0]),
        lambda: other.move(seen, Stage.ROOMED, room=practice.rooms[0]),
    ):
        with pytest.raises(StaleVisit, match="Eve Evans's visit was removed on another terminal"):
            act()
    assert practice.row(other, "gus").stage == Stage.ARRIVED
    assert Visit.get_by_id(reused.id).room_id is None


def test_a_visit_moved_away_and_back_is_not_the_row_seen(
    flow: Flow, other: Flow, practice: Practice, clock: FrozenClock
) -> None:
    """Same visit, same stage, but checked in afresh since: C's row shows the old arrival."""
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    seen = practice.row(other, "ann")
    flow.step_back(practice.row(flow, "ann"))  # back to Scheduled
    clock.advance(minutes=5)
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    assert practice.row(flow, "ann").stage == seen.stage == Stage.ARRIVED

    with pytest.raises(StaleVisit, match="Ann Able's visit was moved on another terminal since"):
        other.move(seen, Stage.LEFT)
    with pytest.raises(StaleVisit, match="moved on another terminal since"):
        other.step_back(seen)
    assert practice.row(flow, "ann").stage == Stage.ARRIVED


def test_a_room_or_provider_changed_elsewhere_is_not_overwritten(
    flow: Flow, other: Flow, practice: Practice
) -> None:
    first, second, third = practice.rooms
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    flow.move(practice.row(flow, "ann"), Stage.ROOMED, room=first)
    seen = practice.row(other, "ann")
    flow.assign(practice.row(flow, "ann"), "room", second)
    flow.assign(practice.row(flow, "ann"), "provider", practice.other_provider)

    with pytest.raises(StaleVisit, match=r"room was changed on another terminal \(now Room 2\)"):
        other.assign(seen, "room", third)
    with pytest.raises(StaleVisit, match=r"provider was changed .* \(now Dr. Lou Webb\)"):
        other.assign(seen, "provider", practice.provider)
    with pytest.raises(StaleVisit, match="provider was changed on another terminal"):
        other.move(seen, Stage.WITH_PROVIDER, provider=practice.provider)
    visit = Visit.get_by_id(seen.visit_id)
    assert (visit.room_id, visit.provider_id) == (second, practice.other_provider)
    assert visit.stage == Stage.ROOMED

    # Read afresh, the same choices go through.
    fresh = practice.row(other, "ann")
    other.assign(fresh, "room", third)
    assert Visit.get_by_id(seen.visit_id).room_id == third


def test_an_undo_acts_only_on_the_visit_it_made(
    flow: Flow, other: Flow, practice: Practice
) -> None:
    """C's undo of its own check-in, after A removed that visit and another took its place
    (as a store that reuses ids would): refused, the other visit untouched."""
    mine = other.check_in(practice.patients["eve"])
    flow.undo(mine)
    reused = Visit.create(
        id=mine.visit_id, patient=practice.patients["gus"], date=flow.today(), stage=Stage.ARRIVED
    )
    flow._add_event(reused, Stage.ARRIVED)
    with pytest.raises(StaleVisit, match="That visit is gone; nothing to undo."):
        other.undo(mine)
    assert Visit.get_by_id(reused.id).stage == Stage.ARRIVED


def test_an_undone_walk_in_leaves_no_place_a_later_visit_takes(
    flow: Flow, other: Flow, practice: Practice
) -> None:
    """The board keys rows by visit: a later walk-in never gets the key (the id) of one whose
    check-in was undone, so a terminal's cursor or pending change cannot land on it."""
    undone_keys = set()
    for _ in range(3):
        eve = flow.check_in(practice.patients["eve"])
        undone_keys.add(practice.row(other, "eve").key)
        flow.undo(eve)
    gus = flow.check_in(practice.patients["gus"])
    keys = {row.key for row in other.board().rows}
    assert practice.row(other, "gus").key == f"v{gus.visit_id}"
    assert not undone_keys & keys
    assert gus.visit_id > max(int(key[1:]) for key in undone_keys)
