"""The book's settings screen at 80x24, on the demo practice at its fixed "now"."""

from __future__ import annotations

from textual.pilot import Pilot
from ui.conftest import Practice
from ui.helpers import settle


async def open_settings(pilot: Pilot) -> None:
    await pilot.press("9")
    await settle(pilot)
    await pilot.press("comma")
    await settle(pilot)


def test_book_settings_80x24(snap_compare, demo: Practice) -> None:
    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=open_settings)
