"""Falling off: patients behind their care plan's pace or with nothing booked ahead,
worst first (the most visits short, then nothing booked, then the longest away).
Opened from the menu ("Falling off") and the call lists. Enter books the plan's next
visits; `o` opens the patient's plans. The rules live in om_tui.practice.plans.pace.

The list is read as the screen opens, on the event loop, and the table is filled once
before the screen is first drawn: the person is waiting for just that, and read in a
thread beside the screen's first drawing (an empty table drawn, then the full one, the
read and the drawing taking turns) it cost about half again as much, measured on the
large practice. A change made elsewhere is read again off the loop.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from peewee import Database
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.clock import Clock
from om_tui.practice.plans.pace import PACE_TABLES, FallingOff, Standing, Standings
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.plans.booking import book_plan
from om_tui.screens.plans.plans import pace_text
from om_tui.widgets.footer import Footer
from om_tui.widgets.row_table import RowTable

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

SHOWN = 200
"""Rows drawn at most: the worst of them (the title says how many in all). A day's calls
are far fewer, and a table of thousands takes seconds to fill."""
COLUMNS = (("Patient", 18), ("Phone", 12), ("Pace", 12), ("Kept", 7), ("Last", 6), ("Plan", 14))


class FallingOffScreen(FreshScreen):
    """A row a plan falling off, worst first."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="falling_off.back"),
        Binding("enter", "book", "Book", id="falling_off.book"),
        Binding("o", "open", "Plans", id="falling_off.open"),
        Binding("l", "log", "Log call", id="falling_off.log"),
    ]

    SHOWS = PACE_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._standings: list[Standing] = []

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="falling-off-title", markup=False)
        yield RowTable(id="falling-off", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#falling-off", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width, key=label)
        # The table, the screen's one focusable widget, has the focus already.
        om = self.om
        self._fill(Standings(om.database, om.clock, om.practice).falling_off(SHOWN))

    @on(DataChanged)
    def reload(self) -> None:
        """Read the list again off the event loop (the person may be busy on the screen)."""
        om = self.om
        self._read(om.database, om.clock, om.practice)

    @work(thread=True, exclusive=True, exit_on_error=False, group="falling-off")
    def _read(self, database: Database, clock: Clock, practice: PracticeSettings) -> None:
        with database.connection_context():
            falling = Standings(database, clock, practice).falling_off(SHOWN)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._fill, falling)

    def _fill(self, falling: FallingOff) -> None:
        if not self.is_attached:  # left before the list was read again
            return
        self._standings = falling.worst
        table = self.query_one("#falling-off", DataTable)
        row = table.cursor_row
        if table.row_count:
            table.clear()
        days: dict[dt.date, str] = {}  # a few days among many rows: each written once
        for standing in self._standings:
            seen = standing.last_visit
            if seen is not None and seen not in days:
                days[seen] = time_words.numeric_day(seen, year=False)
            table.add_row(
                _cell(standing.patient_name),
                _cell(standing.phone),
                pace_text(standing),
                _cell(f"{standing.kept}/{standing.expected}"),
                _cell(days[seen] if seen is not None else "never"),
                _cell(" ".join(p.text for p in standing.phases)),
                key=str(standing.plan_id),
            )
        if self._standings:
            table.move_cursor(row=min(row, len(self._standings) - 1))
        title = Text.assemble(("Falling off", "bold"), f" · {falling.total} plans")
        if falling.total > len(self._standings):
            title.append(f" (the worst {len(self._standings)} shown)")
        title.append(" · Enter book · l log a call · o plans · Esc back", style="dim")
        self.query_one("#falling-off-title", Static).update(title)

    def _chosen(self) -> Standing | None:
        row = self.query_one("#falling-off", DataTable).cursor_row
        if not self._standings or not 0 <= row < len(self._standings):
            self.notify("Nobody is falling off their plan.", severity="warning")
            return None
        return self._standings[row]

    @on(DataTable.RowSelected, "#falling-off")
    def action_book(self) -> None:
        standing = self._chosen()
        if standing is not None:
            book_plan(self.om, standing, self.reload)

    def action_log(self) -> None:
        """What came of a call to the patient chosen, in the call lists' log."""
        from om_tui.practice.calls.contacts import FALLING_OFF, OUTCOMES, Calls
        from om_tui.screens.calls.base import LOGGED_BY_HAND
        from om_tui.screens.picker import Choice, PickerScreen

        standing = self._chosen()
        if standing is None:
            return
        om = self.om
        if not om.may("book"):
            self.notify("Calls are logged by the front desk and the managers.", severity="warning")
            return
        patient_id = standing.patient_id

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            calls, outcome = (
                Calls(om.database, om.clock, om.practice, om.acting_id),
                str(choice.value),
            )
            om.write(lambda: calls.log(patient_id, FALLING_OFF, outcome), self._said)

        choices = [Choice(key, OUTCOMES[key]) for key in LOGGED_BY_HAND]
        self.app.push_screen(PickerScreen("What came of the call?", choices), chosen)

    def _said(self, text: str) -> None:
        self.notify(text, timeout=4)
        self.reload()

    def action_open(self) -> None:
        from om_tui.screens.plans.plans import PlansScreen

        standing = self._chosen()
        if standing is not None:
            self.app.push_screen(PlansScreen(standing.patient_id, standing.patient_name))

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Book the plan's visits", "For the patient chosen (Enter)", self.action_book
            ),
            SystemCommand("The patient's care plans", "(o)", self.action_open),
        ]


def _cell(words: str) -> Text:
    """A cell as the table draws it: one line, cut at the column's width, and never
    read as markup (a name with a "[" in it is shown as typed)."""
    return Text(words, no_wrap=True, end="")
