"""The communication line: filing, the manager's queue and batch, the owner's answers, the trail.

A small practice of its own: an owner (two, for the races), an office manager, a front
desk person and a staff member, on a real SQLite file, at a frozen ten o'clock that the
tests move on minute by minute so that each step of a trail has its own time.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from peewee import Database

from db import open_database
from db.models import (
    LineAnswer,
    LineEvent,
    LineItem,
    LineKind,
    LinePriority,
    LineStatus,
    Role,
    Staff,
)
from om_tui.demo.line import open_demo_line
from om_tui.demo.office import STAFF as DEMO_STAFF
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.owner.line.alert import UrgentWatch, alert_text
from om_tui.practice.owner.line.items import MAX_TEXT, LineError
from om_tui.practice.owner.line.service import Line
from om_tui.practice.people.roles import ADMINISTRATOR

from .practice_fixture import ZONE_NAME, local


@dataclass
class People:
    owner: int
    other_owner: int
    manager: int
    desk: int
    staff: int
    retired: int


@pytest.fixture
def people(database: Database) -> People:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)

    def person(name: str, role: Role, active: bool = True) -> int:
        initials = "".join(word[0] for word in name.split())
        return int(Staff.create(name=name, initials=initials, role=role, active=active).id)

    return People(
        owner=person("Dr. Ada Owner", Role.OWNER),
        other_owner=person("Dr. Bo Partner", Role.OWNER),
        manager=person("Meg Manager", Role.OFFICE_MANAGER),
        desk=person("Dee Desk", Role.FRONT_DESK),
        staff=person("Sam Staff", Role.STAFF),
        retired=person("Ray Retired", Role.STAFF, active=False),
    )


@pytest.fixture
def line(database: Database, clock: FrozenClock, people: People) -> Line:
    return Line(database, clock, settings.load(database))


def trail(line: Line, item_id: int) -> list[tuple[str, str, str, str]]:
    """(local time, who, what, note) of each step."""
    zone = line.practice.zone
    return [(f"{e.at.astimezone(zone):%H:%M}", e.who, e.what, e.note) for e in line.trail(item_id)]


def ids(items: list[object]) -> list[int]:
    return [item.id for item in items]  # type: ignore[attr-defined]


def nothing_written() -> bool:
    return not LineItem.select().exists() and not LineEvent.select().exists()


# -- routing -----------------------------------------------------------------------------


def test_an_item_goes_from_the_sender_through_the_batch_to_the_owner_and_back(
    line: Line, people: People, clock: FrozenClock
) -> None:
    item_id = line.file(people.desk, "request", "  A second card reader for the desk.  ")
    assert ids(line.queue()) == [item_id]
    assert line.item(item_id).text == "A second card reader for the desk."
    assert line.item(item_id).standing() == "waiting for the office manager"
    assert line.for_owner() == []

    clock.advance(minutes=5)
    line.batch(item_id, people.manager, "I recommend yes.")
    assert line.queue() == [] and ids(line.in_batch()) == [item_id]
    assert line.for_owner() == []  # the batch has not gone yet
    assert line.item(item_id).standing() == "in the batch for the owner"

    clock.advance(minutes=5)
    assert line.send_batch(people.manager) == 1
    assert line.in_batch() == [] and ids(line.for_owner()) == [item_id]
    assert line.item(item_id).standing() == "with the owner"
    assert line.unseen(people.desk) == 0

    clock.advance(minutes=5)
    line.answer(item_id, people.owner, "approve", "Up to $150.")
    item = line.item(item_id)
    assert (item.status, item.answer, item.answer_note) == ("answered", "approve", "Up to $150.")
    assert item.answered_by == "Dr. Ada Owner"
    assert item.standing() == "approved by Dr. Ada Owner"
    assert line.for_owner() == []
    assert ids(line.decided_recently()) == [item_id]
    assert [i.id for i in line.mine(people.desk) if i.unseen] == [item_id]
    assert line.unseen(people.desk) == 1

    clock.advance(minutes=5)
    assert line.mark_seen(item_id, people.manager) is False  # not the manager's item to read
    assert line.mark_seen(item_id, people.desk) is True
    assert line.mark_seen(item_id, people.desk) is False  # read once
    assert line.unseen(people.desk) == 0

    assert trail(line, item_id) == [
        ("10:00", "Dee Desk", "filed", ""),
        ("10:05", "Meg Manager", "batched", "I recommend yes."),
        ("10:10", "Meg Manager", "sent", ""),
        ("10:15", "Dr. Ada Owner", "answered", "Approved: Up to $150."),
        ("10:20", "Dee Desk", "seen", ""),
    ]


def test_the_manager_takes_an_item_up_and_handles_it_herself(
    line: Line, people: People, clock: FrozenClock
) -> None:
    item_id = line.file(people.staff, LineKind.QUESTION, "May I take Friday off?")
    clock.advance(minutes=1)
    line.take(item_id, people.manager)
    assert line.item(item_id).standing() == "with the office manager"
    assert ids(line.queue()) == [item_id]  # still hers to handle or batch

    clock.advance(minutes=1)
    line.handle(item_id, people.manager, "Yes; Dee covers your tasks.")
    item = line.item(item_id)
    assert item.status == LineStatus.HANDLED
    assert (item.answer, item.answer_note) == (LineAnswer.NOTE, "Yes; Dee covers your tasks.")
    assert item.standing() == "answered by Meg Manager"
    assert line.queue() == [] and line.for_owner() == [] and line.in_batch() == []
    assert line.unseen(people.staff) == 1
    assert trail(line, item_id) == [
        ("10:00", "Sam Staff", "filed", ""),
        ("10:01", "Meg Manager", "taken", ""),
        ("10:02", "Meg Manager", "handled", "Yes; Dee covers your tasks."),
    ]


def test_the_manager_may_handle_a_batched_item_until_the_batch_is_sent(
    line: Line, people: People
) -> None:
    kept, sent = (line.file(people.desk, "request", text) for text in ("Kept", "Sent"))
    line.batch(kept, people.manager)
    line.handle(kept, people.manager, "I can do this one.")
    assert line.item(kept).status == LineStatus.HANDLED

    line.batch(sent, people.manager)
    line.send_batch(people.manager)
    with pytest.raises(LineError, match="went to the owner at 10:00: it waits for their answer"):
        line.handle(sent, people.manager, "Too late.")
    assert line.item(sent).with_owner


def test_urgent_items_reach_the_owner_at_once_the_rest_only_with_the_batch(
    line: Line, people: People, clock: FrozenClock
) -> None:
    normal = line.file(people.desk, "problem", "The printer jams.", LinePriority.HIGH)
    clock.advance(minutes=1)
    urgent = line.file(people.staff, "problem", "The x-ray heater is smoking.", urgent=True)
    assert ids(line.for_owner()) == [urgent]
    assert ids(line.queue()) == [normal]  # the urgent item skips the manager's queue
    assert line.item(urgent).standing() == "with the owner"
    assert [(w, note) for _, _, w, note in trail(line, urgent)] == [
        ("filed", "urgent"),
        ("sent", "urgent: straight to the owner"),
    ]

    clock.advance(minutes=1)
    line.batch(normal, people.manager)
    assert ids(line.for_owner()) == [urgent]
    clock.advance(minutes=1)
    line.send_batch(people.manager)
    assert ids(line.for_owner()) == [urgent, normal]  # urgent first, then as routed


def test_the_owner_sees_urgent_then_high_priority_then_the_rest(line: Line, people: People) -> None:
    low = line.file(people.desk, "question", "Low")
    high = line.file(people.desk, "question", "High", "high")
    for item_id in (low, high):
        line.batch(item_id, people.manager)
    assert ids(line.in_batch()) == [high, low]
    line.send_batch(people.manager)
    urgent = line.file(people.desk, "question", "Urgent", urgent=True)
    assert ids(line.for_owner()) == [urgent, high, low]


def test_a_persons_items_keep_their_order_when_an_answer_is_read(
    line: Line, people: People, clock: FrozenClock
) -> None:
    first = line.file(people.desk, "question", "First")
    clock.advance(minutes=1)
    second = line.file(people.desk, "question", "Second")
    clock.advance(minutes=1)
    line.handle(first, people.manager, "Answered.")
    before = ids(line.mine(people.desk))
    assert before == [first, second]  # the news first: an answer counts from when it came
    line.mark_seen(first, people.desk)
    assert ids(line.mine(people.desk)) == before


def test_the_urgent_watch_tells_of_each_new_urgent_item_once(
    line: Line, people: People, database: Database
) -> None:
    line.file(people.desk, "problem", "Filed before the owner looked", urgent=True)
    watch = UrgentWatch(database)
    assert watch.check() == []
    line.file(people.desk, "question", "Not urgent")
    urgent = line.file(people.staff, "problem", "The water heater leaks.", urgent=True)
    [news] = watch.check()
    assert news.id == urgent
    assert alert_text(news) == "Problem from Sam Staff: The water heater leaks."
    assert watch.check() == []


# -- two terminals -------------------------------------------------------------------------


def test_two_terminals_answering_one_item_at_once_record_exactly_one_answer(
    database: Database, people: People, clock: FrozenClock, line: Line
) -> None:
    """Both owners' screens show the item waiting; both answer in the same instant."""
    item_id = line.file(people.desk, "approval", "The seminar: $480.", urgent=True)
    loaded = settings.load(database)
    barrier = threading.Barrier(2, timeout=10)
    results: dict[int, object] = {}

    def terminal(owner: int, answer: str) -> None:
        own = Line(database, clock, loaded)
        try:
            assert own.item(item_id).with_owner  # what each screen shows
            barrier.wait()
            own.answer(item_id, owner, answer)
            results[owner] = "answered"
        except BaseException as error:  # recorded, so the test sees every outcome
            results[owner] = error
        finally:
            database.close()  # this thread's own connection

    threads = [
        threading.Thread(target=terminal, args=(people.owner, "approve")),
        threading.Thread(target=terminal, args=(people.other_owner, "decline")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    [winner] = [who for who, result in results.items() if result == "answered"]
    [refused] = [result for result in results.values() if isinstance(result, LineError)]
    item = line.item(item_id)
    assert item.answered_by_id == winner
    assert item.answer == ("approve" if winner == people.owner else "decline")
    name = "Dr. Ada Owner" if winner == people.owner else "Dr. Bo Partner"
    assert str(refused) == (
        f"{name} answered this item already ({item.answer_title}, at 10:00): "
        "one answer stands, so you cannot answer it."
    )
    answers = LineEvent.select().where((LineEvent.item == item_id) & (LineEvent.what == "answered"))
    assert answers.count() == 1


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_item_without_text_is_refused_and_nothing_is_written(
    line: Line, people: People, text: str
) -> None:
    with pytest.raises(LineError, match="needs its text"):
        line.file(people.desk, "question", text)
    assert nothing_written()


@pytest.mark.parametrize(
    ("kind", "priority", "text", "refusal"),
    [
        ("gossip", "normal", "Hi", "An item is one of: question, request, problem, approval"),
        ("question", "whenever", "Hi", "A priority is one of: normal, high"),
        ("question", "normal", "x" * (MAX_TEXT + 1), f"Keep an item to {MAX_TEXT} characters"),
    ],
)
def test_bad_kinds_priorities_and_lengths_are_refused(
    line: Line, people: People, kind: str, priority: str, text: str, refusal: str
) -> None:
    with pytest.raises(LineError, match=refusal):
        line.file(people.desk, kind, text, priority)
    assert nothing_written()


def test_kinds_are_understood_by_their_titles(line: Line, people: People) -> None:
    item_id = line.file(people.desk, "Approval needed", "The seminar.")
    assert line.item(item_id).kind == LineKind.APPROVAL


def test_only_a_person_on_the_active_staff_files(line: Line, people: People) -> None:
    with pytest.raises(LineError, match="You are no longer on the active staff list"):
        line.file(people.retired, "question", "Am I still here?")
    with pytest.raises(LineError, match="Log in as yourself"):
        line.file(None, "question", "Who am I?")
    assert nothing_written()


def test_answering_twice_is_refused_and_the_first_answer_stands(
    line: Line, people: People, clock: FrozenClock
) -> None:
    item_id = line.file(people.desk, "request", "Music in the waiting room?", urgent=True)
    line.answer(item_id, people.owner, "see me")
    clock.advance(minutes=3)
    with pytest.raises(LineError) as refused:
        line.answer(item_id, people.owner, "approve")
    assert str(refused.value) == (
        "You answered this item already (See me, at 10:00): one answer stands, "
        "so you cannot answer it."
    )
    item = line.item(item_id)
    assert (item.answer, item.answered_at) == ("see_me", local(10, 0))
    with pytest.raises(LineError, match="Dr. Ada Owner answered this item already"):
        line.handle(item_id, people.manager, "Me too.")


def test_answering_an_item_not_routed_to_the_owner_is_refused(line: Line, people: People) -> None:
    new = line.file(people.desk, "question", "New")
    batched = line.file(people.desk, "question", "Batched")
    line.batch(batched, people.manager)
    handled = line.file(people.desk, "question", "Handled")
    line.handle(handled, people.manager, "Done.")

    with pytest.raises(LineError, match="with the office manager: it has not been routed"):
        line.answer(new, people.owner, "approve")
    with pytest.raises(LineError, match="in the office manager's batch: it reaches the owner"):
        line.answer(batched, people.owner, "approve")
    with pytest.raises(LineError, match="Meg Manager answered this item already"):
        line.answer(handled, people.owner, "decline")
    with pytest.raises(LineError, match="no longer on the line"):
        line.answer(9999, people.owner, "approve")
    assert [line.item(i).status for i in (new, batched, handled)] == ["new", "batched", "handled"]
    assert not LineEvent.select().where(LineEvent.what == "answered").exists()


def test_each_step_is_for_its_role(line: Line, people: People) -> None:
    item_id = line.file(people.desk, "question", "Can I?", urgent=True)
    other = line.file(people.desk, "question", "And this?")
    with pytest.raises(LineError, match="Only the owner answers"):
        line.answer(item_id, people.manager, "approve")
    for step in (
        lambda: line.batch(other, people.desk),
        lambda: line.take(other, people.staff),
        lambda: line.handle(other, people.desk, "Sure."),
        lambda: line.send_batch(people.staff),
    ):
        with pytest.raises(
            LineError, match="Only the office manager or the owner works the line's queue"
        ):
            step()
    assert line.item(other).status == LineStatus.NEW
    assert line.item(item_id).with_owner


def test_notes_that_are_needed_and_an_empty_batch(line: Line, people: People) -> None:
    item_id = line.file(people.desk, "question", "Can I?")
    with pytest.raises(LineError, match="Handling an item takes a note"):
        line.handle(item_id, people.manager, "  ")
    with pytest.raises(LineError, match="The batch is empty"):
        line.send_batch(people.manager)
    line.batch(item_id, people.manager)
    with pytest.raises(LineError, match="in the batch for the owner already"):
        line.batch(item_id, people.manager)
    line.send_batch(people.manager)
    with pytest.raises(LineError, match="An answer by note needs the note"):
        line.answer(item_id, people.owner, "note", "")
    with pytest.raises(LineError, match="An answer is one of: approve, decline, note, see me"):
        line.answer(item_id, people.owner, "maybe")
    assert line.item(item_id).with_owner


def test_taking_an_item_up_twice_is_refused(line: Line, people: People) -> None:
    item_id = line.file(people.desk, "question", "Can I?")
    line.take(item_id, people.manager)
    with pytest.raises(LineError, match="taken up already"):
        line.take(item_id, people.manager)
    assert LineEvent.select().where(LineEvent.what == "taken").count() == 1


# -- the demo ------------------------------------------------------------------------------


def _demo_line(path: Path) -> list[tuple[object, ...]]:
    database = open_database(path)
    try:
        settings.set_timezone(database, "America/Chicago", by=ADMINISTRATOR)
        for name, initials, role, provider in DEMO_STAFF:
            Staff.create(name=name, initials=initials, role=role, provider=provider)
        now = dt.datetime(2026, 11, 18, 16, 7, 30, tzinfo=dt.UTC)
        open_demo_line(database, FrozenClock(now), settings.load(database))
        open_demo_line(database, FrozenClock(now + dt.timedelta(days=1)), settings.load(database))
        rows = LineItem.select().order_by(LineItem.id).tuples()
        events = LineEvent.select().order_by(LineEvent.id).tuples()
        return [*rows, *events]
    finally:
        database.close()


def test_the_demo_line_is_the_same_every_time_with_each_state_and_one_urgent_item(
    tmp_path: Path,
) -> None:
    first = _demo_line(tmp_path / "one.db")
    assert first == _demo_line(tmp_path / "two.db")  # and opening it again adds nothing

    database = open_database(tmp_path / "one.db")
    try:
        now = FrozenClock(dt.datetime(2026, 11, 18, 16, 8, tzinfo=dt.UTC))
        line = Line(database, now, settings.load(database))
        statuses = {row.status for row in LineItem.select(LineItem.status)}
        assert statuses == {status.value for status in LineStatus}
        assert [item.urgent for item in line.for_owner()] == [True, False]
        assert line.unseen(int(Staff.get(Staff.name == "Tom Becker").id)) == 2
        for row in LineItem.select(LineItem.id):
            assert line.trail(row.id)[0].what == "filed"
    finally:
        database.close()
