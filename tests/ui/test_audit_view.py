"""The audit trail on screen: opened from the palette by the manager or the owner, newest
first, narrowed by person, patient and day; Enter shows a row's before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from db.models import Patient, Role, Staff
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people import audit
from om_tui.practice.people.audit import PAGE
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.people.audit import AuditEntryScreen, AuditScreen

from .conftest import Practice, local
from .helpers import drawn, on_each_drawing, paste, plain, select_shown, settle, static_text

SIZE = (150, 40)


def history(office: Practice) -> dict[str, int]:
    """Two days of changes: Dr. Park on Monday, Jo Desk on Tuesday; the app opens Wednesday."""
    database = office.database
    desk = Staff.get(Staff.name == "Jo Desk").id
    park = office.providers["Dr. Ada Park"]
    Staff.update(role=Role.OFFICE_MANAGER).where(Staff.id == park).execute()
    clock = FrozenClock(local(9, 0) - dt.timedelta(days=2))
    audit.set_clock(database, clock)
    audit.set_actor(database, park)
    Patient.update(phone="555-0111").where(Patient.id == office.patients["maria"]).execute()
    Patient.update(phone="555-0222").where(Patient.id == office.patients["nora"]).execute()
    clock.advance(days=1)
    audit.set_actor(database, desk)
    Patient.update(phone="555-0333").where(Patient.id == office.patients["maria"]).execute()
    settings.set_late_after(database, 12, by=ADMINISTRATOR)
    audit.set_actor(database, None)
    return {"desk": desk, "park": park}


def rows(pilot: Pilot[Any]) -> list[tuple[str, ...]]:
    """(when, who, what, patient) of each row shown, top to bottom."""
    table = pilot.app.screen.query_one("#audit", DataTable)
    shown = []
    keys = [str(column.key.value) for column in table.columns.values()]
    for index in range(table.row_count):
        cells = dict(zip(keys, (plain(cell) for cell in table.get_row_at(index)), strict=True))
        shown.append((cells["when"], cells["who"], cells["what"], cells["patient"]))
    return shown


async def open_trail(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"audit trail")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AuditScreen)


async def test_the_palette_opens_the_trail_newest_first(office: Practice) -> None:
    people = history(office)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=SIZE) as pilot:
        await open_trail(pilot)
        shown = rows(pilot)
        assert shown[0][1] == "Jo Desk"
        assert shown[0][2].startswith("added setting flow.late_after")
        assert shown[1] == (
            "17 Nov 2026 09:00:00",
            "Jo Desk",
            f"changed patient #{office.patients['maria']}",
            "Maria Lopez",
        )
        assert shown[2][1:] == (
            "Dr. Ada Park",
            f"changed patient #{office.patients['nora']}",
            "Nora Quinn",
        )
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AuditScreen)


async def test_filters_by_person_patient_and_day(office: Practice) -> None:
    people = history(office)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=SIZE) as pilot:
        await open_trail(pilot)

        await pilot.press("w", "enter")  # the person filter, opened
        await pilot.press(*"Dr. Ada")
        await pilot.press("enter")
        await settle(pilot)
        assert {who for _, who, _, _ in rows(pilot)} == {"Dr. Ada Park"}
        assert len(rows(pilot)) == 2

        await pilot.press("n")
        await paste(pilot, "maria")
        await settle(pilot)
        assert rows(pilot) == [
            (
                "16 Nov 2026 09:00:00",
                "Dr. Ada Park",
                f"changed patient #{office.patients['maria']}",
                "Maria Lopez",
            )
        ]

        await pilot.press("enter", "w", "enter", "home", "enter")  # anyone again
        await settle(pilot)
        # Maria's rows by anyone: her phone twice, and her file and booking set up by no one.
        assert [(who, what.split(" #")[0]) for _, who, what, _ in rows(pilot)] == [
            ("Jo Desk", "changed patient"),
            ("Dr. Ada Park", "changed patient"),
            ("no one", "added appointment"),
            ("no one", "added patient"),
        ]

        await pilot.press("d")
        await paste(pilot, "2026-11-17")
        await settle(pilot)
        assert [(when, who) for when, who, _, _ in rows(pilot)] == [
            ("17 Nov 2026 09:00:00", "Jo Desk")
        ]

        await pilot.press("x")  # not a day: the last good filter stays, the field marked
        await settle(pilot)
        assert app.screen.query_one("#audit-day").has_class("-invalid")
        assert len(rows(pilot)) == 1

        await pilot.press("ctrl+a", "ctrl+k")  # the day cleared: every day again
        await settle(pilot)
        assert not app.screen.query_one("#audit-day").has_class("-invalid")
        assert len(rows(pilot)) == 4


async def test_enter_shows_the_values_before_and_after(office: Practice) -> None:
    people = history(office)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=SIZE) as pilot:
        await open_trail(pilot)
        await pilot.press("down", "enter")  # Maria's phone, changed on Tuesday
        await settle(pilot)
        assert isinstance(app.screen, AuditEntryScreen)
        fields = app.screen.query_one("#entry-fields", DataTable)
        assert [[plain(c) for c in fields.get_row_at(i)] for i in range(fields.row_count)] == [
            ["phone", "555-0111", "555-0333"]
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)


async def test_a_change_elsewhere_appears_at_the_top(office: Practice) -> None:
    people = history(office)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=SIZE) as pilot:
        await open_trail(pilot)
        count = len(rows(pilot))
        Patient.update(phone="555-0444").where(Patient.id == office.patients["tom"]).execute()
        app.announce_change()
        await settle(pilot)
        shown = rows(pilot)
        assert len(shown) == count + 1
        assert shown[0][2:] == (f"changed patient #{office.patients['tom']}", "Tom Baker")


async def test_the_front_desk_is_not_offered_the_trail(office: Practice) -> None:
    people = history(office)
    app = office.app(staff_id=people["desk"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"audit")
        await settle(pilot)
        found = app.screen.query_one(CommandList)
        hits = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert not any("Audit trail" in hit for hit in hits), hits
        await pilot.press("escape")
        app.action_audit()
        await settle(pilot)
        assert not isinstance(app.screen, AuditScreen)


async def test_older_rows_are_read_at_the_bottom(office: Practice) -> None:
    people = history(office)
    for minutes in range(1, PAGE + 20):
        settings.set_late_after(office.database, minutes, by=ADMINISTRATOR)
    total = office.database.execute_sql("SELECT COUNT(*) FROM audit").fetchone()[0]
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=SIZE) as pilot:
        await open_trail(pilot)
        assert len(rows(pilot)) == PAGE
        assert "200+ rows" in str(app.screen.query_one("#audit-title").render())
        await pilot.press("ctrl+end")
        await pilot.pause()  # the cursor's move is announced, and the read starts
        await settle(pilot)
        assert len(rows(pilot)) == total
        assert rows(pilot)[-1][2] == "set the audit triggers"  # the first, by migration 0013


async def test_at_80_columns_the_hints_are_whole_and_the_rows_name_people(
    office: Practice,
) -> None:
    """On the smallest terminal the filters' hints show whole, the table fits the width
    (the change moves to the line below it), and a person changed is named, not numbered."""
    people = history(office)
    audit.set_actor(office.database, people["park"])
    Staff.update(active=False).where(Staff.id == people["desk"]).execute()
    audit.set_actor(office.database, None)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_trail(pilot)
        screen = app.screen
        for field in screen.query(Input):
            assert field.content_region.width >= len(str(field.placeholder)), field.id
        table = screen.query_one("#audit", DataTable)
        assert [str(column.label) for column in table.columns.values()] == [
            "When",
            "Who",
            "What",
            "Patient",
        ]
        assert sum(column.get_render_width(table) for column in table.columns.values()) <= 78
        when, who, what, patient = (plain(cell) for cell in table.get_row_at(0))
        assert (who, what, patient) == ("Dr. Ada Park", "changed staff member Jo Desk", "")
        assert when == "17 Nov 09:00"  # the trail's clock, where history() left it
        assert static_text(pilot, "#audit-detail") == "active yes → no"

        await pilot.press("w", "enter")  # the person filter: Jo Desk has left, and says so
        await pilot.press(*"Jo")
        await pilot.press("enter")
        await settle(pilot)
        assert {who for _, who, _, _ in rows(pilot)} == {"Jo Desk"}
        person = screen.query_one("#audit-person", Select)
        assert select_shown(person) == "Jo Desk (left)"


async def test_a_day_not_understood_is_said_so_over_the_rows(office: Practice) -> None:
    people = history(office)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_trail(pilot)
        every = len(rows(pilot))
        await pilot.press("d")
        await paste(pilot, "31/02/1990")
        await pilot.press("enter")
        await settle(pilot)
        problem = app.screen.query_one("#audit-problem")
        assert drawn(pilot, problem) == (
            "“31/02/1990” is not a day (like yesterday, fri, 12/02 or 2026-12-02): the rows show "
            "every day."
        )
        assert app.screen.focused is app.screen.query_one("#audit-day")  # to put it right
        assert len(rows(pilot)) == every
        await pilot.press("ctrl+a", "ctrl+k")
        await settle(pilot)
        assert not problem.display


async def test_the_trail_is_drawn_once_with_its_rows(office: Practice) -> None:
    """The newest page is read as the screen opens: its first drawing holds the rows."""
    people = history(office)
    app = office.app(staff_id=people["park"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drawings: list[int] = []

        def seen(screen: Any) -> None:
            if isinstance(screen, AuditScreen):
                drawings.append(screen.query_one("#audit", DataTable).row_count)

        on_each_drawing(app, seen)
        app.action_audit()
        await settle(pilot)
        assert drawings
        assert drawings[0] == len(rows(pilot)) >= 4
