"""Check-in: "/" opens the search; a few letters and Enter arrive the patient."""

from __future__ import annotations

import asyncio
import contextlib
import threading

import pytest
from textual.widgets import Input, Label, OptionList

from db import open_database
from db.models import Patient, Stage, Visit
from om_tui.app import make_app
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow import patients
from om_tui.screens.flow.check_in import CheckInScreen
from om_tui.screens.flow.walk_in import WalkInScreen

from .conftest import OFFICE_NOW, Practice
from .helpers import (
    board,
    cell,
    drawn,
    move_elsewhere,
    notices,
    paste,
    settle,
    stage,
    visit_for,
    warnings,
)


async def open_search(pilot) -> None:
    await settle(pilot)
    await pilot.press("slash")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CheckInScreen)


def options(pilot) -> list[str]:
    found = pilot.app.screen.query_one("#matches", OptionList)
    return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


def highlighted(pilot) -> str:
    found = pilot.app.screen.query_one("#matches", OptionList)
    assert found.highlighted is not None
    return str(found.get_option_at_index(found.highlighted).prompt)


def hint(pilot) -> str:
    return str(pilot.app.screen.query_one("#hint", Label).render())


async def test_a_few_letters_and_enter_check_the_patient_in(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        await pilot.press(*"qui")
        assert options(pilot)[0].startswith("11:00  Nora Quinn")
        await pilot.press("enter")
        await settle(pilot)

        visit = visit_for(office.appointments["nora"])
        assert visit is not None and visit.stage == Stage.ARRIVED
        assert visit_for(office.appointments["maria"]) is None
        key = office.row_key("nora")
        assert stage(pilot, key) == "Arrived"
        assert cell(pilot, key, "in_stage") == "00:00"
        assert board(pilot).cursor_row == board(pilot).get_row_index(key)
        assert "Nora Quinn: checked in" in notices(pilot)


async def test_enter_on_an_empty_search_checks_in_the_first_expected(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        # Tom has arrived already: Maria (10:15) is the first still expected.
        assert options(pilot)[0].startswith("10:15  Maria Lopez")
        await pilot.press("enter")
        await settle(pilot)

        visit = visit_for(office.appointments["maria"])
        assert visit is not None and visit.stage == Stage.ARRIVED
        assert visit_for(office.appointments["nora"]) is None
        assert stage(pilot, office.row_key("maria")) == "Arrived"


async def test_a_phone_number_finds_the_patient(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        await paste(pilot, "555-010-0002")  # Nora's phone
        assert options(pilot)[0].startswith("11:00  Nora Quinn")
        await pilot.press("enter")
        await settle(pilot)
        assert stage(pilot, office.row_key("nora")) == "Arrived"


async def test_a_patient_without_an_appointment_arrives_as_a_walk_in(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        await pilot.press(*"kim")
        assert options(pilot)[0].startswith("       Walter Kim  · 05/09/1961")
        await pilot.press("enter")
        await settle(pilot)

        [visit] = Visit.select().where(Visit.patient == office.patients["walter"])
        assert (visit.appointment_id, visit.stage) == (None, Stage.ARRIVED)
        assert cell(pilot, f"v{visit.id}", "time") == "walk"
        assert stage(pilot, f"v{visit.id}") == "Arrived"


async def test_a_patient_already_in_is_not_checked_in_twice(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        await pilot.press(*"tom")
        await pilot.press("enter")
        await settle(pilot)

        assert warnings(pilot) == ["Tom Baker is already checked in (Arrived)."]
        assert isinstance(app.screen, CheckInScreen)  # still searching
        assert Visit.select().count() == 1


async def test_a_search_matching_nobody_offers_a_walk_in(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        await paste(pilot, "Xavier Young")

        assert hint(pilot).startswith("No patient matches “Xavier Young”. Enter adds a walk-in")
        assert options(pilot) == ["+ New walk-in patient…  (Xavier Young)"]
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, WalkInScreen)
        assert app.screen.query_one("#name", Input).value == "Xavier Young"
        assert Patient.select().where(Patient.last_name == "Young").count() == 0


async def test_a_change_elsewhere_keeps_the_highlighted_match(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_search(pilot)
        await pilot.press(*"555", "down")  # every patient matches a phone search
        assert options(pilot)[1].startswith("11:00  Nora Quinn")

        # Meanwhile another terminal rooms Tom, and this one's poll notices.
        room = office.rooms["Room 1"]
        await asyncio.to_thread(move_elsewhere, office, office.row_key("tom"), Stage.ROOMED, room)
        app.check_for_changes()
        await pilot.pause()
        assert highlighted(pilot).startswith("11:00  Nora Quinn")
        await pilot.press("enter")
        await settle(pilot)

        assert visit_for(office.appointments["maria"]) is None
        nora = visit_for(office.appointments["nora"])
        assert nora is not None and nora.stage == Stage.ARRIVED


async def test_searching_while_the_patient_list_loads_lists_each_patient_once(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up load and the search's own must not both add everyone.

    A large practice takes a while to load; the two loads are made to overlap for
    certain: each waits, after reading its first row, until the other has read too
    (or 0.75 s passes, as it does when one load waits for the other to finish).
    """
    both_reading = threading.Barrier(2)
    this_load = threading.local()
    haystack = patients._haystack

    def slow_haystack(*fields: object) -> str:
        if not getattr(this_load, "waited", False):
            this_load.waited = True
            with contextlib.suppress(threading.BrokenBarrierError):
                both_reading.wait(timeout=0.75)
        return haystack(*fields)

    loads_done: list[int] = []
    two_loads_done = threading.Event()
    refresh = patients.PatientIndex.refresh

    def counted_refresh(index: patients.PatientIndex, database: object) -> None:
        this_load.waited = False  # worker threads are pooled: each load waits afresh
        try:
            refresh(index, database)
        finally:
            loads_done.append(1)
            if len(loads_done) == 2:
                two_loads_done.set()

    monkeypatch.setattr(patients, "_haystack", slow_haystack)
    monkeypatch.setattr(patients.PatientIndex, "refresh", counted_refresh)
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("slash")  # at once, before the start-up load has finished
        await asyncio.to_thread(two_loads_done.wait, 3)
        await settle(pilot)
        await pilot.press(*"kim")

        assert options(pilot) == [
            "       Walter Kim  · 05/09/1961  · 555-010-0003  · #300004",
            "+ New walk-in patient…  (kim)",
        ]
        assert len(app.patients) == Patient.select().count()


async def test_in_privacy_mode_the_search_is_discreet_too(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("i")
        await open_search(pilot)
        for key in "lopez":
            await pilot.press(key)
        await pilot.pause()
        shown = " ".join(options(pilot))
        assert "Maria L." in shown
        assert "Lopez" not in shown
        for key in "ctrl+u", "k", "i", "m":
            await pilot.press(key)
        await pilot.pause()
        shown = " ".join(options(pilot))
        assert "Walter K." in shown and "born 1961" in shown
        assert "05/09/1961" not in shown and "Kim" not in shown


async def test_enter_typed_twice_checks_in_once_and_does_not_crash(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        events = Visit.select().count()
        await pilot.press("slash")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, CheckInScreen)
        # Two Enters reach the dialog before it has closed: it answers once.
        search._choose(0)
        search._choose(0)
        await settle(pilot)
        assert app.is_running
        assert Visit.select().count() == events + 1  # one check-in, nobody else moved
        assert not isinstance(app.screen, CheckInScreen)


async def test_a_practice_with_no_patients_yet_says_so(tmp_path) -> None:
    """Not "the patient list is still loading", for good: there is nobody to load."""
    database = open_database(tmp_path / "new.db")
    app = make_app(database, clock=FrozenClock(OFFICE_NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot)
        await paste(pilot, "Maria")
        assert hint(pilot) == "No patients yet: Enter adds “Maria” as a new walk-in patient."
        assert drawn(pilot, pilot.app.screen.query_one("#hint", Label)) == hint(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkInScreen)
    database.close()


async def test_the_search_reloading_does_not_keep_garbage_for_good(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patients are kept out of the collector's passes once, when the index is made:
    not at each opening of the search, which would keep whatever garbage there was then."""
    import gc

    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")  # the first opening reads every patient
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.patients.loaded
        frozen: list[int] = []
        monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
        for _ in range(3):
            await pilot.press("slash")
            await settle(pilot)
            assert isinstance(app.screen, CheckInScreen)
            await pilot.press("escape")
            await settle(pilot)
        assert frozen == []
