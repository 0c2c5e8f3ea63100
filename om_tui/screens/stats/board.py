"""The stat board: every stat's week, last week, change, trend and condition.

One screen (one per module), whose length is its keys; the graph, the entry form and the
stat's settings are screens of their own."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from db.models import StatSource
from om_tui.messages import DataChanged
from om_tui.practice import periods, time_words
from om_tui.practice.stats.board import STATS_TABLES, StatRow
from om_tui.practice.stats.conditions import CONDITION_LABELS, CONDITION_ORDER, Condition, sparkline
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.row_table import RowTable
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

#: (key, wide title, compact title); the post is left out of the compact board.
COLUMNS = (
    ("stat", "Stat", "Stat"),
    ("post", "Post", ""),
    ("this", "This week", "This wk"),
    ("last", "Last week", "Last wk"),
    ("change", "Change", "Chg"),
    ("trend", "Trend (8 wk)", "Trend"),
    ("condition", "Condition", "Condition"),
)
COMPACT_BELOW = 110  # terminal columns
COMPACT_NAME = 22
#: Theme variables for each condition, worst first.
CONDITION_COLOURS: dict[Condition, str] = {
    Condition.NON_EXISTENCE: "error",
    Condition.DANGER: "error",
    Condition.EMERGENCY: "warning",
    Condition.NORMAL: "foreground",
    Condition.AFFLUENCE: "success",
    Condition.POWER: "accent",
}


def format_value(value: float | None, unit: str, note: str = "") -> str:
    if value is None or not math.isfinite(value):  # inf or nan in a file: shown as no value
        return "—" if not note or note == "÷ 0" else "— (missing)"
    if unit == "money":
        return f"${value:,.0f}" if abs(value) >= 1000 else f"${value:,.2f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "minutes":
        return f"{value:.1f} min"
    return f"{value:,.1f}" if value != int(value) else f"{value:,.0f}"


def ending(week: dt.date) -> str:
    """ "19 Nov": a stats week, named by the day it ends."""
    return time_words.day_text(week, weekday=False)


class StatsScreen(FreshScreen):
    """Stats, worst condition first; Enter opens a stat's graph."""

    BINDINGS = [
        Binding("enter", "graph", "Graph", id="stats.graph", show=False),
        Binding("g", "graph", "Graph", id="stats.graph_key"),
        Binding("e", "enter_stats", "Enter stats", id="stats.enter"),
        Binding("f", "filter", "Post", id="stats.filter"),
        Binding("s", "sort", "Sort", id="stats.sort"),
        Binding("left_square_bracket", "week(-1)", "◀ Week", id="stats.previous_week"),
        Binding("right_square_bracket", "week(1)", "Week ▶", id="stats.next_week"),
        Binding("o", "override", "Override", id="stats.override"),
        # Off the footer (80 columns hold the rest); F1 and the menu list it.
        Binding("n", "new_stat", "New stat", id="stats.new", show=False),
    ]

    SHOWS = STATS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[StatRow] = []
        self._week: dt.date | None = None
        self._post: tuple[int, str] | None = None
        self._worst_first = True
        self._compact = False

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="stats-title", markup=False)
            yield ScreenTabs("stats")
        table: RowTable[Text | str] = RowTable(id="stats", zebra_stripes=True)
        yield table
        yield Static(id="stats-detail", markup=False)
        yield Footer(compact=True)

    def _set_columns(self) -> None:
        table = self.query_one("#stats", DataTable)
        table.clear(columns=True)
        named = self._week_titles()
        for key, wide, compact in COLUMNS:
            if not self._compact:
                table.add_column(named.get(key, wide), key=key)
            elif compact:
                table.add_column(named.get(key, compact), key=key)

    def _week_titles(self) -> dict[str, str]:
        """The value columns named by their weeks when another week than this one is shown,
        and the condition by the week it judges (while a week runs: the one before)."""
        if self._week is None:
            return {}
        stats = self.om.stats

        judged = ending(stats.judged_week(self._week))
        titles = {"condition": f"Cond. {judged}" if self._compact else f"Condition ({judged})"}
        if self._week != stats.this_week():
            before = periods.later(self._week, -1)
            short = "Wk" if self._compact else "Week to"
            titles["this"] = f"{short} {ending(self._week)}"
            titles["last"] = f"{short} {ending(before)}"
        return titles

    def on_resize(self) -> None:
        compact = self.app.size.width < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            self._set_columns()
            self._fill()

    def on_mount(self) -> None:
        table = self.query_one("#stats", DataTable)
        self._compact = self.app.size.width < COMPACT_BELOW
        self._week = self.om.stats.this_week()
        self._set_columns()
        self.reload()
        # Once the board is drawn: the count's thread would slow the first paint beside it.
        self.call_after_refresh(self._count_flow)
        self.call_after_refresh(self._ready_the_graph)
        table.focus()

    def _count_flow(self) -> None:
        """Count this week's flow figures into the computed stats (a write: off the loop)."""
        stats = self.om.stats
        week = self._week
        self.om.write(lambda: stats.recompute(week))  # a change, if any, re-reads the board

    @work(thread=True, exit_on_error=False, group="graph-ready")
    def _ready_the_graph(self) -> None:
        """The graph's modules (Plotext's among them: 15–30 ms) imported while the board is
        looked at, so that Enter opens a graph without waiting for them."""
        import om_tui.screens.stats.graph  # noqa: F401

    @on(DataChanged)
    def reload(self) -> None:
        assert self._week is not None
        post_id = self._post[0] if self._post else None
        self._rows = self.om.stats.board(self._week, post_id)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#stats", DataTable)
        selected = self._selected()
        rows = self._rows
        if self._worst_first:
            order = {c: i for i, c in enumerate(CONDITION_ORDER)}
            rows = sorted(rows, key=lambda r: order[r.condition] if r.condition else len(order))
        table.clear()
        in_progress = self._week is not None and self.om.stats.in_progress(self._week)
        for row in rows:
            table.add_row(*self._cells(row, in_progress), key=str(row.stat_id))
        if selected is not None and str(selected.stat_id) in {str(r.stat_id) for r in rows}:
            table.move_cursor(row=table.get_row_index(str(selected.stat_id)), animate=False)
        self._show_title()
        self._show_detail()

    def _cells(self, row: StatRow, in_progress: bool) -> list[Text | str]:
        """`in_progress`: the week shown has not ended (the title says "so far"): its
        change and its trend bar are no drop yet, dim, never bold."""
        trend = Text(sparkline(row.series, row.up_is_good))
        if in_progress and trend:
            trend.stylize("dim", len(trend) - 1)  # its bar: the figure so far
        change = row.change
        if change is None:
            shown_change = Text("—")
        else:
            better = change if row.up_is_good else -change
            arrow = "▲" if change > 0 else "▼" if change < 0 else "="
            style = "dim" if in_progress else "bold" if abs(better) > 25 else ""
            shown_change = Text(
                f"{arrow} {abs(change):.0f}%" if abs(change) != float("inf") else f"{arrow} new",
                style=style,
            )
        this = format_value(row.this_week, row.unit, row.notes[-1])
        last = format_value(row.last_week, row.unit, row.notes[-2] if len(row.notes) > 1 else "")
        if not self._compact:
            return [
                row.name,
                row.post,
                this,
                last,
                shown_change,
                trend,
                self._condition_text(row),
            ]
        name = row.name if len(row.name) <= COMPACT_NAME else row.name[: COMPACT_NAME - 1] + "…"
        shown_change.plain = shown_change.plain.replace(" ", "")
        return [
            name,
            this.replace(" min", "m").replace(" (missing)", "?"),
            last.replace(" min", "m").replace(" (missing)", "?"),
            shown_change,
            trend,
            self._condition_text(row),
        ]

    def _condition_text(self, row: StatRow) -> Text:
        condition = row.condition
        if condition is None:
            return Text("—")
        colour = self.app.theme_variables.get(CONDITION_COLOURS[condition], "")
        text = Text(CONDITION_LABELS[condition], style=f"bold {colour}" if colour else "bold")
        if row.override is not None:
            computed = row.computed_condition
            was = CONDITION_LABELS[computed] if computed else "—"
            # Narrow: the mark here, "computed …" on the line below the table.
            text.append(" ✎" if self._compact else f" ✎ (computed {was})", style="dim")
        return text

    def _show_title(self) -> None:
        assert self._week is not None
        stats = self.om.stats
        start, end = stats.weeks.bounds(self._week)
        now = self.om.clock.now()
        judged = stats.judged_week(self._week)
        where = self._post[1] if self._post else "all posts"
        if self._compact:  # 80 columns: what the week is comes first; s says the order
            state = ", so far" if start <= now < end else ", not begun" if now < start else ""
            line = f" · to {ending(self._week)}{state} · {where}"  # the day: wide
        else:
            if start <= now < end:
                state = f" (so far; conditions: wk ending {ending(judged)})"
            else:
                state = " (not begun)" if now < start else ""
            order = "worst first" if self._worst_first else "by post"
            ended = time_words.moment_text(end, self.om.practice.zone)
            line = f" · week ending {ended}{state} · {where} · {order}"
        self.query_one("#stats-title", Static).update(Text.assemble(("Stats", "bold"), line))

    def _selected(self) -> StatRow | None:
        table = self.query_one("#stats", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # no rows, or the cursor outside them
            return None
        return next((r for r in self._rows if str(r.stat_id) == key), None)

    @on(DataTable.RowHighlighted, "#stats")
    def _show_detail(self) -> None:
        row = self._selected()
        detail = self.query_one("#stats-detail", Static)
        if row is None:
            detail.update(self._nothing_here())
            return
        parts = [f"{row.name}: {row.source}"]
        if self._compact and self._week is not None and self.om.stats.in_progress(self._week):
            judged = self.om.stats.judged_week(self._week)
            parts.append(f"condition of wk to {time_words.day_text(judged, weekday=False)}")
        if row.quota is not None:
            parts.append(f"quota {format_value(row.quota, row.unit)}")
        parts.append("up is good" if row.up_is_good else "down is good")
        if row.notes[-1]:
            parts.append(f"this week: no value, {row.notes[-1]}")
        elif self._compact and any(
            r.this_week is None and r.notes[-1] not in ("", "÷ 0") for r in self._rows
        ):
            parts.append("—?: a formula whose inputs are missing")
        if row.override is not None:
            computed = row.computed_condition
            was = CONDITION_LABELS[computed] if computed else "—"
            chosen, reason = CONDITION_LABELS[row.override[0]], row.override[1]
            parts.append(f"override: {chosen} (computed {was}) — {reason}")
        detail.update(" · ".join(parts))

    @on(DataTable.RowSelected, "#stats")
    def _chosen(self) -> None:
        self.action_graph()

    def _nothing_here(self) -> str:
        """What the screen says, and a key does, when there is no stat to act on."""
        if self._post:
            return f"No stats yet for {self._post[1]}: n adds one; f shows other posts'."
        return "No stats yet: n adds one (a weekly stat the manager types, for a post)."

    def action_graph(self) -> None:
        from om_tui.screens.stats.graph import StatGraphScreen

        row = self._selected()
        if row is not None:
            self.app.push_screen(StatGraphScreen(row.stat_id, self._week))
        else:
            self.notify(self._nothing_here(), severity="warning")

    def action_enter_stats(self) -> None:
        from om_tui.screens.stats.entry import StatEntryScreen

        row = self._selected()
        if row is None:
            self.notify(self._nothing_here(), severity="warning")
            return
        post = self._post
        if post is None and row.post:
            # The post of the stat under the cursor, if it has stats to type; else all.
            if any(r.post == row.post and r.source == StatSource.ENTERED for r in self._rows):
                post = next(((i, t) for i, t in self.om.stats.posts() if t == row.post), None)
        self.app.push_screen(StatEntryScreen(post, self._week))

    def action_new_stat(self) -> None:
        from om_tui.screens.stats.form import StatFields, StatForm

        stats = self.om.stats
        posts = [title for _, title in stats.posts()]

        def chosen(fields: StatFields | None) -> None:
            if fields is None:
                return

            def added(stat: object) -> None:
                self.notify(f"{fields.name} added to {fields.post}: e types its values.")
                self.reload()

            self.om.write(
                lambda: stats.add_typed(fields.name, fields.post, fields.unit, fields.up_is_good),
                added,
            )

        self.app.push_screen(StatForm(posts, self._post[1] if self._post else ""), chosen)

    def action_filter(self) -> None:
        choices = [Choice(None, "All posts")] + [
            Choice((post_id, title), title) for post_id, title in self.om.stats.posts()
        ]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self._post = choice.value
                self.reload()

        self.app.push_screen(PickerScreen("Show the stats of…", choices), chosen)

    def action_sort(self) -> None:
        self._worst_first = not self._worst_first
        self._fill()

    def action_week(self, step: int) -> None:
        assert self._week is not None
        self._week = periods.later(self._week, step)
        self._set_columns()  # named by the weeks they show now
        self.reload()

    def action_override(self) -> None:
        from om_tui.screens.stats.condition_override import ConditionOverrideScreen

        row = self._selected()
        if row is None or self._week is None:
            self.notify(self._nothing_here(), severity="warning")
            return
        stats = self.om.stats
        week = stats.judged_week(self._week)

        def chosen(result: tuple[Condition | None, str] | None) -> None:
            if result is None:
                return
            condition, reason = result
            self.om.write(
                lambda: stats.override(
                    row.stat_id, week, condition, reason, seen={"override": row.override}
                ),
                lambda _: self.reload(),
            )

        self.app.push_screen(ConditionOverrideScreen(row, week), chosen)

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("Graph", "The selected stat's graph (g)", self.action_graph),
            SystemCommand("Enter stats", "Type this week's stats (e)", self.action_enter_stats),
            SystemCommand("Filter by post", "Show one post's stats (f)", self.action_filter),
            SystemCommand("New stat", "A weekly stat typed for a post (n)", self.action_new_stat),
            SystemCommand(
                "Override condition",
                "Set this week's condition, with a reason (o)",
                self.action_override,
            ),
        ]
