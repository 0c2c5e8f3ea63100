"""Stat entry: one post's stats for a week in one grid — digits, Enter, next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Static

from db.models import Stat, StatSource
from om_tui.messages import DataChanged
from om_tui.practice import limits, periods, time_words
from om_tui.practice.stats.board import STATS_TABLES
from om_tui.practice.stats.conditions import percent_change
from om_tui.practice.stats.values import Reading, StatError, read_value
from om_tui.practice.words import counted
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.stats.board import format_value
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


class StatLine(Horizontal):
    """One stat: name, last week, the value typed, and what it means."""

    def __init__(
        self,
        stat: Stat,
        last_week: float | None,
        this_week: float | None,
        stored: float | None = None,
    ) -> None:
        super().__init__(classes="stat-line")
        self.stat = stat
        self.last_week = last_week
        self.saved = this_week
        self.stored = stored  # the value stored as this line last saw it (an edit checks it)
        self.sent: float | None = None  # the last value sent to the database, saved or not
        self.confirming: float | None = None

    def compose(self) -> ComposeResult:
        typed = "" if self.saved is None else f"{self.saved:g}"
        yield Label(self.stat.name, classes="stat-name", markup=False)
        yield Label(format_value(self.last_week, self.stat.unit), classes="stat-last")
        yield Input(
            typed,
            placeholder="—",
            max_length=limits.TYPED_NUMBER,
            id=f"value-{self.stat.id}",
            classes="stat-value",
            compact=True,
        )
        yield Label(self._meaning(self.saved), classes="stat-note")  # its notes are styled markup

    def _meaning(self, value: float | None) -> str:
        if value is None or self.last_week is None:
            return ""
        change = percent_change(self.last_week, value)
        return "level" if change == 0 else f"{'▲' if change > 0 else '▼'} {abs(change):.0f}%"


class GridEnd(Static, can_focus=True):
    """Where the last stat's Enter lands: it says the grid is done, and keeps the keys.

    Typing in the grid never leaves it: a digit or an Enter typed on here, by someone
    typing on without looking, would otherwise switch screens or move a patient on.
    """

    BINDINGS = [Binding("up", "app.focus_previous", "Last stat", id="entry.last", show=False)]

    def __init__(self) -> None:
        super().__init__(
            "Done: what is typed is saved. ↑ goes back to a stat; Esc back to Stats.",
            id="entry-done",
        )

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key == "enter" or (character is not None and character.isprintable())

    def on_key(self, event: events.Key) -> None:
        if self.check_consume_key(event.key, event.character):
            event.stop()
            event.prevent_default()
            self.app.bell()


def _heading(before: str, typed: str) -> Horizontal:
    """The columns' names, above the stats: what is beside each, and what is typed."""
    return Horizontal(
        Label("Stat", classes="stat-name"),
        Label(before, classes="stat-last", markup=False),
        Label(typed, classes="stat-typed", markup=False),
        Label("Change", classes="stat-note"),
        classes="stat-line stat-heading",
    )


@dataclass(frozen=True)
class Whose:
    """Whose stats the grid shows: a post's, a person's, or everyone's."""

    title: str = "all posts"
    post_id: int | None = None
    person_id: int | None = None


class StatEntryScreen(FreshScreen):
    """Saved as typed: Enter (or Tab away) saves and moves on; no save button.

    Weekly stats are typed for a week; daily stats (F5) for a day, and roll up.
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Done", id="entry.done"),
        Binding("f5", "toggle_period", "Week/Day", id="entry.period"),
        Binding("f6", "whose", "Post/person", id="entry.whose"),
        Binding("f7", "move(-1)", "◀ Back", id="entry.back"),
        Binding("f8", "move(1)", "On ▶", id="entry.on"),
    ]

    SHOWS = STATS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, post: tuple[int, str] | None, week: dt.date | None) -> None:
        super().__init__()
        self._whose = Whose(post[1], post_id=post[0]) if post else Whose()
        self._week = week
        self._day: dt.date | None = None  # set: typing daily stats for this day

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="entry-title")
        yield VerticalScroll(id="entry-lines")
        yield Static(
            "Type a number, Enter: saved, next stat. Tab moves on too. Empty + Enter clears.",
            id="entry-hint",
        )
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self._week = self._week or self.om.stats.this_week()
        await self._build()

    async def _build(self) -> None:
        assert self._week is not None
        stats_service = self.om.stats
        whose = self._whose
        every = [
            s
            for s in stats_service.stats(whose.post_id, whose.person_id)
            if s.source == StatSource.ENTERED
        ]
        daily = [s for s in every if s.daily]
        lines = self.query_one("#entry-lines", VerticalScroll)
        await lines.remove_children()
        if self._day is None:
            stats = [s for s in every if not s.daily]
            weeks = [periods.later(self._week, -1), self._week]
            values = stats_service.table(stats, weeks)
            if stats:
                if self._week == stats_service.this_week():
                    await lines.mount(_heading("Last week", "This week"))
                else:  # a week F7/F8 went to: named by the days they end
                    await lines.mount(
                        _heading(*(f"Wk to {time_words.day_text(w, weekday=False)}" for w in weeks))
                    )
            stored = stats_service.stored([s.id for s in stats], "week", self._week)
            await lines.mount_all(
                StatLine(s, values[s.id][0], values[s.id][1], stored.get(s.id)) for s in stats
            )
            _, end = stats_service.weeks.bounds(self._week)
            when = f"week ending {time_words.moment_text(end, self.om.practice.zone, year=True)}"
            other = f"  {counted(len(daily), 'daily stat')}: F5 to type by day." if daily else ""
        else:
            stats = daily
            today = stats_service.day_values([s.id for s in stats], self._day)
            before = stats_service.day_values([s.id for s in stats], periods.later(self._day, -1))
            if stats:
                await lines.mount(
                    _heading(
                        *(time_words.day_text(d) for d in (periods.later(self._day, -1), self._day))
                    )
                )
            await lines.mount_all(
                StatLine(s, before.get(s.id), today.get(s.id), today.get(s.id)) for s in stats
            )
            when = f"{time_words.day_text(self._day, year=True)} (beside: the same day last week)"
            other = ""
        if stats:
            await lines.mount(GridEnd())
        else:
            await lines.mount(
                Label("Nothing to type here: computed and formula stats fill themselves." + other)
            )
        self.query_one("#entry-title", Static).update(
            Content.from_markup("[b]Enter stats[/b] — $title — $when", title=whose.title, when=when)
        )
        self.query_one("#entry-hint", Static).update(
            "Type a number, Enter: saved, next stat. Tab moves on too. Empty + Enter clears."
            + other
        )
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def on_screen_resume(self) -> None:
        """Back on the grid (from another screen, or a dialog): the cursor is in it, on the
        stat whose error shows if there is one (an error is never left behind the cursor)."""
        fields = list(self.query(Input))
        wrong = [field for field in fields if field.has_class("-invalid")]
        if wrong:
            wrong[0].focus()
        elif self.focused is None and (places := [*fields, *self.query(GridEnd)]):
            places[0].focus()

    def _line(self, widget: Input) -> StatLine:
        parent = widget.parent
        assert isinstance(parent, StatLine)
        return parent

    @on(Input.Submitted, ".stat-value")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._save(event.input, confirm=True):
            self.focus_next()

    @on(Input.Blurred, ".stat-value")
    def _left(self, event: Input.Blurred) -> None:
        if not isinstance(event.input.parent, StatLine) or not event.input.is_attached:
            return  # the grid is being rebuilt (another week, day or post)
        line = self._line(event.input)
        if event.input.value.strip() and line.confirming is None:
            self._save(event.input, confirm=False)

    def _save(self, field: Input, *, confirm: bool) -> bool:
        """Check what was typed and save it; False keeps the cursor here."""
        line = self._line(field)
        note = line.query_one(".stat-note", Label)
        text = field.value.strip()
        stats, stat_id = self.om.stats, line.stat.id
        week, day = (None, self._day) if self._day is not None else (self._week, None)
        seen = {"value": line.stored}

        def refused() -> None:  # changed on another terminal: what is stored now is the base
            period, when = ("day", day) if day is not None else ("week", week)
            assert when is not None
            line.stored = stats.stored([stat_id], period, when).get(stat_id)
            note.update("[$warning]changed elsewhere[/]")

        if not text:
            if line.saved is not None:

                def cleared(_: object) -> None:
                    line.stored = None

                self.om.write(
                    lambda: stats.clear(stat_id, week=week, day=day, seen=seen), cleared, refused
                )
                line.saved = None
                note.update("cleared")
            return True
        try:
            reading: Reading = read_value(text, line.stat.unit, line.last_week)
        except StatError as error:
            note.update(Content.from_markup("[$error]$said[/]", said=str(error)))
            field.add_class("-invalid")
            return False
        field.remove_class("-invalid")
        if reading.value == line.saved or (reading.value == line.sent and not confirm):
            line.confirming = None
            return True  # saved, or sent already: leaving the field does not send it again
        if reading.needs_confirmation and line.confirming != reading.value:
            if confirm:
                line.confirming = reading.value
            note.update(Content.from_markup("[$warning]$said[/]", said=reading.needs_confirmation))
            return False
        line.confirming = None
        value = line.sent = reading.value

        def saved(_: object) -> None:
            line.saved = line.stored = value
            note.update(line._meaning(value) or "saved")

        self.om.write(
            lambda: stats.enter(stat_id, value, week=week, day=day, seen=seen), saved, refused
        )
        return True

    @on(DataChanged)
    async def _refresh(self) -> None:
        """Another terminal changed stats: keep what is being typed, drop stats now gone."""
        alive = {s.id for s in self.om.stats.stats()}
        for line in list(self.query(StatLine)):
            if line.stat.id not in alive:
                self.notify(
                    f"{line.stat.name} was removed on another terminal.", severity="warning"
                )
                await line.remove()

    async def action_toggle_period(self) -> None:
        if self._day is None:
            today = self.om.practice.today(self.om.clock.now())
            self._day = today
        else:
            self._day = None
        await self._build()

    async def action_move(self, step: int) -> None:
        if self._day is not None:
            self._day += dt.timedelta(days=step)
        else:
            assert self._week is not None
            self._week = periods.later(self._week, step)
        await self._build()

    def action_whose(self) -> None:
        from om_tui.screens.picker import Choice, PickerScreen

        stats = self.om.stats
        choices = [Choice(Whose(), "All posts")]
        choices += [Choice(Whose(title, post_id=i), title) for i, title in stats.posts()]
        choices += [
            Choice(Whose(name, person_id=i), f"{name} (what they enter)")
            for i, name in stats.people()
        ]

        async def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self._whose = choice.value
                await self._build()

        self.app.push_screen(PickerScreen("Enter the stats of…", choices), chosen)
