"""The practice's no-show rule on the board and the book: a booking past it is recorded
missed by the terminal whose clock gets there first, and the board's step back takes it
back."""

from __future__ import annotations

from db.models import Appointment, Stage
from om_tui.practice import settings
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.schedule.book import BookScreen

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


async def test_the_book_alone_records_a_no_show_on_its_clock(office: Practice) -> None:
    """No board open anywhere, the book on tomorrow (its rows for now do not move): the
    book's own 30-second mark records it, and today's book shows it."""
    settings.set_no_show_after(office.database, 15, by=ADMINISTRATOR)
    nora = office.appointments["nora"]  # due 11:00
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookScreen)
        await pilot.press("n")
        await settle(pilot)
        office.clock.advance(hours=1, minutes=15)
        screen._mark_now()
        await settle(pilot)
        assert Appointment.get_by_id(nora).missed_at is not None
        await pilot.press("t")
        await settle(pilot)
        assert screen._daybook is not None
        assert [e.missed for e in screen._daybook.entries if e.id == nora] == [True]
