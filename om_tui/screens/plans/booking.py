"""Booking a care plan's visits from a screen: the form, then the book's own questions
(a double-booking, a slot outside the hours) answered by a key, as in the book."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from om_tui.practice.plans.pace import Standing
from om_tui.practice.plans.plans import CarePlans
from om_tui.practice.plans.typed import BookingFields, read_at, read_day, read_days
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule.book import Booked
from om_tui.screens.plans.forms import PlanBookingForm
from om_tui.screens.schedule.consent import write_with_consent

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


def plans_of(om: OmTuiApp) -> CarePlans:
    return CarePlans(om.database, om.clock, om.practice, om.acting_id)


def book_plan(om: OmTuiApp, standing: Standing, done: Callable[[], None]) -> None:
    """Ask from when, at what time, on which days; book the plan's visits still to book."""
    plans = plans_of(om)
    heading = f"Book the care plan's visits · {standing.patient_name}"

    def typed(fields: BookingFields | None) -> None:
        if fields is None:
            return
        today = plans.today()
        try:
            first_day = read_day(fields.first_day or "tomorrow", today)
            at, days = read_at(fields.at), read_days(fields.days)
        except Refusal as error:
            om.notify(str(error), severity="warning")
            return

        def booking(consent: Collection[str]) -> Booked:
            made = plans_of(om).book(
                standing.plan_id, standing.version, first_day, at, days, consent
            )
            return Booked(made.plan_id, made.description)

        def booked(result: Booked) -> None:
            om.notify(result.description, timeout=5)
            done()

        write_with_consent(om, booking, booked)

    om.push_screen(PlanBookingForm(heading, plans.suggested_days(standing)), typed)
