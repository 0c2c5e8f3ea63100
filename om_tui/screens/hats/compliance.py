"""Compliance: people × days (or stats weeks), the share of due items done on time.

Below the matrix: who owes a policy an attestation, and whose training checksheets are
unfinished. Enter on a cell lists that person's items of that day or week; on a name,
those of the whole window.

One screen (one per module), whose length is the matrix and its keys; the items behind a
cell are in compliance_detail.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist
from textual.worker import Worker, WorkerState, get_current_worker

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import (
    HATS_TABLES,
    ChecksheetProgress,
    Compliance,
    Outstanding,
    Tally,
)
from om_tui.screens.fresh import FreshScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.plain_table import PlainTable
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

log = logging.getLogger(__name__)

COMPACT_BELOW = 110  # terminal columns
DAYS = 14  # the day window: two weeks
WEEKS = 13  # the week window: a quarter
ON_TIME_GOOD = 90  # % on time at or above which a cell is $success
ON_TIME_FAIR = 70  # … $warning at or above this, $error below
#: The marker after a share, so that its level reads without colour (as the board's "!").
MARKERS = {"success": "", "warning": "!", "error": "!!"}
EVERYONE = "all"  # the row key of the practice's own line
LEFT = " (left)"  # after the name of someone no longer on the staff

#: Column widths (cell padding is 0: each width holds the space before the next column).
NAME_WIDTH = {False: 17, True: 13}
PERIOD_WIDTH = {False: 6, True: 5}
TOTAL_WIDTH = 10
SHARE_WIDTH = 6
LATE_WIDTH = {False: 6, True: 5}
MISSED_WIDTH = 8
SCROLLBAR = 2  # room kept for the table's scrollbar and the screen's edge


def level(tally: Tally) -> str | None:
    """The theme colour a tally's share is shown in, or None when nothing was due."""
    if not tally.due:
        return None
    if tally.on_time * 100 >= ON_TIME_GOOD * tally.due:
        return "success"
    if tally.on_time * 100 >= ON_TIME_FAIR * tally.due:
        return "warning"
    return "error"


def percent(tally: Tally) -> int:
    """Whole percent on time, rounded down: 89.6 % shows 89, below the 90 % line it is under."""
    return tally.on_time * 100 // tally.due if tally.due else 0


def share_text(tally: Tally, sign: bool = True) -> str:
    """ "95%", "85%!", "40%!!" (without the sign when narrow); "—" when nothing was due."""
    found = level(tally)
    if found is None:
        return "—"
    return f"{percent(tally)}{'%' if sign else ''}{MARKERS[found]}"


def summary(tally: Tally) -> str:
    """ "55 of 60 on time (91%), 2 late, 3 not done" (missed, or overdue: not done yet)."""
    if not tally.due:
        return "nothing due"
    return (
        f"{tally.on_time} of {tally.due} on time ({percent(tally)}%), "
        f"{tally.late} late, {tally.missed} not done"
    )


@dataclass(frozen=True)
class Window:
    """The periods shown: `count` days, or stats weeks, up to `end` (a day, or a week's end)."""

    by_week: bool
    end: dt.date
    count: int

    def periods(self) -> list[dt.date]:
        step = dt.timedelta(weeks=1) if self.by_week else dt.timedelta(days=1)
        return [self.end - step * n for n in range(self.count - 1, -1, -1)]

    def bounds(self, hats: Hats) -> tuple[dt.date, dt.date]:
        """The first and last local day the window covers."""
        first = self.periods()[0]
        return (hats.periods.weeks.days(first)[0] if self.by_week else first), self.end

    def period_bounds(self, hats: Hats, period: dt.date) -> tuple[dt.date, dt.date]:
        return (hats.periods.weeks.days(period)[0] if self.by_week else period), period


@dataclass(frozen=True)
class Reading:
    """The matrix of a window, read off the event loop."""

    window: Window
    first: dt.date
    last: dt.date
    matrix: Compliance
    post_order: list[int]


@dataclass(frozen=True)
class Owed:
    """Attestations outstanding and checksheets in progress, read after the matrix."""

    attestations: list[Outstanding]
    training: list[tuple[str, ChecksheetProgress]]


def _reading(hats: Hats, window: Window) -> Reading:
    first, last = window.bounds(hats)
    return Reading(
        window=window,
        first=first,
        last=last,
        matrix=hats.compliance(first, last, by_week=window.by_week),
        post_order=[post_id for post_id, _ in hats.posts()],
    )


class ComplianceScreen(FreshScreen):
    """The share of due items done on time, per person and day or week; what is owed."""

    BINDINGS = [
        Binding("enter", "items", "Items", id="compliance.items", show=False),
        Binding("i", "items", "Items", id="compliance.items_key"),
        Binding("w", "weeks", "Days/weeks", id="compliance.weeks"),
        Binding("left_square_bracket", "move(-1)", "◀ Earlier", id="compliance.earlier"),
        Binding("right_square_bracket", "move(1)", "Later ▶", id="compliance.later"),
        Binding("s", "sort", "Sort", id="compliance.sort"),
    ]

    SHOWS = HATS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    class Read(Message):
        """The worker's reading of the window, for the screen to show."""

        def __init__(self, reading: Reading) -> None:
            super().__init__()
            self.reading = reading

    class OwedRead(Message):
        """The worker's reading of what is owed besides the checklists."""

        def __init__(self, owed: Owed) -> None:
            super().__init__()
            self.owed = owed

    def __init__(self) -> None:
        super().__init__()
        self._by_week = False
        self._end: dt.date | None = None  # None: up to today, whatever day it now is
        self._compact = False
        self._worst_first = False
        self._reading: Reading | None = None
        self._owed_stale = True
        self._to_newest = True  # the cursor goes to the newest period on the next fill

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="compliance-title", markup=False)
            yield ScreenTabs("compliance")
        table: PlainTable[Text | str] = PlainTable(
            id="compliance", cursor_type="cell", header_height=2, cell_padding=0
        )
        yield table
        yield Static(id="compliance-detail", markup=False)
        with Horizontal(id="compliance-owed"):
            with VerticalScroll(id="attestations", classes="owed"):
                yield Static(id="attestations-list", markup=False)
            with VerticalScroll(id="training", classes="owed"):
                yield Static(id="training-list", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._compact = self.app.size.width < COMPACT_BELOW
        self.query_one("#attestations").border_title = "Attestations outstanding"
        self.query_one("#training").border_title = "Checksheets in progress"
        self.query_one("#compliance-title", Static).update(Text("Compliance", style="bold"))
        self._first_read()
        self.query_one("#compliance", DataTable).focus()

    def on_resize(self) -> None:
        compact = self.app.size.width < COMPACT_BELOW
        shown = self._reading.window.count if self._reading else None
        if compact != self._compact or (shown is not None and self._fit() != shown):
            self._compact = compact
            self._read_window()

    # -- reading ------------------------------------------------------------------------

    def _fit(self) -> int:
        """How many day or week columns fit beside the name and the totals."""
        compact = self.app.size.width < COMPACT_BELOW
        fixed = NAME_WIDTH[compact] + TOTAL_WIDTH + LATE_WIDTH[compact] + SCROLLBAR
        if not compact:
            fixed += SHARE_WIDTH + MISSED_WIDTH
        room = (self.app.size.width - fixed) // PERIOD_WIDTH[compact]
        return max(1, min(WEEKS if self._by_week else DAYS, room))

    def _current_period(self) -> dt.date:
        hats = self.om.hats
        today = hats.today()
        return hats.periods.weeks.week_of_day(today) if self._by_week else today

    def _window(self) -> Window:
        return Window(self._by_week, self._end or self._current_period(), self._fit())

    def _first_read(self) -> None:
        """The first matrix, on the event loop: the screen is drawn once, with it (in a
        worker it shares the interpreter with the empty screen's paint, then is drawn
        again). Every later reading is a worker's; what is owed follows it, as then."""
        self._owed_stale = True
        hats = self.om.hats
        try:
            reading = _reading(hats, self._window())
        except Exception as error:  # a person never sees a traceback
            log.error("compliance could not be read: %s", type(error).__name__)
            self.notify("Compliance could not be read (the error is logged).", severity="warning")
            return
        self._show(self.Read(reading))

    @on(DataChanged)
    def reload(self) -> None:
        """Read it all again: the matrix, then what is owed."""
        self._owed_stale = True
        self._read_window()

    def _read_window(self) -> None:
        """Read the window's matrix (in a thread: on a big practice it takes a while)."""
        self._read(self.om.hats, self._window())

    @work(thread=True, exclusive=True, exit_on_error=False, group="compliance")
    def _read(self, hats: Hats, window: Window) -> None:
        with hats.database.connection_context():
            reading = _reading(hats, window)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(reading))

    @work(thread=True, exclusive=True, exit_on_error=False, group="compliance-owed")
    def _read_owed(self, hats: Hats) -> None:
        """What is owed besides the checklists: read once the matrix is on the screen."""
        with hats.database.connection_context():
            owed = Owed(hats.outstanding_attestations(), hats.checksheets_in_progress())
        if not get_current_worker().is_cancelled:
            self.post_message(self.OwedRead(owed))

    @on(Worker.StateChanged)
    def _read_failed(self, event: Worker.StateChanged) -> None:
        failed = event.state == WorkerState.ERROR
        if failed and event.worker.group in ("compliance", "compliance-owed"):
            self.notify("Compliance could not be read (the error is logged).", severity="warning")

    @on(Read)
    def _show(self, message: Read) -> None:
        self._reading = message.reading
        self._fill()
        if self._owed_stale:  # not while the matrix is drawn: both take a while
            self._owed_stale = False
            self.call_after_refresh(self._read_owed, self.om.hats)

    @on(OwedRead)
    def _show_owed(self, message: OwedRead) -> None:
        owed: dict[str, list[str]] = defaultdict(list)
        for due in message.owed.attestations:
            owed[due.person].append(f"{due.policy} v{due.number}")
        attestations = Text()
        for person, policies in owed.items():
            attestations.append(f"{person}: ", style="bold")
            attestations.append(", ".join(policies) + "\n")
        attestations.rstrip()
        if not owed:
            attestations.append("None: everyone has attested the newest versions.")
        self.query_one("#attestations-list", Static).update(attestations)
        count = len(message.owed.attestations)
        self.query_one("#attestations").border_title = f"Attestations outstanding ({count})"
        training = Text()
        for person, progress in message.owed.training:
            training.append(f"{person}: ", style="bold")
            training.append(f"{progress.post} {progress.done} of {progress.total} steps\n")
        training.rstrip()
        if not message.owed.training:
            training.append("None: every holder is through their checksheets.")
        self.query_one("#training-list", Static).update(training)
        count = len(message.owed.training)
        self.query_one("#training").border_title = f"Checksheets in progress ({count})"

    # -- showing ------------------------------------------------------------------------

    def _fill(self) -> None:
        reading = self._reading
        if reading is None:
            return
        table = self.query_one("#compliance", DataTable)
        row_key, column_index = self._cursor()
        if self._to_newest:
            self._to_newest, column_index = False, -1
        table.clear(columns=True)
        self._add_columns(table, reading)
        matrix = reading.matrix
        people = list(matrix.people)
        if self._worst_first:
            people.sort(key=lambda p: _worst_first_key(_total(matrix, p[0])))
        width = NAME_WIDTH[self._compact] - 1
        for person_id, name in people:
            by_period = {period: matrix.cell(person_id, period) for period in matrix.periods}
            name_cell = _name_cell(name, width, person_id in matrix.left)
            table.add_row(
                *self._cells(name_cell, by_period, _total(matrix, person_id)), key=str(person_id)
            )
        everyone = {
            period: _sum(matrix.cell(p, period) for p, _ in people) for period in matrix.periods
        }
        all_staff = Text("All staff", style="bold")
        table.add_row(*self._cells(all_staff, everyone, _sum(matrix.totals.values())), key=EVERYONE)
        self._restore_cursor(row_key, column_index)
        self._show_title()
        self._show_detail()

    def _add_columns(self, table: DataTable[Text | str], reading: Reading) -> None:
        """Name, a column a day (or week), then the window's totals; headers two lines high."""
        compact = self._compact
        periods = self.om.hats.periods
        today = self.om.hats.today()
        table.add_column(Text("% on time\nStaff"), key="name", width=NAME_WIDTH[compact])
        month = None
        for period in reading.matrix.periods:
            if reading.window.by_week:  # the month over its first week: "Nov" over "5"
                top = time_words.month_text(period, short=True) if period.month != month else ""
                month = period.month
                label = Text(f"{top}\n{period.day}", justify="right")
            else:
                label = Text(f"{time_words.weekday_text(period)}\n{period.day}", justify="right")
                if period == today:
                    label.stylize("bold underline")
                elif period.weekday() not in periods.open_days:
                    label.stylize("dim")
            table.add_column(label, key=f"p{period.isoformat()}", width=PERIOD_WIDTH[compact])
        table.add_column(Text("On time\n/ due", justify="right"), key="total", width=TOTAL_WIDTH)
        if not compact:
            table.add_column(Text("\n%", justify="right"), key="share", width=SHARE_WIDTH)
        table.add_column(Text("\nLate", justify="right"), key="late", width=LATE_WIDTH[compact])
        if not compact:
            table.add_column(Text("Not\ndone", justify="right"), key="missed", width=MISSED_WIDTH)

    def _cells(self, name: Text, by_period: dict[dt.date, Tally], total: Tally) -> list[Text]:
        """One row: the name, each period's share, then on time / due, late (and not done)."""
        compact = self._compact
        theme = self.app.theme_variables

        def coloured(text: str, tally: Tally) -> Text:
            found = level(tally)
            return Text(text, style=theme.get(found, "") if found else "", justify="right")

        row = [name]
        for tally in by_period.values():
            row.append(coloured(share_text(tally, sign=not compact), tally))
        done = f"{total.on_time}/{total.due}" if total.due else "—"
        row.append(coloured(done + (_marker(total) if compact else ""), total))
        if not compact:
            row.append(coloured(share_text(total), total))
        row.append(Text(str(total.late) if total.due else "", justify="right"))
        if not compact:
            missed = Text(str(total.missed) if total.due else "", justify="right")
            if total.missed:
                missed.stylize(theme.get("error", ""))
            row.append(missed)
        return row

    def _cursor(self) -> tuple[str | None, int]:
        table = self.query_one("#compliance", DataTable)
        if table.row_count == 0:
            return None, -1
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None, table.cursor_column
        return key, table.cursor_column

    def _restore_cursor(self, row_key: str | None, column: int) -> None:
        table = self.query_one("#compliance", DataTable)
        row = 0
        if row_key is not None:
            try:
                row = table.get_row_index(row_key)
            except RowDoesNotExist:  # that person owed nothing in this window
                row = min(table.cursor_row, table.row_count - 1)
        last_period = len(self._reading.matrix.periods) if self._reading else 0
        if column < 0 or column >= len(table.columns):
            column = last_period
        table.move_cursor(row=row, column=column, animate=False)

    def _show_title(self) -> None:
        reading = self._reading
        assert reading is not None
        title = Text.assemble(("Compliance", "bold"), " · ")
        periods = reading.matrix.periods
        span = time_words.span_text(reading.first, reading.last)
        so_far = reading.window.end >= self._current_period()
        if self._compact:  # beside the screens' keys: the dates, no more
            title.append(span)
        elif reading.window.by_week:
            ends = self.om.hats.periods.weeks.ends
            ending = f"{time_words.weekday_text(periods[-1])} {time_words.clock(ends.at)}"
            title.append(f"{len(periods)} weeks (ending {ending}), {span}")
        else:
            title.append(f"{len(periods)} days, {span}")
        if so_far and not self._compact:
            title.append(" (this week so far)" if reading.window.by_week else " (today so far)")
        if self._worst_first and not self._compact:
            title.append(" · worst first")
        self.query_one("#compliance-title", Static).update(title)

    def _selected(self) -> tuple[tuple[int, str] | None, dt.date | None] | None:
        """The cursor's person (None: everyone) and period (None: the whole window)."""
        table = self.query_one("#compliance", DataTable)
        reading = self._reading
        if reading is None or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate)
        except CellDoesNotExist:
            return None
        row, column = str(key.row_key.value), str(key.column_key.value)
        person = (
            None if row == EVERYONE else next(p for p in reading.matrix.people if str(p[0]) == row)
        )
        period = dt.date.fromisoformat(column[1:]) if column.startswith("p") else None
        return person, period

    @on(DataTable.CellHighlighted, "#compliance")
    def _show_detail(self) -> None:
        detail = self.query_one("#compliance-detail", Static)
        reading = self._reading
        selected = self._selected()
        if reading is None or selected is None:
            detail.update("")
            return
        if not reading.matrix.people:
            detail.update("Nobody owed a checklist item in these days.")
            return
        person, period = selected
        matrix = reading.matrix
        who = person[1] if person else "All staff"
        if person is not None and person[0] in matrix.left:
            left_on = matrix.left[person[0]]
            who += f" (left {time_words.day_text(left_on)})" if left_on else " (left)"
        if period is not None:
            when = self._period_name(period)
            tally = (
                matrix.cell(person[0], period)
                if person
                else _sum(matrix.cell(p, period) for p, _ in matrix.people)
            )
            detail.update(f"{who} · {when}: {summary(tally)}")
            return
        total = _total(matrix, person[0]) if person else _sum(matrix.totals.values())
        parts = [f"{who} · {time_words.span_text(reading.first, reading.last)}: {summary(total)}"]
        if person is not None:
            for post_id in reading.post_order:
                held = matrix.by_post.get((person[0], post_id))
                if held is not None:
                    parts.append(f"{matrix.posts[post_id]} {share_text(held)}")
        detail.update(" · ".join(parts))

    def _period_name(self, period: dt.date) -> str:
        if self._reading is not None and self._reading.window.by_week:
            first, _ = self.om.hats.periods.weeks.days(period)
            return f"week {time_words.span_text(first, period)}"
        return time_words.day_text(period)

    @on(DataTable.CellSelected, "#compliance")
    def _chosen(self) -> None:
        self.action_items()

    # -- actions ------------------------------------------------------------------------

    def action_items(self) -> None:
        """The items behind the selected cell: a person's day or week, or the whole window."""
        from om_tui.screens.hats.compliance_detail import ComplianceDetailScreen

        reading = self._reading
        selected = self._selected()
        if reading is None or selected is None:
            return
        person, period = selected
        if period is None:
            first, last, label = (
                reading.first,
                reading.last,
                time_words.span_text(reading.first, reading.last),
            )
        else:
            first, last = reading.window.period_bounds(self.om.hats, period)
            label = self._period_name(period)
        people = [person[0]] if person else [p for p, _ in reading.matrix.people]
        self.app.push_screen(
            ComplianceDetailScreen(person[1] if person else "All staff", people, first, last, label)
        )

    def action_weeks(self) -> None:
        """Days ↔ stats weeks; the window keeps its end (the week it falls in)."""
        hats = self.om.hats
        if self._by_week:
            self._by_week = False
            if self._end is not None:
                self._end = min(self._end, hats.today())
        else:
            self._by_week = True
            if self._end is not None:
                self._end = hats.periods.weeks.week_of_day(self._end)
        if self._end is not None and self._end >= self._current_period():
            self._end = None
        self._to_newest = True
        self._read_window()

    def action_move(self, step: int) -> None:
        """A window's worth back or forward; never past the current day or week."""
        window = self._window()
        unit = dt.timedelta(weeks=1) if self._by_week else dt.timedelta(days=1)
        end = window.end + unit * window.count * step
        self._end = None if end >= self._current_period() else end
        self._read_window()

    def action_sort(self) -> None:
        self._worst_first = not self._worst_first
        self._fill()

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Compliance items", "The items behind the cell (Enter)", self.action_items
            ),
            SystemCommand(
                "Days or weeks", "Two weeks by day, or a quarter by week (w)", self.action_weeks
            ),
            SystemCommand("Sort compliance", "By name, or worst first (s)", self.action_sort),
        ]


def _marker(tally: Tally) -> str:
    found = level(tally)
    return MARKERS[found] if found else ""


def _sum(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


def _total(matrix: Compliance, person_id: int) -> Tally:
    return matrix.totals.get(person_id, Tally())


def _worst_first_key(tally: Tally) -> tuple[int, float]:
    share = tally.share
    return (1, 0.0) if share is None else (0, share)


def _name_cell(name: str, width: int, left: bool) -> Text:
    """A person's name in the matrix; one who has left is dim and says so in words too (a
    terminal may not dim), the name shortened to make room: "Tom B. (left)", "Tom (left)"."""
    if not left:
        return Text(_fitted(name, width))
    words = [word for word in name.split() if not word.endswith(".")] or name.split()
    shorter = [name]
    if len(words) > 1:
        shorter.append(f"{words[0]} {words[-1][0]}.")
    shorter.append(words[0] if words else name)
    room = width - len(LEFT)
    short = next((s for s in shorter if len(s) <= room), _fitted(shorter[-1], room))
    return Text(short + LEFT, style="dim")


def _fitted(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
