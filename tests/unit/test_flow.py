"""The patient flow on a small hand-made practice: moves, undo, timers, figures, days."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db import Appointment, Patient, Stage, Visit, VisitEvent
from db.models import Staff, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.board import (
    BoardRow,
    Severity,
    attention_order,
    is_late,
    severity,
)
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.patients import NewPatient
from om_tui.practice.flow.stages import FlowError, StaleVisit
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.time_words import stopwatch

from .practice_fixture import DAY, Practice, local


def _events(visit_id: int | None) -> list[VisitEvent]:
    return list(VisitEvent.select().where(VisitEvent.visit == visit_id).order_by(VisitEvent.id))


def _live_stages(visit_id: int | None) -> list[Stage]:
    return [Stage(e.stage) for e in _events(visit_id) if e.undone_at is None]


# -- check-in -----------------------------------------------------------------


def test_check_in_of_an_appointment(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    before = practice.row(flow, "ann")
    assert before.stage == Stage.SCHEDULED
    assert before.visit_id is None
    assert before.appointment_start == local(9, 0)
    assert before.provider == "Dr. Pat Chen"

    change = flow.advance(before)

    after = practice.row(flow, "ann")
    assert after.stage == Stage.ARRIVED
    assert after.key == before.key == f"a{practice.appointments['ann']}"
    assert after.visit_id == change.visit_id
    assert change.created_visit
    assert after.arrived_at == clock.now()
    assert after.stage_since == clock.now()
    assert after.provider == "Dr. Pat Chen"
    visit = Visit.get_by_id(change.visit_id)
    assert visit.date == DAY
    assert visit.appointment_id == practice.appointments["ann"]
    assert visit.provider_id == practice.provider
    [event] = _events(visit.id)
    assert (event.id, Stage(event.stage), event.by_id) == (
        change.event_id,
        Stage.ARRIVED,
        practice.desk,
    )


def test_check_in_by_patient_finds_their_appointment_today(flow: Flow, practice: Practice) -> None:
    change = flow.check_in(practice.patients["ben"])
    assert Visit.get_by_id(change.visit_id).appointment_id == practice.appointments["ben"]
    assert practice.row(flow, "ben").stage == Stage.ARRIVED


def test_walk_in_check_in(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    assert practice.rows(flow, "eve") == []
    change = flow.check_in(practice.patients["eve"])
    assert "walk-in" in change.description
    assert change.created_visit
    row = practice.row(flow, "eve")
    assert row.stage == Stage.ARRIVED
    assert row.key == f"v{change.visit_id}"
    assert (row.appointment_id, row.appointment_start, row.kind, row.provider) == (
        None,
        None,
        None,
        None,
    )
    assert row.arrived_at == clock.now()
    assert Visit.get_by_id(change.visit_id).appointment_id is None


def test_check_in_by_patient_after_a_step_back_uses_their_booking(
    flow: Flow, practice: Practice
) -> None:
    first = flow.advance(practice.row(flow, "ben"))
    flow.step_back(practice.row(flow, "ben"))
    again = flow.check_in(practice.patients["ben"])  # found by name, not from the row
    assert again.visit_id == first.visit_id
    row = practice.row(flow, "ben")  # one row, not the booking plus a walk-in
    assert (row.stage, row.key) == (Stage.ARRIVED, f"a{practice.appointments['ben']}")


def test_a_new_walk_in_is_added_and_checked_in_as_one_operation(
    flow: Flow, practice: Practice
) -> None:
    change = flow.walk_in(NewPatient("Wanda", "Walker", None, ""))
    wanda = Patient.get(Patient.last_name == "Walker")
    assert change.visit_id is not None and "walk-in" in change.description
    assert Visit.get_by_id(change.visit_id).patient_id == wanda.id
    flow.walk_in(practice.patients["eve"])  # one already on file
    before = (Patient.select().count(), Visit.select().count())
    with pytest.raises(StaleVisit, match="already checked in"):
        flow.walk_in(practice.patients["eve"])
    assert (Patient.select().count(), Visit.select().count()) == before


def test_a_no_show_who_turns_up_is_checked_in_as_a_walk_in(flow: Flow, practice: Practice) -> None:
    flow.move(practice.row(flow, "ben"), Stage.NO_SHOW)
    change = flow.check_in(practice.patients["ben"])
    assert "walk-in" in change.description
    stages = sorted(r.stage for r in practice.rows(flow, "ben"))
    assert stages == sorted([Stage.NO_SHOW, Stage.ARRIVED])


def test_check_in_twice_is_refused(flow: Flow, practice: Practice) -> None:
    row = practice.row(flow, "ann")
    flow.advance(row)
    with pytest.raises(StaleVisit, match="already checked in"):
        flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    with pytest.raises(StaleVisit):
        flow.advance(row)  # the stale, still-Scheduled row
    flow.check_in(practice.patients["eve"])
    with pytest.raises(StaleVisit, match="already checked in"):
        flow.check_in(practice.patients["eve"])
    assert Visit.select().count() == 2
    assert VisitEvent.select().count() == 2


def test_check_in_of_a_patient_no_longer_on_file(flow: Flow) -> None:
    with pytest.raises(StaleVisit, match="no longer on file"):
        flow.check_in(99999)


def test_names_on_the_board(flow: Flow, practice: Practice) -> None:
    row = practice.row(flow, "ann")
    assert row.full_name == "Ann Able"
    assert row.short_name == "Ann A."


# -- moving along the main line -------------------------------------------------


def test_advance_through_every_main_line_stage(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    seen = []
    for _ in range(5):
        flow.advance(practice.row(flow, "cal"))
        clock.advance(minutes=1)
        seen.append(practice.row(flow, "cal").stage)
    assert seen == [
        Stage.ARRIVED,
        Stage.ROOMED,
        Stage.WITH_PROVIDER,
        Stage.CHECKOUT,
        Stage.DONE,
    ]
    done = practice.row(flow, "cal")
    assert done.arrived_at == local(10, 0)
    assert done.finished_at == local(10, 4)
    assert _live_stages(done.visit_id) == seen
    with pytest.raises(FlowError, match="finished"):
        flow.advance(done)
    assert len(_events(done.visit_id)) == 5


def test_a_move_from_a_stale_row_is_refused(flow: Flow, practice: Practice) -> None:
    flow.advance(practice.row(flow, "ann"))
    stale = practice.row(flow, "ann")
    other_desk = Flow(flow.database, flow.clock, flow.settings, flow.staff_id)
    other_desk.advance(stale)
    with pytest.raises(StaleVisit, match="already Roomed"):
        flow.advance(stale)
    assert _live_stages(stale.visit_id) == [Stage.ARRIVED, Stage.ROOMED]


def test_step_back_returns_to_the_previous_stage(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=3)
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)

    change = flow.step_back(practice.row(flow, "ann"))
    row = practice.row(flow, "ann")
    assert row.stage == Stage.ARRIVED
    assert row.stage_since == local(10, 0)
    voided = VisitEvent.get_by_id(change.voided_event_id)
    assert voided.stage == Stage.ROOMED
    assert voided.undone_at == utc_naive(clock.now())  # kept, marked

    # An appointment can go back to Scheduled, and no further.
    flow.step_back(row)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.SCHEDULED
    assert row.arrived_at is None
    assert row.key == f"a{practice.appointments['ann']}"
    with pytest.raises(FlowError, match="not arrived"):
        flow.step_back(row)
    assert _live_stages(row.visit_id) == []
    # …and can be checked in again from there.
    flow.advance(row)
    assert practice.row(flow, "ann").stage == Stage.ARRIVED


def test_step_back_of_a_walk_in_stops_at_arrived(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.check_in(practice.patients["eve"])
    with pytest.raises(FlowError, match="walk-in cannot go back"):
        flow.step_back(practice.row(flow, "eve"))
    assert practice.row(flow, "eve").stage == Stage.ARRIVED

    clock.advance(minutes=2)
    flow.advance(practice.row(flow, "eve"))
    flow.step_back(practice.row(flow, "eve"))
    assert practice.row(flow, "eve").stage == Stage.ARRIVED


def test_step_back_from_done(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    for _ in range(5):
        flow.advance(practice.row(flow, "ann"))
        clock.advance(minutes=1)
    flow.step_back(practice.row(flow, "ann"))
    row = practice.row(flow, "ann")
    assert row.stage == Stage.CHECKOUT
    assert row.finished_at is None


# -- side exits -----------------------------------------------------------------


def test_no_show_for_an_appointment_not_arrived(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    change = flow.move(practice.row(flow, "ben"), Stage.NO_SHOW)
    assert change.created_visit
    row = practice.row(flow, "ben")
    assert row.stage == Stage.NO_SHOW
    assert row.finished_at == clock.now()
    assert row.arrived_at is None
    assert row.time_in_office(clock.now()) is None
    assert Visit.get_by_id(change.visit_id).date == DAY
    assert flow.board().figures(clock.now()).no_shows == 1


def test_no_show_is_refused_once_arrived(flow: Flow, practice: Practice) -> None:
    flow.advance(practice.row(flow, "ben"))
    with pytest.raises(FlowError, match="not a no-show"):
        flow.move(practice.row(flow, "ben"), Stage.NO_SHOW)
    assert practice.row(flow, "ben").stage == Stage.ARRIVED


def test_a_walk_in_cannot_be_a_no_show_before_existing(flow: Flow, practice: Practice) -> None:
    flow.check_in(practice.patients["eve"])
    with pytest.raises(FlowError):
        flow.move(practice.row(flow, "eve"), Stage.NO_SHOW)


def test_cancelled_before_arrival(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    change = flow.move(practice.row(flow, "fay"), Stage.CANCELLED)
    assert change.created_visit
    row = practice.row(flow, "fay")
    assert (row.stage, row.finished_at) == (Stage.CANCELLED, clock.now())
    assert flow.board().figures(clock.now()).no_shows == 0


def test_left_unseen_is_refused_before_arrival(flow: Flow, practice: Practice) -> None:
    with pytest.raises(FlowError, match="not arrived"):
        flow.move(practice.row(flow, "ann"), Stage.LEFT)
    assert practice.row(flow, "ann").stage == Stage.SCHEDULED
    assert Visit.select().count() == 0


def test_left_unseen_from_the_office(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=12)
    flow.move(practice.row(flow, "ann"), Stage.LEFT)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.LEFT
    assert row.finished_at == clock.now()
    clock.advance(hours=2)
    assert row.time_in_office(clock.now()) == dt.timedelta(minutes=12)
    assert row.time_in_stage(clock.now()) is None


def test_left_unseen_is_refused_after_done(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    for _ in range(5):
        flow.advance(practice.row(flow, "ann"))
    with pytest.raises(FlowError):
        flow.move(practice.row(flow, "ann"), Stage.LEFT)
    assert practice.row(flow, "ann").stage == Stage.DONE


# -- rooms and providers ------------------------------------------------------------


def test_assign_room_and_provider(flow: Flow, practice: Practice) -> None:
    with pytest.raises(FlowError, match="not arrived"):
        flow.assign(practice.row(flow, "ann"), "room", practice.rooms[0])
    flow.advance(practice.row(flow, "ann"))

    flow.assign(practice.row(flow, "ann"), "room", practice.rooms[1])
    assert practice.row(flow, "ann").room == "Room 2"
    # Waiting with a room set aside is not yet occupying it.
    assert [who for _, _, who in flow.rooms()] == [None, None, None]

    flow.advance(practice.row(flow, "ann"))
    assert practice.row(flow, "ann").room == "Room 2"
    assert [(name, who) for _, name, who in flow.rooms()] == [
        ("Room 1", None),
        ("Room 2", "Ann A."),  # who is in it, as the privacy mode would show them
        ("Room 3", None),
    ]

    flow.assign(practice.row(flow, "ann"), "provider", practice.other_provider)
    assert practice.row(flow, "ann").provider == "Dr. Lou Webb"

    flow.assign(practice.row(flow, "ann"), "room", None)
    assert practice.row(flow, "ann").room is None
    assert Visit.get_by_id(practice.row(flow, "ann").visit_id).room_id is None

    with pytest.raises(ValueError):
        flow.assign(practice.row(flow, "ann"), "patient", 1)


def test_a_walk_in_gets_a_provider(flow: Flow, practice: Practice) -> None:
    flow.check_in(practice.patients["eve"])
    flow.assign(practice.row(flow, "eve"), "provider", practice.provider)
    assert practice.row(flow, "eve").provider == "Dr. Pat Chen"


def test_providers_are_the_active_ones_by_name(flow: Flow, practice: Practice) -> None:
    assert flow.providers() == [
        (practice.other_provider, "Dr. Lou Webb"),
        (practice.provider, "Dr. Pat Chen"),
    ]


def test_rooming_with_a_room_in_one_move(flow: Flow, practice: Practice) -> None:
    flow.advance(practice.row(flow, "ann"))
    change = flow.move(practice.row(flow, "ann"), Stage.ROOMED, room=practice.rooms[2])
    row = practice.row(flow, "ann")
    assert (row.stage, row.room) == (Stage.ROOMED, "Room 3")
    flow.undo(change)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.ARRIVED
    assert Visit.get_by_id(row.visit_id).room_id is None


def test_a_provider_taking_a_walk_in_in_one_move(flow: Flow, practice: Practice) -> None:
    flow.check_in(practice.patients["eve"])  # a walk-in: no provider
    eve = next(r for r in flow.board().rows if r.patient_id == practice.patients["eve"])
    flow.move(eve, Stage.ROOMED)
    eve = next(r for r in flow.board().rows if r.visit_id == eve.visit_id)
    provider = next(staff_id for staff_id, _ in flow.providers())
    with pytest.raises(ValueError, match="not both"):
        flow.move(eve, Stage.WITH_PROVIDER, room=practice.rooms[0], provider=provider)
    change = flow.move(eve, Stage.WITH_PROVIDER, provider=provider)
    visit = Visit.get_by_id(eve.visit_id)
    assert (visit.stage, visit.provider_id) == (Stage.WITH_PROVIDER, provider)
    assert change.description.endswith(f"Roomed → With provider, {Staff.get_by_id(provider).name}")
    flow.undo(change)
    visit = Visit.get_by_id(eve.visit_id)
    assert (visit.stage, visit.provider_id) == (Stage.ROOMED, None)


# -- undo -------------------------------------------------------------------------


def test_undo_a_check_in_removes_the_visit(flow: Flow, practice: Practice) -> None:
    change = flow.advance(practice.row(flow, "ann"))
    message = flow.undo(change)
    assert message.startswith("Undone: Ann Able")
    row = practice.row(flow, "ann")
    assert (row.stage, row.visit_id) == (Stage.SCHEDULED, None)
    assert Visit.select().count() == 0
    assert VisitEvent.select().count() == 0


def test_undo_a_walk_in_takes_them_off_the_board(flow: Flow, practice: Practice) -> None:
    change = flow.check_in(practice.patients["eve"])
    flow.undo(change)
    assert practice.rows(flow, "eve") == []


def test_undo_a_check_in_from_scheduled_after_a_step_back(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.advance(practice.row(flow, "ann"))
    flow.step_back(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    again = flow.advance(practice.row(flow, "ann"))
    assert not again.created_visit  # the visit was there already
    flow.undo(again)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.SCHEDULED
    assert row.visit_id == again.visit_id


def test_undo_an_advance(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=4)
    change = flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.undo(change)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.ARRIVED
    assert row.stage_since == local(10, 0)
    assert VisitEvent.get_by_id(change.event_id).undone_at == utc_naive(clock.now())


def test_undo_a_step_back(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=4)
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    change = flow.step_back(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.undo(change)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.ROOMED
    assert row.stage_since == local(10, 4)  # the original time, restored


def test_undo_an_assignment(flow: Flow, practice: Practice) -> None:
    flow.advance(practice.row(flow, "ann"))
    first = flow.assign(practice.row(flow, "ann"), "room", practice.rooms[0])
    second = flow.assign(practice.row(flow, "ann"), "room", practice.rooms[1])
    flow.undo(second)
    assert practice.row(flow, "ann").room == "Room 1"
    flow.undo(first)
    assert practice.row(flow, "ann").room is None

    provider = flow.assign(practice.row(flow, "ann"), "provider", practice.other_provider)
    flow.undo(provider)
    assert Visit.get_by_id(provider.visit_id).provider_id == practice.provider


def test_undo_a_no_show(flow: Flow, practice: Practice) -> None:
    change = flow.move(practice.row(flow, "ben"), Stage.NO_SHOW)
    flow.undo(change)
    row = practice.row(flow, "ben")
    assert (row.stage, row.visit_id) == (Stage.SCHEDULED, None)


def test_undo_is_refused_when_the_visit_moved_since(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    check_in = flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    rooming = flow.advance(practice.row(flow, "ann"))
    with pytest.raises(StaleVisit, match="moved again"):
        flow.undo(check_in)
    assert practice.row(flow, "ann").stage == Stage.ROOMED

    clock.advance(minutes=1)
    flow.step_back(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.advance(practice.row(flow, "ann"))  # roomed again: a new event
    with pytest.raises(StaleVisit, match="moved again"):
        flow.undo(rooming)
    assert _live_stages(rooming.visit_id) == [Stage.ARRIVED, Stage.ROOMED]


def test_undo_of_a_step_back_is_refused_when_moved_on_since(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    back = flow.step_back(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.advance(practice.row(flow, "ann"))
    with pytest.raises(StaleVisit, match="moved again"):
        flow.undo(back)
    assert _live_stages(back.visit_id) == [Stage.ARRIVED, Stage.ROOMED]


def test_undo_of_a_step_back_is_refused_after_another_step_back(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    """Terminal A steps back once, terminal B once more; A's undo must not resurrect
    a Roomed stage on a visit that no longer has an arrival."""
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    first = flow.step_back(practice.row(flow, "ann"))
    clock.advance(minutes=1)
    flow.step_back(practice.row(flow, "ann"))
    with pytest.raises(StaleVisit, match="moved again"):
        flow.undo(first)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.SCHEDULED
    assert _live_stages(row.visit_id) == []


def test_undo_of_an_assignment_is_refused_when_changed_since(
    flow: Flow, practice: Practice
) -> None:
    flow.advance(practice.row(flow, "ann"))
    first = flow.assign(practice.row(flow, "ann"), "room", practice.rooms[0])
    flow.assign(practice.row(flow, "ann"), "room", practice.rooms[1])
    with pytest.raises(StaleVisit, match="room was changed"):
        flow.undo(first)
    assert practice.row(flow, "ann").room == "Room 2"


def test_undo_of_a_visit_that_is_gone(flow: Flow, practice: Practice) -> None:
    check_in = flow.check_in(practice.patients["eve"])
    assigned = flow.assign(practice.row(flow, "eve"), "provider", practice.provider)
    Visit.delete_by_id(check_in.visit_id)
    with pytest.raises(StaleVisit, match="gone"):
        flow.undo(assigned)


# -- time ---------------------------------------------------------------------------


def test_time_in_stage_and_in_office_follow_the_clock(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    scheduled = practice.row(flow, "cal")
    assert scheduled.time_in_stage(clock.now()) is None
    assert scheduled.time_in_office(clock.now()) is None

    flow.advance(scheduled)
    waiting = practice.row(flow, "cal")
    assert waiting.time_in_stage(clock.now()) == dt.timedelta()
    clock.advance(minutes=7, seconds=30)
    # The same row, read once: its timers come from stored instants.
    assert waiting.time_in_stage(clock.now()) == dt.timedelta(minutes=7, seconds=30)
    assert waiting.time_in_office(clock.now()) == dt.timedelta(minutes=7, seconds=30)
    assert stopwatch(waiting.time_in_stage(clock.now())) == "07:30"

    flow.advance(waiting)
    clock.advance(minutes=2)
    roomed = practice.row(flow, "cal")
    assert roomed.time_in_stage(clock.now()) == dt.timedelta(minutes=2)
    assert roomed.time_in_office(clock.now()) == dt.timedelta(minutes=9, seconds=30)

    clock.advance(hours=1)
    assert stopwatch(roomed.time_in_office(clock.now())) == "1:09:30"

    for _ in range(3):
        flow.advance(practice.row(flow, "cal"))
    done = practice.row(flow, "cal")
    clock.advance(hours=3)
    assert done.time_in_stage(clock.now()) is None
    assert done.time_in_office(clock.now()) == dt.timedelta(hours=1, minutes=9, seconds=30)


def test_timers_never_run_backwards(flow: Flow, practice: Practice, clock: FrozenClock) -> None:
    flow.check_in(practice.patients["eve"])
    row = practice.row(flow, "eve")
    earlier = clock.now() - dt.timedelta(seconds=5)  # another terminal's clock a bit behind
    assert row.time_in_stage(earlier) == dt.timedelta()
    assert row.time_in_office(earlier) == dt.timedelta()


@pytest.mark.parametrize(
    ("span", "shown"),
    [
        (None, ""),
        (dt.timedelta(), "00:00"),
        (dt.timedelta(seconds=59.9), "00:59"),
        (dt.timedelta(minutes=9, seconds=59), "09:59"),
        (dt.timedelta(minutes=59, seconds=59), "59:59"),
        (dt.timedelta(hours=1), "1:00:00"),
        (dt.timedelta(hours=1, minutes=2, seconds=5), "1:02:05"),
        (dt.timedelta(hours=10, minutes=30), "10:30:00"),
    ],
)
def test_stopwatch(span: dt.timedelta | None, shown: str) -> None:
    assert stopwatch(span) == shown


# -- severity and lateness ------------------------------------------------------------


@pytest.mark.parametrize(
    ("waited", "expected"),
    [
        (dt.timedelta(minutes=9, seconds=59), Severity.NORMAL),
        (dt.timedelta(minutes=10), Severity.WARNING),
        (dt.timedelta(minutes=19, seconds=59), Severity.WARNING),
        (dt.timedelta(minutes=20), Severity.ALERT),
        (dt.timedelta(hours=3), Severity.ALERT),
    ],
)
def test_severity_of_waiting_at_the_default_thresholds(
    flow: Flow, practice: Practice, clock: FrozenClock, waited: dt.timedelta, expected: Severity
) -> None:
    flow.advance(practice.row(flow, "cal"))
    row = practice.row(flow, "cal")
    assert severity(row, clock.now() + waited, flow.settings) == expected


def test_severity_follows_the_practice_thresholds(
    database: Database, flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    settings.set_threshold(database, Stage.ROOMED, 3, 7, by=ADMINISTRATOR)
    tight = settings.load(database)
    flow.advance(practice.row(flow, "cal"))
    flow.advance(practice.row(flow, "cal"))
    row = practice.row(flow, "cal")
    start = clock.now()
    assert severity(row, start + dt.timedelta(minutes=2, seconds=59), tight) == Severity.NORMAL
    assert severity(row, start + dt.timedelta(minutes=3), tight) == Severity.WARNING
    assert severity(row, start + dt.timedelta(minutes=7), tight) == Severity.ALERT
    # The defaults (10/20) would still call 7 minutes normal.
    assert severity(row, start + dt.timedelta(minutes=7), flow.settings) == Severity.NORMAL


def test_a_finished_visit_is_never_flagged(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    for _ in range(5):
        flow.advance(practice.row(flow, "cal"))
    done = practice.row(flow, "cal")
    assert severity(done, clock.now() + dt.timedelta(hours=5), flow.settings) == Severity.NORMAL


def test_lateness_after_late_after_minutes(
    database: Database, flow: Flow, practice: Practice
) -> None:
    row = practice.row(flow, "cal")  # booked for 10:00
    assert row.minutes_late(local(9, 50)) == 0.0
    assert not is_late(row, local(10, 9, 59), flow.settings)
    assert severity(row, local(10, 9, 59), flow.settings) == Severity.NORMAL
    assert is_late(row, local(10, 10), flow.settings)
    assert row.minutes_late(local(10, 10)) == 10.0
    assert severity(row, local(10, 10), flow.settings) == Severity.WARNING
    # Late is a warning, never an alert, however late.
    assert severity(row, local(12, 0), flow.settings) == Severity.WARNING

    settings.set_late_after(database, 15, by=ADMINISTRATOR)
    relaxed = settings.load(database)
    assert not is_late(row, local(10, 14, 59), relaxed)
    assert is_late(row, local(10, 15), relaxed)


def test_no_one_arrived_is_late(flow: Flow, practice: Practice) -> None:
    flow.advance(practice.row(flow, "ann"))  # booked 9:00, arrives 10:00
    row = practice.row(flow, "ann")
    assert row.minutes_late(local(10, 30)) == 0.0
    assert not is_late(row, local(10, 30), flow.settings)


# -- the morning, all at once ------------------------------------------------------------


@pytest.fixture
def busy_morning(flow: Flow, practice: Practice, clock: FrozenClock) -> Flow:
    """Nine people at 10:00, each in a different situation (see the tests below)."""

    def step(hour: int, minute: int, who: str, stage: Stage | None = None) -> None:
        clock.set(local(hour, minute))
        row = (
            practice.row(flow, who)
            if practice.rows(flow, who)
            else None  # a walk-in not yet on the board
        )
        if row is None:
            flow.check_in(practice.patients[who])
        elif stage is None:
            flow.advance(row)
        else:
            flow.move(row, stage)

    step(9, 0, "ann")  # arrives
    step(9, 5, "ann")  # roomed: waited 5 min
    step(9, 6, "ann")  # with provider
    step(9, 20, "ann")  # checkout
    step(9, 25, "ann")  # done
    step(9, 35, "cal")  # arrives early, still waiting at 10:00 (25 min)
    step(9, 40, "dee")  # arrives
    step(9, 48, "dee")  # roomed: waited 8 min, roomed 12 min at 10:00
    step(9, 50, "ben", Stage.NO_SHOW)
    step(9, 50, "eve")  # walk-in
    step(9, 52, "eve")  # roomed: waited 2 min
    step(9, 55, "eve")  # with provider 5 min at 10:00
    step(9, 58, "gus")  # walk-in, waiting 2 min at 10:00
    # hal (9:45) has not come: 15 min late; ida (10:45) and fay (11:00) are expected.
    clock.set(local(10, 0))
    return flow


def _who(practice: Practice, rows: list[BoardRow]) -> list[str]:
    names = {patient_id: who for who, patient_id in practice.patients.items()}
    return [names[r.patient_id] for r in rows]


def test_attention_order(busy_morning: Flow, practice: Practice, clock: FrozenClock) -> None:
    rows = busy_morning.board().rows
    expected = ["cal", "dee", "hal", "eve", "gus", "ida", "fay", "ben", "ann"]
    #           alert  warnings     in office   expected    finished, latest first
    assert _who(practice, attention_order(rows, clock.now(), busy_morning.settings)) == expected
    shuffled = list(reversed(rows))
    assert _who(practice, attention_order(shuffled, clock.now(), busy_morning.settings)) == (
        expected
    )
    levels = {
        who: severity(row, clock.now(), busy_morning.settings)
        for who, row in zip(_who(practice, rows), rows, strict=True)
    }
    assert levels["cal"] == Severity.ALERT
    assert levels["dee"] == levels["hal"] == Severity.WARNING
    assert levels["eve"] == levels["gus"] == levels["ida"] == Severity.NORMAL


def test_board_figures(busy_morning: Flow, practice: Practice, clock: FrozenClock) -> None:
    board = busy_morning.board()
    assert board.day == DAY
    assert len(board.rows) == 9
    figures = board.figures(clock.now())
    assert figures.in_office == 4  # cal, dee, eve, gus
    assert figures.waiting == 2  # cal, gus
    assert figures.longest_wait == dt.timedelta(minutes=25)  # cal, since 9:35
    assert figures.average_wait == dt.timedelta(minutes=5)  # ann 5, dee 8, eve 2
    assert figures.seen == 2  # ann, eve reached the provider
    assert figures.no_shows == 1  # ben

    clock.advance(minutes=5)
    assert board.figures(clock.now()).longest_wait == dt.timedelta(minutes=30)


def test_board_figures_leave_out_what_was_stepped_back(
    busy_morning: Flow, practice: Practice, clock: FrozenClock
) -> None:
    busy_morning.step_back(practice.row(busy_morning, "dee"))
    figures = busy_morning.board().figures(clock.now())
    assert figures.waiting == 3
    assert figures.in_office == 4
    assert figures.average_wait == dt.timedelta(minutes=3, seconds=30)  # ann 5, eve 2


def test_figures_of_an_empty_day(flow: Flow, clock: FrozenClock) -> None:
    figures = flow.board(DAY + dt.timedelta(days=3)).figures(clock.now())
    assert (figures.in_office, figures.waiting, figures.seen, figures.no_shows) == (0, 0, 0, 0)
    assert figures.longest_wait is None
    assert figures.average_wait is None


# -- days in the practice's time zone -------------------------------------------------------


def _book(practice: Practice, first: str, at: dt.datetime) -> tuple[int, int]:
    patient = Patient.create(
        first_name=first,
        last_name="Late",
        chart_number=f"9{len(practice.patients)}{first}",
        created=utc_naive(at),
    )
    practice.patients[first.lower()] = patient.id
    appointment = Appointment.create(patient=patient.id, start=utc_naive(at))
    return patient.id, appointment.id


def test_appointments_belong_to_their_local_day(flow: Flow, practice: Practice) -> None:
    yesterday, tomorrow = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)
    _book(practice, "Owl", local(23, 0, day=yesterday))  # 04:00 UTC on DAY
    _book(practice, "Dawn", local(0, 0))  # 05:00 UTC on DAY
    _book(practice, "Dusk", local(20, 0))  # 01:00 UTC the next day
    _book(practice, "Last", local(23, 59, 59))
    _book(practice, "Next", local(0, 0, day=tomorrow))

    def booked(day: dt.date) -> set[str]:
        return {r.first_name for r in flow.board(day).rows if r.last_name == "Late"}

    assert booked(yesterday) == {"Owl"}
    assert booked(DAY) == {"Dawn", "Dusk", "Last"}
    assert booked(tomorrow) == {"Next"}


def test_a_late_evening_check_in_belongs_to_that_local_day(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    patient_id, appointment_id = _book(practice, "Dusk", local(20, 0))
    clock.set(local(19, 55))
    change = flow.check_in(patient_id)  # finds the 20:00 appointment, 01:00 UTC tomorrow
    assert Visit.get_by_id(change.visit_id).appointment_id == appointment_id

    clock.set(local(22, 30))
    assert clock.now().date() == DAY + dt.timedelta(days=1)  # already tomorrow in UTC
    assert flow.today() == DAY
    walk_in = flow.check_in(practice.patients["gus"])
    assert Visit.get_by_id(walk_in.visit_id).date == DAY
    assert practice.row(flow, "gus").stage == Stage.ARRIVED
    assert practice.rows(flow, "gus", DAY + dt.timedelta(days=1)) == []
    assert {r.first_name for r in flow.board().rows} >= {"Dusk", "Gus"}


def test_after_local_midnight_the_board_is_the_next_day(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.check_in(practice.patients["eve"])
    clock.set(local(0, 0, 30, day=DAY + dt.timedelta(days=1)))
    board = flow.board()
    assert board.day == DAY + dt.timedelta(days=1)
    assert board.rows == []
    # Yesterday's walk-in, still marked in the office, may check in again today.
    flow.check_in(practice.patients["eve"])
    assert len(practice.rows(flow, "eve")) == 1


def test_stepping_back_out_of_a_room_frees_it_and_undo_puts_them_back(
    flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.advance(practice.row(flow, "ann"))  # arrived
    clock.advance(minutes=2)
    flow.move(practice.row(flow, "ann"), Stage.ROOMED, room=practice.rooms[0])
    assert practice.row(flow, "ann").room == "Room 1"

    back = flow.step_back(practice.row(flow, "ann"))
    row = practice.row(flow, "ann")
    assert row.stage == Stage.ARRIVED and row.room is None
    assert all(not busy for _, _, busy in flow.rooms())

    flow.undo(back)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.ROOMED and row.room == "Room 1"


@pytest.mark.parametrize(("done_for", "judged"), [(1, True), (120, False)])
def test_the_time_a_visit_spent_finished_is_no_wait(
    flow: Flow, practice: Practice, clock: FrozenClock, done_for: int, judged: bool
) -> None:
    """Done, then stepped back: a minute later (a slip, taken back) the checkout time is
    judged as ever; two hours later (the day's flow moved on) it is no alert."""
    for _ in range(5):  # arrived, roomed, with the provider, checkout, done
        flow.advance(practice.row(flow, "ann"))
    clock.advance(minutes=done_for)
    flow.step_back(practice.row(flow, "ann"))
    clock.advance(minutes=15)  # past checkout's alert (10 minutes)
    row = practice.row(flow, "ann")
    assert row.stage == Stage.CHECKOUT
    assert row.reopened is not judged
    expected = Severity.ALERT if judged else Severity.NORMAL
    assert severity(row, clock.now(), flow.settings) == expected
