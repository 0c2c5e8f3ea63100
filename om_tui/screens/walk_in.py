"""Walk-in: a patient without an appointment — full name first, Enter saves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from peewee import Database
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from om_tui.practice.flow import Change, Flow
from om_tui.practice.patients import (
    NewPatient,
    PatientEntry,
    PatientInputError,
    add_patient,
    read_new_patient,
)

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


@dataclass(frozen=True)
class WalkInResult:
    """Either a patient already on file, or a new one to add."""

    existing_id: int | None = None
    new: NewPatient | None = None

    def check_in(self, flow: Flow, database: Database) -> Change:
        """Add the patient if new, and check them in — one transaction."""
        with database.atomic():
            if self.new is not None:
                patient_id = add_patient(database, flow.clock, self.new).id
            else:
                assert self.existing_id is not None
                patient_id = self.existing_id
            return flow.check_in(patient_id)


FIELDS = ("name", "dob", "phone")


class WalkInScreen(ModalScreen[WalkInResult | None]):
    """A short form; the same name and birth date already on file is offered instead."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="walk_in.cancel"),
        Binding("ctrl+n", "add_anyway", "Add as new patient", id="walk_in.add_anyway"),
    ]

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self._name = name
        self._offered: PatientEntry | None = None
        self._new: NewPatient | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Walk-in patient", classes="dialog-title")
            yield Label("Full name")
            yield Input(self._name, placeholder="First Last", id="name", compact=True)
            yield Label("", id="name-error", classes="field-error")
            yield Label("Date of birth (optional)")
            yield Input(placeholder="MM/DD/YYYY", id="dob", compact=True)
            yield Label("", id="dob-error", classes="field-error")
            yield Label("Phone (optional)")
            yield Input(placeholder="555-123-4567", id="phone", compact=True)
            yield Label("", id="phone-error", classes="field-error")
            yield Label("", id="offer", classes="offer")
            yield Label(
                "Enter save and check in · Tab next field · Esc cancel", classes="dialog-hint"
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
            self.dismiss(WalkInResult(existing_id=self._offered.patient_id))
            return
        values = {field: self.query_one(f"#{field}", Input).value for field in FIELDS}
        today = self.om.flow.today()
        try:
            new = read_new_patient(values["name"], values["dob"], values["phone"], today)
        except PatientInputError as error:
            self.query_one(f"#{error.field}-error", Label).update(str(error))
            self.query_one(f"#{error.field}", Input).focus()
            return
        same = self.om.patients.same_person(new)
        if same is None:
            self.dismiss(WalkInResult(new=new))
            return
        self._offered, self._new = same, new
        offer = self.query_one("#offer", Label)
        offer.update(
            f"Already on file: {same.full_name}, born {same.dob:%m/%d/%Y}, "
            f"chart #{same.chart_number}.\n"
            "Enter checks in this patient · ctrl+n adds a new patient anyway"
        )
        offer.display = True

    def action_add_anyway(self) -> None:
        if self._offered is not None and self._new is not None:
            self.dismiss(WalkInResult(new=self._new))

    def action_cancel(self) -> None:
        self.dismiss(None)
