"""How the screens that matter look: the demo's board, the check-in search, the walk-in form.

The demo practice and a frozen clock make every run draw the same picture. The patient
list is read before the app starts, so the search finds everyone whenever the start-up
load runs, and the text inputs' cursor blink is switched off, so a screenshot never
catches it mid-blink.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input
from ui.conftest import Practice
from ui.helpers import settle

from om_tui.app import OmTuiApp


def demo_app(demo: Practice) -> OmTuiApp:
    app = demo.app()
    app.patients.refresh(demo.database)
    return app


async def still_cursor(pilot: Pilot) -> None:
    """Let the app finish what the keys started, then stop every input's cursor blinking."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def test_demo_board_wide(snap_compare, demo: Practice) -> None:
    assert snap_compare(demo_app(demo), terminal_size=(140, 40))


def test_demo_board_compact(snap_compare, demo: Practice) -> None:
    assert snap_compare(demo_app(demo), terminal_size=(80, 24))


def test_check_in_search_after_a_few_letters(snap_compare, demo: Practice) -> None:
    async def search(pilot: Pilot) -> None:
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"mull")
        await still_cursor(pilot)

    assert snap_compare(demo_app(demo), terminal_size=(140, 40), run_before=search)


def test_walk_in_form(snap_compare, demo: Practice) -> None:
    async def walk_in(pilot: Pilot) -> None:
        await pilot.press("w")
        await still_cursor(pilot)

    assert snap_compare(demo_app(demo), terminal_size=(140, 40), run_before=walk_in)
