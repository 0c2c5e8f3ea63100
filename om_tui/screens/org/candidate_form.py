"""A job candidate as the manager types them in: only what hiring needs."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.practice.org.hiring import FIELD_LENGTH, NOTES_LENGTH
from om_tui.screens.dialog import Dialog, edited


class CandidateForm(Dialog[tuple[str, str, str, str] | None]):
    """A candidate: name, how to reach them, where they came from, notes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="candidate_form.cancel")
    ]

    def __init__(self, heading: str) -> None:
        super().__init__()
        self._heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("Name")
            yield edited("", placeholder="Rosa Diaz", max_length=FIELD_LENGTH, id="name")
            yield Label("", id="name-error", classes="field-error", markup=False)
            yield Label("How to reach them")
            yield edited(
                "", placeholder="555-0100, rosa@example.com", max_length=FIELD_LENGTH, id="contact"
            )
            yield Label("Where they came from")
            yield edited(
                "",
                placeholder="Indeed, a patient's referral …",
                max_length=FIELD_LENGTH,
                id="source",
            )
            yield Label("Notes (only what hiring needs)")
            yield edited("", max_length=NOTES_LENGTH, id="notes")
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _edited(self) -> None:
        self.query_one("#name-error", Label).update("")

    @on(Input.Submitted)
    def _save(self) -> None:
        values = [
            self.query_one(f"#{name}", Input).value.strip()
            for name in ("name", "contact", "source", "notes")
        ]
        if not values[0]:
            self.query_one("#name-error", Label).update("A candidate needs a name.")
            self.query_one("#name", Input).focus()
            return
        self.answer((values[0], values[1], values[2], values[3]))

    def action_cancel(self) -> None:
        self.answer(None)
