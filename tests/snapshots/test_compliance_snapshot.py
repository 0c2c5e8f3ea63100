"""How compliance looks: the demo's people × 14 days, and one person's missed Tuesday.

The demo practice with its hats (five weeks of ticks), at a fixed "now" (Wednesday 18
November 2026, 10:07 Chicago time): every run draws the same matrix.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable
from ui.conftest import Practice
from ui.helpers import settle

from db.models import Staff
from om_tui.app import OmTuiApp


def hats_app(stats_demo: Practice) -> OmTuiApp:
    app = stats_demo.app()
    app.patients.refresh(stats_demo.database)
    return app


async def open_compliance(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)


def test_compliance_matrix(snap_compare, stats_demo: Practice) -> None:
    assert snap_compare(hats_app(stats_demo), terminal_size=(120, 32), run_before=open_compliance)


def test_compliance_items_of_a_day(snap_compare, stats_demo: Practice) -> None:
    """Tom Becker's Tuesday 10 November: four items due, none done."""
    tom = str(Staff.get(Staff.name == "Tom Becker").id)

    async def items(pilot: Pilot) -> None:
        await open_compliance(pilot)
        table = pilot.app.screen.query_one("#compliance", DataTable)
        table.move_cursor(
            row=table.get_row_index(tom), column=table.get_column_index("p2026-11-10")
        )
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(hats_app(stats_demo), terminal_size=(100, 24), run_before=items)
