"""A name and one line about it: the form behind a program (and its goal) and an
evaluation criterion (and what it means).

The form checks what it can before it answers (an empty name, a name taken, whatever the
case) and says so under the field; Enter in either field saves only a valid form, Escape
leaves everything as it was. The practice checks again on saving: another terminal may
have taken the name meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.screens.dialog import Dialog, edited


@dataclass(frozen=True)
class NamedFields:
    """A thing as written in the form: its name, and the line about it."""

    name: str
    about: str = ""


class NamedForm(Dialog[NamedFields | None]):
    """A name and a line about it; each kind of thing says what its fields are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="named_form.cancel")
    ]

    THING = "thing"
    """What is named, as in "A program needs a name."."""
    NAME_EXAMPLE = ""
    ABOUT_LABEL = "About it"
    ABOUT_EXAMPLE = ""
    NAME_LONGEST: int | None = None
    ABOUT_LONGEST: int | None = None
    WIDE = False

    def __init__(self, heading: str, fields: NamedFields | None = None, intro: str = "") -> None:
        super().__init__()
        self._heading = heading
        self._fields = fields or NamedFields("")
        self._intro = intro

    def taken(self, name: str) -> str | None:
        """Why `name` cannot be this one's, said under the field; None: it can."""
        return None

    def compose(self) -> ComposeResult:
        fields = self._fields
        with Vertical(classes="dialog wide" if self.WIDE else "dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            if self._intro:
                yield Label(self._intro, id="form-intro", markup=False)
            yield Label("Name")
            yield edited(
                fields.name, placeholder=self.NAME_EXAMPLE, max_length=self.NAME_LONGEST, id="name"
            )
            yield Label("", id="name-error", classes="field-error", markup=False)
            yield Label(self.ABOUT_LABEL, markup=False)
            yield edited(
                fields.about,
                placeholder=self.ABOUT_EXAMPLE,
                max_length=self.ABOUT_LONGEST,
                id="about",
            )
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _edited(self) -> None:
        self.query_one("#name-error", Label).update("")

    @on(Input.Submitted)
    def _save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        problem = f"A {self.THING} needs a name." if not name else self.taken(name)
        if problem:
            self.query_one("#name-error", Label).update(problem)
            self.query_one("#name", Input).focus()
            return
        self.answer(NamedFields(name, self.query_one("#about", Input).value.strip()))

    def action_cancel(self) -> None:
        self.answer(None)
