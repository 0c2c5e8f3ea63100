"""Moving a visit along: next stage, step back, side exits, room and provider pickers."""

from __future__ import annotations

import pytest
from textual.widgets import Label, OptionList

from db.models import Role, Staff, Stage, Visit, VisitEvent
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.picker import PickerScreen

from .conftest import Practice
from .helpers import (
    board,
    cell,
    live_stages,
    marked,
    move_elsewhere,
    notices,
    select,
    settle,
    stage,
    static_text,
    visit_for,
    warnings,
)


def tom(office: Practice) -> Visit:
    visit = visit_for(office.appointments["tom"])
    assert visit is not None
    return visit


def picker_title(pilot) -> str:
    assert isinstance(pilot.app.screen, PickerScreen)
    return str(pilot.app.screen.query_one(".dialog-title", Label).render())


async def room_tom(pilot, office: Practice) -> None:
    select(pilot, office.row_key("tom"))
    await pilot.press("n")
    await pilot.press("1")
    await settle(pilot)


async def test_next_on_an_arrived_patient_asks_for_a_room(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("n")
        await pilot.pause()
        assert picker_title(pilot) == "Room Tom Baker — which room?"
        await pilot.press("1")
        await settle(pilot)

        visit = tom(office)
        assert visit.stage == Stage.ROOMED
        assert visit.room_id == office.rooms["Room 1"]
        assert live_stages(visit.id) == [Stage.ARRIVED, Stage.ROOMED]
        key = office.row_key("tom")
        assert stage(pilot, key) == "Roomed"
        assert cell(pilot, key, "room") == "Room 1"


@pytest.mark.parametrize("key", ["n", "enter"])
async def test_next_and_enter_move_a_roomed_patient_to_the_provider(
    office: Practice, key: str
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await room_tom(pilot, office)
        # A person's Enter comes well after the room picker closed (see the test below).
        office.clock.advance(seconds=1)
        await pilot.press(key)
        await settle(pilot)

        visit = tom(office)
        assert visit.stage == Stage.WITH_PROVIDER
        assert live_stages(visit.id) == [Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER]
        assert stage(pilot, office.row_key("tom")) == "With provider"
        assert "Seen 1" in static_text(pilot, "#figures")


async def test_next_on_a_walk_in_nobody_took_asks_who_sees_them(office: Practice) -> None:
    """A walk-in has no provider: "n" from Roomed asks who, and moves on with them in one
    step; "u" takes both back."""
    flow = office.flow()
    flow.check_in(office.patients["walter"])
    [row] = [r for r in flow.board().rows if r.full_name == "Walter Kim"]
    flow.move(row, Stage.ROOMED)
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = f"v{row.visit_id}"
        assert cell(pilot, key, "provider") == ""
        select(pilot, key)
        await pilot.press("n")
        await pilot.pause()
        assert picker_title(pilot) == "Who sees Walter Kim?"
        await pilot.press("2")  # the providers by name: Dr. Ada Park, Dr. Ben Ruiz
        await settle(pilot)
        visit = Visit.get_by_id(row.visit_id)
        assert (visit.stage, visit.provider_id) == (
            Stage.WITH_PROVIDER,
            office.providers["Dr. Ben Ruiz"],
        )
        assert stage(pilot, key) == "With provider"
        assert cell(pilot, key, "provider") == "Dr. Ben Ruiz"

        await pilot.press("u")
        await settle(pilot)
        visit = Visit.get_by_id(row.visit_id)
        assert (visit.stage, visit.provider_id) == (Stage.ROOMED, None)


async def test_next_on_an_expected_patient_checks_them_in(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("nora"))
        await pilot.press("n")
        await settle(pilot)

        visit = visit_for(office.appointments["nora"])
        assert visit is not None and visit.stage == Stage.ARRIVED
        assert stage(pilot, office.row_key("nora")) == "Arrived"


async def test_the_room_picker_numbers_are_the_rooms_and_a_room_in_use_asks_first(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await room_tom(pilot, office)  # Room 1 is now taken
        select(pilot, office.row_key("maria"))
        await pilot.press("n")  # check Maria in
        await settle(pilot)
        await pilot.press("n")  # and room her: the picker starts on the first free room
        await pilot.pause()
        assert "in use: Tom B." in " ".join(
            str(o.prompt) for o in app.screen.query_one(OptionList).options
        )
        await pilot.press("1")  # Room 1 is in use: not taken, but says who is in it
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        hint = str(app.screen.query_one("#picker-hint", Label).render())
        assert hint.startswith("Room 1 has Tom B. in it: Enter again to share it")
        await pilot.press("2")
        await settle(pilot)

        maria = visit_for(office.appointments["maria"])
        assert maria is not None and maria.room_id == office.rooms["Room 2"]
        assert cell(pilot, office.row_key("maria"), "room") == "Room 2"


async def test_an_occupied_room_is_shared_with_a_second_key(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await room_tom(pilot, office)  # Room 1 is now taken
        select(pilot, office.row_key("maria"))
        await pilot.press("n")  # check Maria in
        await settle(pilot)
        await pilot.press("n", "1")  # Room 1: who is in it, and asks
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        maria = visit_for(office.appointments["maria"])
        assert maria is not None and maria.stage == Stage.ARRIVED
        await pilot.press("enter")  # the second key: shared on purpose
        await settle(pilot)

        maria = visit_for(office.appointments["maria"])
        assert maria is not None and maria.stage == Stage.ROOMED
        assert maria.room_id == office.rooms["Room 1"] == tom(office).room_id


async def test_no_room_for_a_patient_without_one_records_nothing(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        select(pilot, office.row_key("tom"))
        trail = office.database.execute_sql("SELECT COUNT(*) FROM audit").fetchone()[0]
        await pilot.press("r")
        await pilot.pause()
        assert picker_title(pilot) == "Room for Tom Baker"
        await pilot.press("3")  # No room
        await settle(pilot)
        assert tom(office).room_id is None
        assert "Nothing changed: Tom Baker has no room already." in warnings(pilot)
        assert office.database.execute_sql("SELECT COUNT(*) FROM audit").fetchone()[0] == trail


async def test_back_takes_back_the_latest_stage(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await room_tom(pilot, office)
        await pilot.press("b")
        await settle(pilot)

        visit = tom(office)
        assert visit.stage == Stage.ARRIVED
        assert live_stages(visit.id) == [Stage.ARRIVED]
        assert VisitEvent.select().where(VisitEvent.undone_at.is_null(False)).count() == 1
        assert stage(pilot, office.row_key("tom")) == "Arrived"

        await pilot.press("b")  # and back before arriving: expected again, and late
        await settle(pilot)
        assert tom(office).stage == Stage.SCHEDULED
        assert stage(pilot, office.row_key("tom")) == "Late"
        assert marked(pilot, office.row_key("tom"))
        assert cell(pilot, office.row_key("tom"), "in_stage") == "+15:00"
        assert cell(pilot, office.row_key("tom"), "in_office") == ""


async def test_back_on_an_expected_patient_is_refused(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("maria"))
        await pilot.press("b")
        await settle(pilot)

        assert warnings(pilot) == ["Maria Lopez has not arrived yet: nothing to step back."]
        assert visit_for(office.appointments["maria"]) is None


async def test_a_no_show_before_the_appointment_time_is_refused(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("nora"))  # due at 11:00; it is 10:00
        await pilot.press("x", "1")
        await settle(pilot)
        assert visit_for(office.appointments["nora"]) is None
        assert warnings(pilot) == [
            "Nora Quinn is not due until 11:00: not a no-show yet (Cancelled is)."
        ]


async def test_end_marks_an_expected_patient_a_no_show(office: Practice) -> None:
    office.clock.advance(hours=1, minutes=20)  # Nora was due at 11:00
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("nora"))
        await pilot.press("x")
        await pilot.pause()
        assert picker_title(pilot) == "End Nora Quinn's visit as…"
        await pilot.press("1")
        await settle(pilot)

        visit = visit_for(office.appointments["nora"])
        assert visit is not None and visit.stage == Stage.NO_SHOW
        assert stage(pilot, office.row_key("nora")) == "No-show"
        assert "No-shows 1" in static_text(pilot, "#figures")


async def test_end_on_an_arrived_patient_offers_left_unseen(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("x", "1")
        await settle(pilot)

        assert tom(office).stage == Stage.LEFT
        assert stage(pilot, office.row_key("tom")) == "Left unseen"
        assert "In office 0" in static_text(pilot, "#figures")


async def test_room_key_moves_a_patient_without_a_new_stage(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("r")
        await pilot.pause()
        assert picker_title(pilot) == "Room for Tom Baker"
        await pilot.press("2")
        await settle(pilot)

        visit = tom(office)
        assert visit.room_id == office.rooms["Room 2"]
        assert live_stages(visit.id) == [Stage.ARRIVED]
        assert cell(pilot, office.row_key("tom"), "room") == "Room 2"
        assert stage(pilot, office.row_key("tom")) == "Arrived"


async def test_room_key_on_an_expected_patient_is_refused(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("maria"))
        await pilot.press("r")
        await pilot.pause()

        assert not isinstance(app.screen, PickerScreen)
        assert warnings(pilot) == ["Maria Lopez is not in the office."]


async def test_provider_key_changes_the_provider(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("p")
        await pilot.pause()
        assert picker_title(pilot) == "Provider for Tom Baker"
        await pilot.press("2")  # Dr. Ada Park, Dr. Ben Ruiz, No provider
        await settle(pilot)

        assert tom(office).provider_id == office.providers["Dr. Ben Ruiz"]
        assert cell(pilot, office.row_key("tom"), "provider") == "Dr. Ben Ruiz"


@pytest.mark.parametrize(
    ("row", "keys"),
    [
        ("tom", ["n"]),  # the room picker on the way to Roomed
        ("nora", ["x"]),
    ],
)
async def test_escape_leaves_a_picker_with_nothing_written(
    office: Practice, row: str, keys: list[str]
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        before = [(v.id, v.stage, v.room_id, v.provider_id) for v in Visit.select()]
        events = VisitEvent.select().count()
        select(pilot, office.row_key(row))
        await pilot.press(*keys)
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("escape")
        await settle(pilot)

        assert not isinstance(app.screen, PickerScreen)
        assert [(v.id, v.stage, v.room_id, v.provider_id) for v in Visit.select()] == before
        assert VisitEvent.select().count() == events
        assert app.undo_stack == []
        assert board(pilot).cursor_row == board(pilot).get_row_index(office.row_key(row))


async def test_no_provider_clears_the_provider_cell(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("p", "3")  # Dr. Ada Park, Dr. Ben Ruiz, No provider
        await settle(pilot)

        assert tom(office).provider_id is None
        assert "Tom Baker: provider Dr. Ada Park → no provider" in notices(pilot)
        assert cell(pilot, office.row_key("tom"), "provider") == ""


async def test_an_enter_typed_twice_to_close_a_dialog_moves_nobody_on(
    office: Practice,
) -> None:
    """The app's clock says when: an Enter within half a second of the room picker
    closing is the picker's; from half a second on, it is the board's."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("n", "enter", "enter")  # room picker: first room; a second Enter
        await settle(pilot)
        visit = tom(office)
        assert visit.stage == Stage.ROOMED  # not moved on to the provider
        assert live_stages(visit.id) == [Stage.ARRIVED, Stage.ROOMED]

        office.clock.advance(seconds=0.499)
        await pilot.press("enter")
        await settle(pilot)
        assert tom(office).stage == Stage.ROOMED  # still the picker's
        office.clock.advance(seconds=0.001)  # half a second after it closed
        await pilot.press("enter")
        await settle(pilot)
        assert tom(office).stage == Stage.WITH_PROVIDER


async def test_finishing_a_visit_leaves_the_cursor_on_the_row_that_takes_its_place(
    office: Practice,
) -> None:
    """The finished visit sinks to the bottom; the desk goes on with the next one up."""
    office.flow().check_in(office.patients["nora"], office.appointments["nora"])
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await room_tom(pilot, office)
        table = board(pilot)
        for _ in range(3):  # with the provider, at checkout, done
            place = table.cursor_row
            assert table.selected_key == (office.row_key("tom"))
            await pilot.press("n")
            await settle(pilot)
        assert tom(office).stage == Stage.DONE
        tom_at = table.get_row_index(office.row_key("tom"))
        assert tom_at == table.row_count - 1  # finished: at the bottom
        assert table.cursor_row == min(place, table.row_count - 1) != tom_at


async def test_an_enter_typed_as_the_board_first_shows_moves_nobody_on(office: Practice) -> None:
    """The owner starts on the overview; "1" and an Enter meant for what was there: the
    board's first showing takes the same care as its return from a dialog. (The clock is
    frozen: the Enter comes at the very moment the board shows.)"""
    owner = Staff.create(name="Dr. Olive Owner", initials="OO", role=Role.OWNER)
    app = office.app(staff_id=owner.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "overview"
        await pilot.press("1")
        await settle(pilot)
        select(pilot, office.row_key("tom"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)  # no room picker asked
        assert live_stages(tom(office).id) == [Stage.ARRIVED]


async def finish_tom(office: Practice) -> None:
    """Tom goes through the visit to Done, a minute a stage, on another terminal."""
    for stage_now in (Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT, Stage.DONE):
        office.clock.advance(minutes=1)
        move_elsewhere(office, office.row_key("tom"), stage_now)


async def test_stepping_back_a_visit_finished_long_ago_asks_first(office: Practice) -> None:
    """Done two hours ago: b asks; once stepped back, the hours it spent done are no wait
    (no alert), and x no longer offers "Left unseen" to a patient who was seen."""
    await finish_tom(office)
    office.clock.advance(hours=2)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        key = office.row_key("tom")
        select(pilot, key)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "Tom Baker's visit ended (Done) at 10:04, 2 h 0 min ago" in str(
            app.screen.query_one(".dialog-title", Label).render()
        )
        await pilot.press("escape")  # kept as it was
        await settle(pilot)
        assert tom(office).stage == Stage.DONE

        select(pilot, key)
        await pilot.press("b", "y")
        await settle(pilot)
        assert tom(office).stage == Stage.CHECKOUT
        assert stage(pilot, key) == "Checkout"
        assert not marked(pilot, key)  # 2:00 "at checkout" is no alert

        select(pilot, key)
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, PickerScreen)
        assert "Tom Baker was seen: n moves the visit on to Done." in warnings(pilot)


async def test_a_visit_finished_a_moment_ago_steps_back_at_once(office: Practice) -> None:
    await finish_tom(office)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("b")
        await settle(pilot)
        assert tom(office).stage == Stage.CHECKOUT
