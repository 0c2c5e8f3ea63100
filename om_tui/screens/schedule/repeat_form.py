"""Repeat an appointment: on which weekdays, every how many weeks, until when."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.screens.dialog import Dialog, edited


@dataclass(frozen=True)
class RepeatFields:
    days: str
    every: str
    ends: str


class RepeatForm(Dialog[RepeatFields | None]):
    """Three short fields; Enter in any of them repeats."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="repeat.cancel")]

    def __init__(self, heading: str, days: str) -> None:
        super().__init__()
        self._heading = heading
        self._days = days

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("On (mon wed fri, mon-fri)")
            yield edited(self._days, id="days")
            yield Label("Every … weeks")
            yield edited("1", id="every")
            yield Label("Ends: a number of times (6), or a day (12/15, +8w); empty: 52 weeks")
            yield edited("", id="ends")
            yield Label("Enter repeat · Tab next field · Esc don't repeat", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#ends", Input).focus()

    @on(Input.Submitted)
    def _save(self) -> None:
        value = {f: self.query_one(f"#{f}", Input).value for f in ("days", "every", "ends")}
        self.answer(RepeatFields(value["days"], value["every"], value["ends"]))

    def action_cancel(self) -> None:
        self.answer(None)
