"""Patients and rooms as the front desk uses them at 80x24: find and correct a patient,
add one, merge two records, open a checked-in patient's card from the board, and room a
patient in a fresh practice's first room."""

from __future__ import annotations

import datetime as dt

from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Label, OptionList, Static

from db.models import Patient, Room, Stage, Visit
from om_tui.screens.picker import PickerScreen
from om_tui.screens.schedule.patient_form import PatientForm
from om_tui.screens.schedule.patients import PatientsScreen
from om_tui.screens.schedule.rooms import RoomForm, RoomsScreen

from .conftest import Practice
from .helpers import footer, paste, select, settle, visit_for, warnings


def card(pilot) -> str:
    return str(pilot.app.screen.query_one("#card", Static).render())


async def open_patients(pilot, query: str) -> None:
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PatientsScreen)
    await paste(pilot, query)
    await pilot.press("enter")  # to the list
    await pilot.pause()


async def test_find_a_patient_and_correct_their_record(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patients(pilot, "lop")
        assert "Maria Lopez  · chart #300001" in card(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PatientForm)
        assert app.screen.query_one("#name", Input).value == "Maria Lopez"
        await pilot.press("ctrl+u")
        await paste(pilot, "Maria Lopes")
        await pilot.press("tab", "tab", "tab")
        await paste(pilot, "maria@example")  # not an address yet: said under the field
        await pilot.press("enter")
        await pilot.pause()
        assert "name@example.com" in str(app.screen.query_one("#email-error", Label).render())
        await paste(pilot, ".com")
        await pilot.press("enter")
        await settle(pilot)

        maria = Patient.get_by_id(office.patients["maria"])
        assert (maria.last_name, maria.email) == ("Lopes", "maria@example.com")
        assert isinstance(app.screen, PatientsScreen)
        assert "Maria Lopes" in card(pilot) and "maria@example.com" in card(pilot)


async def test_a_record_changed_elsewhere_is_not_written_over(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patients(pilot, "lop")
        await pilot.press("e")
        await pilot.pause()
        # Another terminal corrects Maria's phone while the form is open here.
        Patient.update(phone="555-777-0000", revision=99).where(
            Patient.id == office.patients["maria"]
        ).execute()
        await pilot.press("ctrl+u")
        await paste(pilot, "Mary Lopez")
        await pilot.press("enter")
        await settle(pilot)
        assert "Changed on another terminal since you opened it: nothing was saved." in (
            warnings(pilot)
        )
        maria = Patient.get_by_id(office.patients["maria"])
        assert (maria.first_name, maria.phone) == ("Maria", "555-777-0000")


async def test_mark_a_patient_inactive_and_active_again(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patients(pilot, "walter")
        assert "i Inactive" in footer(pilot)
        await pilot.press("i", "y")
        await settle(pilot)
        assert not Patient.get_by_id(office.patients["walter"]).active
        assert "inactive" in card(pilot)
        assert "i Active again" in footer(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert Patient.get_by_id(office.patients["walter"]).active


async def test_add_a_patient(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patients(pilot, "rosa")
        assert "No patient matches “rosa”" in card(pilot)
        await pilot.press("ctrl+n")  # from the search field, where "a" is typed
        await pilot.pause()
        assert isinstance(app.screen, PatientForm)
        await pilot.press("ctrl+u")
        await paste(pilot, "Rosa Diaz")
        await pilot.press("tab")
        await paste(pilot, "2/3/1984")
        await pilot.press("enter")
        await settle(pilot)

        rosa = Patient.get(Patient.last_name == "Diaz")
        assert rosa.dob == dt.date(1984, 2, 3)
        assert "Rosa Diaz" in card(pilot)


async def test_merge_two_records_of_one_person(office: Practice) -> None:
    twin = Patient.create(
        first_name="Walt",
        last_name="Kim",
        phone="555-010-0099",
        chart_number="399999",
        created=Patient.get_by_id(office.patients["walter"]).created,
    )
    last_week = Visit.create(patient=twin.id, date=dt.date(2026, 11, 11), stage=Stage.DONE)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patients(pilot, "walter")
        await pilot.press("m")
        await pilot.pause()
        await paste(pilot, "walt kim")
        await pilot.press("enter")  # Walt Kim, the other record
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)

        assert Visit.get_by_id(last_week.id).patient_id == office.patients["walter"]
        merged = Patient.get_by_id(twin.id)
        assert merged.merged_into_id == office.patients["walter"] and not merged.active
        assert "Merged into this record: Walt Kim (chart #399999)" in card(pilot)
        trail = office.database.execute_sql(
            "SELECT subject FROM audit WHERE action = 'merge_patients'"
        ).fetchall()
        assert trail == [("Walt Kim (chart #399999) into Walter Kim (chart #300004)",)]


async def test_the_board_opens_a_checked_in_patients_card_to_correct_it(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PatientsScreen)
        assert "Tom Baker" in card(pilot) and "Born 07/02/1972" in card(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.press("ctrl+u")
        await paste(pilot, "7/12/1972")
        await pilot.press("enter")
        await settle(pilot)
        assert Patient.get_by_id(office.patients["tom"]).dob == dt.date(1972, 7, 12)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PatientsScreen)


async def test_no_patient_record_is_shown_in_privacy_mode(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("i", "c", "f")
        await pilot.pause()
        assert not isinstance(app.screen, PatientsScreen)
        await pilot.press("i", "c")
        await pilot.pause()
        assert isinstance(app.screen, PatientsScreen)


async def test_a_fresh_practice_adds_its_first_room_from_the_picker(office: Practice) -> None:
    Room.delete().execute()  # no rooms yet, as after first-run setup
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        select(pilot, office.row_key("tom"))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        hint = str(app.screen.query_one("#picker-hint", Label).render())
        assert hint.startswith("No rooms yet — press 1 to add one")
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, RoomForm)
        await paste(pilot, "Adjusting 1")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)  # again, with the new room
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert prompts[0] == "1  Adjusting 1"
        await pilot.press("1")
        await settle(pilot)

        visit = visit_for(office.appointments["tom"])
        assert visit is not None and visit.stage == Stage.ROOMED
        assert visit.room.name == "Adjusting 1"


async def test_the_menu_offers_patients_and_rooms(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        for title, screen in (("Rooms", RoomsScreen), ("Patients", PatientsScreen)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            await paste(pilot, title)
            await settle(pilot)
            found = app.screen.query_one(CommandList)
            first = str(found.get_option_at_index(0).prompt)
            assert first.startswith(title), first
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, screen)
            await pilot.press("escape")
            await pilot.pause()


async def test_rooms_are_added_renamed_and_retired(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_rooms()
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await paste(pilot, "room 2")
        await pilot.press("enter")
        await pilot.pause()
        assert "already a room called 'Room 2'" in str(
            app.screen.query_one("#name-error", Label).render()
        )
        await pilot.press("ctrl+u")
        await paste(pilot, "X-ray")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+up")  # the new room, under the cursor, one place up
        await settle(pilot)
        assert in_use() == ["Room 1", "X-ray", "Room 2"]
        await pilot.press("d", "y")
        await settle(pilot)
        assert in_use() == ["Room 1", "Room 2"]
        await pilot.press("r")  # still on it, among the retired: back, at the end
        await settle(pilot)
        assert in_use() == ["Room 1", "Room 2", "X-ray"]


def in_use() -> list[str]:
    return [r.name for r in Room.select().order_by(Room.position) if not r.retired]
