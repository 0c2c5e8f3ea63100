"""The appointment book's day view, on the demo's live day at its fixed "now"."""

from __future__ import annotations

from textual.pilot import Pilot
from ui.conftest import Practice
from ui.helpers import settle


async def open_book(pilot: Pilot) -> None:
    await pilot.press("9")
    await settle(pilot)


def test_book_day_80x24(snap_compare, demo: Practice) -> None:
    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=open_book)


def test_book_day_120x36(snap_compare, demo: Practice) -> None:
    assert snap_compare(demo.app(), terminal_size=(120, 36), run_before=open_book)
