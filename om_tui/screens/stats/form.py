"""A new stat, from the stats screen: a weekly stat the manager types, for a post.

Name, post (one of the practice's, or a new one), what it counts and which way is good;
Enter saves. Stats counted from the flow or computed by formula are added with
`om-tui stats add` (their kinds need more than a form says at 80 columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from om_tui.practice.stats.values import no_such_post
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.hats.forms import ChoiceField

UNITS = (("count", "a count"), ("money", "money"), ("minutes", "minutes"), ("percent", "%"))
DIRECTIONS = (("up", "up is good"), ("down", "down is good (e.g. no-shows)"))


@dataclass(frozen=True)
class StatFields:
    """A new stat as written in the form."""

    name: str
    post: str
    unit: str
    up_is_good: bool


class StatForm(Dialog[StatFields | None]):
    """Name, post, unit, direction; Enter in a field saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="stat_form.cancel")]

    def __init__(self, posts: Sequence[str], post: str = "") -> None:
        super().__init__()
        self._posts = list(posts)
        self._post = post

    def compose(self) -> ComposeResult:
        example = self._posts[0] if self._posts else "Receptionist"
        with Vertical(classes="dialog"):
            yield Label("A new stat, typed weekly", classes="dialog-title")
            yield Label("Name")
            yield edited("", placeholder="Referrals received", id="stat-name")
            yield Label("", id="stat-name-error", classes="field-error", markup=False)
            yield Label("Post (→ takes the suggestion)")
            yield edited(
                self._post,
                placeholder=example,
                suggester=SuggestFromList(self._posts, case_sensitive=False),
                id="stat-post",
            )
            yield Label("", id="stat-post-error", classes="field-error", markup=False)
            yield Label("It is (←/→)")
            yield ChoiceField(UNITS, "count", field="stat-unit")
            yield ChoiceField(DIRECTIONS, "up", field="stat-direction")
            yield Label(
                "Enter save · Tab next field · Esc cancel. Counted or formula stats: "
                "om-tui stats add --help",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#stat-name", Input).focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        self.query_one(f"#{event.input.id}-error", Label).update("")

    @on(Input.Submitted)
    def _save(self) -> None:
        name = self.query_one("#stat-name", Input).value.strip()
        post = self.query_one("#stat-post", Input).value.strip()
        # A title typed in another case is the post already on file.
        post = next((known for known in self._posts if known.casefold() == post.casefold()), post)
        problems = {
            "stat-name": "" if name else "A stat needs a name.",
            "stat-post": "" if post else "A stat belongs to a post: name it.",
        }
        if post and post not in self._posts:
            problems["stat-post"] = no_such_post(post, self._posts)
        for field, problem in problems.items():
            self.query_one(f"#{field}-error", Label).update(problem)
        wrong = [field for field, problem in problems.items() if problem]
        if wrong:
            self.query_one(f"#{wrong[0]}", Input).focus()
            return
        self.answer(
            StatFields(
                name,
                post,
                self.query_one("#stat-unit", ChoiceField).value,
                self.query_one("#stat-direction", ChoiceField).value == "up",
            )
        )

    def action_cancel(self) -> None:
        self.answer(None)
