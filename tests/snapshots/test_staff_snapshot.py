"""How the staff roster looks: the demo practice's six people, at the demo's fixed "now".

Wednesday 18 November 2026, 10:07 Chicago time: the owner and two more doctors, the office
manager, the front desk and an assistant, each with the hats they hold today. Tom Becker
is locked out after wrong tries; Dr. Priya Patel has no PIN yet. The cursor is on Jenny
Ortiz, whose line below the table says it all.
"""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot
from ui.conftest import STATS_NOW, Practice
from ui.helpers import settle

from db.models import Staff, utc_naive

#: Any stored hash will do (the roster shows only that there is one): no hashing needed.
TOM_SECRET = "$argon2id$v=19$m=65536,t=3,p=4$c25hcHNob3Q$dGhlIHNuYXBzaG90J3MgUElO"


async def open_roster_on_jenny(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    await pilot.press("down", "down", "down")


def test_staff_roster(snap_compare, stats_demo: Practice) -> None:
    Staff.update(secret=None).where(Staff.name == "Dr. Priya Patel").execute()
    Staff.update(
        secret=TOM_SECRET,
        failed_logins=5,
        locked_until=utc_naive(STATS_NOW + dt.timedelta(minutes=1)),
    ).where(Staff.name == "Tom Becker").execute()
    app = stats_demo.app()
    assert snap_compare(app, terminal_size=(100, 24), run_before=open_roster_on_jenny)
