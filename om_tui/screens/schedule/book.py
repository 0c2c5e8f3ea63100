"""The appointment book: a day, one column per provider (or per room), or a provider's
week, a column a day; time down the side at the practice's slot size; booking, moving,
cancelling, confirming and series by keys. One screen, whose length is its keys: the
grid's look is in grid.py, the booking form in booking.py, the rules in the practice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule import types
from om_tui.practice.schedule.book import BOOK_TABLES, Book, Booked
from om_tui.practice.schedule.entries import DayBook, Entry
from om_tui.practice.schedule.slots import next_free
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.imports.queue import waiting_mark
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.screens.plans.marks import plan_marks
from om_tui.screens.schedule import grid
from om_tui.screens.schedule.consent import write_with_consent
from om_tui.screens.schedule.no_show_rule import record_if_due
from om_tui.screens.schedule.pinned import Pinned
from om_tui.widgets.footer import Footer
from om_tui.widgets.plain_table import PlainTable
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp
    from om_tui.screens.schedule.booking import BookingRequest

TIME_WIDTH = 6
NARROWEST = 14
BOOKING_ACTIONS = frozenset(
    {"book", "next_free", "move", "resize", "cancel", "missed", "status", "repeat",
     "change_following"}
)  # fmt: skip
"""The keys that change the book: shown to those who may book (the practice layer refuses
the others whatever they press)."""
NARROWEST_IN_WEEK = 8  # seven days and the times fit 80 columns
WIDEST = 26


class BookScreen(FreshScreen):
    """A day of the appointment book, a column per provider."""

    BINDINGS = [
        Binding("b", "book", "Book", id="book.book"),
        Binding("f", "next_free(False)", "Free", id="book.next_free"),
        Binding("F", "next_free(True)", "Free (any)", id="book.next_free_any", show=False),
        Binding("m", "move", "Move", id="book.move"),
        Binding("plus", "resize(1)", "Longer", id="book.longer", show=False),
        Binding("minus", "resize(-1)", "Shorter", id="book.shorter", show=False),
        Binding("c", "cancel", "Cancel…", id="book.cancel"),
        Binding("x", "missed", "Missed", id="book.missed", show=False),
        Binding("s", "status", "Status", id="book.status"),
        Binding("t", "today", "Today", id="book.today", show=False),
        Binding("n,right_square_bracket", "day(1)", "Next day", id="book.next_day"),
        Binding("p,left_square_bracket", "day(-1)", "Prev", id="book.previous_day"),
        Binding("g", "go_to", "Go to", id="book.go_to"),
        Binding("v", "columns", "Rooms/providers", id="book.columns", show=False),
        Binding("w", "week", "Week", id="book.week", show=False),
        Binding("r", "repeat", "Repeat…", id="book.repeat", show=False),
        Binding("R", "change_following", "This and following…", id="book.following", show=False),
        Binding("P", "app.care_plans", "Care plans", id="book.care_plans", show=False),
        Binding("escape", "stop_moving", "Stop moving", id="book.stop_moving", show=False),
        Binding("comma", "app.book_settings", "Settings", id="book.settings", show=False),
        Binding("i", "app.import_queue", "Import queue", id="book.import_queue", show=False),
    ]

    SHOWS = BOOK_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self.day: dt.date | None = None
        self.by_room = False
        self._daybook: DayBook | None = None
        self._times: list[dt.time] = []  # each row's local time
        self.week_of: int | None = None
        """The provider whose week is shown (a column a day); None: the day, all of them."""
        self._week_name = ""
        self._cells: dict[tuple[int, int], list[Entry]] = {}
        self._moving: Entry | None = None
        self._pinned: Pinned | None = None
        """A patient from a call list, booked by Enter on the slot the desk picks."""
        self._kind: int | None = None  # the type last chosen: the next booking's
        self._now_row: int | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def book(self) -> Book:
        om = self.om
        return Book(om.database, om.clock, om.practice, om.flow.staff_id)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="book-title", markup=False)
            yield ScreenTabs("book")
        yield Static(id="book-detail", markup=False)
        yield PlainTable(id="book", cursor_type="cell", fixed_columns=1, zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.day = self.book.today()
        self.reload()
        self._cursor_to(self._now_row or 0, 1)
        self.set_interval(30, self._mark_now)
        self.query_one("#book", DataTable).focus()

    @on(DataChanged)
    def reload(self) -> None:
        """Re-read the day (a few ms) and redraw it, the cursor where it was."""
        assert self.day is not None
        record_if_due(self.om)  # bookings past the no-show rule: recorded, once
        table = self.query_one("#book", DataTable)
        place, scrolled = table.cursor_coordinate, (table.scroll_x, table.scroll_y)
        if self.week_of is not None:
            monday = self.day - dt.timedelta(days=self.day.weekday())
            self._daybook = self.book.week(self.week_of, monday)
        else:
            self._daybook = self.book.day(self.day, by_room=self.by_room)
        self._draw()
        if table.row_count:
            table.scroll_to(*scrolled, animate=False, immediate=True)  # the view stays put
            self._cursor_to(min(place.row, table.row_count - 1), max(1, place.column))
        self._show_detail()

    def on_resize(self) -> None:
        if self._daybook is not None:
            self.reload()

    # -- drawing -------------------------------------------------------------

    def instant(self, row: int, column: int) -> dt.datetime | None:
        """Where a cell's slot starts (UTC): its row's time on its column's day."""
        daybook = self._daybook
        if daybook is None or not 0 <= row < len(self._times):
            return None
        if not 1 <= column <= len(daybook.columns):
            return None
        day = daybook.columns[column - 1].day
        local = dt.datetime.combine(day, self._times[row], tzinfo=self.om.practice.zone)
        return local.astimezone(dt.UTC)

    def row_of(self, moment: dt.datetime) -> int | None:
        """The row whose slot holds `moment` (its local time of day)."""
        local = self.om.practice.local(moment)
        minute = local.hour * 60 + local.minute
        slot = self._daybook.slot if self._daybook else 15
        for row, time in enumerate(self._times):
            if time.hour * 60 + time.minute <= minute < time.hour * 60 + time.minute + slot:
                return row
        return None

    def _draw(self) -> None:
        daybook = self._daybook
        assert daybook is not None
        table = self.query_one("#book", DataTable)
        table.clear(columns=True)
        columns = daybook.columns
        room = self.app.size.width - TIME_WIDTH - 4
        narrowest = NARROWEST_IN_WEEK if daybook.week else NARROWEST
        width = max(narrowest, min(WIDEST, room // max(1, len(columns)) - 2))
        table.add_column("Time", key="time", width=TIME_WIDTH - 1)
        for number, column in enumerate(columns):
            label = column.name if daybook.week else grid.short(column.name)
            table.add_column(label, key=f"c{number}", width=width)
        self._times = grid.rows(daybook, self.om.practice)
        slot = dt.timedelta(minutes=daybook.slot)
        now = self.om.clock.now()
        self._cells = {}
        self._now_row = None
        listed = [daybook.in_column(column) for column in columns]
        for r, time in enumerate(self._times):
            time_label = Text(time_words.clock(time))
            cells: list[Text | str] = [time_label]
            for c, column in enumerate(columns):
                start = self.instant(r, c + 1)
                assert start is not None
                end = start + slot
                if start <= now < end:
                    self._now_row = r
                    time_label.stylize("reverse bold")
                here = [e for e in listed[c] if e.start < end and start < e.end]
                self._cells[(r, c + 1)] = here
                cells.append(grid.cell(daybook, column, here, start, end, width))
            table.add_row(*cells, key=str(r))
        self._show_title()

    def _show_title(self) -> None:
        assert self.day is not None
        today = self.book.today()
        if self.week_of is not None and self._daybook is not None:
            first = self._daybook.day
            title = Text.assemble(("Week of ", "bold"), (time_words.day_text(first), "bold"))
            title.append(f" · {self._week_name}")
            title.append(waiting_mark(self.om))
            self.query_one("#book-title", Static).update(title)
            return
        when = "today" if self.day == today else f"{(self.day - today).days:+d}d"
        title = Text.assemble((time_words.day_text(self.day), "bold"), f" {when}")
        if self.by_room:
            title.append(" · rooms")
        title.append(waiting_mark(self.om))
        self.query_one("#book-title", Static).update(title)

    def _mark_now(self) -> None:
        """The current time's row, marked (every 30 s; a redraw only when it moved), and
        the bookings past the no-show rule recorded: the book re-reads only when a
        booking or a visit changes, and with no board open nothing else would."""
        record_if_due(self.om)
        now = self.om.clock.now()
        shown = self._daybook is not None and any(
            c.day == self.om.practice.today(now) for c in self._daybook.columns
        )
        if (self.row_of(now) if shown else None) != self._now_row:
            self.reload()

    def _cursor_to(self, row: int, column: int) -> None:
        table = self.query_one("#book", DataTable)
        if table.row_count:
            table.move_cursor(row=row, column=column, animate=False, scroll=True)

    # -- what the cursor is on -----------------------------------------------

    @on(DataTable.CellHighlighted, "#book")
    def _show_detail(self) -> None:
        table = self.query_one("#book", DataTable)
        if table.cursor_coordinate.column == 0 and len(table.columns) > 1:
            table.move_cursor(column=1)  # the times are labels, not slots (Home goes there)
            return
        detail = self.query_one("#book-detail", Static)
        if self._moving is not None:
            detail.update(
                Text.assemble(
                    ("Moving ", "bold"),
                    self._moving.full_name,
                    ": go to the new slot (n/p/g change day) · Enter puts it there · Esc stops",
                )
            )
            return
        if self._pinned is not None:
            detail.update(
                Text.assemble(
                    (self._pinned.said(), "bold"), ": go to a slot · Enter books · Esc stops"
                )
            )
            return
        if self._daybook is not None and not self._daybook.columns:
            detail.update("No column for you: a provider sees their own, the front desk all.")
            return
        entries = self._here()
        start = self._slot_start()
        if start is None:
            detail.update("")
            return
        practice = self.om.practice
        if not entries:
            column = self._column()
            who = column[1] if column else ""
            table = self.query_one("#book", DataTable)
            index = table.cursor_coordinate.column - 1
            said = "free"
            if self._daybook is not None and 0 <= index < len(self._daybook.columns):
                end = start + dt.timedelta(minutes=self._daybook.slot)
                slot_column = self._daybook.columns[index]
                said = grid.empty_slot(self._daybook, slot_column, start, end, practice)
            keys = "b book · f next free" if said == "free" else "b book anyway · f next free"
            detail.update(f"{time_words.clock(start, practice.zone)} {who}: {said} · {keys}")
            return
        shown = []
        marks = plan_marks(self.om, [e.patient_id for e in entries])
        for e in entries:
            state = "missed" if e.missed else e.status
            parts = [
                time_words.clock_span(e.start, e.end, practice.zone),
                e.full_name,
                e.type_name or "no type",
                state,
            ]
            if e.double_booked:
                parts.append("double-booked")
            if e.series_id is not None:
                parts.append("series")
            if e.checked_in:
                parts.append("checked in")
            if e.patient_id in marks:
                parts.append(marks[e.patient_id])
            if e.source:
                parts.append(f"from {e.source}")
            shown.append(" · ".join(part for part in parts if part))
        detail.update(" | ".join(shown))

    def plan_patient_id(self) -> int | None:
        """The patient whose care plans P opens: the appointment's under the cursor."""
        here = self._here()
        return here[0].patient_id if here else None

    def _slot_start(self) -> dt.datetime | None:
        table = self.query_one("#book", DataTable)
        return self.instant(table.cursor_coordinate.row, table.cursor_coordinate.column)

    def _column(self) -> tuple[int | None, str] | None:
        """The cursor's column: (provider or room id, name)."""
        table = self.query_one("#book", DataTable)
        index = table.cursor_coordinate.column - 1
        if self._daybook is None or not 0 <= index < len(self._daybook.columns):
            return None
        column = self._daybook.columns[index]
        if self.week_of is not None:
            return self.week_of, self._week_name
        return column.id, column.name

    def _here(self) -> list[Entry]:
        table = self.query_one("#book", DataTable)
        return self._cells.get((table.cursor_coordinate.row, table.cursor_coordinate.column), [])

    def _selected(self) -> Entry | None:
        here = self._here()
        if not here:
            self.notify("No appointment there.", severity="warning")
            return None
        return here[0]

    # -- writing -------------------------------------------------------------

    def _write(
        self,
        operation: Callable[[Collection[str]], Booked],
        consent: frozenset[str] = frozenset(),
        verb: str = "book",
    ) -> None:
        """Run a change off the event loop; a question (double-book, past, outside the
        hours) comes back as a confirming key ("y  move anyway …", `verb` the change's
        word), then the same change with that consent."""

        def done(result: Booked) -> None:
            self.notify(result.description, timeout=4)
            self.reload()

        write_with_consent(self.om, operation, done, consent, verb)

    def _may_book(self) -> bool:
        if not self.om.may("book"):
            self.notify("Booking is for the front desk and the managers.", severity="warning")
            return False
        return True

    # -- actions -------------------------------------------------------------

    def action_book(self) -> None:
        start, column = self._slot_start(), self._column()
        if start is None or column is None or not self._may_book():
            return
        if self.by_room:
            self.notify("Book from the providers' columns (v switches).", severity="warning")
            return
        from om_tui.screens.schedule.booking import BookingForm

        provider, name = column
        heading = f"Book {self.book.when(start)} · {name}"

        def chosen(request: BookingRequest | None) -> None:
            if request is None:
                return
            self._kind = request.type_id
            book = self.book
            if request.new is not None:
                new = request.new
                self._write(
                    lambda c: book.book_new(
                        new, start, request.minutes, provider, request.type_id, c, request.room_id
                    )
                )
            else:
                patient = request.patient_id
                assert patient is not None
                self._write(
                    lambda c: book.book(
                        patient,
                        start,
                        request.minutes,
                        provider,
                        request.type_id,
                        request.room_id,
                        c,
                    )
                )

        form = BookingForm(heading, types.appointment_types(), self._kind, self.book.rooms())
        self.app.push_screen(form, chosen)

    @on(DataTable.CellSelected, "#book")
    def _enter(self) -> None:
        if self._moving is not None:
            self._drop()
        elif self._pinned is not None:
            self._book_pinned()
        elif not self._here():
            self.action_book()

    def pin(self, pinned: Pinned) -> None:
        """Book this patient on the slot the desk picks next (from a call list)."""
        self._moving, self._pinned = None, pinned
        self.refresh_bindings()
        self._show_detail()

    def _book_pinned(self) -> None:
        pinned, start, column = self._pinned, self._slot_start(), self._column()
        if pinned is None or start is None or column is None or column[0] is None:
            return
        if self.by_room:
            self.notify("Book from the providers' columns (v switches).", severity="warning")
            return

        def booked(result: Booked) -> None:  # the pin is kept until then: a "no" keeps it
            self._pinned = None
            self.refresh_bindings()
            self.notify(result.description, timeout=4)
            self.reload()

        write_with_consent(
            self.om, pinned.book(start, pinned.minutes, column[0], pinned.type_id), booked
        )

    def action_move(self) -> None:
        entry = self._selected()
        if entry is None or not self._may_book():
            return
        self._moving = entry
        self.refresh_bindings()
        self._show_detail()

    def _drop(self) -> None:
        moving, start, column = self._moving, self._slot_start(), self._column()
        if moving is None or start is None or column is None:
            return
        self._moving = None
        self.refresh_bindings()
        book = self.book
        if self.by_room:
            self._write(lambda c: book.move(moving.id, moving.version, start, None, c), verb="move")
        else:
            provider = column[0]
            self._write(
                lambda c: book.move(moving.id, moving.version, start, provider, c), verb="move"
            )

    def action_stop_moving(self) -> None:
        self._moving = self._pinned = None
        self.refresh_bindings()
        self._show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_moving":
            return self._moving is not None or self._pinned is not None
        if action in BOOKING_ACTIONS:
            return self.om.may("book")  # hidden from those who only read their day
        return True

    def action_resize(self, slots: int) -> None:
        entry = self._selected()
        if entry is None or self._daybook is None or not self._may_book():
            return
        minutes = entry.minutes + slots * self._daybook.slot
        book = self.book
        verb = "lengthen" if slots > 0 else "shorten"
        self._write(lambda c: book.resize(entry.id, entry.version, minutes, c), verb=verb)

    def action_cancel(self) -> None:
        entry = self._selected()
        if entry is None or not self._may_book():
            return
        if entry.checked_in:  # said before the reasons are asked (the rule refuses it too)
            self.notify(
                f"{entry.full_name} has checked in: end the visit on the board (x).",
                severity="warning",
            )
            return
        book = self.book
        choices = [Choice(reason_id, text) for reason_id, text in types.cancel_reasons()]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                reason = int(choice.value)
                self._write(
                    lambda c: book.cancel(entry.id, entry.version, reason, c), verb="cancel"
                )

        hint = "Enter cancel it, for this reason · 1–9 pick · Esc keep the appointment"
        self.app.push_screen(
            PickerScreen(f"Cancel {entry.full_name}'s appointment: why?", choices, hint=hint),
            chosen,
        )

    def action_missed(self) -> None:
        entry = self._selected()
        if entry is not None and self._may_book():
            book = self.book
            self._write(lambda c: book.mark_missed(entry.id, entry.version, not entry.missed))

    def action_status(self) -> None:
        entry = self._selected()
        if entry is not None and self._may_book():
            book = self.book
            self._write(lambda c: book.set_status(entry.id, entry.version))

    def action_repeat(self) -> None:
        """Make the appointment the first of a series."""
        from om_tui.practice.schedule.series import read_rule, repeat
        from om_tui.screens.schedule.repeat_form import RepeatFields, RepeatForm

        entry = self._selected()
        if entry is None or not self._may_book():
            return
        if entry.series_id is not None:
            self.notify("Part of a series already: R changes it from here on.")
            return
        book = self.book
        local = self.om.practice.local(entry.start)

        def typed(fields: RepeatFields | None) -> None:
            if fields is None:
                return
            try:
                rule = read_rule(
                    fields.days, fields.every, fields.ends, local.date(), local.time(), book.today()
                )
            except Refusal as error:
                self.notify(str(error), severity="warning")
                return

            def made(consent: Collection[str]) -> Booked:
                series = repeat(book, entry.id, entry.version, rule, consent)
                return Booked(series.series_id, series.description)

            self._write(made, verb="repeat")

        weekday = time_words.weekday_text(local.date())
        heading = f"Repeat {entry.full_name}, {weekday} {time_words.clock(local)}"
        self.app.push_screen(RepeatForm(heading, weekday.lower()), typed)

    def action_change_following(self) -> None:
        """This occurrence and the following ones: a new time, or stopped."""
        from om_tui.practice.schedule.series import change_following
        from om_tui.screens.hats.forms import TextPrompt

        entry = self._selected()
        if entry is None or not self._may_book():
            return
        if entry.series_id is None:
            self.notify("Not part of a series: r repeats it.")
            return
        book = self.book

        def typed(text: str | None) -> None:
            if text is None:
                return
            stop = text.strip().lower() == "stop"
            try:
                new_time = None if stop else time_words.time_of_day(text)
            except Refusal as error:
                self.notify(str(error), severity="warning")
                return
            self._write(
                lambda c: change_following(
                    book, entry.id, entry.version, at=new_time, stop=stop, consent=c
                ),
                verb="change",
            )

        heading = f"{entry.full_name}'s series from this one on: a new time (10:30), or stop"
        hint = "Enter change this one and the rest · Esc leave the series as it is"
        self.app.push_screen(TextPrompt(heading, hint=hint), typed)

    def action_today(self) -> None:
        self._go(self.book.today())

    def action_day(self, step: int) -> None:
        """The next or previous day; in a week, the next or previous week."""
        assert self.day is not None
        self._go(self.day + dt.timedelta(days=step * (7 if self.week_of is not None else 1)))

    def action_week(self) -> None:
        """The cursor's provider's week, a column a day; again: back to the day."""
        table = self.query_one("#book", DataTable)
        if self.week_of is not None:
            provider, self.week_of = self.week_of, None
            self.reload()
            assert self._daybook is not None
            index = next(
                (i + 1 for i, c in enumerate(self._daybook.columns) if c.id == provider), 1
            )
            self._cursor_to(table.cursor_coordinate.row, index)
            return
        chosen = self._column()
        if chosen is None or chosen[0] is None or self.by_room:
            self.notify("A week is a provider's: from a provider's column.", severity="warning")
            return
        start = self._slot_start()
        if start is not None:
            self.day = self.om.practice.local(start).date()
        self.week_of, self._week_name = chosen
        row = table.cursor_coordinate.row
        self.reload()
        assert self.day is not None
        self._cursor_to(row, self.day.weekday() + 1)

    def _go(self, day: dt.date, row: int | None = None, column: int | None = None) -> None:
        self.day = day
        self.reload()
        if row is not None:
            self._cursor_to(row, column or 1)

    def action_go_to(self) -> None:
        from om_tui.screens.hats.forms import TextPrompt

        def typed(text: str | None) -> None:
            if text is None:
                return
            try:
                self._go(time_words.day(text, self.book.today()))
            except Refusal:  # said in the book's own words
                self.notify(
                    f"Not a day: {text.strip()!r}. Like fri, tomorrow, 12/15, +2w or 2026-12-15.",
                    severity="warning",
                )

        heading = "Go to day: fri, tomorrow, 12/15, +2w, 2026-12-15"
        self.app.push_screen(TextPrompt(heading, hint="Enter go there · Esc stay here"), typed)

    def action_columns(self) -> None:
        self.by_room = not self.by_room
        self.reload()

    def action_next_free(self, any_provider: bool) -> None:
        column = self._column()
        if column is None or self.by_room:
            return
        kinds = types.appointment_types()
        choices = [Choice(k, k.label) for k in kinds]
        current = next((k for k in kinds if k.id == self._kind), None)

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            kind = choice.value
            self._kind = kind.id
            start = self._slot_start()
            after = max(self.om.clock.now(), start) if start else self.om.clock.now()
            book = self.book
            found = next_free(book, kind.minutes, None if any_provider else column[0], after)
            if found is None:
                self.notify("No free slot in the next 8 weeks.", severity="warning")
                return
            self._show_free(found.provider_id, found.start)
            self.notify(f"Next free {kind.name}: {book.when(found.start)}", timeout=4)

        who = "any provider" if any_provider else column[1]
        self.app.push_screen(
            PickerScreen(
                f"Next free slot for {who}: which type?",
                choices,
                current,
                hint="Enter find it · 1–9 pick · Esc stay here",
            ),
            chosen,
        )

    def _show_free(self, provider: int, start: dt.datetime) -> None:
        """Put the cursor on a slot: in this provider's week if it is shown, else the day."""
        self.day = self.om.practice.local(start).date()
        if self.week_of is not None and self.week_of != provider:
            self.week_of = None
        self.reload()
        assert self._daybook is not None
        if self.week_of is not None:
            found = (i + 1 for i, c in enumerate(self._daybook.columns) if c.day == self.day)
        else:
            found = (i + 1 for i, c in enumerate(self._daybook.columns) if c.id == provider)
        self._cursor_to(self.row_of(start) or 0, next(found, 1))
        self._show_detail()

    def palette_commands(self) -> list[SystemCommand]:
        """The book's actions, for the command palette."""
        return [
            SystemCommand("Book a slot", "Book the slot under the cursor (b)", self.action_book),
            SystemCommand(
                "Next free slot",
                "For this provider, from here on (f)",
                lambda: self.action_next_free(False),
            ),
            SystemCommand(
                "Next free slot, any provider",
                "From here on (F)",
                lambda: self.action_next_free(True),
            ),
            SystemCommand("Move appointment", "Then Enter on the new slot (m)", self.action_move),
            SystemCommand("Cancel appointment", "With a reason (c)", self.action_cancel),
            SystemCommand("Missed", "Mark missed, or take it back (x)", self.action_missed),
            SystemCommand("Confirmation status", "The next state (s)", self.action_status),
            SystemCommand("Go to day", "fri, 12/15, +2w (g)", self.action_go_to),
            SystemCommand(
                "Week view", "This provider's week, a column a day (w)", self.action_week
            ),
            SystemCommand("Repeat appointment", "Weekly, every N weeks (r)", self.action_repeat),
            SystemCommand(
                "Change series from here", "A new time, or stop (R)", self.action_change_following
            ),
            SystemCommand("Today in the book", "Back to today (t)", self.action_today),
            SystemCommand(
                "Rooms / providers", "Columns by room or by provider (v)", self.action_columns
            ),
        ]
