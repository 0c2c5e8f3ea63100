"""A staff member's performance evaluation: the figures om-tui gathered for the period,
the criteria with their ratings, the manager's comments, the person's self-evaluation,
and their history.

Opened from the staff roster (`v` on a person) by the office manager or the owner, who
start one (`n`), rate the selected criterion with the digits 1–5, comment on it (`c`)
or on the whole (`m`), and finish it (`f`, after a yes): from then on it is kept as it
was, read-only. A staff member opens their own from the command palette ("My
evaluations"): the finished ones in full, a draft without the manager's ratings (not
theirs yet), and on a draft they write their self-evaluation (`s`). `h` shows another
evaluation from the person's history; `k` opens the practice's criteria (managers).
The rules live in om_tui.practice.owner.evaluations.

One screen (one per module), whose length is its sections and keys; the criteria are
in evaluation_criteria.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from db.models import EvaluationKind, EvaluationStatus
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.evaluations.reading import EVALUATION_TABLES
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.practice.owner.evaluations.views import (
    EvaluationError,
    EvaluationView,
    Gathered,
    HistoryLine,
    RatingLine,
    StatTrend,
    kind_title,
)
from om_tui.practice.stats.conditions import CONDITION_LABELS, Condition, sparkline
from om_tui.screens.dialog import Dialog
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm, TextPrompt
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.screens.stats.board import CONDITION_COLOURS
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

STARS = 5
SPARK_WIDTH = 20
"""A stat's weeks drawn in at most this many bars (a year's 53 weeks squeezed)."""
BAD_CONDITIONS = (Condition.EMERGENCY, Condition.DANGER, Condition.NON_EXISTENCE)


def squeezed(values: list[float | None], width: int) -> list[float | None]:
    """At most `width` values: neighbours averaged, in order (unknowns left out)."""
    if len(values) <= width:
        return values
    out: list[float | None] = []
    for n in range(width):
        bucket = values[n * len(values) // width : (n + 1) * len(values) // width]
        known = [v for v in bucket if v is not None]
        out.append(sum(known) / len(known) if known else None)
    return out


def stars(rating: int | None) -> str:
    """ "●●●○○ 3", or "○○○○○ –" when not rated."""
    if rating is None:
        return "○" * STARS + " –"
    return "●" * rating + "○" * (STARS - rating) + f" {rating}"


def share(tally: Tally) -> str:
    """ "3 of 8 on time (38 %) · 1 late · 4 missed", or "nothing due"."""
    if not tally.due:
        return "nothing due"
    said = f"{tally.on_time}/{tally.due} on time ({tally.on_time / tally.due:.0%})"
    if tally.late:
        said += f" · {tally.late} late"
    if tally.missed:
        said += f" · {tally.missed} not done"
    return said


def span(first: dt.date, last: dt.date) -> str:
    """ "2–13 Nov 2026": an evaluation's period, with its year."""
    return time_words.span_text(first, last, year=True)


class WritingForm(Dialog[str | None]):
    """A few lines of text (a comment, a self-evaluation): ctrl+s saves, Escape leaves it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="writing_form.save"),
        Binding("escape", "cancel", "Cancel", id="writing_form.cancel"),
    ]

    def __init__(self, heading: str, about: str, text: str = "") -> None:
        super().__init__()
        self._heading = heading
        self._about = about
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label(self._about, id="writing-about", markup=False)
            yield TextArea(self._text, id="writing", soft_wrap=True)
            yield Label("ctrl+s save · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one("#writing", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.answer(self.query_one("#writing", TextArea).text.strip())

    def action_cancel(self) -> None:
        self.answer(None)


class EvaluationScreen(FreshScreen):
    """One evaluation of one person: figures on the left, ratings and words on the right."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="evaluation.back"),
        # The digits rate here, never switch screens (the line below the lists says so):
        # a slip of the finger on a rating must not leave the evaluation.
        *(Binding(str(n), f"rate({n})", show=False) for n in range(1, STARS + 1)),
        Binding("6,7,8,9,0", "not_a_rating", show=False),
        Binding("c", "comment", "Comment", id="evaluation.comment"),
        Binding("m", "comments", "Manager's comments", id="evaluation.comments"),
        Binding("s", "self_evaluate", "Self-evaluation", id="evaluation.self"),
        Binding("f", "finish", "Finish", id="evaluation.finish"),
        Binding("n", "new", "New", id="evaluation.new"),
        Binding("h", "history", "History", id="evaluation.history"),
        Binding("k", "criteria", "Criteria", id="evaluation.criteria"),
        Binding("x", "discard", "Discard draft", id="evaluation.discard", show=False),
    ]

    SHOWS = EVALUATION_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, staff_id: int) -> None:
        super().__init__()
        self.staff_id = staff_id
        self.evaluation_id: int | None = None
        self._view: EvaluationView | None = None
        self._history: list[HistoryLine] = []
        self._name = ""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def service(self) -> Evaluations:
        return Evaluations(self.om.database, self.om.clock, self.om.practice, self.om.user_id)

    def compose(self) -> ComposeResult:
        yield Static(id="evaluation-title", markup=False)
        with Horizontal(id="evaluation-body"):
            with VerticalScroll(id="evaluation-figures-box"):
                yield Static(id="evaluation-figures", markup=False)
            with Vertical(id="evaluation-side"):
                yield OptionList(id="criteria", compact=True, markup=False)
                with VerticalScroll(id="evaluation-words-box"):
                    yield Static(id="evaluation-words", markup=False)
        yield Static(id="evaluation-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#criteria", OptionList).focus()
        try:
            self._name = self.om.people.person(self.staff_id).name
            self.evaluation_id = self.service.latest(self.staff_id)
        except EvaluationError as refusal:
            self.notify(str(refusal), severity="warning")
        self.reload()

    # -- reading and drawing --------------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Read the evaluation again (a draft's figures are gathered afresh: a few ms)."""
        service = self.service
        try:
            self._history = service.history(self.staff_id)
            known = {line.evaluation_id for line in self._history}
            if self.evaluation_id not in known:  # discarded elsewhere, or none yet
                self.evaluation_id = self._history[0].evaluation_id if self._history else None
            self._view = (
                service.evaluation(self.evaluation_id) if self.evaluation_id is not None else None
            )
        except EvaluationError as refusal:
            self._history, self._view = [], None
            self.notify(str(refusal), severity="warning")
        self._show()

    def _show(self) -> None:
        self._show_title()
        self._show_figures()
        self._show_ratings()
        self._show_words()
        self._show_detail()
        self.refresh_bindings()

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    def _show_title(self) -> None:
        view = self._view
        line = Text.assemble(("Evaluation", "bold"), f" · {self._name}")
        if view is not None:
            line.append(f" · {kind_title(view.kind)} · {span(view.start, view.end)} · ")
            if view.finished:
                line.append("finished", style=f"bold {self._colour('success')}")
            else:
                line.append("draft", style=f"bold {self._colour('warning')}")
        self.query_one("#evaluation-title", Static).update(line)

    def _show_figures(self) -> None:
        view = self._view
        box = self.query_one("#evaluation-figures", Static)
        if view is None:
            start = "n starts one." if self.om.may("evaluations") else "none yet."
            box.update(Text(f"No evaluation of {self._name} yet: {start}", style="dim"))
            return
        box.update(self._figures(view.figures, view))

    def _figures(self, figures: Gathered, view: EvaluationView) -> Group:
        muted = "dim"
        parts: list[Any] = []
        if view.finished and view.finished_at is not None:
            kept = time_words.moment_text(view.finished_at, self.om.practice.zone)
            said = f"Kept as they stood on {kept}"
        else:
            said = "Gathered now: finishing keeps them as they stand then"
        if figures.counted_to < figures.end:
            said += f" · counted to {time_words.day_text(figures.counted_to)}"
        parts.append(Text("Figures", style="bold"))
        parts.append(Text(said, style=muted))
        held = " · ".join(
            f"{h.post} {time_words.span_text(h.first, h.last)}" for h in figures.holdings
        )
        parts.append(Text.assemble(("Hats held  ", "bold"), held or "none in the period"))
        parts.append(Text(""))
        parts.append(Text("Stats of the posts held", style="bold"))
        if not figures.stats:
            parts.append(Text("  none", style=muted))
        title = None
        for stat in figures.stats:
            if stat.post != title:
                title = stat.post
                parts.append(Text(f" {title}", style="italic"))
            parts.append(self._stat_lines(stat))
        parts.append(Text(""))
        parts.append(Text.assemble(("Hat compliance  ", "bold"), share(figures.hats)))
        if len(figures.hats_by_post) > 1:
            for by_post in figures.hats_by_post:
                parts.append(Text(f"  {by_post.post}: {share(by_post.tally)}"))
        shares = [t.share for _, t in figures.hats_by_week]
        if len(shares) > 1:
            parts.append(Text.assemble("  by week ", (sparkline(shares), "bold")))
        parts.append(Text.assemble(("Orders  ", "bold"), share(figures.orders)))
        attest = Text.assemble(("Attestations  ", "bold"), f"{figures.attested} made in the period")
        if figures.outstanding:
            attest.append(
                f" · owes {', '.join(figures.outstanding)}", style=self._colour("warning")
            )
        parts.append(attest)
        training = Text("Training  ", style="bold")
        if figures.training:
            training.append(
                " · ".join(f"{t.post} {t.done} of {t.total} steps" for t in figures.training)
            )
        else:
            training.append("no checksheet on today's hats", style=muted)
        parts.append(training)
        return Group(*parts)

    def _stat_lines(self, stat: StatTrend) -> Group:
        """ "New patients          Affluence" over "▃▅█▆  10 → 12  +20% · 1 wk below Normal"."""
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        latest = stat.latest
        condition = Text("")
        if latest is not None:
            colour = self._colour(CONDITION_COLOURS[latest])
            condition = Text(CONDITION_LABELS[latest], style=f"bold {colour}".strip())
        grid.add_row(Text(f"  {stat.name}"), condition)
        first, last, change = stat.first, stat.last, stat.change
        values = Text("    ", no_wrap=True, overflow="ellipsis")
        values.append(sparkline(squeezed(stat.values, SPARK_WIDTH), stat.up_is_good), "bold")
        values.append("  " + ("no values" if first is None else f"{first:g}"))
        if last is not None and change is not None:
            said = (
                "level"
                if change == 0
                else f"{abs(change):.0f}% {'better' if change > 0 else 'worse'}"
            )
            values.append(f" → {last:g}  {said}")
        counts = stat.weeks_in()
        below = sum(counts[c] for c in BAD_CONDITIONS)
        if below:
            values.append(f" · {below} wk below Normal", style="dim")
        return Group(grid, values)

    def _show_ratings(self) -> None:
        criteria = self.query_one("#criteria", OptionList)
        view = self._view
        before = criteria.highlighted
        options: list[Option] = []
        if view is not None and view.hidden:
            options.append(
                Option(
                    Text("The ratings are the manager's until the evaluation is finished."),
                    id="hidden",
                    disabled=True,
                )
            )
        elif view is not None:
            for line in view.ratings:
                options.append(Option(self._rating_line(line), id=f"c{line.criterion_id}"))
        criteria.set_options(options)
        if options and not options[0].disabled:
            criteria.highlighted = min(before or 0, len(options) - 1)

    def _rating_line(self, line: RatingLine) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True, justify="right")
        rated = line.rating is not None
        name = Text(line.name, style="bold" if rated else "")
        if line.comment:
            name.append(f"\n  {line.comment}", style="italic")
        grid.add_row(name, Text(stars(line.rating), style="" if rated else "dim"))
        return grid

    def _show_words(self) -> None:
        view = self._view
        words = self.query_one("#evaluation-words", Static)
        if view is None:
            words.update("")
            return
        muted = "dim"
        text = Text()
        if view.average is not None:
            text.append(f"Average rating {view.average:.1f} of {STARS}\n", style="bold")
        if not view.hidden:
            text.append("Manager's comments\n", style="bold")
            text.append(
                f"{view.comments}\n" if view.comments else "none yet\n",
                style="" if view.comments else muted,
            )
        text.append("Self-evaluation", style="bold")
        if view.self_evaluated_at is not None:
            at = time_words.moment_text(view.self_evaluated_at, self.om.practice.zone)
            text.append(f"  {at}", style=muted)
        text.append("\n")
        if view.self_evaluation:
            text.append(f"{view.self_evaluation}\n")
        else:
            text.append(
                "none yet" + (" (s writes it)" if view.may_self_evaluate else "") + "\n",
                style=muted,
            )
        if len(self._history) > 1 or (view.finished and self._history):
            text.append("History\n", style="bold")
            for line in self._history:
                mark = "▸ " if line.evaluation_id == view.evaluation_id else "  "
                text.append(f"{mark}{kind_title(line.kind)} {span(line.start, line.end)} · ")
                text.append(line.status)
                if line.average is not None:
                    text.append(f" · {line.average:.1f}")
                text.append("\n")
        words.update(text)

    def _show_detail(self) -> None:
        view = self._view
        detail = self.query_one("#evaluation-detail", Static)
        if view is None:
            detail.update("")
        elif view.finished:
            by = f" by {view.finished_by}" if view.finished_by else ""
            detail.update(f"Finished{by}: kept as it was, read-only.")
        elif view.may_rate:
            left = view.unrated
            said = (
                f"{len(left)} of {len(view.ratings)} criteria to rate"
                if left
                else "every criterion rated: f finishes"
            )
            detail.update(f"1–5 rate the selected criterion · c comment · {said}")
        elif view.may_self_evaluate:
            detail.update("Being written by the manager: s writes your self-evaluation.")
        else:
            detail.update("Being written.")

    # -- what the keys may do ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        view = self._view
        if action in ("rate", "not_a_rating"):
            return True  # always taken here; the action says why when it cannot rate
        if action in ("comment", "comments", "finish", "discard"):
            return view is not None and view.may_rate
        if action == "self_evaluate":
            return view is not None and view.may_self_evaluate
        if action == "new":  # one draft at a time: the practice refuses a second
            drafting = any(line.status == EvaluationStatus.DRAFT for line in self._history)
            return self.om.may("evaluations") and self.staff_id != self.om.user_id and not drafting
        if action == "history":
            return len(self._history) > 1
        if action == "criteria":
            return self.om.may("evaluations")
        return True

    def _criterion(self) -> RatingLine | None:
        view = self._view
        criteria = self.query_one("#criteria", OptionList)
        if view is None or criteria.highlighted is None or view.hidden:
            return None
        if criteria.highlighted >= len(view.ratings):
            return None
        return view.ratings[criteria.highlighted]

    def _save(self, change: Callable[[], Any], said: str | None = None) -> None:
        def done(result: Any) -> None:
            if isinstance(result, int) and not isinstance(result, bool):
                self.evaluation_id = result
            self.reload()
            if said:
                self.notify(said)

        self.om.write(change, done)

    # -- actions ---------------------------------------------------------------------------

    def action_rate(self, rating: int) -> None:
        view, line = self._view, self._criterion()
        if view is None or not view.may_rate:
            self.notify(self._why_not_rate(view), severity="warning")
            return
        if line is None:
            return
        service, evaluation_id, criterion_id = self.service, view.evaluation_id, line.criterion_id
        seen = {"rating": line.rating}
        self._save(lambda: service.rate(evaluation_id, criterion_id, rating, seen))

    def action_not_a_rating(self) -> None:
        view = self._view
        said = "A rating is 1 to 5." if view is not None and view.may_rate else ""
        self.notify(said or self._why_not_rate(view), severity="warning")

    def _why_not_rate(self, view: EvaluationView | None) -> str:
        if view is None:
            return "No evaluation to rate yet." + (
                " n starts one." if self.om.may("evaluations") else ""
            )
        if view.finished:
            return "This evaluation is finished: it is kept as it was, read-only."
        if view.staff_id == self.om.user_id:
            return "Your evaluation is rated by the office manager or the owner."
        return "Only the office manager or the owner rates."

    def action_comment(self) -> None:
        view, line = self._view, self._criterion()
        if view is None or line is None:
            return
        service, evaluation_id, criterion_id = self.service, view.evaluation_id, line.criterion_id

        def written(text: str | None) -> None:
            if text is not None:
                self._save(lambda: service.comment(evaluation_id, criterion_id, text, line.comment))

        about = line.description or "A line or two: what you saw."
        self.app.push_screen(WritingForm(f"{line.name} — comment", about, line.comment), written)

    def action_comments(self) -> None:
        view = self._view
        if view is None:
            return
        service, evaluation_id = self.service, view.evaluation_id

        def written(text: str | None) -> None:
            if text is not None:
                self._save(lambda: service.set_comments(evaluation_id, text, view.comments))

        self.app.push_screen(
            WritingForm(
                f"Comments on {view.name}'s evaluation",
                "The whole period: what went well, what to do next.",
                view.comments,
            ),
            written,
        )

    def action_self_evaluate(self) -> None:
        view = self._view
        if view is None:
            return
        service, evaluation_id = self.service, view.evaluation_id

        def written(text: str | None) -> None:
            if text is not None:
                self._save(
                    lambda: service.self_evaluate(evaluation_id, text, view.self_evaluation),
                    "Self-evaluation saved.",
                )

        self.app.push_screen(
            WritingForm(
                "Your self-evaluation",
                f"{span(view.start, view.end)}: how it went, in your own words.",
                view.self_evaluation,
            ),
            written,
        )

    def action_finish(self) -> None:
        view = self._view
        if view is None:
            return
        if view.unrated:
            self.notify(
                f"Rate every criterion before finishing: {', '.join(view.unrated)} to rate.",
                severity="warning",
            )
            return
        service, evaluation_id, name = self.service, view.evaluation_id, view.name
        shown = view.shown

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: service.finish(evaluation_id, shown),
                    f"{name}'s evaluation is finished and kept.",
                )

        question = (
            f"Finish {name}'s evaluation? Its figures, ratings and comments are kept as they "
            "are now: nobody can change it afterwards."
        )
        self.app.push_screen(Confirm(question, yes="Finish"), confirmed)

    def action_discard(self) -> None:
        view = self._view
        if view is None:
            return
        service, evaluation_id, shown = self.service, view.evaluation_id, view.shown

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.evaluation_id = None
                self._save(
                    lambda: service.discard(evaluation_id, shown), "The draft was discarded."
                )

        self.app.push_screen(
            Confirm(f"Discard this draft of {view.name}'s evaluation?", yes="Discard"), confirmed
        )

    def action_new(self) -> None:
        service, staff_id = self.service, self.staff_id
        choices: list[Choice] = []
        for kind in (EvaluationKind.NEW_HIRE, EvaluationKind.YEARLY):
            try:
                first, last = service.period(staff_id, kind)
                choices.append(Choice(kind, f"{kind_title(kind)}: {span(first, last)}"))
            except EvaluationError:
                choices.append(Choice(kind, f"{kind_title(kind)}: no hat held yet", disabled=True))
        choices.append(Choice(EvaluationKind.CHOSEN, "Chosen period…"))

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            if choice.value != EvaluationKind.CHOSEN:
                self._save(
                    lambda: service.start(staff_id, choice.value),
                    f"A {kind_title(choice.value).lower()} evaluation of {self._name} is started.",
                )
                return
            self.app.push_screen(
                TextPrompt(
                    "First and last day, like 2026-08-01 2026-10-31 or 1 aug to 31 oct",
                    required="Give the first and the last day.",
                ),
                dates,
            )

        def dates(text: str | None) -> None:
            if text is None:
                return
            today = self.om.practice.today(self.om.clock.now())
            try:
                first, last = time_words.two_days(text, today, ahead=False)
            except time_words.TimeWordsError as error:
                self.notify(str(error), severity="warning")
                return
            self._save(
                lambda: service.start(staff_id, EvaluationKind.CHOSEN, first, last),
                f"An evaluation of {self._name} for {span(first, last)} is started.",
            )

        self.app.push_screen(PickerScreen(f"Evaluate {self._name}: which period?", choices), chosen)

    def action_history(self) -> None:
        choices = [
            Choice(
                line.evaluation_id,
                f"{kind_title(line.kind)} {span(line.start, line.end)} · {line.status}"
                + (f" · {line.average:.1f}" if line.average is not None else ""),
            )
            for line in self._history
        ]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self.evaluation_id = int(choice.value)
                self.reload()

        self.app.push_screen(
            PickerScreen(f"{self._name}'s evaluations", choices, self.evaluation_id), chosen
        )

    def action_criteria(self) -> None:
        self.om.action_evaluation_criteria()

    def palette_commands(self) -> list[SystemCommand]:
        commands = [
            SystemCommand(
                "Evaluation history",
                "Another of this person's evaluations (h)",
                self.action_history,
            ),
        ]
        if self._view is not None and self._view.may_rate:
            commands += [
                SystemCommand(
                    "Finish the evaluation", "Keep it as it is, read-only (f)", self.action_finish
                ),
                SystemCommand(
                    "Discard the draft", "Throw this draft away (x)", self.action_discard
                ),
            ]
        return commands
