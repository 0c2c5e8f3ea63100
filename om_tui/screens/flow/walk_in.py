"""Walk-in: a patient without an appointment — full name first, Enter saves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.practice import limits, time_words
from om_tui.practice.flow.moves import Change, Flow
from om_tui.practice.flow.patients import (
    NewPatient,
    PatientEntry,
    new_patient_problems,
    read_new_patient,
)
from om_tui.screens.dialog import Dialog, edited

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


@dataclass(frozen=True)
class WalkInResult:
    """Either a patient already on file, or a new one to add."""

    existing_id: int | None = None
    new: NewPatient | None = None

    def check_in(self, flow: Flow) -> Change:
        """The patient checked in as a walk-in (added first if new): one practice operation."""
        if self.new is not None:
            return flow.walk_in(self.new)
        assert self.existing_id is not None
        return flow.walk_in(self.existing_id)


FIELDS = ("name", "dob", "phone")


class WalkInScreen(Dialog[WalkInResult | None]):
    """A short form; the same name and birth date already on file is offered instead."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="walk_in.cancel"),
        Binding("ctrl+n", "add_anyway", "Add as new patient", id="walk_in.add_anyway"),
    ]

    def __init__(
        self,
        name: str = "",
        phone: str = "",
        *,
        title: str = "Walk-in patient",
        verb: str = "check in",
    ) -> None:
        super().__init__()
        self._name = name
        self._phone = phone
        self._title = title
        self._verb = verb
        """What Enter does with the patient: "check in" (the board), "book" (the book)."""
        self._verbs = "checks in" if verb == "check in" else f"{verb}s"
        self._offered: PatientEntry | None = None
        self._new: NewPatient | None = None
        self._namesakes_shown = False

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield Label("Full name")
            yield edited(
                self._name or "",
                placeholder="First Last",
                max_length=limits.PERSON_NAME.longest,
                id="name",
            )
            yield Label("", id="name-error", classes="field-error", markup=False)
            yield Label("Date of birth (optional)")
            yield edited("", placeholder="MM/DD/YYYY", id="dob")
            yield Label("", id="dob-error", classes="field-error", markup=False)
            yield Label("Phone (optional)")
            yield edited(
                self._phone,
                placeholder="555-123-4567",
                max_length=limits.PHONE.longest,
                id="phone",
            )
            yield Label("", id="phone-error", classes="field-error", markup=False)
            yield Label("", id="offer", classes="offer", markup=False)
            yield Label(
                f"Enter save and {self._verb} · Tab next field · Esc cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.om.load_patients()
        self.query_one("#offer", Label).display = False
        self.query_one("#name", Input).focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        if event.input.id in FIELDS:
            self.query_one(f"#{event.input.id}-error", Label).update("")
        if self._offered is not None:
            self._offered = None
            self.query_one("#offer", Label).display = False

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self._offered is not None:
            self.answer(WalkInResult(existing_id=self._offered.patient_id))
            return
        values = {field: self.query_one(f"#{field}", Input).value for field in FIELDS}
        today = self.om.flow.today()
        problems = new_patient_problems(values["name"], values["dob"], values["phone"], today)
        if problems:
            for field in FIELDS:
                self.query_one(f"#{field}-error", Label).update(problems.get(field, ""))
            self.query_one(f"#{next(iter(problems))}", Input).focus()
            return
        new = read_new_patient(values["name"], values["dob"], values["phone"], today)
        same = self.om.patients.same_person(new)
        if same is None:
            namesakes = (
                []
                if new.dob is not None or self._namesakes_shown
                else (self.om.patients.same_name(new))
            )
            if not namesakes:
                self.answer(WalkInResult(new=new))
                return
            # Same name, no birth date to tell them apart: ask before a duplicate.
            self._namesakes_shown, self._new = True, new
            born = ", ".join(
                time_words.numeric_day(e.dob) if e.dob else "DOB unknown" for e in namesakes[:4]
            )
            offer = self.query_one("#offer", Label)
            offer.update(
                f"{len(namesakes)} patient(s) named {new.first_name} {new.last_name} on file "
                f"(born {born}).\nAdd the date of birth to find them · ctrl+n adds a new patient"
            )
            offer.display = True
            self.query_one("#dob", Input).focus()
            return
        self._offered, self._new = same, new
        offer = self.query_one("#offer", Label)
        born = time_words.numeric_day(same.dob) if same.dob else "unknown"
        offer.update(
            f"Already on file: {same.full_name}, born {born}, "
            f"chart #{same.chart_number}.\n"
            f"Enter {self._verbs} this patient · ctrl+n adds a new patient anyway"
        )
        offer.display = True

    def action_add_anyway(self) -> None:
        if (self._offered is not None or self._namesakes_shown) and self._new is not None:
            self.answer(WalkInResult(new=self._new))

    def action_cancel(self) -> None:
        self.answer(None)
