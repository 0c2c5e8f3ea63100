"""Hiring: the open openings, each candidate and where they stand, what waits on whom.

Opened from the menu (ctrl+p, "Hiring") or `h` on the org board (which opens the post
under the cursor for hiring first). For the office manager and the owner only: the
candidates' details are private to them. The title counts this stats week's applicants,
interviews and hires.

`c` adds a candidate to the opening under the cursor; Enter or `n` takes a candidate
to a next step (or out: declined, withdrew, with the reason); `H` hires them — role,
start day and first PIN, then the staff record, the post's hat and the 90-day
evaluation are made in one step; `x` closes an opening; `f` deletes a candidate's data
now. The rules live in om_tui.practice.org.hiring.

One screen, whose length is its keys; the candidate form is a module of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from db.models import CandidateStage, Role
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.hiring import (
    ENDED,
    HIRING_TABLES,
    MAIN_LINE,
    STAGE_TITLES,
    CandidateLine,
    Hire,
    Hiring,
    OpeningLine,
)
from om_tui.practice.org.hiring_counts import evaluations_due, hiring_figures
from om_tui.practice.refusal import Refusal
from om_tui.practice.words import counted
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm, TextPrompt
from om_tui.screens.org.candidate_form import CandidateForm
from om_tui.screens.people.staff_forms import SecretForm
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


class HiringScreen(FreshScreen):
    """The open openings with their candidates; the highlighted one's detail below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="hiring.back"),
        Binding("c", "add_candidate", "Candidate", id="hiring.add_candidate"),
        Binding("n", "next_step", "Next step", id="hiring.next_step"),
        Binding("H", "hire", "Hire", id="hiring.hire"),
        Binding("x", "close_opening", "Close", id="hiring.close"),
        Binding("f", "forget", "Delete data", id="hiring.forget"),
    ]

    SHOWS = HIRING_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._openings: list[OpeningLine] = []

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def hiring(self) -> Hiring:
        om = self.om
        actor = om.user_id if om.user_id is not None else ADMINISTRATOR
        return Hiring(om.database, om.clock, om.practice, actor)

    def compose(self) -> ComposeResult:
        yield Static(id="hiring-title", markup=False)
        yield OptionList(id="hiring-list", compact=True, markup=False)
        yield Static(id="hiring-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Candidates of openings closed long enough ago are deleted as the board opens.
        self.om.write(self.hiring.purge, lambda _: None)
        self.reload()
        self.query_one("#hiring-list", OptionList).focus()

    # -- reading --------------------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        self._show(self._cursor())

    def _show(self, keep: str | None) -> None:
        try:
            self._openings = self.hiring.openings()
        except Refusal as refusal:
            self.notify(str(refusal), severity="warning")
            self._openings = []
        listing = self.query_one("#hiring-list", OptionList)
        options: list[Option | None] = []
        for opening in self._openings:
            if options:
                options.append(None)
            count = counted(len(opening.candidates), "candidate")
            title = Text.assemble(
                (opening.post, "bold"),
                (f"  opened {time_words.day_text(opening.opened, weekday=False)} · {count}", "dim"),
            )
            options.append(Option(title, id=f"o{opening.opening_id}"))
            for candidate in opening.candidates:
                options.append(
                    Option(self._candidate_line(candidate), id=f"c{candidate.candidate_id}")
                )
        due = evaluations_due(self.om.database, self.hiring.today())
        if due:
            said = ", ".join(
                f"{name} {time_words.day_text(day, weekday=False)}" for name, day in due
            )
            options[:0] = [
                Option(
                    Text(f"90-day evaluations due: {said}", style=self._colour("warning")),
                    id="due",
                    disabled=True,
                ),
                None,
            ]
        listing.set_options(options)
        index = None
        if keep is not None:
            try:
                index = listing.get_option_index(keep)
            except OptionDoesNotExist:
                index = None
        if index is None and self._openings:
            index = listing.get_option_index(f"o{self._openings[0].opening_id}")
        listing.highlighted = index
        waiting = sum(1 for o in self._openings for c in o.candidates if not c.ended)
        weeks = self.om.stats.weeks
        figures = hiring_figures(weeks, weeks.week_of(self.om.clock.now())) or {}
        self.query_one("#hiring-title", Static).update(
            Text.assemble(
                ("Hiring", "bold"),
                f" · {len(self._openings)} open · {waiting} in progress",
                (
                    f" · this week {figures.get('applicants', 0):.0f} applied, "
                    f"{figures.get('interviews', 0):.0f} interviewed, "
                    f"{figures.get('hires', 0):.0f} hired",
                    "dim",
                ),
            )
        )
        self._show_detail()

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    def _candidate_line(self, candidate: CandidateLine) -> Text:
        last = candidate.steps[-1] if candidate.steps else None
        text = Text.assemble("  ", (candidate.name, "bold"), "  ", STAGE_TITLES[candidate.stage])
        text.no_wrap = True
        text.overflow = "ellipsis"
        if last is not None:
            text.append(f" {time_words.day_text(last.day, weekday=False)}", style="dim")
        if candidate.waiting_on:
            text.append(f" · next: {candidate.waiting_on}", style="dim")
        return text

    def _cursor(self) -> str | None:
        option = self.query_one("#hiring-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def _opening(self) -> OpeningLine | None:
        key = self._cursor()
        if key is None:
            return None
        if key.startswith("o"):
            return next((o for o in self._openings if o.opening_id == int(key[1:])), None)
        return next(
            (o for o in self._openings for c in o.candidates if c.candidate_id == int(key[1:])),
            None,
        )

    def _candidate(self) -> CandidateLine | None:
        key = self._cursor()
        if key is None or not key.startswith("c"):
            return None
        wanted = int(key[1:])
        return next(
            (c for o in self._openings for c in o.candidates if c.candidate_id == wanted), None
        )

    @on(OptionList.OptionHighlighted, "#hiring-list")
    def _show_detail(self) -> None:
        self.refresh_bindings()
        detail = self.query_one("#hiring-detail", Static)
        candidate = self._candidate()
        opening = self._opening()
        if candidate is not None:
            text = Text.assemble(
                (candidate.name, "bold"),
                f" · {STAGE_TITLES[candidate.stage]}",
                (f" · candidate {candidate.candidate_id}", "dim"),
            )
            for label, value in (
                ("Reach", candidate.contact),
                ("From", candidate.source),
                ("Notes", candidate.notes),
            ):
                if value:
                    text.append(f"\n{label}: ", style="bold")
                    text.append(value)
            steps = " → ".join(
                f"{STAGE_TITLES[s.stage]} {time_words.day_text(s.day, weekday=False)}"
                + (f" ({s.by})" if s.by else "")
                for s in candidate.steps
            )
            text.append(f"\n{steps}", style="dim")
            if candidate.steps and candidate.steps[-1].reason:
                text.append(f"\nWhy: {candidate.steps[-1].reason}")
            detail.update(text)
        elif opening is not None:
            note = f"\n{opening.note}" if opening.note else ""
            detail.update(
                f"{opening.post}: open since {time_words.day_text(opening.opened)}.{note}\n"
                "c adds a candidate · x closes the opening"
            )
        else:
            detail.update("No post is open for hiring: h on the org board opens one.")

    # -- acting -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        candidate = self._candidate()
        if action == "add_candidate" or action == "close_opening":
            return self._opening() is not None
        if action in ("next_step", "hire"):
            return candidate is not None and not candidate.ended
        if action == "forget":
            return candidate is not None
        return True

    def _save(
        self, change: Callable[[], Any], said: str = "", done: Callable[[Any], None] | None = None
    ) -> None:
        keep = self._cursor()

        def saved(result: Any) -> None:
            self._show(keep)
            if done is not None:
                done(result)
            elif said:
                self.notify(said)

        self.om.write(change, saved)

    @on(OptionList.OptionSelected, "#hiring-list")
    def _chosen(self) -> None:
        if self._candidate() is not None:
            self.action_next_step()

    def action_add_candidate(self) -> None:
        opening = self._opening()
        if opening is None:
            return
        hiring = self.hiring

        def added(fields: tuple[str, str, str, str] | None) -> None:
            if fields is not None:
                self._save(
                    lambda: hiring.add_candidate(opening.opening_id, *fields),
                    f"{fields[0]} added to {opening.post}.",
                )

        self.app.push_screen(CandidateForm(f"A candidate for {opening.post}"), added)

    def action_next_step(self) -> None:
        candidate = self._candidate()
        if candidate is None or candidate.ended:
            return
        hiring = self.hiring
        at = MAIN_LINE.index(CandidateStage(candidate.stage))
        ahead = [s for s in MAIN_LINE[at + 1 :] if s != CandidateStage.HIRED]
        choices = [Choice(stage, STAGE_TITLES[stage]) for stage in ahead]
        choices.append(Choice(CandidateStage.HIRED, "Hired… (makes the staff record)"))
        choices += [
            Choice(CandidateStage.DECLINED, "Declined (we said no)…"),
            Choice(CandidateStage.WITHDREW, "Withdrew (they said no)…"),
        ]

        def picked(choice: Choice | None) -> None:
            if choice is None:
                return
            stage = CandidateStage(choice.value)
            if stage == CandidateStage.HIRED:
                self.action_hire()
            elif stage in ENDED:
                self._out(candidate, stage)
            else:
                self._save(
                    lambda: hiring.move(candidate.candidate_id, candidate.revision, stage),
                    f"{candidate.name}: {STAGE_TITLES[stage].lower()}.",
                )

        self.app.push_screen(PickerScreen(f"{candidate.name}: next step", choices), picked)

    def _out(self, candidate: CandidateLine, stage: CandidateStage) -> None:
        hiring = self.hiring

        def reasoned(reason: str | None) -> None:
            if reason:
                self._save(
                    lambda: hiring.move(
                        candidate.candidate_id, candidate.revision, stage, reason=reason
                    ),
                    f"{candidate.name}: {STAGE_TITLES[stage].lower()}.",
                )

        self.app.push_screen(
            TextPrompt(f"Why {candidate.name} {STAGE_TITLES[stage].lower()}", required="Say why."),
            reasoned,
        )

    def action_hire(self) -> None:
        """Role, then start day, then first PIN: then one write makes it all."""
        candidate = self._candidate()
        opening = self._opening()
        if candidate is None or opening is None or candidate.ended:
            return
        hiring = self.hiring
        roles = [
            Choice(Role.STAFF.value, "Staff"),
            Choice(Role.FRONT_DESK.value, "Front desk"),
            Choice(Role.OFFICE_MANAGER.value, "Office manager"),
        ]
        today = hiring.today()

        def with_pin(role: str, start: dt.date) -> Callable[[str | None], None]:
            def pinned(pin: str | None) -> None:
                if pin is None:
                    return
                self._save(
                    lambda: hiring.hire(
                        candidate.candidate_id, candidate.revision, role, pin, start
                    ),
                    done=self._hired,
                )

            return pinned

        def with_start(role: str) -> Callable[[str | None], None]:
            def started(text: str | None) -> None:
                if text is None:
                    return
                try:
                    start = time_words.day(text, today)
                except Refusal:
                    self.notify(
                        "A start day is like today, mon, 20 Nov or 2026-11-20.", severity="warning"
                    )
                    return
                self.app.push_screen(
                    SecretForm(f"{candidate.name}'s first PIN or password"), with_pin(role, start)
                )

            return started

        def roled(choice: Choice | None) -> None:
            if choice is not None:
                self.app.push_screen(
                    TextPrompt(f"{candidate.name} starts on", today.isoformat()),
                    with_start(str(choice.value)),
                )

        self.app.push_screen(
            PickerScreen(f"Hire {candidate.name} as {opening.post}: their role", roles), roled
        )

    def _hired(self, made: Hire) -> None:
        self.notify(
            f"{made.name} is on the staff and holds {made.post} "
            f"from {time_words.day_text(made.start)}; "
            f"their training checksheet is open and their 90-day evaluation is due "
            f"{time_words.day_text(made.evaluation_due)}.",
            timeout=10,
        )

    def action_close_opening(self) -> None:
        opening = self._opening()
        if opening is None:
            return
        hiring = self.hiring

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: hiring.close_opening(opening.opening_id),
                    f"{opening.post} is no longer open for hiring.",
                )

        self.app.push_screen(
            Confirm(
                f"Close the opening for {opening.post}? Its candidates' data is deleted after "
                "the practice's keeping time.",
                yes="Close",
            ),
            confirmed,
        )

    def action_forget(self) -> None:
        candidate = self._candidate()
        if candidate is None:
            return
        hiring = self.hiring

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: hiring.forget(candidate.candidate_id),
                    f"{candidate.name}'s data is deleted.",
                )

        self.app.push_screen(
            Confirm(f"Delete everything kept on {candidate.name} now?", yes="Delete"), confirmed
        )
