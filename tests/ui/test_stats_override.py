"""The manager's condition for a stat's week: "o", a condition, Tab, the reason, Enter.

Mid-week (Wednesday 18 November 2026), the board judges the week that has ended: the
week ending Thursday 12 November. The override is kept for that week, with its reason,
and the board shows it beside the condition it computed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from db.models import ConditionOverride, Stat
from om_tui.screens.stats.board import StatsScreen
from om_tui.screens.stats.condition_override import ConditionOverrideScreen

from .conftest import STATS_WEEK, Practice
from .helpers import paste, plain, settle, static_text

JUDGED_WEEK = STATS_WEEK - dt.timedelta(weeks=1)


async def on_the_board_at(pilot: Pilot[Any], short_name: str) -> int:
    """The stat board ("2"), the cursor on a stat; the stat's id."""
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    stat_id = int(Stat.get(Stat.short_name == short_name).id)
    board = pilot.app.screen.query_one("#stats", DataTable)
    board.move_cursor(row=board.get_row_index(str(stat_id)), animate=False)
    await pilot.pause()
    return stat_id


async def press_o(pilot: Pilot[Any]) -> None:
    await pilot.press("o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConditionOverrideScreen)


def condition_cell(pilot: Pilot[Any], stat_id: int) -> str:
    board = pilot.app.screen.query_one("#stats", DataTable)
    return plain(board.get_cell(str(stat_id), "condition")).strip()


async def test_an_override_with_a_reason_is_kept_beside_the_computed_condition(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        stat_id = await on_the_board_at(pilot, "visits")
        assert condition_cell(pilot, stat_id) == "Emergency"
        await press_o(pilot)
        title = static_text(pilot, ".dialog-title")
        assert title == "Condition of Patient visits, week ending 12 Nov"
        options = app.screen.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt) == "Computed (Emergency)"

        await pilot.press("down")  # Power, the first after "Computed"
        await pilot.press("tab")
        await paste(pilot, "Thanksgiving week: two days closed")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, StatsScreen)
        [saved] = ConditionOverride.select().where(ConditionOverride.stat == stat_id)
        assert (saved.condition, saved.reason) == ("power", "Thanksgiving week: two days closed")
        assert saved.week == JUDGED_WEEK
        assert condition_cell(pilot, stat_id) == "Power ✎ (computed Emergency)"
        detail = static_text(pilot, "#stats-detail")
        assert "override: Power" in detail
        assert "Thanksgiving week: two days closed" in detail


async def test_an_override_without_a_reason_is_refused(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        stat_id = await on_the_board_at(pilot, "visits")
        await press_o(pilot)
        await pilot.press("down", "down", "tab", "enter")  # Affluence, no reason
        await settle(pilot)

        assert isinstance(app.screen, ConditionOverrideScreen)  # still asking
        assert static_text(pilot, "#override-error") == "Say why: an override keeps its reason."
        assert ConditionOverride.select().count() == 0

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert condition_cell(pilot, stat_id) == "Emergency"
        assert ConditionOverride.select().count() == 0
