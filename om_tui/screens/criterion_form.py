"""An evaluation criterion's name and what it means: the form behind `a` and `e` on the
criteria screen.

The form checks what it can before it answers (an empty name, a name taken, whatever the
case, by a criterion in use or retired) and says so under the field; Enter saves only a
valid form, Escape leaves everything as it was. The practice checks again on saving: another
terminal may have taken the name meanwhile.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.practice.evaluations import LONGEST_DESCRIPTION, LONGEST_NAME, Criterion
from om_tui.screens.dialog import Dialog, edited


@dataclass(frozen=True)
class CriterionFields:
    """A criterion as written in the form."""

    name: str
    description: str = ""


class CriterionForm(Dialog[CriterionFields | None]):
    """A criterion's name and description; Enter in either field saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="criterion_form.cancel")]

    def __init__(
        self,
        heading: str,
        others: Collection[Criterion],
        fields: CriterionFields | None = None,
        about: str = "",
    ) -> None:
        super().__init__()
        self._heading = heading
        self._fields = fields or CriterionFields("")
        self._about = about
        # Every other criterion's name, in use or retired: the practice keeps names unique.
        self._taken = {other.name.casefold(): other for other in others}

    def compose(self) -> ComposeResult:
        fields = self._fields
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title")
            if self._about:
                yield Label(self._about, id="criterion-about")
            yield Label("Name")
            yield edited(
                fields.name, placeholder="Patient care", max_length=LONGEST_NAME, id="name"
            )
            yield Label("", id="name-error", classes="field-error")
            yield Label("What it means (shown when rating; optional)")
            yield edited(
                fields.description,
                placeholder="Kind, on time, explains what happens next.",
                max_length=LONGEST_DESCRIPTION,
                id="description",
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
        problem = ""
        other = self._taken.get(name.casefold())
        if not name:
            problem = "A criterion needs a name."
        elif other is not None:
            problem = f"There is already a criterion called {other.name!r}" + (
                "." if other.active else ", retired: r on it brings it back."
            )
        if problem:
            self.query_one("#name-error", Label).update(problem)
            self.query_one("#name", Input).focus()
            return
        self.answer(CriterionFields(name, self.query_one("#description", Input).value.strip()))

    def action_cancel(self) -> None:
        self.answer(None)
