"""Two terminals on one file: what one still shows never acts on, or writes over, what changed."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from textual.pilot import Pilot

from db.models import Patient, Role, Staff, Stage, Visit, utc_naive
from om_tui.practice.changes import NeverChanges
from om_tui.screens.people.staff_forms import PersonForm

from .conftest import OFFICE_NOW, STATS_WEEK, Practice
from .helpers import paste, select, settle, stage, warnings
from .test_staff import cursor_to, open_roster, person
from .test_stats_entry import LAST_WEEK, field, open_grid, saved, stat_id


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


def _type_elsewhere(practice: Practice, short_name: str, value: float) -> None:
    """Another terminal types a stat's value for this week, on its own connection."""
    with practice.database.connection_context():
        stats = practice.app().stats
        stats.enter(stat_id(short_name), value, week=STATS_WEEK)


async def test_a_stat_typed_on_another_terminal_is_not_typed_over(stats_demo: Practice) -> None:
    """The grid showed no value for Claims; another terminal types one; the value typed
    here is refused, said so, and the other stands — until typed again, on purpose."""
    last = saved("claims", LAST_WEEK)
    assert last is not None and saved("claims") is None
    theirs, mine = int(last) + 2, int(last) + 1
    app = stats_demo.app(watcher=NeverChanges())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot, "collections")
        field(pilot, "claims").focus()
        await asyncio.to_thread(_type_elsewhere, stats_demo, "claims", theirs)

        await pilot.press(*str(mine), "enter")
        await settle(pilot)
        assert saved("claims") == theirs
        assert warnings(pilot) == [
            "Claims submitted: changed on another terminal since you opened it (value): "
            "nothing was saved."
        ]

        field(pilot, "claims").focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert saved("claims") == mine


def _role_elsewhere(practice: Practice, name: str, role: Role) -> None:
    """Another terminal changes a person's role, on its own connection."""
    with practice.database.connection_context():
        Staff.update(role=role).where(Staff.name == name).execute()


async def test_a_person_edited_on_another_terminal_is_not_written_over(
    stats_demo: Practice,
) -> None:
    """The edit form opened on Tom as staff; another terminal makes him office manager;
    his new role typed here (front desk) is refused, said so, and the other stands."""
    app = stats_demo.app(watcher=NeverChanges())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await cursor_to(pilot, "Tom Becker")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, PersonForm)
        await asyncio.to_thread(_role_elsewhere, stats_demo, "Tom Becker", Role.OFFICE_MANAGER)

        await pilot.press("tab", "tab", "left")  # staff → front desk
        await pilot.press("enter")
        await settle(pilot)

        assert warnings(pilot) == [
            "Tom Becker: changed on another terminal since you opened it (role): nothing was saved."
        ]
        assert person("Tom Becker").role == Role.OFFICE_MANAGER
