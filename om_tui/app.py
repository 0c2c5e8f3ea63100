"""The om-tui application: its main screens, global keys, and the change watcher."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from peewee import Database, OperationalError
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from om_tui.messages import DataChanged
from om_tui.practice import settings
from om_tui.practice.changes import ChangeWatcher, watcher_for
from om_tui.practice.clock import Clock, SystemClock
from om_tui.practice.flow import Change, Flow
from om_tui.practice.patients import PatientIndex
from om_tui.practice.refusal import Refusal
from om_tui.resources import stylesheet
from om_tui.screens.board import FlowBoardScreen

if TYPE_CHECKING:
    from om_tui.practice.hats import Hats
    from om_tui.practice.stats import Stats

log = logging.getLogger(__name__)

T = TypeVar("T")


def _stats_screen() -> Screen[Any]:
    from om_tui.screens.stats import StatsScreen  # loaded when first opened: a quicker start

    return StatsScreen()


def _my_hat_screen() -> Screen[Any]:
    from om_tui.screens.my_hat import MyHatScreen

    return MyHatScreen()


def _hats_screen() -> Screen[Any]:
    from om_tui.screens.hat_editor import HatEditorScreen

    return HatEditorScreen()


def _compliance_screen() -> Screen[Any]:
    from om_tui.screens.compliance import ComplianceScreen

    return ComplianceScreen()


#: The main screens, in the order of their keys. Later screens (stats, hats,
#: people, the owner's overview) plug in here: (mode, key, title, screen class).
MAIN_SCREENS: tuple[tuple[str, str, str, Callable[[], Screen[Any]]], ...] = (
    ("board", "1", "Board", FlowBoardScreen),
    ("stats", "2", "Stats", _stats_screen),
    ("my_hat", "3", "My hat", _my_hat_screen),
    ("hats", "4", "Hats", _hats_screen),
    ("compliance", "5", "Compliance", _compliance_screen),
)

POLL_SECONDS = 0.25
PATIENT_LIST_DELAY = 0.5
WRITE_ATTEMPTS = 3


class OmTuiApp(App[None]):
    """The Office Manager's instrument panel."""

    TITLE = "om-tui"
    CSS_PATH = [
        stylesheet("app.tcss"),
        stylesheet("board.tcss"),
        stylesheet("stats.tcss"),
        stylesheet("hats.tcss"),
        stylesheet("my_hat.tcss"),
        stylesheet("compliance.tcss"),
        stylesheet("modals.tcss"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            # Not in the footer: every main screen shows them on its top line (ScreenTabs).
            Binding(key, f"switch_mode('{mode}')", title, id=f"app.{mode}", show=False)
            for mode, key, title, _ in MAIN_SCREENS
        ),
        Binding("f1", "toggle_keys", "Keys", id="app.keys", show=False),
    ]
    MODES = {mode: screen for mode, _, _, screen in MAIN_SCREENS}
    TABS = tuple((mode, key, title) for mode, key, title, _ in MAIN_SCREENS)

    def __init__(
        self,
        database: Database,
        clock: Clock | None = None,
        staff_id: int | None = None,
        watcher: ChangeWatcher | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.clock: Clock = clock or SystemClock()
        self.practice = settings.load(database)
        self.flow = Flow(database, self.clock, self.practice, staff_id)
        self._staff_id = staff_id
        self.person_id: int | None = staff_id
        """Who is at this terminal: My hat is theirs. Chosen on My hat until login exists."""
        self.patients = PatientIndex()
        self.watcher = watcher or watcher_for(database)
        self.undo_stack: list[Change] = []
        """What this terminal changed, newest last: `u` takes back the newest."""

    @cached_property
    def stats(self) -> Stats:
        from om_tui.practice.stats import Stats

        return Stats(self.database, self.clock, self.practice, self._staff_id)

    @cached_property
    def hats(self) -> Hats:
        from om_tui.practice.hats import Hats

        return Hats(self.database, self.clock, self.practice, self._staff_id)

    def on_mount(self) -> None:
        self.switch_mode("board")
        self.set_interval(POLL_SECONDS, self.check_for_changes)
        # The check-in search's patient list loads once the board is up and idle.
        self.set_timer(PATIENT_LIST_DELAY, self.load_patients)

    def check_for_changes(self) -> None:
        """Poll the store's change signal; on a change, every screen re-reads."""
        if self.watcher.changed():
            self.announce_change()

    def announce_change(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(DataChanged())

    @work(thread=True, exclusive=True, exit_on_error=False, group="patients")
    def load_patients(self) -> None:
        """Read patients added since last time into the check-in search."""
        with self.database.connection_context():
            self.patients.refresh(self.database)
        # A hundred thousand patients are long-lived: keep them out of the collector's
        # full passes, which otherwise pause the screen for a few hundred ms.
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
        except OperationalError:
            log.warning("write failed: database busy or unavailable")
            self.call_from_thread(
                self._refused,
                "The database is busy (another terminal is writing). Nothing was saved; try again.",
                failed,
            )
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
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if attempt == WRITE_ATTEMPTS:
                    raise
                log.info("database locked, retrying (attempt %d)", attempt)
        raise AssertionError("unreachable")

    def _refused(self, message: str, failed: Callable[[], None] | None) -> None:
        for screen in self.screen_stack:
            discreet = getattr(screen, "discreet", None)
            if discreet is not None:
                message = discreet(message)
        self.notify(message, severity="warning", timeout=6)
        if failed is not None:
            failed()
        self.announce_change()

    def action_toggle_keys(self) -> None:
        """F1 shows the keys; F1 again hides them."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for mode, _key, title, _ in MAIN_SCREENS:
            yield SystemCommand(
                f"Go to {title}", f"Open the {title.lower()}", lambda m=mode: self.switch_mode(m)
            )
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        for command in super().get_system_commands(screen):
            # A screenshot would write patient names to a file: not from here.
            if command.title != "Screenshot":
                yield command


def make_app(
    database: Database,
    clock: Clock | None = None,
    staff_id: int | None = None,
    watcher: ChangeWatcher | None = None,
) -> OmTuiApp:
    """The one way the app is built, by the console script and the tests alike."""
    return OmTuiApp(database, clock=clock, staff_id=staff_id, watcher=watcher)
