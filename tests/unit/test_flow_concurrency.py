"""Two terminals racing on one visit: exactly one move is recorded, the other is told.

Each thread gets its own SQLite connection (peewee keeps one per thread), so this
is the same contention two front-desk processes would meet, on a real file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from peewee import Database

from db import Stage, Visit, VisitEvent
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Change, Flow
from om_tui.practice.flow.stages import StaleVisit
from om_tui.practice.people.roles import ADMINISTRATOR

from .practice_fixture import Practice


def _race(database: Database, move: Callable[[Flow], Change], clock: FrozenClock) -> list[object]:
    """Run `move` on two terminals released at the same moment; return what each got."""
    loaded = settings.load(database)
    barrier = threading.Barrier(2, timeout=10)
    results: list[object] = [None, None]

    def terminal(index: int) -> None:
        own = Flow(database, clock, loaded, staff_id=ADMINISTRATOR)
        try:
            barrier.wait()
            results[index] = move(own)
        except BaseException as error:  # recorded, so the test sees every outcome
            results[index] = error
        finally:
            database.close()  # this thread's own connection

    threads = [threading.Thread(target=terminal, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def _one_won(results: list[object]) -> None:
    changes = [r for r in results if isinstance(r, Change)]
    stale = [r for r in results if isinstance(r, StaleVisit)]
    assert len(changes) == 1 and len(stale) == 1, results


@pytest.mark.backends("sqlite")  # SQLite's PRAGMAs, set on each connection it opens
def test_each_thread_has_its_own_connection_with_the_same_settings(database: Database) -> None:
    seen: dict[str, object] = {}

    def other_thread() -> None:
        try:
            seen["connection"] = id(database.connection())
            seen["foreign_keys"] = database.execute_sql("PRAGMA foreign_keys").fetchone()[0]
            seen["busy_timeout"] = database.execute_sql("PRAGMA busy_timeout").fetchone()[0]
        finally:
            database.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["connection"] != id(database.connection())
    assert (seen["foreign_keys"], seen["busy_timeout"]) == (1, 5000)


def test_racing_to_advance_records_one_move_at_every_stage(
    database: Database, flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    flow.advance(practice.row(flow, "ann"))
    for expected in (Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT, Stage.DONE):
        row = practice.row(flow, "ann")  # both terminals saw the same board
        clock.advance(minutes=1)
        results = _race(database, lambda own, row=row: own.advance(row), clock)
        _one_won(results)
        assert practice.row(flow, "ann").stage == expected
        reached = VisitEvent.select().where(
            VisitEvent.visit == row.visit_id, VisitEvent.stage == expected
        )
        assert reached.count() == 1
    assert VisitEvent.select().count() == 5


def test_racing_to_check_in_one_appointment_makes_one_visit(
    database: Database, flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    row = practice.row(flow, "ann")
    results = _race(database, lambda own: own.advance(row), clock)
    _one_won(results)
    assert Visit.select().count() == 1
    assert VisitEvent.select().where(VisitEvent.stage == Stage.ARRIVED).count() == 1
    assert practice.row(flow, "ann").stage == Stage.ARRIVED


def test_racing_to_check_in_one_walk_in_makes_one_visit(
    database: Database, flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    patient_id = practice.patients["eve"]
    results = _race(database, lambda own: own.check_in(patient_id), clock)
    _one_won(results)
    assert Visit.select().where(Visit.patient == patient_id).count() == 1
    assert VisitEvent.select().count() == 1


def test_racing_a_no_show_against_a_check_in(
    database: Database, flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    row = practice.row(flow, "ben")
    outcomes = iter(["advance", "no-show"])
    lock = threading.Lock()

    def either(own: Flow) -> Change:
        with lock:
            what = next(outcomes)
        return own.advance(row) if what == "advance" else own.move(row, Stage.NO_SHOW)

    results = _race(database, either, clock)
    _one_won(results)
    [visit] = Visit.select().where(Visit.patient == practice.patients["ben"])
    assert VisitEvent.select().where(VisitEvent.visit == visit.id).count() == 1
    assert Stage(visit.stage) in (Stage.ARRIVED, Stage.NO_SHOW)
