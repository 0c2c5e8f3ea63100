"""The orders' and programs' forms: an order (or a program step), a note, a program.

Each form checks what it can before it answers — nobody chosen, no text, a due day that
cannot be read or is past — and says so under the field; Enter saves only a valid form,
Escape leaves everything as it was. The practice checks again on saving. A field opened
with a value keeps it on focus: what is typed goes on at the end, not over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label

from om_tui.practice.owner.orders.due import due_example, due_said, parse_due
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.orders.views import LONGEST_PROGRAM_NAME, LONGEST_TEXT, OrderError
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.named_form import NamedFields, NamedForm
from om_tui.screens.picker import Choice, PickerScreen

Whom = tuple[str, int]
"""Whom an order is for: ("staff", id) or ("post", id)."""


def whom_ids(whom: Whom) -> tuple[int | None, int | None]:
    """(to_staff, to_post): what the practice's orders take."""
    kind, found = whom
    return (found, None) if kind == "staff" else (None, found)


def whom_choices(orders: Orders) -> list[Choice]:
    """Active people by name, then the posts (a post nobody holds cannot be chosen)."""
    choices = [Choice(("staff", person_id), name) for person_id, name in orders.people()]
    for post_id, title, holders in orders.posts():
        held = ", ".join(holders) if holders else "nobody holds it"
        choices.append(Choice(("post", post_id), f"{title} (post: {held})", disabled=not holders))
    return choices


class WhomField(Widget, can_focus=True):
    """Whom it is for: space (or any letter) opens the list of people and posts."""

    BINDINGS = [Binding("space", "pick", "Choose", show=False)]

    chosen: reactive[Choice | None] = reactive(None)
    """The person or post chosen, or None yet."""

    class Changed(Message):
        """Someone (or some post) else was chosen."""

        def __init__(self, field: WhomField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> WhomField:
            return self.field

    def __init__(self, choices: Sequence[Choice], chosen: Choice | None, *, field: str) -> None:
        super().__init__(id=field)
        self._choices = list(choices)
        self.set_reactive(WhomField.chosen, chosen)

    def watch_chosen(self) -> None:
        self.post_message(self.Changed(self))

    def render(self) -> Text:
        if self.chosen is None:
            return Text("— space: choose a person or a post —", style="dim")
        return Text.assemble(self.chosen.label, ("   (space: change)", "dim"))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isalpha():
            event.stop()
            self.action_pick()

    def action_pick(self) -> None:
        def picked(choice: Choice | None) -> None:
            if choice is not None:
                self.chosen = choice

        current = self.chosen.value if self.chosen is not None else None
        self.app.push_screen(PickerScreen("For whom?", self._choices, current=current), picked)


@dataclass(frozen=True)
class OrderFields:
    """An order (or a program step) as written in the form."""

    whom: Whom
    whom_label: str
    text: str
    due_on: dt.date
    due_time: str | None = None

    @property
    def to_staff(self) -> int | None:
        return whom_ids(self.whom)[0]

    @property
    def to_post(self) -> int | None:
        return whom_ids(self.whom)[1]


class OrderForm(Dialog[OrderFields | None]):
    """For whom, what, and due when; Enter in any field saves, Esc cancels.

    A program step uses it too (`with_time=False`): a step is due by a day.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="order_form.cancel"),
        Binding("enter", "save", "Save", id="order_form.save", show=False),
    ]

    def __init__(
        self,
        heading: str,
        orders: Orders,
        fields: OrderFields | None = None,
        *,
        what: str = "What is to be done",
        with_time: bool = True,
        keep_past_due: dt.date | None = None,
    ) -> None:
        super().__init__()
        self._heading = heading
        self._orders = orders
        self._fields = fields
        self._what = what
        self._with_time = with_time
        self._keep_past_due = keep_past_due
        """A step's due day as it was: kept, it may be past."""
        self._choices = whom_choices(orders)
        self._open_days = orders.open_days()

    def compose(self) -> ComposeResult:
        fields = self._fields
        chosen = None
        if fields is not None:
            chosen = next((c for c in self._choices if c.value == fields.whom), None)
            chosen = chosen or Choice(fields.whom, fields.whom_label)
        due = ""
        if fields is not None:
            due = fields.due_on.isoformat() + (f" {fields.due_time}" if fields.due_time else "")
        example = due_example(self._orders.today(), self._open_days, self._with_time)
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("For whom")
            yield WhomField(self._choices, chosen, field="whom")
            yield Label("", id="whom-error", classes="field-error", markup=False)
            yield Label(self._what, markup=False)
            yield edited(fields.text if fields else "", max_length=LONGEST_TEXT, id="text")
            yield Label("", id="text-error", classes="field-error", markup=False)
            yield Label(
                f"Due ({example})" if self._with_time else f"Due by ({example})", markup=False
            )
            yield edited(due, placeholder=example, id="due")
            yield Label("", id="due-said", classes="field-hint", markup=False)
            yield Label("", id="due-error", classes="field-error", markup=False)
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        if self._fields is None:
            self.query_one("#whom", WhomField).focus()
            self.call_after_refresh(self.query_one("#whom", WhomField).action_pick)
        else:
            self.query_one("#text", Input).focus()
        self._due_changed()

    @on(WhomField.Changed)
    def _whom_chosen(self) -> None:
        self.query_one("#whom-error", Label).update("")
        if self.query_one("#whom", WhomField).chosen is not None and self.is_mounted:
            self.query_one("#text", Input).focus()

    @on(Input.Changed, "#text")
    def _text_changed(self) -> None:
        self.query_one("#text-error", Label).update("")

    @on(Input.Changed, "#due")
    def _due_changed(self) -> None:
        """Say what the due reads as, while it is typed: "→ Fri 20 Nov 17:00"; a day the
        practice is closed, said so ("→ tomorrow, Sat 21 Nov · closed on Saturdays; …")."""
        self.query_one("#due-error", Label).update("")
        typed = self.query_one("#due", Input).value
        said = due_reading(typed, self._orders.today(), self._open_days)
        self.query_one("#due-said", Label).update(said)

    def _due(self) -> tuple[dt.date, str | None]:
        """The due day and time typed, or OrderError saying why it cannot be."""
        orders = self._orders
        due_on, due_time = parse_due(self.query_one("#due", Input).value, orders.today())
        if not self._with_time and due_time is not None:
            raise OrderError("A step is due by a day: leave the time out.")
        if due_on != self._keep_past_due:
            orders.check_due(due_on, due_time)
        return due_on, due_time

    @on(Input.Submitted)
    def action_save(self) -> None:
        whom = self.query_one("#whom", WhomField).chosen
        text = self.query_one("#text", Input).value.strip()
        problems: list[tuple[str, str]] = []
        if whom is None:
            problems.append(("whom", "Choose whom it is for (space)."))
        if not text:
            problems.append(("text", "Say what is to be done."))
        due: tuple[dt.date, str | None] | None = None
        try:
            due = self._due()
        except OrderError as error:
            problems.append(("due", str(error)))
        for field, problem in problems:
            self.query_one(f"#{field}-error", Label).update(problem)
        if problems:
            self.query_one(f"#{problems[0][0]}").focus()
            return
        assert whom is not None and due is not None
        self.answer(OrderFields(whom.value, whom.label, text, due[0], due[1]))

    def action_cancel(self) -> None:
        self.answer(None)


def due_reading(typed: str, today: dt.date, open_days: frozenset[int]) -> str:
    """What a due being typed reads as ("→ Fri 20 Nov 17:00"); nothing while it does not."""
    if not typed.strip():
        return ""
    try:
        return due_said(*parse_due(typed, today), today, open_days)
    except OrderError:
        return ""


class NotePrompt(Dialog[str | None]):
    """A note with an answer: optional ("done", "accept") or required ("send back").

    `reads`, given: a line under the field says what the text typed reads as (a due).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note_prompt.cancel")]

    def __init__(
        self,
        heading: str,
        question: str,
        *,
        required: str | None = None,
        hint: str = "Enter save · Esc cancel",
        value: str = "",
        reads: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self._heading = heading
        self._question = question
        self._required = required
        self._hint = hint
        self._value = value
        self._reads = reads

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", id="note-heading", markup=False)
            yield Label(self._question, id="note-question", markup=False)
            yield edited(self._value, max_length=LONGEST_TEXT, id="note")
            if self._reads is not None:
                yield Label("", id="note-reads", classes="field-hint", markup=False)
            yield Label("", id="note-error", classes="field-error", markup=False)
            yield Label(self._hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        self.query_one("#note-error", Label).update("")
        if self._reads is not None:
            self.query_one("#note-reads", Label).update(self._reads(event.value))

    @on(Input.Submitted)
    def _save(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if self._required is not None and not note:
            self.query_one("#note-error", Label).update(self._required)
            return
        self.answer(note)

    def action_cancel(self) -> None:
        self.answer(None)


class ProgramForm(NamedForm):
    """A program's name and the owner's goal for it; Enter in either field saves."""

    THING = "program"
    NAME_EXAMPLE = "Reactivate 200 patients"
    ABOUT_LABEL = "The goal: what it is for, by when"
    ABOUT_EXAMPLE = "To …"
    WIDE = True
    NAME_LONGEST = LONGEST_PROGRAM_NAME
    ABOUT_LONGEST = LONGEST_TEXT

    def __init__(
        self, heading: str, fields: NamedFields | None = None, taken: Collection[str] = ()
    ) -> None:
        super().__init__(heading, fields)
        self._taken = {name.casefold() for name in taken}

    def taken(self, name: str) -> str | None:
        if name.casefold() in self._taken:
            return f"There is already a program called {name!r}."
        return None
