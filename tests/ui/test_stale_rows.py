"""Two front-desk terminals on one file: a row one of them still shows acts on nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot

from db.models import Patient, Stage, Visit, utc_naive

from .conftest import OFFICE_NOW, Practice
from .helpers import paste, select, settle, stage, warnings


async def _walk_in(pilot: Pilot[Any], phone: str) -> None:
    """Check a patient without an appointment in, found by their phone."""
    await pilot.press("slash")
    await settle(pilot)
    await paste(pilot, phone)
    await pilot.press("enter")
    await settle(pilot)


async def test_ending_a_walk_in_whose_check_in_was_undone_ends_no_one_else(
    office: Practice,
) -> None:
    """The finding, key by key: A checks in walk-in Walter; C puts its cursor on Walter and
    presses x; A undoes and checks in walk-in Yuri; C picks Left unseen. C is told Walter's
    visit is gone, and Yuri's visit goes on."""
    Patient.create(
        first_name="Yuri",
        last_name="Young",
        phone="555-010-0099",
        chart_number="399999",
        created=utc_naive(OFFICE_NOW - dt.timedelta(days=1)),
    )
    a, c = office.app(), office.app()
    async with a.run_test(size=(80, 24)) as one, c.run_test(size=(80, 24)) as two:
        await _walk_in(one, "555-010-0003")  # Walter Kim
        [walter] = Visit.select().where(Visit.patient == office.patients["walter"])
        c.check_for_changes()
        await settle(two)
        select(two, f"v{walter.id}")
        await two.press("x")
        await settle(two)

        await one.press("u")
        await settle(one)
        assert Visit.get_or_none(Visit.id == walter.id) is None
        await _walk_in(one, "555-010-0099")  # Yuri Young
        [yuri] = Visit.select().where(Visit.appointment.is_null(), Visit.stage == Stage.ARRIVED)

        await two.press("1")  # Left unseen
        await settle(two)

        assert warnings(two) == ["Walter Kim's visit was removed on another terminal."]
        assert yuri.id != walter.id
        assert Visit.get_by_id(yuri.id).stage == Stage.ARRIVED
        assert stage(two, f"v{yuri.id}") == "Arrived"
        assert c.undo_stack == []
