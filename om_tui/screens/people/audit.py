"""The audit trail, newest first: who changed what, when, from which terminal.

Filters narrow it by person, by patient (a name or chart number) and by day;
Enter shows a row's values before and after. Older rows are read as the cursor
reaches the bottom. People and hats are named, fields called what a person calls
them (practice.audit). Below 120 columns the table keeps when, who, what and the
patient; the line under it shows the highlighted row's change. For the office
manager and the owner (the palette's "Audit trail").
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.worker import get_current_worker

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.people import audit
from om_tui.practice.people.audit import NOBODY, PAGE, Entry, Page
from om_tui.practice.refusal import Refusal
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.fresh import FreshScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.plain_table import PlainTable
from om_tui.widgets.row_table import RowTable

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

log = logging.getLogger(__name__)


#: The table's columns but the last (the change), which takes the width left: (label, key, width).
COLUMNS = (
    ("When", "when", 20),
    ("Who", "who", 14),
    ("Terminal", "terminal", 14),
    ("What", "what", 30),
    ("Patient", "patient", 18),
)
#: Below this many columns the table drops the terminal and the change (the line under the
#: table shows the highlighted row's change, Enter all of it) and "What" takes the width left.
COMPACT_BELOW = 120
COMPACT_COLUMNS = (
    ("When", "when", 12),
    ("Who", "who", 14),
    ("Patient", "patient", 13),
)


@dataclass(frozen=True)
class Filters:
    """What the person asked to see."""

    person: int | None = None
    patient: str = ""
    day: dt.date | None = None


class AuditScreen(FreshScreen):
    """The trail in a table, newest first, with its filters above."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="audit.back"),
        Binding("w", "filter('person')", "Who", id="audit.person"),
        Binding("n", "filter('patient')", "Patient", id="audit.patient"),
        Binding("d", "filter('day')", "Day", id="audit.day"),
    ]

    class Read(Message):
        """Rows read by the worker: the first page (replacing) or an older one (adding)."""

        def __init__(self, filters: Filters, page: Page, older: bool) -> None:
            super().__init__()
            self.filters = filters
            self.page = page
            self.older = older

    def __init__(self) -> None:
        super().__init__()
        self._filters = Filters()
        self._entries: list[Entry] = []
        self._more = False
        self._reading_older = False
        self._widths: dict[str, int] = {}

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("Audit trail · reading…", id="audit-title")
        with Horizontal(id="audit-filters"):
            yield Select[int](
                [], prompt="Anyone", allow_blank=True, id="audit-person", compact=True
            )
            yield edited("", placeholder="Patient or chart number", id="audit-patient")
            yield edited("", placeholder="Day: today or YYYY-MM-DD", id="audit-day")
        yield Static(id="audit-problem", markup=False)
        yield RowTable[str](id="audit", zebra_stripes=True)
        yield Static(id="audit-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        people = [("No one (command line)", NOBODY)]
        people += [(name, staff_id) for staff_id, name in audit.people(self.om.database)]
        self.query_one("#audit-person", Select).set_options(people)
        self.query_one("#audit", DataTable).focus()
        self.query_one("#audit-problem").display = False
        self._first_read()

    def on_resize(self) -> None:
        if _widths(self.app.size.width) != self._widths:  # laid out for another width
            self._fill()

    # -- reading ---------------------------------------------------------------------------

    def _first_read(self) -> None:
        """The newest page, on the event loop: the screen is drawn once, with its rows (an
        unfiltered page is one read down the trail's index). Every later reading is a
        worker's."""
        om = self.om
        try:
            page = audit.read(om.database, om.practice, limit=PAGE)
        except Exception as error:  # a person never sees a traceback
            log.error("the audit trail could not be read: %s", type(error).__name__)
            self._fill()
            self.notify(
                "The audit trail could not be read (the error is logged).", severity="warning"
            )
            return
        self._show(self.Read(self._filters, page, older=False))

    @on(DataChanged)
    def reload(self) -> None:
        """Read the newest rows again (as many as are shown, at least a page)."""
        self._read(self._filters, None, max(PAGE, len(self._entries)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _read(self, filters: Filters, before_id: int | None, limit: int) -> None:
        om = self.om
        with om.database.connection_context():
            page = audit.read(
                om.database,
                om.practice,
                person=filters.person,
                patient=filters.patient,
                day=filters.day,
                before_id=before_id,
                limit=limit,
            )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(filters, page, older=before_id is not None))

    @on(Read)
    def _show(self, message: Read) -> None:
        if message.filters != self._filters:
            return  # read for filters since changed
        self._reading_older = False
        self._more = message.page.more
        if message.older:
            table = self.query_one("#audit", DataTable)
            oldest = self._entries[-1].id if self._entries else None
            # Only rows older than those shown: a refresh may have reached them meanwhile.
            older = [e for e in message.page.entries if oldest is None or e.id < oldest]
            self._entries += older
            for entry in older:
                self._add_row(table, entry)
        else:
            self._entries = list(message.page.entries)
            self._fill()
        self._show_title()
        self._show_detail()

    def _fill(self) -> None:
        """Lay the table out for the screen's width and put the rows in; the cursor stays."""
        table = self.query_one("#audit", DataTable)
        selected = None
        if table.row_count:
            selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear(columns=True)
        self._widths = _widths(self.app.size.width)
        labels = {key: label for label, key, _ in (*COLUMNS, ("Change", "change", 0))}
        for key, width in self._widths.items():
            table.add_column(labels[key], key=key, width=width)
        for entry in self._entries:
            self._add_row(table, entry)
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected), animate=False)

    def _add_row(self, table: DataTable[Any], entry: Entry) -> None:
        zone, wide = self.om.practice.zone, self._widths["when"] >= 20
        widths = self._widths
        who = Text(_clipped(entry.who, widths["who"]))
        if entry.staff_id is None:
            who.stylize("italic")
        cells: dict[str, Text | str] = {
            "when": time_words.moment_text(entry.at, zone, weekday=False, year=wide, seconds=wide),
            "who": who,
            "terminal": entry.terminal,
            "what": entry.what,
            "patient": entry.patient,
            "change": entry.summary,
        }
        table.add_row(
            *(
                cell if isinstance(cell, Text) else _clipped(cell, widths[key])
                for key, cell in cells.items()
                if key in widths
            ),
            key=str(entry.id),
        )

    def _show_title(self) -> None:
        shown = len(self._entries)
        title = Text.assemble(("Audit trail", "bold"), " · ")
        if not shown:
            title.append("nothing matches" if self._filtering() else "no rows yet")
        else:
            title.append(f"{shown}{'+' if self._more else ''} rows, newest first")
        if self._filtering():
            title.append(" · filtered")
        self.query_one("#audit-title", Static).update(title)

    def _filtering(self) -> bool:
        return self._filters != Filters()

    def _selected(self) -> Entry | None:
        table = self.query_one("#audit", DataTable)
        if not self._entries or table.cursor_row >= len(self._entries):
            return None
        return self._entries[table.cursor_row]

    def _show_detail(self) -> None:
        entry = self._selected()
        text = ""
        if entry is not None:
            text = entry.summary or entry.what
        self.query_one("#audit-detail", Static).update(Text(text))

    # -- the filters -----------------------------------------------------------------------

    @on(Select.Changed, "#audit-person")
    def _person_chosen(self, event: Select.Changed) -> None:
        person = event.value if isinstance(event.value, int) else None
        self._filter(Filters(person, self._filters.patient, self._filters.day))

    @on(Input.Changed, "#audit-patient")
    def _patient_typed(self, event: Input.Changed) -> None:
        self._filter(Filters(self._filters.person, event.value.strip(), self._filters.day))

    @on(Input.Changed, "#audit-day")
    def _day_typed(self, event: Input.Changed) -> None:
        field = self.query_one("#audit-day", Input)
        problem = self.query_one("#audit-problem", Static)
        today = self.om.practice.today(self.om.clock.now())
        try:  # a day looked back at: "fri" is the last Friday
            day = time_words.day(event.value, today, ahead=False) if event.value.strip() else None
        except Refusal:
            field.add_class("-invalid")
            # Half typed, or wrong: the last good day filter stays, and the line says so.
            kept = f"still {self._filters.day.isoformat()}" if self._filters.day else "every day"
            problem.update(
                f"“{event.value.strip()}” is not a day (like yesterday, fri, 12/02 or "
                f"2026-12-02): "
                f"the rows show {kept}."
            )
            problem.display = True
            return
        field.remove_class("-invalid")
        problem.display = False
        self._filter(Filters(self._filters.person, self._filters.patient, day))

    @on(Input.Submitted)
    def _back_to_rows(self, event: Input.Submitted) -> None:
        if not self.query_one("#audit-problem").display:  # a day not understood: put it right
            self.query_one("#audit", DataTable).focus()

    def _filter(self, filters: Filters) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self._entries = []
        self._read(filters, None, PAGE)

    # -- the rows --------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#audit")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        last = event.cursor_row >= len(self._entries) - 1
        if last and self._more and not self._reading_older and self._entries:
            self._reading_older = True
            self._read(self._filters, self._entries[-1].id, PAGE)

    @on(DataTable.RowSelected, "#audit")
    def _selected_row(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.app.push_screen(AuditEntryScreen(entry, self.om.practice.local(entry.at)))

    def action_filter(self, name: str) -> None:
        """Go to one of the filters: person, patient, day."""
        self.query_one(f"#audit-{name}").focus()

    def palette_commands(self) -> list[SystemCommand]:
        """The trail's filters, for the command palette."""
        return [
            SystemCommand(
                "Filter by person", "Who did it (w)", lambda: self.action_filter("person")
            ),
            SystemCommand(
                "Filter by patient",
                "A name or chart number (n)",
                lambda: self.action_filter("patient"),
            ),
            SystemCommand(
                "Filter by day",
                "YYYY-MM-DD, today, yesterday (d)",
                lambda: self.action_filter("day"),
            ),
        ]


def _widths(screen_width: int) -> dict[str, int]:
    """Column key → width for a screen this wide, in the table's order."""
    columns: tuple[tuple[str, str, int], ...]
    if screen_width < COMPACT_BELOW:
        columns = COMPACT_COLUMNS
        wide = "what"  # between who and the patient
    else:
        columns = COLUMNS
        wide = "change"  # last
    # Each column's padding, and the scrollbar.
    used = sum(width for _, _, width in columns) + 2 * (len(columns) + 1) + 2
    widths = {key: width for _, key, width in columns}
    widths[wide] = max(16, screen_width - used)
    order = [key for _, key, _ in COLUMNS] + ["change"]
    return {key: widths[key] for key in order if key in widths}


def _clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class AuditEntryScreen(Dialog[None]):
    """One row of the trail: who, when, where, and each value before and after."""

    BINDINGS = [Binding("escape", "close", "Close", id="audit_entry.close")]

    def __init__(self, entry: Entry, local_at: dt.datetime) -> None:
        super().__init__()
        self._entry = entry
        self._local_at = local_at

    def compose(self) -> ComposeResult:
        entry = self._entry
        with Vertical(classes="dialog wide"):
            yield Label(f"#{entry.id} · {entry.what}", classes="dialog-title", markup=False)
            yield Label(f"When      {time_words.exact_moment(self._local_at)}", markup=False)
            yield Label(f"Who       {entry.who}", markup=False)
            yield Label(f"Terminal  {entry.terminal}", markup=False)
            if entry.patient:
                yield Label(f"Patient   {entry.patient}", markup=False)
            yield PlainTable[str](id="entry-fields", cursor_type="row", zebra_stripes=True)
            yield Label(f"Hash      {entry.hash[:16]}…", id="entry-hash", markup=False)
            yield Label("Esc close", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one("#entry-fields", DataTable)
        entry = self._entry
        if entry.is_row_change:
            table.add_columns("Field", "Before", "After")
            for name, before, after in entry.fields():
                table.add_row(name, before, after)
        elif entry.detail is None:
            table.display = False  # a login, a lock: nothing more to say
        else:
            table.add_columns("Detail", "Value")
            detail = entry.detail if isinstance(entry.detail, dict) else {"": entry.detail}
            for name, value in detail.items():
                table.add_row(name, "—" if value is None else str(value))
        table.focus()

    def action_close(self) -> None:
        self.answer(None)
