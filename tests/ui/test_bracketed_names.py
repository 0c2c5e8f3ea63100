"""A name with square brackets shows as typed, everywhere it is shown, at 80x24.

Names come from the desk's typing and from another system's exports, where flags in
brackets are common ("Smith [DO NOT BOOK]"). Textual reads a plain str as markup in a
table's cells, a toast and a Static: "[/]" stopped the app and "[VIP]" vanished. Here a
patient booked today is "Ann [/] Lee [VIP]" and a provider is "Dr. Ada Park [locum]".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from db.models import Patient, Staff
from om_tui.practice.imports.service import import_file
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.calls.lists import CALL_LISTS, CallListsScreen
from om_tui.screens.flow.check_in import CheckInScreen
from om_tui.screens.imports.queue import ImportQueueScreen
from om_tui.screens.plans.plans import PlansScreen

from .conftest import Practice, local
from .helpers import notices, paste, plain, screen_lines, settle
from .test_book import cursor_to, open_book
from .test_call_lists import TOMORROW, book, on

SIZE = (80, 24)
FIRST, LAST = "Ann [/]", "Lee [VIP]"
NAME = f"{FIRST} {LAST}"
PROVIDER = "Dr. Ada Park [locum]"


@pytest.fixture
def bracketed(office: Practice) -> Practice:
    """The office, with Maria (booked today at 10:15) renamed, and her provider too."""
    Patient.update(first_name=FIRST, last_name=LAST).where(
        Patient.id == office.patients["maria"]
    ).execute()
    Staff.update(name=PROVIDER).where(Staff.id == office.providers["Dr. Ada Park"]).execute()
    return office


def shown(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot))


async def test_the_board_the_check_in_and_a_move_show_the_name_as_typed(
    bracketed: Practice,
) -> None:
    async with bracketed.app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert NAME in shown(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckInScreen)
        await paste(pilot, "lee")
        await settle(pilot)
        assert NAME in shown(pilot)
        await pilot.press("enter")  # she arrives
        await settle(pilot)
        await pilot.press("n")  # on to a room: the move's toast names her
        await settle(pilot)
        assert any(NAME in notice for notice in notices(pilot))
        assert NAME in shown(pilot)


async def test_the_card_and_the_care_plans_show_the_name_as_typed(bracketed: Practice) -> None:
    async with bracketed.app().run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await settle(pilot)
        await paste(pilot, "lee")
        await settle(pilot)
        assert NAME in shown(pilot)
        await pilot.press("enter")  # to the list, on her card
        await settle(pilot)
        assert NAME in shown(pilot)
        assert "[locum]" in shown(pilot)  # today's visit, with whom
        await pilot.press("P")  # her care plans (none yet): open, no name to show
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlansScreen)


async def test_the_book_and_the_call_lists_show_the_names_as_typed(bracketed: Practice) -> None:
    book(bracketed, "maria", on(TOMORROW, 9))
    async with bracketed.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        assert "[locum]" in shown(pilot)  # her provider's column
        cursor_to(pilot, local(10, 15))
        await settle(pilot)
        assert f"10:15–10:45 · {NAME}" in shown(pilot)  # the line under the book
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CallListsScreen)
        for number in range(1, len(CALL_LISTS) + 1):
            await pilot.press(str(number))
            await settle(pilot)
            if number == 1:  # tomorrow's confirmations: her visit tomorrow (cut with "…")
                calls = pilot.app.screen.query_one("#calls-table", DataTable)
                assert NAME in [plain(cell) for cell in calls.get_row_at(0)]
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(pilot.app.screen, CallListsScreen)


async def test_the_import_queue_shows_an_imported_name_as_typed(
    bracketed: Practice, tmp_path: Path
) -> None:
    maria = Patient.get_by_id(bracketed.patients["maria"])
    Patient.create(
        first_name=FIRST, last_name=LAST, dob=maria.dob, phone="555-999-0000",
        chart_number="399999", created=maria.created,
    )  # fmt: skip
    export = tmp_path / "pms.csv"
    export.write_text(
        "Appointment ID,Date,Time,Length,Patient,Birth Date,Chart,Provider,Type\n"
        f'Q1,11/18/2026,2:30 PM,30,"{LAST}, {FIRST}",3/14/1985,PM-7,{PROVIDER},Regular\n'
    )
    report = import_file(
        bracketed.database, bracketed.clock, export, by=ADMINISTRATOR, source="pms"
    )
    assert len(report.needs_person) == 1  # two of her: the desk chooses
    async with bracketed.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportQueueScreen)
        assert NAME in shown(pilot)
        assert "[locum]" in shown(pilot)
