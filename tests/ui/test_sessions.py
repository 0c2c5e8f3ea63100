"""Sessions on the trail: an SSH key's session is its person's only; every session ends on
the trail (switch user, quit), and one whose terminal was killed is closed at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from db import open_database
from db.models import TerminalSession
from om_tui.app import make_app
from om_tui.practice import settings
from om_tui.practice.people import anchors, audit, sessions
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.sessions import Pin
from om_tui.practice.people.staff import People
from om_tui.screens.owner.overview import OverviewScreen
from om_tui.screens.people.login import LoginScreen

from .conftest import Practice
from .helpers import notices, settle
from .test_login import asked, at_login, demo_pins, said, staff, type_pin

__all__ = ["demo_pins"]  # the fixture, used by name

KEY = "SHA256:Qn3x2K8v0S2bZ0mT5pZ3f4yq5Yx1c7hUq0cQ9j0Yw1E owner@laptop"


def events(practice: Practice) -> list[tuple[str, str, Any]]:
    """The trail's events that are not row changes, oldest first: (action, subject, detail)."""
    page = audit.read(practice.database, settings.load(practice.database))
    return [(e.action, e.subject, e.detail) for e in reversed(page.entries) if not e.is_row_change]


def pinned_app(practice: Practice, name: str = "Dr. Sarah Chen") -> Any:
    return practice.app(login=True, pin=Pin(staff(name), KEY))


async def test_an_ssh_keys_session_asks_only_its_persons_pin(demo_pins: Practice) -> None:
    app = pinned_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert asked(pilot) == "Dr. Sarah Chen"
        await pilot.press("escape")  # "someone else": not on this terminal
        await settle(pilot)
        assert asked(pilot) == "Dr. Sarah Chen"
        assert "Someone else" not in str(app.screen.query_one("Footer").render())
        await type_pin(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.user_id == staff("Dr. Sarah Chen")
    login = [e for e in events(demo_pins) if e[0] == "login"]
    assert login == [("login", "Dr. Sarah Chen", {"ssh key": KEY})]


async def test_an_ssh_keys_session_cannot_switch_user(demo_pins: Practice) -> None:
    app = pinned_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_pin(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)  # still hers
        assert app.user_id == staff("Dr. Sarah Chen")
        assert any("no one else logs in here" in n for n in notices(pilot))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Switch user" not in titles and "Lock the screen" in titles
    assert "logout" not in [e[0] for e in events(demo_pins)]


async def test_the_idle_lock_of_an_ssh_session_asks_the_same_person(demo_pins: Practice) -> None:
    app = pinned_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_pin(pilot)
        demo_pins.clock.advance(minutes=10)
        app.check_for_changes()
        await settle(pilot)
        assert asked(pilot) == "Dr. Sarah Chen"
        await pilot.press("escape")
        assert asked(pilot) == "Dr. Sarah Chen"
        await type_pin(pilot)
        assert app.user_id == staff("Dr. Sarah Chen")


async def test_a_key_for_someone_taken_off_the_staff_lets_no_one_in(
    demo_pins: Practice,
) -> None:
    People(demo_pins.database, demo_pins.clock, ADMINISTRATOR).deactivate(staff("Tom Becker"))
    app = pinned_app(demo_pins, "Tom Becker")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert asked(pilot) == ""
        assert not at_login(pilot).query_one("#login-people").display  # no list to pick from
        assert "no longer on the active staff list" in said(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert app.role is None


async def test_quitting_ends_the_session_on_the_trail(demo_pins: Practice) -> None:
    app = demo_pins.app(login=True, user="Karen")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_pin(pilot)
        assert app.user_id == staff("Karen Miles")
        await pilot.press("ctrl+q")
        await pilot.pause()
    session = TerminalSession.get()
    assert session.ending == "quit" and session.ended is not None
    assert events(demo_pins)[-2:] == [
        ("login", "Karen Miles", None),
        ("quit", "Karen Miles", {"session": session.id}),
    ]
    # A clean exit anchors the trail's head beside the database (anchors.py).
    [anchor] = anchors.read(demo_pins.path.with_name(demo_pins.path.name + ".anchors"), "log")
    assert (anchor.count, anchor.hash, anchor.why) == (
        *astuple(anchors.head(demo_pins.database))[:2],
        "quit",
    )


async def test_switching_user_ends_the_session_and_begins_the_next(demo_pins: Practice) -> None:
    app = demo_pins.app(login=True, user="Karen")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_pin(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert asked(pilot) == ""
    [ended] = TerminalSession.select()
    assert (ended.staff_id, ended.ending) == (staff("Karen Miles"), "logout")
    assert events(demo_pins)[-1] == ("logout", "Karen Miles", {"session": ended.id})


def a_finished_process() -> tuple[int, str]:
    """The id and start of a process that has ended (as a killed terminal's has)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    start = sessions.process_start(child.pid)
    child.kill()
    child.wait()
    return child.pid, start


@pytest.mark.parametrize("killed", [True, False], ids=["killed", "still running"])
async def test_a_session_whose_process_is_gone_is_closed_at_the_next_start(
    demo_pins: Practice, killed: bool
) -> None:
    pid, start = a_finished_process() if killed else (os.getppid(), "")
    opened = sessions.begin(demo_pins.database, demo_pins.clock, staff("Jenny Ortiz"), KEY)
    TerminalSession.update(pid=pid, process_start=start).execute()
    app = demo_pins.app(login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    session = TerminalSession.get_by_id(opened)
    if not killed:
        assert session.ended is None
        assert "ended_without_logout" not in [e[0] for e in events(demo_pins)]
        return
    assert session.ending == "ended_without_logout"
    [(action, who, detail)] = [e for e in events(demo_pins) if e[0] == "ended_without_logout"]
    assert who == "Jenny Ortiz"
    assert detail["session"] == opened and detail["ssh key"] == KEY
    # Closed once: the next start finds nothing to close.
    assert sessions.close_abandoned(demo_pins.database, demo_pins.clock) == 0


async def test_a_reused_process_id_is_not_taken_for_the_session(demo_pins: Practice) -> None:
    opened = sessions.begin(demo_pins.database, demo_pins.clock, staff("Jenny Ortiz"))
    TerminalSession.update(pid=os.getppid(), process_start="1").execute()  # another start
    assert sessions.close_abandoned(demo_pins.database, demo_pins.clock) == 1
    assert TerminalSession.get_by_id(opened).ending == "ended_without_logout"


async def test_an_ssh_key_never_opens_the_first_run(tmp_path: Path) -> None:
    """A key's session on a database with no one in it: nothing to set up from there."""
    database = open_database(tmp_path / "practice.db")
    try:
        app = make_app(database, login=True, pin=Pin(1, KEY))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
            assert app.role is None
    finally:
        database.close()
