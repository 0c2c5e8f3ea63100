"""The call lists' picker: each list with how many wait on it; Enter or its number opens
it. Reached by L (on the book, the board, anywhere without a field) and from the menu
("Call lists"); each list is in the menu by its name too.

`CALL_LISTS` holds the lists in their order: another list is one line more.

The app also tells the front desk here of a slot freed on any terminal that someone on
the ASAP list fits (`tell_freed_slots`, on each change the app hears).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from peewee import Database
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.calls.asap import FreedWatch, asap_count
from om_tui.practice.calls.confirmations import next_open_day, to_confirm
from om_tui.practice.calls.figures import CALL_COUNT_TABLES
from om_tui.practice.calls.recall import recall_page
from om_tui.practice.calls.rules import load_rules
from om_tui.practice.calls.unscheduled import unscheduled_list
from om_tui.practice.clock import Clock
from om_tui.practice.plans.pace import PACE_TABLES
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.fresh import FreshScreen
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

Counter = Callable[[Database, Clock, PracticeSettings], int]


def _to_confirm(database: Database, clock: Clock, practice: PracticeSettings) -> int:
    day = next_open_day(practice, practice.today(clock.now()))
    return to_confirm(practice, day)


def _to_recall(database: Database, clock: Clock, practice: PracticeSettings) -> int:
    today = practice.today(clock.now())
    return recall_page(database, practice, load_rules(database), today, 0).to_call


def _unscheduled(database: Database, clock: Clock, practice: PracticeSettings) -> int:
    return len(unscheduled_list(practice, load_rules(database), clock.now()))


def _asap(database: Database, clock: Clock, practice: PracticeSettings) -> int:
    return asap_count()


def _falling_off(database: Database, clock: Clock, practice: PracticeSettings) -> int:
    from om_tui.practice.plans.pace import falling_off_count

    return falling_off_count(database, clock, practice)


def _confirmations() -> Screen[Any]:
    from om_tui.screens.calls.confirmations import ConfirmationsScreen

    return ConfirmationsScreen()


def _recall() -> Screen[Any]:
    from om_tui.screens.calls.recall import RecallScreen

    return RecallScreen()


def _unscheduled_screen() -> Screen[Any]:
    from om_tui.screens.calls.unscheduled import UnscheduledScreen

    return UnscheduledScreen()


def _falling_off_screen() -> Screen[Any]:
    from om_tui.screens.plans.falling_off import FallingOffScreen

    return FallingOffScreen()


def _asap_screen() -> Screen[Any]:
    from om_tui.screens.calls.asap import AsapScreen

    return AsapScreen()


@dataclass(frozen=True)
class CallList:
    """One list: its name, what it is for, its screen, and how many wait on it."""

    key: str
    title: str
    purpose: str
    screen: Callable[[], Screen[Any]]
    count: Counter
    apart: bool = False
    """Counted in a thread of its own, beside the others: its count is mostly the
    store's work, which runs while the interpreter counts the rest."""


CALL_LISTS: tuple[CallList, ...] = (
    CallList(
        "confirm", "Confirmations", "The next open day's appointments to confirm",
        _confirmations, _to_confirm,
    ),
    CallList(
        "recall", "Recall", "Patients overdue for a visit, nothing booked",
        _recall, _to_recall, apart=True,
    ),
    CallList(
        "unscheduled", "Unscheduled", "Cancelled or missed, not booked again",
        _unscheduled_screen, _unscheduled,
    ),
    CallList("asap", "ASAP", "Patients who want an earlier slot", _asap_screen, _asap),
    CallList(
        "falling_off", "Falling off", "Behind their care plan, or nothing booked ahead",
        _falling_off_screen, _falling_off,
    ),
)  # fmt: skip
"""The call lists, in the picker's order (its numbers)."""


class CallListsScreen(FreshScreen):
    """Each call list with its count; Enter or 1–9 opens one (styled once as it is first
    shown: FreshScreen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="call_lists.back"),
        *(Binding(str(n), f"open({n})", show=False) for n in range(1, 10)),
    ]

    SHOWS = CALL_COUNT_TABLES | PACE_TABLES
    """What the lists are counted from: a change elsewhere is read again only when it touches
    these (app.announce_change)."""

    class Counted(Message):
        """The worker's counts, a list each, for the screen to show."""

        def __init__(self, counts: list[int | None]) -> None:
            super().__init__()
            self.counts = counts

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(Text("Call lists", style="bold"), id="calls-title")
        yield OptionList(
            *_lines([None] * len(CALL_LISTS)), id="call-lists", compact=True, markup=False
        )
        yield Static("Enter or 1–9 opens a list · Esc back", id="calls-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        listing = self.query_one("#call-lists", OptionList)
        listing.highlighted = 0
        listing.focus()
        # First counted here, on the event loop, so that the first paint shows the counts:
        # counted in workers beside the mounting ("…" drawn, then the counts, the counting
        # and the drawing taking turns for the interpreter) the picker took about twice as
        # long, though recall's count is mostly the store's work. Counted again off the loop.
        om = self.om
        self._show([c.count(om.database, om.clock, om.practice) for c in CALL_LISTS])

    @on(DataChanged)
    def reload(self) -> None:
        """Count the lists again, off the event loop."""
        self._count()

    @work(thread=True, exclusive=True, exit_on_error=False, group="call-lists")
    def _count(self) -> None:
        """Every list counted, those counted `apart` in a thread of their own (with its
        own connection: opening one costs a few ms, so not one a list); the lines are
        drawn once, with every count."""
        om = self.om

        def count(call_list: CallList) -> int:
            return call_list.count(om.database, om.clock, om.practice)

        def counted_apart(call_list: CallList) -> int:
            with om.database.connection_context():
                return count(call_list)

        with ThreadPoolExecutor(thread_name_prefix="call-count") as beside:
            apart = {c.key: beside.submit(counted_apart, c) for c in CALL_LISTS if c.apart}
            with om.database.connection_context():
                here = {c.key: count(c) for c in CALL_LISTS if not c.apart}
            counts: list[int | None] = [
                apart[c.key].result() if c.apart else here[c.key] for c in CALL_LISTS
            ]
        if not get_current_worker().is_cancelled:
            self.post_message(self.Counted(counts))

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        self._show(message.counts)

    def _show(self, counts: list[int | None]) -> None:
        listing = self.query_one("#call-lists", OptionList)
        chosen = listing.highlighted
        listing.set_options(_lines(counts))
        listing.highlighted = chosen if chosen is not None else 0

    @on(OptionList.OptionSelected, "#call-lists")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_open(event.option_index + 1)

    def action_open(self, number: int) -> None:
        if 1 <= number <= len(CALL_LISTS):
            self.app.push_screen(CALL_LISTS[number - 1].screen())


def _lines(counts: list[int | None]) -> list[Option]:
    """A line a list: its number, its name, how many wait on it ("…" while counted)."""
    return [
        Option(
            Text.assemble(
                (f"{number} ", "dim"),
                (f"{call_list.title:<14}", "bold"),
                f"{'…' if count is None else count:>5}  ",
                (call_list.purpose, "dim"),
            ),
            id=call_list.key,
        )
        for number, (call_list, count) in enumerate(zip(CALL_LISTS, counts, strict=True), 1)
    ]


def open_call_lists(om: OmTuiApp) -> None:
    if not isinstance(om.screen, CallListsScreen) and om.role is not None:
        om.push_screen(CallListsScreen())


def call_list_commands(om: OmTuiApp) -> Iterator[SystemCommand]:
    """The menu's entries: the picker, and each list by its name."""
    if om.role is None:
        return
    yield SystemCommand(
        "Call lists", "Confirmations, recall, unscheduled, ASAP (L)", om.action_call_lists
    )
    for call_list in CALL_LISTS:
        yield SystemCommand(
            f"{call_list.title} (call list)",
            call_list.purpose,
            lambda made=call_list.screen: om.push_screen(made()),
        )


_watches: weakref.WeakKeyDictionary[OmTuiApp, FreedWatch] = weakref.WeakKeyDictionary()


def watch_freed_slots(om: OmTuiApp) -> None:
    """From now on, cancellations on any terminal are news to this one."""
    _watches[om] = FreedWatch(om.practice, om.clock.now())


def tell_freed_slots(om: OmTuiApp) -> None:
    """A slot freed since the last change that someone on the ASAP list fits: the front
    desk here is told who, and how to book them."""
    watch = _watches.get(om)
    if watch is None or not om.may("book"):
        return
    number = next(n for n, c in enumerate(CALL_LISTS, start=1) if c.key == "asap")
    for slot, fitting in watch.check(om.clock.now()):
        at = time_words.moment_text(slot.start, om.practice.zone)
        names = ", ".join(row.name for row in fitting[:3])
        om.notify(
            f"{at} with {slot.provider} is free: {names} (ASAP) fits. L, {number}, Enter books.",
            title="Slot freed",
            timeout=20,
        )


def show_call_counts(screen: Screen[Any], where: str = "#overview-today") -> None:
    """The lists' counts under `where`'s border (the manager's overview's Today), read in
    a worker: the recall list of a large practice takes a moment."""
    from om_tui.practice.calls.figures import call_counts

    om = cast("OmTuiApp", screen.app)

    def place(said: str) -> None:
        if screen.is_mounted:
            screen.query_one(where).border_subtitle = said

    def read() -> None:
        with om.database.connection_context():
            counts = call_counts(om.database, om.clock, om.practice)
        om.call_from_thread(place, counts.said())

    screen.run_worker(read, thread=True, exclusive=True, group="call-counts", exit_on_error=False)
