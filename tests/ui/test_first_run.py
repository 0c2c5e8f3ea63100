"""The first run: a brand-new database is set up by keyboard before anything else, and
its first person goes straight in.

The app is built as `om-tui` builds it (with a login); the clock is frozen on the
fixture's Wednesday morning.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label

from db import open_database
from db.models import Appointment, Patient, Role, Setting, SettingKey, Staff
from om_tui.app import make_app
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People, verify_secret
from om_tui.practice.schedule.hours import week_hours
from om_tui.practice.setup import PracticeSetup, needs_setup, set_up
from om_tui.practice.stats.weeks import WeekEnds, week_ends_of
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.people.first_run import FirstRunScreen
from om_tui.screens.people.login import LoginScreen

from .conftest import OFFICE_NOW, Practice
from .helpers import board, paste, settle, stage, warnings


def error(pilot: Pilot[Any], field: str) -> str:
    line = pilot.app.screen.query_one(f"#{field}-error", Label)
    return str(line.render()) if line.display else ""


async def replace(pilot: Pilot[Any], field: str, text: str) -> None:
    """Focus a field, empty it and paste `text` into it."""
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await paste(pilot, text)


async def fill_the_practice(pilot: Pilot[Any]) -> None:
    """Page 1: Lakeview Chiropractic, Chicago time, the week ending Friday 17:30."""
    await replace(pilot, "practice", "Lakeview Chiropractic")
    await replace(pilot, "zone", "america/chicago")
    await pilot.press("tab", "f")  # the weekday: Friday
    await replace(pilot, "week-time", "17:30")
    await pilot.press("enter")


async def fill_the_book(pilot: Pilot[Any]) -> None:
    """Page 3, all but the last Enter: open 8-12 and 13-18, two more providers, two rooms."""
    await replace(pilot, "open-hours", "8-12 13-18")
    await replace(pilot, "providers", "Dr. Ada Park, Dr. Ben Ruiz")
    await replace(pilot, "rooms", "Room 1, Room 2")


async def fill_the_person(pilot: Pilot[Any], name: str = "Dana Reyes") -> None:
    """Page 2, all but the last Enter: an office manager who sees patients, PIN 2580."""
    await replace(pilot, "name", name)
    await pilot.press("tab", "right", "tab", "y", "tab")
    await paste(pilot, "2580")
    await pilot.press("enter")
    await paste(pilot, "2580")


def nothing_written() -> bool:
    return not Setting.select().exists() and not Staff.select().exists()


async def test_a_new_database_is_set_up_and_its_first_person_is_let_in(tmp_path: Path) -> None:
    database = open_database(tmp_path / "practice.db")
    clock = FrozenClock(OFFICE_NOW)
    assert needs_setup(database, clock)
    app = make_app(database, clock=clock, login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        await pilot.press("escape")  # no way past it: back on page 1 goes nowhere
        await pilot.press("ctrl+l")  # nor switching user
        assert app.screen is screen
        await pilot.press("ctrl+p")  # nor the palette's "Go to …"
        assert app.screen is screen

        await fill_the_practice(pilot)
        assert screen._page == 2
        assert not app.screen.query_one("#practice-page").display
        await pilot.press("escape")  # back to the practice, as typed
        assert screen._page == 1
        assert screen.query_one("#zone", Input).value == "america/chicago"
        await pilot.press("enter")
        for key in "123456":  # the main screens' keys type into the name field
            await pilot.press(key)
        assert app.screen is screen
        await fill_the_person(pilot)
        await pilot.press("enter")
        assert screen._page == 3
        await fill_the_book(pilot)
        assert nothing_written()  # not a thing until the last Enter
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, FlowBoardScreen)
        dana = Staff.get(Staff.name == "Dana Reyes")
        assert (dana.role, dana.provider, dana.initials, dana.active) == (
            Role.OFFICE_MANAGER,
            True,
            "DR",
            True,
        )
        assert verify_secret(dana.secret, "2580") and "2580" not in dana.secret
        assert (app.user_id, app.role) == (dana.id, Role.OFFICE_MANAGER)
        assert app.practice.name == "Lakeview Chiropractic"
        assert app.practice.timezone == "America/Chicago"  # as the zone database spells it
        assert week_ends_of(database) == WeekEnds(4, dt.time(17, 30))
        assert week_hours(None)[4] == [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(18))]
        assert 5 not in week_hours(None)  # Saturday: closed
        assert not needs_setup(database, clock)
    database.close()


async def test_bad_answers_are_said_under_their_fields(tmp_path: Path) -> None:
    database = open_database(tmp_path / "practice.db")
    app = make_app(database, clock=FrozenClock(OFFICE_NOW), login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        await replace(pilot, "practice", "  ")
        await replace(pilot, "zone", "Mars/Olympus")
        await replace(pilot, "week-time", "25:00")
        await pilot.press("enter")
        assert error(pilot, "practice").startswith("The practice needs a name")
        assert error(pilot, "zone").startswith("'Mars/Olympus' is not a time zone name")
        assert (
            error(pilot, "week-time") == "A time of day is like 9:30, 17:00 or 2pm (not '25:00')."
        )
        assert screen._page == 1
        assert app.screen.focused is screen.query_one("#practice", Input)

        await fill_the_practice(pilot)
        assert screen._page == 2
        await pilot.press("enter")
        assert error(pilot, "name") == "A person needs a name."
        await replace(pilot, "name", "Dana Reyes")
        await replace(pilot, "secret", "12")
        await pilot.press("enter")
        assert error(pilot, "secret") == "A PIN needs at least 4 digits."
        await replace(pilot, "secret", "2580")
        await pilot.press("enter")
        await paste(pilot, "0852")
        await pilot.press("enter")
        assert error(pilot, "again") == "The two do not match: type it again."
        assert app.screen is screen
        await settle(pilot)
        assert nothing_written()
    database.close()


async def test_a_setup_left_half_way_writes_nothing_and_asks_again(tmp_path: Path) -> None:
    path = tmp_path / "practice.db"
    database = open_database(path)
    app = make_app(database, clock=FrozenClock(OFFICE_NOW), login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_the_practice(pilot)
        await fill_the_person(pilot)
        await pilot.press("ctrl+q")  # gone before the last Enter
    database.close()

    database = open_database(path)
    assert nothing_written()
    app = make_app(database, clock=FrozenClock(OFFICE_NOW), login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
    database.close()


async def test_set_up_on_another_terminal_meanwhile(tmp_path: Path) -> None:
    database = open_database(tmp_path / "practice.db")
    clock = FrozenClock(OFFICE_NOW)
    app = make_app(database, clock=clock, login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_the_practice(pilot)
        await fill_the_person(pilot)
        other = PracticeSetup(
            "Lakeview Chiropractic",
            "America/Chicago",
            WeekEnds(),
            "Dr. Ada Park",
            Role.OWNER,
            "9999",
        )
        set_up(database, clock, other)  # the other terminal was quicker
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert any("set up on another terminal" in w for w in warnings(pilot))
        assert isinstance(app.screen, LoginScreen)
    assert [s.name for s in Staff.select()] == ["Dr. Ada Park"]
    database.close()


async def test_a_practice_from_before_logins_names_its_manager(office: Practice) -> None:
    """Staff on the list, nobody with a PIN: the first run asks; a known name gets the PIN."""
    app = make_app(office.database, clock=office.clock, login=True)
    before = Staff.select().count()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        assert screen.query_one("#practice", Input).value == "Lakeview Chiropractic"  # kept
        assert screen.query_one("#zone", Input).value == "America/Chicago"
        await pilot.press("enter")
        await fill_the_person(pilot, name="jo desk")
        await pilot.press("enter", "ctrl+n")  # the book: later
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
    jo = Staff.get(Staff.name == "Jo Desk")
    assert Staff.select().count() == before  # no second Jo
    assert jo.role == Role.OFFICE_MANAGER and verify_secret(jo.secret, "2580")


async def test_a_practice_with_logins_goes_to_login(tmp_path: Path) -> None:
    database = open_database(tmp_path / "practice.db")
    clock = FrozenClock(OFFICE_NOW)
    People(database, clock, ADMINISTRATOR).add("Dana Reyes", Role.OWNER, "2580")
    app = make_app(database, clock=clock, login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    database.close()


def test_the_demo_needs_no_setup(demo: Practice) -> None:
    assert not needs_setup(demo.database, demo.clock)
    assert settings.get(demo.database, SettingKey.DEMO_DAY) is not None


async def test_a_fresh_practice_books_its_first_patient_right_after_setup(tmp_path: Path) -> None:
    """Setup answered, then the book (9): a new patient booked from it is Scheduled on the
    board (1) at once."""
    from om_tui.screens.schedule.book import BookScreen

    from .test_book import cursor_to

    database = open_database(tmp_path / "practice.db")
    app = make_app(database, clock=FrozenClock(OFFICE_NOW), login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_the_practice(pilot)
        await fill_the_person(pilot)
        await pilot.press("enter")
        await fill_the_book(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, BookScreen)
        ada = Staff.get(Staff.name == "Dr. Ada Park")
        column = 1 + [name for _, name in app.screen.book.providers()].index(ada.name)
        cursor_to(
            pilot, dt.datetime.combine(OFFICE_NOW.date(), dt.time(11), OFFICE_NOW.tzinfo), column
        )
        await pilot.press("b")
        await paste(pilot, "Zoe Fern")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the new-patient form: the name filled in; Enter saves
        await settle(pilot)
        await pilot.press("enter")  # the first type, its length filled in
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        rows = board(pilot).keys
        [zoe] = Appointment.select().join(Patient).where(Patient.first_name == "Zoe")
        assert zoe.provider_id == ada.id
        assert f"a{zoe.id}" in rows
        assert stage(pilot, f"a{zoe.id}") == "Scheduled"
    database.close()
