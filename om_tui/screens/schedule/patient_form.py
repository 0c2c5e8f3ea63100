"""A patient's record as a form: name, date of birth, phone, email, notes — to add a patient
or correct one. The fields are checked by the practice's rules (the same as at check-in)
before the form answers; the practice checks again on saving (a duplicate, a record
changed on another terminal) and the screen that opened the form says what it refused."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from om_tui.practice import limits
from om_tui.practice.clock import Clock
from om_tui.practice.schedule.patients import (
    LONGEST_EMAIL,
    LONGEST_NOTES,
    PatientFields,
    field_problems,
)
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.dialog import Dialog, edited

#: (field, label, example)
FIELDS = (
    ("name", "Full name", "First Last"),
    ("dob", "Date of birth", "MM/DD/YYYY"),
    ("phone", "Phone", "555-123-4567"),
    ("email", "Email", "name@example.com"),
    ("notes", "Notes", "e.g. prefers mornings"),
)
LONGEST = {
    "name": limits.PERSON_NAME.longest,
    "phone": limits.PHONE.longest,
    "email": LONGEST_EMAIL,
    "notes": LONGEST_NOTES,
}


class PatientForm(Dialog[PatientFields | None]):
    """Enter in any field saves a valid form; Escape leaves the record as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="patient_form.cancel")
    ]

    def __init__(
        self,
        heading: str,
        clock: Clock,
        settings: PracticeSettings,
        fields: PatientFields | None = None,
        refusal: str = "",
    ) -> None:
        super().__init__()
        self._heading = heading
        self._clock = clock
        self._settings = settings
        self._fields = fields or PatientFields("")
        self._refusal = refusal
        """What the practice refused last time this form was sent (shown above the hint)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            for name, label, example in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(label, markup=False)
                    yield edited(
                        getattr(self._fields, name),
                        placeholder=example,
                        max_length=LONGEST.get(name, 120),
                        id=name,
                    )
                yield Label("", id=f"{name}-error", classes="field-error", markup=False)
            yield Label(self._refusal, id="refusal", classes="field-error", markup=False)
            yield Label("Enter save · Tab next field · Esc don't save", classes="dialog-hint")

    def on_mount(self) -> None:
        for name, *_ in FIELDS:
            self.query_one(f"#{name}-error", Label).display = False
        self.query_one("#refusal", Label).display = bool(self._refusal)
        self.query_one("#name", Input).focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        error = self.query_one(f"#{event.input.id}-error", Label)
        error.update("")
        error.display = False

    @on(Input.Submitted)
    def _save(self) -> None:
        typed = PatientFields(*(self.query_one(f"#{name}", Input).value for name, *_ in FIELDS))
        problems = field_problems(typed, self._settings.today(self._clock.now()))
        if problems:
            for name, *_ in FIELDS:
                error = self.query_one(f"#{name}-error", Label)
                error.update(problems.get(name, ""))
                error.display = name in problems
            self.query_one(f"#{next(iter(problems))}", Input).focus()
            return
        self.answer(typed)

    def action_cancel(self) -> None:
        self.answer(None)
