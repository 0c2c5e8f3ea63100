"""Undo: "u" (or ctrl+z) takes back this terminal's last change, and says what it undid."""

from __future__ import annotations

import asyncio

from db.models import Stage, VisitEvent

from .conftest import Practice
from .helpers import (
    cell,
    live_stages,
    move_elsewhere,
    notices,
    select,
    settle,
    stage,
    visit_for,
    warnings,
)


async def test_u_takes_back_a_check_in(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"lop", "enter")
        await settle(pilot)
        assert stage(pilot, office.row_key("maria")) == "Arrived"

        await pilot.press("u")
        await settle(pilot)

        assert visit_for(office.appointments["maria"]) is None
        assert stage(pilot, office.row_key("maria")) == "Scheduled"
        assert "Undone: Maria Lopez: checked in" in notices(pilot)
        assert app.undo_stack == []


async def test_ctrl_z_takes_back_rooming(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("n", "1")
        await settle(pilot)
        assert stage(pilot, office.row_key("tom")) == "Roomed"

        await pilot.press("ctrl+z")
        await settle(pilot)

        visit = visit_for(office.appointments["tom"])
        assert visit is not None
        assert (visit.stage, visit.room_id) == (Stage.ARRIVED, None)
        assert live_stages(visit.id) == [Stage.ARRIVED]
        assert stage(pilot, office.row_key("tom")) == "Arrived"
        assert cell(pilot, office.row_key("tom"), "room") == ""
        assert "Undone: Tom Baker: Arrived → Roomed, Room 1" in notices(pilot)


async def test_undo_goes_back_one_change_at_a_time(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("n", "1")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert stage(pilot, office.row_key("tom")) == "With provider"

        await pilot.press("u")
        await settle(pilot)
        assert stage(pilot, office.row_key("tom")) == "Roomed"
        await pilot.press("u")
        await settle(pilot)
        assert stage(pilot, office.row_key("tom")) == "Arrived"
        assert visit_for(office.appointments["tom"]).stage == Stage.ARRIVED


async def test_undo_with_nothing_to_undo_says_so(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        events = VisitEvent.select().count()
        await pilot.press("u")
        await settle(pilot)

        assert notices(pilot) == ["Nothing to undo on this terminal."]
        assert VisitEvent.select().count() == events


async def test_undo_after_another_terminal_moved_the_visit_is_refused(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("tom")
        select(pilot, key)
        await pilot.press("n", "1")  # rooms Tom here
        await settle(pilot)
        await asyncio.to_thread(move_elsewhere, office, key, Stage.WITH_PROVIDER)
        app.check_for_changes()
        await pilot.pause()
        assert stage(pilot, key) == "With provider"

        await pilot.press("u")
        await settle(pilot)

        assert warnings(pilot) == [
            "Not undone (Tom Baker: Arrived → Roomed, Room 1): the visit was moved again since."
        ]
        visit = visit_for(office.appointments["tom"])
        assert visit is not None and visit.stage == Stage.WITH_PROVIDER
        assert live_stages(visit.id) == [Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER]
        assert stage(pilot, key) == "With provider"
