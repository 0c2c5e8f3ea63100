"""Logging in, at start-up and to unlock: who are you, then your PIN or password.

The same full screen serves the idle lock and "switch user": nothing of the practice
is drawn behind it (a modal would leave the board's patient names in view). The
person picks their name (Enter, or its number), then types their PIN or password,
masked. Checking it takes a moment by design (Argon2id), so it runs in a thread and
the screen stays live. Wrong tries are counted by the practice: after five, the
person is locked out for a while, and the screen says until when.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from peewee import OperationalError
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from db import problem
from om_tui.messages import DataChanged
from om_tui.practice.people import login_view
from om_tui.practice.people.roles import role_title
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp
    from om_tui.practice.people.sessions import Pin

log = logging.getLogger(__name__)

TITLE = "om-tui · log in"
"""The screen's first line starts so (an SSH end-to-end test waits for it)."""


@dataclass(frozen=True)
class LoginRequest:
    """Why the login screen shows, and whom it asks first."""

    reason: str = ""
    """A line above the question, e.g. "Locked after 10 minutes without a key"."""
    person_id: int | None = None
    """Ask this person's PIN straight away (the idle lock keeps who was here)."""
    name: str | None = None
    """`om-tui --user NAME`: ask this person's PIN straight away."""
    pin: Pin | None = None
    """An SSH key's session: only `person_id` logs in here, no "someone else"."""


class LoginScreen(Screen[None]):
    """Pick a name, type the PIN or password, Enter."""

    BINDINGS = [
        Binding("escape", "back", "Someone else", id="login.back"),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
    ]

    SHOWS = login_view.TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    class LoggedIn(Message):
        """A person proved who they are: the app lets them in."""

        def __init__(self, staff_id: int) -> None:
            super().__init__()
            self.staff_id = staff_id

    def __init__(self, request: LoginRequest | None = None) -> None:
        super().__init__()
        self.request = request or LoginRequest()
        self._people: list[tuple[int, str, str]] = []
        """(id, name, role) of the active staff, as listed."""
        self._chosen: tuple[int, str, str] | None = None
        self._checking = False
        self._only: set[int] | None = None
        """The people `--user` fitted, when it fitted several: only they are listed."""
        self._styled_by: object = None
        """The app's style rules this screen was last styled by (on_screen_resume)."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(TITLE, id="login-title")
            yield Static(self.om.practice.name, id="login-practice", markup=False)
        with Center(id="login-middle"), Vertical(id="login-box"):
            yield Static(self.request.reason, id="login-reason", markup=False)
            yield Static("Who are you?", id="login-ask")
            yield OptionList(id="login-people")
            yield Static(id="login-person")
            yield Input(
                placeholder="PIN or password",
                password=True,
                max_length=128,
                id="login-secret",
            )
            yield Static(id="login-message", markup=False)
            yield Static("Enter log in · ctrl+q quit", id="login-hint")
        yield Footer(compact=True, show_command_palette=False)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual styles every widget of a screen again each time it is shown, and shows
        a mode's new screen twice (start-up's first screen among them): not again by the
        very rules it was just styled by."""
        rules = self.app.stylesheet.rules
        if rules is self._styled_by:
            event.refresh_styles = False
        self._styled_by = rules

    def on_mount(self) -> None:
        # A still screen: nothing is sent to the terminal while no one types, so that sshd's
        # ClientAlive checks can tell a frozen client (an idle lock brings every session here).
        self.query_one("#login-secret", Input).cursor_blink = False
        self.query_one("#login-reason").display = bool(self.request.reason)
        self._read_people()
        wanted = self._wanted()
        if wanted is not None:
            self._choose(wanted)
        elif self.request.pin is not None:
            self._no_one_here()
        else:
            self._show_list()
        self.call_after_refresh(self.om.login_ready)  # what was typed while it came up
        # Each part was styled as it was mounted, by the rules as they stand now: its first
        # showing, next, need not style them all again (Textual's scoped default styles of a
        # widget mounted later cannot reach one mounted before).
        self._styled_by = self.app.stylesheet.rules

    def _no_one_here(self) -> None:
        """A pinned session whose person cannot log in (taken off the staff): no one else may."""
        self._chosen = None
        for part in ("#login-ask", "#login-people", "#login-person", "#login-secret"):
            self.query_one(part).display = False
        self._say("This SSH key is for someone no longer on the active staff list. ctrl+q quits.")
        self.refresh_bindings()

    def _wanted(self) -> tuple[int, str, str] | None:
        """The person to ask first, if the request names one who can log in. A name that
        fits several shows only them; one that fits nobody says so over the whole list."""
        if self.request.person_id is not None:
            return next((p for p in self._people if p[0] == self.request.person_id), None)
        if self.request.name is None:
            return None
        name = self.request.name.strip()
        active = [person for person in login_view.staff(self.om.database) if person.active]
        ids = {person.id for person in login_view.fitting(active, name)}
        fits = [p for p in self._people if p[0] in ids]
        if len(fits) == 1:
            return fits[0]
        if fits:
            self._only = ids
            self._read_people()
            self._say(f"{len(fits)} people fit “{name}”: pick yours (Esc: everyone).")
        else:
            self._say(f"No one on the staff is called “{name}”: pick your name.")
        return None

    # -- the list of people ----------------------------------------------------------

    def _read_people(self) -> None:
        everyone = login_view.staff(self.om.database)
        self._people = [
            (p.id, p.name, p.role)
            for p in everyone
            if p.active and (self._only is None or p.id in self._only)
        ]
        options = self.query_one("#login-people", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        width = max((len(name) for _, name, _ in self._people), default=0)
        for number, (staff_id, name, role) in enumerate(self._people, start=1):
            label = Text(f"{number}  " if number < 10 else "   ")
            label.append(name.ljust(width))
            label.append(f"  {role_title(role)}", style="dim")
            options.add_option(Option(label, id=str(staff_id)))
        if self._people:
            options.highlighted = min(highlighted or 0, len(self._people) - 1)
        else:
            self._say("No one is on the staff list yet.")

    @on(DataChanged)
    def _staff_changed(self) -> None:
        """Someone was added or taken off the staff on another terminal."""
        self._read_people()
        if self._chosen is not None and self._chosen[0] not in {p[0] for p in self._people}:
            if self.request.pin is not None:
                self._no_one_here()
                return
            self._show_list()
            self._say(f"{self._chosen[1]} is no longer on the active staff list.")
            self._chosen = None

    def _show_list(self) -> None:
        self._chosen = None
        self.query_one("#login-ask", Static).display = True
        self.query_one("#login-people").display = True
        self.query_one("#login-person").display = False
        secret = self.query_one("#login-secret", Input)
        secret.value = ""
        secret.display = False
        self.query_one("#login-people").focus()
        self.refresh_bindings()

    def _choose(self, person: tuple[int, str, str]) -> None:
        self._chosen = person
        staff_id, name, role = person
        self.query_one("#login-ask", Static).display = False
        self.query_one("#login-people").display = False
        shown = Text(name, style="bold")
        shown.append(f"  {role_title(role)}", style="dim")
        person_line = self.query_one("#login-person", Static)
        person_line.update(shown)
        person_line.display = True
        secret = self.query_one("#login-secret", Input)
        secret.value = ""
        secret.display = True
        secret.disabled = False
        secret.focus()
        seen = login_view.person(self.om.database, staff_id)
        until = seen.locked_at(self.om.clock.now()) if seen is not None else None
        if seen is None or not seen.has_secret:
            self._say(f"{name} has no PIN or password yet: the office manager sets one.")
        elif until is not None:
            from om_tui.practice import time_words  # arrow: loaded when first needed

            at = time_words.clock(until, self.om.practice.zone)
            self._say(f"Too many wrong tries: {name} can try again at {at}.")
        elif not self.request.person_id or self.request.person_id != staff_id:
            self._say("")
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#login-people")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._say("")
        self._choose(self._people[event.option_index])

    # -- the PIN or password ---------------------------------------------------------

    @on(Input.Submitted, "#login-secret")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._chosen is None or self._checking:
            return
        if not event.value:
            self._say("Type your PIN or password, then Enter.")
            return
        self._checking = True
        event.input.disabled = True
        self._say("Checking…", error=False)
        self._check(self._chosen[0], event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def _check(self, staff_id: int, secret: str) -> None:
        """Argon2id takes a moment on purpose: off the event loop."""
        from om_tui.practice.people.staff import People, PeopleError

        om = self.om
        try:
            pin = self.request.pin
            with om.database.connection_context():
                People(om.database, om.clock).login(
                    staff_id, secret, ssh_key=pin.ssh_key if pin is not None else ""
                )
        except PeopleError as refusal:
            self.app.call_from_thread(self._refused, str(refusal))
            return
        except OperationalError as error:  # busy, read-only, damaged: said as it is
            log.warning("login: %s", problem(error, "the database"))
            self.app.call_from_thread(self._refused, problem(error, "the database"))
            return
        except Exception as error:  # a person never sees a traceback
            log.error("login failed: %s", type(error).__name__)
            self.app.call_from_thread(
                self._refused, "Logging in failed (the error is logged): try again."
            )
            return
        self.app.call_from_thread(self._accepted, staff_id)

    def _accepted(self, staff_id: int) -> None:
        self._checking = False
        self.query_one("#login-secret", Input).value = ""
        self.post_message(self.LoggedIn(staff_id))

    def _refused(self, message: str) -> None:
        self._checking = False
        secret = self.query_one("#login-secret", Input)
        secret.value = ""
        secret.disabled = False
        secret.focus()
        self._say(message)

    def _say(self, message: str, *, error: bool = True) -> None:
        line = self.query_one("#login-message", Static)
        line.update(message)
        line.set_class(error and bool(message), "-error")

    # -- keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            if self.request.pin is not None:
                return False  # an SSH key's session: its person only
            return (self._chosen is not None and len(self._people) > 1) or (
                self._chosen is None and self._only is not None
            )
        if action == "pick":
            return self.request.pin is None
        return True

    def action_back(self) -> None:
        """Back to the list: someone else is logging in (and everyone is listed)."""
        if self._checking or self.request.pin is not None:
            return
        if self._only is not None:
            self._only = None
            self._read_people()
        elif self._chosen is None:
            return
        self._say("")
        self._show_list()

    def action_pick(self, number: int) -> None:
        if self._chosen is not None:
            return
        if number <= len(self._people):
            self._say("")
            self._choose(self._people[number - 1])
        else:
            self.app.bell()
