"""What every call list screen shares: a title line, a table a patient a line (worst
first), a line about the row under the cursor, and the keys — Enter books, `l` logs a
contact, Esc goes back. Each list (confirmations.py, recall.py, unscheduled.py, asap.py)
says what it reads, its columns and what Enter does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.calls.contacts import OUTCOMES, Calls
from om_tui.practice.calls.rules import CallRules, load_rules
from om_tui.practice.schedule.book import Booked
from om_tui.practice.schedule.slots import next_free
from om_tui.practice.schedule.types import appointment_types
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.screens.schedule.consent import write_with_consent
from om_tui.screens.schedule.pinned import Booking, Pinned
from om_tui.widgets.footer import Footer
from om_tui.widgets.row_table import RowTable

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

Row = TypeVar("Row")
MOST_SHOWN = 200
"""The longest list drawn: more than a day's calls; the title says how many there are."""
LOGGED_BY_HAND = ("called", "left_message", "not_reachable", "do_not_contact")


class CallListScreen(FreshScreen, Generic[Row]):
    """A call list: one patient a line, worst first (styled once as it is first shown:
    FreshScreen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="calls.back"),
        Binding("enter", "book", "Book", id="calls.book", priority=True),
        Binding("l", "log", "Log call", id="calls.log"),
    ]
    TITLE_TEXT = ""
    LISTED = ""
    COLUMNS: ClassVar[tuple[tuple[str, int | None], ...]] = ()

    class Read(Message):
        """The worker's reading of the list, for the screen to show (handled once the
        screen is mounted: a message waits for its mounting)."""

        def __init__(self, rows: list[Any]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.total = 0
        self.keep_place = False
        """The next filling keeps the cursor's line, not its patient (a confirmed patient
        goes down the list; the next one to call comes up under the cursor)."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def calls(self) -> Calls:
        om = self.om
        return Calls(om.database, om.clock, om.practice, om.acting_id)

    @property
    def rules(self) -> CallRules:
        return load_rules(self.om.database)

    def compose(self) -> ComposeResult:
        yield Static(id="calls-title", markup=False)
        yield RowTable(id="calls-table", zebra_stripes=True)
        yield Static(id="calls-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#calls-table", DataTable)
        for label, width in self.COLUMNS:
            table.add_column(label, width=width, key=label)
        table.focus()
        # First read here, on the event loop, so that the first paint shows the list: read
        # in a worker beside the mounting (an empty table drawn, then the rows, the read
        # and the drawing taking turns for the interpreter) an opening cost about twice
        # the CPU time, even recall's (mostly the store's work). Read again off the loop.
        self._fill(self.read())

    # -- what each list says -------------------------------------------------------

    def read(self) -> list[Row]:
        raise NotImplementedError

    def key_of(self, row: Row) -> str:
        raise NotImplementedError

    def cells(self, row: Row) -> Sequence[str | Text]:
        raise NotImplementedError

    def heading(self) -> Text:
        return Text.assemble((self.TITLE_TEXT, "bold"), f" · {self.total}")

    def describe(self, row: Row) -> str:
        return ""

    def patient_of(self, row: Row) -> int:
        return int(getattr(row, "patient_id"))  # noqa: B009 - every list's rows have one

    # -- drawing ---------------------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Read the list again, off the event loop (a large practice's recall takes a
        moment); the table is filled when it is read."""
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-list")
    def _read(self) -> None:
        with self.om.database.connection_context():
            everyone = self.read()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(everyone))

    @on(Read)
    def _read_done(self, message: Read) -> None:
        self._fill(message.rows)

    def _fill(self, everyone: list[Row]) -> None:
        if not self.is_attached:  # left before the list was read again
            return
        table = self.query_one("#calls-table", DataTable)
        chosen, place = self.current(), table.cursor_row
        self.total = len(everyone)
        self.rows = everyone[:MOST_SHOWN]
        table.clear()
        for row in self.rows:
            table.add_row(*(_fitting(cell) for cell in self.cells(row)), key=self.key_of(row))
        keys = [self.key_of(r) for r in self.rows]
        if self.keep_place and self.rows:
            table.move_cursor(row=min(place, len(self.rows) - 1), animate=False)
        elif chosen is not None and self.key_of(chosen) in keys:
            table.move_cursor(row=keys.index(self.key_of(chosen)), animate=False)
        self.keep_place = False
        title = self.heading()
        if len(self.rows) == MOST_SHOWN:
            title.append(f" · the first {MOST_SHOWN} shown", style="dim")
        self.query_one("#calls-title", Static).update(title)
        self._show_detail()

    def current(self) -> Row | None:
        if not self.is_attached:
            return None
        table = self.query_one("#calls-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#calls-table")
    def _show_detail(self) -> None:
        row = self.current()
        detail = self.query_one("#calls-detail", Static)
        if row is None:
            detail.update("Nobody on this list now.")
        else:
            detail.update(self.describe(row))

    def when(self, moment: dt.datetime) -> str:
        return time_words.moment_text(moment, self.om.practice.zone)

    def may_call(self) -> bool:
        if not self.om.may("book"):
            self.notify("Calls are logged by the front desk and the managers.", severity="warning")
            return False
        return True

    # -- writing ---------------------------------------------------------------------

    def said(self, text: str) -> None:
        self.notify(text, timeout=4)
        self.reload()

    def save(self, change: Callable[[], str]) -> None:
        self.om.write(change, self.said)

    def book_with_consent(self, operation: Callable[[Collection[str]], Booked]) -> None:
        write_with_consent(self.om, operation, lambda done: self.said(done.description))

    def offer_next_free(
        self,
        patient_id: int,
        name: str,
        type_id: int | None,
        provider_id: int | None,
        book: Booking,
    ) -> None:
        """Enter on a patient: the next free slot of their usual type with their usual
        provider (any, if none) — Enter books it — or another day or time, picked in the
        book with the patient pinned to it (Enter there books them the list's way)."""
        kinds = appointment_types()
        kind = next((k for k in kinds if k.id == type_id), kinds[0] if kinds else None)
        minutes = kind.minutes if kind is not None else 15
        chosen_kind = kind.id if kind is not None else None
        calls = self.calls
        now = self.om.clock.now()
        found = next_free(calls.book, minutes, provider_id, now)
        if found is None and provider_id is not None:
            found = next_free(calls.book, minutes, None, now)
        pinned = Pinned(name, self.TITLE_TEXT.lower(), minutes, chosen_kind, book)
        what = f" ({kind.name}, {minutes} min)" if kind is not None else ""
        choices = [Choice("book", "Another day or time, in the book")]
        if found is not None:
            provider = dict(calls.book.providers()).get(found.provider_id, "")
            choices.insert(0, Choice(found, f"Next free: {self.when(found.start)}, {provider}"))

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            if choice.value == "book":
                from om_tui.screens.calls.to_book import show_in_book

                at = found.start if found is not None else now
                show_in_book(self.om, found.provider_id if found else provider_id, at, pinned)
                return
            slot = choice.value
            self.book_with_consent(book(slot.start, minutes, slot.provider_id, chosen_kind))

        self.app.push_screen(PickerScreen(f"Book {name}{what}", choices), chosen)

    # -- actions ---------------------------------------------------------------------

    def action_book(self) -> None:
        raise NotImplementedError

    def action_log(self) -> None:
        row = self.current()
        if row is None or not self.may_call():
            return
        patient = self.patient_of(row)
        choices = [Choice(key, OUTCOMES[key]) for key in LOGGED_BY_HAND]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                calls, listed, outcome = self.calls, self.LISTED, str(choice.value)
                self.save(lambda: calls.log(patient, listed, outcome, self.appointment_of(row)))

        self.app.push_screen(PickerScreen("What came of the call?", choices), chosen)

    def appointment_of(self, row: Row) -> int | None:
        return None


def _fitting(cell: str | Text) -> Text:
    """A cell cut with "…" where its column ends (a long name says it was cut)."""
    text = Text(cell) if isinstance(cell, str) else cell.copy()
    text.no_wrap, text.overflow = True, "ellipsis"
    return text
