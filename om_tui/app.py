"""The om-tui application: its main screens, global keys, and the change watcher.

One idea, the app's frame: Textual's App is one object, and this is its methods — its
opening (the login as the first screen, what a server's practice leaves until it is
drawn), its screens and global keys, who is here (log-in, the idle lock, switching
user), the change watcher's signal handed to the screens, and writes in the background.
The rooms behind them are elsewhere: each screen in om_tui/screens/, the change signal in
practice/changes.py, sessions and roles in practice/people/, the command line in cli.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import gc
import logging
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar

from peewee import Database, OperationalError, PeeweeException
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Footer

from db import StoreError, problem
from db.kinds import Role
from db.store import check_triggers, retryable
from om_tui.messages import DataChanged
from om_tui.practice import settings
from om_tui.practice.changes import (
    NOTHING,
    ChangeWatcher,
    ServerNotices,
    Tables,
    TrailNews,
    joined,
    tables_of,
    touches,
    watcher_for,
)
from om_tui.practice.clock import Clock, SystemClock
from om_tui.practice.people import audit, login_view
from om_tui.practice.people.roles import ADMINISTRATOR, may, role_title
from om_tui.practice.refusal import Refusal
from om_tui.practice.settings import idle_lock_minutes
from om_tui.resources import stylesheet
from om_tui.screens.people.login import LoginRequest, LoginScreen

if TYPE_CHECKING:
    from om_tui.practice.flow.moves import Change, Flow
    from om_tui.practice.flow.patients import PatientIndex
    from om_tui.practice.hats.service import Hats
    from om_tui.practice.owner.line.alert import UrgentWatch
    from om_tui.practice.people.sessions import Pin
    from om_tui.practice.people.staff import People
    from om_tui.practice.stats.service import Stats
    from om_tui.practice.wal_watch import WalWatch

log = logging.getLogger(__name__)

T = TypeVar("T")


def _board_screen() -> Screen[Any]:
    from om_tui.screens.flow.board import FlowBoardScreen  # loaded when first opened: quicker

    return FlowBoardScreen()


def _stats_screen() -> Screen[Any]:
    from om_tui.screens.stats.board import StatsScreen

    return StatsScreen()


def _my_hat_screen() -> Screen[Any]:
    from om_tui.screens.hats.my_hat import MyHatScreen

    return MyHatScreen()


def _hats_screen() -> Screen[Any]:
    from om_tui.screens.hats.editor import HatEditorScreen

    return HatEditorScreen()


def _compliance_screen() -> Screen[Any]:
    from om_tui.screens.hats.compliance import ComplianceScreen

    return ComplianceScreen()


def _staff_screen() -> Screen[Any]:
    from om_tui.screens.people.staff import StaffScreen

    return StaffScreen()


def _orders_screen() -> Screen[Any]:
    from om_tui.screens.owner.orders import OrdersScreen

    return OrdersScreen()


def _line_screen() -> Screen[Any]:
    from om_tui.screens.owner.line import LineScreen

    return LineScreen()


def _book_screen() -> Screen[Any]:
    from om_tui.screens.schedule.book import BookScreen

    return BookScreen()


def _overview_screen() -> Screen[Any]:
    from om_tui.screens.owner.overview import OverviewScreen

    return OverviewScreen()


#: The main screens, in the order of their keys. Later screens (stats, hats,
#: people, the owner's overview) plug in here: (mode, key, title, screen class).
MAIN_SCREENS: tuple[tuple[str, str, str, Callable[[], Screen[Any]]], ...] = (
    ("board", "1", "Board", _board_screen),
    ("stats", "2", "Stats", _stats_screen),
    ("my_hat", "3", "My hat", _my_hat_screen),
    ("hats", "4", "Hats", _hats_screen),
    ("compliance", "5", "Compliance", _compliance_screen),
    ("staff", "6", "Staff", _staff_screen),
    ("orders", "7", "Orders", _orders_screen),
    ("line", "8", "Line", _line_screen),
    ("book", "9", "Book", _book_screen),
    ("overview", "0", "Overview", _overview_screen),  # last, as 0 is on the keyboard
)
#: What each main screen is for, as the command palette says it under "Go to …".
SCREEN_PURPOSES = {
    "board": "The patient flow board: who is here, waiting, with whom",
    "stats": "Each post's stats, week by week, and their conditions",
    "my_hat": "Your checklists for today, policies to attest, your training",
    "hats": "Write the hats: duties, checklists, holders, policies",
    "compliance": "Who keeps their hat on, day by day or week by week",
    "staff": "The staff roster: people, roles, PINs",
    "orders": "Orders given and owed, and programs",
    "line": "The communication line: items to and from the owner",
    "book": "Appointments by day, a column per provider: book, move, cancel, confirm",
    "overview": "The practice at a glance: flow, stats, line, orders, compliance",
}


def _styled_as_the_app(make: Callable[[], Screen[Any]]) -> Callable[[], Screen[Any]]:
    """`make`, with its screen marked as styled by the app's stylesheet as it stands.

    Textual reparses the whole stylesheet when it first shows a mode's screen, twice
    (100-300 ms on a busy machine; textual#5211 keeps it so that a theme change reaches the
    screens of other modes, and hopes to skip it "when not strictly required"). A screen made
    now is styled from the current stylesheet when it mounts: its own CSS_PATH or CSS is
    still read (and parsed) by Textual, new widgets' default CSS is parsed as it is added,
    and a later theme change counts up past the mark and refreshes it as before.
    """

    def make_styled() -> Screen[Any]:
        screen = make()
        screen._css_update_count = screen.app._css_update_count
        return screen

    return make_styled


#: What the command palette calls a main screen, where "Go to <title>" would not say it.
PALETTE_TITLES = {"book": "Appointment book"}

#: What a main screen asks of a person's role (people.PERMISSIONS); by default, its mode.
MODE_PERMISSIONS = {"staff": "roster", "book": "schedule"}

LOGIN = "login"
"""The mode of the login screen (idle lock, switch user): a stack of its own. At start-up the
login is the first mode's own screen (OmTuiApp.get_default_screen)."""
DEFAULT_MODE = App.DEFAULT_MODE
"""Textual's own mode at start: the start-up's login, else a blank screen before the first
screen is shown."""
FIRST_RUN = "first_run"
"""The mode of the first run's setup (om_tui/screens/people/first_run.py): before any login."""

STYLES = (
    "app.tcss",
    "board.tcss",
    "stats.tcss",
    "hats.tcss",
    "my_hat.tcss",
    "compliance.tcss",
    "staff.tcss",
    "overview.tcss",
    "first_run.tcss",
    "login.tcss",
    "audit.tcss",
    "evaluation.tcss",
    "orders.tcss",
    "line.tcss",
    "book.tcss",
    "modals.tcss",
    "patients.tcss",
    "org.tcss",
    "plans.tcss",
    "calls.tcss",
    "imports.tcss",
    "book_settings.tcss",
)
"""The app's stylesheets, in the order their rules are read (a later rule wins a tie)."""
START_STYLES = frozenset({"app.tcss", "first_run.tcss", "login.tcss", "modals.tcss"})
"""What the first screen (the login, or the first run) is drawn with: parsed at start. The
others are parsed once it is drawn (OmTuiApp.load_screen_styles): a quicker start."""
LOGIN_STYLES = frozenset({"app.tcss", "login.tcss"})
"""The login's alone, when it is the first screen (most starts: not the first run)."""
SCREEN_STYLES_DELAY = 0.1
"""Seconds after start-up that the main screens' stylesheets are parsed (behind the login)."""


class ReadOnChange(NamedTuple):
    """What the app itself reads on a change: a person's role, the idle lock, urgent items,
    freed slots (each read only when its table changed)."""

    staff: Tables
    settings: Tables
    line_items: Tables
    appointments: Tables


@functools.cache
def _read_on_change() -> ReadOnChange:
    """Asked on the first change, not at start (the login screen does without the models)."""
    from db.models import Appointment, LineItem, Setting, Staff

    return ReadOnChange(
        tables_of(Staff), tables_of(Setting), tables_of(LineItem), tables_of(Appointment)
    )


WAKE_SECONDS = 0.002
"""After the practice's log is written (wal_watch.py): the pause before one look, so that a
burst of writes (one commit's pages, several commits) is one look and one re-read."""
CHASE_SECONDS = 0.02
"""A second look, when the first found nothing: a commit shows once its log is synced."""
WATCHED_POLL_SECONDS = 0.1
"""The poll's pace while the log is watched (it is the fallback then)."""
POLL_SECONDS = 0.03
"""How often the change signal is read (PRAGMA data_version, a few µs) where the practice's
log cannot be watched: another terminal's change shows within a frame or two; idle, the
poll costs well under 1 % of a core."""
URGENT_TOAST_SECONDS = 8
"""How long an urgent item's toast shows; then the top line's "8 Line !!1" keeps it."""
PATIENT_LIST_DELAY = 0.5
WRITE_ATTEMPTS = 3


class OmTuiApp(App[None]):
    """The Office Manager's instrument panel."""

    TITLE = "om-tui"
    CSS_PATH = [stylesheet(name) for name in STYLES if name in START_STYLES]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            # Not in the footer: every main screen shows them on its top line (ScreenTabs).
            Binding(key, f"open_main('{mode}')", title, id=f"app.{mode}", show=False)
            for mode, key, title, _ in MAIN_SCREENS
        ),
        Binding("f1", "toggle_keys", "Keys", id="app.keys", show=False),
        Binding("L", "call_lists", "Call lists", id="app.call_lists", show=False),
        # Last in line: a screen's own Esc (back, cancel) comes first.
        Binding("escape", "hide_keys", "Hide keys", id="app.hide_keys", show=False),
        # A main screen opened from the overview's figure: Esc goes back to it (the
        # overview says so; a full footer at 80 columns would lose it).
        Binding("escape", "back_to_figure", "Back", id="app.back", show=False),
        # Textual's own, named for the people at the desk (and 3 columns the footer needs).
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            "menu",
            id="app.menu",
            show=False,
            priority=True,
            tooltip="Every command, by name",
        ),
        # Priority: it works in any field or dialog, on a shared front-desk terminal.
        Binding(
            "ctrl+l", "switch_user", "Switch user", id="app.switch_user", show=False, priority=True
        ),
    ]
    MODES = {mode: _styled_as_the_app(screen) for mode, _, _, screen in MAIN_SCREENS}
    TABS = tuple((mode, key, title) for mode, key, title, _ in MAIN_SCREENS)

    def __init__(
        self,
        database: Database,
        clock: Clock | None = None,
        staff_id: int | None = None,
        watcher: ChangeWatcher | None = None,
        *,
        login: bool = False,
        user: str | None = None,
        pin: Pin | None = None,
    ) -> None:
        self._changes = 0
        """How many changes of the database this terminal has announced."""
        self._unseen: dict[str, Tables] = {}
        """Each main screen not shown: the tables changed since it was left (None: unknown)."""
        self._missed: weakref.WeakKeyDictionary[Screen[Any], Tables] = weakref.WeakKeyDictionary()
        """Screens covered by another: the tables changed meanwhile, read once shown again."""
        self._back_to: str | None = None
        """The main screen this one was opened from (a figure's Enter): Esc goes back."""
        self.urgent_unread = 0
        """Urgent items that reached the owner here, not yet seen on the Line screen."""
        self._early_keys: list[events.Key] | None = [] if login else None
        """Keys typed before the login screen is ready (a PIN typed at once): kept for it."""
        self._wal: WalWatch | None = None
        """The practice's log, watched: a commit elsewhere wakes this terminal at once."""
        self._look: Timer | None = None
        self._poll: Timer | None = None
        """The change signal's poll (check_for_changes): quick, or slow once the log is watched."""
        self._urgent: UrgentWatch | None = None
        """Urgent line items filed since the last look (from the first login: _watch_news)."""
        self._screen_styles = False
        """Whether the main screens' stylesheets are parsed (START_STYLES are from the start)."""
        self._abandoned_closed = False
        """Whether the sessions of terminals killed without a word are closed (once a start)."""
        self.refusal: str | None = None
        """Why this practice cannot be used here, found once the first screen was drawn
        (_finish_opening): the app ends, and the command line says it."""
        super().__init__()
        self._first_run = login and pin is None and login_view.needs_setup(database)
        """A new practice: the first run sets it up (never over an SSH key's session)."""
        if login and not self._first_run:
            self.css_path = [stylesheet(name) for name in STYLES if name in LOGIN_STYLES]
        self.database = database
        self.clock: Clock = clock or SystemClock()
        self.practice = settings.load(database)
        audit.set_clock(database, self.clock)  # the trail's times: frozen with the app's in tests
        # The tests' nameless owner (no login, no one named) acts as the administrator.
        acting = ADMINISTRATOR if staff_id is None and not login else staff_id
        self._staff_id = acting
        self.user_id: int | None = None if login else staff_id
        """Who is logged in here (None: at the login screen, or the tests' nameless owner)."""
        self.role: str | None = None
        """What the person here may open and change (people.PERMISSIONS); None: locked."""
        if not login:
            self.role = Role.OWNER if staff_id is None else self.people.person(staff_id).role
        self.person_id: int | None = self.user_id
        """Whose hat My hat shows: the person logged in; a manager may look at another's."""
        self.pin = pin
        """An SSH key's session: its person only, never someone else (see sessions.Pin)."""
        self._session: int | None = None
        """This terminal's open session (sessions.py), while someone is logged in or locked."""
        self._login_request = self._login_for(name=user)
        self._resume_mode: str | None = None
        """The screen the person was on when the terminal locked: theirs again on unlock."""
        self._last_input = self.clock.now()
        self._idle_minutes = idle_lock_minutes(database)
        self.add_mode(LOGIN, lambda: LoginScreen(self._login_request))
        # On a server, listening begins once the first screen is drawn (_finish_opening).
        self.watcher = watcher or watcher_for(database, listen=False)
        self._news = TrailNews(database, self.watcher)
        """Which tables each change touched (the audit trail's rows since the last look)."""
        self.undo_stack: list[Change] = []
        """What this terminal changed, newest last: `u` takes back the newest."""

    def get_default_screen(self) -> Screen[Any]:
        """The start's first screen: the login itself, when someone logs in (most starts).

        Textual starts on a blank screen of its own; switching from it to the login made,
        styled and laid out both, and painted the login once while start-up still held the
        terminal back (a paint thrown away, and the next one only a part of the screen):
        about a fifth of the start's own work. The first run, and an app opened logged in
        (the tests'), still start on the blank screen and switch (on_mount).

        (Not the login's mode as the first mode: its screen, marked styled as the app is
        (_styled_as_the_app), is then made before the app itself is styled, and Textual's
        restyle of a mode's first screen, which the mark skips, is what would put it right:
        its bold lines came out in their background's colour.)
        """
        if self.role is None and not self._first_run:
            return LoginScreen(self._login_request)
        return super().get_default_screen()

    @property
    def acting_id(self) -> int | None:
        """In whose name this terminal changes the practice (the practice checks their role)."""
        return self._staff_id

    @cached_property
    def people(self) -> People:
        """The staff and their logins (the login screen reads without them: login_view)."""
        from om_tui.practice.people.staff import People

        return People(self.database, self.clock)

    @cached_property
    def flow(self) -> Flow:
        from om_tui.practice.flow.moves import Flow  # with the board, not before the login

        return Flow(self.database, self.clock, self.practice, self._staff_id)

    @cached_property
    def patients(self) -> PatientIndex:
        """The check-in search's patient list (load_patients fills it)."""
        from om_tui.practice.flow.patients import PatientIndex

        return PatientIndex()

    @cached_property
    def stats(self) -> Stats:
        from om_tui.practice.stats.service import Stats

        return Stats(self.database, self.clock, self.practice, self._staff_id)

    @cached_property
    def hats(self) -> Hats:
        from om_tui.practice.hats.service import Hats

        return Hats(self.database, self.clock, self.practice, self._staff_id)

    def _login_for(
        self, reason: str = "", person_id: int | None = None, name: str | None = None
    ) -> LoginRequest:
        """What the login screen asks: on a pinned session, its person's PIN and nothing else."""
        if self.pin is not None:
            return LoginRequest(reason=reason, person_id=self.pin.staff_id, pin=self.pin)
        return LoginRequest(reason=reason, person_id=person_id, name=name)

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_shown)
        if self._first_run:
            self._early_keys = None  # no login to keep them for
            # A new practice: the first run sets it up, then logs its first person in (never
            # over an SSH key's session: that key is one person's, on a practice set up).
            from om_tui.screens.people.first_run import FirstRunScreen

            self.add_mode(FIRST_RUN, FirstRunScreen)
            self.switch_mode(FIRST_RUN)
        elif self.role is None:
            pass  # the login is up already: the first mode's own screen (get_default_screen)
        else:
            if self.user_id is not None:
                audit.set_actor(self.database, self.user_id)
            self.switch_mode(self.first_screen())
            self._watch_news()
        self.call_after_refresh(self._finish_opening)
        self._poll = self.set_interval(POLL_SECONDS, self.check_for_changes)
        # The log's watch once the first screen is drawn (inotify's module and its set-up
        # are a few ms of start-up); the poll, quicker meanwhile, covers the moment.
        self.call_after_refresh(self._watch_log)
        # The check-in search's patient list loads once the board is up and idle.
        self.set_timer(PATIENT_LIST_DELAY, self.load_patients)
        # After the first screen is drawn (a timer alone may come first on a busy machine).
        self.call_after_refresh(self.set_timer, SCREEN_STYLES_DELAY, self.load_screen_styles)
        # Once the first screen is drawn: the models (the login screen reads without them,
        # login_view.py) and the trail's loose ends; then the collector, which keeps all
        # that start-up made (the models among it) out of its passes.
        self.call_after_refresh(self._close_abandoned_sessions)
        self.call_after_refresh(self._collect_from_now)
        self.remind_of_backups()

    def _finish_opening(self) -> None:
        """What opening a server's practice leaves until the first screen is drawn: its
        triggers checked (db.store.check_triggers), and listening for other terminals'
        changes. Before any PIN is taken (login_ready): a schema that only its owner may
        put right ends the app, and the command line says why (`refusal`)."""
        if self.refusal is not None:
            return
        try:
            check_triggers(self.database)
        except StoreError as error:
            self.refusal = str(error)
            self.exit(return_code=2)
            return
        if isinstance(self.watcher, ServerNotices):
            self.watcher.listen()

    def _watch_news(self) -> None:
        """From now on, urgent items on the line reach the owner wherever they are, and a slot
        freed on any terminal is told to the ASAP list; what is there already is not news.
        Begun with the first person here: the login screen needs neither (their modules
        are a good part of a start-up's imports)."""
        if self._urgent is not None:
            return
        from om_tui.practice.owner.line.alert import UrgentWatch
        from om_tui.screens.calls.lists import watch_freed_slots

        self._urgent = UrgentWatch(self.database)
        watch_freed_slots(self)

    def _collect_from_now(self) -> None:
        """The garbage collector, off for the start (cli.main), on again. What start-up made
        (modules, classes, the first screen) lives as long as the app: kept out of the
        collector's passes, or the first one walks all of it while the first screen is still
        on its way to the terminal (a pause of 50-100 ms)."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _watch_log(self) -> None:
        """Wake on the practice's log being written (wal_watch.py), where the system lets
        us; the poll then slows to a fallback's pace."""
        from om_tui.practice.wal_watch import wal_watch

        if self._wal is not None or not self.is_running:
            return
        self._wal = wal_watch(self.database)
        if self._wal is None:
            return  # no watch here: the poll stays at its own pace
        asyncio.get_running_loop().add_reader(self._wal.fileno(), self._log_written)
        if self._poll is not None:
            self._poll.stop()
        self._poll = self.set_interval(WATCHED_POLL_SECONDS, self.check_for_changes)

    def load_screen_styles(self) -> None:
        """The main screens' stylesheets, once, in STYLES' order: after the first screen is
        drawn (a person types their PIN meanwhile), or before a main screen is shown."""
        if self._screen_styles:
            return
        self._screen_styles = True
        sheet = self.stylesheet
        files = [(os.path.abspath(stylesheet(name)), "") for name in STYLES]
        for name, where in zip(STYLES, files, strict=True):
            if where not in sheet.source:  # not read at start
                sheet.read(stylesheet(name))
        # Read as at start: the files first, in their order, then the widgets' own CSS.
        sheet.source = {
            **{where: sheet.source[where] for where in files},
            **{where: source for where, source in sheet.source.items() if where not in files},
        }
        sheet.parse()
        sheet.update(self)  # the shown screen; the others under it below
        stack = self.screen_stack
        for screen in stack[:-1]:
            sheet.update(screen)
        if stack:
            stack[-1].refresh(layout=True)

    def _close_abandoned_sessions(self) -> None:
        """Sessions whose terminal was killed without a word: closed on the trail now (once
        the first screen is drawn, or before quitting, if that comes first)."""
        if self._abandoned_closed:
            return
        self._abandoned_closed = True
        from om_tui.practice.people import sessions

        try:
            sessions.close_abandoned(self.database, self.clock)
        except OperationalError:
            log.warning("sessions without an end: not closed (database busy), next start will")

    def remind_of_backups(self) -> None:
        """The manager's and the owner's (the settings' people): after their login too."""
        if not self.may("settings"):
            return  # nobody here yet (the login), or not theirs to keep
        from om_tui.practice.people.backup import backup_reminder

        if reminder := backup_reminder(self.database, self.clock):
            self.notify(reminder, title="Backups", timeout=10)

    def on_unmount(self) -> None:
        if self._wal is not None:
            asyncio.get_running_loop().remove_reader(self._wal.fileno())
            self._wal.close()
            self._wal = None

    def _log_written(self) -> None:
        """The practice's log was written (a commit here or elsewhere): one look, shortly."""
        if self._wal is not None and self._wal.written() and self._look is None:
            self._look = self.set_timer(WAKE_SECONDS, self._look_now)

    def _look_now(self, chase: bool = True) -> None:
        before = self._changes
        self.check_for_changes()
        self._look = None
        if chase and self._changes == before:
            self._look = self.set_timer(CHASE_SECONDS, lambda: self._look_now(chase=False))

    def check_for_changes(self) -> None:
        """Poll the store's change signal; on a change, every screen re-reads."""
        if self.watcher.changed():
            self.announce_change()
        self.lock_if_idle()

    def announce_change(self) -> None:
        """Tell the screens that show what changed; the ones not in view, once they are."""
        # This announcement covers whatever the poll would see next, this terminal's own
        # writes (made on a worker's connection) among them: they are not read twice.
        self.watcher.changed()
        tables = self._news.since_last()
        watched = _read_on_change()
        if touches(watched.staff, tables) and not self._still_allowed():
            return
        self._changes += 1
        self._tell_screens(tables)
        for mode, missed in self._unseen.items():
            self._unseen[mode] = joined(missed, tables)
        if touches(watched.settings, tables):
            # `om-tui settings idle-lock` on any terminal reaches the ones already logged in.
            self._idle_minutes = idle_lock_minutes(self.database)
        if self._urgent is not None:  # someone has logged in here: news is watched
            if touches(watched.line_items, tables):
                self._announce_urgent(self._urgent)
            if touches(watched.appointments, tables):
                from om_tui.screens.calls.lists import tell_freed_slots

                tell_freed_slots(self)

    def _tell_screens(self, tables: Tables) -> None:
        """Each screen of the stack that shows any of `tables` re-reads: now if it is in view
        (the top one, or under a dialog), else when it is shown again (_screen_shown)."""
        covered = False
        for screen in reversed(self.screen_stack):
            if touches(getattr(screen, "SHOWS", None), tables):
                if covered:
                    self._missed[screen] = (
                        joined(self._missed[screen], tables) if screen in self._missed else tables
                    )
                else:
                    screen.post_message(DataChanged(tables))
            covered = covered or not isinstance(screen, ModalScreen)

    def _screen_shown(self, _shown: Screen[Any]) -> None:
        """A screen is in view again (a screen over it closed): what it missed, it reads."""
        for screen in reversed(self.screen_stack):
            if screen in self._missed:
                screen.post_message(DataChanged(self._missed.pop(screen)))
            if not isinstance(screen, ModalScreen):
                break

    def _announce_urgent(self, urgent: UrgentWatch) -> None:
        """Tell the owner logged in here of each urgent item filed since the last look."""
        from om_tui.practice.owner.line.alert import alert_text

        news = urgent.check()
        if not self.may("line_answer") or self.user_id is None or not news:
            return
        for item in news:
            self.notify(
                alert_text(item),
                title="Urgent, on the line",
                severity="warning",
                timeout=URGENT_TOAST_SECONDS,
            )
        # The toast goes (it covered a panel); the mark on the top line stays till the Line.
        if self.current_mode != "line":
            from om_tui.widgets.screen_tabs import ScreenTabs  # the main screens' top line

            self.urgent_unread += len(news)
            self.screen.query(ScreenTabs).refresh(layout=True)

    # -- who is here, and what they may do ------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # Any key or mouse input, wherever it goes, keeps the terminal awake.
        if isinstance(event, events.Key | events.MouseEvent) and not event.is_forwarded:
            self._last_input = self.clock.now()
        if (
            isinstance(event, events.Key)
            and self._early_keys is not None
            and event.key not in ("ctrl+q", "ctrl+c")
        ):
            self._early_keys.append(event)  # the login screen is not up yet
            return
        await super().on_event(event)

    def login_ready(self) -> None:
        """The login screen is up: the keys typed before it reach it, in order. An Enter
        typed before om-tui took the terminal over came as a line feed (ctrl+j)."""
        self._finish_opening()
        if self.refusal is not None:
            return  # ending: no PIN is taken
        early, self._early_keys = self._early_keys or [], None
        for typed in early:
            key = events.Key("enter", "\r") if typed.key == "ctrl+j" else typed
            # From the app, as the terminal's keys are: a key bubbles up to the app's bindings.
            self.post_message(events.Key(key.key, key.character).set_sender(self))

    def may(self, permission: str) -> bool:
        """May the person logged in here open or change what `permission` names?"""
        return self.role is not None and may(self.role, permission)

    def may_open(self, mode: str) -> bool:
        return self.may(MODE_PERMISSIONS.get(mode, mode))

    def tabs(self) -> tuple[tuple[str, str, str], ...]:
        """The main screens this person may open: (mode, key, title)."""
        return tuple(tab for tab in self.TABS if self.may_open(tab[0]))

    def first_screen(self) -> str:
        """Where a person starts: the owner at the overview; anyone else at the board if
        theirs, else the first screen they may open. (The tests' nameless owner: the board.)"""
        if self.role == Role.OWNER and self.user_id is not None and self.may_open("overview"):
            return "overview"
        return next((mode for mode, _, _ in self.tabs()), "my_hat")

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual holds the screen back for 50 ms on every change of mode, to mask it; not
        from its blank start to the first screen: nothing is there to mask. (From the login
        that start-up showed, as from any login, it does.)"""
        if self.current_mode != DEFAULT_MODE or isinstance(self.screen, LoginScreen):
            super().delay_update(delay)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Open a main screen, if the person here may; the login screen, always."""
        if mode != LOGIN and mode in self.MODES and not self.may_open(mode):
            if self.role is not None:
                title = next((t for m, _, t in self.TABS if m == mode), mode)
                self.notify(
                    f"{title} is not open to your role ({role_title(self.role).lower()}).",
                    severity="warning",
                )
            return AwaitMount(self.screen, [])
        if mode not in (LOGIN, FIRST_RUN):
            self.load_screen_styles()
        self._unseen[self.current_mode] = NOTHING
        self._back_to = None  # a screen chosen by its key: nothing to go back to
        if mode == "line":
            self.urgent_unread = 0  # seen there
        mounted = super().switch_mode(mode)
        missed = self._unseen.pop(mode, NOTHING)
        if missed != NOTHING:
            # Changes announced while another main screen was shown: read now, once.
            self._tell_screens(missed)
        return mounted

    def action_open_main(self, mode: str) -> None:
        """A main screen's key (or the palette's "Go to …"): that main screen itself. The
        screens opened over the one shown (Patients, Rooms, the audit trail, a stat's
        graph…) close first: a later key never finds them again in front of a main screen."""
        if self.may_open(mode):
            while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
                self.pop_screen()
        self.switch_mode(mode)

    def lock_if_idle(self) -> None:
        """Lock the terminal after the practice's idle time without a key or the mouse."""
        if self.role is None or self.user_id is None:
            return  # locked already, or nobody named to log back in (the tests' owner)
        if self.clock.now() - self._last_input >= dt.timedelta(minutes=self._idle_minutes):
            minutes = "1 minute" if self._idle_minutes == 1 else f"{self._idle_minutes} minutes"
            self.lock_screen(f"Locked after {minutes} without a key: log in to go on.")

    def lock_screen(
        self, reason: str = "", *, keep_person: bool = True, action: str = "lock"
    ) -> None:
        """Cover everything with the login screen. The same person gets their screens back;
        someone else gets fresh ones."""
        if self.role is None:
            return
        from om_tui.practice.people import sessions

        user_id = self.user_id
        if user_id is not None and action == "logout":
            session, self._session = self._session, None
            self.write(lambda: sessions.end(self.database, self.clock, session, user_id, "logout"))
        elif user_id is not None:
            self.write(lambda: self.people.logout(user_id, action))
        self.role = None
        # A lock keeps the person's screens for them; a logout leaves nothing behind.
        self._resume_mode = self.current_mode if action == "lock" else None
        self.clear_notifications()  # a toast can name a patient
        again = user_id if keep_person else None
        self._login_request = self._login_for(reason, again)
        self.remove_mode(LOGIN)  # a fresh login screen, no one's typing left in it
        self.add_mode(LOGIN, lambda: LoginScreen(self._login_request))
        self.switch_mode(LOGIN)

    def _still_allowed(self) -> bool:
        """Lock when the person here was taken off the staff, or their role changed, elsewhere."""
        if self.role is None or self.user_id is None:
            return True
        person = self.people.person(self.user_id)
        if person.active and person.role == self.role:
            return True
        if person.active:
            # Said as what happened: still true if the role is changed back meanwhile.
            role = role_title(person.role).lower()
            reason = f"{person.name}'s role was changed to {role} elsewhere: log in again."
        else:
            reason = f"{person.name} is no longer on the active staff list."
        # A changed role is a new session (fresh screens); a lock would keep the old ones.
        self.lock_screen(reason, keep_person=person.active, action="logout")
        return False

    @on(LoginScreen.LoggedIn)
    def _logged_in(self, message: LoginScreen.LoggedIn) -> None:
        from om_tui.practice.people import sessions

        person = self.people.person(message.staff_id)
        if self.pin is not None and person.id != self.pin.staff_id:
            return  # the login screen offers no one else; nor does the app let them in
        returning = person.id == self.user_id and self._resume_mode is not None
        self._watch_news()
        if not returning:
            self._new_session(person.id)
            ssh_key = self.pin.ssh_key if self.pin is not None else ""
            self.write(
                lambda: sessions.begin(self.database, self.clock, person.id, ssh_key),
                done=self._session_begun,
            )
        self.user_id = person.id
        self.role = person.role
        self._idle_minutes = idle_lock_minutes(self.database)
        self._last_input = self.clock.now()
        mode = self._resume_mode if returning else None
        self._resume_mode = None
        resume = mode is not None and mode in self.MODES and self.may_open(mode)
        self.switch_mode(mode if resume and mode is not None else self.first_screen())
        if not returning:
            self.remind_of_backups()

    def _session_begun(self, session: int) -> None:
        self._session = session

    def end_session(self, ending: str) -> None:
        """This terminal's session ends now (quit, hang-up): on the trail, before the app goes.

        Written on a thread of its own, waited for a few seconds at most: a signal may
        have interrupted the event loop's own use of the database.
        """
        user_id, session = self.user_id, self._session
        if user_id is None or (self.role is None and session is None):
            return  # no one logged in (nor locked out of their session) here

        from om_tui.practice.people import sessions

        def write() -> None:
            try:
                with self.database.connection_context():
                    sessions.end(self.database, self.clock, session, user_id, ending)
            except Exception as error:  # the app is going anyway; the next start closes it
                log.warning("session end not recorded: %s", type(error).__name__)

        self._session = None
        self.user_id = None
        writer = threading.Thread(target=write, name="session-end")
        writer.start()
        writer.join(timeout=5)

    def _new_session(self, staff_id: int) -> None:
        """Someone else is here: the practice acts in their name, every screen starts afresh
        (nothing of the previous person's view stays), My hat is theirs."""
        self.practice = settings.load(self.database)
        self._staff_id = staff_id
        for name in ("flow", "stats", "hats"):
            self.__dict__.pop(name, None)  # cached: built again for this person
        self.person_id = staff_id
        self.undo_stack.clear()
        for mode, _key, _title, screen in MAIN_SCREENS:
            self.remove_mode(mode)
            self.add_mode(mode, screen)

    def add_mode(self, mode: str, base_screen: str | Callable[[], Screen[Any]]) -> None:
        """Every mode's screen, made on its first showing, is styled as the app is (the login
        and first run's too, and the main screens again after each login)."""
        if not isinstance(base_screen, str):
            base_screen = _styled_as_the_app(base_screen)
        super().add_mode(mode, base_screen)
        self._unseen.pop(mode, None)  # made anew when shown: it reads what there is

    def action_switch_user(self) -> None:
        """Log out; the login screen asks who is next."""
        if self.pin is not None:
            self.notify(
                "This terminal was opened with an SSH key for one person: no one else logs in "
                "here. ctrl+q quits.",
                severity="warning",
            )
            return
        self.lock_screen(keep_person=False, action="logout")

    def action_lock(self) -> None:
        self.lock_screen("Locked: log in to go on.")

    async def action_quit(self) -> None:
        """ctrl+q: the session ends on the trail, the trail's head is anchored, om-tui quits."""
        self._close_abandoned_sessions()
        self.end_session("quit")
        self._anchor_trail("quit")
        self.exit()

    def _anchor_trail(self, why: str) -> None:
        """The trail's head, to the anchor log beside the database (anchors.py)."""
        from om_tui.practice.people import anchors

        try:
            anchors.write(self.database, self.clock, why)
        except (OSError, PeeweeException) as error:
            log.warning("trail's anchor not written at %s: %s", why, type(error).__name__)

    def action_audit(self) -> None:
        """The audit trail, for the office manager and the owner."""
        from om_tui.screens.people.audit import AuditScreen

        if self.may("audit"):
            self.push_screen(AuditScreen())

    def action_my_evaluations(self) -> None:
        """The person's own evaluations: the finished ones, and a draft to self-evaluate."""
        from om_tui.screens.owner.evaluation import EvaluationScreen

        if self.user_id is not None:
            self.push_screen(EvaluationScreen(self.user_id))

    def action_evaluation_criteria(self) -> None:
        """The criteria the practice rates its staff on, for those who evaluate."""
        from om_tui.screens.owner.evaluation_criteria import CriteriaScreen

        if self.may("evaluations") and not isinstance(self.screen, CriteriaScreen):
            self.push_screen(CriteriaScreen())

    def action_patients(self, patient_id: int | None = None) -> None:
        """Patients: find one, their card, add, correct, inactive, merge (`patient_id`: open on
        that patient's card)."""
        from om_tui.screens.schedule.patients import PatientsScreen

        if self.may("patients") and not isinstance(self.screen, PatientsScreen):
            self.push_screen(PatientsScreen(patient_id))

    def action_care_plans(self, patient_id: int | None = None) -> None:
        """A patient's care plans: the one given, the one on screen, or one found first."""
        from om_tui.screens.plans.plans import PlansScreen

        patient_id = patient_id or getattr(self.screen, "plan_patient_id", lambda: None)()
        if patient_id is not None:
            self.push_screen(PlansScreen(patient_id))
            return
        self.action_patients()
        self.notify("Find the patient, then P on their card for their care plans.")

    def action_falling_off(self) -> None:
        """Patients behind their care plan's pace or with nothing booked, worst first."""
        from om_tui.screens.plans.falling_off import FallingOffScreen

        if not isinstance(self.screen, FallingOffScreen):
            self.push_screen(FallingOffScreen())

    def action_rooms(self) -> None:
        """The practice's rooms: add, rename, reorder, retire."""
        from om_tui.screens.schedule.rooms import RoomsScreen

        if self.may("rooms") and not isinstance(self.screen, RoomsScreen):
            self.push_screen(RoomsScreen())

    def action_book_settings(self) -> None:
        """The book's types, states, reasons, hours, blockouts and rules (the managers')."""
        from om_tui.screens.schedule.settings import BookSettingsScreen

        if self.may("schedule_setup") and not isinstance(self.screen, BookSettingsScreen):
            self.push_screen(BookSettingsScreen())

    def action_import_queue(self) -> None:
        """Imported appointments waiting for a person to say whom they are for."""
        from om_tui.screens.imports.queue import ImportQueueScreen

        if self.may("book") and not isinstance(self.screen, ImportQueueScreen):
            self.push_screen(ImportQueueScreen())

    def action_org_board(self) -> None:
        """The org board: divisions, departments, posts, who holds them, how they produce."""
        from om_tui.screens.org.board import OrgBoardScreen

        if self.may("org") and not isinstance(self.screen, OrgBoardScreen):
            self.push_screen(OrgBoardScreen())

    def action_hiring(self) -> None:
        """Openings and candidates, for the office manager and the owner."""
        from om_tui.screens.org.hiring import HiringScreen

        if self.may("hiring") and not isinstance(self.screen, HiringScreen):
            self.push_screen(HiringScreen())

    def action_someone_leaves(self) -> None:
        """Pick who leaves (and their last day, the first time): their off-boarding."""
        from om_tui.screens.org.leaving import choose_who_leaves

        if self.may("leaving"):
            choose_who_leaves(self)

    def action_call_lists(self) -> None:
        """The front desk's call lists: confirmations, recall, unscheduled, ASAP (L)."""
        from om_tui.screens.calls.lists import open_call_lists

        open_call_lists(self)

    def action_weekly_report(self) -> None:
        """The weekly report to a file, for those who read the stats (the manager, the owner)."""
        from om_tui.screens.owner.weekly_report import WeeklyReportScreen

        if self.may("stats"):
            self.push_screen(WeeklyReportScreen())

    def action_command_palette(self) -> None:
        if self.role is not None:  # nothing to offer behind the login screen
            super().action_command_palette()

    @work(thread=True, exclusive=True, exit_on_error=False, group="patients")
    def load_patients(self) -> None:
        """Read patients added since last time into the check-in search."""
        with self.database.connection_context():
            rebuilt = self.patients.refresh(self.database)
        if rebuilt:
            # A hundred thousand patients are long-lived: keep them out of the collector's
            # full passes, which otherwise pause the screen for a few hundred ms. Only when
            # the index is made anew: a freeze also keeps whatever garbage there is then for
            # good, and the search reloads at every opening.
            gc.freeze()

    @work(thread=True, exit_on_error=False, group="writes")
    def write(
        self,
        change: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Run a write off the event loop; report back on it.

        `done` gets the result on the event loop. A refusal (a Refusal: flow, stats, …) is shown
        to the person as it is; a busy database is retried, then reported.
        """
        result: T
        try:
            with self.database.connection_context():
                result = self._with_retries(change)
        except Refusal as refusal:
            self.call_from_thread(self._refused, str(refusal), failed)
            return
        except OperationalError as error:  # busy, read-only, damaged: said as it is
            log.warning("write failed: %s", problem(error, "the database"))
            self.call_from_thread(self._refused, problem(error, "the database"), failed)
            return
        except Exception as error:  # a person never sees a traceback
            # The type only: messages can quote the values (patient data) involved.
            log.error("write failed: %s", type(error).__name__)
            self.call_from_thread(
                self._refused,
                "That could not be saved (the error is logged). Nothing was changed.",
                failed,
            )
            return
        if done is not None:
            self.call_from_thread(done, result)
        self.call_from_thread(self.announce_change)

    def _with_retries(self, change: Callable[[], T]) -> T:
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return change()
            except OperationalError as error:
                if not retryable(error):
                    raise
                if attempt == WRITE_ATTEMPTS:
                    raise
                log.info("database locked, retrying (attempt %d)", attempt)
        raise AssertionError("unreachable")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose message and title are plain text: a name in it shows as typed
        ("Smith [DO NOT BOOK]"), where Textual's markup would lose the brackets or, for
        "Ann [/] Lee", stop the app. Every screen's and widget's self.notify comes here with
        Textual's own markup=True whatever its caller meant, so the flag cannot say what a
        caller wants: no message of ours is styled, and `markup` is accepted and not used."""
        del markup  # see above: always plain
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _refused(self, message: str, failed: Callable[[], None] | None) -> None:
        for screen in self.screen_stack:
            discreet = getattr(screen, "discreet", None)
            if discreet is not None:
                message = discreet(message)
        self.notify(message, severity="warning", timeout=6)
        if failed is not None:
            failed()
        self.announce_change()

    def _fatal_error(self) -> None:
        """An error nobody foresaw. Textual would print a traceback with each frame's
        variables (a patient's name among them); instead the log, private, gets its kind
        and where it happened (no message: it may quote a value), and the terminal a line."""
        error = self._exception
        where = ""
        if error is not None and error.__traceback__ is not None:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            where = f" at {Path(frame.filename).name}:{frame.lineno} ({frame.name})"
        kind = type(error).__name__ if error is not None else "error"
        log.error("om-tui stopped on an unexpected %s%s", kind, where)
        self.bell()
        self._exit_renderables.append(
            f"om-tui stopped on an unexpected error ({kind}; its place is in the log). "
            "What was saved is kept: start it again."
        )
        self._close_messages_no_wait()

    def action_toggle_keys(self) -> None:
        """F1 shows the keys (this screen's first); F1 again hides them."""
        from om_tui.widgets.keys_panel import KeysPanel

        shown = self.screen.query(KeysPanel)
        if shown:
            self.action_hide_keys()
        else:
            self.screen.mount(KeysPanel(self._key_offered))
            # The list says all the footer does: the footer, cut by it, goes meanwhile.
            self.screen.query(Footer).set(display=False)

    def open_from(self, mode: str, origin: str) -> AwaitMount:
        """Open a main screen from another's figure: Esc there comes back to `origin`."""
        mounted = self.switch_mode(mode)
        if self.current_mode == mode != origin:
            self._back_to = origin
            self.refresh_bindings()
        return mounted

    def action_back_to_figure(self) -> None:
        origin, self._back_to = self._back_to, None
        if origin is not None:
            self.switch_mode(origin)

    def action_hide_keys(self) -> None:
        """Esc closes F1's list where the screen has no Esc of its own."""
        from om_tui.widgets.keys_panel import KeysPanel

        self.screen.query(KeysPanel).remove()
        self.screen.query(Footer).set(display=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":  # only while the list is shown
            if "om_tui.widgets.keys_panel" not in sys.modules:
                return False  # never shown yet (and not imported for the login's footer)
            from om_tui.widgets.keys_panel import KeysPanel

            return bool(self.screen.query(KeysPanel))
        if action == "back_to_figure":  # on the main screen a figure opened, not its dialogs
            return self._back_to is not None and len(self.screen_stack) == 1
        return True

    def _key_offered(self, binding: Binding) -> bool:
        """A screen's key is listed only for those whose role opens it."""
        mode = (binding.id or "").removeprefix("app.")
        return mode not in self.MODES or self.may_open(mode)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.role is None:
            return
        for mode, key, title, _ in MAIN_SCREENS:
            if not self.may_open(mode):
                continue
            purpose = SCREEN_PURPOSES.get(mode, f"Open {title}")
            yield SystemCommand(
                PALETTE_TITLES.get(mode, f"Go to {title}"),
                f"{purpose} ({key})",
                lambda m=mode: self.action_open_main(m),
            )
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        if self.pin is None:
            yield SystemCommand(
                "Switch user", "Log out; someone else logs in (ctrl+l)", self.action_switch_user
            )
        if self.user_id is not None:
            yield SystemCommand("Lock the screen", "Log in again to go on", self.action_lock)
            yield SystemCommand(
                "My evaluations",
                "Your performance evaluations; your self-evaluation on a draft",
                self.action_my_evaluations,
            )
        if self.may("evaluations"):
            yield SystemCommand(
                "Evaluation criteria…",
                "What staff are rated on (1–5): add, rename, retire, reorder",
                self.action_evaluation_criteria,
            )
        if self.may("patients"):
            yield SystemCommand(
                "Patients",
                "Find a patient; their card; add, correct, mark inactive, merge (f on the board)",
                self.action_patients,
            )
        if self.may("schedule"):
            yield SystemCommand(
                "Care plans",
                "A patient's plan of visits: its pace; add, book, pause, change, end (P)",
                self.action_care_plans,
            )
            yield SystemCommand(
                "Falling off",
                "Patients behind their care plan or with nothing booked, worst first",
                self.action_falling_off,
            )
        if self.may("rooms"):
            yield SystemCommand(
                "Rooms", "The practice's rooms: add, rename, reorder, retire", self.action_rooms
            )
        if self.may("schedule_setup"):
            yield SystemCommand(
                "Book settings",
                "Appointment types, states, reasons, hours, blockouts, slot size, no-show rule",
                self.action_book_settings,
            )
        if self.may("book"):
            yield SystemCommand(
                "Import queue",
                "Imported appointments whose patient a person must tell (i on the book)",
                self.action_import_queue,
            )
        if self.may("org"):
            yield SystemCommand(
                "Org board",
                "Divisions, departments, posts: who holds them, vacancies, conditions (o on Hats)",
                self.action_org_board,
            )
        if self.may("hiring"):
            yield SystemCommand(
                "Hiring",
                "Openings and candidates: steps, who waits on whom, the hire (h on the org board)",
                self.action_hiring,
            )
        if self.may("leaving"):
            yield SystemCommand(
                "Someone leaves…",
                "Off-boarding: hats, orders, SSH access, PIN, the practice's own items",
                self.action_someone_leaves,
            )
        from om_tui.screens.calls.lists import call_list_commands

        yield from call_list_commands(self)
        if self.may("audit"):
            yield SystemCommand(
                "Audit trail", "Who changed what, when, from which terminal", self.action_audit
            )
        if self.may("stats"):
            yield SystemCommand(
                "Weekly report…",
                "A week's stats, flow, compliance, orders and line to a file (HTML, Markdown, CSV)",
                self.action_weekly_report,
            )
        yield SystemCommand(
            "Keys", "The keys that work here, this screen's first (F1)", self.action_toggle_keys
        )
        for command in super().get_system_commands(screen):
            # A screenshot would write patient names to a file: not from here. Textual's own
            # keys panel is replaced by F1's; maximizing a "widget" means nothing at the desk.
            if command.title not in ("Screenshot", "Keys", "Maximize", "Minimize"):
                yield command


def make_app(
    database: Database,
    clock: Clock | None = None,
    staff_id: int | None = None,
    watcher: ChangeWatcher | None = None,
    *,
    login: bool = False,
    user: str | None = None,
    pin: Pin | None = None,
) -> OmTuiApp:
    """The one way the app is built, by the console script and the tests alike.

    `login`: start at the login screen (`user` names the person to ask first); the
    console script always does. Without it the app starts logged in: as `staff_id`,
    or, when no one is named, with the owner's rights and nobody's name (tests).
    `pin`: a session an SSH key opened, for its one person (with `login`).
    """
    return OmTuiApp(
        database, clock=clock, staff_id=staff_id, watcher=watcher, login=login, user=user, pin=pin
    )
