"""Find the other record of a patient, to merge it into the one on screen (the Patients
screen's `m`): the same search as check-in, inactive records too, never the one kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from om_tui.practice.schedule.patients import PatientRecord
from om_tui.screens.dialog import Dialog
from om_tui.screens.flow.check_in import patient_line

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


class PatientFinder(Dialog[int | None]):
    """Type, ↑↓ to choose, Enter answers the patient's id; Escape answers None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="patient_finder.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, keep: PatientRecord) -> None:
        super().__init__()
        self._keep = keep

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        keep = self._keep
        with Vertical(classes="dialog wide"):
            yield Label(
                f"Merge into {keep.full_name} (chart #{keep.chart_number}): "
                "find the other record of the same person",
                classes="dialog-title",
            )
            yield Input(
                placeholder="name, phone, birth date or chart number", id="query", compact=True
            )
            yield OptionList(id="matches", compact=True)
            yield Label(
                "↑↓ choose · Enter merge into it… (asks first) · Esc don't merge",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        entries = self.om.patients.search(
            event.value, exclude=[self._keep.patient_id], inactive=True
        )
        matches = self.query_one("#matches", OptionList)
        matches.set_options([Option(patient_line(e), id=str(e.patient_id)) for e in entries])
        matches.highlighted = 0 if entries else None

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        option = self.query_one("#matches", OptionList).highlighted_option
        if option is not None and option.id is not None:
            self.answer(int(option.id))

    def action_move(self, step: int) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(matches.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.answer(None)
