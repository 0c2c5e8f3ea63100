"""Check-in search: a few letters of a name, a phone number or a birth date, then Enter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from db.models import Stage
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.flow.board import BOARD_TABLES, Board, BoardRow
from om_tui.practice.flow.stages import FINISHED, STAGE_LABELS
from om_tui.screens.dialog import Dialog

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp
    from om_tui.practice.flow.patients import PatientEntry


@dataclass(frozen=True)
class CheckInChoice:
    """Who to check in — or, with `new_name`, a walk-in not yet on file."""

    patient_id: int | None = None
    appointment_id: int | None = None
    new_name: str | None = None
    new_phone: str = ""


def patient_line(entry: PatientEntry, private: bool = False, indent: str = "") -> Text:
    """A patient found by the search: name · birth date · phone · chart number (in privacy
    mode "First L." · birth year · the phone's last four). The Patients screen lists the same."""
    if private:
        name = f"{entry.first_name} {entry.last_name[:1]}."
        born = f"born {entry.dob.year}" if entry.dob else "DOB —"
        phone = f"…{entry.phone[-4:]}" if entry.phone else "no phone"
    else:
        name = entry.full_name
        born = time_words.numeric_day(entry.dob) if entry.dob else "DOB —"
        phone = entry.phone or "no phone"
    text = Text.assemble(
        (indent, ""),
        (name, ""),
        (f"  · {born}  · {phone}  · #{entry.chart_number}", "dim"),
    )
    if not entry.active:
        text.append("  · inactive", style="italic")
    return text


class CheckInScreen(Dialog[CheckInChoice | None]):
    """Today's appointments match first, then every patient on file."""

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="check_in.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(8)", show=False),
        Binding("pageup", "move(-8)", show=False),
    ]

    SHOWS = BOARD_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, board: Board | None, private: bool = False) -> None:
        super().__init__()
        self._board = board
        self._private = private
        """The board is in privacy mode: names as "First L.", no birth dates or phones."""
        self._choices: list[CheckInChoice] = []
        self._refusals: dict[int, str] = {}

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Check in — name, phone or date of birth", classes="dialog-title")
            yield Input(placeholder="e.g. mar lop, 555-0142, 3/14/1985", id="query")
            yield OptionList(id="matches")
            yield Label("", id="hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.om.load_patients()  # pick up patients added since the last search
        self._show("")
        self.query_one("#query", Input).focus()

    @on(DataChanged)
    def _data_changed(self) -> None:
        """Another terminal changed something: refresh, keeping the highlight on the same person."""
        options = self.query_one("#matches", OptionList)
        index = options.highlighted
        chosen = self._choices[index] if index is not None and index < len(self._choices) else None
        self._board = self.om.flow.board()
        self._show(self.query_one("#query", Input).value)
        if chosen is not None:
            for position, choice in enumerate(self._choices):
                if choice.patient_id == chosen.patient_id and choice.new_name == chosen.new_name:
                    options.highlighted = position
                    break

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        options = self.query_one("#matches", OptionList)
        if options.highlighted is not None:
            self._choose(options.highlighted)

    @on(OptionList.OptionSelected, "#matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        if index in self._refusals:
            self.notify(self._refusals[index], severity="warning")
            return
        self.answer(self._choices[index])

    def _today(self) -> list[BoardRow]:
        rows = self._board.rows if self._board is not None else []
        return sorted(
            rows,
            key=lambda r: (
                r.stage != Stage.SCHEDULED,
                r.appointment_start.timestamp() if r.appointment_start else 0.0,
            ),
        )

    def _show(self, query: str) -> None:
        options = self.query_one("#matches", OptionList)
        hint = self.query_one("#hint", Label)
        index = self.om.patients
        self._choices, self._refusals = [], {}
        prompts: list[Text] = []
        query = query.strip()
        today = self._today()
        if not query:
            for row in today:
                if row.stage == Stage.SCHEDULED:
                    self._add_today(row, prompts)
            hint.update(
                "Expected today, in order. Type to search everyone · Enter check in"
                if prompts
                else "No one else is expected today. Type a name, phone or birth date."
            )
        else:
            today_ids = set()
            for row in today:
                entry = index.get(row.patient_id)
                matched = (
                    index.matches(entry, query)
                    if entry is not None
                    else query.lower() in row.full_name.lower()
                )
                if matched:
                    today_ids.add(row.patient_id)
                    self._add_today(row, prompts)
            for entry in index.search(query, exclude=today_ids):
                self._add_patient(entry, prompts)
            typed_phone = bool(re.fullmatch(r"[\d\s()+.\-]{7,}", query))
            self._choices.append(
                CheckInChoice(
                    new_name=query if query[0].isalpha() else "",
                    new_phone=query if typed_phone else "",
                )
            )
            prompts.append(Text(f"+ New walk-in patient…  ({query})", style="italic"))
            found = len(prompts) - 1
            if found:
                hint.update(f"{found} found · ↑↓ choose · Enter check in · Esc close")
            else:
                hint.update(self._no_match(query))
        options.clear_options()
        options.add_options([Option(prompt) for prompt in prompts])
        if prompts:
            options.highlighted = 0

    def _no_match(self, query: str) -> str:
        index = self.om.patients
        if not index.loaded:
            return (
                f"No patient matches “{query}” (the patient list is still loading). "
                "Enter adds a walk-in."
            )
        if not len(index):
            return f"No patients yet: Enter adds “{query}” as a new walk-in patient."
        return (
            f"No patient matches “{query}”. Enter adds a walk-in; "
            "or try part of the last name, a phone number or a birth date."
        )

    def _add_today(self, row: BoardRow, prompts: list[Text]) -> None:
        practice = self.om.practice
        when = (
            time_words.clock(row.appointment_start, practice.zone)
            if row.appointment_start
            else "walk"
        )
        name = row.short_name if self._private else row.full_name
        text = Text.assemble((f"{when}  ", "bold"), (name, "bold"))
        entry = self.om.patients.get(row.patient_id)
        if entry is not None and entry.dob is not None:  # to tell namesakes apart
            text.append(
                f"  · born {entry.dob.year}"
                if self._private
                else f"  · {time_words.numeric_day(entry.dob)}"
            )
        if row.provider:
            text.append(f"  · {row.provider}")
        if row.stage == Stage.SCHEDULED:
            text.append("  · today", style="italic")
        else:
            state = STAGE_LABELS[row.stage]
            text.append(f"  · {state}", style="dim")
            if row.stage not in FINISHED:
                self._refusals[len(self._choices)] = (
                    f"{row.full_name} is already checked in ({state})."
                )
        self._choices.append(CheckInChoice(row.patient_id, row.appointment_id))
        prompts.append(text)

    def _add_patient(self, entry: PatientEntry, prompts: list[Text]) -> None:
        self._choices.append(CheckInChoice(entry.patient_id))
        prompts.append(patient_line(entry, self._private, indent="       "))

    def action_move(self, step: int) -> None:
        options = self.query_one("#matches", OptionList)
        if options.option_count == 0:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.answer(None)
