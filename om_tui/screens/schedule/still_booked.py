"""Shown instead of "Deactivate?" when the provider still has patients booked from now
on: the list, and what to do — move each to another provider (m in the book, 9) or
cancel it with a reason (c) — before they can be taken off the staff. (The practice
refuses the deactivation too: om_tui.practice.people.still_booked.)"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label

from om_tui.practice.people.still_booked import Booking, when
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.dialog import Dialog


class StillBookedDialog(Dialog[bool]):
    """The provider's bookings from now on; Enter or Escape closes, 9 opens the book."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "answer_with(False)", "Close", id="still_booked.close"),
        Binding("9", "answer_with(True)", "Open the book", id="still_booked.book"),
    ]

    def __init__(self, name: str, bookings: list[Booking], practice: PracticeSettings) -> None:
        super().__init__()
        self._name = name
        self._bookings = bookings
        self._practice = practice

    def compose(self) -> ComposeResult:
        count = len(self._bookings)
        with Vertical(classes="dialog still-booked"):
            yield Label(
                f"{self._name} has {count} appointment{'s' if count > 1 else ''} from now on: "
                "move each to another provider (m in the book) or cancel it with a reason "
                "(c), then deactivate.",
                classes="dialog-title",
            )
            with VerticalScroll(id="still-booked-list"):
                for entry in self._bookings:
                    kind = f"  {entry.type_name}" if entry.type_name else ""
                    yield Label(
                        f"{when(self._practice, entry.start)}  {entry.full_name}{kind}",
                        markup=False,
                    )
            yield Label("9 open the book · Enter / Esc close", classes="dialog-hint")

    def action_answer_with(self, book: bool) -> None:
        self.answer(book)
