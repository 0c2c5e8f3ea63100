"""Someone leaves: their off-boarding's steps, done or still to do, one key each.

Opened from the menu (ctrl+p, "Someone leaves…"): pick the person (and their last day,
the first time). Enter on a step does it: give each hat on (or leave it vacant), hand
the open orders and program steps on, remove their SSH key lines, take their PIN off,
open a final evaluation, tick the practice's own items. `F` finishes once nothing is
left: they leave the active staff, their name stays on what they did.
The rules live in om_tui.practice.org.leaving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.leaving import LEAVING_TABLES, Leaving, LeavingStep, LeavingView
from om_tui.practice.refusal import Refusal
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm, TextPrompt
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

VACANT = -1
"""The choice "leave it vacant" among the people a hat can go to."""


class LeavingScreen(FreshScreen):
    """One person's off-boarding: each step, done or what is left of it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="leaving.back"),
        Binding("enter", "do_step", "Do it", id="leaving.do", show=False),
        Binding("F", "finish", "Finish", id="leaving.finish"),
    ]

    SHOWS = LEAVING_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, staff_id: int) -> None:
        super().__init__()
        self._staff_id = staff_id
        self._view: LeavingView | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def leaving(self) -> Leaving:
        om = self.om
        actor = om.user_id if om.user_id is not None else ADMINISTRATOR
        return Leaving(om.database, om.clock, om.practice, actor)

    def compose(self) -> ComposeResult:
        yield Static(id="leaving-title", markup=False)
        yield OptionList(id="leaving-steps", compact=True, markup=False)
        yield Static(id="leaving-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#leaving-steps", OptionList).focus()

    @on(DataChanged)
    def reload(self) -> None:
        listing = self.query_one("#leaving-steps", OptionList)
        keep = listing.highlighted
        try:
            view = self.leaving.view(self._staff_id)
        except Refusal as refusal:
            self.query_one("#leaving-title", Static).update(str(refusal))
            listing.clear_options()
            self._view = None
            return
        self._view = view
        listing.set_options(Option(self._line(step), id=step.key) for step in view.steps)
        listing.highlighted = min(keep or 0, len(view.steps) - 1)
        left = len(view.outstanding)
        title = Text.assemble(
            (f"{view.name} leaves", "bold"),
            f" · last day {time_words.day_text(view.end_date, year=True)} · ",
        )
        if left:
            title.append(f"{left} still to do", style=self._colour("warning"))
        else:
            title.append("all done: F finishes", style=self._colour("success"))
        self.query_one("#leaving-title", Static).update(title)
        self.query_one("#leaving-hint", Static).update(
            "Enter does the step · F finishes once nothing is left · nothing is deleted"
        )

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    def _line(self, step: LeavingStep) -> Text:
        mark = ("✓ ", self._colour("success")) if step.done else ("○ ", self._colour("warning"))
        text = Text.assemble(mark, step.title)
        if step.left:
            text.append(f"  {step.left}", style="dim")
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    # -- the steps --------------------------------------------------------------------

    def _step(self) -> LeavingStep | None:
        option = self.query_one("#leaving-steps", OptionList).highlighted_option
        if option is None or self._view is None:
            return None
        return next((s for s in self._view.steps if s.key == option.id), None)

    def _save(self, change: Callable[[], Any], said: str = "") -> None:
        def done(_: Any) -> None:
            self.reload()
            if said:
                self.notify(said)

        self.om.write(change, done)

    def _people(self) -> list[Choice]:
        return [Choice(ident, name) for ident, name in self.leaving.others(self._staff_id)]

    def _to_someone(self, title: str, act: Callable[[int], Any], said: str) -> None:
        def picked(choice: Choice | None) -> None:
            if choice is not None:
                self._save(lambda: act(int(choice.value)), said.format(choice.label))

        self.app.push_screen(PickerScreen(title, self._people()), picked)

    @on(OptionList.OptionSelected, "#leaving-steps")
    def action_do_step(self) -> None:
        step = self._step()
        view = self._view
        if step is None or view is None:
            return
        leaving = self.leaving
        person = view.staff_id
        if step.key == "hats" and not step.done:
            self._give_hats(view)
        elif step.key == "orders" and not step.done:
            self._to_someone(
                f"{view.name}'s open orders go to",
                lambda to: leaving.hand_on_orders(person, to),
                "The open orders are {}'s now.",
            )
        elif step.key == "steps" and not step.done:
            self._to_someone(
                f"{view.name}'s program steps go to",
                lambda to: leaving.hand_on_steps(person, to),
                "The program steps are {}'s now.",
            )
        elif step.key in ("ssh", "pin") and not step.done:
            act = leaving.remove_ssh if step.key == "ssh" else leaving.take_pin_off
            question = (
                f"Remove {view.name}'s SSH key lines from authorized_keys?"
                if step.key == "ssh"
                else f"Take {view.name}'s PIN or password off? They can no longer log in."
            )

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._save(lambda: act(person), f"{step.title}.")

            self.app.push_screen(Confirm(question, yes="Yes"), confirmed)
        elif step.key == "evaluation":
            from om_tui.screens.owner.evaluation import EvaluationScreen

            self.app.push_screen(EvaluationScreen(person))
        elif step.key.startswith("item:"):
            item = step.key.removeprefix("item:")
            self._save(lambda: leaving.tick(person, item, not step.done))

    def _give_hats(self, view: LeavingView) -> None:
        leaving = self.leaving
        end = view.end_date
        hats = [Choice(ident, title) for ident, title in leaving.hats_left(view.staff_id)]
        if not hats:
            return

        def hat_picked(hat: Choice | None) -> None:
            if hat is None:
                return
            people = [
                Choice(VACANT, "Leave it vacant (covered by the post above)"),
                *self._people(),
            ]

            def person_picked(choice: Choice | None) -> None:
                if choice is None:
                    return
                to = None if choice.value == VACANT else int(choice.value)
                last = time_words.day_text(end, weekday=False)
                said = (
                    f"{hat.label} is vacant from {last}."
                    if to is None
                    else (f"{hat.label} is {choice.label}'s after {last}.")
                )
                self._save(lambda: leaving.give_hat(view.staff_id, int(hat.value), to), said)

            self.app.push_screen(PickerScreen(f"{hat.label} goes to", people), person_picked)

        self.app.push_screen(PickerScreen(f"Which of {view.name}'s hats", hats), hat_picked)

    def action_finish(self) -> None:
        view = self._view
        if view is None:
            return
        leaving = self.leaving

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: leaving.finish(view.staff_id),
                    f"{view.name} has left the active staff; their record stays.",
                )

        self.app.push_screen(
            Confirm(
                f"Finish {view.name}'s off-boarding? They leave the active staff.", yes="Finish"
            ),
            confirmed,
        )


def choose_who_leaves(app: OmTuiApp, person_id: int | None = None) -> None:
    """The person (those being off-boarded first; `person_id`: that one), then their last
    day if not yet given."""
    actor = app.user_id if app.user_id is not None else ADMINISTRATOR
    leaving = Leaving(app.database, app.clock, app.practice, actor)
    under_way = {ident: (name, end) for ident, name, end in leaving.open_offboardings()}
    choices = [
        Choice(ident, f"{name} (leaving {time_words.day_text(end, weekday=False)})")
        for ident, (name, end) in under_way.items()
    ]
    choices += [
        Choice(ident, name)
        for ident, name in app.people.active()
        if ident not in under_way and ident != app.user_id
    ]

    def picked(choice: Choice | None) -> None:
        if choice is None:
            return
        person = int(choice.value)
        if person in under_way:
            app.push_screen(LeavingScreen(person))
            return

        def dated(text: str | None) -> None:
            if text is None:
                return
            try:
                last_day = time_words.day(text, leaving.today())
            except Refusal:
                app.notify("A last day is like fri, 20 Nov or 2026-11-20.", severity="warning")
                return
            app.write(
                lambda: leaving.start(person, last_day),
                lambda _: app.push_screen(LeavingScreen(person)),
            )

        app.push_screen(
            TextPrompt(f"{choice.label}'s last day", leaving.today().isoformat()), dated
        )

    if person_id is not None:
        label = next((c.label for c in choices if c.value == person_id), None)
        if label is None:
            app.notify("Someone else off-boards you: another manager or the owner.")
            return
        picked(Choice(person_id, label))
        return
    app.push_screen(PickerScreen("Who leaves?", choices), picked)
