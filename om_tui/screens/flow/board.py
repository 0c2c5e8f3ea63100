"""The patient flow board: today's visits, who needs attention first, ticking live.

One screen (one per module), whose length is its keys; check-in and walk-in are in
check_in.py and walk_in.py, the rules in om_tui.practice.flow.moves.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from db.models import Stage
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.flow.board import (
    BOARD_TABLES,
    MOVED_ON,
    Board,
    BoardRow,
    Severity,
    attention_order,
    is_late,
    severity,
)
from om_tui.practice.flow.moves import Change
from om_tui.practice.flow.stages import FINISHED, IN_OFFICE, SIDE_EXITS, STAGE_LABELS
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.screens.plans.marks import plan_at_check_in
from om_tui.widgets.footer import Footer
from om_tui.widgets.live_table import Cell, LiveTable
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp
    from om_tui.screens.flow.check_in import CheckInChoice
    from om_tui.screens.flow.walk_in import WalkInResult

#: Columns: (key, wide title, compact title).
COLUMNS = (
    ("time", "Appt", "Appt"),
    ("patient", "Patient", "Patient"),
    ("kind", "Type", "Ty"),
    ("provider", "Provider", "Pr"),
    ("room", "Room", "Room"),
    ("stage", "Stage", "Stage"),
    ("in_stage", "In stage", "In stg"),
    ("in_office", "In office", "Total"),
)
COMPACT_BELOW = 108  # columns of the terminal under which the board drops long labels
TIME_WIDTH = 7  # the time columns keep room for "1:02:03" as they tick past the hour
NAME_AT_LEAST = 10  # a patient's name is cut to what fits, but never below this
SEEN = frozenset({Stage.WITH_PROVIDER, Stage.CHECKOUT})
"""Stages after the provider saw the patient: no "left without being seen" from here."""
MARKERS = {Severity.NORMAL: "   ", Severity.WARNING: "!  ", Severity.ALERT: "!! "}
ADD_ROOM = object()
"""The room picker's "Add a room…" (a practice with no rooms yet)."""


class FlowBoardScreen(FreshScreen):
    """Today's visits, ordered so the front desk sees first who needs attention."""

    BINDINGS = [
        Binding("slash", "check_in", "Check in", id="board.check_in"),
        Binding("w", "walk_in", "Walk-in", id="board.walk_in"),
        Binding("n", "advance", "Next", id="board.advance"),
        # Off the footer (80 columns hold the rest): u undoes a move; F1 lists b.
        Binding("b", "step_back", "Back", id="board.step_back", show=False),
        Binding("r", "room", "Room", id="board.room"),
        Binding("p", "provider", "Provider", id="board.provider"),
        Binding("x", "side_exit", "End…", id="board.side_exit"),
        Binding("u,ctrl+z", "undo", "Undo", id="board.undo"),
        Binding("i", "privacy", "Privacy", id="board.privacy"),
        # Off the footer (80 columns): F1 and the menu list them.
        Binding("f", "patients", "Patients", id="board.patients", show=False),
        Binding("c", "card", "Patient's card", id="board.card", show=False),
        Binding("a", "give_slot", "Slot for walk-in", id="board.give_slot", show=False),
    ]

    SHOWS = BOARD_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    stray_enter = dt.timedelta(seconds=0.5)
    """How long after a dialog closes an Enter is taken as the dialog's, not the board's
    (by the app's clock, so a test's frozen clock says when the person pressed it)."""

    privacy: reactive[bool] = reactive(False, init=False)
    """Show "First L." instead of full names (a screen the waiting room can see)."""

    def __init__(self) -> None:
        super().__init__()
        self._board: Board | None = None
        self._rows: dict[str, BoardRow] = {}
        self._shown: dict[tuple[str, str], Cell] = {}
        self._levels: dict[str, Severity] = {}
        self._pending: set[str] = set()
        self._compact = False
        self._header: dict[str, str] = {}
        self._resumed_at: dt.datetime | None = None
        self._was_shown = False
        self._styles: dict[Severity, Style] = {}
        self._fitted_to = 0
        """The table's width the names were cut for (F1's list narrows it)."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="topbar", markup=False)
            yield ScreenTabs("board")
        yield Static(id="figures", markup=False)
        yield LiveTable(id="board", zebra_stripes=True)
        yield Static(id="empty", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._compact = self.app.size.width < COMPACT_BELOW
        self._styles = self._theme_styles()
        self._set_columns()
        self.reload()
        self.set_interval(1.0, self.tick)
        self.query_one("#board", LiveTable).focus()

    def watch_privacy(self) -> None:
        if self._board is not None:
            self._fill_table()

    def on_resize(self) -> None:
        compact = self.app.size.width < COMPACT_BELOW
        selected = self._selected_key()
        if compact != self._compact:
            self._compact = compact
            self._set_columns()
        if self._board is not None:
            self._fill_table(selected)  # the names get what the new width leaves them

    @on(DataChanged)
    def reload(self) -> None:
        """Re-read today's board (a few ms) and redraw the rows."""
        from om_tui.screens.schedule.no_show_rule import record_if_due

        record_if_due(self.om)  # bookings past the no-show rule: recorded, once
        self._board = self.om.flow.board()
        self._fill_table()

    def on_screen_resume(self) -> None:
        if self._was_shown:  # back from a dialog (not the board's first showing)
            self._resumed_at = self.om.clock.now()
        self._was_shown = True

    @on(LiveTable.RowSelected, "#board")
    def _row_chosen(self) -> None:
        # An Enter typed twice to close a dialog must not also move the next patient on.
        resumed = self._resumed_at
        if resumed is not None and self.om.clock.now() - resumed < self.stray_enter:
            return
        self.action_advance()

    # -- drawing -------------------------------------------------------------

    def _set_columns(self) -> None:
        table = self.query_one("#board", LiveTable)
        table.set_columns(
            (key, compact if self._compact else wide) for key, wide, compact in COLUMNS
        )
        self._shown.clear()

    def _fill_table(self, selected: str | None = None) -> None:
        """Put the rows in attention order, keeping the cursor on the same visit."""
        assert self._board is not None
        table = self.query_one("#board", LiveTable)
        now = self.om.clock.now()
        selected = selected or self._selected_key()
        ordered = attention_order(self._board.rows, now, self.om.practice)
        self._rows = {row.key: row for row in ordered}
        self._levels = {row.key: severity(row, now, self.om.practice) for row in ordered}
        self._shown.clear()
        every = {row.key: self._cells(row, now) for row in ordered}
        self._fit_names(table, every)
        for key, cells in every.items():
            self._shown.update(((key, column), value) for column, value in cells.items())
        table.set_rows([(key, list(cells.values())) for key, cells in every.items()])
        if selected in self._rows:
            table.move_cursor(row=table.get_row_index(selected))
        self._show_header(now)
        empty = self.query_one("#empty", Static)
        empty.display = not ordered
        empty.update("No visits today yet. Press / to check a patient in, w for a walk-in.")

    def _cells(self, row: BoardRow, now: dt.datetime) -> dict[str, Cell]:
        practice = self.om.practice
        if row.appointment_start is not None:
            time = time_words.clock(row.appointment_start, practice.zone)
        else:
            time = "walk"
        name = row.short_name if self.privacy else row.full_name
        kind = row.kind or ("" if row.appointment_id is not None else "Walk-in")
        provider = row.provider or ""
        if self._compact:
            kind = row.kind_letter or kind[:1]
            provider = "".join(part[0] for part in provider.split()[1:]) or provider[:2]
        return {
            "time": time,
            "patient": name,
            "kind": kind,
            "provider": provider,
            "room": row.room or "",
            **self._live_cells(row, now),
        }

    def _fit_names(self, table: LiveTable, every: dict[str, dict[str, Cell]]) -> None:
        """Cut long names to what the width leaves them, so that the stage and the times are
        never pushed off. The columns are sized here, from what they show now: a long name
        gone takes its width with it."""
        widths: dict[str, int] = {}
        for key, column in table.columns.items():
            lengths = (width(row[key]) for row in every.values())
            widths[key] = max([column.label.cell_len, *lengths])
        for timed in ("in_stage", "in_office"):
            widths[timed] = max(widths[timed], TIME_WIDTH)
        padding = 2 * table.cell_padding
        room = self._fitted_to = table.size.width or self.app.size.width
        room -= table.styles.scrollbar_size_vertical + padding * len(widths)
        room -= sum(width for name, width in widths.items() if name != "patient")
        room = max(room, NAME_AT_LEAST)
        for cells in every.values():
            name = Text(str(cells["patient"]))
            name.truncate(room, overflow="ellipsis")
            cells["patient"] = name.plain
        widths["patient"] = min(widths["patient"], room)
        table.set_widths(widths)

    def _live_cells(self, row: BoardRow, now: dt.datetime) -> dict[str, Cell]:
        """The cells that change with time: stage (lateness), in stage, in office."""
        level = severity(row, now, self.om.practice)
        style = self._styles[level]
        marker = MARKERS[level]
        if row.stage == Stage.SCHEDULED:
            if is_late(row, now, self.om.practice):
                late = time_words.stopwatch(dt.timedelta(minutes=row.minutes_late(now)))
                stage = Text(f"{marker}Late", style=style)
                in_stage: Cell = Text(f"+{late}", style=style)
            else:
                stage, in_stage = Text(f"{marker}{STAGE_LABELS[row.stage]}"), ""
        else:
            stage = Text(f"{marker}{STAGE_LABELS[row.stage]}", style=style)
            in_stage = Text(time_words.stopwatch(row.time_in_stage(now)), style=style)
        if row.stage in FINISHED:
            stage.stylize("dim")
        office = time_words.stopwatch(row.time_in_office(now))
        return {"stage": stage, "in_stage": in_stage, "in_office": office}

    def _theme_styles(self) -> dict[Severity, Style]:
        """Warning and alert styles from the theme's own colours."""
        colours = self.app.theme_variables
        return {
            Severity.NORMAL: Style(),
            Severity.WARNING: Style(color=colours.get("warning"), bold=True),
            Severity.ALERT: Style(color=colours.get("error"), bold=True, reverse=True),
        }

    def _show_header(self, now: dt.datetime) -> None:
        practice = self.om.practice
        local = practice.local(now)
        if self._compact:  # the time first: a narrow line crops the name, not the time
            said = f"{time_words.clock(local)} {time_words.day_text(local.date())}"
            top = Text.assemble(f"{said}  ", (practice.name, "bold"))
        else:
            said = f"{time_words.day_text(local.date(), year=True)}  {time_words.clock(local)}"
            top = Text.assemble((practice.name, "bold"), f"  {said}")
        if self.privacy:  # first on the line: a narrow line crops the name, not this
            top = Text.assemble((" PRIVACY ", "reverse"), " ", top)
        self._update_static("#topbar", top)
        if self._board is None:
            return
        figures = self._board.figures(now)
        gap = "  " if self._compact else "   "
        parts = (
            ("In office", str(figures.in_office)),
            ("Waiting", str(figures.waiting)),
            (
                "Longest" if self._compact else "Longest wait",
                time_words.stopwatch(figures.longest_wait) or "—",
            ),
            ("Avg wait", time_words.stopwatch(figures.average_wait) or "—"),
            ("Seen", str(figures.seen)),
            ("No-shows", str(figures.no_shows)),
        )
        line = Text()
        for label, value in parts:
            if line:
                line.append(gap)
            line.append(f"{label} ")
            line.append(value, style="bold")
        self._update_static("#figures", line)

    def _update_static(self, selector: str, text: Text) -> None:
        """Redraw only when the text really changed (most ticks it does not)."""
        if self._header.get(selector) != text.plain:
            self._header[selector] = text.plain
            self.query_one(selector, Static).update(text, layout=False)  # one fixed line

    def tick(self) -> None:
        """Once a second: update only the cells that show time."""
        if self._board is None:
            return
        now = self.om.clock.now()
        practice = self.om.practice
        table = self.query_one("#board", LiveTable)
        reorder = table.size.width not in (self._fitted_to, 0)  # the names get the new width
        no_show_after = practice.no_show_after_minutes  # the practice's rule; 0: never
        changed: list[tuple[str, str, Cell]] = []
        for key, row in self._rows.items():
            if row.stage in FINISHED:
                continue
            if row.stage == Stage.SCHEDULED and 0 < no_show_after <= row.minutes_late(now):
                self.reload()  # a booking past the rule reads as a No-show now
                return
            if row.stage == Stage.SCHEDULED and not is_late(row, now, practice):
                continue  # nothing about an expected patient changes until they are late
            level = severity(row, now, practice)
            if level != self._levels.get(key):
                reorder = True
            for column, value in self._live_cells(row, now).items():
                if self._shown.get((key, column)) != value:
                    self._shown[(key, column)] = value
                    changed.append((key, column, value))
        if reorder:
            self._fill_table()  # someone crossed a threshold: they move up
        else:
            table.update_cells(changed)  # only their rows are drawn again
            self._show_header(now)

    # -- acting on the selected visit ----------------------------------------

    def _selected_key(self) -> str | None:
        return self.query_one("#board", LiveTable).selected_key

    def _selected(self) -> BoardRow | None:
        key = self._selected_key()
        row = self._rows.get(key) if key is not None else None
        if row is None:
            self.notify("No visit selected.", severity="warning")
            return None
        if row.key in self._pending:
            self.app.bell()
            return None
        return row

    def _apply(self, row: BoardRow | None, change: Any) -> None:
        """Write in the background; remember the change for undo; redraw."""
        key = row.key if row is not None else None
        if key is not None:
            self._pending.add(key)
        # Where the visit is as the key is pressed: a re-read from the change watcher may
        # move the cursor with it before this write is done.
        place = self.query_one("#board", LiveTable).cursor_row

        def done(made: Change) -> None:
            self._pending.discard(key or "")
            self.om.undo_stack.append(made)
            self.notify(self.discreet(made.description), timeout=3)
            self.reload()
            self._select_visit(made.visit_id, place)

        def failed() -> None:
            self._pending.discard(key or "")

        self.om.write(change, done, failed)

    def discreet(self, message: str) -> str:
        """In privacy mode, a message names patients as "First L." too."""
        if not self.privacy:
            return message
        for row in self._rows.values():
            message = message.replace(row.full_name, row.short_name)
        return message

    def _select_visit(self, visit_id: int, place: int | None = None) -> None:
        """Put the cursor on a visit just changed, so the next key acts on it; on one just
        finished, leave it at `place` (the row that took its place): following it to the
        bottom would hide who needs attention."""
        table = self.query_one("#board", LiveTable)
        for key, row in self._rows.items():
            if row.visit_id == visit_id and row.stage not in FINISHED:
                table.move_cursor(row=table.get_row_index(key))
                return
        if place is not None and table.row_count:
            table.move_cursor(row=min(place, table.row_count - 1))

    def action_advance(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.stage in FINISHED:
            self.notify(
                f"{row.full_name}'s visit is finished ({STAGE_LABELS[row.stage]}); "
                "b steps it back.",
                severity="warning",
            )
            return
        if row.stage == Stage.ARRIVED:
            self._pick_room(row, rooming=True)
            return
        if row.stage == Stage.ROOMED and not row.provider:
            self._pick_provider(row, seeing=True)  # a walk-in nobody took yet
            return
        flow = self.om.flow
        self._apply(row, lambda: flow.advance(row))

    def action_step_back(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.visit_id is None and row.appointment_id is not None and row.stage == Stage.NO_SHOW:
            from om_tui.screens.schedule.no_show_rule import take_back_no_show

            om, appointment = self.om, row.appointment_id  # the booking is expected again
            take_back_no_show(om, appointment, lambda said: self.notify(self.discreet(said)))
            return
        flow = self.om.flow
        now = self.om.clock.now()
        if row.finished_at is None or now - row.finished_at < MOVED_ON:
            self._apply(row, lambda: flow.step_back(row))
            return
        from om_tui.screens.hats.forms import Confirm

        ended = time_words.clock(row.finished_at, self.om.practice.zone)
        ago = time_words.duration(now - row.finished_at)
        question = (
            f"{row.full_name}'s visit ended ({STAGE_LABELS[row.stage]}) at {ended}, "
            f"{ago} ago. Step it back anyway?"
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._apply(row, lambda: flow.step_back(row))

        self.app.push_screen(Confirm(self.discreet(question), yes="Step back"), confirmed)

    def action_room(self) -> None:
        row = self._selected()
        if row is not None:
            if row.stage not in IN_OFFICE:
                self.notify(f"{row.full_name} is not in the office.", severity="warning")
                return
            self._pick_room(row, rooming=False)

    def _pick_room(self, row: BoardRow, *, rooming: bool) -> None:
        """The rooms in use; one someone is in says who, and takes a second Enter (rooms
        are shared on purpose); with no rooms yet, the first one is added from here."""
        flow = self.om.flow
        rooms = flow.rooms()
        current = next((room_id for room_id, name, _ in rooms if name == row.room), None)
        choices = []
        for room_id, name, who in rooms:
            if who and room_id != current:
                who = self.discreet(who)
                choices.append(
                    Choice(
                        room_id,
                        f"{name}  (in use: {who})",
                        confirm=f"{name} has {who} in it: Enter again to share it · ↑↓ another",
                    )
                )
            else:
                choices.append(Choice(room_id, name))
        hint = ""
        if not rooms:
            if self.om.may("rooms"):
                choices.append(Choice(ADD_ROOM, "Add a room…"))
                hint = "No rooms yet — press 1 to add one · Esc cancel"
            else:
                hint = "No rooms yet — a manager adds them (menu: Rooms) · Esc cancel"
        if rooming:
            title = f"Room {row.full_name} — which room?"
            choices.append(Choice(None, "No room yet (just mark roomed)"))
        else:
            title = f"Room for {row.full_name}"
            choices.append(Choice(None, "No room"))

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            room = choice.value
            if room is ADD_ROOM:
                self._add_first_room(row, rooming=rooming)
            elif rooming:
                self._apply(row, lambda: flow.move(row, Stage.ROOMED, room=room))
            else:
                self._apply(row, lambda: flow.assign(row, "room", room))

        self.app.push_screen(PickerScreen(title, choices, current=current, hint=hint), chosen)

    def _add_first_room(self, row: BoardRow, *, rooming: bool) -> None:
        """A fresh practice: name a room, then pick it (the picker opens again)."""
        from om_tui.practice.schedule.rooms import Rooms
        from om_tui.screens.schedule.rooms import RoomForm

        service = Rooms(self.om.database, self.om.acting_id)

        def named(name: str | None) -> None:
            if name is not None:
                self.om.write(
                    lambda: service.add(name), lambda _: self._pick_room(row, rooming=rooming)
                )

        self.app.push_screen(RoomForm("The practice's first room", []), named)

    def action_provider(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.stage not in IN_OFFICE:
            self.notify(f"{row.full_name} is not in the office.", severity="warning")
            return
        self._pick_provider(row, seeing=False)

    def _pick_provider(self, row: BoardRow, *, seeing: bool) -> None:
        """Choose the visit's provider; `seeing`: and move it on to With provider."""
        flow = self.om.flow
        choices = [Choice(staff_id, name) for staff_id, name in flow.providers()]
        if seeing:
            title = f"Who sees {row.full_name}?"
            choices.append(Choice(None, "Not said (just mark with provider)"))
        else:
            title = f"Provider for {row.full_name}"
            choices.append(Choice(None, "No provider"))

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            staff_id = choice.value
            if seeing:
                self._apply(row, lambda: flow.move(row, Stage.WITH_PROVIDER, provider=staff_id))
            else:
                self._apply(row, lambda: flow.assign(row, "provider", staff_id))

        current = next((i for i, name in flow.providers() if name == row.provider), None)
        self.app.push_screen(PickerScreen(title, choices, current=current), chosen)

    def action_side_exit(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.stage in FINISHED:
            self.notify(f"{row.full_name}'s visit is already finished.", severity="warning")
            return
        if row.stage == Stage.SCHEDULED:
            exits = [Stage.NO_SHOW, Stage.CANCELLED]
        elif row.stage in SEEN:
            self.notify(
                f"{row.full_name} was seen: n moves the visit on to Done.", severity="warning"
            )
            return
        else:
            exits = [Stage.LEFT, Stage.CANCELLED]
        choices = [Choice(stage, STAGE_LABELS[stage]) for stage in exits if stage in SIDE_EXITS]
        flow = self.om.flow

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                stage = Stage(choice.value)
                self._apply(row, lambda: flow.move(row, stage))

        self.app.push_screen(PickerScreen(f"End {row.full_name}'s visit as…", choices), chosen)

    def action_undo(self) -> None:
        stack = self.om.undo_stack
        if not stack:
            self.notify("Nothing to undo on this terminal.")
            return
        change = stack.pop()
        flow = self.om.flow

        def done(message: str) -> None:
            self.notify(self.discreet(message), timeout=4)
            self.reload()

        self.om.write(lambda: flow.undo(change), done)

    def action_card(self) -> None:
        """The selected visit's patient on the Patients screen: their card, and `e` to correct
        the name, birth date or phone given at check-in."""
        row = self._selected()
        if row is not None and not self._private_refused():
            self.om.action_patients(row.patient_id)

    def action_patients(self) -> None:
        if not self._private_refused():
            self.om.action_patients()

    def _private_refused(self) -> bool:
        """Patient records show birth dates and phones: not on a screen the waiting room sees."""
        if self.privacy:
            self.notify("Privacy is on: i turns it off before patient records are shown.")
        return self.privacy

    def action_privacy(self) -> None:
        self.privacy = not self.privacy
        self._show_header(self.om.clock.now())

    def action_check_in(self) -> None:
        from om_tui.screens.flow.check_in import CheckInScreen  # loaded on first use: quicker start

        self.app.push_screen(
            CheckInScreen(self._board, private=self.privacy), self._checked_in_choice
        )

    def _checked_in_choice(self, choice: CheckInChoice | None) -> None:
        if choice is None:
            return
        if choice.new_name is not None:
            self._walk_in(choice.new_name, choice.new_phone)
            return
        assert choice.patient_id is not None
        flow = self.om.flow
        patient_id, appointment_id = choice.patient_id, choice.appointment_id
        self._apply(None, lambda: flow.check_in(patient_id, appointment_id))
        plan_at_check_in(self, patient_id)  # the next visits booked before they leave

    def action_walk_in(self) -> None:
        self._walk_in("")

    def _walk_in(self, name: str, phone: str = "") -> None:
        from om_tui.screens.flow.walk_in import WalkInScreen

        def saved(result: WalkInResult | None) -> None:
            if result is None:
                return
            flow = self.om.flow
            self._apply(None, lambda: result.check_in(flow))

        self.app.push_screen(WalkInScreen(name, phone), saved)

    def action_give_slot(self) -> None:
        """A walk-in is given a slot in the book from now: with whom, as what."""
        from om_tui.practice.schedule.book import Book, Booked
        from om_tui.practice.schedule.types import appointment_types
        from om_tui.screens.schedule.consent import write_with_consent

        row = self._selected()
        if row is None:
            return
        visit_id = row.visit_id
        if row.appointment_id is not None or visit_id is None:
            self.notify(f"{row.full_name} has an appointment already.", severity="warning")
            return
        flow = self.om.flow
        book = Book(self.om.database, self.om.clock, self.om.practice, flow.staff_id)
        kinds = [Choice(k.id, k.label) for k in appointment_types()]

        def given(made: Booked) -> None:
            self.notify(self.discreet(made.description), timeout=3)
            self.reload()

        def provider_chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            provider = choice.value

            def type_chosen(kind: Choice | None) -> None:
                if kind is not None:
                    chosen = kind.value
                    write_with_consent(
                        self.om,
                        lambda consent: book.give_slot(visit_id, provider, chosen, consent),
                        given,
                    )

            hint = "Enter give this slot · 1–9 pick · Esc give none"
            picker = PickerScreen(f"{row.full_name}: which type?", kinds, hint=hint)
            self.app.push_screen(picker, type_chosen)

        providers = [Choice(i, name) for i, name in flow.providers()]
        current = next((i for i, name in flow.providers() if name == row.provider), None)
        title = f"A slot for {row.full_name}, from now: with whom?"
        hint = "Enter with this provider · 1–9 pick · Esc give no slot"
        picker = PickerScreen(title, providers, current=current, hint=hint)
        self.app.push_screen(picker, provider_chosen)

    def palette_commands(self) -> list[SystemCommand]:
        """The board's actions, for the command palette."""
        return [
            SystemCommand("Check in", "Find a patient and check them in (/)", self.action_check_in),
            SystemCommand("Walk-in", "Add a walk-in patient (w)", self.action_walk_in),
            SystemCommand("Next stage", "Move the selected visit on (n)", self.action_advance),
            SystemCommand(
                "Step back", "Take back the selected visit's stage (b)", self.action_step_back
            ),
            SystemCommand("Room", "Choose a room for the selected visit (r)", self.action_room),
            SystemCommand("Provider", "Choose the provider (p)", self.action_provider),
            SystemCommand(
                "No-show / cancelled / left", "End the selected visit (x)", self.action_side_exit
            ),
            SystemCommand("Undo", "Undo this terminal's last change (u)", self.action_undo),
            SystemCommand(
                "Privacy", "Show First L. instead of full names (i)", self.action_privacy
            ),
            SystemCommand(
                "Patient's card",
                "The selected visit's patient: their record and visits; correct it (c)",
                self.action_card,
            ),
            SystemCommand(
                "Slot for a walk-in",
                "Book the walk-in from now, in the book (a)",
                self.action_give_slot,
            ),
        ]


def width(cell: Cell) -> int:
    """A cell's width on screen, in terminal cells (a wide character takes two)."""
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)
