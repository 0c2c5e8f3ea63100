"""One stat's graph over 13, 26 or 52 weeks, or all of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from om_tui.messages import DataChanged
from om_tui.practice.stats import StatError
from om_tui.widgets.stat_graph import LEGEND, SO_FAR, StatGraph

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

SPANS: dict[str, int | None] = {"13": 13, "26": 26, "52": 52, "all": None}


class StatGraphScreen(Screen[None]):
    """Keys 1–4 choose the span; the scale follows the shown weeks unless set for the stat."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="graph.back"),
        Binding("1", "span('13')", "13 wk", id="graph.13"),
        Binding("2", "span('26')", "26 wk", id="graph.26"),
        Binding("3", "span('52')", "52 wk", id="graph.52"),
        Binding("4", "span('all')", "All", id="graph.all"),
    ]

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
        try:
            stat, weeks, values, found = self.om.stats.graph(
                self._stat_id, SPANS[self._span], self._week
            )
        except StatError as error:
            self.notify(str(error), severity="warning")
            self.app.pop_screen()
            return
        span = f"{len(weeks)} weeks" if self._span == "all" else f"{self._span} weeks"
        flipped = " (down is good: drawn flipped, up is better)" if not stat.up_is_good else ""
        in_progress = bool(weeks) and self.om.stats.in_progress(weeks[-1])
        legend = LEGEND
        if in_progress:
            legend += f"   {SO_FAR} this week so far"
        if stat.quota is not None:
            legend += "   — quota (blue)"
        self.query_one("#graph-legend", Static).update(legend)
        self.query_one(StatGraph).show(
            f"{stat.name} — {span}{flipped}",
            weeks,
            values,
            found,
            up_is_good=stat.up_is_good,
            quota=stat.quota,
            scale=(stat.scale_bottom, stat.scale_top),
            in_progress=in_progress,
        )

    def action_span(self, span: str) -> None:
        self._span = span
        self.draw()
