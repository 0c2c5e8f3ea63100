"""Several terminals on one practice: changes made elsewhere show, races record one move."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from db.models import Stage, VisitEvent
from om_tui.practice import settings
from om_tui.practice.changes import NeverChanges
from om_tui.practice.flow.board import Board
from om_tui.practice.flow.moves import Flow
from om_tui.practice.hats.service import Hats
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.flow.board import FlowBoardScreen

from .conftest import Practice
from .helpers import (
    board,
    cell,
    check_in_elsewhere,
    counting_reads,
    live_stages,
    select,
    settle,
    stage,
    visit_for,
    warnings,
)

PROJECT = Path(__file__).resolve().parents[2]

# Another front-desk terminal, as its own process: check one patient in and exit.
OTHER_TERMINAL = """
import datetime as dt
import sys

from db import open_database
from db.models import Staff
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow

path, now, patient, appointment = sys.argv[1:]
database = open_database(path)
desk = Staff.get(Staff.name == "Jo Desk").id
clock = FrozenClock(dt.datetime.fromisoformat(now))
flow = Flow(database, clock, settings.load(database), desk)
flow.check_in(int(patient), int(appointment))
database.close()
"""


@pytest.mark.slow
async def test_a_check_in_from_another_process_shows_on_the_board(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("nora")
        assert stage(pilot, key) == "Scheduled"

        subprocess.run(
            [
                sys.executable,
                "-c",
                OTHER_TERMINAL,
                str(office.path),
                office.clock.now().isoformat(),
                str(office.patients["nora"]),
                str(office.appointments["nora"]),
            ],
            cwd=PROJECT,
            check=True,
            timeout=30,
        )
        app.check_for_changes()
        await pilot.pause()

        assert stage(pilot, key) == "Arrived"
        assert cell(pilot, key, "in_stage") == "00:00"
        assert "Waiting 2" in str(app.screen.query_one("#figures").render())


async def test_a_change_made_while_another_screen_is_shown_is_on_the_board_back(
    office: Practice,
) -> None:
    """The front desk looks at another screen; a patient is checked in elsewhere; back on
    the board, the patient has arrived (the change was announced to the screen shown)."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("nora")
        assert stage(pilot, key) == "Scheduled"
        await pilot.press("6")
        await settle(pilot)
        assert not isinstance(app.screen, FlowBoardScreen)

        await check_in_elsewhere(office, office.patients["nora"], office.appointments["nora"])
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert stage(pilot, key) == "Arrived"


def check_in_on_its_own_connection(practice: Practice, who: str) -> None:
    with practice.database.connection_context():
        practice.flow().check_in(practice.patients[who], practice.appointments[who])


async def test_a_burst_of_changes_elsewhere_is_read_once(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nora and Maria are checked in elsewhere, one commit each, and the change signal is
    seen twice before the board has had its turn: the board reads once, and shows both."""
    reads: list[int] = []
    board_of = Flow.board

    def counted(flow: Flow) -> Board:
        reads.append(1)
        return board_of(flow)

    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Flow, "board", counted)
        for who in ("nora", "maria"):
            # Another terminal's commit, waited for here: the board gets no turn meanwhile.
            other = threading.Thread(target=check_in_on_its_own_connection, args=(office, who))
            other.start()
            other.join()
            app.check_for_changes()  # each poll sees a change; the board's turn is after both
        await settle(pilot)
        assert len(reads) == 1
        assert stage(pilot, office.row_key("nora")) == "Arrived"
        assert stage(pilot, office.row_key("maria")) == "Arrived"


async def test_a_write_announced_here_is_not_announced_again_by_the_poll(
    office: Practice,
) -> None:
    """This terminal's writes run on a worker's connection, so the change poll sees them
    too; their announcement covers that, and the screens do not read them twice."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        writer = threading.Thread(target=check_in_on_its_own_connection, args=(office, "nora"))
        writer.start()
        writer.join()
        app.announce_change()  # as a write made here announces itself when done
        assert not app.watcher.changed()


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("maria", "Maria Lopez is already checked in (Arrived)."),
        ("tom", "Tom Baker is already With provider (changed on another terminal)."),
    ],
)
async def test_two_terminals_racing_on_one_visit_record_one_move(
    office: Practice, who: str, refusal: str
) -> None:
    """Maria is expected (next = check in); Tom has arrived and is roomed (next = provider).

    Both terminals share the one Database object: peewee binds the models once per
    process, so a second open_database would rebind the first terminal's models too.
    Each write still runs on its own worker-thread connection, in its own transaction.
    """
    if who == "tom":
        flow = office.flow()
        [row] = [r for r in flow.board().rows if r.key == office.row_key("tom")]
        flow.move(row, Stage.ROOMED, room=office.rooms["Room 1"])
    key = office.row_key(who)
    first = office.app()
    # The second terminal has not polled for changes yet when its person presses "n".
    second = office.app(watcher=NeverChanges())
    async with first.run_test(size=(140, 40)) as one, second.run_test(size=(140, 40)) as two:
        shown = stage(two, key)
        events = VisitEvent.select().count()
        select(one, key)
        await one.press("n")
        await settle(one)
        moved_to = stage(one, key)
        assert moved_to != shown
        assert stage(two, key) == shown  # still the old stage

        select(two, key)
        await two.press("n")
        await settle(two)

        assert VisitEvent.select().count() == events + 1
        assert warnings(two) == [refusal]
        assert stage(two, key) == moved_to  # the second terminal now shows the truth
        assert second.undo_stack == []
        visit = visit_for(office.appointments[who])
        assert visit is not None and visit.stage == live_stages(visit.id)[-1]
        assert board(two).cursor_row == board(two).get_row_index(key)


async def test_a_locked_database_is_retried_then_reported_with_nothing_half_written(
    office: Practice,
) -> None:
    """Another process holds the write lock: the move waits, retries, then says so plainly."""
    import sqlite3

    from db import open_database
    from om_tui.app import make_app

    impatient = open_database(office.path, busy_timeout=0.1)  # the same file, a short wait
    app = make_app(impatient, clock=office.clock)
    key = office.row_key("maria")
    other = sqlite3.connect(office.path, isolation_level=None)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            events = VisitEvent.select().count()
            other.execute("BEGIN IMMEDIATE")  # another terminal in the middle of a write
            select(pilot, key)
            await pilot.press("n")
            await settle(pilot)
            assert warnings(pilot) == [
                "The database is busy (another terminal is writing). "
                "Nothing was changed; try again."
            ]
            assert stage(pilot, key) == "Scheduled"
            other.execute("ROLLBACK")
            assert VisitEvent.select().count() == events

            await pilot.press("n")  # the lock is gone: the same key now works
            await settle(pilot)
            assert stage(pilot, key) == "Arrived"
            assert VisitEvent.select().count() == events + 1
    finally:
        other.close()


async def test_a_database_only_readable_here_is_said_so_not_called_busy(
    office: Practice,
) -> None:
    """A file this person may read but not write: the move says so, and what to expect."""
    from db import open_database
    from om_tui.app import make_app

    reader = open_database(office.path)
    # SQLite's own read-only mode, on every connection the app opens: writes end in
    # "attempt to write a readonly database", as on a file whose mode forbids writing.
    reader._pragmas.append(("query_only", 1))  # type: ignore[attr-defined]
    reader.execute_sql("PRAGMA query_only = 1")
    app = make_app(reader, clock=office.clock)
    key = office.row_key("maria")
    async with app.run_test(size=(140, 40)) as pilot:
        events = VisitEvent.select().count()
        select(pilot, key)
        await pilot.press("n")
        await settle(pilot)
        assert warnings(pilot) == [
            "Cannot write to the database: the file or its folder is read-only for you. "
            "Nothing was changed."
        ]
        assert stage(pilot, key) == "Scheduled"
    assert VisitEvent.select().count() == events


async def test_a_commit_elsewhere_wakes_the_board_without_the_poll(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The practice's log written by another connection wakes this terminal (inotify): the
    board shows the check-in though the poll is made an hour long."""
    import om_tui.app

    monkeypatch.setattr(om_tui.app, "WATCHED_POLL_SECONDS", 3600)
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("nora")
        await settle(pilot)  # the watch begins once the first screen is drawn
        assert app._wal is not None  # watched: on Linux, a practice in a file
        await check_in_elsewhere(office, office.patients["nora"], office.appointments["nora"])
        # The wake is the kernel's (a few ms, not the hour's poll); the bound is only for a
        # test machine under heavy load, where the read after the wake can wait its turn.
        for _ in range(1000):
            if stage(pilot, key) == "Arrived":
                break
            await pilot.pause(0.01)
        assert stage(pilot, key) == "Arrived"


def counting_board_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each read of the board (`Flow.board`, the board's one read), counted from now on."""
    return counting_reads(monkeypatch, Flow, "board")


def write_a_hat_elsewhere(practice: Practice) -> None:
    """Another terminal writes a hat (a post): on its own connection."""
    with practice.database.connection_context():
        practice_settings = settings.load(practice.database)
        hats = Hats(practice.database, practice.clock, practice_settings, ADMINISTRATOR)
        hats.create_post("Receptionist", purpose="Patients welcomed")


async def test_a_hat_written_elsewhere_is_not_read_again_by_the_board(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board shows visits, not hats: another terminal's new post leaves it as it is,
    while a check-in elsewhere is read (the trail says which tables each change wrote)."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        reads = counting_board_reads(monkeypatch)
        await asyncio.to_thread(write_a_hat_elsewhere, office)
        app.check_for_changes()
        await settle(pilot)
        assert reads == []

        await check_in_elsewhere(office, office.patients["nora"], office.appointments["nora"])
        app.check_for_changes()
        await settle(pilot)
        assert len(reads) == 1
        assert stage(pilot, office.row_key("nora")) == "Arrived"


async def test_a_burst_of_check_ins_elsewhere_is_one_read(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three check-ins and a hat, committed one after another before the board's turn,
    each seen by a poll: one read of the board, with every patient arrived."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        reads = counting_board_reads(monkeypatch)
        for who in ("nora", "maria"):
            other = threading.Thread(target=check_in_on_its_own_connection, args=(office, who))
            other.start()
            other.join()
            app.check_for_changes()
        other = threading.Thread(target=write_a_hat_elsewhere, args=(office,))
        other.start()
        other.join()
        app.check_for_changes()
        await settle(pilot)
        assert len(reads) == 1
        assert stage(pilot, office.row_key("nora")) == "Arrived"
        assert stage(pilot, office.row_key("maria")) == "Arrived"


async def test_a_board_covered_by_another_screen_reads_once_when_shown_again(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Patients (f) covers the board: two check-ins elsewhere are not read behind it; Esc
    back to the board reads them, once."""
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, FlowBoardScreen)
        reads = counting_board_reads(monkeypatch)
        for who in ("nora", "maria"):
            await check_in_elsewhere(office, office.patients[who], office.appointments[who])
            app.check_for_changes()
            await settle(pilot)
        assert reads == []

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert len(reads) == 1
        assert stage(pilot, office.row_key("nora")) == "Arrived"
        assert stage(pilot, office.row_key("maria")) == "Arrived"
