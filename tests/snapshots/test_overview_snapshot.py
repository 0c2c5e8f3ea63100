"""How the owner's overview looks: the demo practice at its fixed "now", at 100x30.

Wednesday 18 November 2026, 10:07:30 Chicago time, the owner (Dr. Sarah Chen) logged in:
today's flow, the stats of the week ending 12 November worst first, the main stats' last
twelve weeks, the card reader problem (urgent) and the seminar waiting for the owner,
three overdue orders, this week's hat compliance, the two programs.
"""

from __future__ import annotations

from textual.pilot import Pilot
from ui.conftest import Practice
from ui.helpers import settle

from db.models import Staff


async def opened(pilot: Pilot) -> None:
    await settle(pilot)
    await settle(pilot)  # the first read, in its worker; then the panels filled


def test_the_owners_overview(snap_compare, stats_demo: Practice) -> None:
    owner = Staff.get(Staff.name == "Dr. Sarah Chen").id
    app = stats_demo.app(staff_id=owner)
    assert snap_compare(app, terminal_size=(100, 30), run_before=opened)
