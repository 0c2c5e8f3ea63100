"""Logging in by keyboard: who are you, the PIN masked, wrong tries and the lockout, the
idle lock on a frozen clock, switching user, and a person taken off the staff elsewhere."""

from __future__ import annotations

import asyncio
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from db.models import Staff, Stage
from om_tui.app import OmTuiApp
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.sessions import Pin
from om_tui.practice.people.staff import People, give_pin_to_those_without, set_idle_lock
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.flow.check_in import CheckInScreen
from om_tui.screens.hats.my_hat import MyHatScreen
from om_tui.screens.people.login import LoginScreen

from .conftest import Practice
from .helpers import board, cell, check_in_elsewhere, notices, paste, settle, stage

PIN = "1234"


@pytest.fixture
def demo_pins(demo: Practice) -> Practice:
    """The demo practice, where everyone's PIN is 1234 (as `om-tui --demo` gives)."""
    give_pin_to_those_without(demo.database, PIN, by=ADMINISTRATOR)
    return demo


def staff(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def at_login(pilot: Pilot[Any]) -> LoginScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen), screen
    return screen


def said(pilot: Pilot[Any]) -> str:
    return str(at_login(pilot).query_one("#login-message", Static).render())


def listed(pilot: Pilot[Any]) -> list[str]:
    options = at_login(pilot).query_one("#login-people", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def asked(pilot: Pilot[Any]) -> str:
    """Whose PIN the screen asks for ("" while it shows the list)."""
    person = at_login(pilot).query_one("#login-person", Static)
    return str(person.render()).split("  ")[0] if person.display else ""


def screen_text(pilot: Pilot[Any]) -> str:
    """Everything drawn on the terminal, as text."""
    svg = pilot.app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]*>", "", svg)).replace("\xa0", " ")


async def pick(pilot: Pilot[Any], name: str) -> None:
    names = [label.split("  ")[1].strip() for label in listed(pilot)]
    await pilot.press(str(names.index(name) + 1))
    await pilot.pause()


async def type_pin(pilot: Pilot[Any], pin: str = PIN) -> None:
    await paste(pilot, pin)
    await pilot.press("enter")
    await settle(pilot)  # the PIN is checked in a worker
    await settle(pilot)


async def log_in(pilot: Pilot[Any], name: str, pin: str = PIN) -> None:
    await pick(pilot, name)
    await type_pin(pilot, pin)


def login_app(practice: Practice, **options: Any) -> OmTuiApp:
    return practice.app(login=True, **options)


# -- at start-up ---------------------------------------------------------------------


async def test_start_up_asks_who_you_are_and_shows_nothing_of_the_practice(
    demo_pins: Practice,
) -> None:
    app = login_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = at_login(pilot)
        title = screen.query_one("#login-title", Static)
        assert str(title.render()).startswith("om-tui · log in")
        assert title.region.y == 0
        assert [label.split("  ")[1].strip() for label in listed(pilot)] == [
            "Dr. Marcus Webb",
            "Dr. Priya Patel",
            "Dr. Sarah Chen",
            "Jenny Ortiz",
            "Karen Miles",
            "Tom Becker",
        ]
        assert app.screen_stack == [screen]  # no board behind it
        assert app.role is None and app.user_id is None
        assert "Patient" not in screen_text(pilot)
        # Nothing is cut off at 80x24: every line of the box is inside the terminal.
        for widget in screen.query("#login-box > *"):
            if widget.display:
                assert widget.region.bottom <= 23 and widget.region.right <= 80, widget


FIRST_SCREEN_MODULES = """
import asyncio, json, sys
from db import open_database
from om_tui.app import make_app
from om_tui.screens.people.login import LoginScreen
from textual.screen import Screen

shown = LoginScreen.on_mount
made = Screen.__init__
restyle = LoginScreen.update_node_styles
seen = {"screens made": [], "styled again": 0}

LATER = ("db.models", "om_tui.widgets.screen_tabs")  # the main screens' own

def on_mount(screen):
    seen["at login"] = [name for name in LATER if name in sys.modules]
    shown(screen)
    seen["listed"] = screen.query_one("#login-people").option_count

def init(screen, *args, **kwargs):
    seen["screens made"].append(type(screen).__name__)
    made(screen, *args, **kwargs)

def update_node_styles(screen, animate=True):
    seen["styled again"] += 1
    restyle(screen, animate)

LoginScreen.on_mount = on_mount
Screen.__init__ = init
LoginScreen.update_node_styles = update_node_styles

async def main():
    app = make_app(open_database(sys.argv[1]), login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
    seen["after"] = "db.models" in sys.modules
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_the_login_screen_comes_up_without_the_models(demo_pins: Practice) -> None:
    """The models (peewee builds 52 classes) are a good part of a start: the login screen
    reads what it shows without them, and they are imported once it is drawn. The login is
    the start's first screen itself: no blank screen is made, styled and left first; and
    its widgets, styled as they are mounted, are not styled all over again as it shows."""
    demo_pins.database.close()  # the app in its own process opens the file
    ran = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN_MODULES, str(demo_pins.path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert json.loads(ran.stdout.splitlines()[-1]) == {
        "screens made": ["LoginScreen"],
        "styled again": 0,
        "at login": [],
        "listed": 6,
        "after": True,
    }


async def test_a_person_picks_their_name_types_their_pin_and_is_in(demo_pins: Practice) -> None:
    app = login_app(demo_pins)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pick(pilot, "Jenny Ortiz")
        assert asked(pilot) == "Jenny Ortiz"
        secret = at_login(pilot).query_one("#login-secret", Input)
        assert secret.has_focus and secret.password  # masked
        await pilot.press(*PIN)  # digits go to the field, not to the screens' keys
        assert secret.value == PIN
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)

        assert isinstance(app.screen, FlowBoardScreen)
        assert (app.user_id, app.role) == (staff("Jenny Ortiz"), "front_desk")
        assert app.flow.staff_id == staff("Jenny Ortiz")  # her moves are hers
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)
        assert app.person_id == staff("Jenny Ortiz")  # her own hat, not asked


async def test_a_wrong_pin_is_said_plainly_and_the_field_is_emptied(demo_pins: Practice) -> None:
    app = login_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, "Karen Miles", "9999")
        assert said(pilot) == "Wrong PIN or password: 4 tries left."
        assert at_login(pilot).query_one("#login-secret", Input).value == ""
        assert app.role is None
        await type_pin(pilot, "")
        assert said(pilot) == "Type your PIN or password, then Enter."
        await type_pin(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert app.user_id == staff("Karen Miles")


async def test_five_wrong_pins_lock_the_person_out_until_a_time_shown(
    demo_pins: Practice,
) -> None:
    app = login_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "Jenny Ortiz")
        for _ in range(5):
            await type_pin(pilot, "0000")
        # DEMO_NOW is 10:07:30 in Chicago: a minute's wait.
        assert said(pilot) == "Too many wrong tries: Jenny Ortiz can try again at 10:08."
        await type_pin(pilot)
        assert said(pilot) == "Too many wrong tries: Jenny Ortiz can try again at 10:08."
        assert app.role is None

        # Someone else is not held up by Jenny's lockout; coming back to her shows it.
        await pilot.press("escape")
        await pick(pilot, "Jenny Ortiz")
        assert said(pilot) == "Too many wrong tries: Jenny Ortiz can try again at 10:08."

        demo_pins.clock.advance(minutes=1)
        await type_pin(pilot)
        assert isinstance(app.screen, FlowBoardScreen)


async def test_the_user_option_asks_only_that_persons_pin(demo_pins: Practice) -> None:
    app = login_app(demo_pins, user="karen")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert asked(pilot) == "Karen Miles"
        await pilot.press("escape")  # someone else is at the keyboard after all
        assert asked(pilot) == ""
        assert len(listed(pilot)) == 6


async def test_a_user_option_naming_no_one_says_so_over_the_list(demo_pins: Practice) -> None:
    app = login_app(demo_pins, user="Bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert asked(pilot) == ""
        assert said(pilot) == "No one on the staff is called “Bob”: pick your name."
        assert len(listed(pilot)) == 6


@pytest.mark.parametrize("user", ["Sarah", "Chen", "sarah ch", "SC"])
async def test_the_user_option_fits_any_word_of_a_name_or_the_initials(
    demo_pins: Practice, user: str
) -> None:
    app = login_app(demo_pins, user=user)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert asked(pilot) == "Dr. Sarah Chen"


async def test_a_user_option_fitting_several_lists_only_them(demo_pins: Practice) -> None:
    app = login_app(demo_pins, user="Dr")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert asked(pilot) == ""
        assert said(pilot) == "3 people fit “Dr”: pick yours (Esc: everyone)."
        names = [label.split("  ")[1].strip() for label in listed(pilot)]
        assert names == ["Dr. Marcus Webb", "Dr. Priya Patel", "Dr. Sarah Chen"]
        await pick(pilot, "Dr. Priya Patel")
        assert asked(pilot) == "Dr. Priya Patel"
        await pilot.press("escape")
        await pilot.press("escape")
        assert len(listed(pilot)) == 6


async def test_behind_the_login_screen_no_key_opens_the_practice(demo_pins: Practice) -> None:
    app = login_app(demo_pins)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        app.switch_mode("board")  # as a key bound elsewhere would
        await pilot.pause()
        at_login(pilot)
        await pilot.press("9")  # no ninth person: nothing happens
        assert asked(pilot) == ""


# -- the idle lock -------------------------------------------------------------------


def patients_on_board(pilot: Pilot[Any]) -> list[str]:
    table = board(pilot)
    return [cell(pilot, key, "patient") for key in table.keys]


async def test_ten_idle_minutes_lock_the_screen_and_the_same_person_goes_on(
    demo_pins: Practice,
) -> None:
    clock = demo_pins.clock
    app = demo_pins.app(staff_id=staff("Jenny Ortiz"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        names = patients_on_board(pilot)
        assert names
        app.notify(f"{names[0]} checked in")  # a toast naming a patient
        clock.advance(minutes=9, seconds=59)
        app.check_for_changes()  # what the change poll calls (every 30 ms)
        assert isinstance(app.screen, FlowBoardScreen)
        await pilot.press("down")  # a key: the ten minutes start again
        clock.advance(minutes=9, seconds=59)
        app.check_for_changes()
        assert isinstance(app.screen, FlowBoardScreen)

        clock.advance(seconds=1)
        app.check_for_changes()
        await settle(pilot)
        screen = at_login(pilot)
        assert app.screen_stack == [screen]
        assert str(screen.query_one("#login-reason", Static).render()) == (
            "Locked after 10 minutes without a key: log in to go on."
        )
        assert asked(pilot) == "Jenny Ortiz"
        text = screen_text(pilot)
        assert not [name for name in names if name in text]
        assert notices(pilot) == []

        await type_pin(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert board(pilot).cursor_row == 1  # her screen as she left it


async def test_a_change_made_while_locked_is_on_the_board_after_the_pin(
    demo_pins: Practice,
) -> None:
    app = demo_pins.app(staff_id=staff("Jenny Ortiz"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        at_login(pilot)
        [row] = [r for r in demo_pins.flow().board().rows if r.stage == Stage.SCHEDULED][:1]

        await check_in_elsewhere(demo_pins, row.patient_id, row.appointment_id)
        app.check_for_changes()  # announced to the login screen, the one shown
        await settle(pilot)
        await log_in(pilot, "Jenny Ortiz")
        assert isinstance(app.screen, FlowBoardScreen)
        assert stage(pilot, f"a{row.appointment_id}") == "Arrived"


async def test_the_idle_time_is_the_practices_setting(demo_pins: Practice) -> None:
    set_idle_lock(demo_pins.database, 3, by=ADMINISTRATOR)
    app = demo_pins.app(staff_id=staff("Karen Miles"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        demo_pins.clock.advance(minutes=3)
        app.check_for_changes()
        await settle(pilot)
        assert "after 3 minutes" in str(at_login(pilot).query_one("#login-reason").render())


async def test_a_new_idle_time_reaches_a_terminal_already_in_use(demo_pins: Practice) -> None:
    app = demo_pins.app(staff_id=staff("Karen Miles"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        set_idle_lock(demo_pins.database, 2, by=ADMINISTRATOR)  # on another terminal, by the CLI
        app.announce_change()  # what the poll does when it sees the change
        demo_pins.clock.advance(minutes=2)
        app.check_for_changes()
        await settle(pilot)
        assert "after 2 minutes" in str(at_login(pilot).query_one("#login-reason").render())


async def test_someone_else_unlocking_gets_fresh_screens_with_their_rights(
    demo_pins: Practice,
) -> None:
    app = demo_pins.app(staff_id=staff("Karen Miles"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        karen_board = app.screen
        await pilot.press("slash")
        await pilot.press(*"Col")  # Karen starts a check-in search: a patient's name
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)

        demo_pins.clock.advance(minutes=10)
        app.check_for_changes()
        await settle(pilot)
        assert asked(pilot) == "Karen Miles"
        await pilot.press("escape")
        await log_in(pilot, "Dr. Marcus Webb")

        # Staff: My hat, his own; the board (and Karen's search on it) is gone.
        assert isinstance(app.screen, MyHatScreen)
        assert app.person_id == staff("Dr. Marcus Webb")
        assert app.role == "staff"
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)

        await pilot.press("ctrl+l")
        await settle(pilot)
        await log_in(pilot, "Jenny Ortiz")
        assert isinstance(app.screen, FlowBoardScreen)
        assert app.screen is not karen_board
        assert app.screen_stack == [app.screen]  # no check-in dialog, no "Col"


async def test_the_same_person_comes_back_to_the_dialog_they_left(demo_pins: Practice) -> None:
    app = demo_pins.app(staff_id=staff("Jenny Ortiz"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"Col")
        await settle(pilot)
        demo_pins.clock.advance(minutes=10)
        app.check_for_changes()
        await settle(pilot)
        assert "Col" not in screen_text(pilot).replace("Collapse", "")
        await type_pin(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one(Input).value == "Col"


# -- switching user, and a person taken off the staff --------------------------------


async def test_ctrl_l_switches_user_from_anywhere(demo_pins: Practice) -> None:
    app = demo_pins.app(staff_id=staff("Karen Miles"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # even from inside a dialog's search field
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert asked(pilot) == ""  # the list: who is next?
        assert app.role is None and app.person_id == staff("Karen Miles")
        await log_in(pilot, "Karen Miles")
        assert isinstance(app.screen, FlowBoardScreen)  # her own: a fresh start all the same
        assert app.screen_stack == [app.screen]


def deactivate_elsewhere(practice: Practice, staff_id: int) -> None:
    """The manager takes a person off the staff on another terminal: run it in a thread,
    on its own connection."""
    with practice.database.connection_context():
        People(practice.database, practice.clock, ADMINISTRATOR).deactivate(staff_id)


async def test_a_person_taken_off_the_staff_elsewhere_must_log_in_again(
    demo_pins: Practice,
) -> None:
    jenny = staff("Jenny Ortiz")
    app = demo_pins.app(staff_id=jenny)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await asyncio.to_thread(deactivate_elsewhere, demo_pins, jenny)
        app.check_for_changes()
        await settle(pilot)
        assert str(at_login(pilot).query_one("#login-reason").render()) == (
            "Jenny Ortiz is no longer on the active staff list."
        )
        assert "Jenny Ortiz" not in [label.split("  ")[1].strip() for label in listed(pilot)]


async def test_names_in_brackets_are_shown_as_typed_at_the_login(demo_pins: Practice) -> None:
    """The practice's name and a person's, brackets and all: plain words, not markup (a
    "[/]" stopped the screen being drawn)."""
    from om_tui.practice import settings

    settings.set_name(demo_pins.database, "Riverside [Main] Chiropractic", by=ADMINISTRATOR)
    jenny = staff("Jenny Ortiz")
    Staff.update(name="Jenny [/] Ortiz").where(Staff.id == jenny).execute()
    app = demo_pins.app(staff_id=jenny)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await asyncio.to_thread(deactivate_elsewhere, demo_pins, jenny)
        app.check_for_changes()
        await settle(pilot)
        screen = at_login(pilot)
        assert str(screen.query_one("#login-reason").render()) == (
            "Jenny [/] Ortiz is no longer on the active staff list."
        )
        assert str(screen.query_one("#login-practice").render()) == "Riverside [Main] Chiropractic"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_console_script_always_starts_at_the_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from om_tui.cli import main

    built: dict[str, Any] = {}

    class Started:
        return_code: int | None = None  # as Textual's, after a clean exit
        refusal: str | None = None  # nothing found wrong once the login was drawn

        def run(self) -> None:
            built["ran"] = True

    def make_app(database: Any, **options: Any) -> Started:
        built.update(options)
        return Started()

    monkeypatch.setattr("om_tui.app.make_app", make_app)
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("sys.stdout", _Terminal())
    monkeypatch.setattr("signal.signal", lambda *_: None)  # leave the test run's SIGHUP be
    assert main(["--db", str(tmp_path / "practice.db"), "--user", "Jenny"]) == 0
    assert built == {"login": True, "user": "Jenny", "pin": None, "ran": True}
    # An SSH key's forced command pins the session to its person (and names the key).
    pinned = ["--ssh-user", "3", "--ssh-key=SHA256:abc me@laptop"]
    assert main(["--db", str(tmp_path / "practice.db"), *pinned]) == 0
    assert built["pin"] == Pin(3, "SHA256:abc me@laptop")


def change_role_elsewhere(practice: Practice, staff_id: int, role: str) -> None:
    with practice.database.connection_context():
        People(practice.database, practice.clock, ADMINISTRATOR).edit(staff_id, role=role)


async def test_a_person_whose_role_changed_elsewhere_logs_in_again_to_new_rights(
    demo_pins: Practice,
) -> None:
    karen = staff("Karen Miles")
    app = demo_pins.app(staff_id=karen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "stats"
        await asyncio.to_thread(change_role_elsewhere, demo_pins, karen, "front desk")
        app.check_for_changes()
        await settle(pilot)
        assert str(at_login(pilot).query_one("#login-reason").render()) == (
            "Karen Miles's role was changed to front desk elsewhere: log in again."
        )
        assert asked(pilot) == "Karen Miles"
        await type_pin(pilot)
        assert (app.current_mode, app.role) == ("board", "front_desk")


async def test_a_pin_typed_while_om_tui_starts_is_kept(
    demo_pins: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person types their PIN at once: the keys reach the app before the login screen is
    up (the Enter as ctrl+j, from the terminal's line mode before om-tui took it over).
    None is lost: they go to the login screen once it is ready."""
    starting = OmTuiApp.on_mount

    def typed_at_once(app: OmTuiApp) -> None:
        for key in (*PIN, "ctrl+j"):
            app.post_message(events.Key(key, key if key in PIN else None))
        starting(app)

    monkeypatch.setattr(OmTuiApp, "on_mount", typed_at_once)
    app = login_app(demo_pins, user="karen")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await settle(pilot)

        assert (app.current_mode, app.user_id) == ("board", staff("Karen Miles"))


async def test_someone_without_a_pin_is_told_so_when_picked(demo: Practice) -> None:
    app = login_app(demo)  # the demo template as laid: nobody has a PIN
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "Tom Becker")
        assert said(pilot) == "Tom Becker has no PIN or password yet: the office manager sets one."


async def test_screens_opened_after_a_login_do_not_parse_the_stylesheet_again(
    demo_pins: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual reparses every style when a mode's screen first shows (100-300 ms); om-tui's
    screens are made styled as the app is — the login's, and the main screens made afresh
    for each person who logs in."""
    app = login_app(demo_pins)
    refreshed: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "refresh_css", lambda *_, **__: refreshed.append("css"))
        await log_in(pilot, "Karen Miles")
        await settle(pilot)
        await settle(pilot)
        await pilot.press("3")  # a screen first shown after the login
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)
        assert refreshed == []
