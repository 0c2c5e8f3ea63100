"""Patients: find a patient (the check-in search), see their card, and keep their record.

Opened with `f` from the board, or "Patients" in the menu (ctrl+p); `c` on the board
opens it on the selected visit's patient. Type a name, phone, birth date or chart
number; ↓ or Enter goes to the list, where `e` (or Enter) corrects the record, `a` adds a
patient (ctrl+n from the search field), `i` marks them inactive (or active again), `m`
merges another record of the same person into this one, and `/` goes back to the search.
Inactive patients are found here (marked so), never at check-in. The rules live in
om_tui.practice.schedule.patients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from om_tui.messages import DataChanged
from om_tui.practice.flow.patients import PatientEntry
from om_tui.practice.schedule.patients import (
    PATIENTS_TABLES,
    PatientCard,
    PatientFields,
    PatientRecord,
    PatientRecords,
    RecordError,
)
from om_tui.practice.words import counted
from om_tui.screens.flow.check_in import patient_line
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.plans.marks import card_plans
from om_tui.screens.schedule.patient_card import card_header, card_lines
from om_tui.screens.schedule.patient_finder import merge_finder
from om_tui.screens.schedule.patient_form import PatientForm
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


class PatientsScreen(FreshScreen):
    """The search on top, the matches under it, the highlighted patient's card below."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="patients.back"),
        Binding("slash", "search", "Search", id="patients.search"),
        Binding("e", "edit", "Edit", id="patients.edit"),
        # ctrl+n from the search field too, where a letter is typed.
        Binding("a,ctrl+n", "add", "Add", id="patients.add"),
        Binding("i", "active(False)", "Inactive", id="patients.inactive"),
        Binding("i", "active(True)", "Active again", id="patients.active"),
        Binding("m", "merge", "Merge", id="patients.merge"),
        Binding("P", "app.care_plans", "Care plans", id="patients.care_plans"),
        Binding("down", "to_list", show=False),
    ]

    SHOWS = PATIENTS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, patient_id: int | None = None) -> None:
        super().__init__()
        self._start_with = patient_id
        """The patient the screen opens on (the board's `c`), shown before any search."""
        self._entries: list[PatientEntry] = []
        self._card: PatientCard | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def records(self) -> PatientRecords:
        om = self.om
        return PatientRecords(om.database, om.clock, om.practice, om.acting_id)

    def compose(self) -> ComposeResult:
        yield Static(id="patients-title", markup=False)
        yield Input(
            placeholder="Find: name, phone, birth date or chart number", id="find", compact=True
        )
        yield OptionList(id="found", compact=True, markup=False)
        yield Static(id="card", markup=False)
        yield Static(id="card-lines", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.om.load_patients()
        self._search("")
        if self._start_with is not None:
            self.query_one("#found", OptionList).focus()
        else:
            self.query_one("#find", Input).focus()

    # -- reading and drawing --------------------------------------------------------------

    @on(DataChanged)
    def _data_changed(self) -> None:
        """Another terminal (or this one) changed something: read the list and card again."""
        self.om.load_patients()
        self._search(self.query_one("#find", Input).value, keep=self._highlighted_id())

    @on(Input.Changed, "#find")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#find")
    def _submitted(self) -> None:
        self.action_to_list()

    def _search(self, query: str, keep: int | None = None) -> None:
        index = self.om.patients
        query = query.strip()
        if query:
            self._entries = index.search(query, inactive=True)
        else:
            self._entries = self._start_entry()
        found = self.query_one("#found", OptionList)
        found.set_options([Option(patient_line(e), id=str(e.patient_id)) for e in self._entries])
        place = next(
            (n for n, e in enumerate(self._entries) if e.patient_id == keep),
            0 if self._entries else None,
        )
        found.highlighted = place
        title = Text("Patients", style="bold")
        if query:
            title.append(
                f" · {len(self._entries)} found" + (" or more" if len(self._entries) >= 40 else "")
            )
        elif self._start_with is not None:
            title.append(" · the card · / search · ctrl+n new patient")
        elif not len(index) and not self.records.any_patients():
            title.append(" · no patients yet: ctrl+n adds the first")
        else:
            title.append(" · type to find · ↓ the list · ctrl+n new patient")
        self.query_one("#patients-title", Static).update(title)
        self._show_card()

    def _start_entry(self) -> list[PatientEntry]:
        """The patient the screen was opened on, read from the record (the search's list may
        still be loading, and leaves out records merged away)."""
        if self._start_with is None:
            return []
        try:
            r = self.records.record(self._start_with)
        except RecordError:
            return []
        return [
            PatientEntry(
                r.patient_id,
                r.first_name,
                r.last_name,
                r.dob,
                r.phone,
                r.chart_number,
                "",
                r.active,
            )
        ]

    def _highlighted_id(self) -> int | None:
        option = self.query_one("#found", OptionList).highlighted_option
        return int(option.id) if option is not None and option.id is not None else None

    @on(OptionList.OptionHighlighted, "#found")
    def _show_card(self) -> None:
        patient_id = self._highlighted_id()
        card, lines = self.query_one("#card", Static), self.query_one("#card-lines", Static)
        self._card = None
        if patient_id is not None:
            try:
                self._card = self.records.card(patient_id)
            except RecordError:
                self._card = None
        self.refresh_bindings()
        if self._card is None:
            query = self.query_one("#find", Input).value.strip()
            card.update(
                Text(f"No patient matches “{query}”. ctrl+n adds a new patient.", style="dim")
                if query
                else ""
            )
            lines.update("")
            return
        today = self.om.practice.today(self.om.clock.now())
        card.update(
            card_header(self._card, today) + card_plans(self.om, self._card.record.patient_id)
        )
        lines.update(card_lines(self._card, self.om.practice))

    @on(OptionList.OptionSelected, "#found")
    def _chosen(self) -> None:
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Record keys for those who keep records; Edit, Inactive, Merge on a patient."""
        if action not in ("edit", "add", "active", "merge"):
            return True
        if not self.om.may("patients"):
            return False
        if action == "add":
            return True
        record = self._record()
        if record is None or record.merged_into is not None:
            return False
        return action != "active" or parameters[0] != record.active

    def plan_patient_id(self) -> int | None:
        """The patient whose care plans P opens: the card's."""
        return self._card.record.patient_id if self._card is not None else None

    def _record(self) -> PatientRecord | None:
        return self._card.record if self._card is not None else None

    # -- writing ---------------------------------------------------------------------------

    def _save(self, change: Callable[[], PatientRecord], said: str) -> None:
        def done(record: PatientRecord) -> None:
            self.om.load_patients()
            self._start_with = record.patient_id
            self._search(self.query_one("#find", Input).value, keep=record.patient_id)
            if not any(e.patient_id == record.patient_id for e in self._entries):
                # Not among the matches (a new patient, a name corrected): show them alone.
                self.query_one("#find", Input).value = ""
            self.notify(said.format(name=record.full_name), timeout=4)

        self.om.write(change, done)

    def _form(
        self,
        heading: str,
        fields: PatientFields | None,
        save: Callable[[PatientFields], Callable[[], PatientRecord]],
        said: str,
    ) -> None:
        def answered(typed: PatientFields | None) -> None:
            if typed is not None and typed != fields:
                self._save(save(typed), said)

        om = self.om
        self.app.push_screen(PatientForm(heading, om.clock, om.practice, fields), answered)

    # -- actions ---------------------------------------------------------------------------

    def action_search(self) -> None:
        field = self.query_one("#find", Input)
        field.focus()
        field.action_end()

    def action_to_list(self) -> None:
        found = self.query_one("#found", OptionList)
        if found.option_count:
            found.focus()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        records = self.records
        query = self.query_one("#find", Input).value.strip()
        start = PatientFields(query if query[:1].isalpha() else "")
        self._form(
            "New patient",
            start,
            lambda typed: lambda: records.add(typed),
            "{name} added.",
        )

    def action_edit(self) -> None:
        record = self._record()
        if record is None or not self.check_action("edit", ()):
            return
        records = self.records
        self._form(
            f"Correct {record.full_name}'s record (chart #{record.chart_number})",
            record.fields(),
            lambda typed: lambda: records.edit(record, typed),
            "{name}: saved.",
        )

    def action_active(self, active: bool) -> None:
        record = self._record()
        if record is None or record.merged_into is not None or record.active == active:
            return
        records = self.records
        if active:
            self._save(lambda: records.set_active(record, True), "{name} is active again.")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: records.set_active(record, False),
                    "{name} is inactive: i on the card makes them active again.",
                )

        question = (
            f"Mark {record.full_name} inactive? Their history stays; check-in and booking "
            "no longer offer them. i makes them active again."
        )
        self.app.push_screen(Confirm(question, yes="Mark inactive"), confirmed)

    def action_merge(self) -> None:
        keep = self._record()
        if keep is None or keep.merged_into is not None:
            return
        records = self.records

        def found(other: int | None) -> None:
            if other is None:
                return
            try:
                away = records.card(other)
            except RecordError as refusal:
                self.notify(str(refusal), severity="warning")
                return
            self._confirm_merge(keep, away)

        self.app.push_screen(merge_finder(keep), found)

    def _confirm_merge(self, keep: PatientRecord, away: PatientCard) -> None:
        records, other = self.records, away.record
        history = counted(len(away.upcoming) + away.past_count, "appointment or visit")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: records.merge(keep, other),
                    f"{other.full_name} (chart #{other.chart_number}) merged into {{name}}.",
                )

        question = (
            f"Merge {other.full_name} (chart #{other.chart_number}: {history} on file) into "
            f"{keep.full_name} (chart #{keep.chart_number})? Everything of "
            f"{other.first_name}'s moves to {keep.full_name}'s record; the other stays, "
            "inactive, for the record. It cannot be undone."
        )
        self.app.push_screen(Confirm(question, yes="Merge"), confirmed)

    def palette_commands(self) -> list[SystemCommand]:
        if not self.om.may("patients"):
            return []
        return [SystemCommand("Add a patient", "A new patient's record (a)", self.action_add)]
