"""A small modal to pick one of a few things: a room, a provider, how a visit ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str


class PickerScreen(ModalScreen[Choice | None]):
    """Enter picks the highlighted line, 1–9 pick by number, Escape leaves unchanged."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__()
        self._title = title
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield OptionList(
                *(
                    Option(f"{n}  {choice.label}" if n < 10 else f"   {choice.label}", id=str(n))
                    for n, choice in enumerate(self._choices, start=1)
                ),
                id="choices",
            )
            yield Label("Enter choose · 1–9 pick · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[event.option_index])

    def action_pick(self, number: int) -> None:
        if number <= len(self._choices):
            self.dismiss(self._choices[number - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)
