"""The line's forms: a new item for the owner, and a note (a handling, a batch, an answer).

Each form checks what it can before it answers (an item with no text, a note that is
required) and says so under the field; Enter saves only a valid form, Escape leaves
everything as it was. The line checks again on saving. What is typed in a field goes on
at the end of what is there, never over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from db.models import LineKind, LinePriority
from om_tui.practice.owner.line.items import KIND_TITLES, MAX_TEXT
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.hats.forms import ChoiceField

KINDS = tuple((kind.value, KIND_TITLES[kind].lower()) for kind in LineKind)
PRIORITIES = ((LinePriority.NORMAL.value, "normal"), (LinePriority.HIGH.value, "high"))
MIN_TEXT = 3
"""Fewer letters than this is a slip of the keys, not an item."""
URGENCY = (("no", "no: with the next batch"), ("urgent", "urgent: to the owner at once"))


@dataclass(frozen=True)
class ItemFields:
    """A new item as written."""

    kind: str
    text: str
    priority: str = LinePriority.NORMAL
    urgent: bool = False


class NewItemForm(Dialog[ItemFields | None]):
    """What kind of item, what it says, its priority, and whether it is urgent."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="line_item_form.cancel"),
        Binding("enter", "save", "Save", id="line_item_form.save", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("A new item for the owner's line", classes="dialog-title")
            yield Label("What kind (←/→ or q, r, p, a)")
            yield ChoiceField(KINDS, LineKind.QUESTION, field="kind")
            yield Label("What is it about")
            yield edited("", id="text", max_length=MAX_TEXT)
            yield Label("", id="text-error", classes="field-error", markup=False)
            yield Label("Priority (←/→ or n, h)")
            yield ChoiceField(PRIORITIES, LinePriority.NORMAL, field="priority")
            yield Label("Urgent (←/→ or n, u) — an urgent item skips the batch")
            yield ChoiceField(URGENCY, "no", field="urgent")
            yield Label(
                "Urgent goes to the owner at once; the rest, the office manager reads first.",
                classes="dialog-hint",
            )
            yield Label("Enter send · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        # The fields in the order they are read: what kind first, then the words.
        self.query_one("#kind", ChoiceField).focus()

    @on(Input.Changed, "#text")
    def _edited(self) -> None:
        self.query_one("#text-error", Label).update("")

    @on(Input.Submitted)
    def action_save(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if len(text) < MIN_TEXT:
            self.query_one("#text-error", Label).update(
                "An item for the line needs its text: what is it about?"
            )
            self.query_one("#text", Input).focus()
            return
        self.answer(
            ItemFields(
                self.query_one("#kind", ChoiceField).value,
                text,
                self.query_one("#priority", ChoiceField).value,
                self.query_one("#urgent", ChoiceField).value == "urgent",
            )
        )

    def action_cancel(self) -> None:
        self.answer(None)


class NoteForm(Dialog[str | None]):
    """A note on an item: required (a handling, an answer by note) or not (approve, batch).

    Answers the note ("" for none), or None when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="line_note.cancel"),
        Binding("pageup", "scroll_about(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_about(1)", "Scroll down", show=False),
    ]

    def __init__(self, heading: str, about: str, label: str, required: str | None = None) -> None:
        super().__init__()
        self._heading = heading
        self._about = about
        self._label = label
        self._required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            with VerticalScroll(id="note-about-box"):
                yield Static(self._about, id="note-about", markup=False)
            yield Label(self._label, markup=False)
            yield edited(
                "", id="note", max_length=MAX_TEXT, placeholder="" if self._required else "(none)"
            )
            yield Label("", id="note-error", classes="field-error", markup=False)
            yield Label("Enter save · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#note-error", Label).update("")

    @on(Input.Submitted)
    def _save(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if not note and self._required:
            self.query_one("#note-error", Label).update(self._required)
            return
        self.answer(note)

    def action_scroll_about(self, pages: int) -> None:
        """A long item read while the note is typed: page up and down through it."""
        box = self.query_one("#note-about-box", VerticalScroll)
        box.scroll_to(y=box.scroll_y + pages * max(1, box.size.height - 1), animate=False)

    def action_cancel(self) -> None:
        self.answer(None)
