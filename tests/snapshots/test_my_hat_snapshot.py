"""How My hat looks: Jenny Ortiz's day, at the demo's fixed "now".

Wednesday 18 November 2026, 10:07 Chicago time: two of her six items done, one of them
shared (the office opened), the rest due this afternoon; this week's and this month's
items open; Patient privacy v2 waiting for her attestation; her training complete.
"""

from __future__ import annotations

from textual.pilot import Pilot
from ui.conftest import Practice
from ui.helpers import settle

from db.models import Staff


async def open_my_hat(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


def test_my_hat_jenny(snap_compare, stats_demo: Practice) -> None:
    app = stats_demo.app()
    app.person_id = Staff.get(Staff.name == "Jenny Ortiz").id
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_my_hat)
