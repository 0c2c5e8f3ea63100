"""One small form for every book setting: a few labelled fields on one line each (typed,
or chosen with ←/→), checked before it answers, the problem said under them.

The practice checks again on saving (another terminal may have changed the same thing
meanwhile); the form only spares the person a round trip for what it can see is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from om_tui.practice.refusal import Refusal
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.hats.forms import ChoiceField


@dataclass(frozen=True)
class Field:
    """One line of the form: typed, or one of `choices` (value, shown) chosen by ←/→."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: Sequence[tuple[str, str]] = ()


class OneOfMany(ChoiceField):
    """A choice among too many to show at once (the providers): the chosen one, ←/→."""

    def render(self) -> Text:
        label = self._choices[self.index][1]
        where = f"   {self.index + 1} of {len(self._choices)}, ←/→"
        return Text.assemble("◀ ", (label, "bold"), " ▶", (where, "dim"), no_wrap=True)


WIDEST_CHOICES = 50
"""Choices whose labels take more than this are shown one at a time."""

Values = dict[str, str]
Check = Callable[[Values], None]
"""Raises a Refusal about what is wrong; its message is shown under the fields."""


class SettingForm(Dialog[Values | None]):
    """Enter saves what passes `check`; Escape leaves everything as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="setting_form.cancel"),
        # A field's own Enter (an Input's) submits it; on a choice, this one saves.
        Binding("enter", "save", "Save", id="setting_form.save", show=False),
    ]

    def __init__(
        self, heading: str, fields: Sequence[Field], check: Check | None = None, hint: str = ""
    ) -> None:
        super().__init__()
        self._heading = heading
        self._fields = list(fields)
        self._check = check
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog setting-form"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            if self._hint:
                yield Label(self._hint, classes="setting-hint", markup=False)
            for field in self._fields:
                with Horizontal(classes="setting-row"):
                    yield Label(field.label, classes="setting-label", markup=False)
                    if field.choices:
                        wide = sum(len(label) + 5 for _, label in field.choices)
                        kind = OneOfMany if wide > WIDEST_CHOICES else ChoiceField
                        yield kind(field.choices, field.value, field=field.name)
                    else:
                        yield edited(field.value, placeholder=field.placeholder, id=field.name)
            yield Label("", id="setting-problem", classes="field-error", markup=False)
            yield Label(
                "Enter save · Tab next field · ←/→ choose · Esc don't save",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(f"#{self._fields[0].name}").focus()

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#setting-problem", Label).update("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def values(self) -> Values:
        found: Values = {}
        for field in self._fields:
            widget = self.query_one(f"#{field.name}")
            found[field.name] = (
                widget.value if isinstance(widget, Input | ChoiceField) else field.value
            )
        return found

    def action_save(self) -> None:
        values = self.values()
        if self._check is not None:
            try:
                self._check(values)
            except Refusal as refusal:
                self.query_one("#setting-problem", Label).update(str(refusal))
                return
        self.answer(values)

    def action_cancel(self) -> None:
        self.answer(None)
