"""One stat's graph over 13, 26 or 52 weeks, or all of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from om_tui.messages import DataChanged
from om_tui.practice.stats.board import STATS_TABLES
from om_tui.practice.stats.values import StatError
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.stats.board import format_value
from om_tui.widgets.footer import Footer
from om_tui.widgets.stat_graph import LEGEND, StatGraph

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

SPANS: dict[str, int | None] = {"13": 13, "26": 26, "52": 52, "all": None}


class StatGraphScreen(FreshScreen):
    """Keys 1–4 choose the span; the scale follows the shown weeks unless set for the stat."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="graph.back"),
        Binding("1", "span('13')", "13 wk", id="graph.13"),
        Binding("2", "span('26')", "26 wk", id="graph.26"),
        Binding("3", "span('52')", "52 wk", id="graph.52"),
        Binding("4", "span('all')", "All", id="graph.all"),
    ]

    SHOWS = STATS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, stat_id: int, week: dt.date | None, span: str = "13") -> None:
        super().__init__()
        self._stat_id = stat_id
        self._week = week
        self._span = span

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield StatGraph(id="graph")
        yield Static(id="graph-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.draw()

    @on(DataChanged)
    def draw(self) -> None:
        stats = self.om.stats
        week = self._week or stats.this_week()
        # A week in progress is not drawn (its figure so far would read as a drop, and
        # squeeze the weeks that ended into a corner): the legend gives it.
        in_progress = stats.in_progress(week)
        wanted = SPANS[self._span]
        try:
            stat, weeks, values, found = stats.graph(
                self._stat_id, wanted + 1 if wanted and in_progress else wanted, week
            )
        except StatError as error:
            self.notify(str(error), severity="warning")
            self.app.pop_screen()
            return
        so_far: str | None = None
        if in_progress and weeks:
            so_far = format_value(values[-1], stat.unit)
            weeks, values, found = weeks[:-1], values[:-1], found[:-1]
        span = f"{len(weeks)} weeks" if self._span == "all" else f"{self._span} weeks"
        flipped = " (down is good: drawn flipped, up is better)" if not stat.up_is_good else ""
        notes = []
        if so_far is not None:
            notes.append(f"This week so far: {so_far} (not drawn: it has not ended)")
        if stat.quota is not None:
            notes.append(f"Blue line: the quota, {format_value(stat.quota, stat.unit)}")
        legend = "\n".join([LEGEND, " · ".join(notes)]) if notes else LEGEND
        self.query_one("#graph-legend", Static).update(legend)
        self.query_one(StatGraph).show(
            f"{stat.name} — {span}{flipped}",
            weeks,
            values,
            found,
            up_is_good=stat.up_is_good,
            quota=stat.quota,
            scale=(stat.scale_bottom, stat.scale_top),
        )

    def action_span(self, span: str) -> None:
        self._span = span
        self.draw()
