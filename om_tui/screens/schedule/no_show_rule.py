"""The practice's no-show rule, seen from a screen: the board and the book, on each
reading, have the bookings past the rule recorded as no-shows (off the event loop; a
read only when none is due). The rule itself is the practice's (schedule.no_shows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from om_tui.practice.schedule.no_shows import due, record_no_shows, take_back

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


def record_if_due(om: OmTuiApp) -> None:
    """Record the no-shows due; every terminal re-reads once they are (the change signal)."""
    database, clock, practice = om.database, om.clock, om.practice
    if due(database, clock, practice):
        om.write(lambda: record_no_shows(database, clock, practice))


def take_back_no_show(om: OmTuiApp, appointment_id: int, said: Callable[[str], None]) -> None:
    """The board's step back on a booking marked missed: expected again."""
    database, staff_id = om.database, om.flow.staff_id
    om.write(lambda: take_back(database, staff_id, appointment_id), said)
