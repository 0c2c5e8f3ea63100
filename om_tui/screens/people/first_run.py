"""The first run: before anyone can use a new practice, three short pages set it up.

First the practice (its name, its time zone, when its stats week ends), then the first
person (the owner or the office manager, with a PIN or password typed twice), then the
appointment book (open hours, who else sees patients, the rooms: ctrl+n leaves them for
later, and the book works without them). Nothing is
saved until the last Enter, and then all at once (om_tui.practice.setup): quitting half-way
(ctrl+q, a closed window) leaves the database as it was, and the next start asks again.
There is no way past it but through: the main screens' keys do nothing here. Once set up,
the person who typed it is logged in: they have just typed their PIN twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from db.models import Role
from om_tui.practice import limits, time_words
from om_tui.practice.refusal import Refusal
from om_tui.practice.setup import (
    PracticeSetup,
    check_open_hours,
    check_practice_name,
    check_providers,
    check_rooms,
    check_timezone,
    defaults,
    names_in,
    needs_setup,
    set_up,
    timezone_names,
    week_end_time,
)
from om_tui.practice.stats.weeks import WeekEnds
from om_tui.screens.dialog import edited
from om_tui.screens.hats.forms import ChoiceField
from om_tui.screens.people.login import LoginScreen
from om_tui.screens.people.staff_forms import (
    SECRET_HINT,
    SEES_PATIENTS,
    initials_of,
    name_problem,
    problem_line,
    say,
    secret_problems,
    went_to_the_second,
)
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

TITLE = "om-tui · first run"
WEEKDAYS = tuple((str(n), name) for n, name in enumerate(time_words.WEEKDAYS_SHORT))
FIRST_ROLES = ((Role.OWNER, "owner"), (Role.OFFICE_MANAGER, "office manager"))


class FirstRunScreen(Screen[None]):
    """Page 1 the practice, page 2 its first person, page 3 the book; Enter goes on,
    Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="first_run.back"),
        Binding("enter", "next", "Next", id="first_run.next", show=False),
        Binding("ctrl+n", "later", "Book: later", id="first_run.later"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._page = 1
        self._saving = False

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        start = defaults(self.om.database)
        with Horizontal(classes="top-line"):
            yield Static(Text(TITLE, style="bold"), id="first-run-title")
            yield Static("1 of 3 · the practice", id="first-run-step")
        with Vertical(id="first-run-body"):
            with Vertical(id="practice-page", classes="first-run-page"):
                yield Label("Welcome. First, the practice.", classes="first-run-heading")
                yield Label("Its name, as shown on every screen")
                yield edited(
                    start.practice,
                    placeholder="Riverside Chiropractic",
                    max_length=limits.PRACTICE_NAME.longest,
                    id="practice",
                )
                yield problem_line("practice")
                yield Label("Its time zone (Region/City; → takes what is suggested)")
                yield edited(
                    start.timezone,
                    placeholder="America/Chicago",
                    suggester=SuggestFromList(timezone_names(), case_sensitive=False),
                    id="zone",
                )
                yield problem_line("zone")
                yield Label("The stats week ends on (←/→)")
                yield ChoiceField(WEEKDAYS, str(start.week_ends.weekday), field="weekday")
                yield Label("at (local time)")
                yield edited(
                    time_words.clock(start.week_ends.at), placeholder="14:00", id="week-time"
                )
                yield problem_line("week-time")
                yield Label("Enter next · Tab next field · ctrl+q quit", classes="first-run-hint")
            with Vertical(id="person-page", classes="first-run-page"):
                yield Label("Now you: the first person to log in.", classes="first-run-heading")
                yield Label("Your name")
                yield edited(
                    "",
                    placeholder="Dr. Sarah Chen",
                    max_length=limits.PERSON_NAME.longest,
                    id="name",
                )
                yield problem_line("name")
                yield Label("You are the (←/→)")
                yield ChoiceField(FIRST_ROLES, Role.OWNER, field="role")
                yield Label("You see patients (←/→ or y, n)")
                yield ChoiceField(SEES_PATIENTS, "no", field="provider")
                yield Label(SECRET_HINT)
                yield Input(password=True, id="secret", compact=True)
                yield problem_line("secret")
                yield Label("The same again")
                yield Input(password=True, id="again", compact=True)
                yield problem_line("again")
                yield Label("Enter next · Esc back · ctrl+q quit", classes="first-run-hint")
            with Vertical(id="book-page", classes="first-run-page"):
                yield Label(
                    "Last, the appointment book (ctrl+n: later).", classes="first-run-heading"
                )
                yield Label("Open Mon–Fri (empty: set it later; Book settings has more)")
                yield edited("", placeholder="8-12 13-18", id="open-hours")
                yield problem_line("open-hours")
                yield Label("Who else sees patients (commas between)")
                yield edited("", placeholder="Dr. Marcus Webb, Dr. Priya Patel", id="providers")
                yield problem_line("providers")
                yield Label("The rooms, in order (commas between)")
                yield edited("", placeholder="Room 1, Room 2, Room 3", id="rooms")
                yield problem_line("rooms")
                yield Static(id="first-run-message", markup=False)
                yield Label(
                    "Enter start · ctrl+n start, the book later · Esc back",
                    classes="first-run-hint",
                )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show_page(1)

    def _show_page(self, page: int) -> None:
        self._page = page
        for number, name in enumerate(("#practice-page", "#person-page", "#book-page"), 1):
            self.query_one(name).display = page == number
        step = ("1 of 3 · the practice", "2 of 3 · you", "3 of 3 · the book")[page - 1]
        self.query_one("#first-run-step", Static).update(step)
        self.query_one(("#practice", "#name", "#open-hours")[page - 1], Input).focus()
        self.refresh_bindings()

    # -- checking ---------------------------------------------------------------------

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        say(self, str(event.input.id), "")
        if event.input.id == "secret":
            say(self, "again", "")

    def _practice_problems(self) -> dict[str, str]:
        problems = {"practice": "", "zone": "", "week-time": ""}
        checks = (
            ("practice", check_practice_name),
            ("zone", check_timezone),
            ("week-time", week_end_time),
        )
        for field_id, check in checks:
            try:
                check(self.query_one(f"#{field_id}", Input).value)
            except Refusal as refusal:
                problems[field_id] = str(refusal)
        return problems

    def _person_problems(self) -> dict[str, str]:
        name = " ".join(self.query_one("#name", Input).value.split())
        problems = {"name": name_problem(name, ())}
        problems["secret"], problems["again"] = secret_problems(
            self.query_one("#secret", Input).value, self.query_one("#again", Input).value
        )
        return problems

    def _book_problems(self) -> dict[str, str]:
        you = self.query_one("#name", Input).value
        problems = {"open-hours": "", "providers": "", "rooms": ""}
        checks: tuple[tuple[str, Callable[[str], object]], ...] = (
            ("open-hours", check_open_hours),
            ("providers", lambda text: check_providers(text, you)),
            ("rooms", check_rooms),
        )
        for field_id, check in checks:
            try:
                check(self.query_one(f"#{field_id}", Input).value)
            except Refusal as refusal:
                problems[field_id] = str(refusal)
        return problems

    def _shown(self, problems: dict[str, str]) -> bool:
        """Say each problem under its field; focus the first; True if there were none."""
        for field_id, problem in problems.items():
            say(self, field_id, problem)
        wrong = next((field_id for field_id, problem in problems.items() if problem), None)
        if wrong is None:
            return True
        if wrong == "again":
            again = self.query_one("#again", Input)
            with again.prevent(Input.Changed):  # the message under it stays
                again.value = ""
        self.query_one(f"#{wrong}", Input).focus()
        return False

    # -- going on -------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not went_to_the_second(self, event):
            self.action_next()

    def action_next(self) -> None:
        if self._saving:
            return
        if self._page == 1:
            if self._shown(self._practice_problems()):
                self._show_page(2)
            return
        if self._page == 2:
            if self._shown(self._person_problems()):
                self._show_page(3)
            return
        if self._shown(self._book_problems()):
            self._save()

    def action_later(self) -> None:
        """Start without the book's hours, providers and rooms (Book settings has them)."""
        if self._page != 3 or self._saving:
            return
        for field_id in ("open-hours", "providers", "rooms"):
            self.query_one(f"#{field_id}", Input).value = ""
        self._save()

    def action_back(self) -> None:
        if self._page > 1 and not self._saving:
            self._show_page(self._page - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._page > 1
        if action == "later":
            return self._page == 3
        return True

    def _setup(self) -> PracticeSetup:
        value = {
            field: self.query_one(f"#{field}", Input).value
            for field in (
                "practice",
                "zone",
                "week-time",
                "name",
                "secret",
                "open-hours",
                "providers",
                "rooms",
            )  # fmt: skip
        }
        name = " ".join(value["name"].split())
        return PracticeSetup(
            practice=value["practice"],
            timezone=value["zone"].strip(),
            week_ends=WeekEnds(
                int(self.query_one("#weekday", ChoiceField).value),
                week_end_time(value["week-time"]),
            ),
            name=name,
            role=self.query_one("#role", ChoiceField).value,
            secret=value["secret"],
            initials=initials_of(name),
            provider=self.query_one("#provider", ChoiceField).value == "yes",
            open_hours=value["open-hours"],
            providers=names_in(value["providers"]),
            rooms=names_in(value["rooms"]),
        )

    def _save(self) -> None:
        """All of it in one transaction, in the write worker (the PIN is hashed: slow)."""
        setup = self._setup()
        database, clock = self.om.database, self.om.clock
        self._saving = True
        self.query_one("#first-run-message", Static).update("Setting the practice up…")

        def done(staff_id: int) -> None:
            # Straight in (the app reads the new settings for the new session).
            self.post_message(LoginScreen.LoggedIn(staff_id))

        def failed() -> None:
            self._saving = False
            self.query_one("#first-run-message", Static).update("")
            if not needs_setup(database, clock):  # set up on another terminal meanwhile
                from om_tui.app import LOGIN

                self.app.switch_mode(LOGIN)

        self.om.write(lambda: set_up(database, clock, setup), done, failed)
