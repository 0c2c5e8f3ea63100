"""The command palette (ctrl+p) offers the board's actions by name."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from om_tui.screens.check_in import CheckInScreen

from .conftest import Practice
from .helpers import settle


async def test_the_palette_finds_check_in_and_runs_it(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"check")
        await settle(pilot)  # the palette searches in a worker

        found = app.screen.query_one(CommandList)
        hits = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert hits and hits[0].startswith("Check in"), hits

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
