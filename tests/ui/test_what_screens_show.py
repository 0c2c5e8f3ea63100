"""What each screen re-reads on a change is what its SHOWS names: a table it reads but does
not name would be a change it never shows (app.py tells a screen only of the tables it shows).

The tables are SQLite's own account: its authorizer names every table a statement reads,
on every connection of the practice (a screen's worker reads on its own), whatever wrote
the SQL. Each screen is opened on the demo practice (every kind of row there), logged in
as the owner or as the person a case names (a screen reads more or less by role); then a
change "to anything" makes it re-read, under the trace.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, cast

import pytest
from peewee import Database
from textual.pilot import Pilot
from textual.screen import Screen

from db.models import CarePlan, Staff, Stat
from om_tui import screens as all_screens
from om_tui.app import OmTuiApp
from om_tui.messages import DataChanged
from om_tui.practice import settings
from om_tui.practice.calls.figures import call_figures
from om_tui.practice.org.hiring_counts import hiring_figures
from om_tui.practice.org.leaving import Leaving
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.board import COUNTED_FROM
from om_tui.practice.stats.figures import flow_figures
from om_tui.practice.stats.service import Stats
from om_tui.screens.calls.asap import AsapScreen
from om_tui.screens.calls.base import CallListScreen
from om_tui.screens.calls.confirmations import ConfirmationsScreen
from om_tui.screens.calls.lists import CallListsScreen
from om_tui.screens.calls.recall import RecallScreen
from om_tui.screens.calls.unscheduled import UnscheduledScreen
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.flow.check_in import CheckInScreen
from om_tui.screens.hats.compliance import ComplianceScreen
from om_tui.screens.hats.compliance_detail import ComplianceDetailScreen
from om_tui.screens.hats.editor import HatEditorScreen
from om_tui.screens.hats.my_hat import MyHatScreen
from om_tui.screens.hats.policies import PoliciesScreen
from om_tui.screens.imports.queue import ImportQueueScreen
from om_tui.screens.org.board import OrgBoardScreen
from om_tui.screens.org.hiring import HiringScreen
from om_tui.screens.org.leaving import LeavingScreen
from om_tui.screens.owner.evaluation import EvaluationScreen
from om_tui.screens.owner.evaluation_criteria import CriteriaScreen
from om_tui.screens.owner.line import LineScreen
from om_tui.screens.owner.orders import OrdersScreen
from om_tui.screens.owner.overview import OverviewScreen
from om_tui.screens.owner.programs import ProgramsScreen
from om_tui.screens.people.audit import AuditScreen
from om_tui.screens.people.login import LoginScreen
from om_tui.screens.people.staff import StaffScreen
from om_tui.screens.plans.falling_off import FallingOffScreen
from om_tui.screens.plans.plans import PlansScreen
from om_tui.screens.schedule.book import BookScreen
from om_tui.screens.schedule.patients import PatientsScreen
from om_tui.screens.schedule.rooms import RoomsScreen
from om_tui.screens.schedule.settings import BookSettingsScreen
from om_tui.screens.stats.board import StatsScreen
from om_tui.screens.stats.entry import StatEntryScreen
from om_tui.screens.stats.graph import StatGraphScreen

from .conftest import STATS_WEEK, Practice
from .helpers import handles, settle


@contextmanager
def tables_read(database: Database) -> Iterator[set[str]]:
    """The tables read meanwhile on any of `database`'s connections, this thread's open one
    and those opened meanwhile (a worker's)."""
    read: set[str] = set()
    tables = set(database.get_tables())  # not a statement's own names (WITH due AS …)

    def authorize(action: int, table: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table in tables:
            read.add(table)
        return sqlite3.SQLITE_OK

    # peewee's hook on each connection it opens (private to it, read here alone).
    hooks = database._add_conn_hooks  # type: ignore[attr-defined]

    def hooked(connection: sqlite3.Connection) -> None:
        hooks(connection)
        connection.set_authorizer(authorize)

    database._add_conn_hooks = hooked  # type: ignore[attr-defined]
    here = None if database.is_closed() else database.connection()
    if here is not None:
        here.set_authorizer(authorize)
    try:
        yield read
    finally:
        del database._add_conn_hooks  # type: ignore[attr-defined]
        if here is not None:
            here.set_authorizer(None)


async def patients_loaded(pilot: Pilot[Any]) -> None:
    """The check-in search's patient list, loaded once the app is idle: loaded now, so that
    its read is not taken for a screen's."""
    app = cast(OmTuiApp, pilot.app)
    for _ in range(200):
        await settle(pilot)
        if app.patients.loaded:
            return
        await pilot.pause(0.01)
    raise AssertionError("the patient list did not load")


OWNER = "Dr. Sarah Chen"
TOM = "Tom Becker"


def staff_named(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def evaluating(practice: Practice) -> Screen[Any]:
    """Tom's yearly evaluation, a draft: its figures are gathered from all he did."""
    owner, tom = staff_named(OWNER), staff_named(TOM)
    evaluations = Evaluations(
        practice.database, practice.clock, settings.load(practice.database), owner
    )
    evaluations.start(tom, "yearly")
    return EvaluationScreen(tom)


def leaving(practice: Practice) -> Screen[Any]:
    """Tom leaves at the end of the month: his off-boarding."""
    owner, tom = staff_named(OWNER), staff_named(TOM)
    practice_settings = settings.load(practice.database)
    Leaving(practice.database, practice.clock, practice_settings, owner).start(
        tom, dt.date(2026, 11, 30)
    )
    return LeavingScreen(tom)


def with_a_plan() -> int:
    """A patient on a care plan (their card and plans show the most)."""
    return int(CarePlan.select().order_by(CarePlan.id).first().patient_id)


def graph(practice: Practice) -> Screen[Any]:
    first = Stat.select().order_by(Stat.id).first()
    return StatGraphScreen(first.id, STATS_WEEK)


def compliance_items(practice: Practice) -> Screen[Any]:
    everyone = [staff.id for staff in Staff.select().where(Staff.active)]
    start = dt.date(2026, 11, 1)
    return ComplianceDetailScreen("Everyone", everyone, start, dt.date(2026, 11, 18), "November")


Opening = Callable[[Practice], "Screen[Any] | str | None"]
"""A main screen's mode, a screen to open over the first one, or None: the first one."""


LOGIN = ""


class Shown(NamedTuple):
    screen: type[Screen[Any]]
    opening: Opening | None = None
    """How it is opened; None: made with no arguments, over the first screen."""
    person: str | None = None
    """Who is logged in (the screens differ by role); None: the tests' nameless owner, whose
    first screen is the board (the owner's, the overview, takes a while); LOGIN: no one."""
    keys: tuple[str, ...] = ()
    """Pressed once it is open: another view of the same screen."""


def mode(name: str) -> Opening:
    return lambda _: name


SCREENS: dict[str, Shown] = {
    "login": Shown(LoginScreen, lambda _: None, LOGIN),
    "board": Shown(FlowBoardScreen, mode("board")),
    "stat board": Shown(StatsScreen, mode("stats")),
    "stat graph": Shown(StatGraphScreen, graph),
    "stat entry": Shown(StatEntryScreen, lambda _: StatEntryScreen(None, None)),
    "my hat": Shown(MyHatScreen, mode("my_hat"), OWNER),
    "my hat, staff": Shown(MyHatScreen, mode("my_hat"), TOM),
    "hat editor": Shown(HatEditorScreen, mode("hats")),
    "policies": Shown(PoliciesScreen),
    "compliance": Shown(ComplianceScreen, mode("compliance")),
    "compliance items": Shown(ComplianceDetailScreen, compliance_items),
    "staff": Shown(StaffScreen, mode("staff")),
    "orders": Shown(OrdersScreen, mode("orders"), OWNER),
    "orders, the owner's own": Shown(OrdersScreen, mode("orders"), OWNER, keys=("b",)),
    "orders, staff": Shown(OrdersScreen, mode("orders"), TOM),
    "programs": Shown(ProgramsScreen),
    "line": Shown(LineScreen, mode("line"), OWNER),
    "line, the manager": Shown(LineScreen, mode("line"), "Karen Miles"),
    "line, the front desk": Shown(LineScreen, mode("line"), "Jenny Ortiz"),
    "book": Shown(BookScreen, mode("book")),
    "book, by room": Shown(BookScreen, mode("book"), keys=("v",)),
    "book, a provider's week": Shown(BookScreen, mode("book"), keys=("w", "enter")),
    "book settings": Shown(BookSettingsScreen),
    "rooms": Shown(RoomsScreen),
    "patients": Shown(PatientsScreen, lambda _: PatientsScreen(with_a_plan())),
    "check-in": Shown(CheckInScreen, lambda _: CheckInScreen(None)),
    "overview": Shown(OverviewScreen, mode("overview")),
    "evaluation": Shown(EvaluationScreen, evaluating, OWNER),
    "evaluation criteria": Shown(CriteriaScreen),
    "import queue": Shown(ImportQueueScreen),
    "org board": Shown(OrgBoardScreen),
    "hiring": Shown(HiringScreen),
    "leaving": Shown(LeavingScreen, leaving),
    "call lists": Shown(CallListsScreen),
    "call list: confirmations": Shown(ConfirmationsScreen),
    "call list: recall": Shown(RecallScreen),
    "call list: unscheduled": Shown(UnscheduledScreen),
    "call list: ASAP": Shown(AsapScreen),
    "call list: falling off": Shown(FallingOffScreen),
    "care plans": Shown(PlansScreen, lambda _: PlansScreen(with_a_plan())),
}
ANYTHING = {AuditScreen: "every change is a row on the trail it shows"}
"""The screens that re-read on every change, and why."""
MADE_FROM = {CallListScreen}
"""What screens are made from, re-reading as the screen made from them says."""


def screens_that_re_read() -> set[type[Screen[Any]]]:
    """Every screen of the app with a handler of DataChanged (its own, or inherited)."""
    found: set[type[Screen[Any]]] = set()
    top = Path(all_screens.__path__[0])
    for source in sorted(top.rglob("*.py")):  # a folder without __init__ too (calls/)
        name = ".".join(("om_tui", "screens", *source.relative_to(top).with_suffix("").parts))
        loaded = importlib.import_module(name.removesuffix(".__init__"))
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, Screen)
                and value.__module__ == loaded.__name__
                and handles(value, DataChanged)
            ):
                found.add(value)
    return found


def test_every_screen_that_re_reads_names_what_it_shows_and_is_traced_here() -> None:
    """A new screen that re-reads on a change is traced here too (or says why it re-reads on
    any change): what keeps its SHOWS honest."""
    re_reading = screens_that_re_read()
    assert {AuditScreen, FlowBoardScreen, ConfirmationsScreen} <= re_reading
    traced = {shown.screen for shown in SCREENS.values()}
    assert sorted(s.__qualname__ for s in re_reading - traced - set(ANYTHING) - MADE_FROM) == []
    for screen in ANYTHING:
        assert getattr(screen, "SHOWS", None) is None
    for screen in traced:
        assert screen.SHOWS  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(SCREENS))
async def test_a_screen_shows_every_table_it_re_reads(name: str, stats_demo: Practice) -> None:
    shown = SCREENS[name]
    if shown.person == LOGIN:
        app = stats_demo.app(login=True)
    else:
        app = stats_demo.app(staff_id=shown.person and staff_named(shown.person))
    async with app.run_test(size=(80, 24)) as pilot:
        await patients_loaded(pilot)
        opened = shown.screen() if shown.opening is None else shown.opening(stats_demo)
        if isinstance(opened, str):
            app.switch_mode(opened)
        elif opened is not None:
            app.push_screen(opened)
        await settle(pilot)
        for key in shown.keys:
            await pilot.press(key)
            await settle(pilot)
        screen = app.screen
        assert type(screen) is shown.screen
        with tables_read(stats_demo.database) as read:
            screen.post_message(DataChanged(None))
            await settle(pilot)
        shows = screen.SHOWS  # type: ignore[attr-defined]
        assert read, "the re-read was not traced"
        assert sorted(read - shows) == []
        if "stat_value" in read:  # counted off the trail: their counts' tables are named too
            assert COUNTED_FROM - shows == set()


def test_the_computed_stats_are_counted_from_what_counted_from_names(
    stats_demo: Practice,
) -> None:
    """The flow's, the call lists' and hiring's figures of a week, each counted whether a
    stat of the demo asks for it or not."""
    practice_settings = settings.load(stats_demo.database)
    stats = Stats(stats_demo.database, stats_demo.clock, practice_settings, ADMINISTRATOR)
    start, end = stats.weeks.bounds(STATS_WEEK)
    with tables_read(stats_demo.database) as read:
        stats.recompute(STATS_WEEK)
        flow_figures(start, end)
        call_figures(start, end)
        hiring_figures(stats.weeks, STATS_WEEK, stats_demo.clock.now())
    assert {"visit_event", "call_contact", "candidate_step"} <= read
    assert sorted(read - COUNTED_FROM - {"stat", "stat_value"}) == []
