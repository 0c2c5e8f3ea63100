"""Moving a visit along: next stage, step back, side exits, room and provider pickers."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from db.models import Stage, Visit, VisitEvent
from om_tui.screens.picker import PickerScreen

from .conftest import Practice
from .helpers import (
    board,
    cell,
    live_stages,
    marked,
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
        await pilot.press(key)
        await settle(pilot)

        visit = tom(office)
        assert visit.stage == Stage.WITH_PROVIDER
        assert live_stages(visit.id) == [Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER]
        assert stage(pilot, office.row_key("tom")) == "With provider"
        assert "Seen 1" in static_text(pilot, "#figures")


async def test_next_on_an_expected_patient_checks_them_in(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("nora"))
        await pilot.press("n")
        await settle(pilot)

        visit = visit_for(office.appointments["nora"])
        assert visit is not None and visit.stage == Stage.ARRIVED
        assert stage(pilot, office.row_key("nora")) == "Arrived"


async def test_the_room_picker_offers_free_rooms_first(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await room_tom(pilot, office)  # Room 1 is now taken
        select(pilot, office.row_key("maria"))
        await pilot.press("n")  # check Maria in
        await settle(pilot)
        await pilot.press("n")  # and room her: "1" is the first free room
        await pilot.press("1")
        await settle(pilot)

        maria = visit_for(office.appointments["maria"])
        assert maria is not None and maria.room_id == office.rooms["Room 2"]
        assert cell(pilot, office.row_key("maria"), "room") == "Room 2"


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


async def test_end_marks_an_expected_patient_a_no_show(office: Practice) -> None:
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
        assert "Tom Baker: no provider" in notices(pilot)
        assert cell(pilot, office.row_key("tom"), "provider") == ""
