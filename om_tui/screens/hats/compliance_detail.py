"""The items behind a compliance figure: each item due in a period, by hat, and its fate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist
from textual.worker import get_current_worker

from db.models import Frequency
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import HATS_TABLES, Occurrence, State, Tally
from om_tui.screens.fresh import FreshScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.row_table import RowTable

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

COMPACT_BELOW = 110  # terminal columns
#: More items than this (everyone's quarter, say) open showing those not done on time.
MANY = 1500
#: Worst first; each state's word, its mark (read without colour) and its theme colour.
STATES: dict[State, tuple[str, str]] = {
    State.MISSED: ("✗ missed", "error"),
    State.OVERDUE: ("! overdue", "warning"),
    State.LATE: ("~ late", "warning"),
    State.DONE: ("✓ done", "success"),
    State.OPEN: ("  open", "foreground"),
}
RANK = {state: n for n, state in enumerate(STATES)}


@dataclass(frozen=True)
class Items:
    """A period's occurrences and the posts' order, read off the event loop."""

    occurrences: list[Occurrence]
    post_order: list[int]
    names: dict[int, str]


class ComplianceDetailScreen(FreshScreen):
    """A person's (or everyone's) due items from `first` to `last`, worst first in each hat."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="compliance_detail.back"),
        Binding("m", "not_on_time", "Not on time only", id="compliance_detail.not_on_time"),
    ]

    SHOWS = HATS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    class Read(Message):
        """The worker's reading of the items, for the screen to show."""

        def __init__(self, items: Items) -> None:
            super().__init__()
            self.items = items

    def __init__(
        self, who: str, people: Sequence[int], first: dt.date, last: dt.date, label: str
    ) -> None:
        super().__init__()
        self._who = who
        self._people = list(people)
        self._first = first
        self._last = last
        self._label = label
        self._not_on_time = False
        self._items: Items | None = None
        self._shown: dict[str, Occurrence] = {}

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="items-title", markup=False)
        yield RowTable[Text | str](id="items", zebra_stripes=True)
        yield Static(id="items-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#items-title", Static).update(
            Text.assemble((self._who, "bold"), f" · {self._label} · reading…")
        )
        self.reload()
        self.query_one("#items", DataTable).focus()

    def on_resize(self) -> None:
        if self._items is not None:
            self._fill()

    @on(DataChanged)
    def reload(self) -> None:
        self._read(self.om.hats)

    @work(thread=True, exclusive=True, exit_on_error=False, group="compliance-items")
    def _read(self, hats: Hats) -> None:
        with hats.database.connection_context():
            found = hats.occurrences(self._first, self._last, self._people)
            items = Items(found, [post_id for post_id, _ in hats.posts()], hats.names())
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(items))

    @on(Read)
    def _show(self, message: Read) -> None:
        if self._items is None and len(message.items.occurrences) > MANY:
            self._not_on_time = True  # thousands of rows: the ones worth reading
        self._items = message.items
        self._fill()

    def _fill(self) -> None:
        items = self._items
        assert items is not None
        table = self.query_one("#items", DataTable)
        selected = self._selected_key()
        compact = self.app.size.width < COMPACT_BELOW
        everyone = len(self._people) != 1
        theme = self.app.theme_variables
        table.clear(columns=True)
        table.add_column("State", key="state")
        table.add_column("Due", key="due")
        if everyone:
            table.add_column("Who", key="who")
        # The other columns' widths with their padding, the item's padding, the scrollbar.
        used = 11 + (14 if compact else 21) + (10 if everyone else 0) + (14 if compact else 27) + 4
        item_width = max(16, self.app.size.width - used)
        table.add_column("Item", key="item", width=item_width)
        table.add_column("Ticked", key="ticked")

        by_post: dict[int, list[Occurrence]] = {}
        for occurrence in items.occurrences:
            by_post.setdefault(occurrence.post_id, []).append(occurrence)
        order = {post_id: n for n, post_id in enumerate(items.post_order)}
        total = Tally()
        self._shown = {}
        for post_id in sorted(by_post, key=lambda p: order.get(p, len(order))):
            found = sorted(
                by_post[post_id],
                key=lambda o: (RANK[o.state], o.due_on, o.deadline, o.person_id, o.key),
            )
            tally = Tally.of(found)
            total += tally
            # The hat's line: its title where the items' texts go, its figures beside.
            blank = [""] * (3 if everyone else 2)
            figures = Text(f"{tally.on_time}/{tally.due} on time", style="bold")
            table.add_row(*blank, Text(found[0].post, style="bold"), figures, key=f"h{post_id}")
            for number, occurrence in enumerate(found):
                if self._not_on_time and occurrence.state == State.DONE:
                    continue
                word, colour = STATES[occurrence.state]
                state = Text(word, style=theme.get(colour, ""))
                row: list[Text | str] = [state, self._due(occurrence, compact)]
                if everyone:
                    row.append(_short_name(items.names.get(occurrence.person_id, "?")))
                row.append(_fitted(occurrence.text, item_width - 1))
                row.append(self._ticked(occurrence, compact))
                key = f"o{post_id}-{number}"
                self._shown[key] = occurrence
                table.add_row(*row, key=key)
        if selected is None or selected not in self._shown:
            selected = next(iter(self._shown), None)  # the worst item of the first hat
        if selected is not None:
            table.move_cursor(row=table.get_row_index(selected), animate=False)
        title = Text.assemble((self._who, "bold"), f" · {self._label} · ")
        if total.due:
            title.append(
                f"{total.due} due: {total.on_time} on time, {total.late} late, "
                f"{total.missed} not done"
            )
        else:
            title.append("nothing was due")
        if self._not_on_time:
            title.append(" · showing those not done on time")
        self.query_one("#items-title", Static).update(title)
        self._show_detail()

    def _due(self, occurrence: Occurrence, compact: bool) -> str:
        """When it was due: the day (and time) for a daily item, the week or month otherwise."""
        day = occurrence.due_on
        shown = time_words.day_text(day, weekday=not compact)
        if occurrence.frequency == Frequency.WEEKLY:
            cutoff = time_words.clock(occurrence.deadline, self.om.practice.zone)
            return f"wk {shown} {cutoff}" if not compact else f"wk {shown}"
        if occurrence.frequency == Frequency.MONTHLY:
            return f"mo {shown}"
        return f"{shown} {occurrence.due_time}" if occurrence.due_time else shown

    def _ticked(self, occurrence: Occurrence, compact: bool) -> str:
        if occurrence.ticked_at is None:
            return "—"
        zone = self.om.practice.zone
        when = time_words.moment_text(occurrence.ticked_at, zone, weekday=not compact)
        if compact or not occurrence.ticked_by:
            return when
        return f"{when} {_short_name(occurrence.ticked_by)}"

    def _selected_key(self) -> str | None:
        table = self.query_one("#items", DataTable)
        if table.row_count == 0:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except CellDoesNotExist:
            return None

    @on(DataTable.RowHighlighted, "#items")
    def _show_detail(self) -> None:
        """The selected item in full: a narrow table crops its text and ticker."""
        detail = self.query_one("#items-detail", Static)
        key = self._selected_key()
        occurrence = self._shown.get(key or "")
        if occurrence is None:
            detail.update("")
            return
        practice = self.om.practice
        deadline = time_words.moment_text(occurrence.deadline, practice.zone)
        parts = [occurrence.text, f"{occurrence.frequency}, due by {deadline}"]
        if occurrence.shared:
            parts.append("shared: one tick by any holder")
        if occurrence.ticked_at is not None:
            at = time_words.moment_text(occurrence.ticked_at, practice.zone)
            late = occurrence.ticked_at - occurrence.deadline
            by = f" by {occurrence.ticked_by}" if occurrence.ticked_by else ""
            when = f"ticked {at}{by}"
            if occurrence.state == State.LATE:
                when += f" ({time_words.duration(late)} late)"
            parts.append(when)
        elif occurrence.state == State.OVERDUE:
            parts.append("not done yet: can still be ticked (late)")
        else:
            parts.append("not done: the period is closed")
        detail.update(" · ".join(parts))

    def action_not_on_time(self) -> None:
        self._not_on_time = not self._not_on_time
        if self._items is not None:
            self._fill()


def _short_name(name: str) -> str:
    """ "Jenny Ortiz" → "Jenny O."; "Dr. Sarah Chen" → "Sarah C."."""
    parts = [p for p in name.split() if not p.endswith(".")] or name.split()
    if len(parts) < 2:
        return name
    return f"{parts[0]} {parts[-1][0]}."


def _fitted(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
