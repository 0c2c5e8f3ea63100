"""Appointments from the practice's other system on the book at 80x24: marked `↓` in
their cell, the source named in the detail line, and changing one here asks first (its
next import sets it back)."""

from __future__ import annotations

from pathlib import Path

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label

from db.models import Appointment, as_utc
from om_tui.practice.imports.service import import_file
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.hats.forms import Confirm

from .conftest import Practice, local
from .helpers import notices, settle, static_text
from .test_book import SIZE, cursor_to, open_book

EXPORT = (
    "Appointment ID,Date,Time,Length,Patient,Birth Date,Provider,Type\n"
    "T1,11/18/2026,2:30 PM,30,Walter Kim,5/9/1961,Dr. Ada Park,Regular\n"
)


def imported_walter(office: Practice, tmp_path: Path) -> Appointment:
    export = tmp_path / "pms.csv"
    export.write_text(EXPORT)
    import_file(office.database, office.clock, export, by=ADMINISTRATOR, source="pms")
    return Appointment.get(Appointment.source == "pms")


async def test_an_imported_appointment_shows_its_source(office: Practice, tmp_path: Path) -> None:
    imported_walter(office, tmp_path)
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_book(pilot)
        cursor_to(pilot, local(14, 30))
        await settle(pilot)
        assert "Walter Kim · Regular · Unconfirmed · from pms" in static_text(pilot, "#book-detail")
        row = screen.row_of(local(14, 30))
        assert row is not None
        table = screen.query_one("#book", DataTable)
        assert str(table.get_cell_at(Coordinate(row, 1))).startswith("?R↓Walter")
        cursor_to(pilot, local(10, 15))  # Maria, booked here: no mark
        await settle(pilot)
        assert "from" not in static_text(pilot, "#book-detail")


async def test_moving_an_imported_appointment_asks_first(office: Practice, tmp_path: Path) -> None:
    walter = imported_walter(office, tmp_path)
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(14, 30))
        await pilot.press("m", "down", "enter")
        await settle(pilot)
        assert as_utc(Appointment.get_by_id(walter.id).start) == local(14, 30)  # asked first
        question = pilot.app.screen
        assert isinstance(question, Confirm)
        said = " ".join(str(label.content) for label in question.query(Label))
        assert "came from pms: its next import sets it back" in said
        assert "y / Enter change it here" in said
        await pilot.press("y")
        await settle(pilot)
        assert as_utc(Appointment.get_by_id(walter.id).start) == local(14, 45)
        assert "Walter Kim: moved to" in notices(pilot)[-1]


async def test_cancelling_an_imported_appointment_asks_first(
    office: Practice, tmp_path: Path
) -> None:
    walter = imported_walter(office, tmp_path)
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(14, 30))
        await pilot.press("c", "2")
        await settle(pilot)
        assert Appointment.get_by_id(walter.id).cancelled_at is None
        await pilot.press("n")  # no: left as it is
        await settle(pilot)
        assert Appointment.get_by_id(walter.id).cancelled_at is None
