"""The practice's no-show rule on the board: a booking past it is recorded missed by the
terminal whose clock gets there first, and the board's step back takes it back."""

from __future__ import annotations

from db.models import Appointment, Stage
from om_tui.practice import settings
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.flow.board import FlowBoardScreen

from .conftest import Practice
from .helpers import notices, select, settle


async def test_the_clock_records_a_no_show_and_step_back_takes_it_back(office: Practice) -> None:
    settings.set_no_show_after(office.database, 15, by=ADMINISTRATOR)
    nora, key = office.appointments["nora"], office.row_key("nora")  # due 11:00
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, FlowBoardScreen)
        office.clock.advance(hours=1, minutes=15)
        screen.tick()
        await settle(pilot)
        recorded = Appointment.get_by_id(nora)
        assert recorded.missed_at is not None and recorded.rule_applied
        assert screen._rows[key].stage == Stage.NO_SHOW
        select(pilot, key)
        await pilot.press("b")
        await settle(pilot)
        assert Appointment.get_by_id(nora).missed_at is None
        assert screen._rows[key].stage == Stage.SCHEDULED  # expected again, not re-marked
        assert any("expected again" in n for n in notices(pilot))
