"""A small modal to pick one of a few things: a room, a provider, how a visit ended.

A choice that needs a second thought (a room someone is already in) says why on its
first Enter and is picked by the second. Its title, choices and hint are plain text: they
carry names (a patient's, a provider's), which show as typed, brackets and all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from om_tui.screens.dialog import Dialog


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    disabled: bool = False  # shown but not to be picked
    confirm: str = ""  # said on the first Enter; the second picks it (a room in use)


class PickerScreen(Dialog[Choice | None]):
    """Enter picks the highlighted line, 1–9 pick by number, Escape leaves unchanged."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
    ]

    HINT = "Enter choose · 1–9 pick · Esc cancel"

    def __init__(
        self, title: str, choices: list[Choice], current: Any = None, hint: str = ""
    ) -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current
        self._hint = hint or self.HINT
        self._armed: int | None = None
        """The choice told of on its first Enter: the next Enter on it picks it."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield OptionList(
                *(
                    Option(
                        f"{n}  {choice.label}" if n < 10 else f"   {choice.label}",
                        id=str(n),
                        disabled=choice.disabled,
                    )
                    for n, choice in enumerate(self._choices, start=1)
                ),
                id="choices",
                markup=False,
            )
            yield Label(self._hint, id="picker-hint", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        # Start on the current value, else the first that can be picked.
        start = next(
            (i for i, c in enumerate(self._choices) if c.value == self._current and not c.disabled),
            next((i for i, c in enumerate(self._choices) if not c.disabled and not c.confirm), 0),
        )
        options.highlighted = start
        options.focus()

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    @on(OptionList.OptionHighlighted, "#choices")
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        if self._armed is not None and event.option_index != self._armed:
            self._armed = None
            self.query_one("#picker-hint", Label).update(self._hint)

    def _choose(self, index: int) -> None:
        choice = self._choices[index]
        if choice.confirm and self._armed != index:
            self._armed = index
            self.query_one(OptionList).highlighted = index
            self.query_one("#picker-hint", Label).update(choice.confirm)
            return
        self.answer(choice)

    def action_pick(self, number: int) -> None:
        if number <= len(self._choices) and not self._choices[number - 1].disabled:
            self._choose(number - 1)
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.answer(None)
