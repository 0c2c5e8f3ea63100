"""Falling off: patients behind their care plan's pace or with nothing booked ahead,
worst first (the most visits short, then nothing booked, then the longest away).
Opened from the menu ("Falling off"); read off the event loop. Enter books the plan's
next visits; `o` opens the patient's plans. The rules live in om_tui.practice.plans.pace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from peewee import Database
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.clock import Clock
from om_tui.practice.plans.pace import PACE_TABLES, Standing, Standings
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.plans.booking import book_plan
from om_tui.screens.plans.plans import pace_text
from om_tui.widgets.row_table import RowTable

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

SHOWN = 200
"""Rows drawn at most: the worst of them (the title says how many in all). A day's calls
are far fewer, and a table of thousands takes seconds to fill."""
COLUMNS = (("Patient", 18), ("Phone", 12), ("Pace", 12), ("Kept", 7), ("Last", 6), ("Plan", 14))


class FallingOffScreen(Screen[None]):
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
        yield Static(id="falling-off-title")
        yield RowTable(id="falling-off", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#falling-off", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width, key=label)
        self.reload()
        table.focus()

    @on(DataChanged)
    def reload(self) -> None:
        """Read every plan's pace off the event loop (on a large practice it takes a while)."""
        om = self.om
        self._read(om.database, om.clock, om.practice)

    @work(thread=True, exclusive=True, exit_on_error=False, group="falling-off")
    def _read(self, database: Database, clock: Clock, practice: PracticeSettings) -> None:
        with database.connection_context():
            falling = Standings(database, clock, practice).falling_off()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._fill, falling)

    def _fill(self, falling: list[Standing]) -> None:
        self._standings = falling[:SHOWN]
        table = self.query_one("#falling-off", DataTable)
        row = table.cursor_row
        table.clear()
        for standing in self._standings:
            seen = standing.last_visit
            last = time_words.numeric_day(seen, year=False) if seen else "never"
            table.add_row(
                standing.patient_name,
                standing.phone,
                pace_text(standing),
                f"{standing.kept}/{standing.expected}",
                last,
                " ".join(p.text for p in standing.phases),
                key=str(standing.plan_id),
            )
        if self._standings:
            table.move_cursor(row=min(row, len(self._standings) - 1))
        title = Text.assemble(("Falling off", "bold"), f" · {len(falling)} plans")
        if len(falling) > SHOWN:
            title.append(f" (the worst {SHOWN} shown)")
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
