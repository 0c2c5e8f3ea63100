"""The owner's overview: the practice at one glance, each figure a door to what is behind it.

Top, today's flow: in office, waiting, longest wait, seen, no-shows (the waits tick).
Below, six panels: this week's stats by condition, worst first; the main stats' last
weeks in small; what waits for the owner on the line; overdue orders; hat compliance
this week per person; the programs' progress. Enter on any figure opens what it counts
— the board, a stat's graph, a person's items, the orders board, the line, a program.
The arrows and tab move between figures and panels. It reads everything again on every
change of the database, from any terminal.

One screen (one per module), whose length is its six panels; each opens the screen
behind it, and the figures are read in om_tui.practice.owner.overview.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.worker import Worker, WorkerState, get_current_worker

from db.models import Stage
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.orders.due import due_text
from om_tui.practice.owner.overview import OVERVIEW_TABLES, Overview, StatFigure, gather
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.conditions import CONDITION_LABELS, Condition, sparkline
from om_tui.practice.stats.service import Stats
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.compliance import level, share_text
from om_tui.screens.stats.board import CONDITION_COLOURS, format_value
from om_tui.widgets.footer import Footer
from om_tui.widgets.screen_tabs import ScreenTabs

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from peewee import Database

    from om_tui.app import OmTuiApp
    from om_tui.practice.clock import Clock

MODE = "overview"
COMPACT_BELOW = 100  # terminal columns: shorter labels below this
REFRESH_SECONDS = 60  # items and orders fall due with time, with no write to say so

#: Today's figures, left to right: (id, label, compact label).
FIGURES = (
    ("in_office", "In office", "In office"),
    ("waiting", "Waiting", "Waiting"),
    ("longest", "Longest wait", "Longest"),
    ("seen", "Seen", "Seen"),
    ("no_shows", "No-shows", "No-shows"),
    ("average", "Average wait", "Avg"),
)
#: What each of today's figures counts (the line below the panels says it).
FIGURE_WORDS = {
    "in_office": "In the office now: arrived, roomed, with a provider, at checkout.",
    "waiting": "Arrived and not yet roomed.",
    "longest": "The longest wait now, arrived → roomed.",
    "seen": "Visits seen by a provider today.",
    "no_shows": "Today's no-shows.",
    "average": "The average wait of those roomed today, arrived → roomed.",
}
#: The panels as they stand on the screen: rows of (left, right).
PANELS = (("stats", "main"), ("line", "orders"), ("compliance", "programs"))
#: One letter per condition (the stat graph's marks), where a word does not fit.
MARKS = {
    Condition.NON_EXISTENCE: "X",
    Condition.DANGER: "D",
    Condition.EMERGENCY: "E",
    Condition.NORMAL: "N",
    Condition.AFFLUENCE: "A",
    Condition.POWER: "P",
}
BAR_WIDTH = {False: 12, True: 8}


Cell = tuple[Text, dict[str, Any]]
"""A column of a line: its text, and how wide — `width` (fixed), `ratio` (a share of the
room left) or neither (as wide as its text); either of the last two up to `max_width`;
`justify` "right"."""


def columns(width: int, *cells: Cell) -> Text:
    """One line of `width` cells in columns a space apart, each cut with "…" if too long.

    A plain Text, not a table: a panel measures every line it holds, and a hundred small
    tables cost more to measure than the whole overview costs to read.
    """
    widths: list[int | None] = []
    for text, options in cells:
        fixed = options.get("width")
        natural = min(text.cell_len, options.get("max_width", text.cell_len))
        widths.append(fixed if fixed is not None else None if "ratio" in options else natural)
    room = max(width - (len(cells) - 1) - sum(w for w in widths if w is not None), 0)
    shares = [options.get("ratio", 0) for _, options in cells]
    total = sum(shares) or 1
    for index, (_, options) in enumerate(cells):
        if widths[index] is None:
            wanted = room * shares[index] // total
            widths[index] = min(wanted, options.get("max_width", wanted))
    spare = width - (len(cells) - 1) - sum(w or 0 for w in widths)
    flexible = [i for i, (_, options) in enumerate(cells) if "ratio" in options]
    if spare > 0 and flexible:  # rounding, or a capped column: the first flexible one takes it
        widths[flexible[0]] = (widths[flexible[0]] or 0) + spare
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for index, ((text, options), cell_width) in enumerate(zip(cells, widths, strict=True)):
        cell = text.copy()
        size = cell_width or 0
        if cell.cell_len > size:
            cell.truncate(size, overflow="ellipsis")
        gap = size - cell.cell_len
        if options.get("justify") == "right":
            cell.pad_left(gap)
        else:
            cell.pad_right(gap)
        if index:
            line.append(" ")
        line.append_text(cell)
    return line


def change_text(change: float | None) -> str:
    """ "▲12%", "▼4%", "=0%", "▲new"; "" without a change."""
    if change is None:
        return ""
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{arrow}new" if abs(change) == float("inf") else f"{arrow}{abs(change):.0f}%"


class Figure(Static, can_focus=True):
    """One of today's flow figures: a label and its value; Enter opens the board."""


class Panel(OptionList):
    """A panel of figures. Up from its first line and down from its last leave it for the
    panel above or below, so the arrows walk the whole screen."""

    class Edge(Message):
        """The cursor went past the panel's first (-1) or last (1) line."""

        def __init__(self, panel: Panel, direction: int) -> None:
            super().__init__()
            self.panel = panel
            self.direction = direction

    def _enabled(self) -> list[int]:
        return [n for n, option in enumerate(self.options) if not option.disabled]

    def action_cursor_up(self) -> None:
        enabled = self._enabled()
        if not enabled or self.highlighted is None or self.highlighted <= enabled[0]:
            self.post_message(self.Edge(self, -1))
        else:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        enabled = self._enabled()
        if not enabled or self.highlighted is None or self.highlighted >= enabled[-1]:
            self.post_message(self.Edge(self, 1))
        else:
            super().action_cursor_down()

    def enter_from(self, direction: int) -> None:
        """Take the focus, the cursor on the first line (from above) or the last (from below)."""
        enabled = self._enabled()
        if enabled:
            self.highlighted = enabled[0] if direction > 0 else enabled[-1]
        self.focus()


class OverviewScreen(FreshScreen):
    """Today's flow, this week's stats, what waits for the owner, compliance, programs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="overview.open", show=False),
        Binding("left", "move(-1)", "Left", id="overview.left", show=False),
        Binding("right", "move(1)", "Right", id="overview.right", show=False),
        Binding("down", "down", "Down", id="overview.down", show=False),
    ]

    SHOWS = OVERVIEW_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    class Read(Message):
        """The worker's reading of the overview, for the screen to show."""

        def __init__(self, overview: Overview) -> None:
            super().__init__()
            self.overview = overview

    def __init__(self) -> None:
        super().__init__()
        self._overview: Overview | None = None
        self._compact = False
        self._styles: dict[str, Style] = {}
        self._shown: dict[str, tuple[str, int]] = {}  # the markup and its width
        """The text each figure shows now: a tick redraws only what changed."""
        self._stale = False
        """A reading was due while the screen was not shown (under a dialog, or the minute's
        reading while another main screen was): it reads again when shown."""
        self._filled_width = 0
        """The panels' width the lines were laid out for."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="overview-title", markup=False)
            yield ScreenTabs(MODE)
        with Horizontal(id="overview-today"):
            for key, _, _ in FIGURES:
                yield Figure(id=f"figure-{key}", classes="figure")
        with Grid(id="overview-panels"):
            for row in PANELS:
                for key in row:
                    yield Panel(id=f"panel-{key}", classes="panel", compact=True)
        yield Static(id="overview-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        colours = self.app.theme_variables
        self._styles = {
            "alert": Style(color=colours.get("error"), bold=True),
            "warning": Style(color=colours.get("warning"), bold=True),
            "good": Style(color=colours.get("success"), bold=True),
            "bar": Style(color=colours.get("success")),
            "rest": Style(color=colours.get("panel-lighten-2") or colours.get("panel")),
            "muted": Style(dim=True),
        }
        self._compact = self.app.size.width < COMPACT_BELOW
        self.query_one("#overview-today").border_title = "Today"
        for panel, title in (
            ("stats", "Stats"),
            ("main", "Main stats"),
            ("line", "For the owner"),
            ("orders", "Orders"),
            ("compliance", "Hats this week"),
            ("programs", "Programs"),
        ):
            self._panel(panel).border_title = title
        self._show_title()
        self.set_interval(1.0, self.tick)
        self.set_interval(REFRESH_SECONDS, self.reload)
        self.query_one("#figure-in_office", Figure).focus()
        self._first_read()

    def on_resize(self) -> None:
        self._compact = self.app.size.width < COMPACT_BELOW
        self._shown.clear()
        self.call_after_refresh(self._refit)  # once the panels have their new width

    def _refit(self) -> None:
        if self._width != self._filled_width:
            self._fill()

    def on_screen_resume(self) -> None:
        # Changes announced while another main screen was shown: the app tells of them,
        # after this; a reading due meanwhile is started once they have been heard.
        self.call_later(self._reload_if_stale)

    def _reload_if_stale(self) -> None:
        if self._stale:
            self.reload()

    # -- reading ------------------------------------------------------------------------

    def _first_read(self) -> None:
        """The first reading, on the event loop: the screen is drawn once, with its figures.
        (In a worker it shares the interpreter with the empty screen's first paint, and
        both take longer.) Every later reading is a worker's."""
        om = self.om
        try:
            self._overview = gather(
                om.database, om.clock, om.practice, stats=om.stats, hats=om.hats
            )
        except Exception as error:  # a person never sees a traceback
            log.error("the overview could not be read: %s", type(error).__name__)
            self.notify("The overview could not be read (the error is logged).", severity="warning")
            return
        self._fill()

    @on(DataChanged)
    def reload(self) -> None:
        """Read it all again, off the event loop (on a big practice it takes a while)."""
        if not self.is_current:
            self._stale = True  # read when shown again (on_screen_resume)
            return
        self._stale = False
        om = self.om
        self._read(om.database, om.clock, om.practice, om.stats, om.hats)

    @work(thread=True, exclusive=True, exit_on_error=False, group="overview")
    def _read(
        self, database: Database, clock: Clock, practice: PracticeSettings, stats: Stats, hats: Hats
    ) -> None:
        with database.connection_context():
            overview = gather(database, clock, practice, stats=stats, hats=hats)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(overview))

    @on(Worker.StateChanged)
    def _read_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "overview":
            self.notify("The overview could not be read (the error is logged).", severity="warning")

    @on(Read)
    def _show(self, message: Read) -> None:
        self._overview = message.overview
        self._fill()

    # -- showing ------------------------------------------------------------------------

    def _panel(self, key: str) -> Panel:
        return self.query_one(f"#panel-{key}", Panel)

    def _fill(self) -> None:
        overview = self._overview
        if overview is None:
            return
        self._filled_width = self._width
        self._show_title()  # its count of plans falling off is the reading's
        self._show_figures()
        self._fill_stats(overview)
        self._fill_main(overview)
        self._fill_line(overview)
        self._fill_orders(overview)
        self._fill_compliance(overview)
        self._fill_programs(overview)
        self._show_detail()
        from om_tui.screens.calls.lists import show_call_counts

        # The front desk's call lists, under Today: once the figures are drawn (the count's
        # thread would slow their first paint beside it).
        self.call_after_refresh(show_call_counts, self)

    def _set(self, key: str, title: Text | str, options: list[Option]) -> None:
        """A panel's title and lines, the cursor kept on the line it was on."""
        panel = self._panel(key)
        panel.border_title = title
        chosen = panel.highlighted_option.id if panel.highlighted_option is not None else None
        ids = [option.id for option in options]
        if ids == [option.id for option in panel.options]:
            for option in options:  # the same lines: redrawn in place, no jump
                assert option.id is not None
                panel.replace_option_prompt(option.id, option.prompt)
            return
        panel.set_options(options)
        if chosen in ids:
            panel.highlighted = ids.index(chosen)
        elif options:
            panel.highlighted = 0

    def _columns(self, *cells: Cell) -> Text:
        return columns(self._width, *cells)

    @property
    def _width(self) -> int:
        """The room for a line in a panel (all panels are as wide), its scrollbar kept."""
        found = self._panel("stats").scrollable_content_region.width
        return found or max(self.app.size.width // 2 - 3, 10)  # before the first layout

    def _condition(self, condition: Condition | None, overridden: bool, short: bool) -> Text:
        if condition is None:
            return Text("—", style="dim")
        colour = self.app.theme_variables.get(CONDITION_COLOURS[condition], "")
        word = MARKS[condition] if short else CONDITION_LABELS[condition]
        text = Text(word, style=f"bold {colour}" if colour else "bold")
        if overridden:
            text.append("✎", style="dim")
        return text

    def _fill_stats(self, overview: Overview) -> None:
        title = Text.assemble(
            ("Stats", "bold"), f" · {time_words.day_text(overview.judged_week, weekday=False)}"
        )
        for condition, count in overview.conditions().items():
            if condition in (Condition.NON_EXISTENCE, Condition.DANGER, Condition.EMERGENCY):
                colour = self.app.theme_variables.get(CONDITION_COLOURS[condition], "")
                title.append(" · ")
                title.append(f"{count} {CONDITION_LABELS[condition]}", style=colour)
        marks = [self._condition(f.condition, f.overridden, False) for f in overview.stats]
        widest = max((mark.cell_len for mark in marks), default=0)
        options = []
        for figure, mark in zip(overview.stats, marks, strict=True):
            value = format_value(figure.value, figure.unit, figure.note)
            row = self._columns(
                (mark, {"width": min(widest, 10 if self._compact else 14)}),
                (Text(figure.name), {"ratio": 1}),
                (Text(value), {"justify": "right"}),
                (Text(change_text(figure.change), style="dim"), {"width": 5, "justify": "right"}),
            )
            options.append(Option(row, id=f"stat-{figure.stat_id}"))
        if not options:
            options.append(Option(Text("No stats yet: 2 opens the stats."), id="stats"))
        self._set("stats", title, options)

    def _fill_main(self, overview: Overview) -> None:
        weeks = len(overview.main[0].trend) if overview.main else 0
        title = Text.assemble(("Main stats", "bold"), f" · {weeks} weeks" if weeks else "")
        compact = self._compact
        marks = [self._condition(f.condition, f.overridden, compact) for f in overview.main]
        widest = max((mark.cell_len for mark in marks), default=0)
        options = []
        for figure, mark in zip(overview.main, marks, strict=True):
            row = self._columns(
                (Text(figure.name), {"ratio": 1}),
                (Text(format_value(figure.value, figure.unit, figure.note)), {"justify": "right"}),
                (Text(sparkline(figure.trend, figure.up_is_good)), {"width": len(figure.trend)}),
                (mark, {"width": widest}),
            )
            options.append(Option(row, id=f"main-{figure.stat_id}"))
        if not options:
            options.append(Option(Text("No main stats yet: 2 opens the stats."), id="main"))
        self._set("main", title, options)

    def _fill_line(self, overview: Overview) -> None:
        items = overview.for_owner
        title = Text.assemble(("For the owner", "bold"), f" · {len(items)}")
        if overview.in_batch:
            title.append(f" · {overview.in_batch} in the batch", style="dim")
        urgent = self._styles["alert"]
        options = []
        for item in items:
            flag = Text("!!", style=urgent) if item.urgent else Text("! " if item.high else "  ")
            if item.high and not item.urgent:
                flag.stylize(self._styles["warning"])
            row = self._columns(
                (flag, {"width": 2}),
                (Text(item.kind_title.split()[0]), {"width": 8}),
                (Text(item.text), {"ratio": 1}),
                (Text(item.sender, style="dim"), {"max_width": 15}),
            )
            options.append(Option(row, id=f"item-{item.id}"))
        if not options:
            nobody = "Nothing waits for the owner's answer."
            options.append(Option(Text(nobody, style="dim"), id="line"))
        self._set("line", title, options)

    def _fill_orders(self, overview: Overview) -> None:
        overdue = overview.overdue_orders
        style = self._styles["alert"] if overdue else "bold"
        title = Text.assemble(("Orders", "bold"), " · ", (f"{len(overdue)} overdue", style))
        if overview.orders_reported:
            title.append(f" · {overview.orders_reported} to accept", style=self._styles["warning"])
        today = self.om.practice.today(overview.read_at)
        options = []
        for order in overdue:
            chased = f"{order.chased}×" if order.chased else ""
            row = self._columns(
                (Text(due_text(order.due_on, order.due_time, today, True), style="bold"), {}),
                (Text(order.text), {"ratio": 1}),
                (Text(order.to.short, style="dim"), {"max_width": 15}),
                (Text(chased, style=self._styles["alert"]), {"width": 3, "justify": "right"}),
            )
            options.append(Option(row, id=f"order-{order.id}"))
        if not options:
            said = f"No order is overdue ({overview.orders_not_done} not done yet)."
            options.append(Option(Text(said, style="dim"), id="orders"))
        self._set("orders", title, options)

    def _fill_compliance(self, overview: Overview) -> None:
        first, last = overview.compliance_first, overview.compliance_last
        if first == last:  # the week's first day
            span = f"so far today, {time_words.day_text(last)}"
        else:
            span = time_words.span_text(first, last)
        title = Text.assemble(("Hats this week", "bold"), f" · {span}")
        theme = self.app.theme_variables

        def row(name: Text, tally: Any) -> Text:
            found = level(tally)
            colour = theme.get(found, "") if found else ""
            done = f"{tally.on_time}/{tally.due}" if tally.due else "—"
            missed = f"{tally.missed} not done" if tally.missed else ""
            return self._columns(
                (name, {"ratio": 1}),
                (Text(done), {"justify": "right"}),
                (Text(share_text(tally), style=colour), {"width": 5, "justify": "right"}),
                (Text(missed, style="dim"), {"width": 10, "justify": "right"}),
            )

        options = [Option(row(Text("All staff", style="bold"), overview.everyone), id="everyone")]
        for person in overview.compliance:
            options.append(
                Option(row(Text(person.name), person.tally), id=f"person-{person.person_id}")
            )
        self._set("compliance", title, options)

    def _fill_programs(self, overview: Overview) -> None:
        programs = overview.programs
        title = Text.assemble(("Programs", "bold"), f" · {len(programs)} active")
        width = BAR_WIDTH[self._compact]
        options = []
        for program in programs:
            progress = program.progress
            filled = round(width * progress.done / progress.total) if progress.total else 0
            bar = Text.assemble(
                ("━" * filled, self._styles["bar"]), ("━" * (width - filled), self._styles["rest"])
            )
            overdue = Text(
                f"!{progress.overdue}" if progress.overdue else "", self._styles["alert"]
            )
            row = self._columns(
                (Text(program.name), {"ratio": 1}),
                (bar, {"width": width}),
                (Text(f"{progress.done}/{progress.total}"), {"justify": "right"}),
                (overdue, {"width": 3}),
            )
            options.append(Option(row, id=f"program-{program.id}"))
        if not options:
            options.append(Option(Text("No programs yet.", style="dim"), id="programs"))
        self._set("programs", title, options)

    def _show_title(self) -> None:
        """The time first: beside the screens' keys a narrow line keeps only its start."""
        om = self.om
        local = om.practice.local(om.clock.now())
        title = Text.assemble(
            (time_words.clock(local), "bold"), f" {time_words.day_text(local.date())} · "
        )
        if self._overview is not None and self._overview.falling_off:  # care plans: ctrl+p
            title.append(f"{self._overview.falling_off} falling off · ", style="bold")
        title.append(om.practice.name)
        self._update("#overview-title", title)

    def _show_figures(self) -> None:
        overview = self._overview
        if overview is None:
            return
        now = self.om.clock.now()
        figures = overview.figures(now)
        values = {
            "in_office": str(figures.in_office),
            "waiting": str(figures.waiting),
            "longest": time_words.stopwatch(figures.longest_wait) or "—",
            "seen": str(figures.seen),
            "no_shows": str(figures.no_shows),
            "average": time_words.stopwatch(figures.average_wait) or "—",
        }
        alert = self._longest_alert(overview, now)
        for key, label, compact in FIGURES:
            text = Text.assemble(f"{compact if self._compact else label} ", (values[key], "bold"))
            if key == "longest" and alert is not None:
                text.stylize(alert, len(text) - len(values[key]))
            self._update(f"#figure-{key}", text)

    def _longest_alert(self, overview: Overview, now: dt.datetime) -> Style | None:
        """The longest wait in the board's warning or alert colour, past its thresholds."""
        row = overview.longest_waiting(now)
        limits = self.om.practice.thresholds.get(Stage.ARRIVED)
        waited = row.time_in_stage(now) if row is not None else None
        if waited is None or limits is None:
            return None
        minutes = waited.total_seconds() / 60
        if minutes >= limits.alert:
            return self._styles["alert"]
        return self._styles["warning"] if minutes >= limits.warn else None

    def _update(self, selector: str, text: Text) -> None:
        """Redraw a line only when its text changed (most ticks it does not), and lay the
        screen out again only when its width did (a wait ticking 12:04 → 12:05 does not)."""
        shown = self._shown.get(selector)
        if shown is None or shown[0] != text.markup:
            self._shown[selector] = (text.markup, text.cell_len)
            wider = shown is None or shown[1] != text.cell_len
            self.query_one(selector, Static).update(text, layout=wider)

    def tick(self) -> None:
        """Once a second: the waits and the clock (the rest changes only with the data)."""
        if not self.is_current:
            return
        self._show_title()
        self._show_figures()

    # -- the detail line --------------------------------------------------------------

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def on_descendant_focus(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """What Enter opens first, then what the figure is (at 80 columns on two lines)."""
        described = self._describe()
        line = Text()
        if described is not None:
            opens, said = described
            line.append(f"Enter: {opens}", style="bold")
            line.append(", Esc back")
            if said:
                line.append(f" · {said}")
        self.query_one("#overview-detail", Static).update(line)

    def _describe(self) -> tuple[str, str] | None:
        """The figure under the cursor: what Enter opens, and what it is."""
        overview = self._overview
        focused = self.focused
        if overview is None or focused is None:
            return None
        if isinstance(focused, Figure):
            key = (focused.id or "").removeprefix("figure-")
            return "the board", FIGURE_WORDS.get(key, "")
        option = focused.highlighted_option if isinstance(focused, OptionList) else None
        target = option.id if option is not None else None
        if target is None:
            return None
        kind, _, number = target.partition("-")
        if kind in ("stat", "main"):
            figure = next((f for f in overview.stats if str(f.stat_id) == number), None)
            return ("its graph", self._describe_stat(figure, overview)) if figure else None
        if kind == "person":
            person = next((p for p in overview.compliance if str(p.person_id) == number), None)
            if person is None:
                return None
            tally = person.tally
            return "the items", (
                f"{person.name}: {tally.on_time} of {tally.due} items on time this week, "
                f"{tally.late} late, {tally.missed} not done."
            )
        if kind == "order":
            order = next((o for o in overview.overdue_orders if str(o.id) == number), None)
            if order is None:
                return None
            chased = f", chased {order.chased}×" if order.chased else ""
            return "the orders board", f"From {order.issued_by} to {order.to.label}{chased}."
        if kind == "item":
            item = next((i for i in overview.for_owner if str(i.id) == number), None)
            if item is None:
                return None
            urgent = "Urgent · " if item.urgent else ""
            said = f"{item.kind_title} from {item.sender} · {item.priority} priority"
            return "answer it", f"{urgent}{said}."
        if kind == "program":
            program = next((p for p in overview.programs if str(p.id) == number), None)
            if program is None:
                return None
            progress = program.progress
            overdue = f", {progress.overdue} overdue" if progress.overdue else ""
            done = f"{progress.done} of {progress.total} steps done{overdue}"
            return "its steps", f"{program.name}: {done}."
        return {
            "everyone": ("compliance", "Every holder's items this week: done on time ÷ due."),
            "stats": ("the stat board", ""),
            "main": ("the stat board", ""),
            "line": ("the line", ""),
            "orders": ("the orders board", ""),
            "programs": ("the programs", ""),
        }.get(target)

    def _describe_stat(self, figure: StatFigure, overview: Overview) -> str:
        condition = CONDITION_LABELS[figure.condition] if figure.condition else "no condition yet"
        by = " (set by the manager)" if figure.overridden else ""
        value = format_value(figure.value, figure.unit, figure.note)
        change = change_text(figure.change)
        on_before = f", {change} on the week before" if change else ""
        return (
            f"{figure.name} ({figure.post or 'no post'}): {condition}{by}, week ending "
            f"{time_words.day_text(overview.judged_week, weekday=False)}: {value}{on_before}."
        )

    # -- moving between figures -------------------------------------------------------

    def _place(self, widget: Widget | None) -> tuple[int, int] | None:
        """Where a figure or a panel stands: (row, column); today's figures are row 0."""
        if isinstance(widget, Figure):
            keys = [key for key, _, _ in FIGURES]
            return 0, keys.index((widget.id or "").removeprefix("figure-"))
        if isinstance(widget, Panel):
            key = (widget.id or "").removeprefix("panel-")
            for number, row in enumerate(PANELS, start=1):
                if key in row:
                    return number, row.index(key)
        return None

    def _figure(self, column: int) -> Figure:
        key = FIGURES[max(0, min(column, len(FIGURES) - 1))][0]
        return self.query_one(f"#figure-{key}", Figure)

    def action_move(self, step: int) -> None:
        """Left and right: the next figure of today, or the panel beside."""
        place = self._place(self.focused)
        if place is None:
            return
        row, column = place
        if row == 0:
            self._figure(column + step).focus()
        else:
            self._panel(PANELS[row - 1][max(0, min(1, column + step))]).focus()

    def action_down(self) -> None:
        """From today's figures down to the first panels (the left ones under the left)."""
        place = self._place(self.focused)
        if place is not None and place[0] == 0:
            column = 0 if place[1] < len(FIGURES) // 2 else 1
            self._panel(PANELS[0][column]).enter_from(1)

    @on(Panel.Edge)
    def _leave_panel(self, event: Panel.Edge) -> None:
        place = self._place(event.panel)
        if place is None:
            return
        row, column = place
        below = row + event.direction
        if below == 0:
            self._figure(0 if column == 0 else len(FIGURES) // 2).focus()
        elif 1 <= below <= len(PANELS):
            self._panel(PANELS[below - 1][column]).enter_from(event.direction)

    # -- drilling down ----------------------------------------------------------------

    def action_open(self) -> None:
        """Enter on one of today's figures: the board (the longest waiter under the cursor)."""
        focused = self.focused
        if not isinstance(focused, Figure) or self._overview is None:
            return
        key = (focused.id or "").removeprefix("figure-")
        overview, now = self._overview, self.om.clock.now()
        row = None
        if key in ("waiting", "longest"):
            row = overview.longest_waiting(now)
        elif key == "no_shows":
            row = next((r for r in overview.board.rows if r.stage == Stage.NO_SHOW), None)
        self._open_main("board", "#board", [row.key] if row is not None else [])

    @on(OptionList.OptionSelected)
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        overview = self._overview
        target = event.option.id or ""
        if overview is None:
            return
        kind, _, number = target.partition("-")
        if kind in ("stat", "main"):
            from om_tui.screens.stats.graph import StatGraphScreen

            self.app.push_screen(StatGraphScreen(int(number), overview.week))
        elif kind == "person":
            self._person_items(overview, int(number))
        elif target == "everyone":
            self._open_main("compliance")
        elif target in ("stats", "main"):
            self._open_main("stats")
        elif kind == "order" or target == "orders":
            await self._open_list("orders", "#orders", [f"order-{number}"])
        elif kind == "item" or target == "line":
            await self._open_list("line", "#line-list", [f"owner-{number}", f"with_owner-{number}"])
        elif kind == "program" or target == "programs":
            await self._open_list(None, "#program-list", [f"program-{number}"])

    def _person_items(self, overview: Overview, person_id: int) -> None:
        from om_tui.screens.hats.compliance_detail import ComplianceDetailScreen

        person = next((p for p in overview.compliance if p.person_id == person_id), None)
        if person is None:
            return
        first, last = overview.compliance_first, overview.compliance_last
        label = f"this week, {time_words.span_text(first, last)}"
        self.app.push_screen(ComplianceDetailScreen(person.name, [person_id], first, last, label))

    def _open_main(
        self, mode: str, table: str | None = None, rows: list[str] | None = None
    ) -> None:
        """Switch to a main screen (Esc comes back); on the board, the cursor on `rows`' first."""
        self.om.open_from(mode, MODE)
        if table is not None and rows:
            self.app.call_after_refresh(_point_table, self.app, table, rows[0])

    async def _open_list(self, mode: str | None, listing: str, lines: list[str]) -> None:
        """The orders board or the line (main screens), or the programs (pushed over this
        one: Esc comes back), with the list's cursor put on the line asked for."""
        app = self.om
        if mode is not None:
            await app.open_from(mode, MODE)
        else:
            from om_tui.screens.owner.programs import ProgramsScreen

            await app.push_screen(ProgramsScreen())
        app.call_after_refresh(_point_list, app, listing, lines)

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Open the figure",
                "What the figure under the cursor counts (Enter)",
                self.action_open,
            )
        ]


def _point_table(app: Any, selector: str, key: str) -> None:
    """Put a main screen's table cursor on a row, if the row is there."""
    try:
        table = app.screen.query_one(selector, DataTable)
        table.move_cursor(row=table.get_row_index(key), animate=False)
    except Exception:  # the row is gone (the patient moved on), or the table is not up yet
        return


def _point_list(app: Any, selector: str, ids: list[str]) -> None:
    """Put a screen's list cursor on the first of `ids` it has."""
    try:
        listing = app.screen.query_one(selector, OptionList)
    except NoMatches:
        return
    for option_id in ids:
        try:
            listing.highlighted = listing.get_option_index(option_id)
        except OptionDoesNotExist:
            continue
        return
