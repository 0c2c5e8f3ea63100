"""Care plans as the front desk uses them at 80x24: a plan added and booked from the
patient's card, a visit missed → behind on the card and the Falling-off list; the board's
word at check-in; a plan changed on another terminal refused."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Static

from db.models import Appointment, CallContact, CarePlan, Patient
from om_tui.practice import settings
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.plans.plans import CarePlans
from om_tui.practice.schedule.book import Book
from om_tui.screens.plans.falling_off import FallingOffScreen
from om_tui.screens.plans.forms import PlanBookingForm, PlanForm
from om_tui.screens.plans.plans import PlansScreen

from .conftest import ZONE, Practice, local
from .helpers import paste, screen_lines, settle, warnings

MONDAY = dt.date(2026, 11, 16)  # the office's day is Wednesday 18 November


def card(pilot) -> str:
    return str(pilot.app.screen.query_one("#card", Static).render())


async def test_a_plan_booked_then_a_visit_missed_is_behind_on_the_card_and_falling_off(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await settle(pilot)
        await paste(pilot, "kim")
        await pilot.press("enter")  # to the list, on Walter's card
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PlansScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PlanForm)
        await paste(pilot, "6x3")
        await pilot.press("tab")
        await paste(pilot, "park")
        await pilot.press("tab", "tab")
        await paste(pilot, "11/16")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlanBookingForm)  # offered at once
        await paste(pilot, "thu")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlansScreen)
        booked = list(
            Appointment.select()
            .where(Appointment.patient == office.patients["walter"])
            .order_by(Appointment.start)
        )
        assert len(booked) == 6
        assert [b.provider_id for b in booked] == [office.providers["Dr. Ada Park"]] * 6

    # Thursday's visit missed; Saturday morning: 2 visits expected, none kept.
    office.clock.set(dt.datetime(2026, 11, 21, 10, 0, tzinfo=ZONE))
    Book(office.database, office.clock, settings.load(office.database), ADMINISTRATOR).mark_missed(
        booked[0].id, booked[0].version
    )
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await settle(pilot)
        await paste(pilot, "kim")
        await pilot.press("enter")
        await pilot.pause()
        assert "behind 2" in card(pilot)
        assert "kept 0 of 6 · expected 2" in card(pilot)
        await pilot.press("escape")
        app.action_falling_off()
        await settle(pilot)
        assert isinstance(app.screen, FallingOffScreen)
        table = app.screen.query_one("#falling-off", DataTable)
        assert [str(c) for c in table.get_row_at(0)[:1]] == ["Walter Kim"]
        assert "behind 2" in str(table.get_row_at(0)[2])
        await pilot.press("enter")  # books the plan's next visits
        await pilot.pause()
        assert isinstance(app.screen, PlanBookingForm)


async def test_the_board_says_so_at_check_in_when_the_plan_is_behind(office: Practice) -> None:
    CarePlans(office.database, office.clock, settings.load(office.database), ADMINISTRATOR).add(
        office.patients["nora"], "12x3", None, None, MONDAY - dt.timedelta(weeks=1)
    )
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"qui")
        await pilot.press("enter")
        await settle(pilot)
        said = [w for w in warnings(pilot) if "book the next visits" in w]
        assert said == ["plan: behind 4 — book the next visits before the patient leaves."]


async def test_a_plan_changed_on_another_terminal_is_not_ended_here(office: Practice) -> None:
    plans = CarePlans(office.database, office.clock, settings.load(office.database), ADMINISTRATOR)
    made = plans.add(office.patients["walter"], "12x3", None, None, MONDAY)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlansScreen(office.patients["walter"]))
        await settle(pilot)
        plans.change(made.plan_id, 0, "12x2", "Doctor's re-exam")  # elsewhere, unseen here
        await pilot.press("x")
        await pilot.pause()
        await paste(pilot, "Moved away")
        await pilot.press("enter")
        await settle(pilot)
        assert any("another terminal" in w for w in warnings(pilot))
        assert CarePlan.get_by_id(made.plan_id).state == "active"


async def test_the_plans_screen_fits_80x24(office: Practice) -> None:
    plans = CarePlans(office.database, office.clock, settings.load(office.database), ADMINISTRATOR)
    plans.add(office.patients["walter"], "12x3 8x2 *x1", None, None, MONDAY)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlansScreen(office.patients["walter"]))
        await settle(pilot)
        detail = str(app.screen.query_one("#plans-detail", Static).render())
        assert "12 at 3/week, then 8 at 2/week, then 1/week ongoing" in detail
        assert local(10).date() == dt.date(2026, 11, 18)


async def test_a_call_logged_from_falling_off_is_in_the_call_log(office: Practice) -> None:
    CarePlans(office.database, office.clock, settings.load(office.database), ADMINISTRATOR).add(
        office.patients["nora"], "12x3", None, None, MONDAY - dt.timedelta(weeks=1)
    )
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_call_lists()
        await settle(pilot)
        assert "Falling off" in " ".join(screen_lines(pilot))
        await pilot.press("5")  # the fifth list: Falling off
        await settle(pilot)
        assert isinstance(app.screen, FallingOffScreen)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("down", "enter")  # Left message
        await settle(pilot)
        [contact] = CallContact.select().where(CallContact.patient == office.patients["nora"])
        assert (contact.listed, contact.outcome) == ("falling_off", "left_message")
        assert isinstance(app.screen, FallingOffScreen)


async def test_falling_off_shows_a_name_as_typed_even_with_brackets(office: Practice) -> None:
    """A name is never read as markup: "[/]" in it once stopped the list being drawn."""
    walter = office.patients["walter"]  # on no board today: only this list shows him
    Patient.update(last_name="Kim [/]").where(Patient.id == walter).execute()
    CarePlans(office.database, office.clock, settings.load(office.database), ADMINISTRATOR).add(
        walter, "12x3", None, None, MONDAY - dt.timedelta(weeks=1)
    )
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_falling_off()
        await settle(pilot)
        lines = screen_lines(pilot)
        assert lines[0].split()[:5] == ["Falling", "off", "·", "1", "plans"]
        assert any(line.startswith(" Walter Kim [/]") for line in lines), lines


async def test_a_patient_without_a_plan_is_named_on_their_plans(office: Practice) -> None:
    """P on a card with no plan yet: whose plans these are, and the key to add one."""
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlansScreen(office.patients["walter"]))
        await settle(pilot)
        title = str(app.screen.query_one("#plans-title", Static).render())
        assert title == "Care plans · Walter Kim · none yet: a adds one"
