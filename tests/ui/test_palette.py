"""The command palette (ctrl+p) offers the board's actions by name."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from om_tui.screens.flow.check_in import CheckInScreen
from om_tui.widgets.keys_panel import KeysPanel

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


async def test_each_screen_is_offered_in_its_own_words(office: Practice) -> None:
    """ "Go to My hat" says what My hat is for and its key — not "Open the my hat"."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to")
        await settle(pilot)
        found = app.screen.query_one(CommandList)
        prompts = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        my_hat = next(p for p in prompts if p.startswith("Go to My hat"))
        assert my_hat.endswith("Your checklists for today, policies to attest, your training (3)")
        goes = [p for p in prompts if p.startswith("Go to ")]
        assert len(goes) >= 9, prompts
        assert not [p for p in goes if "Open the" in p or not p.endswith(")")], goes


async def test_keys_in_the_menu_opens_f1s_panel_and_no_widget_jargon_is_offered(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Keys" in titles and "Quit" in titles
        assert not {"Maximize", "Minimize", "Screenshot"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"keys")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query(KeysPanel)


async def test_a_screen_opened_from_the_palette_is_not_found_again_behind_a_number_key(
    office: Practice,
) -> None:
    """Patients, opened from the menu over the board: `2` goes to Stats, and `1` then shows
    the board itself (not Patients again, stacked on it); `1` on Patients does the same."""
    from om_tui.screens.flow.board import FlowBoardScreen
    from om_tui.screens.schedule.patients import PatientsScreen
    from om_tui.screens.stats.board import StatsScreen

    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_patients()
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        app.set_focus(None)  # the number keys are the app's (not typed into its search)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert len(app.screen_stack) == 1

        app.action_patients()
        await settle(pilot)
        app.set_focus(None)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
