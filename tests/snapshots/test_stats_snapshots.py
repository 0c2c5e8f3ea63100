"""How the stats screens look: the demo's stat board, and a 52-week graph of one stat.

The demo practice with its stats, at a fixed "now" (Wednesday 18 November 2026, 10:07
Chicago time, mid-week): every run draws the same board and the same graph.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable
from ui.conftest import Practice
from ui.helpers import settle

from db.models import Stat
from om_tui.app import OmTuiApp


def stats_app(stats_demo: Practice) -> OmTuiApp:
    app = stats_demo.app()
    app.patients.refresh(stats_demo.database)
    return app


async def open_the_stat_board(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def test_stat_board_wide(snap_compare, stats_demo: Practice) -> None:
    assert snap_compare(
        stats_app(stats_demo), terminal_size=(140, 40), run_before=open_the_stat_board
    )


def test_stat_graph_52_weeks(snap_compare, stats_demo: Practice) -> None:
    """Patient visits over a year: its quota line (180) and each week's condition marked."""
    visits = str(Stat.get(Stat.short_name == "visits").id)

    async def graph(pilot: Pilot) -> None:
        await open_the_stat_board(pilot)
        board = pilot.app.screen.query_one("#stats", DataTable)
        board.move_cursor(row=board.get_row_index(visits), animate=False)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(stats_app(stats_demo), terminal_size=(140, 40), run_before=graph)
