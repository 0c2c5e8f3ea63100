"""The manager's condition for a stat's week, with the reason (the computed one stays)."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from om_tui.practice import limits, time_words
from om_tui.practice.stats.board import StatRow
from om_tui.practice.stats.conditions import CONDITION_LABELS, CONDITION_ORDER, Condition
from om_tui.screens.dialog import Dialog, edited


class ConditionOverrideScreen(Dialog[tuple[Condition | None, str] | None]):
    """Pick a condition, say why, Enter. "Computed" takes an override away."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="override.cancel")]

    def __init__(self, row: StatRow, week: dt.date) -> None:
        super().__init__()
        self._row = row
        self._week = week
        self._choices: list[Condition | None] = [None, *reversed(CONDITION_ORDER)]

    def compose(self) -> ComposeResult:
        computed = self._row.computed_condition
        with Vertical(classes="dialog"):
            yield Label(
                f"Condition of {self._row.name}, "
                f"week ending {time_words.day_text(self._week, weekday=False)}",
                classes="dialog-title",
                markup=False,
            )
            yield OptionList(
                Option(f"Computed ({CONDITION_LABELS[computed] if computed else '—'})"),
                *(Option(CONDITION_LABELS[c]) for c in reversed(CONDITION_ORDER)),
                id="conditions",
                markup=False,
            )
            yield Label("Reason (kept with the override)")
            yield edited(
                self._row.override[1] if self._row.override else "",
                max_length=limits.REASON.longest,
                id="reason",
            )
            yield Label("", id="override-error", classes="field-error", markup=False)
            yield Label(
                "Choose, Tab to the reason, Enter saves · Esc cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        current = self._row.override[0] if self._row.override else None
        options.highlighted = self._choices.index(current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    def _save(self) -> None:
        options = self.query_one(OptionList)
        condition = self._choices[options.highlighted or 0]
        reason = self.query_one("#reason", Input).value.strip()
        if condition is not None and not reason:
            self.query_one("#override-error", Label).update(
                "Say why: an override keeps its reason."
            )
            return
        self.answer((condition, reason))

    def action_cancel(self) -> None:
        self.answer(None)
