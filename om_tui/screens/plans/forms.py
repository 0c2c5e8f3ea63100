"""The care plan forms: a new plan (phases in a few keys), and booking a plan's visits."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.practice.plans.typed import BookingFields, PlanFields
from om_tui.screens.dialog import Dialog, edited


class PlanForm(Dialog[PlanFields | None]):
    """Phases, provider, type, first day; Enter in any field adds the plan."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="plan_form.cancel")]

    def __init__(self, heading: str, provider: str = "", kind: str = "") -> None:
        super().__init__()
        self._heading = heading
        self._provider = provider
        self._kind = kind

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("Phases: visits x a week (12x3 8x2 *x1; * no end)")
            yield edited("", id="phases")
            yield Label("Provider (a name, or empty)")
            yield edited(self._provider, id="provider")
            yield Label("Appointment type (name or letter)")
            yield edited(self._kind, id="kind")
            yield Label("First day (empty: today; 11/16, -2w, mon)")
            yield edited("", id="first_day")
            yield Label("", id="plan-error", classes="field-error", markup=False)
            yield Label("Enter add · Tab next field · Esc don't add", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#phases", Input).focus()

    @on(Input.Submitted)
    def _save(self) -> None:
        value = {f: self.query_one(f"#{f}", Input).value for f in PlanFields.__dataclass_fields__}
        if not value["phases"].strip():
            self.query_one("#plan-error", Label).update("The phases first, like 12x3 8x2 *x1.")
            self.query_one("#phases", Input).focus()
            return
        self.answer(PlanFields(**value))

    def action_cancel(self) -> None:
        self.answer(None)


class PlanBookingForm(Dialog[BookingFields | None]):
    """From which day, at what time, on which weekdays; Enter books."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="plan_booking.cancel")]

    def __init__(self, heading: str, days: str) -> None:
        super().__init__()
        self._heading = heading
        self._days = days

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("From (mon, 12/15, +1w; empty: tomorrow)")
            yield edited("", id="first_day")
            yield Label("At (9:30)")
            yield edited("9:00", id="at")
            yield Label("Weekdays, a set a phase (mon wed fri | tue thu)")
            yield edited(self._days, id="days")
            yield Label("Enter book · Tab next field · Esc don't book", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#first_day", Input).focus()

    @on(Input.Submitted)
    def _save(self) -> None:
        value = {f: self.query_one(f"#{f}", Input).value for f in ("first_day", "at", "days")}
        self.answer(BookingFields(**value))

    def action_cancel(self) -> None:
        self.answer(None)
