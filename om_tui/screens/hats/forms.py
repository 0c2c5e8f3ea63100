"""The hat editor's forms: a post's write-up, a checklist item, one line of text, a yes or no.

Each form checks what it can before it answers (an empty title, a hat name taken, a
due time that is not a time of day) and says so under the field; Enter saves only a
valid form, Escape leaves everything as it was. The practice checks again on saving.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
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

from db.models import Frequency
from om_tui.practice import limits
from om_tui.practice.hats.views import HatError
from om_tui.practice.time_words import clock_text
from om_tui.screens.dialog import Dialog, edited


class ChoiceField(Widget, can_focus=True):
    """One of a few values on one line: ←/→, space or a first letter choose.

    Enter is left alone, so that in a form it saves, as in every other field.
    """

    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right,space", "step(1)", "Next", show=False),
    ]

    index: reactive[int] = reactive(0)
    """Which of the choices is chosen."""

    class Changed(Message):
        """Another choice was made."""

        def __init__(self, field: ChoiceField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> ChoiceField:
            return self.field

    def watch_index(self) -> None:
        self.post_message(self.Changed(self))

    def __init__(self, choices: Sequence[tuple[str, str]], value: str, *, field: str) -> None:
        super().__init__(id=field)
        self._choices = list(choices)
        self.set_reactive(
            ChoiceField.index, next((n for n, (v, _) in enumerate(choices) if v == value), 0)
        )

    @property
    def value(self) -> str:
        return self._choices[self.index][0]

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        for n, (_, label) in enumerate(self._choices):
            chosen = n == self.index
            line.append(f"{'●' if chosen else '○'} {label}", style="bold" if chosen else "")
            line.append("   ")
        return line

    def on_key(self, event: events.Key) -> None:
        letter = (event.character or "").lower()
        for n, (_, label) in enumerate(self._choices):
            if letter and label.lower().startswith(letter):
                self.index = n
                event.stop()
                return

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % len(self._choices)


@dataclass(frozen=True)
class PostFields:
    """A post's write-up: its title, purpose and valuable final product."""

    title: str
    purpose: str = ""
    product: str = ""


class PostForm(Dialog[PostFields | None]):
    """A hat's title, purpose and product; Enter in any field saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="post_form.cancel")]

    def __init__(
        self,
        heading: str,
        fields: PostFields | None = None,
        taken: Collection[str] = (),
        focus: str = "title",
    ) -> None:
        super().__init__()
        self._heading = heading
        self._fields = fields or PostFields("")
        self._taken = {title.casefold() for title in taken}
        self._focus = focus

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("Title")
            yield edited(
                self._fields.title,
                placeholder="Receptionist",
                max_length=limits.HAT_TITLE.longest,
                id="title",
            )
            yield Label("", id="title-error", classes="field-error", markup=False)
            yield Label("Purpose")
            yield edited(
                self._fields.purpose,
                placeholder="To …",
                max_length=limits.HAT_ABOUT.longest,
                id="purpose",
            )
            yield Label("Valuable final product")
            yield edited(self._fields.product, max_length=limits.HAT_ABOUT.longest, id="product")
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(f"#{self._focus}", Input).focus()

    @on(Input.Changed, "#title")
    def _edited(self) -> None:
        self.query_one("#title-error", Label).update("")

    @on(Input.Submitted)
    def _save(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        problem = ""
        if not title:
            problem = "A hat needs a title."
        elif title.casefold() in self._taken:
            problem = f"There is already a hat called {title!r}."
        if problem:
            self.query_one("#title-error", Label).update(problem)
            self.query_one("#title", Input).focus()
            return
        self.answer(
            PostFields(
                title,
                self.query_one("#purpose", Input).value.strip(),
                self.query_one("#product", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        self.answer(None)


@dataclass(frozen=True)
class ItemFields:
    """A checklist item as written: due_time is "HH:MM" or None."""

    text: str
    frequency: str = Frequency.DAILY
    due_time: str | None = None
    shared: bool = False


FREQUENCIES = (
    (Frequency.DAILY, "daily"),
    (Frequency.WEEKLY, "weekly"),
    (Frequency.MONTHLY, "monthly"),
)
DUE_BY = "Due by (optional, like 9:30 or 17:00)"
DUE_BY_WEEK = "Due by the week's end (the stats week's cutoff)"
WHOSE = (("each", "each holder"), ("shared", "one tick for all (shared)"))


class ItemForm(Dialog[ItemFields | None]):
    """A checklist line: its text, how often, by when, and whether holders share one tick."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="item_form.cancel"),
        Binding("enter", "save", "Save", id="item_form.save", show=False),
    ]

    def __init__(self, heading: str, fields: ItemFields | None = None) -> None:
        super().__init__()
        self._heading = heading
        self._fields = fields or ItemFields("")

    def compose(self) -> ComposeResult:
        fields = self._fields
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("What to do")
            yield edited(fields.text, max_length=limits.CHECKLIST_LINE.longest, id="text")
            yield Label("", id="text-error", classes="field-error", markup=False)
            yield Label("How often (←/→ or d, w, m)")
            yield ChoiceField(FREQUENCIES, fields.frequency, field="frequency")
            yield Label(DUE_BY, id="due-label")
            yield edited(fields.due_time or "", placeholder="end of the day", id="due")
            yield Label("", id="due-error", classes="field-error", markup=False)
            yield Label("Ticked by (←/→)")
            yield ChoiceField(WHOSE, "shared" if fields.shared else "each", field="whose")
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()
        self._frequency_chosen()

    @on(ChoiceField.Changed, "#frequency")
    def _frequency_chosen(self) -> None:
        """A weekly item is due by the week's end: no time of day to ask for."""
        weekly = self.query_one("#frequency", ChoiceField).value == Frequency.WEEKLY
        self.query_one("#due-label", Label).update(DUE_BY_WEEK if weekly else DUE_BY)
        self.query_one("#due", Input).disabled = weekly

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        self.query_one(f"#{event.input.id}-error", Label).update("")

    @on(Input.Submitted)
    def action_save(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.query_one("#text-error", Label).update("A checklist item needs its text.")
            self.query_one("#text", Input).focus()
            return
        due = self.query_one("#due", Input)
        try:
            due_time = None if due.disabled else clock_text(due.value, HatError)
        except HatError as error:
            self.query_one("#due-error", Label).update(str(error))
            self.query_one("#due", Input).focus()
            return
        self.answer(
            ItemFields(
                text,
                self.query_one("#frequency", ChoiceField).value,
                due_time,
                self.query_one("#whose", ChoiceField).value == "shared",
            )
        )

    def action_cancel(self) -> None:
        self.answer(None)


class TextPrompt(Dialog[str | None]):
    """One line of text (a duty, a checksheet step); Enter saves what is not empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="text_prompt.cancel")]

    def __init__(
        self,
        heading: str,
        value: str = "",
        required: str = "Type something.",
        hint: str = "Enter save · Esc cancel",
    ) -> None:
        super().__init__()
        self._heading = heading
        self._value = value
        self._required = required
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield edited(self._value, max_length=limits.CHECKLIST_LINE.longest, id="text")
            yield Label("", id="text-error", classes="field-error", markup=False)
            yield Label(self._hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#text-error", Label).update("")

    @on(Input.Submitted)
    def _save(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.query_one("#text-error", Label).update(self._required)
            return
        self.answer(text)

    def action_cancel(self) -> None:
        self.answer(None)


class Confirm(Dialog[bool]):
    """A yes or no before something that cannot be taken back: y or Enter, n or Escape."""

    BINDINGS = [
        Binding("y,enter", "answer_with(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer_with(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "keep it") -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(self._question, classes="dialog-title", markup=False)
            yield Label(
                f"y / Enter {self._yes.lower()} · n / Esc {self._no}", classes="dialog-hint"
            )

    def action_answer_with(self, yes: bool) -> None:
        self.answer(yes)
