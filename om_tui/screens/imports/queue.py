"""The import queue: imported appointments waiting for a person to say whom they are for.

Opened from the book (`i`; the book's title counts what waits) or the menu ("Import
queue"). Above, one line per patient of a source; below it, what the source says of them
and their held appointments, then the practice's patients who might be them. `l` (or
Enter on a patient) links the source's patient to the one under the cursor below; `/`
looks anyone on file up, as check-in does (the source's name typed already, to narrow
with a birth date or phone, or to replace), and Enter there links them; `a` adds them as
a new patient, `s` sets their appointments aside. The rules, the roles and the stale
check live in om_tui.practice.imports.queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.imports import queue
from om_tui.practice.imports.queue import QUEUE_TABLES, Candidate, Waiting
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.schedule.patient_finder import PatientFinder
from om_tui.widgets.footer import Footer
from om_tui.widgets.plain_table import PlainTable

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


_HINT = "l links to the one below · / finds another · a adds as new · s skips"
_NOBODY = "Nobody on file has this name: / finds them · a adds as new · s skips"


class ImportQueueScreen(FreshScreen):
    """The sources' patients to decide about, and the practice's who might be them."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="import_queue.back"),
        Binding("l", "link", "Link to this one", id="import_queue.link"),
        Binding("slash", "find", "Find a patient", id="import_queue.find"),
        Binding("a", "add_new", "Add as new", id="import_queue.add_new"),
        Binding("s", "skip", "Skip", id="import_queue.skip"),
    ]

    SHOWS = QUEUE_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: list[Waiting] = []

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="queue-title", markup=False)
        yield PlainTable(id="queue-list", cursor_type="row")
        yield Static(id="queue-source", markup=False)
        yield PlainTable(id="queue-candidates", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#queue-list", DataTable).add_columns(
            "Source", "Their patient", "Born", "Appointments"
        )
        self.query_one("#queue-candidates", DataTable).add_columns(
            "Chart", "On file here", "Born", "Phone"
        )
        self.reload()
        self.query_one("#queue-candidates", DataTable).focus()

    @on(DataChanged)
    def reload(self) -> None:
        """Re-read the queue (a few rows), the cursor on the entry it was on."""
        table = self.query_one("#queue-list", DataTable)
        was = self._entry()
        self._waiting = queue.waiting(self.om.database)
        table.clear()
        for entry in self._waiting:
            person = entry.patient
            table.add_row(
                entry.source,
                person.full_name or "(no name)",
                time_words.numeric_day(person.dob) if person.dob else "—",
                str(len(entry.appointments)),
                key=f"{entry.source}\n{entry.key}",
            )
        keys = [(e.source, e.key) for e in self._waiting]
        if was is not None and (was.source, was.key) in keys:
            table.move_cursor(row=keys.index((was.source, was.key)), animate=False)
        count = len(self._waiting)
        title = Text.assemble(("Import queue", "bold"))
        title.append(
            f" · {count} to decide: whom are these appointments for?"
            if count
            else " · nothing waits: every imported appointment has its patient",
        )
        self.query_one("#queue-title", Static).update(title)
        self._show_entry()

    def _entry(self) -> Waiting | None:
        table = self.query_one("#queue-list", DataTable)
        if not self._waiting or not table.row_count:
            return None
        return self._waiting[min(table.cursor_row, len(self._waiting) - 1)]

    def _candidate(self) -> Candidate | None:
        entry = self._entry()
        table = self.query_one("#queue-candidates", DataTable)
        if entry is None or not entry.candidates or not table.row_count:
            return None
        return entry.candidates[min(table.cursor_row, len(entry.candidates) - 1)]

    @on(DataTable.RowHighlighted, "#queue-list")
    def _show_entry(self) -> None:
        entry = self._entry()
        source = self.query_one("#queue-source", Static)
        candidates = self.query_one("#queue-candidates", DataTable)
        candidates.clear()
        self.refresh_bindings()
        if entry is None:
            source.update("")
            return
        zone = self.om.practice.zone
        person = entry.patient
        said = [
            f"{entry.source} says: {person.full_name or '(no name)'}",
            f"born {time_words.numeric_day(person.dob)}" if person.dob else "no birth date",
        ]
        if person.phone:
            said.append(person.phone)
        if person.number:
            said.append(f"their number {person.number}")
        times = [
            f"{time_words.numeric_moment(a.start, zone, year=False)} {a.minutes}m {a.provider}"
            for a in entry.appointments
        ]
        times = [t.rstrip() for t in times]
        source.update(
            Text.assemble(
                (" · ".join(said), "bold"),
                f"\nNot told apart: {entry.reason} ({', '.join(entry.files)}).",
                f"\n{_fitting(times, self.app.size.width - 4)}",  # the padding, a margin
                ("\n" + (_HINT if entry.candidates else _NOBODY), "dim"),
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        for c in entry.candidates:
            candidates.add_row(
                c.chart_number,
                c.full_name,
                time_words.numeric_day(c.dob) if c.dob else "—",
                c.phone or "—",
                key=str(c.patient_id),
            )

    @on(DataTable.RowSelected, "#queue-candidates")
    def _chosen(self) -> None:
        self.action_link()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or action not in ("link", "find", "add_new", "skip"):
            return True
        if not self.om.may("book") or self._entry() is None:
            return False
        return action != "link" or self._candidate() is not None

    def _decide(self, decision: Callable[[], str]) -> None:
        def done(said: str) -> None:
            self.notify(said, timeout=5)
            self.reload()

        self.om.write(decision, done, self.reload)

    def action_link(self) -> None:
        entry, candidate = self._entry(), self._candidate()
        if entry is None or candidate is None or not self.check_action("link", ()):
            return
        om = self.om
        by = om.acting_id
        self._decide(lambda: queue.link(om.database, om.clock, entry, candidate.patient_id, by=by))

    def action_find(self) -> None:
        """Look the source's patient up among everyone on file, and link them to who is
        chosen."""
        entry = self._entry()
        if entry is None or not self.check_action("find", ()):
            return
        om = self.om
        by = om.acting_id
        om.load_patients()  # patients added since the last search

        def found(patient_id: int | None) -> None:
            if patient_id is not None:
                self._decide(lambda: queue.link(om.database, om.clock, entry, patient_id, by=by))

        name = entry.patient.full_name or "(no name)"
        finder = PatientFinder(
            f"Whom does {entry.source} mean by {name}? Find them on file",
            "type to narrow · ↑↓ choose · Enter links them · Esc back",
            query=entry.patient.full_name,
        )
        self.app.push_screen(finder, found)

    def action_add_new(self) -> None:
        entry = self._entry()
        if entry is None or not self.check_action("add_new", ()):
            return
        om = self.om
        by = om.acting_id
        self._decide(lambda: queue.add_new(om.database, om.clock, entry, by=by))

    def action_skip(self) -> None:
        entry = self._entry()
        if entry is None or not self.check_action("skip", ()):
            return
        om = self.om
        by = om.acting_id
        self._decide(lambda: queue.skip(om.database, om.clock, entry, by=by))


def _fitting(times: list[str], width: int) -> str:
    """As many of the held appointments as one line holds, and how many more."""
    shown: list[str] = []
    for n, time in enumerate(times):
        rest = len(times) - n - 1
        line = "; ".join([*shown, time]) + (f"; {rest} more" if rest else "")
        if shown and len(line) > width:
            return "; ".join(shown) + f"; {len(times) - len(shown)} more"
        shown.append(time)
    return "; ".join(shown)


def waiting_mark(om: OmTuiApp) -> Text:
    """What the book's title says while the queue is not empty: " · i: 2 to decide" (short:
    the screens' tabs share the line)."""
    count = queue.waiting_count(om.database) if om.may("book") else 0
    return Text(f" · i: {count} to decide" if count else "", style="bold")
