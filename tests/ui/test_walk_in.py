"""Walk-in: "w", a full name (birth date and phone if given), Enter saves and checks in."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Label

from db.models import Patient, Stage, Visit
from om_tui.screens.flow.walk_in import WalkInScreen

from .conftest import Practice
from .helpers import cell, notices, paste, settle, stage


async def open_form(pilot) -> None:
    await settle(pilot)  # the patient list has loaded, so the form can offer who is on file
    await pilot.press("w")
    await settle(pilot)
    assert isinstance(pilot.app.screen, WalkInScreen)


def label(pilot, selector: str) -> Label:
    return pilot.app.screen.query_one(selector, Label)


def walk_in_visits(patient_id: int) -> list[Visit]:
    return list(Visit.select().where(Visit.patient == patient_id, Visit.appointment.is_null()))


async def test_a_full_name_and_enter_add_the_patient_and_check_them_in(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_form(pilot)
        await paste(pilot, "Sam Rivers")
        await pilot.press("enter")
        await settle(pilot)

        patient = Patient.get(Patient.last_name == "Rivers")
        assert (patient.first_name, patient.dob, patient.phone) == ("Sam", None, "")
        [visit] = walk_in_visits(patient.id)
        assert visit.stage == Stage.ARRIVED
        key = f"v{visit.id}"
        assert cell(pilot, key, "time") == "walk"
        assert cell(pilot, key, "patient") == "Sam Rivers"
        assert cell(pilot, key, "kind") == "Walk-in"
        assert stage(pilot, key) == "Arrived"
        assert "Sam Rivers: checked in as a walk-in" in notices(pilot)


async def test_an_impossible_birth_date_is_explained_and_nothing_saved(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_form(pilot)
        await paste(pilot, "Sam Rivers")
        await pilot.press("tab")
        await paste(pilot, "13/45/1990")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, WalkInScreen)
        assert str(label(pilot, "#dob-error").render()) == (
            "13/45/1990 is not a date (month 1–12, then a day that month has)."
        )
        assert app.screen.focused is not None and app.screen.focused.id == "dob"
        assert Patient.select().where(Patient.last_name == "Rivers").count() == 0
        assert Visit.select().count() == 1  # only Tom's


async def test_the_same_name_and_birth_date_offer_the_patient_on_file(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_form(pilot)
        await paste(pilot, "walter kim")
        await pilot.press("tab")
        await pilot.press(*"5/9/1961")  # typed, as the form is usually filled
        await pilot.press("enter")
        await settle(pilot)

        offer = label(pilot, "#offer")
        assert offer.display
        assert str(offer.render()).startswith(
            "Already on file: Walter Kim, born 05/09/1961, chart #300004."
        )
        assert Visit.select().count() == 1  # nothing saved while the offer is shown

        await pilot.press("enter")
        await settle(pilot)

        assert not isinstance(app.screen, WalkInScreen)
        assert Patient.select().where(Patient.last_name == "Kim").count() == 1
        [visit] = walk_in_visits(office.patients["walter"])
        assert visit.stage == Stage.ARRIVED
        assert cell(pilot, f"v{visit.id}", "patient") == "Walter Kim"


async def test_ctrl_n_adds_a_new_patient_despite_the_offer(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_form(pilot)
        await paste(pilot, "Walter Kim")
        await pilot.press("tab")
        await paste(pilot, "05/09/1961")
        await pilot.press("enter")
        await settle(pilot)
        assert label(pilot, "#offer").display
        await pilot.press("ctrl+n")
        await settle(pilot)

        kims = list(Patient.select().where(Patient.last_name == "Kim").order_by(Patient.id))
        assert len(kims) == 2
        newcomer = kims[1]
        assert newcomer.id != office.patients["walter"]
        assert newcomer.dob == dt.date(1961, 5, 9)
        assert walk_in_visits(office.patients["walter"]) == []
        [visit] = walk_in_visits(newcomer.id)
        assert stage(pilot, f"v{visit.id}") == "Arrived"


async def test_every_wrong_field_is_said_at_once(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_form(pilot)
        await paste(pilot, "Sam Rivers")
        await pilot.press("tab")
        await paste(pilot, "13/45/1990")
        await pilot.press("tab")
        await paste(pilot, "12")
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a date" in str(label(pilot, "#dob-error").render())
        assert "10 digits" in str(label(pilot, "#phone-error").render())
        assert Patient.select().where(Patient.last_name == "Rivers").count() == 0


async def test_a_known_name_without_a_birth_date_asks_before_a_duplicate(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)  # the patient list has loaded
        await open_form(pilot)
        await paste(pilot, "Maria Lopez")  # on file, born 03/14/1985
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkInScreen)
        assert "1 patient(s) named Maria Lopez on file (born 03/14/1985)" in str(
            label(pilot, "#offer").render()
        )
        assert Patient.select().where(Patient.last_name == "Lopez").count() == 1

        await pilot.press("ctrl+n")  # a different Maria Lopez, really
        await settle(pilot)
        assert Patient.select().where(Patient.last_name == "Lopez").count() == 2


async def test_a_name_in_any_script_and_phone_digits_in_any_script_are_taken(
    office: Practice,
) -> None:
    """ "José" as a Mac types it (e + a combining accent) was refused as "letters only"."""
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await paste(pilot, "Jose\u0301 Nun\u0303ez")
        await pilot.press("tab", "tab")
        await paste(pilot, "٥٥٥١٢٣٤٥٦٧")  # Arabic-Indic digits
        await pilot.press("enter")
        await settle(pilot)

        patient = Patient.get(Patient.last_name == "Nu\u00f1ez")
        assert (patient.first_name, patient.phone) == ("Jos\u00e9", "555-123-4567")
        assert len(walk_in_visits(patient.id)) == 1


async def test_typing_after_an_error_adds_to_the_name(office: Practice) -> None:
    """ "Maria", Enter: the error asks for a last name; " Lopez" typed goes on the end."""
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await paste(pilot, "Maria")
        await pilot.press("tab", "enter")  # away from the name and back, by the error
        await settle(pilot)
        assert app.screen.focused is not None and app.screen.focused.id == "name"
        await pilot.press("space", *"Lo")
        assert app.screen.query_one("#name", Input).value == "Maria Lo"
