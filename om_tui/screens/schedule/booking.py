"""Booking a slot: part of the patient's name (the check-in search), Enter, the type
(its length fills in), Enter. A patient not on file is added right there. Tab reaches
the length and the room (its number or part of its name; empty: none)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from om_tui.practice import time_words
from om_tui.practice.flow.patients import NewPatient
from om_tui.practice.schedule.types import TypeLine
from om_tui.screens.dialog import Dialog

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp
    from om_tui.screens.flow.walk_in import WalkInResult


@dataclass(frozen=True)
class BookingRequest:
    """Whom to book (a patient on file, or a new one), as what, for how long."""

    patient_id: int | None
    new: NewPatient | None
    name: str
    type_id: int | None
    minutes: int
    room_id: int | None = None


class BookingForm(Dialog[BookingRequest | None]):
    """The patient first, then the type; Enter books."""

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="booking.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        *(Binding(str(n), f"pick_type({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(
        self,
        heading: str,
        kinds: list[TypeLine],
        kind: int | None = None,
        rooms: Sequence[tuple[int, str]] = (),
    ) -> None:
        super().__init__()
        self._heading = heading
        self._kinds = kinds
        self._kind = kind
        self._rooms = list(rooms)
        self._found: list[tuple[int | None, str]] = []  # (patient id, name); None: a new one
        self._patient: tuple[int | None, NewPatient | None, str] | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Input(placeholder="Patient: part of a name, a phone or a birth date", id="query")
            yield OptionList(id="matches", markup=False)
            yield Label("", id="who", markup=False)
            yield OptionList(
                *(
                    Option(f"{n}  {k.letter}  {k.name}  ({k.minutes} min)", id=str(k.id))
                    for n, k in enumerate(self._kinds, start=1)
                ),
                id="types",
                markup=False,
            )
            yield Input(placeholder="minutes", id="length", compact=True, type="integer")
            listed = " · ".join(f"{n} {name}" for n, (_, name) in enumerate(self._rooms, start=1))
            yield Input(placeholder=f"room: {listed} (empty: none)", id="room", compact=True)
            yield Label("", id="hint", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.om.load_patients()
        self.query_one("#who", Label).display = False
        self._show_types(False)
        self._search("")
        self.query_one("#query", Input).focus()

    def _show_types(self, shown: bool) -> None:
        for selector in ("#types", "#length", "#room"):
            self.query_one(selector).display = shown
        for selector in ("#query", "#matches"):
            self.query_one(selector).display = not shown
        hint = self.query_one("#hint", Label)
        if shown:
            hint.update("↑↓ or 1–9 type · Tab length, room · Enter book · Esc don't book")
        else:
            hint.update("Type to find the patient · ↑↓ choose · Enter next · Esc don't book")

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        options = self.query_one("#matches", OptionList)
        options.clear_options()
        self._found = []
        query = query.strip()
        if not query:
            return
        prompts = []
        for entry in self.om.patients.search(query, limit=20):
            born = time_words.numeric_day(entry.dob) if entry.dob else "DOB —"
            self._found.append((entry.patient_id, entry.full_name))
            prompts.append(
                Text.assemble(entry.full_name, (f"  · {born}  · #{entry.chart_number}", "dim"))
            )
        self._found.append((None, query))
        prompts.append(Text(f"+ New patient…  ({query})", style="italic"))
        options.add_options([Option(p) for p in prompts])
        options.highlighted = 0

    @on(Input.Submitted, "#query")
    def _patient_chosen(self) -> None:
        options = self.query_one("#matches", OptionList)
        if options.highlighted is None or not self._found:
            return
        patient_id, name = self._found[options.highlighted]
        if patient_id is None:
            self._add_new(name)
            return
        self._chose(patient_id, None, name)

    @on(OptionList.OptionSelected, "#matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#matches", OptionList).highlighted = event.option_index
        self._patient_chosen()

    def _add_new(self, name: str) -> None:
        from om_tui.screens.flow.walk_in import WalkInScreen

        def added(result: WalkInResult | None) -> None:
            if result is None:
                return
            if result.new is not None:
                self._chose(None, result.new, f"{result.new.first_name} {result.new.last_name}")
            elif result.existing_id is not None:
                entry = self.om.patients.get(result.existing_id)
                self._chose(result.existing_id, None, entry.full_name if entry else "the patient")

        self.app.push_screen(
            WalkInScreen(name if name[:1].isalpha() else "", title="New patient", verb="book"),
            added,
        )

    def _chose(self, patient_id: int | None, new: NewPatient | None, name: str) -> None:
        self._patient = (patient_id, new, name)
        who = self.query_one("#who", Label)
        who.update(Text.assemble("Patient: ", (name, "bold"), "  (new)" if new else ""))
        who.display = True
        self._show_types(True)
        types = self.query_one("#types", OptionList)
        index = next((i for i, k in enumerate(self._kinds) if k.id == self._kind), 0)
        if self._kinds:
            types.highlighted = index
            self._fill_length(index)
        types.focus()

    @on(OptionList.OptionHighlighted, "#types")
    def _type_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._fill_length(event.option_index)

    def _fill_length(self, index: int) -> None:
        self.query_one("#length", Input).value = str(self._kinds[index].minutes)

    def _room(self) -> tuple[bool, int | None]:
        """The room typed: (understood, its id); a number in the list or part of a name."""
        text = self.query_one("#room", Input).value.strip().lower()
        if not text:
            return True, None
        if text.isdigit() and 1 <= int(text) <= len(self._rooms):
            return True, self._rooms[int(text) - 1][0]
        named = [i for i, name in self._rooms if text in name.lower()]
        return (True, named[0]) if len(named) == 1 else (False, None)

    @on(OptionList.OptionSelected, "#types")
    @on(Input.Submitted, "#length")
    @on(Input.Submitted, "#room")
    def _book(self) -> None:
        if self._patient is None:
            return
        types = self.query_one("#types", OptionList)
        kind = self._kinds[types.highlighted] if types.highlighted is not None else None
        text = self.query_one("#length", Input).value.strip()
        if not text.isdigit():
            self.notify("The length is a number of minutes.", severity="warning")
            self.query_one("#length", Input).focus()
            return
        understood, room = self._room()
        if not understood:
            names = ", ".join(name for _, name in self._rooms) or "none yet"
            self.notify(f"Which room? The rooms: {names}.", severity="warning")
            self.query_one("#room", Input).focus()
            return
        patient_id, new, name = self._patient
        kind_id = kind.id if kind else None
        self.answer(BookingRequest(patient_id, new, name, kind_id, int(text), room))

    def action_move(self, step: int) -> None:
        shown = "#types" if self._patient is not None else "#matches"
        options = self.query_one(shown, OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_pick_type(self, number: int) -> None:
        if self._patient is None:  # typing a phone or a birth date: the digits are text
            query = self.query_one("#query", Input)
            query.insert_text_at_cursor(str(number))
            return
        if number <= len(self._kinds):
            self.query_one("#types", OptionList).highlighted = number - 1

    def action_cancel(self) -> None:
        self.answer(None)
