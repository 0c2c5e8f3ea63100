"""The import queue as the front desk uses it at 80x24: the book counts what waits, `i`
opens the queue, the source's patient and the practice's candidates are shown, and a
key links, adds as new or skips; the menu opens it too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from db.models import Appointment, Patient
from om_tui.practice.imports.service import import_file
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.imports.queue import ImportQueueScreen
from om_tui.screens.schedule.patient_finder import PatientFinder

from .conftest import Practice
from .helpers import drawn, notices, screen_lines, settle, static_text
from .test_book import open_book

SIZE = (80, 24)
EXPORT = (
    "Appointment ID,Date,Time,Length,Patient,Birth Date,Chart,Provider,Type\n"
    "Q1,11/18/2026,2:30 PM,30,Maria Lopez,3/14/1985,PM-7,Dr. Ada Park,Regular\n"
    "Q2,11/25/2026,2:30 PM,30,Maria Lopez,3/14/1985,PM-7,Dr. Ada Park,Regular\n"
)


def with_twin(office: Practice, tmp_path: Path) -> int:
    """A second Maria Lopez born the same day, then the export: the import cannot tell."""
    maria = Patient.get_by_id(office.patients["maria"])
    twin = Patient.create(
        first_name="Maria", last_name="Lopez", dob=maria.dob, phone="555-999-0000",
        chart_number="399999", created=maria.created,
    )  # fmt: skip
    export = tmp_path / "pms.csv"
    export.write_text(EXPORT)
    report = import_file(office.database, office.clock, export, by=ADMINISTRATOR, source="pms")
    assert len(report.needs_person) == 2
    return int(twin.id)


def imported() -> list[Appointment]:
    return list(Appointment.select().where(Appointment.source == "pms"))


async def open_queue(pilot: Pilot[Any]) -> ImportQueueScreen:
    await open_book(pilot)
    assert "· i: 1 to decide" in drawn(pilot, pilot.app.screen.query_one("#book-title"))
    await pilot.press("i")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportQueueScreen)
    return screen


async def test_the_book_counts_the_queue_and_l_links_to_the_patient_chosen(
    office: Practice, tmp_path: Path
) -> None:
    twin = with_twin(office, tmp_path)
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        source = drawn(pilot, screen.query_one("#queue-source"))
        assert "pms says: Maria Lopez · born 03/14/1985 · their number PM-7" in source
        assert "Wed 11/18 14:30 30m Dr. Ada Park; Wed 11/25 14:30" in source
        candidates = drawn(pilot, screen.query_one("#queue-candidates"))
        assert "300001" in candidates and "399999" in candidates
        await pilot.press("down", "l")  # the second: the twin
        await settle(pilot)
        assert {a.patient_id for a in imported()} == {twin}
        assert "2 appointments from pms now Maria Lopez's (linked)." in notices(pilot)
        assert "nothing waits" in static_text(pilot, "#queue-title")
        await pilot.press("escape")
        await settle(pilot)
        assert "to decide" not in static_text(pilot, "#book-title")


async def test_a_adds_the_patient_as_new_and_s_skips(office: Practice, tmp_path: Path) -> None:
    with_twin(office, tmp_path)
    patients = Patient.select().count()
    async with office.app().run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert Patient.select().count() == patients + 1
        (patient,) = {a.patient_id for a in imported()}
        assert patient not in office.patients.values()
    office.database.execute_sql("DELETE FROM import_held")
    export = tmp_path / "other.csv"
    export.write_text(EXPORT.replace("Q1", "Q3").replace("Q2", "Q4").replace("PM-7", "PM-8"))
    Patient.create(
        first_name="Maria", last_name="Lopez", dob=Patient.get_by_id(patient).dob,
        chart_number="399998", created=Patient.get_by_id(patient).created,
    )  # fmt: skip
    import_file(office.database, office.clock, export, by=ADMINISTRATOR, source="pms")
    async with office.app().run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "2 appointments from pms set aside." in notices(pilot)
        assert len(imported()) == 2  # the first two only


async def test_the_menu_opens_the_queue(office: Practice, tmp_path: Path) -> None:
    with_twin(office, tmp_path)
    async with office.app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"import queue")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportQueueScreen)


async def test_slash_looks_the_patient_up_narrowed_by_typing_and_links_the_one_chosen(
    office: Practice, tmp_path: Path
) -> None:
    twin = with_twin(office, tmp_path)
    async with office.app().run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("slash")
        await settle(pilot)
        finder = pilot.app.screen
        assert isinstance(finder, PatientFinder)
        assert any("Whom does pms mean by Maria Lopez?" in line for line in screen_lines(pilot))
        matches = finder.query_one("#matches", OptionList)
        assert matches.option_count == 2  # the source's name, typed already: both Marias
        await pilot.press("escape")  # changed their mind: nothing linked
        await settle(pilot)
        assert imported() == [] and isinstance(pilot.app.screen, ImportQueueScreen)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*" 555999")  # the twin's phone narrows it to her
        await settle(pilot)
        matches = pilot.app.screen.query_one("#matches", OptionList)
        assert matches.option_count == 1 and "399999" in str(matches.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportQueueScreen)
        assert {a.patient_id for a in imported()} == {twin}
        assert "2 appointments from pms now Maria Lopez's (linked)." in notices(pilot)


async def test_slash_finds_a_patient_under_another_name(office: Practice, tmp_path: Path) -> None:
    with_twin(office, tmp_path)
    walter = office.patients["walter"]
    async with office.app().run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("ctrl+u", *"walter kim")  # not the name the source gave
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert {a.patient_id for a in imported()} == {walter}
        assert "nothing waits" in static_text(pilot, "#queue-title")
