"""Find a patient on file with the check-in search, to answer a question about them: the
other record of a patient to merge into the one on screen (the Patients screen's `m`),
or whom an imported appointment is for (the import queue's `/`). Typing narrows the list
as it does at check-in; a query may be given to start from (the name a source gave)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from om_tui.practice.schedule.patients import PatientRecord
from om_tui.screens.dialog import Dialog, edited
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

    def __init__(
        self,
        title: str,
        hint: str,
        *,
        query: str = "",
        exclude: Iterable[int] = (),
        inactive: bool = False,
    ) -> None:
        super().__init__()
        self._title = title
        self._hint = hint
        self._query = query
        self._exclude = list(exclude)
        self._inactive = inactive

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield edited(
                self._query, placeholder="name, phone, birth date or chart number", id="query"
            )
            yield OptionList(id="matches", compact=True, markup=False)
            yield Label(self._hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self._search(self._query)
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        option = self.query_one("#matches", OptionList).highlighted_option
        if option is not None and option.id is not None:
            self.answer(int(option.id))

    def _search(self, query: str) -> None:
        entries = self.om.patients.search(query, exclude=self._exclude, inactive=self._inactive)
        matches = self.query_one("#matches", OptionList)
        matches.set_options([Option(patient_line(e), id=str(e.patient_id)) for e in entries])
        matches.highlighted = 0 if entries else None

    def action_move(self, step: int) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(matches.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.answer(None)


def merge_finder(keep: PatientRecord) -> PatientFinder:
    """The other record of `keep`'s patient: inactive records too, never `keep` itself."""
    return PatientFinder(
        f"Merge into {keep.full_name} (chart #{keep.chart_number}): "
        "find the other record of the same person",
        "↑↓ choose · Enter merge into it… (asks first) · Esc don't merge",
        exclude=[keep.patient_id],
        inactive=True,
    )
