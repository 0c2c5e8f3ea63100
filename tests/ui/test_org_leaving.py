"""Someone leaves, at 80x24: a person with a hat and open orders, off-boarded step by step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import OptionList

from db.models import HatHolder, Offboarding, Order, Post, Role, Staff, utc_naive
from om_tui.screens.org.leaving import LeavingScreen

from .conftest import DAY, OFFICE_NOW, Practice
from .helpers import settle, static_text


async def test_off_boarding_someone_with_a_hat_and_open_orders(
    office: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # their authorized_keys: none here
    karen = Staff.create(name="Karen Miles", initials="KM", role=Role.OFFICE_MANAGER).id
    ben = office.providers["Dr. Ben Ruiz"]
    Staff.update(secret="$argon2id$a-hash").where(Staff.id == ben).execute()
    post = Post.create(title="Chiropractic Assistant").id
    HatHolder.create(post=post, staff=ben, since=dt.date(2026, 1, 1))
    for text in ("Order the supplies", "Call the lab"):
        Order.create(
            issued_by=karen,
            to_staff=ben,
            text=text,
            due_on=DAY + dt.timedelta(days=2),
            created=utc_naive(OFFICE_NOW),
        )
    app = office.app(staff_id=karen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_someone_leaves()
        await settle(pilot)
        choices = [str(o.prompt) for o in app.screen.query_one("#choices", OptionList).options]
        await pilot.press(str(next(n for n, c in enumerate(choices, 1) if "Ben Ruiz" in c)))
        await settle(pilot)
        await pilot.press("enter")  # the last day: today
        await settle(pilot)
        assert isinstance(app.screen, LeavingScreen)
        assert "6 still to do" in static_text(pilot, "#leaving-title")  # no steps, no keys
        # The hat: left vacant.
        await pilot.press("enter", "1", "1")
        await settle(pilot)
        holding = HatHolder.get(HatHolder.staff == ben)
        assert holding.until == DAY + dt.timedelta(days=1)
        # The orders: to Jo Desk.
        await pilot.press("down", "enter")
        await settle(pilot)
        people = [str(o.prompt) for o in app.screen.query_one("#choices", OptionList).options]
        await pilot.press(str(next(n for n, c in enumerate(people, 1) if "Jo Desk" in c)))
        await settle(pilot)
        jo = Staff.get(Staff.name == "Jo Desk").id
        assert Order.select().where(Order.to_staff == jo).count() == 2
        # The PIN off; then the practice's own three items ticked.
        await pilot.press("down", "down", "down", "enter", "y")
        await settle(pilot)
        assert Staff.get_by_id(ben).secret is None
        await pilot.press("down")  # past the final evaluation (optional: none wanted)
        for _ in range(3):
            await pilot.press("down", "enter")
            await settle(pilot)
        assert "all done" in static_text(pilot, "#leaving-title")
        await pilot.press("F", "y")
        await settle(pilot)
        assert not Staff.get_by_id(ben).active
        assert Offboarding.get(Offboarding.staff == ben).finished is not None


async def test_l_on_the_staff_roster_starts_a_persons_off_boarding(office: Practice) -> None:
    from textual.widgets import DataTable

    karen = Staff.create(name="Karen Miles", initials="KM", role=Role.OFFICE_MANAGER).id
    jo = Staff.get(Staff.name == "Jo Desk").id
    app = office.app(staff_id=karen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        roster = app.screen.query_one("#roster", DataTable)
        roster.move_cursor(row=roster.get_row_index(str(jo)), animate=False)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("ctrl+u", *"fri", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LeavingScreen)
        assert Offboarding.get(Offboarding.staff == jo).end_date == dt.date(2026, 11, 20)
