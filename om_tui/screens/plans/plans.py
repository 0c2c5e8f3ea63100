"""A patient's care plans: each with its phases, provider, pace and counts; the
highlighted one's history below. Opened with `P` on the patient's card or on the book's
appointment, or "Care plans" in the menu.

`a` adds a plan (phases in a few keys: 12x3 8x2 *x1), then offers to book its visits;
`b` books the visits not yet kept or booked, as series in the book; `p` pauses (or
resumes), `c` changes the phases, `x` ends a plan — each with a reason. The rules live
in om_tui.practice.plans.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.plans.pace import PACE_TABLES, Pace, Standing, Standings, State
from om_tui.practice.plans.phases import described
from om_tui.practice.plans.plans import PlanDone
from om_tui.practice.plans.typed import PlanFields, read_plan
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule.patients import PatientRecords, RecordError
from om_tui.screens.hats.forms import TextPrompt
from om_tui.screens.plans.booking import book_plan, plans_of
from om_tui.screens.plans.forms import PlanForm
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

PACE_STYLES = {
    Pace.ON_PACE: "green",
    Pace.BEHIND: "bold yellow",
    Pace.NONE_BOOKED: "bold red",
    Pace.COMPLETE: "green",
}


def pace_text(standing: Standing) -> Text:
    word = f"behind {standing.short}" if standing.pace == Pace.BEHIND else str(standing.pace)
    return Text(word, style=PACE_STYLES.get(standing.pace, "dim"))


class PlansScreen(Screen[None]):
    """The patient's plans, one a line; the highlighted plan's detail and history."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="plans.back"),
        Binding("a", "add", "Add", id="plans.add"),
        Binding("b", "book", "Book visits", id="plans.book"),
        Binding("p", "pause", "Pause/resume", id="plans.pause"),
        Binding("c", "change", "Change", id="plans.change"),
        Binding("x", "end", "End", id="plans.end"),
    ]

    SHOWS = PACE_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, patient_id: int, name: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self._name = name
        self._standings: list[Standing] = []

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="plans-title", markup=False)
        yield OptionList(id="plans-list", compact=True, markup=False)
        yield Static(id="plans-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#plans-list", OptionList).focus()

    @on(DataChanged)
    def reload(self) -> None:
        om = self.om
        self._standings = Standings(om.database, om.clock, om.practice).of_patient(self.patient_id)
        if self._standings:
            self._name = self._standings[0].patient_name
        elif not self._name:  # none yet: the name from their record
            with suppress(RecordError):
                records = PatientRecords(om.database, om.clock, om.practice, om.acting_id)
                self._name = records.record(self.patient_id).full_name
        listed = self.query_one("#plans-list", OptionList)
        place = listed.highlighted
        listed.set_options([Option(self._line(s), id=str(s.plan_id)) for s in self._standings])
        if self._standings:
            listed.highlighted = min(place or 0, len(self._standings) - 1)
        title = Text.assemble(("Care plans", "bold"), f" · {self._name}")
        if not self._standings:
            title.append(" · none yet: a adds one", style="dim")
        self.query_one("#plans-title", Static).update(title)
        self._show_detail()

    def _line(self, standing: Standing) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{standing.state:<7} ", style="dim" if standing.state != State.ACTIVE else "")
        line.append(" ".join(p.text for p in standing.phases) + " ")
        line.append_text(pace_text(standing))
        line.append(f" · kept {standing.kept} · exp {standing.expected}")
        line.append(f" · {standing.booked_ahead} ahead")
        if standing.provider:
            line.append(f" · {standing.provider}", style="dim")
        return line

    @on(OptionList.OptionHighlighted, "#plans-list")
    def _show_detail(self) -> None:
        detail = self.query_one("#plans-detail", Static)
        standing = self._highlighted(quiet=True)
        if standing is None:
            detail.update("")
            return
        text = Text.assemble((described(standing.phases), "bold"), "\n")
        text.append(f"From {time_words.numeric_day(standing.first_day, weekday=True)}")
        if standing.type_name:
            text.append(f" · {standing.type_name}")
        if standing.provider:
            text.append(f" · {standing.provider}")
        text.append("\n")
        text.append_text(pace_text(standing))
        text.append(f" · {standing.counts}")
        if standing.next_visit is not None:
            next_visit = standing.next_visit
            zone = self.om.practice.zone
            text.append(f" · next {time_words.numeric_moment(next_visit, zone, year=False)}")
        for line in plans_of(self.om).history(standing.plan_id)[:8]:
            text.append(f"\n  {line}", style="dim")
        detail.update(text)

    def _highlighted(self, quiet: bool = False) -> Standing | None:
        index = self.query_one("#plans-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self._standings):
            if not quiet:
                self.notify("No care plan chosen: a adds one.", severity="warning")
            return None
        return self._standings[index]

    def _write(
        self, change: Callable[[], PlanDone], then: Callable[[], None] | None = None
    ) -> None:
        def done(made: PlanDone) -> None:
            self.notify(made.description, timeout=4)
            self.reload()
            if then is not None:
                then()

        self.om.write(change, done)

    def _with_reason(self, heading: str, change: Callable[[str], PlanDone]) -> None:
        def typed(reason: str | None) -> None:
            if reason is not None:
                self._write(lambda: change(reason))

        self.app.push_screen(TextPrompt(heading, required="Say why, in a few words."), typed)

    # -- actions ---------------------------------------------------------------------------

    def action_add(self) -> None:
        plans = plans_of(self.om)

        def typed(fields: PlanFields | None) -> None:
            if fields is None:
                return
            try:
                new = read_plan(fields, plans.today())
            except Refusal as error:
                self.notify(str(error), severity="warning")
                return

            def add() -> PlanDone:
                return plans.add(
                    self.patient_id, fields.phases, new.provider_id, new.type_id, new.first_day
                )

            self._write(add, then=self._offer_booking)

        self.app.push_screen(PlanForm(f"New care plan · {self._name}", kind="Regular"), typed)

    def _offer_booking(self) -> None:
        """A plan just added: its visits booked in one go, if the front desk wants."""
        listed = self.query_one("#plans-list", OptionList)
        newest = max(self._standings, key=lambda s: s.plan_id, default=None)
        if newest is None or not self.om.may("book"):
            return
        listed.highlighted = self._standings.index(newest)
        book_plan(self.om, newest, self.reload)

    def action_book(self) -> None:
        standing = self._highlighted()
        if standing is not None:
            book_plan(self.om, standing, self.reload)

    def action_pause(self) -> None:
        standing = self._highlighted()
        if standing is None:
            return
        plans = plans_of(self.om)
        plan, version = standing.plan_id, standing.version
        if standing.state == State.PAUSED:
            self._with_reason("Resume the plan: why?", lambda r: plans.resume(plan, version, r))
        else:
            self._with_reason("Pause the plan: why?", lambda r: plans.pause(plan, version, r))

    def action_change(self) -> None:
        standing = self._highlighted()
        if standing is None:
            return
        plans = plans_of(self.om)
        plan, version = standing.plan_id, standing.version

        def phases_typed(phases: str | None) -> None:
            if phases is not None:
                self._with_reason(
                    "Change the plan: why?", lambda r: plans.change(plan, version, phases, r)
                )

        current = " ".join(p.text for p in standing.phases)
        self.app.push_screen(TextPrompt("The plan's phases (12x3 8x2 *x1)", current), phases_typed)

    def action_end(self) -> None:
        standing = self._highlighted()
        if standing is None:
            return
        plans = plans_of(self.om)
        plan, version = standing.plan_id, standing.version
        self._with_reason("End the plan: why?", lambda r: plans.end(plan, version, r))

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("Add a care plan", "Phases like 12x3 8x2 *x1 (a)", self.action_add),
            SystemCommand("Book the plan's visits", "As series in the book (b)", self.action_book),
            SystemCommand("Pause or resume the plan", "With a reason (p)", self.action_pause),
            SystemCommand("Change the plan", "Its phases, with a reason (c)", self.action_change),
            SystemCommand("End the plan", "With a reason (x)", self.action_end),
        ]
